// "Chainstep: Debug Transaction…": what the prompts accept and the configuration the command starts, which
// the adapter must accept (its own door checks the same fields), and the manifest entries VS Code reads.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rpcUrlProblem, transactionLaunch, txHashProblem } from '../../extension/transaction-launch.ts';
import { parseEvmLaunch } from '../../debug-adapter/evm/launch-options.ts';
import { evmBackend } from '../../debug-adapter/evm/backend.ts';

const root = join(import.meta.dirname, '..', '..');
const hash = `0x${'aB'.repeat(32)}`;

test('the prompts accept node URLs and transaction hashes, and say what is expected otherwise', () => {
  assert.equal(rpcUrlProblem('http://127.0.0.1:8545'), undefined);
  assert.equal(rpcUrlProblem(' https://eth.example.org/v1/key '), undefined);
  for (const bad of ['', '127.0.0.1:8545', 'ws://127.0.0.1:8546', 'not a url']) assert.match(rpcUrlProblem(bad)!, /JSON-RPC URL/, bad);
  assert.equal(txHashProblem(hash), undefined);
  for (const bad of ['', '0x1234', hash.slice(2), `${hash}00`, `0x${'zz'.repeat(32)}`]) assert.match(txHashProblem(bad)!, /64 hex digits/, bad);
});

test('the command starts a chainstep launch the EVM backend accepts, with the workspace folder as program', () => {
  const config = transactionLaunch('/work/project', ' http://127.0.0.1:8545 ', hash);
  assert.deepEqual(config, {
    type: 'chainstep', request: 'launch', name: `Transaction ${hash.slice(0, 10).toLowerCase()}…`,
    program: '/work/project', rpcUrl: 'http://127.0.0.1:8545', txHash: hash.toLowerCase(),
  });
  assert.ok(evmBackend.accepts({ ...config, program: '' }), 'accepted without sources too');
  assert.deepEqual(parseEvmLaunch({ ...config }).replay, { rpcUrl: 'http://127.0.0.1:8545', txHash: hash.toLowerCase() });
});

test('the manifest declares the command and documents rpcUrl and txHash', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.ok(pkg.contributes.commands.some((c: { command: string; title: string }) => c.command === 'chainstep.debugTransaction' && c.title === 'Debug Transaction…'));
  const properties = pkg.contributes.debuggers[0].configurationAttributes.launch.properties;
  for (const field of ['rpcUrl', 'txHash']) assert.ok(properties[field]?.description?.length > 40, field);
  const source = readFileSync(join(root, 'extension/extension.ts'), 'utf8');
  assert.match(source, /registerCommand\(DEBUG_TRANSACTION_COMMAND/);
});
