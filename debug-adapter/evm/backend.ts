// The EVM backend: launch configuration -> compiled project -> deployed contract -> set-up calls ->
// the recorded debugged call, as an Execution.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import type { Backend, Execution, LaunchConfig, Progress } from '../core/execution.ts';
import { UserError } from '../core/errors.ts';
import { encodeArgs, encodeCall, findFunction, hexToBytes, signatureOf } from './run/abi.ts';
import { decodeRevert } from './decode/index.ts';
import { ACCOUNTS, Chain, deploy, linkedInitCode } from './run/chain.ts';
import { compile, type AbiItem, type CompiledContract, type CompiledProject } from './build/compile.ts';
import { EvmExecution } from './debug/execution.ts';
import { Cancelled, record, TooManySteps } from './record/recorder.ts';
import { launchFoundryTest } from './foundry/launch.ts';

export const DEFAULT_GAS_LIMIT = 30_000_000n;
/** Gas is recorded per step in 32 bits. */
const MAX_GAS_LIMIT = 0xffffffffn;

function isAddress(v: unknown): v is string {
  return typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v);
}

function parseAmount(v: unknown, field: string): bigint {
  if (v === undefined) return 0n;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(\d+|0x[0-9a-fA-F]+)$/.test(v.trim())) return BigInt(v.trim());
  throw new UserError(`${field}: expected an amount of wei as a decimal string, got ${JSON.stringify(v)}`);
}

function parseFrom(v: unknown, field: string): string {
  if (v === undefined) return ACCOUNTS[0]!;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < ACCOUNTS.length) return ACCOUNTS[v]!;
  if (!isAddress(v)) throw new UserError(`${field}: expected a 0x-prefixed 20-byte address (or an index 0-9 of the prefunded accounts), got ${JSON.stringify(v)}`);
  return v.toLowerCase();
}

function hasCode(c: CompiledContract): boolean {
  return c.bytecode.object.length > 0;
}

/** The contract to debug: `contract` by name ("Vault" or "src/Vault.sol:Vault"), else the one in `program` with `function`, else the last. */
export function chooseContract(project: CompiledProject, wanted: unknown, fn: string | undefined): CompiledContract {
  const deployable = project.contracts.filter(hasCode);
  if (wanted !== undefined) {
    if (typeof wanted !== 'string' || wanted === '') throw new UserError('contract: expected a contract name');
    const [unit, name] = wanted.includes(':') ? [wanted.slice(0, wanted.lastIndexOf(':')), wanted.slice(wanted.lastIndexOf(':') + 1)] : [undefined, wanted];
    const found = project.contracts.filter((c) => c.name === name && (!unit || c.sourceUnit === unit || c.sourceUnit.endsWith(`/${unit}`)));
    if (found.length === 0) throw new UserError(`contract: no contract "${wanted}"; compiled: ${deployable.map((c) => c.name).join(', ') || '(none)'}`);
    if (found.length > 1) throw new UserError(`contract: "${wanted}" is ambiguous; use "<file>:${name}": ${found.map((c) => `${c.sourceUnit}:${c.name}`).join(', ')}`);
    if (!hasCode(found[0]!)) throw new UserError(`contract: ${wanted} is abstract or an interface and cannot be deployed`);
    return found[0]!;
  }
  const inTargets = deployable.filter((c) => project.targets.includes(c.sourceUnit));
  const pool = inTargets.length > 0 ? inTargets : deployable;
  // Libraries are deployed for their users, not debugged by default.
  const contractsOnly = pool.filter((c) => c.kind !== 'library');
  const candidates = contractsOnly.length > 0 ? contractsOnly : pool;
  if (candidates.length === 0) throw new UserError('contract: nothing deployable was compiled (only interfaces, abstract contracts or libraries?)');
  if (fn) {
    const name = fn.includes('(') ? fn.slice(0, fn.indexOf('(')) : fn;
    const having = candidates.filter((c) => c.abi.some((i) => i.type === 'function' && i.name === name.trim()));
    if (having.length > 0) return having[having.length - 1]!;
  }
  return candidates[candidates.length - 1]!;
}

export function storageSnapshot(chain: { readonly evm: { readonly stateManager: unknown } }): (address: string, slot: bigint) => bigint {
  const sm = chain.evm.stateManager;
  if (!(sm instanceof SimpleStateManager)) return () => 0n;
  // SimpleStateManager keeps storage in one flat map ("<address>_<slot word>" -> value bytes); a copy of it
  // before the call answers "what was this slot before" for slots the call never touched.
  const copy = new Map((sm as unknown as { topStorageStack(): Map<string, Uint8Array> }).topStorageStack());
  return (address, slot) => {
    const v = copy.get(`${address}_0x${slot.toString(16).padStart(64, '0')}`);
    if (!v) return 0n;
    let n = 0n;
    for (const b of v) n = (n << 8n) | BigInt(b);
    return n;
  };
}

function optionalString(config: LaunchConfig, field: string): string | undefined {
  const v = config[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UserError(`${field}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/** Everything before the debugged call: compiled, deployed, set up. */
export interface PreparedCall {
  readonly project: CompiledProject;
  readonly contract: CompiledContract;
  readonly fn: AbiItem;
  readonly chain: Chain;
  readonly address: string;
  readonly from: string;
  readonly calldata: Uint8Array;
  readonly value: bigint;
  readonly gasLimit: bigint;
}

export async function prepareCall(config: LaunchConfig, progress: Progress, cancel: AbortSignal): Promise<PreparedCall> {
  if (typeof config.program !== 'string' || config.program === '') throw new UserError('program: expected the path of a .sol file or a folder');
  const fnName = optionalString(config, 'function');
  const remappings = config.remappings;
  if (remappings !== undefined && (!Array.isArray(remappings) || !remappings.every((r) => typeof r === 'string'))) {
    throw new UserError('remappings: expected an array of strings like "@oz/=lib/openzeppelin-contracts/"');
  }
  const gasLimit = config.gasLimit === undefined ? DEFAULT_GAS_LIMIT : parseAmount(config.gasLimit, 'gasLimit');
  if (gasLimit <= 21_000n || gasLimit > MAX_GAS_LIMIT) throw new UserError(`gasLimit: expected a number between 21000 and ${MAX_GAS_LIMIT}, got ${String(config.gasLimit)}`);
  const from = parseFrom(config.from, 'from');
  const value = parseAmount(config.value, 'value');
  const setup = config.setup ?? [];
  if (!Array.isArray(setup)) throw new UserError('setup: expected an array of { function, args, value, from }');

  progress('Compiling', 0);
  const project = compile({ program: config.program, cwd: config.cwd, remappings: remappings as string[] | undefined });
  const contract = chooseContract(project, config.contract, fnName);
  if (!fnName) {
    const list = contract.abi.filter((i) => i.type === 'function').map(signatureOf).join(', ');
    throw new UserError(`function: which function of ${contract.name} should run? Available: ${list || '(none)'}`);
  }
  const fn = findFunction(contract.abi, fnName, contract.name);
  const calldata = encodeCall(fn, config.args ?? [], 'args');
  const ctor = contract.abi.find((i) => i.type === 'constructor');
  const ctorArgs = encodeArgs(ctor?.inputs ?? [], config.constructorArgs ?? [], 'constructorArgs', `${contract.name}'s constructor`);
  if (cancel.aborted) throw new UserError('cancelled');

  progress(`Deploying ${contract.name}`, 0.2);
  const chain = await Chain.create();
  // Deployment and set-up are not what the user debugs: a small `gasLimit` must not starve them.
  const setupGas = gasLimit > DEFAULT_GAS_LIMIT ? gasLimit : DEFAULT_GAS_LIMIT;
  const initCode = await linkedInitCode(chain, contract, project.contracts, from, setupGas, new Map());
  const abis = project.contracts.map((c) => c.abi);
  const address = await deploy(chain, contract.name, hexToBytes(initCode + ctorArgs.slice(2)), from, parseAmount(config.constructorValue, 'constructorValue'), setupGas, abis);

  for (const [i, raw] of setup.entries()) {
    const field = `setup[${i}]`;
    if (!raw || typeof raw !== 'object') throw new UserError(`${field}: expected { function, args, value, from }`);
    const s = raw as Record<string, unknown>;
    if (typeof s.function !== 'string') throw new UserError(`${field}.function: expected a function name or signature`);
    const sfn = findFunction(contract.abi, s.function, contract.name, `${field}.function`);
    const data = encodeCall(sfn, s.args ?? [], `${field}.args`);
    const result = await chain.call({ from: parseFrom(s.from, `${field}.from`), to: address, data, value: parseAmount(s.value, `${field}.value`), gasLimit: setupGas });
    const error = result.execResult.exceptionError;
    if (error) {
      const why = error.error === 'revert' ? decodeRevert(result.execResult.returnValue, abis).summary : error.error;
      throw new UserError(`${field}: ${signatureOf(sfn)} failed: ${why}`);
    }
  }

  if (value > 0n) {
    const balance = await chain.balance(from);
    if (balance < value) throw new UserError(`value: ${value} wei is more than the balance of ${from} (${balance} wei); send from a prefunded account ("from": 0-9, or an address such as ${ACCOUNTS[0]})`);
  }
  return { project, contract, fn, chain, address, from, calldata, value, gasLimit };
}

export async function launchEvm(config: LaunchConfig, progress: Progress, cancel: AbortSignal): Promise<EvmExecution> {
  const { project, contract, fn, chain, address, from, calldata, value, gasLimit } = await prepareCall(config, progress, cancel);
  progress(`Running ${contract.name}.${fn.name}`, 0.3);
  const initialStorage = storageSnapshot(chain);
  let recorded;
  try {
    recorded = await record(chain.evm, () => chain.call({ from, to: address, data: calldata, value, gasLimit }), {
      cancel,
      maxSteps: typeof config.maxSteps === 'number' && config.maxSteps > 0 ? config.maxSteps : undefined,
      onProgress: (steps, gasLeft) => progress(`Recording: ${(steps / 1e6).toFixed(1)}M steps`, 0.3 + 0.6 * Number(gasLimit - gasLeft) / Number(gasLimit)),
    });
  } catch (e) {
    if (e instanceof Cancelled) throw new UserError('cancelled');
    if (e instanceof TooManySteps) throw new UserError(`${e.message}, more than a recording can hold; lower gasLimit (now ${gasLimit}) to bound it`);
    throw e;
  }
  progress('Indexing the recording', 0.95);
  return new EvmExecution({ project, recording: recorded.recording, fn, initialStorage });
}

function looksSolidity(program: string, cwd: string | undefined): boolean {
  const path = resolve(cwd ?? process.cwd(), program);
  if (program.endsWith('.sol')) return true;
  try {
    if (!statSync(path).isDirectory()) return false;
    if (existsSync(join(path, 'Move.toml'))) return false;
    if (['foundry.toml', 'hardhat.config.ts', 'hardhat.config.js'].some((f) => existsSync(join(path, f)))) return true;
    return readdirSync(path).some((f) => f.endsWith('.sol')) || (existsSync(join(path, 'src')) && readdirSync(join(path, 'src')).some((f) => f.endsWith('.sol')));
  } catch {
    return false;
  }
}

export const evmBackend: Backend = {
  accepts: (config) => typeof config.program === 'string' && looksSolidity(config.program, config.cwd),
  // `test` names a Foundry test ("CounterTest.test_Increment"): run as forge runs it, with cheatcodes.
  launch: (config, progress, cancel): Promise<Execution> => (config.test !== undefined ? launchFoundryTest(config, progress, cancel) : launchEvm(config, progress, cancel)),
};
