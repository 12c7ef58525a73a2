// The embedded chain: an @ethereumjs/evm on the Prague hardfork with ten prefunded accounts, and the
// deployment of compiled contracts (libraries linked and deployed first).
import { createEVM, getActivePrecompiles, type EVM, type EVMRunCallOpts } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString, type Address } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { UserError } from '../../core/errors.ts';
import { hexToBytes } from './abi.ts';
import { decodeRevert } from '../decode/index.ts';
import type { AbiItem, CompiledContract } from '../build/compile.ts';

/**
 * The prefunded accounts (10,000 ETH each). These are the well-known development accounts of Hardhat and
 * Anvil, so addresses users already know from those tools mean the same here. `from` defaults to the first.
 */
export const ACCOUNTS: readonly string[] = [
  '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
  '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc', '0x90f79bf6eb2c4f870365e785982e1f101e93b906',
  '0x15d34aaf54267db7d7c367839aaf71a00a2c6a65', '0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc',
  '0x976ea74026e726554db657fa54763abd0c3a0aa9', '0x14dc79964da2c08b23698b3d3cc7ca32193d9955',
  '0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f', '0xa0ee7a142d267c1f36714e4a8f75612f20a79720',
];
export const INITIAL_BALANCE = 10_000n * 10n ** 18n;

/**
 * The block every call runs in (deployment, set-up and the debugged call), and the transaction's gas price.
 * Fixed so that recordings are reproducible; the evaluator answers `block.*` / `tx.gasprice` from here.
 */
export const BLOCK = {
  number: 1n,
  timestamp: 1_700_000_000n,
  coinbase: '0x0000000000000000000000000000000000000000',
  gasLimit: 30_000_000n,
  chainId: 1n,
  gasPrice: 0n,
} as const;

const block: NonNullable<EVMRunCallOpts['block']> = {
  header: {
    number: BLOCK.number, coinbase: createAddressFromString(BLOCK.coinbase), timestamp: BLOCK.timestamp, difficulty: 0n,
    prevRandao: new Uint8Array(32), gasLimit: BLOCK.gasLimit, getBlobGasPrice: () => undefined,
  },
};

export class Chain {
  private constructor(readonly evm: EVM, readonly common: Common) {}

  static async create(): Promise<Chain> {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    const stateManager = new SimpleStateManager();
    const evm = await createEVM({ common, stateManager, allowUnlimitedContractSize: true });
    for (const a of ACCOUNTS) await evm.stateManager.putAccount(createAddressFromString(a), new Account(0n, INITIAL_BALANCE));
    return new Chain(evm, common);
  }

  async nonce(address: string): Promise<bigint> {
    return (await this.evm.stateManager.getAccount(createAddressFromString(address)))?.nonce ?? 0n;
  }

  async balance(address: string): Promise<bigint> {
    return (await this.evm.stateManager.getAccount(createAddressFromString(address)))?.balance ?? 0n;
  }

  async code(address: string): Promise<Uint8Array> {
    return this.evm.stateManager.getCode(createAddressFromString(address));
  }

  /**
   * Runs a top-level message as a transaction of its own; `to` undefined deploys `data` as init code.
   * `runCall` alone keeps the EVM's access lists between calls, so a slot a set-up call touched would be
   * warm (100 gas instead of 2100) in the debugged call: each call starts from a clean journal with what a
   * transaction has warm from the start (EIP-2929: sender, recipient, precompiles; EIP-3651: coinbase), and
   * original storage values (EIP-2200) are those at the start of this call.
   */
  async call(opts: { from: string; to?: string; data: Uint8Array; value?: bigint; gasLimit: bigint }) {
    const journal = this.evm.journal;
    await journal.cleanup();
    // SSTORE prices by the slot's value at the start of the transaction (EIP-2200): forget the previous call's.
    this.evm.stateManager.originalStorageCache.clear();
    journal.addAlwaysWarmAddress(opts.from);
    if (opts.to) journal.addAlwaysWarmAddress(opts.to);
    journal.addAlwaysWarmAddress(BLOCK.coinbase);
    for (const precompile of getActivePrecompiles(this.common).keys()) journal.addAlwaysWarmAddress(precompile);
    return this.evm.runCall({
      caller: createAddressFromString(opts.from),
      origin: createAddressFromString(opts.from),
      to: opts.to ? createAddressFromString(opts.to) : undefined,
      data: opts.data,
      value: opts.value ?? 0n,
      gasLimit: opts.gasLimit,
      gasPrice: BLOCK.gasPrice,
      block,
    });
  }
}

/** Deploys libraries a contract links against (transitively) and returns its linked init code. */
export async function linkedInitCode(
  chain: Chain, contract: CompiledContract, all: readonly CompiledContract[], from: string, gasLimit: bigint,
  deployed: Map<string, string>,
): Promise<string> {
  let object = contract.bytecode.object;
  const refs = { ...contract.bytecode.linkReferences };
  for (const [file, libs] of Object.entries(refs)) {
    for (const [name, positions] of Object.entries(libs)) {
      const key = `${file}:${name}`;
      let address = deployed.get(key);
      if (!address) {
        const lib = all.find((c) => c.sourceUnit === file && c.name === name);
        if (!lib) throw new UserError(`contract: library ${key} needed by ${contract.name} was not compiled`);
        const code = await linkedInitCode(chain, lib, all, from, gasLimit, deployed);
        address = await deploy(chain, lib.name, hexToBytes(code), from, 0n, gasLimit);
        deployed.set(key, address);
      }
      for (const p of positions) object = object.slice(0, p.start * 2) + address.slice(2) + object.slice((p.start + p.length) * 2);
    }
  }
  if (object.includes('__$')) throw new UserError(`contract: ${contract.name} has unresolved library placeholders`);
  return object;
}

export async function deploy(
  chain: Chain, name: string, initCode: Uint8Array, from: string, value: bigint, gasLimit: bigint, abis: readonly (readonly AbiItem[])[] = [],
): Promise<string> {
  const result = await chain.call({ from, data: initCode, value, gasLimit });
  const error = result.execResult.exceptionError;
  if (error || !result.createdAddress) {
    const why = error?.error === 'revert' ? decodeRevert(result.execResult.returnValue, abis).summary : error?.error ?? 'no address created';
    throw new UserError(`Deploying ${name} failed: the constructor ${error?.error === 'revert' ? 'reverted: ' : ''}${why}`);
  }
  return result.createdAddress.toString().toLowerCase();
}

export function addressOf(a: Address): string {
  return a.toString().toLowerCase();
}

export function keccak(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}
