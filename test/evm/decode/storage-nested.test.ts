// Less common storage shapes, each checked against the contract's own getters: nested dynamic arrays,
// arrays of strings, mappings with signed / bytes32 / bool / enum / bytes keys, mappings to arrays and
// structs holding mappings, tightly packed structs, long bytes.

import test from 'node:test';
import assert from 'node:assert/strict';
import { hexToBytes } from '@ethereumjs/util';
import { encodeFunctionData, keccak256, toHex } from 'viem';
import {
  TypeRegistry,
  decodeStateVariables,
  stateVariablesFromLayout,
  type SolcStorageLayout,
} from '../../../debug-adapter/evm/decode/index.ts';
import { Chain, addressBigInt, compile, viewOf } from './harness.ts';
import { plain } from './tree.ts';

const SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
contract Nested {
    enum Side { Buy, Sell }
    struct Packed { uint8 a; bool b; int16 c; address d; uint64 e; bytes2 f; }
    struct Book { string name; mapping(uint256 => uint256) levels; uint256[] ids; }

    uint256[][] public grid;
    string[] public names;
    string[2] public pair;
    mapping(int256 => uint256) public bySigned;
    mapping(bytes32 => bool) public seen;
    mapping(bool => uint256) public byFlag;
    mapping(Side => uint256) public bySide;
    mapping(bytes => uint256) public byBytes;
    mapping(address => uint256[]) public lists;
    Book book;
    Packed public packed;
    bytes public longBytes;

    function fill() external {
        grid.push(); grid.push();
        grid[0].push(1); grid[0].push(2); grid[1].push(3);
        names.push("short"); names.push("a name that needs more than thirty-one bytes to store");
        pair[1] = "second";
        bySigned[-5] = 50; bySigned[7] = 70;
        seen[keccak256("k")] = true;
        byFlag[true] = 1; byFlag[false] = 2;
        bySide[Side.Sell] = 9;
        byBytes[hex"beef"] = 3;
        lists[msg.sender].push(4); lists[msg.sender].push(5);
        book.name = "orders"; book.levels[10] = 100; book.ids.push(77);
        packed = Packed(200, true, -2, address(0xAbCd), 1 << 40, 0x1234);
        for (uint256 i = 0; i < 70; i++) longBytes.push(bytes1(uint8(i)));
    }

    function getGrid() external view returns (uint256[][] memory) { return grid; }
    function getNames() external view returns (string[] memory) { return names; }
    function getList(address a) external view returns (uint256[] memory) { return lists[a]; }
    function level(uint256 k) external view returns (uint256) { return book.levels[k]; }
    function bookName() external view returns (string memory) { return book.name; }
    function bookIds() external view returns (uint256[] memory) { return book.ids; }
}
`;

test('nested and less common storage shapes decode to what the getters return', async () => {
  const compilation = compile(SOURCE);
  const nested = compilation.contract('Nested');
  const chain = await Chain.create();
  const address = await chain.deploy(nested);
  const result = await chain.call(address, hexToBytes(encodeFunctionData({ abi: nested.abi, functionName: 'fill' })));
  assert.equal(result.reverted, false);
  const registry = new TypeRegistry(compilation.output.sources);
  const ctx = { view: viewOf(undefined, await chain.storage(address), chain.preimages), storageAddress: addressBigInt(address) };
  const state = decodeStateVariables(stateVariablesFromLayout(nested.storageLayout as SolcStorageLayout, registry), ctx);
  const vars = new Map(state.get(undefined, 0, state.named, { hex: false }).map((v) => [v.name, v]));
  const read = (name: string, args: unknown[] = []) => chain.read(address, nested.abi, name, args);
  const str = (s: unknown) => JSON.stringify(s);

  assert.deepEqual(plain(vars.get('grid')!), ((await read('getGrid')) as bigint[][]).map((row) => row.map(String)));
  assert.deepEqual(plain(vars.get('names')!), ((await read('getNames')) as string[]).map(str));
  assert.deepEqual(plain(vars.get('pair')!), [str(await read('pair', [0n])), str(await read('pair', [1n]))]);
  assert.deepEqual(plain(vars.get('bySigned')!), {
    '[-5]': String(await read('bySigned', [-5n])),
    '[7]': String(await read('bySigned', [7n])),
  });
  const k = keccak256(toHex('k'));
  assert.deepEqual(plain(vars.get('seen')!), { [`[${k}]`]: String(await read('seen', [k])) });
  assert.deepEqual(plain(vars.get('byFlag')!), {
    '[true]': String(await read('byFlag', [true])),
    '[false]': String(await read('byFlag', [false])),
  });
  assert.deepEqual(plain(vars.get('bySide')!), { '[1]': String(await read('bySide', [1])) });
  assert.deepEqual(plain(vars.get('byBytes')!), { '[0xbeef]': String(await read('byBytes', ['0xbeef'])) });
  const sender = '0x1000000000000000000000000000000000000001';
  assert.deepEqual(plain(vars.get('lists')!), { [`[${sender}]`]: ((await read('getList', [sender])) as bigint[]).map(String) });
  assert.deepEqual(plain(vars.get('book')!), {
    name: str(await read('bookName')),
    levels: { '[10]': String(await read('level', [10n])) },
    ids: ((await read('bookIds')) as bigint[]).map(String),
  });
  const p = (await read('packed')) as [number, boolean, number, string, bigint, string];
  assert.deepEqual(plain(vars.get('packed')!), {
    a: String(p[0]),
    b: String(p[1]),
    c: String(p[2]),
    d: p[3],
    e: String(p[4]),
    f: p[5],
  });
  assert.equal(vars.get('longBytes')!.value, await read('longBytes'));
});
