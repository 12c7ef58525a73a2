// Recordings you can share: a Solidity session saved with `chainstep/saveRecording`, the file copied alone
// into an empty folder, opened by a fresh adapter with `recording` (no sources, no compiler run), shows the
// same stops as the original session: a breakpoint stops on the same line, with the same frames and the
// same variable values, and the same failure. Damaged files are refused with a message saying what is wrong.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch } from '../session/dap-helpers.ts';
import { AdapterClient, lineOf, nextStop, sample, samples } from '../session/dap-issue3-helpers.ts';
import { elsewhere, snapshot, tempDir, type StopView } from '../session/recording-helpers.ts';

const vaultFile = path.join(samples, 'vault/Vault.sol');

test('a saved Solidity recording reopens alone, offline: same breakpoint line, frames, values and failure', async (t) => {
  const work = tempDir(t, 'chainstep-rec-');
  const breakLine = lineOf(vaultFile, 'if (amount > available)');
  const config: Record<string, unknown> = { type: 'chainstep', request: 'launch', ...sample('vault', 'Vault: withdraw more than deposited (reverts)'), cwd: path.join(samples, 'vault') };
  config['program'] = vaultFile;
  const saved = path.join(work, 'saved', 'vault.chainstep');

  // The original session: a breakpoint, then the revert.
  const original = new AdapterClient();
  let before: StopView, failure: string | undefined, atFailure: StopView;
  try {
    let stop = nextStop(original);
    await launch(original, config, async () => {
      await original.setBreakpointsRequest({ source: { path: vaultFile }, breakpoints: [{ line: breakLine }] });
      await original.setExceptionBreakpointsRequest({ filters: ['revert'] });
    });
    assert.equal((await stop).body.reason, 'breakpoint');
    before = await snapshot(original);
    assert.equal(before.frames[0]!.line, breakLine);
    const response = await original.customRequest('chainstep/saveRecording', { path: saved });
    const body = response.body as { path: string; bytes: number; steps: number; title: string };
    assert.equal(body.path, saved);
    assert.ok(body.bytes > 0 && body.steps > 0);
    assert.match(body.title, /Vault\.withdraw\(uint256\): reverted: InsufficientBalance\(requested: 100, available: 5\)/);
    stop = nextStop(original);
    await original.continueRequest({ threadId: 1 });
    assert.equal((await stop).body.reason, 'exception');
    failure = (await original.exceptionInfoRequest({ threadId: 1 })).body.description;
    atFailure = await snapshot(original);
  } finally {
    await original.close();
  }

  // The file alone in an empty folder, opened by a fresh adapter whose temporary folder is empty too.
  const { adapter: reopened, folder: alone, tmp } = elsewhere(work, saved, 'bug.chainstep');
  const output: string[] = [];
  reopened.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  try {
    let stop = nextStop(reopened);
    await launch(reopened, { type: 'chainstep', request: 'launch', recording: 'bug.chainstep', cwd: alone, stopOnEntry: true });
    assert.equal((await stop).body.reason, 'entry');
    const top = (await reopened.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    // The source comes from the file, written under this adapter's temporary folder.
    const source = top.source!.path!;
    assert.ok(source.startsWith(tmp), source);
    assert.equal(path.basename(source), 'Vault.sol');
    assert.equal(readFileSync(source, 'utf8'), readFileSync(vaultFile, 'utf8'));
    const bp = await reopened.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: breakLine }] });
    assert.equal(bp.body.breakpoints[0]!.verified, true);
    await reopened.setExceptionBreakpointsRequest({ filters: ['revert'] });
    stop = nextStop(reopened);
    await reopened.continueRequest({ threadId: 1 });
    assert.equal((await stop).body.reason, 'breakpoint');
    assert.deepEqual(await snapshot(reopened), before);
    stop = nextStop(reopened);
    await reopened.continueRequest({ threadId: 1 });
    assert.equal((await stop).body.reason, 'exception');
    assert.equal((await reopened.exceptionInfoRequest({ threadId: 1 })).body.description, failure);
    assert.deepEqual(await snapshot(reopened), atFailure);
    // Stepping back works on the opened recording as on the original.
    stop = nextStop(reopened);
    await reopened.stepBackRequest({ threadId: 1 });
    await stop;
    assert.equal((await reopened.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.line, breakLine);
    assert.match(output.join(''), /Opened the recording .*bug\.chainstep: Vault\.withdraw\(uint256\)/);
    assert.doesNotMatch(output.join(''), /Compil/);
  } finally {
    await reopened.close();
  }
});

test('a damaged, foreign, newer or changed recording file is refused with a message saying so', async (t) => {
  const work = tempDir(t, 'chainstep-bad-rec-');
  const good = path.join(work, 'good.chainstep');
  const dc = new AdapterClient();
  try {
    await launch(dc, { type: 'chainstep', request: 'launch', ...sample('vault', 'Vault: withdraw more than deposited (reverts)'), program: vaultFile, stopOnEntry: true });
    await dc.customRequest('chainstep/saveRecording', { path: good });
  } finally {
    await dc.close();
  }
  const bytes = readFileSync(good);
  const text = gunzipSync(bytes).toString('utf8');
  const newline = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
  const payload = text.slice(newline + 1);
  const pack = (h: Record<string, unknown>, p: string) => gzipSync(Buffer.from(`${JSON.stringify(h)}\n${p}`));
  const digest = (p: string) => `sha256:${createHash('sha256').update(p).digest('hex')}`;
  const cases: [string, Uint8Array, RegExp][] = [
    ['garbage', Buffer.from('this is not a recording at all'), /is not a Chainstep recording \(a recording is gzip data/],
    ['truncated', bytes.subarray(0, Math.floor(bytes.length / 2)), /is truncated or damaged/],
    ['not ours', gzipSync(Buffer.from('{"hello":1}\n{}')), /is not a Chainstep recording \(no header\)/],
    ['newer', pack({ ...header, version: 99 }, payload), /saved by a newer Chainstep \(format version 99; this one reads version 1\)/],
    ['changed', pack(header, payload.replace('"InsufficientBalance"', '"SufficientBalance!!"')), /was changed after it was saved/],
    ['rewritten with a matching digest but wrong data', pack({ ...header, digest: digest('{"sources":[],"data":{"kind":"evm-call"}}') }, '{"sources":[],"data":{"kind":"evm-call"}}'), /is damaged \(data\.project\)/],
  ];
  const client = new AdapterClient();
  try {
    for (const [name, content, message] of cases) {
      const file = path.join(work, `${name.replace(/\W+/g, '-')}.chainstep`);
      writeFileSync(file, content);
      await assert.rejects(launch(client, { type: 'chainstep', request: 'launch', recording: file }), message, name);
    }
    // The adapter is still answering after all of them.
    const stop = nextStop(client);
    await launch(client, { type: 'chainstep', request: 'launch', recording: good, stopOnEntry: true });
    await stop;
    assert.equal((await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.name, 'Vault.withdraw');
  } finally {
    await client.close();
  }
});
