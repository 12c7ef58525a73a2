// Foundry / Hardhat projects: their build-info is used while it matches the sources on disk.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '../../debug-adapter/evm/build/compile.ts';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';

const require = createRequire(import.meta.url);
const solc = require('solc') as { compile(input: string): string };

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {Base} from "lib/base/Base.sol";
contract Counter is Base {
    uint256 public number;
    function increment(uint256 by) external returns (uint256) {
        number += by + offset();
        return number;
    }
}
`;
const BASE = 'pragma solidity ^0.8.20;\nabstract contract Base { function offset() internal pure returns (uint256) { return 1; } }\n';

function foundryProject(full: boolean, optimizer: boolean): string {
  const root = mkdtempSync(path.join(tmpdir(), 'chainstep-foundry-'));
  mkdirSync(path.join(root, 'src'));
  mkdirSync(path.join(root, 'lib/base'), { recursive: true });
  mkdirSync(path.join(root, 'out/build-info'), { recursive: true });
  writeFileSync(path.join(root, 'foundry.toml'), '[profile.default]\nsrc = "src"\n');
  writeFileSync(path.join(root, 'src/Counter.sol'), COUNTER);
  writeFileSync(path.join(root, 'lib/base/Base.sol'), BASE);
  const input = {
    language: 'Solidity',
    sources: { 'src/Counter.sol': { content: COUNTER }, 'lib/base/Base.sol': { content: BASE } },
    settings: {
      optimizer: { enabled: optimizer, runs: 200 },
      outputSelection: { '*': full
        ? { '*': ['abi', 'evm.bytecode', 'evm.deployedBytecode', 'storageLayout'], '': ['ast'] }
        : { '*': ['abi'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  writeFileSync(path.join(root, 'out/build-info/abc123.json'), JSON.stringify({ id: 'abc123', source_id_to_path: {}, language: 'Solidity', input, output }));
  return root;
}

test('a complete, fresh Foundry build-info is used as is', async () => {
  const root = foundryProject(true, false);
  const project = compile({ program: root });
  assert.equal(project.buildInfo, path.join(root, 'out/build-info/abc123.json'));
  assert.equal(project.reusedOutput, true);
  const ex = await launchEvm({ program: root, function: 'increment', args: [41] }, () => {}, new AbortController().signal);
  assert.equal(ex.outcome.summary, 'returned (42)');
  const source = ex.sources.findIndex((s) => s.path === path.join(root, 'src/Counter.sol'));
  assert.ok(source >= 0 && ex.breakableLines(source).includes(7));
});

test('a build-info without the outputs we need is compiled again with its own settings', async () => {
  const root = foundryProject(false, true);
  const project = compile({ program: root });
  assert.equal(project.reusedOutput, false);
  assert.ok(project.buildInfo);
  const ex = await launchEvm({ program: root, function: 'increment', args: [1] }, () => {}, new AbortController().signal);
  assert.equal(ex.outcome.summary, 'returned (2)');
});

test('a stale build-info (sources edited since) is ignored', async () => {
  const root = foundryProject(true, false);
  writeFileSync(path.join(root, 'src/Counter.sol'), COUNTER.replace('by + offset()', 'by * 2 + offset()'));
  const project = compile({ program: root });
  assert.equal(project.buildInfo, undefined);
  const ex = await launchEvm({ program: root, function: 'increment', args: [5] }, () => {}, new AbortController().signal);
  assert.equal(ex.outcome.summary, 'returned (11)');
});

test('Hardhat 3 split build-info (<id>.json input, <id>.output.json output) is used', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'chainstep-hardhat-'));
  mkdirSync(path.join(root, 'contracts'));
  mkdirSync(path.join(root, 'artifacts/build-info'), { recursive: true });
  writeFileSync(path.join(root, 'hardhat.config.ts'), 'export default {};\n');
  const source = 'pragma solidity ^0.8.20;\ncontract Lock {\n  function twice(uint x) external pure returns (uint) { return x * 2; }\n}\n';
  writeFileSync(path.join(root, 'contracts/Lock.sol'), source);
  const input = {
    language: 'Solidity',
    sources: { 'contracts/Lock.sol': { content: source } },
    settings: { outputSelection: { '*': { '*': ['abi', 'evm.bytecode', 'evm.deployedBytecode'], '': ['ast'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  writeFileSync(path.join(root, 'artifacts/build-info/solc-0_8_37-f00.json'), JSON.stringify({ _format: 'hh3-sol-build-info-1', id: 'f00', input }));
  writeFileSync(path.join(root, 'artifacts/build-info/solc-0_8_37-f00.output.json'), JSON.stringify({ _format: 'hh3-sol-build-info-output-1', id: 'f00', output }));
  const project = compile({ program: root });
  assert.equal(project.reusedOutput, true);
  const ex = await launchEvm({ program: root, function: 'twice', args: [21] }, () => {}, new AbortController().signal);
  assert.equal(ex.outcome.summary, 'returned (42)');
});
