// Any solc release, over DAP against `node bin/chainstep.js dap`: each sample written for 0.4, 0.5, 0.6 and
// 0.7 is compiled by the release its pragma picks, downloaded from a loopback solc-bin mirror (real soljson
// files with real checksums), and a breakpoint stop shows the values the contract really holds — checked
// against its public getters run after the same calls.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodePacked, keccak256, type Abi, type Hex } from 'viem';
import { launch, where } from '../session/dap-helpers.ts';
import { lineOf, nextStop, root, samples, scopeVariables, sharedAdapter } from '../session/dap-issue3-helpers.ts';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';
import { startSolcMirror, type SolcMirror } from '../support/solc-mirror.ts';
import { referenceRun } from './issue7-reference.ts';

const dir = path.join(samples, 'old-compilers');
let mirror: SolcMirror;
let cache: string;
before(async () => {
  mirror = await startSolcMirror(['0.4.26', '0.5.16', '0.6.12', '0.7.6', '0.8.4']);
  cache = mkdtempSync(path.join(tmpdir(), 'chainstep-solc-'));
});
after(async () => {
  await mirror.close();
  rmSync(cache, { recursive: true, force: true });
});

const compilerFields = (): Record<string, string> => ({ solcBinUrl: mirror.url, solcCache: cache });

// One adapter process for the file: each release is loaded once (a machine under load takes seconds per load).
const adapter = sharedAdapter();

/** Launches over DAP with a breakpoint on `line` and returns what the first stop shows. */
async function stopAt(config: Record<string, unknown>, file: string, line: number): Promise<{
  frames: string[]; scopes: Record<string, Record<string, string>>;
}> {
  const dc = adapter();
  const stopped = nextStop(dc);
  await launch(dc, { type: 'chainstep', request: 'launch', name: 'old', ...compilerFields(), ...config }, () =>
    dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] }));
  await stopped;
  const here = await where(dc);
  const frameId = here.frames[0]!.id;
  const scopes: Record<string, Record<string, string>> = {};
  for (const s of (await dc.scopesRequest({ frameId })).body.scopes) {
    if (!['Parameters', 'Locals', 'State'].includes(s.name)) continue;
    scopes[s.name] = Object.fromEntries((await scopeVariables(dc, frameId, s.name)).map((v) => [v.name, v.value]));
  }
  return { frames: here.frames.map((f) => `${f.name}:${f.line}`), scopes };
}

/** What a getter returns after the same calls: the contract's own reading of its storage. */
async function getter(config: { program: string } & Record<string, unknown>, setup: unknown[], fn: string, args: unknown[] = []): Promise<string> {
  const ex = await launchEvm({ ...compilerFields(), ...config, setup, function: fn, args }, () => {}, new AbortController().signal);
  return ex.outcome.summary;
}

test('0.4: ^0.4.24 compiles with 0.4.26 from the mirror; parameters and locals at a breakpoint; State says unavailable (no storage layout before 0.5.13)', async () => {
  const file = path.join(dir, 'Ledger04.sol');
  const who = '0x00000000000000000000000000000000000000aa';
  const line = lineOf(file, 'entries += 1;');
  const stop = await stopAt({ program: file, function: 'credit', args: [who, '21'] }, file, line);
  assert.deepEqual(stop.frames, [`Ledger04.credit:${line}`]);
  assert.equal(stop.scopes.Parameters?.amount, '21');
  assert.equal(stop.scopes.Parameters?.who?.toLowerCase(), who);
  assert.equal(stop.scopes.Locals?.doubled, '42');
  assert.match(stop.scopes.State?.['state variables'] ?? '', /^unavailable: solc 0\.4\.26 gives no storage layout/);
  // 0.4 source maps mark no jump into a function: the internal frame is still there, with its variables.
  const inner = lineOf(file, 'return result;');
  const nested = await stopAt({ program: file, function: 'credit', args: [who, '21'] }, file, inner);
  assert.deepEqual(nested.frames, [`Ledger04.twice:${inner}`, `Ledger04.credit:${lineOf(file, 'uint256 doubled = twice(amount);')}`]);
  assert.deepEqual(nested.scopes.Parameters, { value: '21' });
  assert.equal(nested.scopes.Locals?.result, '42');
  // At every step (instruction stepping too), a shown variable holds a value it really had.
  const ex = await launchEvm({ ...compilerFields(), program: file, function: 'credit', args: [who, '21'] }, () => {}, new AbortController().signal);
  const truth: Record<string, readonly string[]> = {
    'Ledger04.credit.who': [who], 'Ledger04.credit.amount': ['21'], 'Ledger04.credit.doubled': ['0', '42'],
    'Ledger04.twice.value': ['21'], 'Ledger04.twice.result': ['0', '42'],
  };
  let checked = 0;
  for (let s = 0; s < ex.stepCount; s++) {
    const frame = ex.frames(s)[0]!.name;
    for (const scope of ex.scopes(s, 0)) {
      if (scope.name !== 'Parameters' && scope.name !== 'Locals') continue;
      for (const v of scope.children.get(undefined, 0, 50, { hex: false })) {
        assert.ok(truth[`${frame}.${v.name}`]?.includes(v.value.toLowerCase()), `step ${s}: ${frame} ${v.name} = ${v.value}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `values checked: ${checked}`);
  // The getters agree with what the stop shows the call has done.
  assert.equal(await getter({ program: file }, [{ function: 'credit', args: [who, '21'] }], 'balances', [who]), 'returned (42)');
  assert.ok(mirror.requests.includes('/soljson-v0.4.26+commit.4563c3fc.js'));
});

test('chainstep debug --solc-bin-url: downloads into ~/.cache/chainstep/solc, then works offline from that cache', async () => {
  const file = path.join(dir, 'Ledger05.sol');
  const home = mkdtempSync(path.join(tmpdir(), 'chainstep-xdg-'));
  const run = (url: string): Promise<{ code: number | null; out: string }> => new Promise((done) => {
    // Asynchronous: the mirror answers from this process.
    const child = spawn(process.execPath, [path.join(root, 'bin/chainstep.js'), 'debug', '--program', file, '--constructor-args', '["ledger"]',
      '--function', 'add', '--args', '["7", true]', '--solc-bin-url', url, '--break', `${file}:${lineOf(file, 'count = before + 1;')}`, '--steps', '1', '--step-back', '0'],
    { env: { ...process.env, XDG_CACHE_HOME: home, CHAINSTEP_FROM_SOURCE: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => done({ code, out }));
  });
  try {
    const online = await run(mirror.url);
    assert.equal(online.code, 0, online.out);
    assert.match(online.out, /Downloading solc 0\.5\.16 \(for pragma solidity =0\.5\.16 \([^)]*Ledger05\.sol\)\)/, 'the wait is explained');
    assert.match(online.out, /Ledger05\.add/);
    assert.match(online.out, /amount = 7/);
    assert.ok(existsSync(path.join(home, 'chainstep/solc/soljson-v0.5.16+commit.9c3226ce.js')));
    const offline = await run('http://127.0.0.1:9');
    assert.equal(offline.code, 0, offline.out);
    assert.match(offline.out, /amount = 7/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('0.5: =0.5.16 pins 0.5.16; State (struct array, string, address) decoded from its storage layout agrees with the getters', async () => {
  const file = path.join(dir, 'Ledger05.sol');
  const base = { program: file, constructorArgs: ['ledger'] };
  const setup = [{ function: 'add', args: ['3', false] }];
  const line = lineOf(file, 'count = before + 1;');
  const stop = await stopAt({ ...base, setup, function: 'add', args: ['7', true] }, file, line);
  assert.deepEqual(stop.frames, [`Ledger05.add:${line}`]);
  assert.deepEqual(stop.scopes.Parameters, { amount: '7', settled: 'true' });
  assert.equal(stop.scopes.Locals?.before, '1');
  const both = [...setup, { function: 'add', args: ['7', true] }];
  assert.equal(stop.scopes.State?.total, (await getter(base, both, 'total')).replace(/^returned \((.*)\)$/, '$1'));
  assert.equal(stop.scopes.State?.label, '"ledger"');
  assert.equal(await getter(base, both, 'label'), 'returned ("ledger")');
  assert.equal(stop.scopes.State?.total, '10');
  assert.equal(await getter(base, both, 'entries', ['1']), 'returned (amount: 7, settled: true)');
});

test('0.6: a range picks 0.6.12; try/catch into another contract: callee frame, caught revert path, state after both', async () => {
  const file = path.join(dir, 'Ledger06.sol');
  const base = { program: file, contract: 'Ledger06' };
  const inCallee = lineOf(file, 'reading += by;');
  const callee = await stopAt({ ...base, function: 'record', args: ['5'] }, file, inCallee);
  assert.deepEqual(callee.frames.map((f) => f.split(':')[0]), ['Meter06.bump', 'Ledger06.record']);
  assert.equal(callee.scopes.Parameters?.by, '5');
  assert.equal(callee.scopes.State?.reading, '0');
  const caught = lineOf(file, 'last = -1;');
  const failed = await stopAt({ ...base, function: 'record', args: ['2000'] }, file, caught);
  assert.deepEqual(failed.frames, [`Ledger06.record:${caught}`]);
  assert.equal(failed.scopes.State?.failures, '1');
  assert.equal(failed.scopes.State?.failures, (await getter(base, [{ function: 'record', args: ['2000'] }], 'failures')).replace(/^returned \((.*)\)$/, '$1'));
  assert.equal(await getter(base, [{ function: 'record', args: ['5'] }], 'last'), 'returned (5)');
});

test('0.7: ^0.7.0 picks 0.7.6 (not 0.8.4, also on the mirror); enum, fixed array, hash and 0.7 wrapping arithmetic agree with the getters', async () => {
  const file = path.join(dir, 'Ledger07.sol');
  const line = lineOf(file, 'return phase;');
  const stop = await stopAt({ program: file, function: 'step', args: ['9'] }, file, line);
  assert.deepEqual(stop.frames, [`Ledger07.step:${line}`]);
  assert.deepEqual(stop.scopes.Parameters, { value: '9' });
  assert.equal(stop.scopes.Locals?.index, '0');
  const state = stop.scopes.State!;
  assert.equal(state.phase, 'Phase.Closing');
  assert.equal(state.slots, '[9, 0, 0]');
  assert.equal(state.tag, keccak256(encodePacked(['uint16'], [9])));
  const setup = [{ function: 'step', args: ['9'] }];
  assert.equal(await getter({ program: file }, setup, 'wrapped'), `returned (${state.wrapped})`);
  assert.equal(state.wrapped, '8');
  assert.equal(await getter({ program: file }, setup, 'slots', ['0']), 'returned (9)');
  assert.equal(await getter({ program: file }, setup, 'phase'), 'returned (1)');
});

/** Compiles a sample with the installed solc 0.4.26 itself (not through Chainstep), for the reference run. */
function compiled04(file: string, name: string): { abi: Abi; bytecode: Hex } {
  const solc = createRequire(import.meta.url)('solc-0.4.26') as { compileStandardWrapper(input: string): string };
  const out = JSON.parse(solc.compileStandardWrapper(JSON.stringify({
    language: 'Solidity', sources: { [path.basename(file)]: { content: readFileSync(file, 'utf8') } },
    settings: { outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  }))) as { contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>> };
  const c = out.contracts[path.basename(file)]![name]!;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

test('0.4: locals live from function entry in declaration order (nested blocks, var (x, , z), a for loop), modifier variables after them: values agree with the events of an independent run', async () => {
  const file = path.join(dir, 'Scopes04.sol');
  const setup = [{ function: 'run', args: ['1'] }];
  const reference = await referenceRun(compiled04(file, 'Scopes04'), { setup, call: { function: 'run', args: [10n] } });
  const [inBlock, after, counted] = reference.events.map((e) => Object.fromEntries(Object.entries(e.args).map(([k, v]) => [k, String(v)])));
  assert.deepEqual(reference.events.map((e) => e.eventName), ['Seen', 'Seen', 'Counted']);
  const config = { program: file, setup, function: 'run', args: ['10'] };
  // In the block: `a` as the event reports it; the later locals already hold their slots, still zero.
  const first = await stopAt(config, file, lineOf(file, 'emit Seen(a, 0, 0, 0, 0);'));
  assert.deepEqual(first.scopes.Parameters, { v: '10' });
  assert.deepEqual(first.scopes.Locals, { total: '0', a: inBlock!.a, b: '0', x: '0', z: '0', n: '0' });
  // After the block and the loop: the slot rule of solc >= 0.5 would read `b` from `a`'s freed slot.
  const second = await stopAt(config, file, lineOf(file, 'emit Seen(a, b, x, z, n);'));
  const n = Number(after!.n);
  assert.deepEqual(second.scopes.Locals, { total: String((n * (n - 1)) / 2), a: after!.a, b: after!.b, x: after!.x, z: after!.z, n: after!.n });
  // The modifier's argument and local sit after the function's locals.
  const third = await stopAt(config, file, lineOf(file, 'emit Counted(before, by);'));
  assert.equal(third.scopes.Locals?.by, counted!.by);
  assert.equal(third.scopes.Locals?.before, counted!.before);
  assert.equal(counted!.before, '5', 'the set-up call left last = 5');
  // At every step, a shown variable holds a value it really had.
  const sum = (n * (n - 1)) / 2;
  const final = BigInt(sum) + [after!.a, after!.b, after!.x, after!.z].reduce((t, s) => t + BigInt(s!), 0n);
  const truth: Record<string, readonly string[]> = {
    v: ['10'], a: ['0', after!.a!], b: ['0', after!.b!], x: ['0', after!.x!], z: ['0', after!.z!],
    n: Array.from({ length: n + 1 }, (_, i) => String(i)), total: ['0', ...Array.from({ length: n }, (_, i) => String((i * (i + 1)) / 2)), String(final)],
    by: ['5'], before: ['0', counted!.before!],
  };
  const ex = await launchEvm({ ...compilerFields(), ...config }, () => {}, new AbortController().signal);
  let checked = 0;
  for (let s = 0; s < ex.stepCount; s++) {
    if (!ex.frames(s)[0]!.name.startsWith('Scopes04.run')) continue;
    for (const scope of ex.scopes(s, 0)) {
      if (scope.name !== 'Parameters' && scope.name !== 'Locals') continue;
      for (const v of scope.children.get(undefined, 0, 50, { hex: false })) {
        assert.ok(truth[v.name]?.includes(v.value), `step ${s}: ${v.name} = ${v.value}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `values checked: ${checked}`);
});
