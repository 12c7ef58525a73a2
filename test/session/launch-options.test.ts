// Launch options are parsed once, typed, at each backend's door (issue 7, items 16 and 18): every field is
// checked before anything is compiled or loaded, numbers take the same forms everywhere (a number, or a
// decimal / 0x string), and the step bound has one name, `maxSteps`, for both VMs (`stepLimit` its alias).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../debug-adapter/core/errors.ts';
import { evmBackend, launchEvm } from '../../debug-adapter/evm/backend.ts';
import { moveBackend } from '../../debug-adapter/move/backend.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const signal = new AbortController().signal;
const quiet = () => {};

test('maxSteps given as a string bounds the recording, as gasLimit strings always did; stepLimit is the same field', async () => {
  const program = path.join(root, 'test/evm/contracts/Pair.sol');
  for (const bound of [{ maxSteps: '1000' }, { stepLimit: 1000 }, { maxSteps: 1000, stepLimit: '1000' }]) {
    // Reaching the bound either refuses the launch or keeps the recording up to it: never more steps.
    const outcome = await launchEvm({ program, function: 'burn', gasLimit: '4000000000', ...bound }, quiet, signal).then(
      (x) => x.stepCount,
      (e: Error) => e.message,
    );
    if (typeof outcome === 'number') assert.ok(outcome <= 1000, `${JSON.stringify(bound)}: ${outcome} steps`);
    else assert.match(outcome, /more than 1,000 steps/, JSON.stringify(bound));
  }
});

test('every Solidity field is checked before compiling: a bad one is named even when the program does not exist', async () => {
  const missing = path.join(root, 'no-such-contract.sol');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ maxSteps: 'lots' }, /^maxSteps: expected a positive whole number/],
    [{ maxSteps: 0 }, /^maxSteps: expected a positive whole number/],
    [{ maxSteps: 10, stepLimit: 20 }, /maxSteps and stepLimit are the same setting/],
    [{ gasLimit: 'plenty' }, /^gasLimit: /],
    [{ value: -1 }, /^value: expected an amount of wei/],
    [{ from: 'alice' }, /^from: expected a 0x-prefixed 20-byte address/],
    [{ setup: [{ function: 'deposit', value: 'abc' }] }, /^setup\[0\]\.value: /],
    [{ setup: [{ function: 'deposit', args: 'x' }] }, /^setup\[0\]\.args: expected an array/],
    [{ setup: {} }, /^setup: expected an array/],
    [{ args: 'x' }, /^args: expected an array/],
    [{ remappings: [1] }, /^remappings: /],
    [{ contract: 7 }, /^contract: expected a string/],
  ];
  for (const [extra, message] of cases) {
    await assert.rejects(evmBackend.launch({ program: missing, function: 'f', ...extra }, quiet, signal), (e) => e instanceof UserError && message.test(e.message), JSON.stringify(extra));
  }
});

const tests = path.resolve(root, '../shared/fixtures/move/sui-trace-tests');
const frameworks = ['0x1.bcs', '0x2.bcs'].map((f) => path.resolve(root, '../shared/fixtures/move/sui-framework/v124', f));

test('Move takes maxSteps (a number or a string) and checks its fields before loading anything', { skip: !existsSync(tests) && '../shared/fixtures/move not found' }, async () => {
  const limited = await moveBackend.launch({ program: path.join(tests, 'stepping_call'), function: '0x0::m::test', frameworks, maxSteps: '10' }, quiet, signal);
  assert.equal(limited.stepCount, 10);
  assert.match(limited.outcome.summary, /^failed: STEP_LIMIT_REACHED/);
  for (const [extra, message] of [
    [{ maxSteps: -5 }, /^maxSteps: expected a positive whole number/],
    [{ typeArgs: [1] }, /^typeArgs: expected an array of Move type strings/],
    [{ frameworks: 'x' }, /^frameworks: /],
    [{ trace: '' }, /^trace: expected the path/],
  ] as const) {
    await assert.rejects(
      moveBackend.launch({ program: '/no/such/package', function: '0x0::m::test', ...extra }, quiet, signal),
      (e) => e instanceof UserError && message.test(e.message),
      JSON.stringify(extra),
    );
  }
});
