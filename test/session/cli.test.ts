// `chainstep debug` on the samples prints a readable session; `chainstep --help` documents the commands.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hasEvm = existsSync(path.join(root, 'debug-adapter/evm/backend.ts'));

function chainstep(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), ...args], {
    cwd: root,
    env: { ...process.env, CHAINSTEP_FROM_SOURCE: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('chainstep --help documents dap and debug', () => {
  const r = chainstep('--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /chainstep dap/);
  assert.match(r.stdout, /chainstep debug <launch.json>/);
  assert.match(r.stdout, /--break <file:line>/);
});

test('chainstep debug on the vault sample shows where and why the withdrawal fails, and steps back', { skip: !hasEvm && 'EVM backend not found' }, () => {
  const r = chainstep('debug', 'samples/solidity/vault/.vscode/launch.json', '--name', 'Vault: withdraw more than deposited (reverts)');
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /… Compiling/);
  assert.match(out, /── stop 1: entry at Vault\.sol:29 in Vault\.withdraw\n\s+29 \|\s+uint256 available = balances\[msg\.sender\];/);
  assert.match(out, /parameters: amount = 100/);
  assert.match(out, /locals: available = 5/);
  assert.match(out, /stack top: \[0\] = 0x/);
  assert.match(out, /── stop \d+: exception at Vault\.sol:31 in Vault\.withdraw\n.*revert InsufficientBalance\(amount, available\);\n\s+exception: InsufficientBalance\(requested: 100, available: 5\)/);
  assert.match(out, /── stop \d+: step back at Vault\.sol:30/);
  assert.match(out, /! Call reverted: InsufficientBalance\(requested: 100, available: 5\)/);
  assert.ok(out.split('\n').length < 120, 'bounded output');
});

test('chainstep debug with breakpoints on the caller-callee sample shows the frames of a callback', { skip: !hasEvm && 'EVM backend not found' }, () => {
  const r = chainstep(
    'debug', 'samples/solidity/caller-callee/.vscode/launch.json',
    '--break', 'samples/solidity/caller-callee/Caller.sol:44', '--break', 'samples/solidity/caller-callee/Caller.sol:3',
    '--steps', '2', '--step-back', '1',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /breakpoint Caller\.sol:3: moved to line \d+, the next line with code|breakpoint Caller\.sol:3: not set/);
  assert.match(r.stdout, /call stack: Caller\.notify \(Caller\.sol:44\) ← Callee\.scale \(Callee\.sol:18\) ← Caller\.run \(Caller\.sol:27\)/);
  assert.match(r.stdout, /Call returned \(90\)/);
});

test('chainstep debug --json prints one documented JSON object per line: stops with location, frames and values', { skip: !hasEvm && 'EVM backend not found' }, () => {
  const r = chainstep('debug', 'samples/solidity/vault/.vscode/launch.json', '--name', 'Vault: withdraw more than deposited (reverts)', '--json');
  assert.equal(r.code, 0, r.stderr);
  // Every line is JSON (nothing else on stdout), each with a type from the README's schema.
  const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string } & Record<string, any>);
  for (const e of events) assert.ok(['progress', 'output', 'breakpoint', 'stop', 'end', 'error'].includes(e.type), e.type);
  assert.ok(events.some((e) => e.type === 'progress' && /Compiling/.test(e.message)));
  const stops = events.filter((e) => e.type === 'stop');
  const vault = path.join(root, 'samples/solidity/vault/Vault.sol');
  assert.deepEqual(stops[0]!.location, { file: vault, name: 'Vault.sol', line: 29, column: stops[0]!.location.column, text: '        uint256 available = balances[msg.sender];' });
  assert.equal(stops[0]!.reason, 'entry');
  assert.equal(stops[0]!.function, 'Vault.withdraw');
  assert.deepEqual(stops[0]!.frames.map((f: { name: string; line: number }) => [f.name, f.line]), [['Vault.withdraw', 29]]);
  // The values the launch configuration gave: withdraw(100) after depositing 5.
  const scope = (stop: any, name: RegExp) => stop.scopes.find((s: { name: string }) => name.test(s.name))?.variables ?? [];
  assert.deepEqual(scope(stops[0], /param/i).map((v: any) => [v.name, v.value]), [['amount', '100']]);
  const failing = stops.find((s) => s.reason === 'exception')!;
  assert.equal(failing.location.line, 31);
  assert.equal(failing.description, 'InsufficientBalance(requested: 100, available: 5)');
  assert.deepEqual(scope(failing, /local/i).find((v: any) => v.name === 'available')?.value, '5');
  assert.ok(stops.some((s) => s.reason === 'step back'));
  assert.ok(events.some((e) => e.type === 'output' && /Call reverted: InsufficientBalance/.test(e.text)));
  assert.deepEqual(events.at(-1), { type: 'end', completed: true });
  assert.deepEqual(stops.map((s) => s.index), stops.map((_, i) => i + 1));
});

test('chainstep debug reports bad input clearly', { skip: !hasEvm && 'EVM backend not found' }, () => {
  const r = chainstep('debug', '--program', 'samples/solidity/vault/Nope.sol', '--function', 'withdraw');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /error: program: .*Nope\.sol does not exist/);
  const bad = chainstep('debug', '--program', 'samples/solidity/vault/Vault.sol', '--args', '[1,');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--args: not valid JSON/);
});

test('chainstep trace writes a Move execution as a Sui trace', (t) => {
  const build = path.resolve(root, '../shared/fixtures/move/sui-trace-tests/abort_math/build/abort_math');
  if (!existsSync(build)) {
    t.skip('../shared/fixtures/move/sui-trace-tests/abort_math not found');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-trace-'));
  try {
    const out = path.join(dir, 'trace.jsonl');
    const r = chainstep('trace', '--program', build, '--function', '0x0::m::test', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ARITHMETIC_ERROR/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.deepEqual(JSON.parse(lines[0]!), { version: 3 });
    assert.ok(lines.some((l) => l.includes('"OpenFrame"')));
    assert.equal(chainstep('trace', '--program', build).code, 1, 'missing --function/--out is a usage error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
