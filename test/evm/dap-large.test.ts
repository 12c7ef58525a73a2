// Issue 7 items 12 and 14 over DAP against `node bin/chainstep.js dap`: a call that used a lot of memory
// shows it paged (VS Code asks for one page of rows at a time; the adapter never builds a row per word),
// and a call that reaches maxSteps is kept and debuggable up to there, with the reason.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { launch, move, nextEvent, where } from '../session/dap-helpers.ts';
import { root, withAdapter } from '../session/dap-issue3-helpers.ts';

const big = path.join(root, 'test/evm/contracts/Big.sol');
const pair = path.join(root, 'test/evm/contracts/Pair.sol');


test('Memory after a call that used 4 MB is paged: its rows are indexed and one page is built on request', async () => {
  await withAdapter(async (dc) => {
    const size = 4 * 1024 * 1024;
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program: big, contract: 'Big', function: 'grow', args: [String(size)], gasLimit: 1_000_000_000, stopOnEntry: false, stopAtEnd: true });
    await stopped;
    const frameId = (await where(dc)).frames[0]!.id;
    const memory = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === 'Memory')!;
    // The bytes array (32-byte length word + data) starts at the free memory pointer 0x80.
    const rows = memory.indexedVariables ?? 0;
    assert.ok(rows >= (0x80 + 32 + size) / 32, `indexed rows: ${rows}`);
    assert.equal(memory.namedVariables ?? 0, 0);
    // The row holding the last byte of the array (set to 1 by the call).
    const last = 0x80 + 32 + size - 1;
    const row = Math.floor(last / 32);
    const page = (await dc.variablesRequest({ variablesReference: memory.variablesReference, filter: 'indexed', start: row - 1, count: 2 })).body.variables;
    assert.equal(page.length, 2);
    assert.equal(page[1]!.name, `0x${(row * 32).toString(16).padStart(4, '0')}`);
    assert.equal(page[1]!.value.slice(2 + 2 * (last % 32), 4 + 2 * (last % 32)), '01');
    assert.equal(page[0]!.value, `0x${'00'.repeat(32)}`);
  });
});

test('a call that reaches maxSteps stops there and stays debuggable, saying so', async () => {
  await withAdapter(async (dc) => {
    const output: string[] = [];
    dc.on('output', (e) => output.push(String(e.body.output)));
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program: pair, contract: 'Caller', function: 'burn', maxSteps: 50_000, gasLimit: 1_000_000_000, stopOnEntry: false, stopAtEnd: true });
    await stopped;
    const w = await where(dc);
    assert.equal(w.name, 'Caller.burn');
    assert.match(output.join(''), /the recording stopped at maxSteps \(50,000 steps\)/);
    // Still a recording to move in.
    await move(dc, (a) => dc.stepBackRequest(a));
    assert.equal((await where(dc)).name, 'Caller.burn');
  });
});
