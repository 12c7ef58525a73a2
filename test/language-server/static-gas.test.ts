// solc's static gas estimates as code lenses, only when `chainstep.gasHints.staticEstimates` asks for them:
// the numbers equal what solc itself reports for the same input (compiled here, independently of the server),
// and where solc says "infinite" the lens names the loop, external call or dynamic-size copy and its line.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { eventually, LspClient, positionOf } from './lsp-client.ts';

const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IOracle { function price() external view returns (uint256); }

contract Estimates {
    uint256[] public items;
    uint256 public total;

    function add(uint256 x) external { total += x; }

    function sum() external view returns (uint256 s) {
        for (uint256 i = 0; i < items.length; i++) s += items[i];
    }

    function ask(IOracle oracle) external view returns (uint256) {
        return oracle.price();
    }

    function echo(bytes calldata data) external pure returns (bytes memory) {
        return data;
    }

    function sumAll() external view returns (uint256) {
        return _sumAll();
    }

    function _sumAll() internal view returns (uint256 s) {
        uint256 i;
        while (i < items.length) s += items[i++];
    }
}
`;

let dir: string;
let client: LspClient;
let uri: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'chainstep-lsp-gas-'));
  writeFileSync(path.join(dir, 'foundry.toml'), '[profile.default]\nsrc = "."\noptimizer = true\noptimizer_runs = 200\n');
  writeFileSync(path.join(dir, 'Estimates.sol'), source);
  client = await LspClient.start({ rootPath: dir, initializationOptions: { languageServer: { compileDelay: 0 } } });
  uri = client.open(path.join(dir, 'Estimates.sol'));
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What solc reports for the same file and optimizer settings, asked directly. */
function solcEstimates(): Record<string, string> {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity',
    sources: { 'Estimates.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.gasEstimates'] } } },
  })));
  const gas = output.contracts['Estimates.sol'].Estimates.evm.gasEstimates;
  return { ...gas.external, ...gas.internal };
}

const lineOf = (needle: string): number => positionOf(source, needle).line + 1;

test('off by default: no estimate lenses', async () => {
  await eventually(() => client.hover(uri, positionOf(source, 'total += x', 1)), 120_000, 'analysis');
  assert.deepEqual(await client.codeLenses(uri), []);
});

test('turned on: each function shows solc\'s estimate, or why it is unbounded', async () => {
  client.configure({ gasHints: { staticEstimates: true } });
  const lenses = await eventually(async () => { const l = await client.codeLenses(uri); return l.length > 0 ? l : undefined; }, 180_000, 'estimate lenses');
  const at = (name: string) => {
    const line = positionOf(source, `function ${name}(`).line;
    const lens = lenses.find((l) => l.range.start.line === line);
    assert.ok(lens, `a lens on ${name}: ${JSON.stringify(lenses)}`);
    assert.equal(lens.range.start.character, positionOf(source, `function ${name}(`, 'function '.length).character);
    return lens.command!.title;
  };
  const oracle = solcEstimates();
  assert.match(oracle['add(uint256)']!, /^\d+$/, 'solc bounds add()');
  assert.equal(at('add'), `⛽ solc static estimate: ${Number(oracle['add(uint256)']).toLocaleString('en-US')} gas`);
  assert.equal(oracle['sum()'], 'infinite');
  assert.equal(at('sum'), `⛽ solc static estimate: unbounded (a loop at line ${lineOf('for (uint256 i')})`);
  assert.equal(oracle['ask(address)'], 'infinite');
  assert.equal(at('ask'), `⛽ solc static estimate: unbounded (an external call to price() at line ${lineOf('oracle.price()')})`);
  assert.equal(oracle['echo(bytes)'], 'infinite');
  assert.match(at('echo'), new RegExp(`unbounded \\(a dynamic-size copy of \`data\` \\(bytes calldata\\) at line ${lineOf('bytes calldata data')}`));
  assert.equal(oracle['sumAll()'], 'infinite');
  assert.equal(at('sumAll'), `⛽ solc static estimate: unbounded (a call to _sumAll() at line ${lineOf('return _sumAll()')}, unbounded by a loop at line ${lineOf('while (i')})`);
  assert.equal(oracle['_sumAll()'], 'infinite');
  assert.equal(at('_sumAll'), `⛽ solc static estimate: unbounded (a loop at line ${lineOf('while (i')})`);
});

test('turned off again: the lenses go', async () => {
  client.configure({ gasHints: { staticEstimates: false } });
  await eventually(async () => (await client.codeLenses(uri)).length === 0, 30_000, 'no lenses');
});
