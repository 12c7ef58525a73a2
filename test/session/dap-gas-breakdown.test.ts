// The hover breakdown of per-line gas (`chainstep/lineGas`), checked against an independent oracle: the same
// contract compiled here and run in plain @ethereumjs/evm, whose step events are classified by this file's
// own reading of the gas rules: EIP-2929 warm/cold sets kept here (slots and accounts first touched in the
// transaction), EIP-2200 SSTORE cases from each slot's original and current value (read from the state
// manager), memory growth from the Yellow Paper formula over the memory size before each step and before
// the context's next step, log and keccak prices from their operands. Every kind's total and count over
// the call must equal what the lines and the unmapped bucket report (and code deposit, 200 per byte a
// creation returns); each line's items add up to its gas.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { createEVM, type InterpreterStep } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, bigIntToBytes, bytesToBigInt, createAddressFromBigInt, createAddressFromString, setLengthLeft } from '@ethereumjs/util';
import solc from 'solc';
import { encodeDeployData, encodeFunctionData, hexToBytes, type Abi, type Hex } from 'viem';
import type { LineGasEvent } from '../../protocol/gas.ts';
import { AdapterClient, launch, nextEvent } from './dap-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'test/evm/contracts/GasKinds.sol');
const ACCOUNT0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const FRESH = '0x1111111111111111111111111111111111111111';
const VALUE = 10n;

const words = (bytes: bigint): bigint => (bytes + 31n) / 32n;
const memoryCost = (w: bigint): bigint => 3n * w + (w * w) / 512n;

/** Gas by kind over the debugged call, classified from the independent run's step events. */
async function oracle(): Promise<Map<string, { count: number; gas: number }>> {
  const input = {
    language: 'Solidity',
    sources: { 'GasKinds.sol': { content: readFileSync(file, 'utf8') } },
    settings: { optimizer: { enabled: false, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as { contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>> };
  const compiled = output.contracts['GasKinds.sol']!['GasKinds']!;
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const evm = await createEVM({ common, stateManager: new SimpleStateManager() });
  const sender = createAddressFromString(ACCOUNT0);
  await evm.stateManager.putAccount(sender, new Account(0n, 10n ** 22n));
  const deployed = await evm.runCall({ caller: sender, origin: sender, data: hexToBytes(encodeDeployData({ abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` as Hex })), gasLimit: 30_000_000n, gasPrice: 0n });
  assert.equal(deployed.execResult.exceptionError, undefined);
  const target = deployed.createdAddress!;

  interface Seen { name: string; depth: number; words: bigint; stack: bigint[]; parts: [string, bigint][] }
  const steps: Seen[] = [];
  // EIP-2929: warm at the start of a transaction are the sender, the recipient, the coinbase and the precompiles.
  const warmAccounts = new Set([ACCOUNT0, target.toString(), '0x0000000000000000000000000000000000000000']);
  for (let i = 1; i <= 0x11; i++) warmAccounts.add(createAddressFromBigInt(BigInt(i)).toString());
  const warmSlots = new Set<string>();
  const original = new Map<string, bigint>();
  const accountAccess = (address: string): [string, bigint] => {
    const cold = !warmAccounts.has(address);
    warmAccounts.add(address);
    return [cold ? 'cold' : 'warm', cold ? 2600n : 100n];
  };
  evm.events!.on('step', async (s: InterpreterStep, resolve?: (r?: unknown) => void) => {
    const name = s.opcode.name;
    const stack = [...s.stack].reverse(); // top first
    const parts: [string, bigint][] = [];
    const here = s.address.toString();
    if (name === 'SLOAD' || name === 'SSTORE') {
      const key = `${here}:${stack[0]}`;
      const current = bytesToBigInt(await s.stateManager.getStorage(s.address, setLengthLeft(bigIntToBytes(stack[0]!), 32)));
      if (!original.has(key)) original.set(key, current);
      const cold = !warmSlots.has(key);
      warmSlots.add(key);
      if (name === 'SLOAD') parts.push([`storage read (${cold ? 'cold' : 'warm'})`, cold ? 2100n : 100n]);
      else {
        const next = stack[1]!, first = original.get(key)!;
        const [what, base] = next === current ? ['no-op or slot already written', 100n]
          : first !== current ? ['no-op or slot already written', 100n]
            : first === 0n ? ['set from zero', 20000n] : ['update', 2900n];
        parts.push([`storage write (${cold ? 'cold' : 'warm'}, ${what})`, base + (cold ? 2100n : 0n)]);
      }
    } else if (name === 'CALL' || name === 'CALLCODE' || name === 'DELEGATECALL' || name === 'STATICCALL') {
      const callee = createAddressFromBigInt(stack[1]!);
      const [temperature, access] = accountAccess(callee.toString());
      parts.push([`call: account access (${temperature})`, access]);
      const value = name === 'CALL' || name === 'CALLCODE' ? stack[2]! : 0n;
      if (value > 0n) {
        parts.push(['call: value transfer (9,000 less the 2,300 stipend)', 6700n]);
        const account = await s.stateManager.getAccount(callee);
        if (name === 'CALL' && (account === undefined || account.isEmpty())) parts.push(['call: new account', 25000n]);
      }
    } else if (name === 'EXTCODESIZE' || name === 'EXTCODEHASH' || name === 'BALANCE') {
      const [temperature, access] = accountAccess(createAddressFromBigInt(stack[0]!).toString());
      parts.push([`account read (${temperature})`, access]);
    } else if (name.startsWith('LOG')) {
      parts.push(['event log', 375n + 375n * BigInt(Number(name.slice(3))) + 8n * stack[1]!]);
    } else if (name === 'KECCAK256') {
      parts.push(['keccak256', 30n + 6n * words(stack[1]!)]);
    }
    steps.push({ name, depth: s.depth, words: s.memoryWordCount, stack, parts });
    resolve?.();
  });
  const call = await evm.runCall({
    caller: sender, origin: sender, to: target, value: VALUE, gasLimit: 30_000_000n, gasPrice: 0n,
    data: hexToBytes(encodeFunctionData({ abi: compiled.abi, functionName: 'work', args: [FRESH] })),
  });
  assert.equal(call.execResult.exceptionError, undefined);

  // Memory growth: the size before the context's next step (after a callee returned), or for a context's
  // last step what RETURN/REVERT needed to cover its output.
  const after = new Array<bigint | undefined>(steps.length);
  const pending: (number | undefined)[] = [];
  steps.forEach((s, i) => {
    const before = pending[s.depth];
    if (before !== undefined) after[before] = s.words;
    pending[s.depth] = i;
    pending.length = s.depth + 1;
  });
  const totals = new Map<string, { count: number; gas: number }>();
  const add = (label: string, gas: bigint): void => {
    const t = totals.get(label) ?? { count: 0, gas: 0 };
    totals.set(label, { count: t.count + 1, gas: t.gas + Number(gas) });
  };
  // A creation's RETURN pays 200 gas per byte of the code it deposits (its context began after a CREATE).
  const creating: boolean[] = [];
  steps.forEach((s, i) => {
    creating.length = s.depth + 1;
    if (i > 0 && s.depth > steps[i - 1]!.depth) creating[s.depth] = steps[i - 1]!.name.startsWith('CREATE');
    if (s.name === 'RETURN' && creating[s.depth]) add('code deposit (200 per byte)', 200n * s.stack[1]!);
    let end = after[i];
    if (end === undefined) {
      const len = s.name === 'RETURN' || s.name === 'REVERT' ? s.stack[1]! : 0n;
      end = len > 0n ? (words(s.stack[0]! + len) > s.words ? words(s.stack[0]! + len) : s.words) : s.words;
    }
    if (end > s.words) add('memory growth', memoryCost(end) - memoryCost(s.words));
    for (const [label, gas] of s.parts) add(label, gas);
  });
  return totals;
}

test('the hover breakdown of each line agrees with an independent EVM run: storage cold/warm and SSTORE cases, calls, memory growth, logs, keccak', async () => {
  const expected = await oracle();
  const dc = new AdapterClient();
  let report: LineGasEvent;
  try {
    const event = nextEvent(dc, 'chainstep/lineGas');
    await launch(dc, { type: 'chainstep', request: 'launch', program: file, contract: 'GasKinds', function: 'work', args: [FRESH], value: String(VALUE), noDebug: true });
    report = ((await event) as DebugProtocol.Event).body as LineGasEvent;
  } finally {
    await dc.stop();
  }
  // What the lines and the unmapped bucket say, by kind, over the whole call.
  const shown = new Map<string, { count: number; gas: number }>();
  for (const item of [...report.lines.flatMap((l) => l.breakdown), ...report.unmappedBreakdown]) {
    const t = shown.get(item.label) ?? { count: 0, gas: 0 };
    shown.set(item.label, { count: t.count + item.count, gas: t.gas + item.gas });
  }
  const checked = [...expected.keys()].sort();
  assert.ok(checked.includes('memory growth') && checked.includes('call: new account') && checked.includes('storage write (warm, update)') && checked.includes('code deposit (200 per byte)'), checked.join(', '));
  for (const label of checked) assert.deepEqual(shown.get(label), expected.get(label), `"${label}" over the call`);
  // Nothing the oracle classifies is shown under another name (the rest is "instructions", copies, creation).
  const unexplained = [...shown.keys()].filter((l) => !expected.has(l) && !['instructions', 'memory copy', 'contract creation'].includes(l));
  assert.deepEqual(unexplained, []);

  // Every line's items add up to its gas; the lines and the bucket add up to the call's gas.
  for (const l of report.lines) assert.equal(l.breakdown.reduce((s, b) => s + b.gas, 0), l.gas, `line ${l.line}`);
  assert.equal(report.unmappedBreakdown.reduce((s, b) => s + b.gas, 0), report.unmapped);
  assert.equal(report.lines.reduce((s, l) => s + l.gas, 0) + report.unmapped, report.gasUsed);

  // And on the lines a user hovers: each statement's own storage and call costs.
  const text = readFileSync(file, 'utf8').split('\n');
  const on = (code: string, occurrence = 0): Map<string, number> => {
    const line = text.map((t, i) => (t.includes(code) ? i + 1 : -1)).filter((i) => i > 0)[occurrence]!;
    const found = report.lines.find((l) => l.path === file && l.line === line);
    assert.ok(found, `${code} ran`);
    return new Map(found.breakdown.map((b) => [b.label, b.gas]));
  };
  assert.equal(on('uint256 x = b;').get('storage read (cold)'), 2100);
  assert.equal(on('x += b;').get('storage read (warm)'), 100);
  assert.equal(on('a = x;').get('storage write (cold, set from zero)'), 22_100);
  assert.equal(on('b = x + 1;').get('storage write (warm, update)'), 2900);
  assert.equal(on('a = x;', 1).get('storage write (warm, no-op or slot already written)'), 100);
  assert.ok((on('new bytes(1000)').get('memory growth') ?? 0) > 0);
  const transfer = on('payable(fresh).transfer(1);');
  assert.equal(transfer.get('call: account access (cold)'), 2600);
  assert.equal(transfer.get('call: new account'), 25_000);
  assert.equal(transfer.get('call: value transfer (9,000 less the 2,300 stipend)'), 6700);
  // The first call to the sink: its code size was read first (cold), so the CALL itself is warm.
  const first = on('sink.hit{value: 1}();');
  assert.equal(first.get('account read (cold)'), 2600);
  assert.equal(first.get('call: account access (warm)'), 100);
});
