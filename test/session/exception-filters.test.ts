// Exception filters belong to the backends (issue 7, item 17): a Solidity session lists Solidity's failures
// and never "Aborts", a Move session Move's and never "Reverts". DAP asks for filters in `initialize`, before
// the program is known, and VS Code builds its Breakpoints view from that answer only, so the extension names
// the program when it starts the adapter (`chainstep dap --program ...`). Without it the adapter offers every
// backend's filters, tells the client the right ones after launch (a `capabilities` event), and stops only on
// the recording's own.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { backends } from '../../debug-adapter/cli/backends.ts';
import { AdapterClient, launch, nextEvent, serve } from './dap-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vault = path.join(root, 'samples/solidity/vault/Vault.sol');
const abortAssert = path.resolve(root, '../shared/fixtures/move/sui-trace-tests/abort_assert');

async function filtersOf(dc: { initializeRequest(a?: DebugProtocol.InitializeRequestArguments): Promise<DebugProtocol.InitializeResponse> }) {
  const r = await dc.initializeRequest({ adapterID: 'chainstep', pathFormat: 'path' });
  return (r.body?.exceptionBreakpointFilters ?? []).map((f) => f.label);
}

test('the adapter started for a Solidity program offers Solidity filters only', async () => {
  const dc = new AdapterClient(['--program', vault]);
  try {
    const labels = await filtersOf(dc);
    assert.deepEqual(labels, ['Reverts', 'Panics', 'Out of gas / invalid', 'Also caught failures']);
  } finally {
    await dc.close();
  }
});

test('a session for a Move package offers Move filters only', async () => {
  const pkg = mkdtempSync(path.join(tmpdir(), 'chainstep-move-'));
  writeFileSync(path.join(pkg, 'Move.toml'), '[package]\nname = "p"\n');
  const { dc, close } = await serve(backends, { expected: { program: pkg } });
  try {
    const labels = await filtersOf(dc);
    assert.ok(labels.includes('Aborts'), labels.join());
    assert.ok(!labels.includes('Reverts') && !labels.includes('Also caught failures'), labels.join());
  } finally {
    await close();
    rmSync(pkg, { recursive: true, force: true });
  }
});

test('without the program: every filter in initialize, then the backend\'s own; a Solidity filter never stops a Move abort', {
  skip: !existsSync(abortAssert) && '../shared/fixtures/move not found',
}, async () => {
  const config = {
    program: path.join(abortAssert, 'build', 'abort_assert'),
    trace: path.join(abortAssert, 'traces', 'abort_assert__m__test.jsonl'),
  };
  for (const [filters, stops] of [[['revert', 'panic', 'outOfGas', 'caught'], false], [['abort'], true]] as const) {
    const { dc, close } = await serve(backends);
    try {
      const capabilities = nextEvent(dc, 'capabilities') as Promise<DebugProtocol.CapabilitiesEvent>;
      const stopped = nextEvent(dc, 'stopped');
      const terminated = nextEvent(dc, 'terminated');
      await launch(dc, config, () => dc.setExceptionBreakpointsRequest({ filters: [...filters] }));
      const offered = (await capabilities).body.capabilities.exceptionBreakpointFilters!.map((f) => f.filter);
      assert.deepEqual(offered, ['abort', 'arithmetic', 'vmError']);
      const first = await Promise.race([stopped.then(() => 'stopped'), terminated.then(() => 'terminated')]);
      assert.equal(first, stops ? 'stopped' : 'terminated', filters.join());
    } finally {
      await close();
    }
  }
});
