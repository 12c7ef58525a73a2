// The official Sui trace debugger's own tests, replayed through our DAP session. Each package of
// `sui-trace-tests` with sources ships `trace.spec.js` (a script of debugging actions against that
// debugger's runtime: step, step over, step out, continue, line breakpoints, `toString()` snapshots) and
// `test.exp` (what that debugger printed). The script is run here against a stand-in runtime that only
// records the actions; the actions are then sent to our adapter as DAP requests, and at each snapshot the
// call stack and variables a DAP client sees are compared with the corresponding block of `test.exp`.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runInNewContext } from 'node:vm';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export type SpecAction =
  | { readonly kind: 'stepIn' | 'stepOver' | 'stepOut' | 'continue'; readonly result: boolean }
  | { readonly kind: 'breakpoints'; readonly file: string; readonly lines: readonly number[] }
  | { readonly kind: 'disassembly' }
  | { readonly kind: 'snapshot' };

export interface Spec {
  readonly name: string;
  readonly dir: string;
  /** `run_spec` (the package's unit test trace) or `run_spec_replay` (an on-chain replay). */
  readonly replayOnly: boolean;
  readonly actions: readonly SpecAction[];
  /** The `test.exp` text split into checkpoints: one per snapshot, or one for a returned error. */
  readonly expected: readonly string[];
  /** True when the script reports the error a stepping action returned (the text is `<kind>: <message>`). */
  readonly reportsError: boolean;
}

/** Runs `trace.spec.js` against a recording stand-in of the official runtime. */
export function readSpec(dir: string): Spec {
  const code = readFileSync(path.join(dir, 'trace.spec.js'), 'utf8');
  const actions: SpecAction[] = [];
  let reportsError = false;
  let replayOnly = false;
  // Stepping returns an execution result; reading `kind`/`msg` of one means the script reports it.
  const result = () => ({
    get kind() {
      reportsError = true;
      return 0;
    },
    msg: '',
  });
  const runtime = {
    step: (over: boolean) => (actions.push({ kind: over ? 'stepOver' : 'stepIn', result: true }), result()),
    stepOut: () => (actions.push({ kind: 'stepOut', result: true }), result()),
    continue: () => (actions.push({ kind: 'continue', result: true }), result()),
    setLineBreakpoints: (file: string, lines: number[]) => actions.push({ kind: 'breakpoints', file, lines: [...lines] }),
    toggleDisassembly: () => actions.push({ kind: 'disassembly' }),
    setCurrentMoveFileFromFrame: () => undefined,
    toString: () => (actions.push({ kind: 'snapshot' }), ''),
  };
  const run = (_dir: string, action: (r: typeof runtime) => string) => action(runtime);
  const require = (id: string) => {
    if (id === 'path') return path;
    if (id.endsWith('/runtime')) return { ExecutionResultKind: { 0: 'Exception' } };
    return {};
  };
  runInNewContext(code, {
    require,
    __dirname: dir,
    console: { log: () => undefined },
    run_spec: run,
    run_spec_replay: (d: string, a: (r: typeof runtime) => string) => ((replayOnly = true), run(d, a)),
  });
  const text = readFileSync(path.join(dir, 'test.exp'), 'utf8');
  const expected = reportsError ? [text.trim()] : text.split(/^(?=current frame stack:$)/m).filter((b) => b.trim() !== '');
  return { name: path.basename(dir), dir, replayOnly, actions, expected, reportsError };
}

/** A call stack as the official debugger prints it: outermost first, each frame's variables as leaves. */
export interface Snapshot {
  readonly frames: readonly { name: string; file: string; line: number; variables: ReadonlyMap<string, string> }[];
  readonly breakpoints: ReadonlyMap<string, readonly number[]>;
}

/**
 * Parses one `current frame stack:` block. Values become leaves keyed by path (`ctx.tx_hash.3`): the
 * official printer and the Variables view nest differently but hold the same leaves.
 */
export function parseSnapshot(block: string): Snapshot {
  const frames: { name: string; file: string; line: number; variables: Map<string, string> }[] = [];
  const breakpoints = new Map<string, number[]>();
  const lines = block.split('\n');
  let stack: { indent: number; path: string }[] = [];
  let inBreakpoints = false;
  let file = '';
  for (const raw of lines) {
    if (raw.trim() === '' || raw.startsWith('current frame stack:')) continue;
    if (raw.startsWith('line breakpoints')) {
      inBreakpoints = true;
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (inBreakpoints) {
      if (indent === 2) breakpoints.set((file = line), []);
      else breakpoints.get(file)!.push(Number(line));
      continue;
    }
    const fn = /^function: (.+) \((.+):(\d+)\)$/.exec(line);
    if (fn) {
      frames.push({ name: fn[1]!, file: fn[2]!, line: Number(fn[3]), variables: new Map() });
      stack = [];
      continue;
    }
    if (/^scope \d+ :$/.test(line) || line.startsWith('type: ') || line === '}' || line === ']') continue;
    const entry = /^(\S+) : (.*)$/.exec(line);
    if (!entry) continue;
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const key = [...stack.map((s) => s.path), entry[1]!].join('.');
    const value = entry[2]!;
    if (value.endsWith('{') || value === '[') stack.push({ indent, path: entry[1]! });
    else frames[frames.length - 1]!.variables.set(key, normalizeValue(value));
  }
  return { frames, breakpoints };
}

/** Hex numbers (addresses, ids) compared by value: the official printer writes 64 digits without `0x`. */
function normalizeValue(value: string): string {
  const v = value.trim();
  if (/^0x[0-9a-fA-F]+$/.test(v) || /^[0-9a-fA-F]{64}$/.test(v)) return `0x${BigInt(v.startsWith('0x') ? v : `0x${v}`).toString(16)}`;
  return v.replace(/^"(.*)"$/, '$1');
}

/** What a DAP client shows at the current stop, in the shape of a Snapshot. */
export async function dapSnapshot(dc: DebugClient, breakpoints: ReadonlyMap<string, readonly number[]>): Promise<Snapshot> {
  const stack = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const frames: Snapshot['frames'][number][] = [];
  for (const f of [...stack].reverse()) {
    const variables = new Map<string, string>();
    for (const scope of (await dc.scopesRequest({ frameId: f.id })).body.scopes) {
      if (scope.presentationHint !== 'arguments' && scope.presentationHint !== 'locals') continue;
      await leaves(dc, scope.variablesReference, '', variables, 0);
    }
    // The official debugger names every macro frame `__inlined__`; ours names the macro (`bar! (inlined in foo)`).
    const name = / \(inlined in \w+\)$/.test(f.name) ? '__inlined__' : f.name.replace(/<.*>$/, '').split('::').pop()!;
    frames.push({ name, file: f.source?.path ? path.basename(f.source.path) : (f.source?.name ?? '?'), line: f.line, variables });
  }
  return { frames, breakpoints };
}

async function leaves(dc: DebugClient, ref: number, prefix: string, out: Map<string, string>, depth: number): Promise<void> {
  if (ref === 0 || depth > 6) return;
  const vars: DebugProtocol.Variable[] = (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  for (const v of vars) {
    const key = prefix ? `${prefix}.${v.name.replace(/^\[(\d+)\]$/, '$1')}` : v.name;
    // Two presentation choices of ours, same content: a declared local without a value yet is listed as
    // "(no value)" (the official debugger leaves it out), and a moved local's last value is marked "(moved)".
    // References: the official printer shows the value referred to; we show `&value` with a "(points to)"
    // child naming the target.
    if (v.value === '(no value)' || v.name === '(points to)') continue;
    const value = v.value.replace(/ \(moved\)$/, '').replace(/^&(mut )?/, '');
    const before = out.size;
    if (v.variablesReference > 0) await leaves(dc, v.variablesReference, key, out, depth + 1);
    if (v.variablesReference === 0 || (out.size === before && value !== v.value)) out.set(key, normalizeValue(value));
  }
}

/** Differences between an expected and an actual snapshot, one line each; empty when they match. */
export function compareSnapshots(expected: Snapshot, actual: Snapshot): string[] {
  const out: string[] = [];
  const show = (s: Snapshot) => s.frames.map((f) => `${f.name} (${f.file}:${f.line})`).join(' > ');
  if (show(expected) !== show(actual)) out.push(`frames: expected ${show(expected)}, got ${show(actual)}`);
  const n = Math.min(expected.frames.length, actual.frames.length);
  for (let i = 0; i < n; i++) {
    const e = expected.frames[i]!;
    const a = actual.frames[i]!;
    const keys = new Set([...e.variables.keys(), ...a.variables.keys()]);
    for (const k of keys) {
      if (e.variables.get(k) !== a.variables.get(k)) out.push(`${e.name}: ${k} expected ${e.variables.get(k) ?? '(not shown)'}, got ${a.variables.get(k) ?? '(not shown)'}`);
    }
  }
  const bp = (m: ReadonlyMap<string, readonly number[]>) => JSON.stringify([...m].map(([f, l]) => [f, [...l].sort((x, y) => x - y)]).sort());
  if (bp(expected.breakpoints) !== bp(actual.breakpoints)) out.push(`breakpoints: expected ${bp(expected.breakpoints)}, got ${bp(actual.breakpoints)}`);
  return out;
}
