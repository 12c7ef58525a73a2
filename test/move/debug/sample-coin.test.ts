// The samples/move/coin package as a user gets it (sources, no build/, a git dependency on the Sui
// framework mapped to the framework sources in ../shared with moveDependencies): debugging one of its
// test_scenario tests builds it with our compiler and the framework in test mode, a breakpoint in
// sources/gold.move binds and is hit, the locals are what the test passed, and the Objects scope shows
// the objects the earlier transactions stored (owner and fields, as the test code sets them). The failing
// test stops on its assert! with the #[error] constant.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { frameworkSrc, repoRoot } from '../../language/move/corpus.ts';
import { AdapterClient, launch, nextEvent, where } from '../../session/dap-helpers.ts';
import { copySample, lineOf } from './sample-helpers.ts';

const hasFramework = existsSync(path.join(frameworkSrc, 'sui-framework/Move.toml'));
const SKIP = '../shared/fixtures/move/sui-framework-src not found';

function config(dir: string, test: string): Record<string, unknown> {
  return {
    type: 'chainstep', request: 'launch', program: dir, function: `0x0::gold_tests::${test}`,
    moveDependencies: { Sui: path.join(frameworkSrc, 'sui-framework'), MoveStdlib: path.join(frameworkSrc, 'move-stdlib') },
  };
}

async function scope(dc: DebugClient, name: string): Promise<DebugProtocol.Variable[]> {
  const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
  const s = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((x) => x.name === name);
  if (!s) return [];
  return (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
}

async function fields(dc: DebugClient, v: DebugProtocol.Variable): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of (await dc.variablesRequest({ variablesReference: v.variablesReference })).body.variables) out.set(f.name, f.value);
  return out;
}

test('samples/move/coin: a test_scenario test stops in gold::mint with its locals and the objects stored so far', async (t) => {
  if (!hasFramework) return t.skip(SKIP);
  const dir = copySample('coin');
  const file = path.join(dir, 'sources/gold.move');
  const dc = new AdapterClient();
  try {
    const line = lineOf(file, 'let new_supply = treasury.total_supply + value;');
    let verified = false;
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, config(dir, 'mint_past_max_supply'), async () => {
      verified = (await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] })).body.breakpoints[0]!.verified;
    });
    assert.ok(existsSync(path.join(dir, 'build/Coin/bytecode_modules/gold.mv')), 'the launch built the package');
    assert.ok(verified, 'the breakpoint in sources/gold.move binds');
    assert.equal((await stopped).body.reason, 'breakpoint');
    const at = await where(dc);
    assert.equal(at.name, '0x0::gold::mint');
    assert.equal(at.line, line);
    assert.equal(at.path, file);
    const locals = new Map([...(await scope(dc, 'Parameters')), ...(await scope(dc, 'Locals'))].map((v) => [v.name, v.value]));
    assert.equal(locals.get('value'), '600', 'the amount mint_for_alice passes');

    // The pool after init and the first transaction: the MintCap owned by ADMIN (0xa) and the shared
    // Treasury, both taken by this transaction; nothing else exists yet.
    const objects = await scope(dc, 'Objects');
    const names = objects.map((o) => o.name.replace(/ 0x[0-9a-f]{8}… /, ' '));
    assert.deepEqual(names.sort(), ['MintCap (owned by 0xa, taken)', 'Treasury (shared, taken)']);
    const treasury = await fields(dc, objects.find((o) => o.name.startsWith('Treasury'))!);
    assert.equal(treasury.get('total_supply'), '0');
    assert.equal(treasury.get('max_supply'), '1000', 'MAX_SUPPLY');

    // Continue to the second mint: ALICE owns the first 600, the Treasury went back with 600 minted.
    const again = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await again).body.reason, 'breakpoint');
    assert.equal((await where(dc)).line, line);
    const pool = await scope(dc, 'Objects');
    const gold = pool.find((o) => o.name.startsWith('Gold'));
    assert.ok(gold, pool.map((o) => o.name).join(', '));
    assert.match(gold.name, /\(owned by 0xb\)$/, 'transferred to ALICE');
    assert.equal((await fields(dc, gold)).get('value'), '600');
    const t2 = await fields(dc, pool.find((o) => o.name.startsWith('Treasury'))!);
    assert.equal(t2.get('total_supply'), '600');

    // 600 + 600 > 1000: the assert! stops the test with the #[error] constant.
    const aborted = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await aborted).body.reason, 'exception');
    assert.equal((await where(dc)).line, lineOf(file, 'ESupplyExceeded);'));
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description!, /ESupplyExceeded.*Minting would exceed the maximum supply/);
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
