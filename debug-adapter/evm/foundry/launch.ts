// Debugging one Foundry test: `program` is the project (or a file in it), `test` is "Contract.function".
// The test file is compiled with the project's remappings, the test contract deployed and set up as forge
// does, and the test call recorded like any call: breakpoints in the test and in the contracts it calls,
// console.log lines in the Debug Console. A fuzz test runs its campaign (same seed as `chainstep test`)
// and the first failing input is the one recorded.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { encodeFunctionData, getAddress, type Abi } from 'viem';
import type { LaunchConfig, Progress } from '../../core/execution.ts';
import { UserError } from '../../core/errors.ts';
import { compile, type AbiItem, type CompiledProject } from '../../../language/solidity/compile.ts';
import { EvmExecution } from '../debug/execution.ts';
import { Cancelled, DEFAULT_MAX_STEPS, record } from '../record/recorder.ts';
import { maxSteps } from '../../core/launch-fields.ts';
import { storageSnapshot } from '../record/storage-snapshot.ts';
import { ASSUME_MAGIC, CHEATCODE_ADDRESS, GLOBAL_FAIL_SLOT } from './cheatcodes.ts';
import { CONSOLE_ADDRESS, decodeConsoleLog } from './console.ts';
import { DEFAULT_SENDER } from './environment.ts';
import { findFoundryRoot, loadFoundryConfig, type FoundryArtifact } from './project.ts';
import { DEFAULT_FUZZ_SEED, failureReason, fuzzInputs, linkedBytecode, prepareChain } from './runner.ts';

/** The .sol file under the test folder that declares `contract <name>`. */
export function findTestFile(dir: string, name: string): string | undefined {
  const declares = new RegExp(`\\bcontract\\s+${name.replace(/[^\w$]/g, '')}\\b`);
  const walk = (d: string): string | undefined => {
    let entries: string[];
    try { entries = readdirSync(d).sort(); } catch { return undefined; }
    for (const e of entries) {
      const path = join(d, e);
      if (statSync(path).isDirectory()) { const f = walk(path); if (f) return f; } else if (e.endsWith('.sol') && declares.test(readFileSync(path, 'utf8'))) return path;
    }
    return undefined;
  };
  return walk(dir);
}

/** Compiled contracts in the artifact shape the test runner deploys from. */
export function artifactsOf(project: CompiledProject): FoundryArtifact[] {
  return project.contracts.map((c) => ({
    name: c.name, sourceUnit: c.sourceUnit, abi: c.abi,
    bytecode: c.bytecode.object ? `0x${c.bytecode.object.replace(/^0x/, '')}` : '0x',
    deployedBytecode: c.deployedBytecode.object ? `0x${c.deployedBytecode.object.replace(/^0x/, '')}` : '0x',
    linkReferences: c.bytecode.linkReferences,
  }));
}

const hexToBytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'));

export async function launchFoundryTest(config: LaunchConfig, progress: Progress, cancel: AbortSignal): Promise<EvmExecution> {
  if (typeof config.program !== 'string' || config.program === '') throw new UserError('program: expected the Foundry project folder');
  if (typeof config.test !== 'string' || !/^[\w$]+\.[\w$]+(\(.*\))?$/.test(config.test)) {
    throw new UserError(`test: expected "<TestContract>.<testFunction>", e.g. "CounterTest.test_Increment", got ${JSON.stringify(config.test)}`);
  }
  const root = findFoundryRoot(resolve(config.cwd ?? process.cwd(), config.program));
  if (!root) throw new UserError(`program: no foundry.toml at or above ${config.program}`);
  const foundry = loadFoundryConfig(root);
  const [contractName, fnText] = [config.test.slice(0, config.test.indexOf('.')), config.test.slice(config.test.indexOf('.') + 1)];
  const file = findTestFile(join(root, foundry.test), contractName) ?? findTestFile(root, contractName);
  if (!file) throw new UserError(`test: no contract ${contractName} under ${join(root, foundry.test)}`);

  progress('Compiling', 0);
  const project = compile({ program: relative(root, file).split(sep).join('/'), cwd: root, remappings: foundry.remappings, optimizer: foundry.raw.optimizer === true });
  const contract = project.contracts.find((c) => c.name === contractName && c.bytecode.object.length > 0);
  if (!contract) throw new UserError(`test: ${contractName} was not compiled from ${file} (abstract?)`);
  const fnName = fnText.includes('(') ? fnText.slice(0, fnText.indexOf('(')) : fnText;
  const fn = contract.abi.find((i) => i.type === 'function' && i.name === fnName);
  if (!fn) {
    const tests = contract.abi.filter((i) => i.type === 'function' && /^test/.test(i.name ?? '')).map((i) => i.name).join(', ');
    throw new UserError(`test: ${contractName} has no function ${fnName}; its tests: ${tests || '(none)'}`);
  }
  if (cancel.aborted) throw new UserError('cancelled');

  progress(`Deploying ${contractName}`, 0.2);
  const artifacts = artifactsOf(project);
  const abis = artifacts.map((a) => a.abi);
  const chain = await prepareChain(foundry, artifacts);
  try {
    const own = artifacts.find((a) => a.name === contractName && a.sourceUnit === contract.sourceUnit)!;
    const linked = await linkedBytecode(chain, own, artifacts);
    if (typeof linked !== 'string') throw new UserError(`test: library ${linked.missing} needed by ${contractName} was not compiled`);
    const deployed = await chain.deployTestContract(hexToBytes(linked));
    if (deployed.reverted) throw new UserError(`Deploying ${contractName} failed: ${failureReason(deployed.returnValue, abis)}`);
    const setUp = contract.abi.find((i) => i.type === 'function' && i.name === 'setUp' && (i.inputs?.length ?? 0) === 0);
    const setUpLines: string[] = [];
    if (setUp) {
      chain.vm.resetForTest();
      const r = await chain.transact(DEFAULT_SENDER, deployed.address, hexToBytes(encodeFunctionData({ abi: [setUp] as Abi, functionName: 'setUp' })));
      setUpLines.push(...chain.vm.consoleLines);
      if (r.reverted) throw new UserError(`setUp() failed: ${failureReason(r.returnValue, abis)}`);
    }
    const calldata = (fn.inputs?.length ?? 0) === 0
      ? hexToBytes(encodeFunctionData({ abi: [fn] as Abi, functionName: fnName }))
      : await fuzzInput(chain, deployed.address, fn, foundry.fuzzRuns, foundry.fuzzSeed ?? DEFAULT_FUZZ_SEED, abis, progress);

    progress(`Running ${contractName}.${fnName}`, 0.3);
    chain.vm.resetForTest();
    const initialStorage = storageSnapshot(chain);
    let recorded;
    try {
      recorded = await record(chain.evm, () => chain.transact(DEFAULT_SENDER, deployed.address, calldata), { cancel, maxSteps: maxSteps(config, DEFAULT_MAX_STEPS) });
    } catch (e) {
      if (e instanceof Cancelled) throw new UserError('cancelled');
      throw e;
    }
    progress('Indexing the recording', 0.95);
    // Labels given in setUp or the test (vm.label, makeAddr) name frames, and are listed in the Debug Console.
    const labels = new Map(chain.vm.labels);
    const execution = new EvmExecution({ project, recording: recorded.recording, fn: fn as AbiItem, initialStorage, labels, title: config.test });
    // console.log calls are calls to the console address: their line goes where the call was made.
    for (const ctx of recorded.recording.contexts) {
      if (ctx.address !== CONSOLE_ADDRESS || ctx.callStep < 0) continue;
      const line = decodeConsoleLog(ctx.calldata);
      if (line !== undefined) execution.output.push({ step: ctx.callStep, text: line });
    }
    execution.output.sort((a, b) => a.step - b.step);
    for (const line of setUpLines.reverse()) execution.output.unshift({ step: 0, text: `setUp: ${line}` });
    if (labels.size > 0) execution.output.unshift({ step: 0, text: `labels: ${[...labels].map(([a, l]) => `${l} = ${getAddress(a)}`).join(', ')}` });
    // What forge would say about a call that did not revert: unmet expectations or a failed assertion flag.
    const r = recorded.result;
    if (!r) {
      // Stopped at maxSteps: the recording says so (its first output line); there is no verdict.
      execution.output.push({ step: Math.max(0, execution.stepCount - 1), text: `[NOT FINISHED] ${config.test}` });
    } else if (!r.reverted) {
      const unmet = chain.vm.unmetExpectations() ?? ((await chain.storage(CHEATCODE_ADDRESS, GLOBAL_FAIL_SLOT)) !== 0n ? 'assertion failed' : undefined);
      execution.output.push({ step: Math.max(0, execution.stepCount - 1), text: unmet ? `[FAIL: ${unmet}] ${config.test}` : `[PASS] ${config.test} (gas: ${r.gas})` });
    } else {
      execution.output.push({ step: Math.max(0, execution.stepCount - 1), text: `[FAIL: ${failureReason(r.returnValue, abis)}] ${config.test}` });
    }
    return execution;
  } finally {
    chain.dispose();
  }
}

/** The first failing input of the fuzz campaign (else its first accepted input): the one worth debugging. */
async function fuzzInput(
  chain: Awaited<ReturnType<typeof prepareChain>>, address: string, fn: AbiItem, runs: number, seed: bigint,
  abis: readonly (readonly AbiItem[])[], progress: Progress,
): Promise<Uint8Array> {
  let first: Uint8Array | undefined;
  let accepted = 0, tried = 0;
  for (const input of fuzzInputs(fn, seed)) {
    if (accepted >= runs || tried++ > 65536) break;
    await chain.checkpoint();
    chain.vm.resetForTest();
    try {
      const r = await chain.transact(DEFAULT_SENDER, address, input.calldata);
      if (r.reverted && Buffer.from(r.returnValue).equals(Buffer.from(ASSUME_MAGIC))) continue;
      accepted++;
      first ??= input.calldata;
      const failed = r.reverted || chain.vm.unmetExpectations() !== undefined || (await chain.storage(CHEATCODE_ADDRESS, GLOBAL_FAIL_SLOT)) !== 0n;
      if (failed) {
        progress(`Fuzz run ${accepted} failed (${failureReason(r.returnValue, abis)}): debugging that input`, 0.25);
        return input.calldata;
      }
    } finally {
      await chain.restore();
    }
  }
  if (!first) throw new UserError(`test: vm.assume rejected every input of ${fn.name}`);
  return first;
}
