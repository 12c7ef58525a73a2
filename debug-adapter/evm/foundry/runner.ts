// Runs a Foundry project's tests the way `forge test` does: every contract under the test folder with
// `test*` functions is deployed on a fresh TestChain, `setUp()` runs once, and each test runs from the state
// after setUp. Unit tests report forge's gas; fuzz tests run the configured number of runs with a seeded
// generator and keep the first failing input.
import { keccak_256 } from '@noble/hashes/sha3.js';
import { encodeFunctionData, decodeErrorResult, type Abi } from 'viem';
import type { AbiItem, AbiParam } from '../../../language/solidity/compile.ts';
import { signatureOf } from '../run/abi.ts';
import { decodeRevert } from '../decode/index.ts';
import { ASSUME_MAGIC, GLOBAL_FAIL_SLOT, CHEATCODE_ADDRESS } from './cheatcodes.ts';
import { DEFAULT_SENDER, LIBRARY_DEPLOYER, TestChain } from './environment.ts';
import { FsPermissions } from './fs-permissions.ts';
import { generateArgs, Random } from './fuzz.ts';
import type { FoundryArtifact, FoundryConfig } from './project.ts';

export interface TestResult {
  readonly name: string;
  readonly signature: string;
  readonly status: 'Success' | 'Failure' | 'Skipped';
  readonly reason?: string;
  readonly gas?: bigint;
  readonly fuzz?: { readonly runs: number; readonly mean: bigint; readonly median: bigint };
  readonly counterexample?: { readonly calldata: string; readonly args: readonly unknown[] };
  readonly logs: readonly string[];
}

export interface SuiteResult {
  /** "test/Counter.t.sol:CounterTest", forge's key. */
  readonly id: string;
  readonly contract: string;
  readonly sourceUnit: string;
  readonly tests: TestResult[];
  readonly durationMs: number;
}

export interface RunOptions {
  readonly matchTest?: RegExp;
  readonly matchContract?: RegExp;
  readonly noMatchTest?: RegExp;
  readonly fuzzSeed?: bigint;
}

export const TEST_FAIL_REMOVED = '`testFail*` has been removed. Consider changing to test_Revert[If|When]_Condition and expecting a revert';

/** Default seed when foundry.toml names none: runs repeat (forge picks a random one; we prefer reproducible). */
export const DEFAULT_FUZZ_SEED = 0x636861696e73746570n;

export function isTestFunction(item: AbiItem): boolean {
  return item.type === 'function' && typeof item.name === 'string' && /^test/.test(item.name);
}

/** Contracts forge treats as test suites: deployable, in the test folder, with test functions. */
export function testContracts(foundry: FoundryConfig, artifacts: readonly FoundryArtifact[]): FoundryArtifact[] {
  const testDir = foundry.test.replace(/\/$/, '') + '/';
  return artifacts.filter((a) => a.sourceUnit.startsWith(testDir) && a.bytecode.length > 2 && a.abi.some(isTestFunction));
}

const hexToBytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.startsWith('0x') ? h.slice(2) : h, 'hex'));
const bytesToHex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;

/** Panic codes in forge's words (its failure lines are what users compare against). */
const FORGE_PANICS: ReadonlyMap<bigint, string> = new Map([
  [0x00n, 'generic/unspecified error'], [0x01n, 'assertion failed'], [0x11n, 'arithmetic underflow or overflow'],
  [0x12n, 'division or modulo by zero'], [0x21n, 'failed to convert value into enum type'],
  [0x22n, 'storage byte array that is incorrectly encoded'], [0x31n, "called `.pop()` on an empty array"],
  [0x32n, 'array out-of-bounds access'], [0x41n, 'out of memory'], [0x51n, 'called a zero-initialized variable of internal function type'],
]);

/** A failure reason as forge prints it: Error(string) as its text, custom errors by name, else decoded or hex. */
export function failureReason(data: Uint8Array, abis: readonly (readonly AbiItem[])[]): string {
  if (data.length === 0) return 'EvmError: Revert';
  const sel = bytesToHex(data.subarray(0, 4));
  if (sel === '0xeeaa9e6f') {
    try {
      const r = decodeErrorResult({ abi: [{ type: 'error', name: 'CheatcodeError', inputs: [{ type: 'string', name: 'message' }] }] as Abi, data: bytesToHex(data) as `0x${string}` });
      return String(r.args?.[0]);
    } catch { /* fall through */ }
  }
  const r = decodeRevert(data, abis);
  if (r.kind === 'error') return r.message ?? r.summary;
  if (r.kind === 'panic') return `panic: ${FORGE_PANICS.get(r.panicCode!) ?? 'unknown panic'} (0x${r.panicCode!.toString(16).padStart(2, '0')})`;
  if (r.kind === 'raw' && /^[\x20-\x7e]+$/.test(Buffer.from(data).toString('latin1'))) return Buffer.from(data).toString('latin1');
  return r.summary;
}

/**
 * The test contract's init code with its external libraries deployed (by forge's library deployer, in link
 * order) and their addresses written into the placeholders. Undefined with the reason when one is missing.
 */
export async function linkedBytecode(chain: TestChain, artifact: FoundryArtifact, all: readonly FoundryArtifact[], deployed = new Map<string, string>()): Promise<string | { missing: string }> {
  let code = artifact.bytecode.replace(/^0x/, '');
  for (const [file, libs] of Object.entries(artifact.linkReferences)) {
    for (const [name, positions] of Object.entries(libs)) {
      const key = `${file}:${name}`;
      let address = deployed.get(key);
      if (!address) {
        const lib = all.find((a) => a.sourceUnit === file && a.name === name);
        if (!lib) return { missing: key };
        const libCode = await linkedBytecode(chain, lib, all, deployed);
        if (typeof libCode !== 'string') return libCode;
        await chain.setBalance(LIBRARY_DEPLOYER, (1n << 256n) - 1n);
        const r = await chain.transact(LIBRARY_DEPLOYER, undefined, hexToBytes(libCode));
        if (r.reverted || !r.createdAddress) return { missing: `${key} (its deployment failed)` };
        address = r.createdAddress;
        deployed.set(key, address);
      }
      for (const p of positions) code = code.slice(0, p.start * 2) + address.slice(2) + code.slice((p.start + p.length) * 2);
    }
  }
  return `0x${code}`;
}

/** Runs one suite (one test contract). */
export async function runSuite(foundry: FoundryConfig, artifact: FoundryArtifact, all: readonly FoundryArtifact[], options: RunOptions = {}): Promise<SuiteResult> {
  const started = performance.now();
  const abis = all.map((a) => a.abi);
  const id = `${artifact.sourceUnit}:${artifact.name}`;
  const selected = artifact.abi.filter(isTestFunction).filter((f) => (!options.matchTest || options.matchTest.test(f.name!)) && !(options.noMatchTest?.test(f.name!)))
    .sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0)); // forge orders by bytes: testFuzz_ before test_
  const done = (tests: TestResult[]): SuiteResult => ({ id, contract: artifact.name, sourceUnit: artifact.sourceUnit, tests, durationMs: performance.now() - started });
  if (selected.length === 0) return done([]);
  // forge 1.x no longer runs `testFail*`: a suite with one fails each of them with this message and runs nothing else.
  const testFail = selected.filter((f) => f.name!.startsWith('testFail'));
  if (testFail.length > 0) return done(testFail.map((f) => ({ name: f.name!, signature: signatureOf(f), status: 'Failure', reason: TEST_FAIL_REMOVED, logs: [] })));
  const setUp = artifact.abi.find((i) => i.type === 'function' && i.name === 'setUp' && (i.inputs?.length ?? 0) === 0);
  const chain = await prepareChain(foundry, all);
  try {
    const code = await linkedBytecode(chain, artifact, all);
    if (typeof code !== 'string') return done([{ name: 'setUp', signature: 'setUp()', status: 'Failure', reason: `library ${code.missing} needed by ${artifact.name} was not compiled`, logs: [] }]);
    const deployed = await chain.deployTestContract(hexToBytes(code));
    if (deployed.reverted) return done([{ name: 'setUp', signature: 'setUp()', status: 'Failure', reason: `deployment failed: ${failureReason(deployed.returnValue, abis)}`, logs: [...chain.vm.consoleLines] }]);
    const address = deployed.address;
    if (setUp) {
      chain.vm.resetForTest();
      const r = await chain.transact(DEFAULT_SENDER, address, hexToBytes(encodeFunctionData({ abi: [setUp] as Abi, functionName: 'setUp' })));
      const unmet = chain.vm.unmetExpectations();
      if (r.reverted || unmet) return done([{ name: 'setUp', signature: 'setUp()', status: 'Failure', reason: `setup failed: ${unmet ?? failureReason(r.returnValue, abis)}`, logs: [...chain.vm.consoleLines] }]);
    }
    const tests: TestResult[] = [];
    for (const fn of selected) {
      tests.push((fn.inputs?.length ?? 0) === 0
        ? await runUnit(chain, address, fn, abis)
        : await runFuzz(chain, address, fn, abis, foundry.fuzzRuns, options.fuzzSeed ?? foundry.fuzzSeed ?? DEFAULT_FUZZ_SEED));
    }
    return done(tests);
  } finally {
    chain.dispose();
  }
}

export async function prepareChain(foundry: FoundryConfig, all: readonly FoundryArtifact[]): Promise<TestChain> {
  return TestChain.create({
    root: foundry.root,
    rpcEndpoints: foundry.rpcEndpoints,
    fsPermissions: new FsPermissions(foundry.root, foundry.raw.fs_permissions, foundry.out),
    artifactCode: (name) => {
      const [file, contract] = name.includes(':') ? name.split(':') : [undefined, name.replace(/\.sol$/, '')];
      const found = all.find((a) => a.name === contract && (!file || a.sourceUnit.endsWith(file)))
        ?? all.find((a) => file !== undefined && a.sourceUnit.endsWith(file) && !contract);
      return found?.bytecode;
    },
    knownNames: vmNames(all),
  });
}

/** Selector -> signature of every function in the project's Vm interfaces, to name unimplemented cheatcodes. */
function vmNames(all: readonly FoundryArtifact[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const a of all) {
    if (a.name !== 'Vm' && a.name !== 'VmSafe') continue;
    for (const item of a.abi) {
      if (item.type !== 'function') continue;
      names.set(selectorOf(item), signatureOf(item));
    }
  }
  return names;
}

function selectorOf(item: AbiItem): string {
  const sig = `${item.name}(${(item.inputs ?? []).map(canonicalType).join(',')})`;
  return `0x${Buffer.from(keccakText(sig)).subarray(0, 4).toString('hex')}`;
}
function canonicalType(p: AbiParam): string {
  if (p.type.startsWith('tuple')) return `(${(p.components ?? []).map(canonicalType).join(',')})${p.type.slice(5)}`;
  return p.type;
}
const keccakText = (s: string): Uint8Array => keccak_256(new TextEncoder().encode(s));

/** What forge decides from a finished test call: the reason it failed, or undefined when it passed. */
async function verdict(chain: TestChain, reverted: boolean, returnValue: Uint8Array, abis: readonly (readonly AbiItem[])[]): Promise<string | undefined> {
  if (reverted) return failureReason(returnValue, abis);
  const unmet = chain.vm.unmetExpectations();
  if (unmet) return unmet;
  if ((await chain.storage(CHEATCODE_ADDRESS, GLOBAL_FAIL_SLOT)) !== 0n) return 'assertion failed';
  return undefined;
}

const isSkip = (data: Uint8Array): boolean => Buffer.from(data).toString('latin1').startsWith('FOUNDRY::SKIP');

async function runUnit(chain: TestChain, address: string, fn: AbiItem, abis: readonly (readonly AbiItem[])[]): Promise<TestResult> {
  const signature = signatureOf(fn);
  await chain.checkpoint();
  chain.vm.resetForTest();
  try {
    const r = await chain.transact(DEFAULT_SENDER, address, hexToBytes(encodeFunctionData({ abi: [fn] as Abi, functionName: fn.name! })));
    if (r.reverted && isSkip(r.returnValue)) return { name: fn.name!, signature, status: 'Skipped', logs: [...chain.vm.consoleLines] };
    const reason = await verdict(chain, r.reverted, r.returnValue, abis);
    return { name: fn.name!, signature, status: reason === undefined ? 'Success' : 'Failure', reason, gas: r.gas, logs: [...chain.vm.consoleLines] };
  } finally {
    await chain.restore();
  }
}

/** Most consecutive rejected inputs (vm.assume) before the fuzzer gives up, as forge's `max_test_rejects`. */
const MAX_REJECTS = 65536;

export interface FuzzCase { readonly calldata: Uint8Array; readonly args: readonly unknown[] }

/** The inputs of a fuzz campaign, in order: the same seed gives the same inputs (the debugger replays them). */
export function* fuzzInputs(fn: AbiItem, seed: bigint): Generator<FuzzCase> {
  const random = new Random(seed);
  for (;;) {
    const args = generateArgs(fn.inputs ?? [], random);
    yield { calldata: hexToBytes(encodeFunctionData({ abi: [fn] as Abi, functionName: fn.name!, args })), args };
  }
}

async function runFuzz(chain: TestChain, address: string, fn: AbiItem, abis: readonly (readonly AbiItem[])[], runs: number, seed: bigint): Promise<TestResult> {
  const signature = signatureOf(fn);
  const gases: bigint[] = [];
  let rejects = 0;
  const stats = (): TestResult['fuzz'] => {
    const sorted = [...gases].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const n = sorted.length;
    const mean = n === 0 ? 0n : sorted.reduce((s, g) => s + g, 0n) / BigInt(n);
    const median = n === 0 ? 0n : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2n;
    return { runs: n, mean, median };
  };
  for (const input of fuzzInputs(fn, seed)) {
    if (gases.length >= runs) break;
    await chain.checkpoint();
    chain.vm.resetForTest();
    try {
      const r = await chain.transact(DEFAULT_SENDER, address, input.calldata);
      if (r.reverted && Buffer.from(r.returnValue).equals(Buffer.from(ASSUME_MAGIC))) {
        if (++rejects > MAX_REJECTS) return { name: fn.name!, signature, status: 'Failure', reason: `\`vm.assume\` rejected too many inputs (${MAX_REJECTS} allowed)`, fuzz: stats(), logs: [] };
        continue;
      }
      if (r.reverted && isSkip(r.returnValue)) return { name: fn.name!, signature, status: 'Skipped', logs: [...chain.vm.consoleLines] };
      gases.push(r.gas);
      const reason = await verdict(chain, r.reverted, r.returnValue, abis);
      if (reason !== undefined) {
        return {
          name: fn.name!, signature, status: 'Failure', reason, fuzz: stats(),
          counterexample: { calldata: bytesToHex(input.calldata), args: input.args }, logs: [...chain.vm.consoleLines],
        };
      }
    } finally {
      await chain.restore();
    }
  }
  return { name: fn.name!, signature, status: 'Success', fuzz: stats(), logs: [] };
}
