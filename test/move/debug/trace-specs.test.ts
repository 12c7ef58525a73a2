// The official Sui trace debugger's tests (`trace.spec.js` + `test.exp` of the sui-trace-tests packages
// that ship sources) replayed through our DAP session against the packages' real `.move` files: once on
// the real VM's trace file (replay) and once running the unit test in our interpreter (live). Prints the
// checkpoint match count; every checkpoint where we show something else on purpose is listed below with
// the reason, and the test fails on any other difference.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, nextEvent, serve } from '../../session/dap-helpers.ts';
import { backends } from '../../../debug-adapter/cli/backends.ts';
import { compareSnapshots, dapSnapshot, parseSnapshot, readSpec, type Spec } from './trace-spec.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');
const tests = path.join(fixtures, 'sui-trace-tests');
const frameworks = ['0x1.bcs', '0x2.bcs'].map((f) => path.join(fixtures, 'sui-framework/v124', f));
const skip = !existsSync(tests) && '../shared/fixtures/move not found';

type Mode = 'replay' | 'live';

/** Frames printed as `name (file:line) > ...`. */
const framesOf = (text: string) => text.split(' > ').map((f) => /^(.*) \((.*):(\d+)\)$/.exec(f)!.slice(1));
const framesProblem = /^frames: expected (.*), got (.*)$/;

/**
 * Differences that are ours on purpose, each with its reason: a checkpoint whose every difference is
 * one of these counts as "differs on purpose"; any other difference fails the test.
 */
const ON_PURPOSE: { reason: string; applies: (problem: string, key: string) => boolean }[] = [
  {
    reason: 'a function whose first statement is a macro: the official debugger shows the function at line 0 (no line); we show its name\'s line, and otherwise the line that invoked the macro, as it does',
    applies: (problem) => {
      const m = framesProblem.exec(problem);
      if (!m) return false;
      const [e, a] = [framesOf(m[1]!), framesOf(m[2]!)];
      return e.length === a.length && e.every((f, i) => f[0] === a[i]![0] && f[1] === a[i]![1] && (f[2] === a[i]![2] || (f[2] === '0' && a[i + 1]?.[0] === '__inlined__')));
    },
  },
  {
    reason: 'a macro invoked first thing in another macro\'s body: we show one frame, the innermost macro\'s (the debug info does not say where the outer macro invoked the inner one), the official debugger one per macro',
    applies: (problem) => {
      const m = framesProblem.exec(problem);
      if (!m) return false;
      const [e, a] = [framesOf(m[1]!), framesOf(m[2]!)];
      const inner = (fs: string[][]) => fs.filter((f) => f[0] !== '__inlined__').map((f) => f[0]).join() + fs[fs.length - 1]!.slice(0, 2).join();
      return e.length > a.length && inner(e) === inner(a);
    },
  },
  {
    reason: 'a macro\'s own locals show in the macro\'s frame (the one VS Code focuses, so the Variables view is not empty inside a macro); the official debugger lists them under the function and shows the macro frame empty',
    applies: (problem) => /^(\w+: \w+ expected \S+, got \(not shown\)|__inlined__: \w+ expected \(not shown\), got \S+)$/.test(problem),
  },
  {
    reason: 'a lambda parameter written in the function (`|x| x + x`) is one of its locals: like any local moved out, it keeps showing its last value (marked moved); the official debugger drops it with the macro that ran the lambda',
    applies: (problem) => /^foo: x expected \(not shown\), got \d+$/.test(problem),
  },
  {
    reason: 'step out stops in the caller right after the call returns, mid-line, as every VS Code debugger does (the returned value is on the operand stack; one Step Over finishes the line); the official debugger finishes the caller\'s line',
    applies: (_problem, key) => key === 'stepping_dbg_info_1#1' || key === 'stepping_dbg_info_1#2',
  },
  {
    reason: 'the official debugger\'s disassembly mode shows `.mvb` text files with their own line breakpoints; ours is VS Code\'s Disassembly view (instruction breakpoints and instruction stepping, tested in dap.test.ts), so its line breakpoints in `.mvb` files do not bind and its disassembly snapshots have no counterpart',
    applies: (_problem, key) => key.startsWith('disassembly#'),
  },
  {
    reason: 'sources/m.move of this package is not the file it was built from (its SHA-256 differs from the debug info\'s): we do not map the bytecode onto a changed file but show module m on the build\'s disassembly (m.mvb), as both debuggers do for m2, where the official debugger shows the changed m.move by name; stepping in m.mvb goes by instruction, so the script\'s steps land earlier in `test` than the official\'s, and foo\'s moved argument keeps its last value (see above)',
    applies: (_problem, key) => key.startsWith('disassembly_no_source#'),
  },
];

/** Packages whose scripts are not replayed, with the reason. */
const NOT_REPLAYED: Record<string, string> = {
  ext1: 'an on-chain transaction replay: the official debugger shows a PTB "event stack" (commands as summary frames) that has no DAP counterpart; our replay of it is tested in dap.test.ts',
  ext2: 'an on-chain transaction replay without bytecode: breakpoints in the .mvb disassembly text and a PTB "event stack"; our replay of it is tested in dap.test.ts',
  ext3: 'an on-chain transaction replay whose error is a PTB command error (not a Move abort): nothing for a Move debugger to show',
};

function config(spec: Spec, mode: Mode): Record<string, unknown> {
  const base = { type: 'chainstep', request: 'launch', program: spec.dir, stopOnEntry: true };
  if (mode === 'replay') {
    const traces = path.join(spec.dir, 'traces');
    const trace = readdirSync(traces).find((f) => f.endsWith('.jsonl'))!;
    return { ...base, trace: path.join(traces, trace) };
  }
  return { ...base, function: `0x0::m::test`, frameworks };
}

interface Checkpoint {
  readonly key: string;
  readonly problems: readonly string[];
}

/** Runs one spec over DAP; one entry per checkpoint with what differs (empty: a match). */
async function replay(spec: Spec, mode: Mode): Promise<Checkpoint[]> {
  const served = await serve(backends);
  const { dc } = served;
  const out: Checkpoint[] = [];
  try {
    let ended = false;
    dc.on('terminated', () => (ended = true));
    let errorShown = 'no exception stop';
    const firstStop = nextEvent(dc, 'stopped');
    await launch(dc, config(spec, mode));
    await firstStop;
    const breakpoints = new Map<string, number[]>();
    let index = 0;
    const requests = {
      stepIn: () => dc.stepInRequest({ threadId: 1 }),
      stepOver: () => dc.nextRequest({ threadId: 1 }),
      stepOut: () => dc.stepOutRequest({ threadId: 1 }),
      continue: () => dc.continueRequest({ threadId: 1 }),
    };
    for (const action of spec.actions) {
      if (action.kind === 'breakpoints') {
        const response = await dc.setBreakpointsRequest({ source: { path: action.file }, breakpoints: action.lines.map((line) => ({ line })) });
        const verified = response.body.breakpoints.filter((b) => b.verified).map((b) => b.line!);
        if (verified.length > 0) breakpoints.set(path.basename(action.file), verified);
      } else if (action.kind === 'snapshot') {
        const key = `${spec.name}#${index++}`;
        const expected = parseSnapshot(spec.expected[index - 1] ?? '');
        const problems = ended ? ['the session ended'] : compareSnapshots(expected, await dapSnapshot(dc, breakpoints));
        out.push({ key, problems });
      } else if (action.kind === 'disassembly') {
        // The official debugger's disassembly mode; ours is the Disassembly view (instruction granularity).
      } else if (!ended) {
        const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]);
        await requests[action.kind]();
        const event = await stopped;
        // The error a script reports is the failure its stepping ran into: where our stepping reaches it
        // an action earlier (it does not stop in code without source), later actions end the session.
        if (event.event === 'stopped' && (event as DebugProtocol.StoppedEvent).body.reason === 'exception') {
          const info = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
          // An abort is our "abort" exception kind (its text gives the code and where: "code 0 in 0x2::address::from_bytes").
          errorShown = `${info.exceptionId === 'abort' ? 'ABORTED ' : ''}${(event as DebugProtocol.StoppedEvent).body.description ?? ''}`;
        }
      }
    }
    if (spec.reportsError) {
      const key = `${spec.name}#${index++}`;
      const wanted = spec.expected[0]!.replace(/^Exception: /, '');
      const shown = errorShown;
      // The official debugger prints the VM status (ABORTED); ours says it in words ("aborted in ...").
      out.push({ key, problems: shown.toUpperCase().includes(wanted.toUpperCase()) ? [] : [`error: expected ${wanted}, got ${shown}`] });
    }
  } finally {
    await served.close();
  }
  return out;
}

const specs = skip ? [] : readdirSync(tests).filter((d) => existsSync(path.join(tests, d, 'trace.spec.js'))).sort();

for (const mode of ['replay', 'live'] as const) {
  test(`official trace-debugger specs over DAP (${mode})`, { skip }, async () => {
    let total = 0;
    let matched = 0;
    const unexpected: string[] = [];
    const onPurpose: string[] = [];
    for (const name of specs) {
      if (NOT_REPLAYED[name]) continue;
      const spec = readSpec(path.join(tests, name));
      for (const c of await replay(spec, mode)) {
        total++;
        if (c.problems.length === 0) {
          matched++;
          continue;
        }
        const reasons = c.problems.map((p) => ON_PURPOSE.find((r) => r.applies(p, c.key))?.reason);
        if (reasons.every((r) => r !== undefined)) onPurpose.push(`${c.key}: ${[...new Set(reasons)].join('; ')}`);
        else unexpected.push(`${c.key}:\n    ${c.problems.join('\n    ')}`);
      }
    }
    console.log(`trace specs (${mode}): ${matched} of ${total} checkpoints match the official debugger; ${onPurpose.length} differ on purpose; ${unexpected.length} differ otherwise`);
    for (const u of unexpected) console.log(`  ${u}`);
    for (const o of onPurpose) console.log(`  on purpose: ${o.slice(0, 160)}`);
    assert.deepEqual(unexpected, [], 'every checkpoint matches or is listed with its reason');
  });
}
