// Failure reasons decoded from the revert data of real failing calls, and a fuzz of the decoder with
// random and mutated revert data (fixed seed): it always answers, never throws.

import test from 'node:test';
import assert from 'node:assert/strict';
import { hexToBytes } from '@ethereumjs/util';
import { encodeFunctionData, type Abi } from 'viem';
import { decodeRevert, panicMeaning } from '../../../debug-adapter/evm/decode/index.ts';
import { Chain, compile } from './harness.ts';
import { Random } from './random.ts';

const SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

error Unauthorized(address caller, string why);

contract Vault {
    enum Mode { Open, Closed }
    error InsufficientBalance(uint256 requested, uint256 available);
    error Nameless(uint256, bool);
    mapping(address => uint256) balances;
    uint256[] items;

    function withdraw(uint256 amount) external {
        uint256 available = balances[msg.sender] + 5;
        if (amount > available) revert InsufficientBalance({requested: amount, available: available});
    }
    function onlyOwner() external pure { require(false, "not owner: \\"quoted\\""); }
    function overflow(uint8 x) external pure returns (uint8) { return x + 1; }
    function divide(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
    function outOfBounds(uint256 i) external view returns (uint256) { return items[i]; }
    function assertion() external pure { assert(false); }
    function toMode(uint256 m) external pure returns (Mode) { return Mode(m); }
    function popEmpty() external { items.pop(); }
    function bare() external pure { revert(); }
    function nameless() external pure { revert Nameless(3, true); }
    function unknownData() external pure {
        assembly { mstore(0, 0x1234567800000000000000000000000000000000000000000000000000000000) revert(0, 6) }
    }
    function viaOther(Guard g) external view { g.check(); }
}

contract Guard {
    function check() external view { revert Unauthorized(msg.sender, "guarded"); }
}
`;

let shared: ReturnType<typeof build> | undefined;
function setUp() {
  return (shared ??= build());
}

async function build() {
  const compilation = compile(SOURCE);
  const vault = compilation.contract('Vault');
  const guard = compilation.contract('Guard');
  const chain = await Chain.create();
  const vaultAddress = await chain.deploy(vault);
  const guardAddress = await chain.deploy(guard);
  const abis = [vault.abi, guard.abi];
  const fail = async (functionName: string, args: unknown[] = []) => {
    const data = encodeFunctionData({ abi: vault.abi, functionName, args } as never);
    const result = await chain.call(vaultAddress, hexToBytes(data));
    assert.equal(result.reverted, true, `${functionName} reverts`);
    return decodeRevert(result.returnValue, abis);
  };
  return { fail, guardAddress, abis };
}

test('require with a message decodes as Error(string)', async () => {
  const { fail } = await setUp();
  const reason = await fail('onlyOwner');
  assert.equal(reason.kind, 'error');
  assert.equal(reason.message, 'not owner: "quoted"');
  assert.equal(reason.summary, 'Error("not owner: \\"quoted\\"")');
});

test('a custom error shows its name and named arguments', async () => {
  const { fail } = await setUp();
  const reason = await fail('withdraw', [100n]);
  assert.equal(reason.kind, 'custom');
  assert.equal(reason.summary, 'InsufficientBalance(requested: 100, available: 5)');
  assert.deepEqual(reason.args, [
    { name: 'requested', value: '100' },
    { name: 'available', value: '5' },
  ]);
  const nameless = await fail('nameless');
  assert.equal(nameless.summary, 'Nameless(arg0: 3, arg1: true)');
});

test('a custom error raised by another contract is found in its ABI', async () => {
  const { fail, guardAddress } = await setUp();
  const reason = await fail('viaOther', [guardAddress.toString()]);
  assert.equal(reason.errorName, 'Unauthorized');
  assert.match(reason.summary, /^Unauthorized\(caller: 0x[0-9a-fA-F]{40}, why: "guarded"\)$/);
});

test('panics decode with their meaning', async () => {
  const { fail } = await setUp();
  const cases: [string, unknown[], string][] = [
    ['overflow', [255], 'Panic(0x11): arithmetic overflow or underflow'],
    ['divide', [1n, 0n], 'Panic(0x12): division or modulo by zero'],
    ['outOfBounds', [3n], 'Panic(0x32): array index out of bounds'],
    ['assertion', [], 'Panic(0x01): assertion failed'],
    ['toMode', [7n], 'Panic(0x21): invalid enum value (conversion out of range)'],
    ['popEmpty', [], 'Panic(0x31): pop() on an empty array'],
  ];
  for (const [fn, args, summary] of cases) {
    const reason = await fail(fn, args);
    assert.equal(reason.kind, 'panic', fn);
    assert.equal(reason.summary, summary, fn);
  }
  assert.equal(panicMeaning(0x41n), 'too much memory allocated (or array too large)');
  assert.equal(panicMeaning(0x51n), 'call to a zero-initialized internal function variable');
  assert.equal(panicMeaning(0x99n), 'unknown panic code');
});

test('no data and unknown data are reported as such', async () => {
  const { fail } = await setUp();
  assert.deepEqual(await fail('bare'), { kind: 'empty', summary: 'reverted without a reason', data: '0x' });
  const raw = await fail('unknownData');
  assert.equal(raw.kind, 'raw');
  assert.equal(raw.summary, 'reverted with data 0x123456780000');
});

test('an Error(string) whose message is not UTF-8 is shown as raw data, not with replacement characters', () => {
  const data = hexToBytes(
    `0x08c379a0${'20'.padStart(64, '0')}${'02'.padStart(64, '0')}${'fffe'.padEnd(64, '0')}`,
  );
  const reason = decodeRevert(data, []);
  assert.equal(reason.kind, 'raw');
  assert.match(reason.summary, /^reverted with data 0x08c379a0/);
});

test('fuzz: random and mutated revert data never throws and always gives a summary', async () => {
  const { abis } = await setUp();
  const random = new Random(0xdec0de);
  const seeds = [
    '0x08c379a0' + '20'.padStart(64, '0') + '05'.padStart(64, '0') + Buffer.from('hello').toString('hex').padEnd(64, '0'),
    '0x4e487b71' + '11'.padStart(64, '0'),
    // InsufficientBalance(100, 5)
    '0xcf479181' + '64'.padStart(64, '0') + '05'.padStart(64, '0'),
  ].map((hex) => hexToBytes(hex as `0x${string}`));
  for (let i = 0; i < 3000; i++) {
    let data: Uint8Array;
    if (i % 3 === 0) {
      data = random.bytes(random.int(0, 200));
    } else {
      data = random.mutate(seeds[i % seeds.length]!);
    }
    const reason = decodeRevert(data, abis as Abi[]);
    assert.equal(typeof reason.summary, 'string');
    assert.ok(reason.summary.length > 0);
  }
});
