// A failing Foundry test kept as a CI artifact: `chainstep test --save-recording DIR --json` saves the
// failing test's recording and names the file in its JSON; with the project deleted, the file alone opens
// over DAP and stops where the live "Debug test" session stops, with the same frames (vm.label names),
// values, reason and Debug Console lines (console.log, forge's verdict).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { collectOutput, launch } from '../session/dap-helpers.ts';
import { AdapterClient, lineOf, nextStop, root } from '../session/dap-issue3-helpers.ts';
import { elsewhere, snapshot, tempDir, type StopView } from '../session/recording-helpers.ts';
import { forgeStdPresent, SKIP_FORGE_STD } from '../support/foundry-tools.ts';
import { vaultCopy } from './vault-copy.ts';

/** Runs to the test's failure (the underflow in Vault.withdraw); returns what is shown there and the console. */
async function toFailure(dc: AdapterClient, config: Record<string, unknown>): Promise<{ view: StopView; reason: string | undefined; output: string[] }> {
  const output = collectOutput(dc);
  const stop = nextStop(dc);
  await launch(dc, { type: 'chainstep', request: 'launch', stopOnEntry: false, ...config }, async () => {
    await dc.setExceptionBreakpointsRequest({ filters: ['revert', 'panic'] });
  });
  assert.equal((await stop).body.reason, 'exception');
  const reason = (await dc.exceptionInfoRequest({ threadId: 1 })).body.description;
  return { view: await snapshot(dc), reason, output };
}

test('a failing Foundry test saved by chainstep test --save-recording reopens without the project, as the live session shows it', { skip: !forgeStdPresent && SKIP_FORGE_STD }, async (t) => {
  const dir = vaultCopy(t);
  const work = tempDir(t, 'chainstep-ci-artifacts-');
  const artifacts = path.join(work, 'artifacts');
  const run = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), 'test', dir, '--json', '--save-recording', artifacts], { encoding: 'utf8', timeout: 400_000 });
  assert.equal(run.status, 1, run.stderr);
  const results = JSON.parse(run.stdout) as Record<string, { test_results: Record<string, { status: string; recording: string | null }> }>;
  const suite = results['test/Vault.t.sol:VaultTest']!.test_results;
  const file = path.join(artifacts, 'VaultTest.test_WithdrawAll.chainstep');
  assert.equal(suite['test_WithdrawAll()']!.status, 'Failure');
  assert.equal(suite['test_WithdrawAll()']!.recording, file);
  assert.equal(suite['test_Deposit()']!.recording, null);
  assert.ok(existsSync(file));

  // The live session of the same test (what the "Debug test" lens opens).
  const vaultLine = lineOf(path.join(dir, 'src/Vault.sol'), 'totalDeposits -= amount + fee;');
  const live = new AdapterClient();
  let original: Awaited<ReturnType<typeof toFailure>>;
  try {
    original = await toFailure(live, { program: dir, test: 'VaultTest.test_WithdrawAll' });
  } finally {
    await live.close();
  }
  assert.equal(original.view.frames.find((f) => f.file === 'Vault.sol')?.line, vaultLine);

  // The project is gone; the artifact alone, in another folder.
  rmSync(dir, { recursive: true, force: true });
  const { adapter: reopened, file: copy, tmp } = elsewhere(work, file, 'failure.chainstep');
  try {
    const opened = await toFailure(reopened, { recording: copy });
    assert.deepEqual(opened.view, original.view);
    assert.equal(opened.reason, original.reason);
    assert.match(opened.reason ?? '', /Panic\(0x11\)/);
    assert.ok(opened.view.frames.some((f) => f.name === 'Vault.withdraw [vault]'));
    const top = (await reopened.stackTraceRequest({ threadId: 1 })).body.stackFrames.find((f) => f.source?.name === 'Vault.sol')!;
    assert.ok(top.source!.path!.startsWith(tmp) && top.source!.path!.endsWith(path.join('src', 'Vault.sol')), top.source!.path);
    // console.log and forge's verdict, as the live session printed them.
    const terminated = new Promise((resolve) => reopened.once('terminated', resolve));
    const onStop = (): void => void reopened.continueRequest({ threadId: 1 });
    reopened.on('stopped', onStop);
    await reopened.continueRequest({ threadId: 1 });
    await terminated;
    reopened.off('stopped', onStop);
    const text = opened.output.join('');
    assert.match(text, /alice deposited 2000000000000000000/);
    assert.match(text, /\[FAIL: panic: arithmetic underflow or overflow \(0x11\)\] VaultTest\.test_WithdrawAll/);
    assert.match(text, /labels: .*alice = 0x[0-9a-fA-F]{40}/);
  } finally {
    await reopened.close();
  }
});

test('chainstep test --save-recording saves nothing when every test passes', { skip: !forgeStdPresent && SKIP_FORGE_STD }, (t) => {
  const dir = vaultCopy(t);
  const artifacts = path.join(tempDir(t, 'chainstep-ci-none-'), 'artifacts');
  const run = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), 'test', dir, '--match-test', 'test_Deposit', '--save-recording', artifacts], { encoding: 'utf8', timeout: 400_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /Saved the recording/);
  assert.equal(existsSync(artifacts), false);
});
