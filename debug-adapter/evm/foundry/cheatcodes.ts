// forge's cheatcodes (the `Vm` interface at 0x7109…DD12D) for our EVM. Calls to that address never run
// bytecode: `ForgeVm.install` wraps the EVM's `runCall` (every nested message passes through it) so a call
// to the cheatcode address is answered here, a pranked call gets its caller (and origin) changed, a call
// under `expectRevert` has its revert checked, and mocked calls return their mocked data. LOG opcodes are
// wrapped (they are rare, so the hot path is untouched) for expectEmit and recordLogs.
// Semantics follow forge 1.7 (checked against foundry-rs/foundry's cheatcodes crate); an unimplemented
// cheatcode reverts with a message naming it, so the test stops there.
import { EVMError, type EVM } from '@ethereumjs/evm';
import { Account, createAddressFromString, type Address } from '@ethereumjs/util';
import {
  decodeAbiParameters, encodeAbiParameters, encodeErrorResult, getAddress, getContractAddress, keccak256, parseAbiItem,
  toFunctionSelector, type AbiFunction, type Hex,
} from 'viem';
import { mnemonicToAccount, privateKeyToAddress, sign } from 'viem/accounts';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { LosslessNumber, parse as parseJsonLossless } from 'lossless-json';
import { parse as parseTomlText } from 'smol-toml';
import { resolve } from 'node:path';
import { opcodeMap } from '../record/recorder.ts';
import { CONSOLE_ADDRESS, decodeConsoleLog } from './console.ts';
import { chainByAlias } from './chains.ts';
import { GasMeteringPause } from './gas-metering.ts';
import type { FsPermissions } from './fs-permissions.ts';
import { encodeJsonValues, jsonText, serializedValue, tomlText, upsert } from './json-cheats.ts';

export const CHEATCODE_ADDRESS = '0x7109709ecfa91a80626ff3989d68f67f5b1dd12d';
export const CREATE2_DEPLOYER = '0x4e59b44847b379578588920ca78fbf26c0b4956c';
/** `bytes32("failed")`: forge-std's `fail()` stores 1 here in the cheatcode account. */
export const GLOBAL_FAIL_SLOT = '0x6661696c65640000000000000000000000000000000000000000000000000000';
/** What forge returns from a call whose expected revert happened (8 KiB of zeros, so any decoding succeeds). */
const EXPECTED_REVERT_OUTPUT = new Uint8Array(8192);
/** `vm.assume(false)` reverts with this; the fuzzer rejects the input. */
export const ASSUME_MAGIC = new TextEncoder().encode('FOUNDRY::ASSUME');
const SKIP_MAGIC = 'FOUNDRY::SKIP';

type Bytes = Uint8Array;
const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;
const bytes = (h: string): Bytes => Uint8Array.from(Buffer.from(h.startsWith('0x') ? h.slice(2) : h, 'hex'));
const lower = (a: { toString(): string }): string => a.toString().toLowerCase();
const word = (v: bigint): Bytes => bytes(v.toString(16).padStart(64, '0'));
const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(hex(b)));
/** forge reports a failing cheatcode as `CheatcodeError(string)` (forge-std compares against that encoding). */
const errorString = (message: string): Bytes => bytes(encodeErrorResult({ abi: [{ type: 'error', name: 'CheatcodeError', inputs: [{ type: 'string', name: 'message' }] }], errorName: 'CheatcodeError', args: [message] }));

/** The failure a cheatcode answers with: the call reverts with Error(message). */
export class CheatError extends Error {}

interface Message {
  to?: Address;
  caller: Address;
  value: bigint;
  data: Uint8Array;
  depth: number;
  gasLimit: bigint;
  delegatecall: boolean;
  isStatic: boolean;
  /** The transaction's refund counter when the call starts; a successful call must hand it back. */
  gasRefund: bigint;
}
interface ExecResult { returnValue: Uint8Array; executionGasUsed: bigint; exceptionError?: EVMError; logs?: unknown[]; gasRefund?: bigint }
interface CallResult { execResult: ExecResult; createdAddress?: Address }

export interface BlockEnv {
  number: bigint;
  timestamp: bigint;
  coinbase: Address;
  prevRandao: Uint8Array;
  difficulty: bigint;
  gasLimit: bigint;
  baseFeePerGas: bigint;
  getBlobGasPrice: () => bigint | undefined;
}

interface Prank { caller: string; newCaller: string; origin?: string; depth: number; single: boolean }
interface ExpectedRevert { reason?: Bytes; partial: boolean; reverter?: string; count: number; depth: number; cheatcode: boolean }
interface ExpectedEmit { depth: number; checks: [boolean, boolean, boolean, boolean]; emitter?: string; log?: Log; found: boolean }
interface ExpectedCall { to: string; data: Bytes; value?: bigint; count?: number; seen: number }
export interface Log { address: string; topics: Bytes[]; data: Bytes }

/** What a test's run leaves behind besides its result: console output, labels, expectation failures. */
export interface VmReport {
  readonly consoleLines: string[];
  readonly labels: Map<string, string>;
}

type Handler = (args: readonly unknown[], m: Message) => unknown[] | Promise<unknown[]> | void | Promise<void>;

/** One cheatcode: its declared signature (with outputs) and what it does. */
interface Cheat { readonly item: AbiFunction; readonly run: Handler }

export interface ForgeVmOptions {
  readonly root: string;
  readonly block: BlockEnv;
  /** The contract artifacts `getCode`/`deployCode` can name ("File.sol:Name" or "Name"). */
  readonly artifactCode?: (name: string) => string | undefined;
  /** foundry.toml's [rpc_endpoints] (alias -> URL, `${ENV}` allowed), for vm.rpcUrl. */
  readonly rpcEndpoints?: Readonly<Record<string, string>>;
  /** Names for selectors of cheatcodes we do not implement (the project's Vm ABI). */
  readonly knownNames?: ReadonlyMap<string, string>;
  /** foundry.toml's fs_permissions; without them the file cheatcodes may read anything under the root only. */
  readonly fsPermissions?: FsPermissions;
}

export class ForgeVm {
  chainId = 31337n;
  private prank?: Prank;
  private expectedRevert?: ExpectedRevert;
  private expectedEmits: ExpectedEmit[] = [];
  private expectedCalls: ExpectedCall[] = [];
  private recordedLogs?: Log[];
  private accesses?: { reads: Map<string, Bytes[]>; writes: Map<string, Bytes[]> };
  private mocks: { to: string; data: Bytes; value?: bigint; ret: Bytes; revert: boolean }[] = [];
  private snapshots = new Map<bigint, { accounts: Map<string, unknown>; code: Map<string, Uint8Array>; storage: Map<string, Uint8Array>; block: BlockEnv; chainId: bigint }>();
  private nextSnapshot = 0n;
  private lastRevert?: { address: string; data: Bytes; depth: number };
  private readonly env = new Map<string, string>();
  /** `serialize*` objects by their object key (forge keeps them for the whole test). */
  private readonly serialized = new Map<string, Record<string, unknown>>();
  /** An expectation that failed outside any call (checked when the test call ends). */
  pendingFailure?: string;
  readonly consoleLines: string[] = [];
  /** Console lines with the call they came from, for the debugger's Debug Console. */
  readonly labels = new Map<string, string>();
  private readonly cheats = new Map<string, Cheat>();
  private evm?: EVM;
  private readonly metering = new GasMeteringPause(() => this.evm);

  constructor(private readonly options: ForgeVmOptions) {
    this.define();
  }

  /** Clears per-test state (expectations, pranks, mocks) so every test starts as forge starts it. */
  resetForTest(): void {
    this.prank = undefined;
    this.expectedRevert = undefined;
    this.expectedEmits = [];
    this.expectedCalls = [];
    this.recordedLogs = undefined;
    this.accesses = undefined;
    this.mocks = [];
    this.pendingFailure = undefined;
    this.consoleLines.length = 0;
    this.lastRevert = undefined;
    this.metering.resume();
  }

  /** Wraps `evm.runCall` and the LOG opcodes; returns the function that undoes it. */
  install(evm: EVM): () => void {
    this.evm = evm;
    const originalRunCall = evm.runCall.bind(evm);
    const runCall = async (opts: { message?: Message }): Promise<CallResult> => {
      const m = opts.message;
      if (!m) return (await originalRunCall(opts as never)) as unknown as CallResult;
      const refundBefore = m.gasRefund;
      this.metering.frameStarts(m.depth, m.gasLimit, m.gasRefund);
      const result = await this.onMessage(m, () => originalRunCall(opts as never) as unknown as Promise<CallResult>);
      // The EVM takes a successful call's refund counter as the caller's new one: an answer made here (a
      // cheatcode, a mock, an expected revert turned into success) carries the counter it was given.
      if (!result.execResult.exceptionError && result.execResult.gasRefund === undefined) result.execResult.gasRefund = refundBefore;
      return result;
    };
    (evm as unknown as { runCall: typeof runCall }).runCall = runCall;
    const table = opcodeMap(evm);
    const originals: [number, unknown][] = [];
    for (let code = 0xa0; code <= 0xa4; code++) {
      const entry = table instanceof Map ? table.get(code) : table[code];
      if (!entry) continue;
      originals.push([code, entry]);
      const topics = code - 0xa0;
      const orig = entry.opHandler;
      type RS = Parameters<typeof orig>[0];
      const handler = (rs: RS, common: unknown): unknown => {
        const st = rs.stack._store, len = rs.stack._len;
        const off = Number(st[len - 1]), size = Number(st[len - 2]);
        const t: Bytes[] = [];
        for (let i = 0; i < topics; i++) t.push(word(st[len - 3 - i]!));
        const out = orig(rs, common);
        const log: Log = { address: lower(rs.interpreter.getAddress()), topics: t, data: rs.memory._store.slice(off, off + size) };
        this.onLog(log, (rs as unknown as { interpreter: { _env: { depth: number } } }).interpreter._env.depth);
        return out;
      };
      const wrapped = { ...entry, opHandler: handler as typeof orig };
      if (table instanceof Map) table.set(code, wrapped); else table[code] = wrapped;
    }
    // vm.record(): SLOAD/SSTORE are observed only while it is on (one property test otherwise).
    for (const code of [0x54, 0x55]) {
      const entry = table instanceof Map ? table.get(code) : table[code];
      if (!entry) continue;
      originals.push([code, entry]);
      const orig = entry.opHandler;
      type RS = Parameters<typeof orig>[0];
      const handler = (rs: RS, common: unknown): unknown => {
        if (this.accesses) this.observeStorage(lower(rs.interpreter.getAddress()), rs.stack._store[rs.stack._len - 1]!, code === 0x55);
        return orig(rs, common);
      };
      const wrapped = { ...entry, opHandler: handler as typeof orig };
      if (table instanceof Map) table.set(code, wrapped); else table[code] = wrapped;
    }
    return () => {
      this.metering.resume();
      (evm as unknown as { runCall: unknown }).runCall = originalRunCall;
      for (const [code, e] of originals) if (table instanceof Map) table.set(code, e as never); else table[code] = e as never;
    };
  }

  // ---- message interception ----

  private async onMessage(m: Message, run: () => Promise<CallResult>): Promise<CallResult> {
    const to = m.to ? lower(m.to) : undefined;
    const callerDepth = m.depth - 1;
    if (to === CHEATCODE_ADDRESS) return this.cheatcode(m);
    if (to === CONSOLE_ADDRESS) {
      const line = decodeConsoleLog(m.data);
      // forge answers a call it cannot decode as a console.log with a revert (no value moves, no gas is spent).
      if (line === undefined) return { execResult: { returnValue: errorString('ABI decoding failed: not a console.log call'), executionGasUsed: 0n, exceptionError: new EVMError(EVMError.errorMessages.REVERT), logs: [] } };
      this.consoleLines.push(line);
      return run();
    }
    for (const c of this.expectedCalls) {
      if (to === c.to && startsWith(m.data, c.data) && (c.value === undefined || c.value === m.value)) c.seen++;
    }
    const mock = to === undefined ? undefined : this.mocks.find((k) => k.to === to && startsWith(m.data, k.data) && (k.value === undefined || k.value === m.value));
    if (mock) {
      return { execResult: { returnValue: mock.ret, executionGasUsed: 0n, exceptionError: mock.revert ? new EVMError(EVMError.errorMessages.REVERT) : undefined, logs: [] } };
    }
    let restoreOrigin: Address | undefined;
    const prank = this.prank;
    if (prank && prank.depth === callerDepth && lower(m.caller) === prank.caller && !m.delegatecall) {
      m.caller = createAddressFromString(prank.newCaller);
      if (prank.origin) {
        const tx = (this.evm as unknown as { _tx: { origin: Address } })._tx;
        restoreOrigin = tx.origin;
        tx.origin = createAddressFromString(prank.origin);
      }
      if (prank.single) this.prank = undefined;
    }
    const expected = this.expectedRevert;
    let result: CallResult;
    try {
      result = await run();
    } finally {
      if (restoreOrigin) (this.evm as unknown as { _tx: { origin: Address } })._tx.origin = restoreOrigin;
    }
    if (result.execResult.exceptionError) {
      const data = result.execResult.returnValue ?? new Uint8Array(0);
      const keep = this.lastRevert && this.lastRevert.depth > m.depth && equal(this.lastRevert.data, data);
      if (!keep) this.lastRevert = { address: to ?? (result.createdAddress ? lower(result.createdAddress) : ''), data, depth: m.depth };
    }
    if (expected && expected.depth === callerDepth && !expected.cheatcode) return this.checkExpectedRevert(expected, result, m);
    return result;
  }

  private checkExpectedRevert(exp: ExpectedRevert, result: CallResult, m: Message): CallResult {
    const failed = result.execResult.exceptionError !== undefined;
    const data = result.execResult.returnValue ?? new Uint8Array(0);
    const success = (): CallResult => ({
      execResult: { ...result.execResult, exceptionError: undefined, gasRefund: undefined, returnValue: m.to ? EXPECTED_REVERT_OUTPUT : new Uint8Array(0), logs: [] },
      createdAddress: m.to ? undefined : createAddressFromString('0x0000000000000000000000000000000000000001'),
    });
    const fail = (message: string): CallResult => ({ execResult: { ...result.execResult, exceptionError: new EVMError(EVMError.errorMessages.REVERT), returnValue: errorString(message), logs: [] } });
    if (exp.count === 0) {
      this.expectedRevert = undefined;
      if (!failed) return result;
      if (!exp.reason && !exp.reverter) return fail(`call reverted with '${stringify(data)}' when it was expected not to revert`);
      const reasonMatch = exp.reason ? equal(unwrapRevert(data), exp.reason) : true;
      const reverterMatch = exp.reverter ? this.lastRevert?.address === exp.reverter : true;
      if (reasonMatch && reverterMatch) return fail(`expected 0 reverts with reason: ${stringify(exp.reason ?? new Uint8Array(0))}, but got one`);
      return fail(`call reverted with '${stringify(data)}' when it was expected not to revert`);
    }
    if (--exp.count === 0) this.expectedRevert = undefined;
    if (!failed) return fail('next call did not revert as expected');
    const why = revertMismatch(exp, data, this.lastRevert?.address);
    return why ? fail(why) : success();
  }

  private onLog(log: Log, depth: number): void {
    // The first log after expectEmit, emitted by the contract that called it, is the expectation itself.
    const pending = this.expectedEmits.find((e) => !e.log);
    if (pending && pending.depth === depth) {
      pending.log = log;
      return;
    }
    this.recordedLogs?.push(log);
    const next = this.expectedEmits.find((e) => e.log && !e.found);
    if (next && matchesEmit(next, log)) next.found = true;
  }

  /** Expectations left unmet when the test call ends (forge fails the test with this message). */
  unmetExpectations(): string | undefined {
    if (this.pendingFailure) return this.pendingFailure;
    if (this.expectedRevert && this.expectedRevert.count > 0) return 'next call did not revert as expected';
    if (this.expectedEmits.some((e) => !e.found)) return 'log != expected log';
    for (const c of this.expectedCalls) {
      const ok = c.count === undefined ? c.seen > 0 : c.seen === c.count;
      if (!ok) {
        const times = c.count ?? 1;
        return `expected call to ${getAddress(c.to)} with data ${hex(c.data)}${c.value !== undefined ? ` and value ${c.value}` : ''} to be called ${times} time${times === 1 ? '' : 's'}, but was called ${c.seen} time${c.seen === 1 ? '' : 's'}`;
      }
    }
    return undefined;
  }

  // ---- the cheatcode call ----

  private async cheatcode(m: Message): Promise<CallResult> {
    const selector = hex(m.data.subarray(0, 4));
    const cheat = this.cheats.get(selector);
    const ok = (returnValue: Bytes): CallResult => ({ execResult: { returnValue, executionGasUsed: 0n, logs: [] } });
    const revert = (returnValue: Bytes): CallResult => ({ execResult: { returnValue, executionGasUsed: 0n, exceptionError: new EVMError(EVMError.errorMessages.REVERT), logs: [] } });
    const expected = this.expectedRevert;
    const callerDepth = m.depth - 1;
    let outcome: CallResult;
    if (!cheat) {
      const name = this.options.knownNames?.get(selector);
      outcome = revert(errorString(`vm.${name ?? `cheatcode ${selector}`}: not supported by Chainstep's test runner`));
    } else {
      try {
        const args = decodeAbiParameters(cheat.item.inputs, hex(m.data.subarray(4)));
        const values = (await cheat.run(args, m)) ?? [];
        outcome = ok(bytes(encodeAbiParameters(cheat.item.outputs, values as unknown[])));
      } catch (e) {
        if (e instanceof AssumeRejected) outcome = revert(ASSUME_MAGIC);
        else if (e instanceof SkipTest) outcome = revert(new TextEncoder().encode(SKIP_MAGIC));
        else if (e instanceof RawRevert) outcome = revert(e.data);
        else outcome = revert(errorString(e instanceof CheatError ? e.message : `vm.${cheat.item.name}: ${(e as Error).message}`));
      }
    }
    // `_expectCheatcodeRevert` is an expectRevert that applies to the next cheatcode call.
    if (expected && expected.cheatcode && expected.depth === callerDepth && this.expectedRevert === expected && cheat?.item.name !== '_expectCheatcodeRevert') {
      this.expectedRevert = undefined;
      if (!outcome.execResult.exceptionError) return revert(errorString('next call did not revert as expected'));
      const why = revertMismatch(expected, outcome.execResult.returnValue, CHEATCODE_ADDRESS, true);
      return why ? revert(errorString(why)) : ok(EXPECTED_REVERT_OUTPUT);
    }
    return outcome;
  }

  /** forge loads the accounts and slots a cheatcode touches into the transaction, which makes them warm. */
  private warm(address: string, slot?: Bytes): void {
    const a = createAddressFromString(address).bytes;
    this.evm!.journal.addWarmedAddress(a);
    if (slot) this.evm!.journal.addWarmedStorage(a, slot);
  }

  /** A mocked address gets one byte of code when it has none, so Solidity's extcodesize check passes. */
  private async mockTarget(address: string): Promise<void> {
    this.warm(address);
    const a = createAddressFromString(address);
    if ((await this.sm().getCode(a)).length === 0) await this.sm().putCode(a, new Uint8Array([0]));
  }

  private sm() {
    return this.evm!.stateManager;
  }
  private async account(a: string): Promise<Account> {
    return (await this.sm().getAccount(createAddressFromString(a))) ?? new Account();
  }

  // ---- the table ----

  private def(signature: string, run: Handler): void {
    const item = parseAbiItem(`function ${signature}`) as AbiFunction;
    this.cheats.set(toFunctionSelector(item), { item, run });
  }

  private define(): void {
    const d = this.def.bind(this);
    const block = this.options.block;
    const caller = (m: Message): string => lower(m.caller);
    // environment
    d('warp(uint256)', ([t]) => { block.timestamp = t as bigint; });
    d('roll(uint256)', ([n]) => { block.number = n as bigint; });
    d('fee(uint256)', ([f]) => { block.baseFeePerGas = f as bigint; });
    d('chainId(uint256)', ([c]) => { this.chainId = c as bigint; });
    d('coinbase(address)', ([a]) => { block.coinbase = createAddressFromString(a as string); });
    d('prevrandao(bytes32)', ([r]) => { block.prevRandao = bytes(r as string); });
    d('prevrandao(uint256)', ([r]) => { block.prevRandao = word(r as bigint); });
    d('difficulty(uint256)', ([r]) => { block.difficulty = r as bigint; });
    d('txGasPrice(uint256)', ([p]) => { (this.evm as unknown as { _tx: { gasPrice: bigint } })._tx.gasPrice = p as bigint; });
    d('pauseGasMetering()', () => { this.metering.pause(); });
    d('resumeGasMetering()', () => { this.metering.resume(); });
    d('getBlockNumber() returns (uint256)', () => [block.number]);
    d('getBlockTimestamp() returns (uint256)', () => [block.timestamp]);
    d('getChainId() returns (uint256)', () => [this.chainId]);
    d('deal(address,uint256)', async ([a, v]) => {
      const acc = await this.account(a as string);
      this.warm(a as string);
      acc.balance = v as bigint;
      await this.sm().putAccount(createAddressFromString(a as string), acc);
    });
    d('etch(address,bytes)', async ([a, code]) => { this.warm(a as string); await this.sm().putCode(createAddressFromString(a as string), bytes(code as string)); });
    d('store(address,bytes32,bytes32)', async ([a, slot, v]) => {
      const address = createAddressFromString(a as string);
      if (!(await this.sm().getAccount(address))) await this.sm().putAccount(address, new Account());
      this.warm(a as string, bytes(slot as string));
      // forge writes through the transaction's journal: the slot's original value (EIP-2200 gas and refunds
      // of a later SSTORE) stays what it was when the transaction began, so it is remembered before the write.
      await this.sm().originalStorageCache.get(address, bytes(slot as string));
      await this.sm().putStorage(address, bytes(slot as string), stripZeros(bytes(v as string)));
    });
    d('load(address,bytes32) returns (bytes32)', async ([a, slot]) => {
      const v = await this.sm().getStorage(createAddressFromString(a as string), bytes(slot as string));
      this.warm(a as string, bytes(slot as string));
      return [hex(word(toBig(v)))];
    });
    d('getNonce(address) returns (uint64)', async ([a]) => [(await this.account(a as string)).nonce]);
    const setNonce = async (a: string, n: bigint, check: boolean): Promise<void> => {
      const acc = await this.account(a);
      if (check && n < acc.nonce) throw new CheatError(`vm.setNonce: new nonce (${n}) must be strictly equal to or higher than the account's current nonce (${acc.nonce})`);
      acc.nonce = n;
      await this.sm().putAccount(createAddressFromString(a), acc);
    };
    d('setNonce(address,uint64)', ([a, n]) => setNonce(a as string, n as bigint, true));
    d('setNonceUnsafe(address,uint64)', ([a, n]) => setNonce(a as string, n as bigint, false));
    d('resetNonce(address)', async ([a]) => {
      const code = await this.sm().getCode(createAddressFromString(a as string));
      await setNonce(a as string, code.length > 0 ? 1n : 0n, false);
    });
    // callers
    const prank = (m: Message, newCaller: unknown, origin: unknown, single: boolean): void => {
      if (this.prank && this.prank.depth === m.depth - 1 && !this.prank.single && single) {
        throw new CheatError('vm.prank: cannot overwrite a prank until it is applied at least once');
      }
      this.prank = { caller: caller(m), newCaller: lower(newCaller as string), origin: origin === undefined ? undefined : lower(origin as string), depth: m.depth - 1, single };
    };
    d('prank(address)', ([a], m) => prank(m, a, undefined, true));
    d('prank(address,address)', ([a, o], m) => prank(m, a, o, true));
    d('startPrank(address)', ([a], m) => prank(m, a, undefined, false));
    d('startPrank(address,address)', ([a, o], m) => prank(m, a, o, false));
    d('stopPrank()', () => { this.prank = undefined; });
    d('readCallers() returns (uint8, address, address)', (_, m) => {
      const origin = lower((this.evm as unknown as { _tx: { origin: Address } })._tx.origin);
      const p = this.prank;
      if (!p) return [0, getAddress(caller(m)), getAddress(origin)];
      return [p.single ? 2 : 4, getAddress(p.newCaller), getAddress(p.origin ?? origin)];
    });
    // expectations
    const expectRevert = (m: Message, o: Partial<ExpectedRevert>): void => {
      if (this.expectedRevert) throw new CheatError('vm.expectRevert: you must call another function prior to expecting a second revert');
      this.expectedRevert = { partial: false, count: 1, depth: m.depth - 1, cheatcode: false, ...o };
    };
    const reason = (r: unknown): Bytes => bytes(r as string);
    d('expectRevert()', (_, m) => expectRevert(m, {}));
    d('expectRevert(bytes4)', ([r], m) => expectRevert(m, { reason: reason(r) }));
    d('expectRevert(bytes)', ([r], m) => expectRevert(m, { reason: reason(r) }));
    d('expectRevert(address)', ([a], m) => expectRevert(m, { reverter: lower(a as string) }));
    d('expectRevert(bytes4,address)', ([r, a], m) => expectRevert(m, { reason: reason(r), reverter: lower(a as string) }));
    d('expectRevert(bytes,address)', ([r, a], m) => expectRevert(m, { reason: reason(r), reverter: lower(a as string) }));
    d('expectRevert(uint64)', ([c], m) => expectRevert(m, { count: Number(c) }));
    d('expectRevert(bytes4,uint64)', ([r, c], m) => expectRevert(m, { reason: reason(r), count: Number(c) }));
    d('expectRevert(bytes,uint64)', ([r, c], m) => expectRevert(m, { reason: reason(r), count: Number(c) }));
    d('expectRevert(address,uint64)', ([a, c], m) => expectRevert(m, { reverter: lower(a as string), count: Number(c) }));
    d('expectRevert(bytes4,address,uint64)', ([r, a, c], m) => expectRevert(m, { reason: reason(r), reverter: lower(a as string), count: Number(c) }));
    d('expectRevert(bytes,address,uint64)', ([r, a, c], m) => expectRevert(m, { reason: reason(r), reverter: lower(a as string), count: Number(c) }));
    d('expectPartialRevert(bytes4)', ([r], m) => expectRevert(m, { reason: reason(r), partial: true }));
    d('expectPartialRevert(bytes4,address)', ([r, a], m) => expectRevert(m, { reason: reason(r), partial: true, reverter: lower(a as string) }));
    d('_expectCheatcodeRevert()', (_, m) => expectRevert(m, { cheatcode: true }));
    d('_expectCheatcodeRevert(bytes4)', ([r], m) => expectRevert(m, { reason: reason(r), cheatcode: true }));
    d('_expectCheatcodeRevert(bytes)', ([r], m) => expectRevert(m, { reason: reason(r), cheatcode: true }));
    const expectEmit = (m: Message, checks: [boolean, boolean, boolean, boolean], emitter?: unknown): void => {
      this.expectedEmits.push({ depth: m.depth - 1, checks, emitter: emitter === undefined ? undefined : lower(emitter as string), found: false });
    };
    d('expectEmit()', (_, m) => expectEmit(m, [true, true, true, true]));
    d('expectEmit(address)', ([a], m) => expectEmit(m, [true, true, true, true], a));
    d('expectEmit(bool,bool,bool,bool)', ([a, b, c, e], m) => expectEmit(m, [a, b, c, e] as [boolean, boolean, boolean, boolean]));
    d('expectEmit(bool,bool,bool,bool,address)', ([a, b, c, e, x], m) => expectEmit(m, [a, b, c, e] as [boolean, boolean, boolean, boolean], x));
    const expectCall = (to: unknown, data: unknown, value?: unknown, count?: unknown): void => {
      this.expectedCalls.push({ to: lower(to as string), data: bytes(data as string), value: value as bigint | undefined, count: count === undefined ? undefined : Number(count), seen: 0 });
    };
    d('expectCall(address,bytes)', ([t, data]) => expectCall(t, data));
    d('expectCall(address,bytes,uint64)', ([t, data, c]) => expectCall(t, data, undefined, c));
    d('expectCall(address,uint256,bytes)', ([t, v, data]) => expectCall(t, data, v));
    d('expectCall(address,uint256,bytes,uint64)', ([t, v, data, c]) => expectCall(t, data, v, c));
    d('expectCall(address,uint256,uint64,bytes)', ([t, v, , data]) => expectCall(t, data, v));
    d('expectCall(address,uint256,uint64,bytes,uint64)', ([t, v, , data, c]) => expectCall(t, data, v, c));
    d('expectCallMinGas(address,uint256,uint64,bytes)', ([t, v, , data]) => expectCall(t, data, v));
    d('assume(bool)', ([c]) => { if (!c) throw new AssumeRejected(); });
    d('skip(bool)', ([s]) => { if (s) throw new SkipTest(); });
    d('mockCall(address,bytes,bytes)', async ([t, data, ret]) => { await this.mockTarget(t as string); this.mocks.unshift({ to: lower(t as string), data: bytes(data as string), ret: bytes(ret as string), revert: false }); });
    d('mockCall(address,uint256,bytes,bytes)', async ([t, v, data, ret]) => { await this.mockTarget(t as string); this.mocks.unshift({ to: lower(t as string), value: v as bigint, data: bytes(data as string), ret: bytes(ret as string), revert: false }); });
    d('mockCallRevert(address,bytes,bytes)', async ([t, data, ret]) => { await this.mockTarget(t as string); this.mocks.unshift({ to: lower(t as string), data: bytes(data as string), ret: bytes(ret as string), revert: true }); });
    d('clearMockedCalls()', () => { this.mocks = []; });
    // snapshots
    const snapshot = (): unknown[] => {
      const sm = this.sm() as unknown as { topAccountStack(): Map<string, unknown>; topCodeStack(): Map<string, Uint8Array>; topStorageStack(): Map<string, Uint8Array> };
      const id = this.nextSnapshot++;
      const accounts = copyAccounts(sm.topAccountStack());
      this.snapshots.set(id, { accounts, code: new Map(sm.topCodeStack()), storage: new Map(sm.topStorageStack()), block: { ...block }, chainId: this.chainId });
      return [id];
    };
    const revertTo = (id: bigint, remove: boolean): unknown[] => {
      const snap = this.snapshots.get(id);
      if (!snap) return [false];
      const sm = this.sm() as unknown as { topAccountStack(): Map<string, unknown>; topCodeStack(): Map<string, Uint8Array>; topStorageStack(): Map<string, Uint8Array> };
      const replace = <V>(target: Map<string, V>, from: Map<string, V>): void => { target.clear(); for (const [k, v] of from) target.set(k, v); };
      replace(sm.topAccountStack(), copyAccounts(snap.accounts));
      replace(sm.topCodeStack(), snap.code);
      replace(sm.topStorageStack(), snap.storage);
      Object.assign(block, snap.block);
      this.chainId = snap.chainId;
      if (remove) this.snapshots.delete(id);
      return [true];
    };
    for (const name of ['snapshotState', 'snapshot']) d(`${name}() returns (uint256)`, snapshot);
    for (const name of ['revertToState', 'revertTo']) d(`${name}(uint256) returns (bool)`, ([id]) => revertTo(id as bigint, false));
    for (const name of ['revertToStateAndDelete', 'revertToAndDelete']) d(`${name}(uint256) returns (bool)`, ([id]) => revertTo(id as bigint, true));
    for (const name of ['deleteStateSnapshot', 'deleteSnapshot']) d(`${name}(uint256) returns (bool)`, ([id]) => [this.snapshots.delete(id as bigint)]);
    for (const name of ['deleteStateSnapshots', 'deleteSnapshots']) d(`${name}()`, () => { this.snapshots.clear(); });
    // logs and accesses
    d('recordLogs()', () => { this.recordedLogs = []; });
    d('getRecordedLogs() returns ((bytes32[] topics, bytes data, address emitter)[])', () => {
      const logs = this.recordedLogs ?? [];
      if (this.recordedLogs) this.recordedLogs = [];
      return [logs.map((l) => ({ topics: l.topics.map(hex), data: hex(l.data), emitter: getAddress(l.address) }))];
    });
    d('record()', () => { this.accesses = { reads: new Map(), writes: new Map() }; });
    d('stopRecord()', () => { this.accesses = undefined; });
    d('accesses(address) returns (bytes32[], bytes32[])', ([a]) => {
      const key = lower(a as string);
      return [(this.accesses?.reads.get(key) ?? []).map(hex), (this.accesses?.writes.get(key) ?? []).map(hex)];
    });
    // keys and labels
    d('label(address,string)', ([a, l]) => { this.labels.set(lower(a as string), l as string); });
    d('getLabel(address) returns (string)', ([a]) => [this.labels.get(lower(a as string)) ?? `unlabeled:${getAddress(a as string)}`]);
    const keyOf = (k: unknown): Hex => {
      const v = k as bigint;
      if (v === 0n || v >= 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n) throw new CheatError('vm.addr: private key must be less than the secp256k1 curve order and not 0');
      return `0x${v.toString(16).padStart(64, '0')}`;
    };
    d('addr(uint256) returns (address)', ([k]) => [privateKeyToAddress(keyOf(k))]);
    d('rememberKey(uint256) returns (address)', ([k]) => [privateKeyToAddress(keyOf(k))]);
    d('sign(uint256,bytes32) returns (uint8,bytes32,bytes32)', async ([k, digest]) => {
      const s = await sign({ hash: digest as Hex, privateKey: keyOf(k) });
      return [Number(s.v ?? BigInt(27 + (s.yParity ?? 0))), s.r, s.s];
    });
    const derive = (mnemonic: unknown, path: string, index: unknown): unknown[] => {
      const account = mnemonicToAccount(mnemonic as string, { path: `${path}${index as number}` as `m/44'/60'/${string}` });
      return [toBig(account.getHdKey().privateKey!)];
    };
    d('deriveKey(string,uint32) returns (uint256)', ([m, i]) => derive(m, "m/44'/60'/0'/0/", i));
    d('deriveKey(string,string,uint32) returns (uint256)', ([m, p, i]) => derive(m, p as string, i));
    // addresses
    d('computeCreateAddress(address,uint256) returns (address)', ([a, n]) => [getContractAddress({ from: a as Hex, nonce: n as bigint })]);
    d('computeCreate2Address(bytes32,bytes32,address) returns (address)', ([s, h, a]) => [getContractAddress({ opcode: 'CREATE2', from: a as Hex, salt: s as Hex, bytecodeHash: h as Hex })]);
    d('computeCreate2Address(bytes32,bytes32) returns (address)', ([s, h]) => [getContractAddress({ opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: s as Hex, bytecodeHash: h as Hex })]);
    d('getCode(string) returns (bytes)', ([name]) => {
      const code = this.options.artifactCode?.(name as string);
      if (!code) throw new CheatError(`vm.getCode: no matching artifact found for ${name as string}`);
      return [code];
    });
    d('isContext(uint8) returns (bool)', ([c]) => [c === 0 || c === 1]);
    // environment variables and files
    const env = (name: unknown): string | undefined => this.env.get(name as string) ?? process.env[name as string];
    d('setEnv(string,string)', ([k, v]) => {
      const key = k as string;
      if (key === '' || key.includes('=') || key.includes('\0')) throw new CheatError(`vm.setEnv: environment variable key can't be empty or contain '=' or NUL`);
      this.env.set(key, v as string);
    });
    for (const [suffix, type] of [['Bool', 'bool'], ['Uint', 'uint256'], ['Int', 'int256'], ['Address', 'address'], ['Bytes32', 'bytes32'], ['String', 'string'], ['Bytes', 'bytes']] as const) {
      d(`env${suffix}(string) returns (${type})`, ([name]) => {
        const v = env(name);
        if (v === undefined) throw new CheatError(`vm.env${suffix}: environment variable "${name as string}" not found`);
        return [parseValue(type, v.trim())];
      });
      d(`env${suffix}(string,string) returns (${type}[])`, ([name, delim]) => {
        const v = env(name);
        if (v === undefined) throw new CheatError(`vm.env${suffix}: environment variable "${name as string}" not found`);
        return [v.split(delim as string).map((s) => parseValue(type, s.trim()))];
      });
      d(`envOr(string,${type}) returns (${type})`, ([name, fallback]) => {
        const v = env(name);
        return [v === undefined ? fallback : parseValue(type, v.trim())];
      });
      d(`parse${suffix}(string) returns (${type})`, ([text]) => [parseValue(type, text as string)]);
    }
    // forge's UnresolvedEnvVarError: the placeholder text is named only when there are several.
    const resolveEnv = (text: string): string => {
      const several = (text.match(/\$\{[^}]*\}/g) ?? []).length > 1;
      return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
        const v = env(name);
        if (v === undefined) throw new CheatError(`environment variable \`${name}\` not found${several ? ` in \`${text}\`` : ''}`);
        return v;
      });
    };
    d('resolveEnv(string) returns (string)', ([text]) => {
      try { return [resolveEnv(text as string)]; } catch (e) { throw new CheatError(`vm.resolveEnv: failed to resolve env var: ${(e as Error).message}`); }
    });
    d('rpcUrl(string) returns (string)', ([alias]) => {
      const url = this.options.rpcEndpoints?.[alias as string];
      if (url !== undefined) return [resolveEnv(url)];
      if (/^(https?|wss?):\/\//.test(alias as string)) return [alias];
      throw new CheatError(`invalid rpc url: ${alias as string}`);
    });
    d('makePersistent(address)', () => {}); // persistence across forks; without forks there is nothing to keep
    // JSON and TOML documents: read by a key path ("$", ".a.b", ".list[0]"), values converted to the type asked.
    const types = [['Bool', 'bool'], ['Uint', 'uint256'], ['Int', 'int256'], ['Address', 'address'], ['Bytes32', 'bytes32'], ['String', 'string'], ['Bytes', 'bytes']] as const;
    for (const [format, parseDoc] of [['Json', (t: string) => parseLossless(t)], ['Toml', (t: string) => parseTomlDoc(t)]] as const) {
      const at = (doc: unknown, key: unknown): unknown => {
        const found = select(parseDoc(doc as string), key as string);
        if (found === undefined) throw new CheatError(`vm.parse${format}: path ${JSON.stringify(key)} not found`);
        return found;
      };
      for (const [suffix, type] of types) {
        d(`parse${format}${suffix}(string,string) returns (${type})`, ([doc, key]) => [coerce(type, at(doc, key))]);
        d(`parse${format}${suffix}Array(string,string) returns (${type}[])`, ([doc, key]) => {
          const v = at(doc, key);
          if (!Array.isArray(v)) throw new CheatError(`vm.parse${format}${suffix}Array: ${JSON.stringify(key)} is not an array`);
          return [v.map((x) => coerce(type, x))];
        });
      }
      d(`parse${format}(string) returns (bytes)`, ([doc]) => [encodeJsonValues([parseDoc(doc as string)])]);
      d(`parse${format}(string,string) returns (bytes)`, ([doc, key]) => {
        const found = select(parseDoc(doc as string), key as string);
        return [encodeJsonValues(found === undefined ? [] : [found])];
      });
      d(`keyExists${format}(string,string) returns (bool)`, ([doc, key]) => [select(parseDoc(doc as string), key as string) !== undefined]);
      d(`parse${format}Keys(string,string) returns (string[])`, ([doc, key]) => {
        const v = at(doc, key);
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CheatError(`vm.parse${format}Keys: ${JSON.stringify(key)} is not an object`);
        return [Object.keys(v)];
      });
    }
    d('envExists(string) returns (bool)', ([name]) => [env(name) !== undefined]);
    d('projectRoot() returns (string)', () => [this.options.root]);
    this.defineFiles();
    this.defineJsonWriting();
    d('getChain(string) returns ((string,uint256,string,string))', ([alias]) => [this.chain(alias as string)]);
    d('getChain(uint256) returns ((string,uint256,string,string))', ([id]) => [this.chain(String(id))]);
    // strings
    for (const type of ['address', 'bytes', 'bytes32', 'bool', 'uint256', 'int256']) {
      d(`toString(${type}) returns (string)`, ([v]) => [toForgeString(type, v)]);
    }
    d('keccak256(bytes) returns (bytes32)', ([b]) => [keccak256(b as Hex)]);
    this.defineAssertions();
  }

  /** forge's `getChain`: a chain it knows by alias or id, with the project's RPC URL for it when configured. */
  private chain(aliasOrId: string): unknown {
    const known = chainByAlias(aliasOrId);
    if (!known) throw new CheatError(`vm.getChain: invalid chain alias: ${aliasOrId}`);
    const url = this.options.rpcEndpoints?.[known.name];
    return url === undefined ? [known.name, known.id, aliasOrId, ''] : [known.name, known.id, known.name, url];
  }

  /** A path the file cheatcodes may use for `kind`, as fs_permissions decide (or anywhere under the root without them). */
  private path(p: unknown, kind: 'read' | 'write'): string {
    const perms = this.options.fsPermissions;
    if (perms) return perms.check(p as string, kind);
    return resolve(this.options.root, p as string);
  }

  private writable(p: unknown): string {
    const path = this.path(p, 'write');
    this.options.fsPermissions?.checkNotConfig(path);
    return path;
  }

  private defineFiles(): void {
    const d = this.def.bind(this);
    const read = (p: unknown): string => {
      const path = this.path(p, 'read');
      if (!existsSync(path)) throw new CheatError(`vm.readFile: failed to read from "${path}": No such file or directory (os error 2)`);
      return path;
    };
    d('readFile(string) returns (string)', ([p]) => [readFileSync(read(p), 'utf8')]);
    d('readFileBinary(string) returns (bytes)', ([p]) => [hex(readFileSync(read(p)))]);
    d('exists(string) returns (bool)', ([p]) => [existsSync(this.path(p, 'read'))]);
    d('isFile(string) returns (bool)', ([p]) => { const path = this.path(p, 'read'); return [existsSync(path) && statSync(path).isFile()]; });
    d('isDir(string) returns (bool)', ([p]) => { const path = this.path(p, 'read'); return [existsSync(path) && statSync(path).isDirectory()]; });
    d('writeFile(string,string)', ([p, data]) => { writeFileSync(this.writable(p), data as string); });
    d('writeFileBinary(string,bytes)', ([p, data]) => { writeFileSync(this.writable(p), bytes(data as string)); });
    d('writeLine(string,string)', ([p, line]) => { appendFileSync(this.writable(p), `${line as string}\n`); });
    d('copyFile(string,string) returns (uint64)', ([from, to]) => {
      const source = read(from), target = this.writable(to);
      copyFileSync(source, target);
      return [BigInt(statSync(target).size)];
    });
    d('removeFile(string)', ([p]) => { rmSync(this.writable(p)); });
    d('createDir(string,bool)', ([p, recursive]) => { mkdirSync(this.path(p, 'write'), { recursive: recursive as boolean }); });
    d('removeDir(string,bool)', ([p, recursive]) => { rmSync(this.path(p, 'write'), { recursive: recursive as boolean }); });
  }

  /** serialize*, serializeJson, writeJson and writeToml (forge's json.rs/toml.rs). */
  private defineJsonWriting(): void {
    const d = this.def.bind(this);
    const serialize = (objectKey: unknown, valueKey: unknown, value: unknown): unknown[] => {
      const key = objectKey as string;
      const object = this.serialized.get(key) ?? {};
      object[valueKey as string] = value;
      this.serialized.set(key, object);
      return [jsonText(object)];
    };
    const scalars = [['Bool', 'bool'], ['Uint', 'uint256'], ['Int', 'int256'], ['Address', 'address'], ['Bytes32', 'bytes32'], ['String', 'string'], ['Bytes', 'bytes']] as const;
    for (const [suffix, type] of scalars) {
      d(`serialize${suffix}(string,string,${type}) returns (string)`, ([o, k, v]) => serialize(o, k, serializedValue(type, v, parseLossless)));
      d(`serialize${suffix}(string,string,${type}[]) returns (string)`, ([o, k, v]) => serialize(o, k, serializedValue(`${type}[]`, v, parseLossless)));
    }
    d('serializeUintToHex(string,string,uint256) returns (string)', ([o, k, v]) => serialize(o, k, `0x${(v as bigint).toString(16)}`));
    d('serializeJson(string,string) returns (string)', ([o, text]) => {
      const parsed = parseLossless(text as string);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CheatError('vm.serializeJson: the value is not a JSON object');
      this.serialized.set(o as string, parsed as Record<string, unknown>);
      return [text];
    });
    const asJson = (text: string): unknown => { try { return parseJsonLossless(text); } catch { return text; } };
    d('writeJson(string,string)', ([json, p]) => { writeFileSync(this.writable(p), jsonText(asJson(json as string), true)); });
    d('writeJson(string,string,string)', ([json, p, key]) => {
      const path = this.path(p, 'read');
      const doc = existsSync(path) ? asJson(readFileSync(path, 'utf8')) : {};
      upsert(doc, json as string, key as string, (t) => parseJsonLossless(t));
      writeFileSync(this.writable(p), jsonText(doc, true));
    });
    d('writeToml(string,string)', ([json, p]) => { writeFileSync(this.writable(p), tomlText(asJson(json as string))); });
    d('writeToml(string,string,string)', ([json, p, key]) => {
      const path = this.path(p, 'read');
      const doc = existsSync(path) ? parseTomlDoc(readFileSync(path, 'utf8')) : {};
      upsert(doc, json as string, key as string, (t) => parseJsonLossless(t));
      writeFileSync(this.writable(p), tomlText(doc));
    });
  }

  private access(address: string, slot: Bytes, write: boolean): void {
    if (!this.accesses) return;
    const map = write ? this.accesses.writes : this.accesses.reads;
    const key = address.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), slot]);
    if (write) this.accesses.reads.set(key, [...(this.accesses.reads.get(key) ?? []), slot]);
  }

  /** Storage reads/writes seen while `record()` is on, fed by the runner's SLOAD/SSTORE observer. */
  observeStorage(address: string, slot: bigint, write: boolean): void {
    if (this.accesses) this.access(address, word(slot), write);
  }

  private defineAssertions(): void {
    const d = this.def.bind(this);
    const fail = (message: string | undefined, detail: string): never => {
      throw new CheatError(message ? `${message}: ${detail}` : `assertion failed: ${detail}`);
    };
    d('assertTrue(bool)', ([c]) => { if (!c) throw new CheatError('assertion failed'); });
    d('assertTrue(bool,string)', ([c, msg]) => { if (!c) throw new CheatError(msg as string); });
    d('assertFalse(bool)', ([c]) => { if (c) throw new CheatError('assertion failed'); });
    d('assertFalse(bool,string)', ([c, msg]) => { if (c) throw new CheatError(msg as string); });
    const types = ['bool', 'uint256', 'int256', 'address', 'bytes32', 'string', 'bytes'];
    for (const t of [...types, ...types.map((x) => `${x}[]`)]) {
      for (const [name, want] of [['assertEq', true], ['assertNotEq', false]] as const) {
        const check = (a: unknown, b: unknown, msg?: unknown): void => {
          if (sameValue(a, b) !== want) fail(msg as string | undefined, `${show(t, a)} ${want ? '!=' : '=='} ${show(t, b)}`);
        };
        d(`${name}(${t},${t})`, ([a, b]) => check(a, b));
        d(`${name}(${t},${t},string)`, ([a, b, m]) => check(a, b, m));
      }
    }
    const ops: [string, (a: bigint, b: bigint) => boolean, string][] = [
      ['assertLt', (a, b) => a < b, '>='], ['assertGt', (a, b) => a > b, '<='], ['assertLe', (a, b) => a <= b, '>'], ['assertGe', (a, b) => a >= b, '<'],
    ];
    for (const t of ['uint256', 'int256']) {
      for (const [name, ok, neg] of ops) {
        const check = (a: unknown, b: unknown, msg?: unknown, decimals?: unknown): void => {
          if (!ok(a as bigint, b as bigint)) fail(msg as string | undefined, `${showNumber(a as bigint, decimals)} ${neg} ${showNumber(b as bigint, decimals)}`);
        };
        d(`${name}(${t},${t})`, ([a, b]) => check(a, b));
        d(`${name}(${t},${t},string)`, ([a, b, m]) => check(a, b, m));
        d(`${name}Decimal(${t},${t},uint256)`, ([a, b, dec]) => check(a, b, undefined, dec));
        d(`${name}Decimal(${t},${t},uint256,string)`, ([a, b, dec, m]) => check(a, b, m, dec));
      }
      for (const [name, want] of [['assertEqDecimal', true], ['assertNotEqDecimal', false]] as const) {
        const check = (a: unknown, b: unknown, dec: unknown, msg?: unknown): void => {
          if ((a === b) !== want) fail(msg as string | undefined, `${showNumber(a as bigint, dec)} ${want ? '!=' : '=='} ${showNumber(b as bigint, dec)}`);
        };
        d(`${name}(${t},${t},uint256)`, ([a, b, dec]) => check(a, b, dec));
        d(`${name}(${t},${t},uint256,string)`, ([a, b, dec, m]) => check(a, b, dec, m));
      }
      const abs = (a: unknown, b: unknown, maxDelta: unknown, msg?: unknown, dec?: unknown): void => {
        const x = a as bigint, y = b as bigint, delta = x > y ? x - y : y - x;
        if (delta > (maxDelta as bigint)) fail(msg as string | undefined, `${showNumber(x, dec)} !~= ${showNumber(y, dec)} (max delta: ${showNumber(maxDelta as bigint, dec)}, real delta: ${showNumber(delta, dec)})`);
      };
      d(`assertApproxEqAbs(${t},${t},uint256)`, ([a, b, m]) => abs(a, b, m));
      d(`assertApproxEqAbs(${t},${t},uint256,string)`, ([a, b, m, s]) => abs(a, b, m, s));
      d(`assertApproxEqAbsDecimal(${t},${t},uint256,uint256)`, ([a, b, m, dec]) => abs(a, b, m, undefined, dec));
      d(`assertApproxEqAbsDecimal(${t},${t},uint256,uint256,string)`, ([a, b, m, dec, s]) => abs(a, b, m, s, dec));
      const rel = (a: unknown, b: unknown, maxRel: unknown, msg?: unknown, dec?: unknown): void => {
        const x = a as bigint, y = b as bigint;
        if (y === 0n) { if (x !== y) fail(msg as string | undefined, `${showNumber(x, dec)} !~= ${showNumber(y, dec)} (max delta: ${percent(maxRel as bigint)}, real delta: undefined)`); return; }
        const delta = ((x > y ? x - y : y - x) * 10n ** 18n) / (y < 0n ? -y : y);
        if (delta > (maxRel as bigint)) fail(msg as string | undefined, `${showNumber(x, dec)} !~= ${showNumber(y, dec)} (max delta: ${percent(maxRel as bigint)}, real delta: ${percent(delta)})`);
      };
      d(`assertApproxEqRel(${t},${t},uint256)`, ([a, b, m]) => rel(a, b, m));
      d(`assertApproxEqRel(${t},${t},uint256,string)`, ([a, b, m, s]) => rel(a, b, m, s));
      d(`assertApproxEqRelDecimal(${t},${t},uint256,uint256)`, ([a, b, m, dec]) => rel(a, b, m, undefined, dec));
      d(`assertApproxEqRelDecimal(${t},${t},uint256,uint256,string)`, ([a, b, m, dec, s]) => rel(a, b, m, s, dec));
    }
  }
}

class AssumeRejected extends Error {}
class SkipTest extends Error {}
class RawRevert extends Error {
  constructor(readonly data: Bytes) { super('revert'); }
}

/** Account objects are mutated in place by the EVM: a snapshot keeps copies, and restores copies of those. */
function copyAccounts(accounts: Map<string, unknown>): Map<string, unknown> {
  return new Map([...accounts].map(([k, a]) => [k, a === undefined ? undefined : Object.assign(Object.create(Object.getPrototypeOf(a) as object) as object, a)]));
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}
function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && startsWith(a, b);
}
function stripZeros(b: Bytes): Bytes {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.slice(i);
}

const ERROR_SELECTOR = '0x08c379a0';
const CHEATCODE_ERROR_SELECTOR = '0xeeaa9e6f';
/** Error(string) / CheatcodeError(string) payloads compare by their message bytes (forge's rule). */
function unwrapRevert(data: Bytes): Bytes {
  const sel = hex(data.subarray(0, 4));
  if (sel === ERROR_SELECTOR || sel === CHEATCODE_ERROR_SELECTOR) {
    try {
      const [msg] = decodeAbiParameters([{ type: 'bytes' }], hex(data.subarray(4)));
      return bytes(msg);
    } catch { /* not an encoding of one string */ }
  }
  return data;
}

function stringify(data: Bytes): string {
  const inner = unwrapRevert(data);
  const text = Buffer.from(inner).toString('latin1');
  return /^[\x20-\x7e\n\t]*$/.test(text) ? text : hex(inner);
}

/** Why a revert does not match an expectRevert, or undefined when it does (forge's handle_revert). */
function revertMismatch(exp: ExpectedRevert, data: Bytes, reverter: string | undefined, isCheatcode = false): string | undefined {
  if (exp.reverter && reverter && exp.reverter !== reverter) return `Reverter != expected reverter: ${getAddress(reverter)} != ${getAddress(exp.reverter)}`;
  const expected = exp.reason;
  if (!expected) return undefined;
  if (expected.length > 0 && data.length === 0) return 'call reverted as expected, but without data';
  if (exp.partial && startsWith(data, expected.subarray(0, 4))) return undefined;
  const actual = unwrapRevert(data);
  if (equal(actual, expected)) return undefined;
  if (isCheatcode && Buffer.from(actual).includes(Buffer.from(expected))) return undefined;
  if (equal(unwrapRevert(expected), actual)) return undefined;
  return `Error != expected error: ${stringify(data)} != ${stringify(expected)}`;
}

function matchesEmit(e: ExpectedEmit, log: Log): boolean {
  const want = e.log!;
  if (e.emitter && e.emitter !== log.address) return false;
  if (want.topics.length !== log.topics.length) return false;
  if (want.topics.length > 0 && !equal(want.topics[0]!, log.topics[0]!)) return false;
  for (let i = 1; i < want.topics.length; i++) if (e.checks[i - 1] && !equal(want.topics[i]!, log.topics[i]!)) return false;
  if (e.checks[3] && !equal(want.data, log.data)) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (typeof a === 'string' && typeof b === 'string' && /^0x[0-9a-fA-F]*$/.test(a) && /^0x[0-9a-fA-F]*$/.test(b)) return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function show(type: string, v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => show(type.slice(0, -2), x)).join(', ')}]`;
  if (type === 'address') return getAddress(v as string);
  return String(v);
}

function showNumber(v: bigint, decimals?: unknown): string {
  if (decimals === undefined) return v.toString();
  const d = Number(decimals);
  const neg = v < 0n, abs = neg ? -v : v;
  const s = abs.toString().padStart(d + 1, '0');
  const int = s.slice(0, s.length - d), frac = s.slice(s.length - d);
  return `${neg ? '-' : ''}${int}${d > 0 ? `.${frac}` : ''}`;
}

function percent(v: bigint): string {
  return `${showNumber(v * 100n, 18).replace(/\.?0+$/, '')}%`;
}

function toForgeString(type: string, v: unknown): string {
  if (type === 'address') return getAddress(v as string);
  if (type === 'bool' || type === 'uint256' || type === 'int256') return String(v);
  return (v as string).toLowerCase();
}

function parseLossless(text: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch (e) {
    throw new CheatError(`failed parsing JSON: ${(e as Error).message}`);
  }
}
function parseTomlDoc(text: string): unknown {
  try {
    return parseTomlText(text);
  } catch (e) {
    throw new CheatError(`failed parsing TOML: ${(e as Error).message}`);
  }
}

/** The value at a key path: "$" or "" is the document, ".a.b" object keys, "[2]" array elements. */
function select(doc: unknown, key: string): unknown {
  const path = key.replace(/^\$/, '');
  let cur: unknown = doc;
  for (const m of path.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = m[1] !== undefined ? (Array.isArray(cur) ? undefined : (cur as Record<string, unknown>)[m[1]]) : (cur as unknown[])[Number(m[2])];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A document value as the Solidity type asked for (numbers exactly, strings parsed as forge does). */
function coerce(type: string, v: unknown): unknown {
  if (v instanceof LosslessNumber || typeof v === 'number' || typeof v === 'bigint') {
    const text = v.toString();
    if (type === 'uint256' || type === 'int256') return parseValue(type, text);
    if (type === 'string') return text;
    throw new CheatError(`cannot read the number ${text} as ${type}`);
  }
  if (typeof v === 'boolean') {
    if (type === 'bool') return v;
    if (type === 'string') return String(v);
    throw new CheatError(`cannot read ${v} as ${type}`);
  }
  if (typeof v === 'string') return type === 'string' ? v : parseValue(type, v);
  throw new CheatError(`cannot read ${JSON.stringify(v)} as ${type}`);
}

/** A string as forge's parse and env cheatcodes read it. */
function parseValue(type: string, text: string): unknown {
  const bad = (): never => { throw new CheatError(`failed parsing ${JSON.stringify(text)} as type \`${type}\``); };
  switch (type) {
    case 'bool':
      if (text === 'true' || text === 'True' || text === 'TRUE') return true;
      if (text === 'false' || text === 'False' || text === 'FALSE') return false;
      return bad();
    case 'uint256':
      if (/^0x[0-9a-fA-F]+$/.test(text) || /^\d+$/.test(text)) return BigInt(text);
      return bad();
    case 'int256':
      if (/^-?\d+$/.test(text)) return BigInt(text);
      if (/^-?0x[0-9a-fA-F]+$/.test(text)) return text.startsWith('-') ? -BigInt(text.slice(1)) : BigInt(text);
      return bad();
    case 'address':
      if (/^(0x)?[0-9a-fA-F]{40}$/.test(text)) return getAddress(text.startsWith('0x') ? text : `0x${text}`);
      return bad();
    case 'bytes32': {
      const h = text.startsWith('0x') ? text.slice(2) : text;
      if (!/^[0-9a-fA-F]*$/.test(h) || h.length > 64 || h.length % 2 === 1) return bad();
      return `0x${h.padEnd(64, '0')}`;
    }
    case 'bytes': {
      const h = text.startsWith('0x') ? text.slice(2) : text;
      if (!/^[0-9a-fA-F]*$/.test(h) || h.length % 2 === 1) return bad();
      return `0x${h}`;
    }
    default:
      return text;
  }
}
