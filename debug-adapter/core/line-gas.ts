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
  /** Gas of the line's own instructions (a callee's instructions count on the callee's lines). */
  readonly gas: number;
  /** Times execution arrived at the line (loop iterations, repeated calls), not instructions run. */
  readonly count: number;
  /** Where the gas went, largest first. */
  readonly breakdown: readonly GasItem[];
}

export interface GasReport {
  /** Gas of every recorded step: equals the call's execution gas when the recording is complete. */
  readonly total: number;
  /** Gas of steps without a source line (dispatcher, ABI decoding, code without sources). */
  readonly unmapped: number;
  readonly lines: readonly LineGas[];
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
  const gas = new Map<number, number>();
  const count = new Map<number, number>();
  const kinds = new Map<number, Map<string, { count: number; gas: number }>>();
  let total = 0, unmapped = 0;
  // lastLine[d]: the line of the latest mapped step of the current activation at depth d (-2: none yet).
  let lastLine: number[] = [];
  let previousDepth = 0;
  for (let step = 0; step < execution.stepCount; step++) {
    const g = gasOf(step);
    total += g;
    const depth = execution.depth(step);
    for (let d = previousDepth + 1; d <= depth; d++) lastLine[d] = -2;
    previousDepth = depth;
    const line = execution.lineId(step);
    if (line < 0 || !where.has(line)) { unmapped += g; continue; }
    gas.set(line, (gas.get(line) ?? 0) + g);
    if (lastLine[depth] !== line) {
      lastLine[depth] = line;
      count.set(line, (count.get(line) ?? 0) + 1);
    }
    const kind = kindOf(step, g) ?? 'other';
    let perLine = kinds.get(line);
    if (!perLine) kinds.set(line, (perLine = new Map()));
    const item = perLine.get(kind) ?? { count: 0, gas: 0 };
    item.count++;
    item.gas += g;
    perLine.set(kind, item);
  }
  lastLine = [];
  const lines: LineGas[] = [];
  for (const [id, g] of gas) {
    const at = where.get(id)!;
    const breakdown = [...(kinds.get(id) ?? [])].map(([label, v]) => ({ label, count: v.count, gas: v.gas })).sort((a, b) => b.gas - a.gas);
    lines.push({ path: execution.sources[at.source]!.path, line: at.line, gas: g, count: count.get(id) ?? 0, breakdown });
  }
  lines.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return { total, unmapped, lines };
}
