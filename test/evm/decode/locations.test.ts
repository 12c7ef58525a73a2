// Locals and parameters in calldata, memory and storage, decoded from their stack slots at a step
// (the LOG of a `Probe` event), checked against the arguments the call was made with, the contract's
// own return values, and storage read back from the EVM.
//
// Stack slots: legacy codegen without the optimizer keeps the dispatcher's two words (selector, return
// label) under an external function's parameters, then return variables and locals in declaration
// order; dynamic calldata values take two words (offset, length).

import test from 'node:test';
import assert from 'node:assert/strict';
import { hexToBytes } from '@ethereumjs/util';
import { decodeFunctionResult, encodeFunctionData, getAddress, type Abi } from 'viem';
import {
  TypeRegistry,
  decodeValue,
  evaluateExpression,
  type DecodeContext,
  type DataLocation,
  type EvalEnvironment,
  type SolType,
} from '../../../debug-adapter/evm/decode/index.ts';
import { Chain, addressBigInt, compile, toHex, viewOf, type Address } from './harness.ts';
import { child, plain } from './tree.ts';

const SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
contract Frames {
    struct Point { int32 x; int32 y; }
    struct Bag { uint256 id; string name; uint256[] items; Point p; }
    event Probe();
    Bag[] bags;

    function inCalldata(uint256 a, string calldata s, uint256[] calldata xs, Bag calldata bag, bytes calldata raw, Point[] calldata pts)
        external returns (uint256 r)
    {
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

    function outer(uint256 n) external returns (uint256) {
        uint256[] memory arr = new uint256[](n);
        arr[0] = 11;
        return inner(arr, "in");
    }

    function inner(uint256[] memory values, string memory label) internal returns (uint256 total) {
        emit Probe();
        total = values[0] + bytes(label).length;
    }

    function inStorage() external returns (uint256, string memory) {
        bags.push();
        Bag storage b = bags[0];
        b.id = 4; b.name = "stored"; b.items.push(8); b.p = Point(3, -3);
        emit Probe();
        return (b.id, b.name);
    }
}
`;

type Decl = { name: string; type: SolType; dataLocation?: DataLocation };

let shared: ReturnType<typeof build> | undefined;
function setUp() {
  return (shared ??= build());
}

async function build() {
  const compilation = compile(SOURCE);
  const frames = compilation.contract('Frames');
  const chain = await Chain.create();
  const address = await chain.deploy(frames);
  const registry = new TypeRegistry(compilation.output.sources);
  // Parameter and local declarations of each function, typed through the registry from the AST.
  const declarations = new Map<string, Map<string, Decl>>();
  const walk = (node: unknown, fn?: Map<string, Decl>): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, fn));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.nodeType === 'FunctionDefinition') {
      fn = new Map();
      declarations.set(String(n.name), fn);
    }
    if (n.nodeType === 'VariableDeclaration' && fn) {
      fn.set(String(n.name), { name: String(n.name), ...registry.fromVariableDeclaration(n) });
    }
    for (const value of Object.values(n)) walk(value, fn);
  };
  walk(compilation.output.sources['Test.sol']!.ast);
  return { chain, address, abi: frames.abi, declarations };
}

async function stopAtProbe(chain: Chain, address: Address, abi: Abi, functionName: string, args: unknown[]) {
  const data = encodeFunctionData({ abi, functionName, args } as never);
  const result = await chain.call(address, hexToBytes(data), (step) => step.opcode.name === 'LOG1' && step.depth === 0);
  assert.equal(result.reverted, false);
  assert.equal(result.captures.length, 1);
  const storage = await chain.storage(address);
  const ctx: DecodeContext = { view: viewOf(result.captures[0], storage), storageAddress: addressBigInt(address) };
  const returned = decodeFunctionResult({ abi, functionName, data: toHex(result.returnValue) } as never);
  return { ctx, returned };
}

const bag = { id: 9n, name: 'bag name', items: [3n, 4n, 5n], p: { x: -7, y: 8 } };
const plainBag = (b: typeof bag, suffix = '') => ({
  id: String(b.id),
  name: JSON.stringify(b.name + suffix),
  items: b.items.map(String),
  p: { x: String(b.p.x), y: String(b.p.y) },
});

test('calldata parameters: value types, string, dynamic arrays, a struct with dynamic members, bytes, struct arrays', async () => {
  const { chain, address, abi, declarations } = await setUp();
  const args = [5n, 'hey ✓', [1n, 2n], bag, '0xc0ffee', [{ x: 1, y: -2 }, { x: 3, y: 4 }]];
  const { ctx, returned } = await stopAtProbe(chain, address, abi, 'inCalldata', args);
  const decl = declarations.get('inCalldata')!;
  const at = (name: string, index: number, pointsTo?: 'calldata') =>
    decodeValue(name, decl.get(name)!.type, { kind: 'stack', index, pointsTo }, ctx, { hex: false });

  assert.equal(at('a', 2).value, '5');
  assert.equal(at('s', 3, 'calldata').value, JSON.stringify('hey ✓'));
  assert.equal(at('s', 3, 'calldata').type, 'string calldata');
  assert.deepEqual(plain(at('xs', 5, 'calldata')), ['1', '2']);
  assert.deepEqual(plain(at('bag', 7, 'calldata')), plainBag(bag));
  assert.equal(at('raw', 8, 'calldata').value, '0xc0ffee');
  assert.deepEqual(plain(at('pts', 10, 'calldata')), [{ x: '1', y: '-2' }, { x: '3', y: '4' }]);
  // The return variable is still its default when the probe fires; the call then returns the sum.
  assert.equal(at('r', 12).value, '0');
  assert.equal(returned, 5n + 2n + 2n + 9n + 3n + BigInt(Buffer.byteLength('hey ✓')));
});

test('memory locals: a built string, a 10,000-element array paged, a struct copied from calldata, a fixed array of structs', async () => {
  const { chain, address, abi, declarations } = await setUp();
  const { ctx, returned } = await stopAtProbe(chain, address, abi, 'inMemory', ['hey', bag]);
  const decl = declarations.get('inMemory')!;
  const at = (name: string, index: number, pointsTo?: 'calldata' | 'memory') =>
    decodeValue(name, decl.get(name)!.type, { kind: 'stack', index, pointsTo }, ctx, { hex: false });

  const m = at('m', 6, 'memory');
  assert.equal(m.value, JSON.stringify('hey!'));
  assert.equal(m.type, 'string memory');
  assert.match(m.memoryReference ?? '', /^0x[0-9a-f]+$/);

  const big = at('big', 7, 'memory');
  assert.equal(big.children?.indexed, 10000);
  assert.match(big.value, /^\[0, 0, 0, 0, 0, 0, 0, 0, … \(10000 items\)\]$/);
  const tail = big.children!.get('indexed', 9995, 100, { hex: false });
  assert.deepEqual(tail.map((v) => [v.name, v.value]), [['[9995]', '0'], ['[9996]', '0'], ['[9997]', '0'], ['[9998]', '0'], ['[9999]', '7']]);
  assert.equal(tail[4]!.evaluateName, 'big[9999]');

  assert.deepEqual(plain(at('copy', 8, 'memory')), plainBag(bag));
  assert.deepEqual(plain(at('pair', 9, 'memory')), [{ x: '1', y: '-1' }, { x: '2', y: '-2' }]);
  assert.deepEqual(plain(at('bag', 4, 'calldata')), plainBag(bag));
  assert.equal(returned, 7n + 4n + 9n + 2n);
});

test('a storage pointer local shows the storage value it points to', async () => {
  const { chain, address, abi, declarations } = await setUp();
  const { ctx, returned } = await stopAtProbe(chain, address, abi, 'inStorage', []);
  const decl = declarations.get('inStorage')!;
  const b = decodeValue('b', decl.get('b')!.type, { kind: 'stack', index: 4, pointsTo: 'storage' }, ctx, { hex: false });
  assert.equal(b.type, 'Frames.Bag storage');
  const [id, name] = returned as [bigint, string];
  assert.deepEqual(plain(b), { id: String(id), name: JSON.stringify(name), items: ['8'], p: { x: '3', y: '-3' } });
  assert.equal(child(b, 'items').evaluateName, 'b.items');
});

test('what cannot be read truthfully is shown as unavailable with the reason', async () => {
  const { chain, address, abi, declarations } = await setUp();
  const { ctx } = await stopAtProbe(chain, address, abi, 'inMemory', ['x', bag]);
  const type = declarations.get('inMemory')!.get('m')!.type;
  const gone = decodeValue('m', type, { kind: 'stack', index: 500, pointsTo: 'memory' }, ctx, { hex: false });
  assert.equal(gone.hint, 'unavailable');
  assert.equal(gone.value, 'unavailable (not on the stack at this point)');
  const optimized = decodeValue('m', type, { kind: 'unavailable', reason: 'optimized' }, ctx, { hex: false });
  assert.equal(optimized.value, 'unavailable (optimized)');
  // A memory pointer far past msize (garbage) is not dereferenced into a guess.
  const wild = decodeValue('m', type, { kind: 'memory', offset: 1 << 30 }, ctx, { hex: false });
  assert.equal(wild.hint, 'unavailable');
  // An array whose length word would run past msize (0x40 holds the free memory pointer, not a length).
  const big = declarations.get('inMemory')!.get('big')!.type;
  const bogus = decodeValue('big', big, { kind: 'memory', offset: 0x40 }, ctx, { hex: false });
  assert.equal(bogus.value, 'unavailable (length runs past the end of memory)');
});

test('two frames: the caller\'s memory local and the internal callee\'s memory parameters at the same step', async () => {
  const { chain, address, abi, declarations } = await setUp();
  const { ctx, returned } = await stopAtProbe(chain, address, abi, 'outer', [3n]);
  const caller = declarations.get('outer')!;
  const callee = declarations.get('inner')!;
  const at = (decl: Decl, index: number) =>
    decodeValue(decl.name, decl.type, { kind: 'stack', index, pointsTo: decl.dataLocation }, ctx, { hex: false });
  // outer: [selector, return label, n, return value, arr]; inner, called from it: [return label, values, label, total].
  assert.equal(at(caller.get('n')!, 2).value, '3');
  assert.deepEqual(plain(at(caller.get('arr')!, 4)), ['11', '0', '0']);
  assert.deepEqual(plain(at(callee.get('values')!, 6)), ['11', '0', '0']);
  assert.equal(at(callee.get('label')!, 7).value, '"in"');
  assert.equal(at(callee.get('total')!, 8).value, '0');
  assert.equal(returned, 11n + 2n);
});

test('expressions over calldata and memory locals', async () => {
  const { chain, address, abi, declarations } = await setUp();
  const { ctx } = await stopAtProbe(chain, address, abi, 'inMemory', ['hey', bag]);
  const slots: Record<string, number> = { s: 2, bag: 4, m: 6, big: 7, copy: 8, pair: 9 };
  const decl = declarations.get('inMemory')!;
  const env: EvalEnvironment = {
    lookup(name) {
      const d = decl.get(name);
      return d && slots[name] !== undefined ? { type: d.type, location: { kind: 'stack', index: slots[name]!, pointsTo: d.dataLocation } } : undefined;
    },
    global: () => undefined,
  };
  const evaluate = (text: string) => evaluateExpression(text, env, ctx, { hex: false }).value;
  assert.equal(evaluate('copy.items[2] + big[9999]'), '12');
  assert.equal(evaluate('big.length'), '10000');
  assert.equal(evaluate('m == "hey!"'), 'true');
  assert.equal(evaluate('bag.name'), JSON.stringify(bag.name));
  assert.equal(evaluate('int256(bag.items[0]) * bag.p.x'), '-21');
  assert.throws(() => evaluate('bag.items[0] * bag.p.x'), /cannot apply '\*' to uint256 and int32/, 'mixed signedness is a type error, as in solc');
  assert.equal(evaluate('pair[1].y'), '-2');
  assert.equal(evaluate('m.length'), '4');
  assert.throws(() => evaluate('big[10000]'), /index 10000 out of range \(length 10000\)/);
});

test('function pointers on the stack: external as address.selector, internal as a code location', async () => {
  const compilation = compile(`
    pragma solidity ^0.8.28;
    contract F {
        event Probe();
        function target(uint256) external pure returns (uint256) { return 1; }
        function h() internal pure returns (uint256) { return 2; }
        function f() external returns (uint256) {
            function(uint256) external pure returns (uint256) g = this.target;
            function() internal pure returns (uint256) i = h;
            emit Probe();
            return g.selector == bytes4(0) ? 0 : i();
        }
    }`);
  const f = compilation.contract('F');
  const registry = new TypeRegistry(compilation.output.sources);
  const declarations = new Map<string, SolType>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.nodeType === 'VariableDeclaration' && n.name) declarations.set(String(n.name), registry.fromVariableDeclaration(n).type);
    Object.values(n).forEach(walk);
  };
  walk(compilation.output.sources['Test.sol']!.ast);
  const chain = await Chain.create();
  const address = await chain.deploy(f);
  const { ctx } = await stopAtProbe(chain, address, f.abi, 'f', []);
  // [selector, return label, return value, g.address, g.selector, i]
  const g = decodeValue('g', declarations.get('g')!, { kind: 'stack', index: 3 }, ctx, { hex: false });
  const selector = encodeFunctionData({ abi: f.abi, functionName: 'target', args: [0n] }).slice(0, 10);
  assert.equal(g.value, `${getAddress(address.toString())}.${selector}`);
  assert.equal(g.type, 'function (uint256) pure external returns (uint256)');
  const i = decodeValue('i', declarations.get('i')!, { kind: 'stack', index: 5 }, ctx, { hex: false });
  assert.match(i.value, /^internal function @ 0x[0-9a-f]+$/);
});
