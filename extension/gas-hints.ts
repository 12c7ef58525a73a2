// What the gas hints say, without VS Code: the per-line report the debug adapter sends after a launch
// (`chainstep/lineGas`, see debug-adapter/core/line-gas.ts), kept per file until the file changes, and
// the gas a function used in its last two runs (for the lens's ▲/▼). VS Code glue is in gas-view.ts.

import type { GasCall, LineGas, LineGasEvent } from '../protocol/gas.ts';

export type { GasCall, GasItem, LineGas, LineGasEvent } from '../protocol/gas.ts';

const number = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The inlay hint at the end of a line: `⛽ 44,200 · 2×`. */
export function hintText(line: LineGas): string {
  return `⛽ ${number(line.gas)} · ${line.count}×`;
}

/** The hover of a hint: where the line's gas went. */
export function hintTooltip(line: LineGas, vm: string): string {
  const rows = line.breakdown.map((b) => `| ${b.label} | ${number(b.count)} | ${number(b.gas)} |`);
  const unit = vm === 'move' ? 'gas units (Sui schedule)' : 'gas';
  return [
    `**${number(line.gas)} ${unit}** on this line, which ran ${line.count === 1 ? 'once' : `${line.count} times`} in the last debug session `
      + '(its own instructions and the compiler-generated code it ran; functions it called with sources count on their own lines).',
    '',
    '| spent on | instructions | gas |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Per-line gas of the last run, by file; a file's entries go when the file is edited. */
export class LineGasStore {
  private byPath = new Map<string, { vm: string; lines: Map<number, LineGas> }>();

  /** A new run replaces everything: hints show one run at a time. */
  set(event: LineGasEvent): void {
    this.byPath = new Map();
    for (const l of event.lines) {
      let file = this.byPath.get(l.path);
      if (!file) this.byPath.set(l.path, (file = { vm: event.vm, lines: new Map() }));
      file.lines.set(l.line, l);
    }
  }

  /** Lines of a file that ran, with their gas (1-based lines). */
  linesOf(path: string): { vm: string; lines: readonly LineGas[] } | undefined {
    const file = this.byPath.get(path);
    return file && { vm: file.vm, lines: [...file.lines.values()] };
  }

  /** The file changed: its numbers no longer describe its text. Returns whether there was anything to clear. */
  clear(path: string): boolean {
    return this.byPath.delete(path);
  }
}

/** The gas of a function's last run and the one before, as persisted in workspace state. */
export interface FunctionGas { readonly last: number; readonly previous?: number }

/** The key under which a function's gas is kept: file and qualified name. */
export function functionKey(path: string, container: string, name: string): string {
  return `chainstep.gas:${path}#${container}.${name}`;
}

/** A new measurement: the last one becomes the previous (kept when the gas did not change, so ▲/▼ stays meaningful). */
export function recordRun(before: FunctionGas | undefined, gas: number): FunctionGas {
  if (!before) return { last: gas };
  if (before.last === gas) return before;
  return { last: gas, previous: before.last };
}

/** The lens title: `⛽ 54,321 gas ▲ 2,100` after runs; undefined before any. */
export function lensTitle(gas: FunctionGas | undefined): string | undefined {
  if (!gas) return undefined;
  let change = '';
  if (gas.previous !== undefined && gas.previous !== gas.last) {
    const d = gas.last - gas.previous;
    change = d > 0 ? ` ▲ ${number(d)}` : ` ▼ ${number(-d)}`;
  }
  return `⛽ ${number(gas.last)} gas${change}`;
}

/** A function's gas in one run: the debugged call's total, or an internal function's inclusive gas over all its calls. */
export interface MeasuredFunction {
  readonly path: string;
  readonly container: string;
  readonly name: string;
  readonly gas: number;
  readonly calls: number;
}

/**
 * The functions a run measured, from its call tree: frames named `Contract.fn` or `0x0::module::fn` with a
 * source file. Generated helpers (no container) are left out. The root is the debugged call: its gas is the
 * call's execution gas; `program` stands in for its file when the root has no source location.
 */
export function measuredFunctions(event: LineGasEvent, program?: string): MeasuredFunction[] {
  const byKey = new Map<string, { path: string; container: string; name: string; gas: number; calls: number }>();
  const visit = (node: GasCall, root: boolean, ancestors: ReadonlySet<string>): void => {
    const path = node.path ?? (root ? program : undefined);
    const parts = node.name.includes('::') ? node.name.split('::').slice(-2) : node.name.split('.');
    const key = path && parts.length === 2 ? `${path}#${node.name}` : undefined;
    if (key) {
      const entry = byKey.get(key) ?? { path: path!, container: parts[0]!, name: parts[1]!, gas: 0, calls: 0 };
      // Recursion: an activation inside another of the same function is already in the outer one's gas.
      if (!ancestors.has(key)) entry.gas += root && event.gasUsed !== undefined ? event.gasUsed : node.gas;
      entry.calls += node.count;
      byKey.set(key, entry);
    }
    const inner = key ? new Set([...ancestors, key]) : ancestors;
    for (const c of node.children) visit(c, false, inner);
  };
  if (event.calls) visit(event.calls, true, new Set());
  return [...byKey.values()];
}

/** The 0-based line declaring function `name` in a source text (`function name(` or `fun name(`), or -1. */
export function declarationLine(text: string, name: string): number {
  const escaped = name.replace(/[$]/g, '\\$');
  const m = new RegExp(`\\b(?:function|fun)\\s+${escaped}\\s*[(<]`).exec(text);
  return m ? text.slice(0, m.index).split('\n').length - 1 : -1;
}
