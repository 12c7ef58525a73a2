// Sources of an execution as DAP sees them: files on disk by path; generated or embedded sources (Yul
// helpers, sources inside build output) by a sourceReference whose text the `source` request returns.

import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Execution } from '../core/execution.ts';

export class SourceTable {
  constructor(private readonly execution: Execution) {}

  toDap(index: number): DebugProtocol.Source {
    const file = this.execution.sources[index]!;
    if (file.content !== undefined) {
      return {
        name: file.name,
        ...(path.isAbsolute(file.path) ? { path: file.path } : {}),
        sourceReference: index + 1,
        ...(file.readOnly ? { presentationHint: 'deemphasize' as const, origin: 'generated' } : {}),
      };
    }
    return { name: file.name, path: file.path };
  }

  /** Index of the execution source a client source names, or -1. */
  find(source: DebugProtocol.Source): number {
    if (source.sourceReference && source.sourceReference > 0) {
      const i = source.sourceReference - 1;
      if (i < this.execution.sources.length) return i;
    }
    if (source.path) {
      const wanted = path.resolve(source.path);
      const named = (p: string) => path.isAbsolute(p) && path.resolve(p) === wanted;
      return this.execution.sources.findIndex((f) => named(f.path) || (f.copies ?? []).some(named));
    }
    return -1;
  }

  /** Text for the `source` request. */
  content(reference: number, fallbackPath?: string): string | undefined {
    const file = this.execution.sources[reference - 1];
    if (file?.content !== undefined) return file.content;
    const p = file?.path ?? fallbackPath;
    if (p && path.isAbsolute(p)) {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  all(): DebugProtocol.Source[] {
    return this.execution.sources.map((_, i) => this.toDap(i));
  }
}

/** A stable key for the breakpoints of one client source. */
export function sourceKey(source: DebugProtocol.Source): string {
  if (source.path) return `path:${path.resolve(source.path)}`;
  return `ref:${source.sourceReference ?? 0}:${source.name ?? ''}`;
}
