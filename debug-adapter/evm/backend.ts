// The EVM backend: launch configuration -> compiled project -> deployed contract -> set-up calls ->
// the recorded debugged call, as an Execution.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Backend, ExceptionFilter, Execution, LaunchConfig, Progress, Report } from '../core/execution.ts';
import { UserError } from '../core/errors.ts';
import { encodeArgs, encodeCall, findFunction, hexToBytes, signatureOf } from './run/abi.ts';
import { decodeRevert } from './decode/index.ts';
import { ACCOUNTS, Chain, deploy, linkedInitCode } from './run/chain.ts';
import type { AbiItem, CompiledContract, CompiledProject } from '../../language/solidity/compile.ts';
import { compileProject } from '../../language/solidity/compile-project.ts';
import { loadFoundryProject } from '../../language/solidity/foundry.ts';
import { storageSnapshot } from './record/storage-snapshot.ts';
import { SolidityProjectError } from '../../language/solidity/errors.ts';
import { EvmExecution } from './debug/execution.ts';
import { recordLaunchCall } from './record/record-launch.ts';
import { openEvmRecording } from './debug/saved.ts';
import { collectPreimages, type EarlierPreimage } from './record/preimages.ts';
import { DEFAULT_GAS_LIMIT, parseEvmLaunch, type EvmLaunchOptions } from './launch-options.ts';
import { launchReplay } from './replay/launch.ts';
import { launchFoundryTest } from './foundry/launch.ts';
import { foundryTestCommand } from './foundry/test-command.ts';

export { DEFAULT_GAS_LIMIT };

/** EIP-170: the most runtime code a contract may have on Ethereum since Spurious Dragon. */
export const MAX_CODE_SIZE = 24_576;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
  /** KECCAK256 inputs of deployment and set-up, by hash. */
  readonly preimages: ReadonlyMap<bigint, EarlierPreimage>;
}

export async function prepareCall(config: LaunchConfig, progress: Progress, cancel: AbortSignal, report: Report = () => {}): Promise<PreparedCall> {
  return prepare(parseEvmLaunch(config), progress, cancel, report);
}

/** Compiles what `program` names (a Foundry project as it is, or sources with the launch's settings) and says what was compiled. */
export async function compileLaunchProject(o: EvmLaunchOptions, progress: Progress, report: Report): Promise<CompiledProject> {
  progress('Compiling', 0);
  let project: CompiledProject;
  try {
    const compilerSource = { binUrl: o.solcBinUrl, cacheDir: o.solcCache, onProgress: (m: string) => progress(m, 0.05) };
    const folder = resolve(o.cwd ?? process.cwd(), o.program);
    // A Foundry project folder as it is: its fresh artifacts, or forge's build, or its own settings.
    project = existsSync(join(folder, 'foundry.toml')) && statSync(folder).isDirectory() && o.solcVersion === undefined && o.remappings === undefined
      ? (await loadFoundryProject(folder, { ...compilerSource, scope: 'src' })).compiled
      : await compileProject({ program: o.program, cwd: o.cwd, remappings: o.remappings ? [...o.remappings] : undefined, solcVersion: o.solcVersion, ...compilerSource });
  } catch (e) {
    // The user fixes these in their project: shown as is, the adapter keeps running.
    if (e instanceof SolidityProjectError) throw new UserError(e.message);
    throw e;
  }
  const sources = plural(project.sources.length, 'source');
  const contracts = plural(project.contracts.length, 'contract');
  const compiler = project.compilerVersion ? ` (solc ${project.compilerVersion})` : '';
  report(
    project.reusedOutput
      ? `Using the build of ${project.buildInfo}: ${contracts} from ${sources}${compiler}`
      : `Compiled ${sources}${project.buildInfo ? ` with the settings of ${project.buildInfo}` : ''}${compiler}: ${contracts}`,
  );
  for (const w of project.warnings) report(w, 'warning');
  return project;
}

async function prepare(o: EvmLaunchOptions, progress: Progress, cancel: AbortSignal, report: Report): Promise<PreparedCall> {
  const { from, value, gasLimit, setup } = o;
  const fnName = o.function;
  const project = await compileLaunchProject(o, progress, report);
  const contract = chooseContract(project, o.contract, fnName);
  if (!fnName) {
    const list = contract.abi.filter((i) => i.type === 'function').map(signatureOf).join(', ');
    throw new UserError(`function: which function of ${contract.name} should run? Available: ${list || '(none)'}`);
  }
  const fn = findFunction(contract.abi, fnName, contract.name);
  const calldata = encodeCall(fn, o.args, 'args');
  const ctor = contract.abi.find((i) => i.type === 'constructor');
  const ctorArgs = encodeArgs(ctor?.inputs ?? [], o.constructorArgs, 'constructorArgs', `${contract.name}'s constructor`);
  if (cancel.aborted) throw new UserError('cancelled');

  progress(`Deploying ${contract.name}`, 0.2);
  const chain = await Chain.create();
  // Deployment and set-up are not what the user debugs: a small `gasLimit` must not starve them.
  const setupGas = gasLimit > DEFAULT_GAS_LIMIT ? gasLimit : DEFAULT_GAS_LIMIT;
  const initCode = await linkedInitCode(chain, contract, project.contracts, from, setupGas, new Map());
  const abis = project.contracts.map((c) => c.abi);
  // Mapping keys the constructor and set-up calls hash are known only from those calls: keep them.
  const preimages = new Map<bigint, EarlierPreimage>();
  const address = await collectPreimages(chain.evm, 'the constructor', preimages, () =>
    deploy(chain, contract.name, hexToBytes(initCode + ctorArgs.slice(2)), from, o.constructorValue, setupGas, abis));
  const size = (await chain.code(address)).length;
  report(`Deployed ${contract.name} at ${address} from ${from} (${size} bytes of runtime code)`);
  if (size > MAX_CODE_SIZE) {
    report(
      `${contract.name}'s runtime code is ${size} bytes, over the ${MAX_CODE_SIZE}-byte limit of EIP-170: Ethereum and most chains would refuse to deploy it. Chainstep deploys it anyway so you can debug it; enable the optimizer or split the contract before deploying for real.`,
      'warning',
    );
  }

  for (const s of setup) {
    const field = s.field;
    const sfn = findFunction(contract.abi, s.function, contract.name, `${field}.function`);
    const data = encodeCall(sfn, s.args, `${field}.args`);
    const result = await collectPreimages(chain.evm, `${field} ${signatureOf(sfn)}`, preimages, () =>
      chain.call({ from: s.from, to: address, data, value: s.value, gasLimit: setupGas }));
    const error = result.execResult.exceptionError;
    if (error) {
      const why = error.error === 'revert' ? decodeRevert(result.execResult.returnValue, abis).summary : error.error;
      throw new UserError(`${field}: ${signatureOf(sfn)} failed: ${why}`);
    }
    report(`Set up: ${signatureOf(sfn)} returned (gas used: ${result.execResult.executionGasUsed})`);
  }

  if (value > 0n) {
    const balance = await chain.balance(from);
    if (balance < value) throw new UserError(`value: ${value} wei is more than the balance of ${from} (${balance} wei); send from a prefunded account ("from": 0-9, or an address such as ${ACCOUNTS[0]})`);
  }
  return { project, contract, fn, chain, address, from, calldata, value, gasLimit, preimages };
}

export async function launchEvm(config: LaunchConfig, progress: Progress, cancel: AbortSignal, report: Report = () => {}): Promise<EvmExecution> {
  const options = parseEvmLaunch(config);
  // `rpcUrl` + `txHash`: a mined transaction replayed from a node, debugged with the workspace's sources.
  if (options.replay) return launchReplay(options, options.replay, () => compileLaunchProject(options, progress, report), progress, cancel, report);
  const { project, contract, fn, chain, address, from, calldata, value, gasLimit, preimages } = await prepare(options, progress, cancel, report);
  report(`Calling ${contract.name}.${signatureOf(fn)} from ${from}${value > 0n ? ` with ${value} wei` : ''} (gas limit ${gasLimit})`);
  progress(`Running ${contract.name}.${fn.name}`, 0.3);
  const initialStorage = storageSnapshot(chain);
  const recording = await recordLaunchCall(chain.evm, () => chain.call({ from, to: address, data: calldata, value, gasLimit }), { cancel, maxSteps: options.maxSteps, gasLimit, progress });
  progress('Indexing the recording', 0.95);
  for (const [hash, p] of preimages) recording.earlierPreimages.set(hash, p);
  return new EvmExecution({ project, recording, fn, initialStorage, title: `${contract.name}.${signatureOf(fn)}` });
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

/** Solidity's failures. Kinds are those EvmExecution reports; out of gas and invalid opcodes share a filter. */
const EVM_EXCEPTION_FILTERS: readonly ExceptionFilter[] = [
  { id: 'revert', label: 'Reverts', description: 'Stop where a call reverts (require, revert, custom errors).', default: true, kinds: ['revert'] },
  { id: 'panic', label: 'Panics', description: 'assert, arithmetic overflow, division by zero, out-of-bounds access.', default: true, kinds: ['panic'] },
  { id: 'outOfGas', label: 'Out of gas / invalid', description: 'Out of gas, or an invalid instruction.', default: true, kinds: ['outOfGas', 'invalid'] },
  {
    id: 'caught',
    label: 'Also caught failures',
    description: 'Also stop on failures a caller catches (try/catch, low-level call); otherwise only uncaught ones stop.',
    default: false,
  },
];

export const evmBackend: Backend = {
  programs: 'a .sol file, a folder of Solidity sources, or a Foundry or Hardhat project',
  exceptionFilters: EVM_EXCEPTION_FILTERS,
  accepts: (config) => (typeof config.program === 'string' && looksSolidity(config.program, config.cwd)) || (config.txHash !== undefined && config.rpcUrl !== undefined),
  // `test` names a Foundry test ("CounterTest.test_Increment"): run as forge runs it, with cheatcodes.
  launch: (config, progress, cancel, report): Promise<Execution> =>
    (config.test !== undefined ? launchFoundryTest(config, progress, cancel) : launchEvm(config, progress, cancel, report)),
  commands: [foundryTestCommand],
  vm: 'evm',
  openRecording: async (saved, progress) => {
    progress('Indexing the recording', 0.5);
    const { info, output } = openEvmRecording(saved);
    const execution = new EvmExecution(info);
    // The Debug Console lines as they were (a Foundry test adds console.log lines and forge's verdict).
    execution.output.splice(0, execution.output.length, ...output);
    return execution;
  },
};
