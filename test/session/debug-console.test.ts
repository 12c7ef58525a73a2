// The Debug Console through a session (issue 7, item 19): what was compiled, deployed and set up, and how the
// call ended; the backend reports, the session prints. A contract over EIP-170's 24 KB deploys with a warning.
// Addresses are checked against viem's CREATE address of the sender and nonce, code sizes against solc's output.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getContractAddress } from 'viem';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evmBackend } from '../../debug-adapter/evm/backend.ts';
import { ACCOUNTS } from '../../debug-adapter/evm/run/chain.ts';
import { compile } from '../../language/solidity/compile.ts';
import { launch, nextEvent, serve } from './dap-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vault = path.join(root, 'samples/solidity/vault/Vault.sol');

/** Runs a launch to its end; returns everything the Debug Console showed. */
async function consoleOf(config: Record<string, unknown>): Promise<string> {
  const { dc, output, close } = await serve([evmBackend]);
  try {
    const terminated = nextEvent(dc, 'terminated');
    await launch(dc, config, () => dc.setExceptionBreakpointsRequest({ filters: [] }));
    await terminated;
    return output.join('');
  } finally {
    await close();
  }
}

test('the Debug Console says what was compiled, deployed and set up, what was called, and how it ended', async () => {
  const said = await consoleOf({
    program: vault, contract: 'Vault', constructorArgs: ['1000'], setup: [{ function: 'deposit', value: '5' }], function: 'withdraw(uint256)', args: ['100'],
  });
  const deployer = ACCOUNTS[0]!;
  const address = getContractAddress({ from: deployer as `0x${string}`, nonce: 0n }).toLowerCase();
  const runtime = compile({ program: vault }).contracts.find((c) => c.name === 'Vault')!;
  const size = ((runtime as unknown as { deployedBytecode: { object: string } }).deployedBytecode.object.length) / 2;
  assert.match(said, /Compiled 1 source \(solc 0\.8\.37\): 1 contract\b/);
  assert.ok(said.includes(`Deployed Vault at ${address} from ${deployer} (${size} bytes of runtime code)`), said);
  assert.match(said, /Set up: deposit\(\) returned \(gas used: \d+\)/);
  assert.ok(said.includes(`Calling Vault.withdraw(uint256) from ${deployer}`), said);
  assert.match(said, /Call reverted: InsufficientBalance\(requested: 100, available: 5\)/);
  assert.doesNotMatch(said, /EIP-170/);
  // In this order: before the call, then the end.
  const order = ['Compiled', 'Deployed', 'Set up', 'Calling', 'Call reverted'].map((s) => said.indexOf(s));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
});

test('a contract over the 24,576 bytes of EIP-170 deploys, with a warning naming its size', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-eip170-'));
  try {
    // 25,000 bytes of data embedded in the runtime code: over the limit on its own.
    const data = Array.from({ length: 25_000 }, (_, i) => ((i * 7 + 3) & 0xff).toString(16).padStart(2, '0')).join('');
    writeFileSync(path.join(dir, 'Big.sol'), `// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Big {\n  function blob() external pure returns (uint256) {\n    bytes memory b = hex"${data}";\n    return b.length;\n  }\n}\n`);
    const said = await consoleOf({ program: path.join(dir, 'Big.sol'), function: 'blob' });
    const size = Number(/Deployed Big at 0x[0-9a-f]{40} from 0x[0-9a-f]{40} \((\d+) bytes/.exec(said)?.[1]);
    assert.ok(size > 25_000, said);
    assert.ok(said.includes(`Warning: Big's runtime code is ${size} bytes, over the 24576-byte limit of EIP-170`), said);
    assert.match(said, /Call returned \(25000\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
