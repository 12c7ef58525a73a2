// Fuzzing the recording-file reader with a real recording (the vault sample's failing withdraw): damaged
// bytes (flipped, cut, appended) and damaged data behind a correct digest (values of the wrong type, out of
// range, dropped) must each be refused with a UserError naming the problem, or open into a recording that
// answers every request; never another exception, never a hang. Seeded, so a failure reproduces.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { UserError } from '../../debug-adapter/core/errors.ts';
import { openRecordingFile, writeRecordingFile } from '../../debug-adapter/core/recording-file.ts';
import { evmBackend, launchEvm } from '../../debug-adapter/evm/backend.ts';
import { Random } from './decode/random.ts';
import { sample } from '../session/dap-issue3-helpers.ts';
import type { Execution, LaunchConfig } from '../../debug-adapter/core/execution.ts';

const ROUNDS = 300;

/** Opens a file as the session does and uses the recording a little, as a first stop would. */
async function open(file: string, sources: string): Promise<Execution> {
  const opened = openRecordingFile(file, sources);
  let execution: Execution;
  try {
    execution = await evmBackend.openRecording!(opened, () => {}, () => {});
  } catch (e) {
    // The session reports any failure of a backend's reader as a damaged file (session.ts openSaved).
    if (e instanceof UserError) throw e;
    throw new UserError(`damaged (${(e as Error).message})`);
  }
  for (const step of [0, execution.stepCount - 1]) {
    execution.frames(step);
    execution.scopes(step, 0);
    execution.location(step);
  }
  return execution;
}

test('the recording reader refuses damaged files with a UserError and never throws anything else', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-rec-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = sample('vault', 'Vault: withdraw more than deposited (reverts)') as unknown as LaunchConfig;
  const execution = await launchEvm(config, () => {}, new AbortController().signal);
  const good = path.join(dir, 'good.chainstep');
  writeRecordingFile(good, execution.vm, execution.stepCount, execution.saveRecording());
  const reopened = await open(good, path.join(dir, 'sources'));
  assert.equal(reopened.stepCount, execution.stepCount);
  assert.deepEqual(reopened.frames(reopened.stepCount - 1), execution.frames(execution.stepCount - 1));

  const bytes = readFileSync(good);
  const text = gunzipSync(bytes).toString('utf8');
  const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as Record<string, unknown>;
  const payload = JSON.parse(text.slice(text.indexOf('\n') + 1)) as unknown;
  const random = new Random(0xc4a1);
  let refused = 0, opened = 0;
  const attempt = async (name: string, content: Uint8Array) => {
    const file = path.join(dir, 'fuzzed.chainstep');
    writeFileSync(file, content);
    try {
      await open(file, path.join(dir, 'sources'));
      opened++;
    } catch (e) {
      if (!(e instanceof UserError)) assert.fail(`${name}: ${(e as Error).stack}`);
      assert.match(e.message, /recording|damaged/, name);
      refused++;
    }
  };

  // Damaged bytes: the gzip check or the digest refuses them.
  for (let i = 0; i < ROUNDS; i++) {
    const damaged = Buffer.from(bytes);
    const kind = random.int(0, 2);
    if (kind === 0) for (let k = random.int(1, 4); k > 0; k--) damaged[random.int(0, damaged.length - 1)] ^= 1 << random.int(0, 7);
    await attempt(`bytes round ${i}`, kind === 1 ? damaged.subarray(0, random.int(0, damaged.length - 1)) : kind === 2 ? Buffer.concat([damaged, Buffer.from(random.bytes(random.int(1, 64)))]) : damaged);
  }

  // Damaged data with a correct digest (a file written wrongly, or by hand).
  const replacements = (): unknown => random.pick<() => unknown>([
    () => null, () => -1, () => 2 ** 40, () => 'zz', () => '0x', () => [], () => ({}), () => true, () => 0, () => '0xffffffffffffffffffffffffffffffffffffffff', () => 'AAAA',
  ])();
  for (let i = 0; i < ROUNDS; i++) {
    const copy = structuredClone(payload) as Record<string, unknown>;
    // A random path into the data, then one value there replaced or removed.
    let node: unknown = copy;
    let parent: Record<string, unknown> | unknown[] | undefined;
    let key: string | number | undefined;
    for (let depth = 0; depth < random.int(1, 7) && node && typeof node === 'object'; depth++) {
      const keys = Array.isArray(node) ? node.map((_, k) => k) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node as Record<string, unknown>;
      key = random.pick<string | number>(keys);
      node = (parent as Record<string, unknown>)[key as string];
    }
    if (!parent || key === undefined) continue;
    if (random.int(0, 5) === 0 && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
    else (parent as Record<string, unknown>)[key as string] = replacements();
    const body = JSON.stringify(copy);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    await attempt(`data round ${i}`, gzipSync(Buffer.from(`${JSON.stringify({ ...header, digest })}\n${body}`)));
  }
  assert.ok(refused > ROUNDS, `refused ${refused}, opened ${opened}`);
});
