// Gas measured per source line from a recorded execution: what each line's own instructions spent and
// how many times execution arrived at the line. Backends know what each step cost and what kind of work
// it was (a `StepGasMeter`: EVM: gas left before and after, minus what a callee used, split into storage,
// calls, memory growth...; Move: the Sui schedule's charge per instruction); this module only adds it up by
// line, with the same "arrival" rule the session's stepping uses, so "2×" on a line means a breakpoint there
// would have stopped twice.
//
// A recording can have tens of millions of steps, so the measurement is a generator that does a slice of
// steps per `next()`: the session runs it between DAP requests (the first stop and every request after it
// are answered while it runs) and sends the report when it is done.

import type { GasCall, GasItem, GasReport, LineGas } from '../../protocol/gas.ts';
import type { Execution } from './execution.ts';

export type { GasCall, GasItem, GasReport, LineGas } from '../../protocol/gas.ts';

/** What each step cost and what it did. Steps are asked for in increasing order, each once. */
export interface StepGasMeter {
  /** Gas the step itself spent (not what a callee it started spent: the callee's steps carry that). */
  gas(step: number): number;
  /**
   * Names the kinds of work in the step's `gas`: `charge(kind, part)` once per kind, the parts adding up to
   * `gas` (an MSTORE that grew memory: "instructions" 3 and "memory growth" the rest).
   */
  split(step: number, gas: number, charge: (kind: string, part: number) => void): void;
}

/** A measurement in slices: each `next()` works for about `SLICE_MS`; the return value is the report. */
export type GasMeasurement = Generator<void, GasReport, void>;

/** Milliseconds of work per slice: what a request arriving meanwhile waits at most (plus one check's steps). */
export const SLICE_MS = 8;
/** Steps between looks at the clock: reading it every step would cost more than the step itself. */
const CHECK_EVERY = 4096;

interface CallNode {
  name: string; path?: string; line?: number; count: number; gas: number; self: number;
  children: Map<string, CallNode>;
  /** The same children by entry instruction (code unit, pc, depth). */
  entries: Map<string, CallNode>;
}

/** Adds up the meter's gas by line, a slice of steps per `next()`. */
export function* measureLineGas(execution: Execution, meter: StepGasMeter): GasMeasurement {
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
  const kinds = new Map<number, Kinds>();
  const unmappedKinds: Kinds = new Map();
  // The step being added up: where its kinds go (set before each split).
  let into: Kinds = unmappedKinds;
  const charge = (kind: string, part: number): void => {
    const item = into.get(kind);
    if (item) { item.count++; item.gas += part; } else into.set(kind, { count: 1, gas: part });
  };
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
  let sliceStart = performance.now();
  for (let step = 0; step < execution.stepCount; step++) {
    if ((step & (CHECK_EVERY - 1)) === 0 && performance.now() - sliceStart >= SLICE_MS) {
      yield;
      sliceStart = performance.now();
    }
    const g = meter.gas(step);
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
      if (line < 0) {
        unmapped += g;
        into = unmappedKinds;
        meter.split(step, g, charge);
        continue;
      }
    }
    gas[line]! += g;
    ran[line] = 1;
    let perLine = kinds.get(line);
    if (!perLine) kinds.set(line, (perLine = new Map()));
    into = perLine;
    meter.split(step, g, charge);
  }
  lastLine = [];
  const lines: LineGas[] = [];
  for (let id = 0; id <= maxId; id++) {
    if (!ran[id]) continue;
    const g = gas[id]!;
    const at = where.get(id)!;
    lines.push({ path: execution.sources[at.source]!.path, line: at.line, gas: g, count: count[id]!, breakdown: items(kinds.get(id)) });
  }
  lines.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return { total, unmapped, unmappedBreakdown: items(unmappedKinds), lines, ...(stack[0] ? { calls: finish(stack[0]) } : {}) };
}

type Kinds = Map<string, { count: number; gas: number }>;

/** A breakdown, largest first (kinds that cost nothing, like a free no-op, are kept: they ran). */
function items(kinds: Kinds | undefined): GasItem[] {
  return [...(kinds ?? [])].map(([label, v]) => ({ label, count: v.count, gas: v.gas })).sort((a, b) => b.gas - a.gas);
}

/** Inclusive gas bottom-up; children largest first. */
function finish(node: CallNode): GasCall {
  const children = [...node.children.values()].map(finish).sort((a, b) => b.gas - a.gas);
  const gas = node.self + children.reduce((s, c) => s + c.gas, 0);
  return { name: node.name, ...(node.path ? { path: node.path, line: node.line! } : {}), count: node.count, gas, self: node.self, children };
}
