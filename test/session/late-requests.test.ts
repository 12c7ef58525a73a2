// Requests a client sends a moment too late: VS Code refreshes its views while a step or Continue is under
// way, so some requests reach the adapter after the run ended or after the stop they were made for. They
// are answered quietly (empty results), never as errors the user sees.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { fakeBackend } from './fake-vm.ts';
import { launch, move, nextEvent, serve, where } from './dap-helpers.ts';

const PROGRAM = '/fake/Main.fake';

test('requests arriving after the run ended get empty answers, not "The program is not stopped."', async () => {
  const { dc, close } = await serve([fakeBackend]);
  try {
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program: PROGRAM, stopOnEntry: true });
    await stopped;
    const frameId = (await where(dc)).frames[0]!.id;
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    const ip = (await where(dc)).frames[0]!.instructionPointerReference!;

    const terminated = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await terminated;

    // What VS Code sends while it takes in the Continue: threads, the stack, the scopes and variables.
    assert.equal((await dc.threadsRequest()).body.threads.length, 1);
    const trace = await dc.stackTraceRequest({ threadId: 1 });
    assert.deepEqual(trace.body.stackFrames, []);
    assert.equal(trace.body.totalFrames, 0);
    assert.deepEqual((await dc.scopesRequest({ frameId })).body.scopes, []);
    assert.deepEqual((await dc.variablesRequest({ variablesReference: scopes[0]!.variablesReference })).body.variables, []);
    const targets = await dc.customRequest('stepInTargets', { frameId });
    assert.deepEqual(targets.body.targets, []);
    const dis = await dc.customRequest('disassemble', { memoryReference: ip, instructionCount: 3 });
    assert.deepEqual(dis.body.instructions, []);
    const mem = await dc.customRequest('readMemory', { memoryReference: 'memory', offset: 0, count: 8 });
    assert.equal(mem.body.unreadableBytes, 8);
    const info = await dc.dataBreakpointInfoRequest({ name: 'x', variablesReference: scopes[0]!.variablesReference });
    assert.equal(info.body.dataId, null);

    // A second click on Continue or Step Over that lands after the end does nothing, quietly.
    const again = await dc.continueRequest({ threadId: 1 });
    assert.equal(again.success, true);
    assert.equal((await dc.nextRequest({ threadId: 1 })).success, true);

    // A watch or hover evaluated after the end is answered in place (not a notification).
    const evaluated = (await raw(dc, 'evaluate', { expression: 'x', frameId, context: 'watch' })) as DebugProtocol.ErrorResponse;
    assert.equal(evaluated.success, false);
    assert.match(evaluated.message ?? '', /not stopped/);
    assert.equal(evaluated.body.error?.showUser ?? false, false);
  } finally {
    await close();
  }
});

test('a Variables or Scopes refresh with references from the previous stop gets an empty list', async () => {
  const { dc, close } = await serve([fakeBackend]);
  try {
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program: PROGRAM, stopOnEntry: true });
    await stopped;
    const oldFrame = (await where(dc)).frames[0]!.id;
    const oldScopes = (await dc.scopesRequest({ frameId: oldFrame })).body.scopes;

    await move(dc, (a) => dc.nextRequest(a), 'step');
    // The old references name nothing now: an empty answer, not a misread value and not an error.
    assert.deepEqual((await dc.variablesRequest({ variablesReference: oldScopes[0]!.variablesReference })).body.variables, []);
    assert.deepEqual((await dc.scopesRequest({ frameId: oldFrame })).body.scopes, []);
    const info = await dc.dataBreakpointInfoRequest({ name: 'x', variablesReference: oldScopes[0]!.variablesReference });
    assert.equal(info.body.dataId, null);
    assert.match(info.body.description, /earlier stop/);

    // The current stop's references still work.
    const frameId = (await where(dc)).frames[0]!.id;
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    assert.ok((await dc.variablesRequest({ variablesReference: scopes[0]!.variablesReference })).body.variables.length > 0);
  } finally {
    await close();
  }
});

/** A request and its whole response, failed or not: DebugClient keeps only the message of a failure,
 * and whether the user is shown the error (`showUser`) is what these tests are about. */
function raw(dc: DebugClient, command: string, args: object): Promise<DebugProtocol.Response> {
  const client = dc as unknown as { doSend(command: string, args: object, done: (r: DebugProtocol.Response) => void): void };
  return new Promise((resolve) => client.doSend(command, args, resolve));
}
