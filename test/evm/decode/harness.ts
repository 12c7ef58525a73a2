// Test harness for the decoders: compile Solidity with solc-js, run it in @ethereumjs/evm directly (no
// recorder), and capture the state a decoder reads (stack, memory, calldata, storage, transient storage,
// KECCAK256 inputs) at chosen steps. Storage is read back from the EVM's state manager, independently of
// anything the decoders compute.

import solc from 'solc';
import { createEVM, type EVM, type InterpreterStep } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { Account, Address, bytesToBigInt, createAddressFromString, hexToBytes, setLengthLeft, bigIntToBytes } from '@ethereumjs/util';
import { decodeFunctionResult, encodeFunctionData, type Abi } from 'viem';
import type { EvmStateView, KeccakPreimage } from '../../../debug-adapter/evm/decode/index.ts';
import { keccakWord } from '../../../debug-adapter/evm/decode/layout.ts';

export interface CompiledContract {
  readonly abi: Abi;
  readonly bytecode: Uint8Array;
  readonly storageLayout: unknown;
  readonly transientStorageLayout: unknown;
}

export interface Compilation {
  readonly output: { sources: Record<string, { ast: unknown }>; contracts: Record<string, Record<string, unknown>> };
  contract(name: string): CompiledContract;
}

/** Compile one source with legacy codegen, no optimizer (the default a user debugs). */
export function compile(source: string, file = 'Test.sol'): Compilation {
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: source } },
    settings: {
      evmVersion: 'prague',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'storageLayout', 'transientStorageLayout'], '': ['ast'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n'));
  return {
    output,
    contract(name: string) {
      const c = output.contracts[file][name];
      return {
        abi: c.abi,
        bytecode: hexToBytes(`0x${c.evm.bytecode.object}`),
        storageLayout: c.storageLayout,
        transientStorageLayout: c.transientStorageLayout,
      };
    },
  };
}

export const SENDER = createAddressFromString('0x1000000000000000000000000000000000000001');

/** What a step listener saw at one instruction. */
export interface Capture {
  readonly pc: number;
  readonly opcode: string;
  readonly depth: number;
  readonly stack: bigint[];
  readonly memory: Uint8Array;
  readonly calldata: Uint8Array;
  readonly address: bigint;
  readonly transient: Map<string, bigint>;
  readonly preimages: KeccakPreimage[];
}

export class Chain {
  private constructor(readonly evm: EVM) {}

  static async create(): Promise<Chain> {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    const evm = await createEVM({ common });
    await evm.stateManager.putAccount(SENDER, new Account(0n, 10n ** 24n));
    return new Chain(evm);
  }

  readonly preimages: KeccakPreimage[] = [];
  readonly writtenSlots = new Map<string, Set<bigint>>();

  async deploy(contract: CompiledContract, constructorData: Uint8Array = new Uint8Array()): Promise<Address> {
    const data = new Uint8Array(contract.bytecode.length + constructorData.length);
    data.set(contract.bytecode);
    data.set(constructorData, contract.bytecode.length);
    const result = await this.run({ data, gasLimit: 30_000_000n });
    if (result.execResult.exceptionError || !result.createdAddress) {
      throw new Error(`deploy failed: ${result.execResult.exceptionError?.error}`);
    }
    return result.createdAddress;
  }

  /**
   * Call `to` with `data`, recording KECCAK256 inputs and SSTORE slots. `capture(step)` decides which steps to
   * snapshot (the frame's calldata is known only for depth 0 here, which is where tests capture).
   */
  async call(
    to: Address,
    data: Uint8Array,
    capture?: (step: InterpreterStep) => boolean,
    value = 0n,
  ): Promise<{ returnValue: Uint8Array; reverted: boolean; captures: Capture[] }> {
    const captures: Capture[] = [];
    const result = await this.run({ to, data, value, gasLimit: 30_000_000n }, (step) => {
      if (capture?.(step)) {
        const transient = new Map<string, bigint>();
        for (const [address, slots] of Object.entries(this.evm.transientStorage.toJSON())) {
          for (const [key, v] of Object.entries(slots)) transient.set(`${BigInt(address)}:${BigInt(key)}`, BigInt(v));
        }
        captures.push({
          pc: step.pc,
          opcode: step.opcode.name,
          depth: step.depth,
          stack: [...step.stack],
          memory: step.memory.slice(),
          calldata: data,
          address: bytesToBigInt(step.address.bytes),
          transient,
          preimages: [...this.preimages],
        });
      }
    });
    return {
      returnValue: result.execResult.returnValue,
      reverted: result.execResult.exceptionError !== undefined,
      captures,
    };
  }

  private async run(
    opts: { to?: Address; data: Uint8Array; value?: bigint; gasLimit: bigint },
    onStep?: (step: InterpreterStep) => void,
  ) {
    const listener = (step: InterpreterStep, resolve?: (result?: unknown) => void) => {
      if (step.opcode.name === 'KECCAK256' || step.opcode.name === 'SHA3') {
        const [length, offset] = [step.stack[step.stack.length - 2]!, step.stack[step.stack.length - 1]!];
        const preimage = step.memory.slice(Number(offset), Number(offset + length));
        const padded = new Uint8Array(Number(length));
        padded.set(preimage);
        this.preimages.push({ hash: keccakWord(padded), preimage: padded });
      }
      if (step.opcode.name === 'SSTORE') {
        const key = step.address.toString();
        const set = this.writtenSlots.get(key) ?? new Set<bigint>();
        set.add(step.stack[step.stack.length - 1]!);
        this.writtenSlots.set(key, set);
      }
      onStep?.(step);
      resolve?.();
    };
    this.evm.events.on('step', listener);
    try {
      return await this.evm.runCall({ caller: SENDER, origin: SENDER, ...opts });
    } finally {
      this.evm.events.off('step', listener);
    }
  }

  /** Storage of `address` as the EVM holds it now, for every slot ever written. */
  async storage(address: Address): Promise<Map<bigint, bigint>> {
    const out = new Map<bigint, bigint>();
    for (const slot of this.writtenSlots.get(address.toString()) ?? []) {
      const value = await this.evm.stateManager.getStorage(address, setLengthLeft(bigIntToBytes(slot), 32));
      out.set(slot, value.length === 0 ? 0n : bytesToBigInt(value));
    }
    return out;
  }

  /** Call a function by ABI and decode its result with viem (the independent source of truth). */
  async read(to: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<unknown> {
    const data = encodeFunctionData({ abi, functionName, args } as never);
    const { returnValue, reverted } = await this.call(to, hexToBytes(data));
    if (reverted) throw new Error(`${functionName} reverted`);
    return decodeFunctionResult({ abi, functionName, data: toHex(returnValue) } as never);
  }
}

export function toHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}

/** An EvmStateView over a capture plus storage read back from the EVM. */
export function viewOf(capture: Capture | undefined, storage: Map<bigint, bigint>, preimages?: KeccakPreimage[]): EvmStateView {
  return {
    stackSize: () => capture?.stack.length ?? 0,
    stackWord: (i) => capture!.stack[i]!,
    memorySize: () => capture?.memory.length ?? 0,
    memory: (offset, length) => {
      const out = new Uint8Array(length);
      if (capture) out.set(capture.memory.subarray(offset, offset + length));
      return out;
    },
    calldata: () => capture?.calldata ?? new Uint8Array(),
    storage: (_address, slot) => storage.get(slot) ?? 0n,
    transientStorage: (address, slot) => capture?.transient.get(`${address}:${slot}`) ?? 0n,
    keccakPreimages: () => preimages ?? capture?.preimages ?? [],
  };
}

export function addressBigInt(address: Address): bigint {
  return bytesToBigInt(address.bytes);
}

export { Address };
