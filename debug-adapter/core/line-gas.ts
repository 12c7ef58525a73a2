// Gas measured per source line from a recorded execution: what each line's own instructions spent and
// how many times execution arrived at the line. Backends know what each step cost (EVM: gas left before
// and after, minus what a callee used; Move: the Sui schedule's charge per instruction); this module only
// adds it up by line, with the same "arrival" rule the session's stepping uses, so "2×" on a line means
// a breakpoint there would have stopped twice.

import type { Execution } from './execution.ts';

/** A kind of work inside a line: "storage write (cold)", "call", "memory growth", "instructions". */
export interface GasItem {
  readonly label: string;
  readonly count: number;
  readonly gas: number;
}

export interface LineGas {
  /** SourceFile.path of the line's source. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  /** Gas of the line's own instructions and of the code without lines it ran (callees with lines count on theirs). */
  readonly gas: number;
  /** Times execution arrived at the line (loop iterations, repeated calls), not instructions run. */
  readonly count: number;
  /** Where the gas went, largest first. */
  readonly breakdown: readonly GasItem[];
}

/**
 * A node of the call tree by gas: calls of one function from the same caller merged (as a flame graph
 * shows them). The root is the debugged call.
 */
export interface GasCall {
  /** The frame's name as the call stack shows it: "Caller.sumOfSquares", "0x0::m::foo". */
  readonly name: string;
  /** Where the function starts (its first step's location), when it has sources. */
  readonly path?: string;
  readonly line?: number;
  /** Activations merged into this node. */
  readonly count: number;
  /** Gas of its own steps and everything it called (inclusive). */
  readonly gas: number;
  /** Gas of its own steps only. */
  readonly self: number;
  readonly children: readonly GasCall[];
}

export interface GasReport {
  /** Gas of every recorded step: equals the call's execution gas when the recording is complete. */
  readonly total: number;
  /**
   * Gas of steps before any statement ran (the dispatcher, ABI decoding). Later steps without a line of
   * their own (compiler helpers, function entry and exit, code without sources) are paid by the statement
   * running them, here or in a caller.
   */
  readonly unmapped: number;
  readonly lines: readonly LineGas[];
  /** The call tree by gas (external calls, internal functions, Move calls). */
  readonly calls?: GasCall;
}

interface CallNode {
  name: string; path?: string; line?: number; count: number; gas: number; self: number;
  children: Map<string, CallNode>;
  /** The same children by entry instruction (code unit, pc, depth). */
  entries: Map<string, CallNode>;
}

/**
 * Adds up `gasOf(step)` by line. `kindOf(step, gas)` names the kind of work a step did for the hover
 * breakdown (undefined: counted as "other").
 */
export function measureLineGas(
  execution: Execution,
  gasOf: (step: number) => number,
  kindOf: (step: number, gas: number) => string | undefined,
): GasReport {
  const where = new Map<number, { source: number; line: number }>();
  execution.sources.forEach((_, source) => {
    for (const line of execution.breakableLines(source)) {
      const id = execution.lineIdOf(source, line);
      if (id >= 0 && !where.has(id)) where.set(id, { source, line });
    }
  });
  let maxId = -1;
  for (const id of where.keys()) if (id > maxId) maxId = id;
  const gas = new Float64Array(maxId + 1);
  const count = new Float64Array(maxId + 1);
  const ran = new Uint8Array(maxId + 1);
  const kinds = new Map<number, Map<string, { count: number; gas: number }>>();
  let total = 0, unmapped = 0;
  // lastLine[d]: the line of the latest mapped step of the current activation at depth d (-2: none yet).
  let lastLine: number[] = [];
  let previousDepth = 0;
  // The open activations, outermost first: stack[d] is the node of the frame at depth d.
  const stack: CallNode[] = [];
  const open = (step: number, depth: number, parent: CallNode | undefined): CallNode => {
    // An activation is known by its entry instruction under its parent: frames() (costly) only for new ones.
    const entry = `${execution.codeId(step)}:${execution.pc(step)}:${depth}`;
    let node = parent?.entries.get(entry);
    if (!node) {
      const frames = execution.frames(step);
      const frame = frames[frames.length - 1 - depth] ?? frames[0];
      const location = frame?.location;
      const name = frame?.name ?? '(unknown)';
      const path = location ? execution.sources[location.source]?.path : undefined;
      const key = `${name}\u0000${path ?? ''}`;
      node = parent?.children.get(key);
      if (!node) {
        node = { name, ...(path ? { path, line: location!.line } : {}), count: 0, gas: 0, self: 0, children: new Map(), entries: new Map() };
        parent?.children.set(key, node);
      }
      parent?.entries.set(entry, node);
    }
    node.count++;
    return node;
  };
  for (let step = 0; step < execution.stepCount; step++) {
    const g = gasOf(step);
    total += g;
    const depth = execution.depth(step);
    for (let d = previousDepth + 1; d <= depth; d++) lastLine[d] = -2;
    if (step === 0) for (let d = 0; d <= depth; d++) stack[d] = open(step, d, stack[d - 1]);
    else if (depth > previousDepth) for (let d = previousDepth + 1; d <= depth; d++) stack[d] = open(step, d, stack[d - 1]);
    stack.length = depth + 1;
    stack[depth]!.self += g;
    previousDepth = depth;
    let line = execution.lineId(step);
    if (line >= 0 && where.has(line)) {
      if (lastLine[depth] !== line) {
        lastLine[depth] = line;
        count[line]!++;
      }
    } else {
      // No line of its own (a compiler helper, a function's entry or exit jumps, code without sources):
      // the statement that is running, here or in a caller, pays for it. Before any statement: unmapped.
      line = -1;
      for (let d = depth; d >= 0 && line < 0; d--) line = lastLine[d] ?? -2;
      if (line < 0) { unmapped += g; continue; }
    }
    gas[line]! += g;
    ran[line] = 1;
    const kind = kindOf(step, g) ?? 'other';
    let perLine = kinds.get(line);
    if (!perLine) kinds.set(line, (perLine = new Map()));
    const item = perLine.get(kind);
    if (item) { item.count++; item.gas += g; } else perLine.set(kind, { count: 1, gas: g });
  }
  lastLine = [];
  const lines: LineGas[] = [];
  for (let id = 0; id <= maxId; id++) {
    if (!ran[id]) continue;
    const g = gas[id]!;
    const at = where.get(id)!;
    const breakdown = [...(kinds.get(id) ?? [])].map(([label, v]) => ({ label, count: v.count, gas: v.gas })).sort((a, b) => b.gas - a.gas);
    lines.push({ path: execution.sources[at.source]!.path, line: at.line, gas: g, count: count[id]!, breakdown });
  }
  lines.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return { total, unmapped, lines, ...(stack[0] ? { calls: finish(stack[0]) } : {}) };
}

/** Inclusive gas bottom-up; children largest first. */
function finish(node: CallNode): GasCall {
  const children = [...node.children.values()].map(finish).sort((a, b) => b.gas - a.gas);
  const gas = node.self + children.reduce((s, c) => s + c.gas, 0);
  return { name: node.name, ...(node.path ? { path: node.path, line: node.line! } : {}), count: node.count, gas, self: node.self, children };
}
