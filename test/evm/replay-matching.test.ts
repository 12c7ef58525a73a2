// Matching code that ran to the workspace's build (debug-adapter/evm/build/units.ts matchContract): the same
// source built elsewhere (another metadata hash) still matches, contracts embedding others' init code too,
// and two contracts whose code differs only in metadata are told apart by an exact match first.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileProject } from '../../language/solidity/compile-project.ts';
import { matchContract, metadataRanges } from '../../debug-adapter/evm/build/units.ts';
import { hexToBytes } from '../../debug-adapter/evm/run/abi.ts';

const twins = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract A { uint256 x; function f() external { x = 1; } }
contract B { uint256 x; function f() external { x = 1; } }
contract Maker { function make() external returns (address) { return address(new A()); } }
`;

test('a build from another path matches by code, metadata hashes (own and embedded) ignored; exact matches come first', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-match-'));
  try {
    writeFileSync(path.join(dir, 'Twins.sol'), twins);
    // The same source in another folder with a comment after it: the same code, other metadata hashes.
    mkdirSync(path.join(dir, 'other'));
    writeFileSync(path.join(dir, 'other', 'Twins.sol'), `${twins}// elsewhere\n`);
    const here = await compileProject({ program: path.join(dir, 'Twins.sol') });
    const elsewhere = await compileProject({ program: path.join(dir, 'other', 'Twins.sol') });
    const get = (p: typeof here, name: string) => p.contracts.find((c) => c.name === name)!;
    const runtime = (p: typeof here, name: string) => hexToBytes(`0x${get(p, name).deployedBytecode.object}`);
    const init = (p: typeof here, name: string) => hexToBytes(`0x${get(p, name).bytecode.object}`);
    // The builds differ only in their metadata, and Maker's code embeds A's init code with its metadata.
    assert.notDeepEqual(runtime(here, 'B'), runtime(elsewhere, 'B'));
    assert.equal(metadataRanges(init(here, 'Maker')).length, 2, "Maker's init: its runtime's metadata and A's (inside the A it creates)");
    assert.equal(matchContract(here, runtime(here, 'B'), false)?.name, 'B', 'exact match first, not A whose code differs only in metadata');
    assert.equal(matchContract(here, runtime(here, 'A'), false)?.name, 'A');
    assert.equal(matchContract(here, runtime(elsewhere, 'Maker'), false)?.name, 'Maker');
    assert.equal(matchContract(here, init(elsewhere, 'Maker'), true)?.name, 'Maker');
    assert.equal(matchContract(here, hexToBytes('0x6080604052600080fd'), false), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
