// The independent oracle of the issue-7 tests: the same deployment, set-up calls and debugged call run in
// plain @ethereumjs/evm from a compiler output read here (no Chainstep code involved), recording every step
// of the debugged call (pc, gas left, depth, address) and every SSTORE, so the storage of any moment can be
// rebuilt; the call's events and public getters afterwards. `expectedState` decodes a contract's state from
// that storage with solc's storageLayout, by Solidity's documented layout rules (written here again, on
// purpose, rather than borrowed from the decoder under test).

import { createEVM, type InterpreterStep } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, bytesToHex, createAddressFromString, type Address } from '@ethereumjs/util';
import {
  decodeEventLog, decodeFunctionResult, encodeAbiParameters, encodeDeployData, encodeFunctionData, getAddress, hexToBytes, keccak256,
  type Abi, type Hex,
} from 'viem';

/** Hardhat/Anvil development accounts 0 and 1: what the adapter's `from: 0` / `from: 1` are. */
export const ACCOUNT0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
export const ACCOUNT1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

export interface CompiledForReference {
  readonly abi: Abi;
  readonly bytecode: Hex;
  readonly storageLayout?: StorageLayout;
}

export interface StorageLayout {
  readonly storage: readonly { label: string; slot: string; offset: number; type: string }[];
  readonly types: Record<string, { encoding: string; label: string; numberOfBytes: string; key?: string; value?: string; base?: string; members?: StorageLayout['storage'] }> | null;
}

export interface Call {
  readonly function: string;
  readonly args?: readonly unknown[];
  readonly from?: string;
}

export interface ReferenceRun {
  readonly address: string;
  /** Events of the debugged call, decoded with `abis` (the first that decodes each). */
  readonly events: { eventName: string; args: Record<string, unknown> }[];
  /** A view function called after the debugged call. */
  read(functionName: string, args?: readonly unknown[]): Promise<unknown>;
  /**
   * Storage of the contract before the next step (after the one matched last) at `pc` and `depth`: stops
   * visited in step order (stepping in) are matched one after the other. Undefined when there is none.
   */
  storageBefore(at: { pc: number; depth: number }): ((address: string, slot: bigint) => bigint) | undefined;
}

interface Step {
  readonly pc: number;
  readonly depth: number;
}

/** Deploys `contract` from account 0 with `constructorArgs`, runs `setup`, then `call` (recorded). */
export async function referenceRun(
  contract: CompiledForReference,
  options: { constructorArgs?: readonly unknown[]; setup?: readonly Call[]; call: Call; abis?: readonly Abi[] },
): Promise<ReferenceRun> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const evm = await createEVM({ common, stateManager: new SimpleStateManager() });
  for (const a of [ACCOUNT0, ACCOUNT1]) await evm.stateManager.putAccount(createAddressFromString(a), new Account(0n, 10n ** 22n));
  // Every SSTORE, in order: (step of the debugged call or -1 before it, address, slot, value).
  const writes: { step: number; address: string; slot: bigint; value: bigint }[] = [];
  const steps: Step[] = [];
  let recording = false;
  evm.events!.on('step', (s: InterpreterStep, resolve?: (r?: unknown) => void) => {
    if (recording) steps.push({ pc: s.pc, depth: s.depth });
    if (s.opcode.name === 'SSTORE') {
      writes.push({ step: recording ? steps.length - 1 : -1, address: s.address.toString(), slot: s.stack[s.stack.length - 1]!, value: s.stack[s.stack.length - 2]! });
    }
    resolve?.();
  });
  const run = (from: string, to: Address | undefined, data: Hex) => {
    const sender = createAddressFromString(from);
    return evm.runCall({ caller: sender, origin: sender, to, data: hexToBytes(data), gasLimit: 30_000_000n, gasPrice: 0n, block: BLOCK });
  };
  const deployed = await run(ACCOUNT0, undefined, encodeDeployData({ abi: contract.abi, bytecode: contract.bytecode, args: [...(options.constructorArgs ?? [])] } as never));
  if (deployed.execResult.exceptionError) throw new Error(`deployment failed: ${deployed.execResult.exceptionError.error}`);
  const address = deployed.createdAddress!;
  const call = (c: Call) => run(c.from ?? ACCOUNT0, address, encodeFunctionData({ abi: contract.abi, functionName: c.function, args: [...(c.args ?? [])] } as never));
  for (const s of options.setup ?? []) {
    const r = await call(s);
    if (r.execResult.exceptionError) throw new Error(`setup ${s.function} failed`);
  }
  recording = true;
  const result = await call(options.call);
  recording = false;
  if (result.execResult.exceptionError) throw new Error(`${options.call.function} failed: ${result.execResult.exceptionError.error}`);
  const abis = [contract.abi, ...(options.abis ?? [])];
  const events = (result.execResult.logs ?? []).map(([, topics, data]) => {
    for (const abi of abis) {
      try {
        const decoded = decodeEventLog({ abi, topics: topics.map((t) => bytesToHex(t)) as [Hex, ...Hex[]], data: bytesToHex(data) as Hex });
        return { eventName: String(decoded.eventName), args: decoded.args as unknown as Record<string, unknown> };
      } catch {
        // another contract's event
      }
    }
    return { eventName: '?', args: {} };
  });
  let cursor = 0;
  return {
    address: address.toString(),
    events,
    async read(functionName, args = []) {
      const r = await run(ACCOUNT0, address, encodeFunctionData({ abi: contract.abi, functionName, args: [...args] } as never));
      return decodeFunctionResult({ abi: contract.abi, functionName, data: bytesToHex(r.execResult.returnValue) as Hex } as never);
    },
    storageBefore(at) {
      let i = cursor;
      while (i < steps.length && (steps[i]!.pc !== at.pc || steps[i]!.depth !== at.depth)) i++;
      if (i === steps.length) return undefined;
      cursor = i;
      const storage = new Map<string, bigint>();
      for (const w of writes) if (w.step < i) storage.set(`${w.address}:${w.slot}`, w.value);
      return (address, slot) => storage.get(`${address.toLowerCase()}:${slot}`) ?? 0n;
    },
  };
}

/** The block the adapter runs every call in (number 1, timestamp 1,700,000,000, coinbase zero). */
const BLOCK = {
  header: {
    number: 1n, coinbase: createAddressFromString('0x0000000000000000000000000000000000000000'), timestamp: 1_700_000_000n, difficulty: 0n,
    prevRandao: new Uint8Array(32), gasLimit: 30_000_000n, getBlobGasPrice: () => undefined,
  },
} as never;

// ---- State from storage, by the layout rules of the Solidity documentation ----

const word = (slot: bigint): Hex => `0x${slot.toString(16).padStart(64, '0')}`;

function bytesOf(storage: (slot: bigint) => bigint, slot: bigint, offset: number, size: number): bigint {
  return (storage(slot) >> BigInt(8 * offset)) & ((1n << BigInt(8 * size)) - 1n);
}

/** A value type's text as the debugger shows it (decimal numbers, checksummed addresses, hex bytes). */
function valueText(label: string, raw: bigint, size: number): string {
  if (label === 'bool') return raw === 0n ? 'false' : 'true';
  if (label.startsWith('address') || label.startsWith('contract ')) return getAddress(word(raw).slice(-40).padStart(40, '0').replace(/^/, '0x'));
  if (/^bytes\d+$/.test(label)) return `0x${raw.toString(16).padStart(size * 2, '0')}`;
  if (/^int\d+$/.test(label)) return String(BigInt.asIntN(size * 8, raw));
  return String(raw);
}

/**
 * The expected tree of a state variable (as `expand` in the DAP helpers renders the debugger's): value types
 * as text, structs as objects, dynamic arrays as arrays, mappings as `{ "[key]": value }` for the keys the
 * debugger listed (`shown`: its own tree, whose mapping keys are looked up here), short strings as `"text"`.
 */
export function expectedState(layout: StorageLayout, storage: (slot: bigint) => bigint, label: string, shown: unknown): unknown {
  const entry = layout.storage.find((e) => e.label === label);
  if (!entry) throw new Error(`no state variable ${label}`);
  return decodeAt(layout, storage, entry.type, BigInt(entry.slot), entry.offset, label, shown);
}

function decodeAt(layout: StorageLayout, storage: (slot: bigint) => bigint, typeKey: string, slot: bigint, offset: number, path: string, shown: unknown): unknown {
  const type = layout.types![typeKey]!;
  const size = Number(type.numberOfBytes);
  switch (type.encoding) {
    case 'inplace':
      if (type.members) {
        const out: Record<string, unknown> = {};
        for (const m of type.members) out[m.label] = decodeAt(layout, storage, m.type, slot + BigInt(m.slot), m.offset, `${path}.${m.label}`, (shown as Record<string, unknown> | undefined)?.[m.label]);
        return out;
      }
      return valueText(type.label.replace(/^enum .*/, 'uint8'), bytesOf(storage, slot, offset, size), size);
    case 'bytes': {
      const w = storage(slot);
      if (w & 1n) throw new Error(`${path}: long strings are not decoded by this oracle`);
      const length = Number(w & 0xffn) / 2;
      const bytes = hexToBytes(word(w)).subarray(0, length);
      return JSON.stringify(new TextDecoder().decode(bytes));
    }
    case 'dynamic_array': {
      const length = Number(storage(slot));
      if (length === 0) return '[]'; // nothing to expand: the debugger shows the text alone
      const base = layout.types![type.base!]!;
      const perSlot = Math.floor(32 / Number(base.numberOfBytes));
      const start = BigInt(keccak256(word(slot)));
      const out: unknown[] = [];
      for (let i = 0; i < length; i++) {
        out.push(decodeAt(layout, storage, type.base!, start + BigInt(Math.floor(i / perSlot)), (i % perSlot) * Number(base.numberOfBytes), `${path}[${i}]`, (shown as unknown[] | undefined)?.[i]));
      }
      return out;
    }
    case 'mapping': {
      // No key seen: the debugger shows the text alone (nothing to expand).
      if (typeof shown === 'string') return 'mapping (0 keys seen)';
      const out: Record<string, unknown> = {};
      const keyLabel = layout.types![type.key!]!.label;
      for (const name of Object.keys((shown as Record<string, unknown> | undefined) ?? {})) {
        const key = name.slice(1, -1);
        const encoded = keyLabel === 'string' || keyLabel === 'bytes'
          ? new TextEncoder().encode(JSON.parse(key) as string)
          : hexToBytes(encodeAbiParameters([{ type: keyLabel.replace(/^contract .*/, 'address') }], [keyLabel.startsWith('uint') || keyLabel.startsWith('int') ? BigInt(key) : key]));
        const preimage = new Uint8Array(encoded.length + 32);
        preimage.set(encoded);
        preimage.set(hexToBytes(word(slot)), encoded.length);
        out[name] = decodeAt(layout, storage, type.value!, BigInt(keccak256(preimage)), 0, `${path}${name}`, (shown as Record<string, unknown>)[name]);
      }
      return out;
    }
  }
  throw new Error(`${path}: encoding ${type.encoding}`);
}
