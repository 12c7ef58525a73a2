// Debugging the Foundry vault sample's tests over DAP (a temp copy with forge-std): the failing test stops
// on the Solidity line that fails, with the reason, after a breakpoint in the test itself; its console.log
// and forge's verdict are in the Debug Console; a wrong test name lists the tests there are.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { getAddress, keccak256, toBytes } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { collectOutput, launch, nextEvent, where } from '../session/dap-helpers.ts';
import { AdapterClient, lineOf } from '../session/dap-issue3-helpers.ts';
import { forgeStdPresent, SKIP_FORGE_STD } from '../support/foundry-tools.ts';
import { vaultCopy } from './vault-copy.ts';

test('debugging VaultTest.test_WithdrawAll: a breakpoint in the test, then the underflowing line with the reason; console.log shows', { skip: !forgeStdPresent && SKIP_FORGE_STD }, async (t) => {
  const dir = vaultCopy(t);
  const vault = path.join(dir, 'src/Vault.sol');
  const testFile = path.join(dir, 'test/Vault.t.sol');
  const dc = new AdapterClient();
  const output = collectOutput(dc);
  try {
    // The withdraw of test_WithdrawAll (the line after its console.log; another test has the same text).
    const testLine = lineOf(testFile, 'console.log("alice deposited"') + 1;
    let stopped = nextEvent(dc, 'stopped');
    await launch(dc, { type: 'chainstep', request: 'launch', program: dir, test: 'VaultTest.test_WithdrawAll', stopOnEntry: false }, async () => {
      await dc.setBreakpointsRequest({ source: { path: testFile }, breakpoints: [{ line: testLine }] });
      await dc.setExceptionBreakpointsRequest({ filters: ['revert', 'panic'] });
    });
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
    let w = await where(dc);
    assert.equal(w.path, testFile);
    assert.equal(w.line, testLine);
    assert.match(w.name, /test_WithdrawAll/);
    // Address values a test labelled show the label (makeAddr labels alice; setUp labels the vault), in
    // Variables and on hover; the address itself is computed here as forge-std's makeAddr does.
    const alice = getAddress(privateKeyToAddress(keccak256(toBytes('alice'))));
    const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.id;
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    const state = scopes.find((s) => /state/i.test(s.name));
    assert.ok(state, scopes.map((s) => s.name).join(', '));
    const vars = (await dc.variablesRequest({ variablesReference: state.variablesReference })).body.variables;
    assert.equal(vars.find((v) => v.name === 'alice')?.value, `${alice} (alice)`);
    assert.match(vars.find((v) => v.name === 'vault')?.value ?? '', /^0x[0-9a-fA-F]{40} \(vault\)$/);
    assert.match(vars.find((v) => v.name === 'bob')?.value ?? '', /^0x[0-9a-fA-F]{40} \(bob\)$/);
    const hover = await dc.evaluateRequest({ expression: 'alice', frameId, context: 'hover' });
    assert.equal(hover.body.result, `${alice} (alice)`);

    stopped = nextEvent(dc, 'stopped');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'exception');
    w = await where(dc);
    const user = w.frames.find((f) => f.source?.path && f.source.presentationHint !== 'deemphasize')!;
    assert.equal(user.source?.path, vault);
    assert.equal(user.line, lineOf(vault, 'totalDeposits -= amount + fee;'));
    // vm.label names the contract's frame.
    assert.ok(w.frames.some((f) => f.name === 'Vault.withdraw [vault]'), w.frames.map((f) => f.name).join(', '));
    // Below it: the test function that called withdraw, on its calling line.
    const caller = w.frames.find((f) => f.source?.path === testFile);
    assert.equal(caller?.line, testLine);
    // The test frame is inside its CALL to the vault: that word of its Stack names the vault.
    const callerScopes = (await dc.scopesRequest({ frameId: caller!.id })).body.scopes;
    const stackScope = callerScopes.find((s) => s.name === 'Stack')!;
    const words = (await dc.variablesRequest({ variablesReference: stackScope.variablesReference })).body.variables.map((v) => v.value);
    assert.ok(words.some((v) => / \(vault\)$/.test(v)), words.join(', '));
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description ?? '', /Panic\(0x11\)/);
    // The console.log before the failing call, and forge's verdict, are in the Debug Console.
    // (The same panic stops once more where the test function passes it up; continue through it.)
    const terminated = nextEvent(dc, 'terminated');
    const onStop = (): void => void dc.continueRequest({ threadId: 1 });
    dc.on('stopped', onStop);
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    dc.off('stopped', onStop);
    const text = output.join('');
    assert.match(text, /alice deposited 2000000000000000000/);
    assert.match(text, /labels: .*alice = 0x[0-9a-fA-F]{40}.*vault = 0x[0-9a-fA-F]{40}/);
    assert.match(text, /\[FAIL: panic: arithmetic underflow or overflow \(0x11\)\] VaultTest\.test_WithdrawAll/);
  } finally {
    await dc.close();
  }
});

test('a Foundry test launch with an unknown test names the tests there are', { skip: !forgeStdPresent && SKIP_FORGE_STD }, async (t) => {
  const dir = vaultCopy(t);
  const dc = new AdapterClient();
  try {
    await assert.rejects(
      launch(dc, { type: 'chainstep', request: 'launch', program: dir, test: 'VaultTest.test_Nope' }),
      /VaultTest has no function test_Nope; its tests: .*test_WithdrawAll/,
    );
  } finally {
    await dc.close();
  }
});
