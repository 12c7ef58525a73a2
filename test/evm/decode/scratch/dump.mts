// Contract state decoded from solc's storageLayout, checked against what the contract's own getters
// return (ABI-decoded by viem) and against storage read back from the EVM after the calls.


import assert from 'node:assert/strict';
import { hexToBytes } from '@ethereumjs/util';
import { encodeFunctionData, getAddress } from 'viem';
import {
  TypeRegistry,
  decodeStateVariables,
  stateVariablesFromLayout,
  type SolcStorageLayout,
  type DecodeContext,
} from '../../../../debug-adapter/evm/decode/index.ts';
import { Chain, SENDER, addressBigInt, compile, viewOf } from '../harness.ts';
import { child, plain, plainChildren } from '../tree.ts';

const SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

type Price is uint128;

contract Store {
    enum Color { Red, Green, Blue }
    struct Point { int32 x; int32 y; }
    struct Order { uint64 id; address owner; bool filled; Point at; uint256[] fills; string note; }
    event Probe();

    uint8 public small = 7;
    int16 public negative = -300;
    bool public flag = true;
    address public owner;
    bytes4 public tag = 0xdeadbeef;
    Color public color = Color.Blue;
    Price public price = Price.wrap(12345);
    uint256 public big = type(uint256).max;
    int256 public minInt = type(int256).min;
    bytes32 public hash = keccak256("x");
    string public shortText = "hello";
    string public longText = "this string is longer than thirty-one bytes, so it lives at keccak(slot)";
    string public unicodeText = unicode"héllo \\"quoted\\"\\n✓";
    bytes public blob = hex"00ff10";
    bytes public emptyBlob;
    uint256[] public numbers;
    uint8[] public packed;
    uint16[3] public triple = [1, 2, 3];
    Point[2] public corners;
    Order public order;
    Order[] public orders;
    mapping(address => uint256) public balances;
    mapping(address => mapping(address => uint256)) public allowance;
    mapping(string => uint256) public byName;
    mapping(uint256 => Point) public points;
    Store public self;
    uint256 transient lock;
    address transient lastCaller;

    function fill() external {
        owner = msg.sender;
        numbers.push(10); numbers.push(20); numbers.push(30);
        for (uint8 i = 0; i < 40; i++) packed.push(i * 3);
        corners[1] = Point(-5, 6);
        order.id = 77; order.owner = msg.sender; order.filled = true; order.at = Point(-1, 1);
        order.fills.push(5); order.fills.push(6);
        order.note = "a note that is long enough to need more than a single storage slot";
        orders.push();
        orders[0].id = 1; orders[0].note = "first";
        orders.push();
        orders[1].id = 2; orders[1].owner = address(0xBEEF); orders[1].fills.push(9);
        balances[msg.sender] = 100;
        balances[address(0xBEEF)] = 5;
        allowance[msg.sender][address(0xBEEF)] = 42;
        allowance[address(0xBEEF)][msg.sender] = 1;
        byName["alice"] = 1;
        byName["a key that is longer than thirty-two bytes, for sure"] = 2;
        points[3] = Point(-1, 2);
        self = this;
        lock = 99;
        lastCaller = msg.sender;
        emit Probe();
    }

    function getNumbers() external view returns (uint256[] memory) { return numbers; }
    function getPacked() external view returns (uint8[] memory) { return packed; }
    function getTriple() external view returns (uint16[3] memory) { return triple; }
    function getOrder() external view returns (Order memory) { return order; }
    function getOrders() external view returns (Order[] memory) { return orders; }
    function getCorners() external view returns (Point[2] memory) { return corners; }
    function getPrice() external view returns (uint128) { return Price.unwrap(price); }
}
`;

let shared: ReturnType<typeof build> | undefined;
/** Compile, deploy and fill once; every test reads the same recorded state. */
function setUp() {
  return (shared ??= build());
}

async function build() {
  const compilation = compile(SOURCE);
  const store = compilation.contract('Store');
  const chain = await Chain.create();
  const address = await chain.deploy(store);
  const fill = encodeFunctionData({ abi: store.abi, functionName: 'fill' });
  const probe = await chain.call(address, hexToBytes(fill), (step) => step.opcode.name === 'LOG1' && step.depth === 0);
  assert.equal(probe.reverted, false);
  const registry = new TypeRegistry(compilation.output.sources);
  const storage = await chain.storage(address);
  const ctx: DecodeContext = { view: viewOf(probe.captures[0], storage, chain.preimages), storageAddress: addressBigInt(address) };
  const state = decodeStateVariables(
    stateVariablesFromLayout(store.storageLayout as SolcStorageLayout, registry),
    ctx,
  );
  const variables = new Map(state.get(undefined, 0, state.named, { hex: false }).map((v) => [v.name, v]));
  return { chain, address, store, registry, ctx, variables, storage };
}


const { variables } = await setUp();
for (const [n, v] of variables) console.log(n, '=', v.value, '|', v.type, JSON.stringify(plain(v)).slice(0, 300));
