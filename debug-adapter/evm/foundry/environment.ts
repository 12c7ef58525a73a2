// The chain a Foundry test runs on, set up as forge 1.7 sets it up: Osaka rules, chain id 31337, block 1 at
// timestamp 1 with a 2^30 gas limit, the test contract deployed by 0x1804…1f38 at nonce 1 (so it lands at
// 0x7FA9…1496), forge's balances, the CREATE2 factory, and a one-byte code at the cheatcode address (so
// `extcodesize` checks pass). Each top-level call is its own transaction; its reported gas is what forge
// reports: gas used by the transaction minus its intrinsic cost.
import { createEVM, getActivePrecompiles, type EVM } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString } from '@ethereumjs/util';
import { CHEATCODE_ADDRESS, CREATE2_DEPLOYER, ForgeVm, type BlockEnv, type ForgeVmOptions } from './cheatcodes.ts';

export const DEFAULT_SENDER = '0x1804c8ab1f12e6bbf3894d4083f33e07309d1f38';
/** forge deploys a test's external libraries from this account. */
export const LIBRARY_DEPLOYER = '0x1f95d37f27ea0dea9c252fc09d5a6eaa97647353';
export const TEST_CONTRACT_ADDRESS = '0x7fa9385be102ac3eac297483dd6233d62b3e1496';
/** forge's `initial_balance` default: 2^96 - 1 wei. */
export const INITIAL_BALANCE = (1n << 96n) - 1n;
const MAX_UINT = (1n << 256n) - 1n;
export const GAS_LIMIT = 1n << 30n;
const CREATE2_RUNTIME = '7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3';

export interface TxResult {
  readonly reverted: boolean;
  readonly returnValue: Uint8Array;
  /** forge's `gas:` figure: transaction gas used (after refunds, at least the calldata floor) minus intrinsic gas. */
  readonly gas: bigint;
  readonly createdAddress?: string;
  readonly error?: string;
}

export class TestChain {
  readonly block: BlockEnv;
  readonly vm: ForgeVm;
  private uninstall?: () => void;

  private constructor(readonly evm: EVM, readonly common: Common, block: BlockEnv, options: Omit<ForgeVmOptions, 'block'>) {
    this.block = block;
    this.vm = new ForgeVm({ ...options, block });
    // CHAINID reads the Common's chain id: answer vm.chainId's value.
    (common as unknown as { chainId: () => bigint }).chainId = () => this.vm.chainId;
    this.uninstall = this.vm.install(evm);
  }

  static async create(options: Omit<ForgeVmOptions, 'block'>): Promise<TestChain> {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Osaka });
    const stateManager = new SimpleStateManager({ common });
    const evm = await createEVM({ common, stateManager, allowUnlimitedContractSize: true, allowUnlimitedInitCodeSize: true });
    const block: BlockEnv = {
      number: 1n, timestamp: 1n, coinbase: createAddressFromString('0x0000000000000000000000000000000000000000'),
      prevRandao: new Uint8Array(32), difficulty: 0n, gasLimit: GAS_LIMIT, baseFeePerGas: 0n, getBlobGasPrice: () => 1n,
    };
    const chain = new TestChain(evm, common, block, options);
    await chain.setCode(CHEATCODE_ADDRESS, new Uint8Array([0]));
    await chain.setCode(CREATE2_DEPLOYER, Uint8Array.from(Buffer.from(CREATE2_RUNTIME, 'hex')));
    return chain;
  }

  dispose(): void {
    this.uninstall?.();
    this.uninstall = undefined;
  }

  async setCode(address: string, code: Uint8Array): Promise<void> {
    await this.evm.stateManager.putCode(createAddressFromString(address), code);
  }

  async setBalance(address: string, balance: bigint): Promise<void> {
    const a = createAddressFromString(address);
    const acc = (await this.evm.stateManager.getAccount(a)) ?? new Account();
    acc.balance = balance;
    await this.evm.stateManager.putAccount(a, acc);
  }

  async setNonce(address: string, nonce: bigint): Promise<void> {
    const a = createAddressFromString(address);
    const acc = (await this.evm.stateManager.getAccount(a)) ?? new Account();
    acc.nonce = nonce;
    await this.evm.stateManager.putAccount(a, acc);
  }

  /** State as it is now, restorable with `restore` (each test starts from the state after setUp). */
  async checkpoint(): Promise<void> {
    await this.evm.stateManager.checkpoint();
  }
  async restore(): Promise<void> {
    await this.evm.stateManager.revert();
  }

  async storage(address: string, slot: string): Promise<bigint> {
    const v = await this.evm.stateManager.getStorage(createAddressFromString(address), Uint8Array.from(Buffer.from(slot.slice(2), 'hex')));
    return v.length === 0 ? 0n : BigInt(`0x${Buffer.from(v).toString('hex')}`);
  }

  /** One transaction from `from`; `to` undefined deploys `data`. */
  async transact(from: string, to: string | undefined, data: Uint8Array, value = 0n): Promise<TxResult> {
    const intrinsic = intrinsicGas(data, to === undefined);
    const journal = this.evm.journal;
    await journal.cleanup();
    this.evm.stateManager.originalStorageCache.clear();
    journal.addAlwaysWarmAddress(from);
    if (to) journal.addAlwaysWarmAddress(to);
    journal.addAlwaysWarmAddress(this.block.coinbase.toString());
    for (const p of getActivePrecompiles(this.common).keys()) journal.addAlwaysWarmAddress(p);
    const result = await this.evm.runCall({
      caller: createAddressFromString(from), origin: createAddressFromString(from),
      to: to ? createAddressFromString(to) : undefined, data, value,
      gasLimit: GAS_LIMIT - intrinsic.cost, gasPrice: 0n, block: { header: this.block } as never,
    });
    const exec = result.execResult;
    const used = intrinsic.cost + exec.executionGasUsed;
    const refund = exec.exceptionError ? 0n : (exec.gasRefund ?? 0n);
    const capped = refund < used / 5n ? refund : used / 5n;
    let txGas = used - capped;
    if (txGas < intrinsic.floor) txGas = intrinsic.floor;
    return {
      reverted: exec.exceptionError !== undefined,
      returnValue: exec.returnValue ?? new Uint8Array(0),
      gas: txGas - intrinsic.cost,
      createdAddress: result.createdAddress?.toString().toLowerCase(),
      error: exec.exceptionError?.error,
    };
  }

  /** forge's set-up of a test contract: balances, nonce 1, deployment, balances reset. Returns its address. */
  async deployTestContract(initCode: Uint8Array): Promise<TxResult & { address: string }> {
    await this.setBalance(DEFAULT_SENDER, MAX_UINT);
    await this.setNonce(DEFAULT_SENDER, 1n);
    await this.setBalance(TEST_CONTRACT_ADDRESS, INITIAL_BALANCE);
    const result = await this.transact(DEFAULT_SENDER, undefined, initCode);
    await this.setBalance(DEFAULT_SENDER, INITIAL_BALANCE);
    return { ...result, address: result.createdAddress ?? TEST_CONTRACT_ADDRESS };
  }
}

/** Intrinsic gas of a transaction (EIP-2028 calldata, EIP-3860 init code words) and its EIP-7623 floor. */
export function intrinsicGas(data: Uint8Array, create: boolean): { cost: bigint; floor: bigint } {
  let zeros = 0, nonZeros = 0;
  for (const b of data) if (b === 0) zeros++; else nonZeros++;
  let cost = 21000n + BigInt(zeros * 4 + nonZeros * 16);
  if (create) cost += 32000n + 2n * BigInt(Math.ceil(data.length / 32));
  const tokens = BigInt(zeros + nonZeros * 4);
  return { cost, floor: 21000n + 10n * tokens };
}
