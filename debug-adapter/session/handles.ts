// Variable and frame references handed to the client. They are valid for one stop only: every stop gets a
// new table, and numbers keep increasing across tables, so a stale reference from an earlier stop is
// recognised as such instead of silently naming something else.

import type { Children } from '../core/execution.ts';

export interface FrameHandle {
  readonly step: number;
  readonly frameIndex: number;
}

export interface ChildrenHandle {
  readonly children: Children;
  readonly step: number;
  readonly frameIndex: number;
  /** evaluateName of the value these children belong to (for data breakpoints on members). */
  readonly container?: string;
}

let nextHandle = 1;

export class StopHandles {
  private readonly frames = new Map<number, FrameHandle>();
  private readonly children = new Map<number, ChildrenHandle>();

  addFrame(frame: FrameHandle): number {
    const id = nextHandle++;
    this.frames.set(id, frame);
    return id;
  }
  frame(id: number): FrameHandle | undefined {
    return this.frames.get(id);
  }
  addChildren(entry: ChildrenHandle): number {
    const id = nextHandle++;
    this.children.set(id, entry);
    return id;
  }
  childrenOf(id: number): ChildrenHandle | undefined {
    return this.children.get(id);
  }
}
