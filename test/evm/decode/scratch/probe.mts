import { compile, Chain } from '/work/main/test/evm/decode/harness.ts';
import { encodeFunctionData } from 'viem';
import { hexToBytes } from '@ethereumjs/util';
const src = `
pragma solidity ^0.8.28;
contract Frames {
    struct Point { int32 x; int32 y; }
    struct Bag { uint256 id; string name; uint256[] items; Point p; }
    event Probe();
    function probe(uint256 a, string calldata s, uint256[] calldata xs, Bag calldata bag, bytes calldata raw, Point[] calldata pts) external returns (uint256 r) {
        emit Probe();
        r = a + xs.length + pts.length + bag.id + raw.length + bytes(s).length;
    }
    function inMemory(string calldata s, Bag calldata bag) external returns (uint256) {
        string memory m = string.concat(s, "!");
        uint256[] memory big = new uint256[](10000);
        big[9999] = 7;
        Bag memory copy = bag;
        Point[2] memory pair = [Point(1, -1), Point(2, -2)];
        emit Probe();
        return big[9999] + bytes(m).length + copy.id + uint32(pair[1].x);
    }
}`;
const c = compile(src);
const k = c.contract('Frames');
const chain = await Chain.create();
const addr = await chain.deploy(k);
const data = encodeFunctionData({ abi: k.abi, functionName: 'probe', args: [5n, 'hey', [1n, 2n], { id: 9n, name: 'bagname', items: [3n, 4n, 5n], p: { x: -7, y: 8 } }, '0xc0ffee', [{ x: 1, y: 2 }]] } as never);
const res = await chain.call(addr, hexToBytes(data), (s) => s.opcode.name === 'LOG1' && s.depth === 0);
console.log(res.reverted, res.captures.length);
const cap = res.captures[0]!;
cap.stack.forEach((w, i) => console.log(i, w.toString(16)));
const d2 = encodeFunctionData({ abi: k.abi, functionName: 'inMemory', args: ['hey', { id: 9n, name: 'bagname', items: [3n, 4n, 5n], p: { x: -7, y: 8 } }] } as never);
const r2 = await chain.call(addr, hexToBytes(d2), (s) => s.opcode.name === 'LOG1' && s.depth === 0);
console.log('---', r2.reverted); r2.captures[0]!.stack.forEach((w, i) => console.log(i, w.toString(16)));
console.log('calldata len', cap.calldata.length, 'mem', cap.memory.length);
