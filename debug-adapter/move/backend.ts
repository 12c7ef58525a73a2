// The Move backend: a launch configuration naming a Move build folder (or a package folder with
// `build/<pkg>/`) becomes a recorded MoveExecution, either from a Sui trace file (`trace`) or by running
// `function` with `args` / `typeArgs` in our interpreter with a recording tracer. Both feed one
// recording format (debug/recording.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Backend, ExceptionFilter, Execution, LaunchConfig, OutputLine, Progress, Report } from '../core/execution.ts';
import { traceCommand } from './trace/command.ts';
import { moveCommand } from './build/command.ts';
import { buildOnLaunch, builtWithoutTests, needsBuild } from './build/on-launch.ts';
import { parseMoveLaunch } from './launch-options.ts';
import { UserError } from '../core/errors.ts';
import { loadPackage, type LoadedPackage } from './package/index.ts';
import { readTraceFile } from './trace/reader.ts';
import { MoveVM, type RunResult } from './vm/interpreter.ts';
import { registryProvider, normalizeAddress, type LoadedFunction } from './vm/loader.ts';
import { VMError } from './vm/status.ts';
import { parseArgs, parseTypeArgs } from './vm/args.ts';
import { dummyTxContext } from './vm/natives.ts';
import { CodeTable } from './debug/code.ts';
import { readDisassemblyFolder, type DisassemblyFolder } from './debug/disassembly-files.ts';
import { MoveExecution } from './debug/execution.ts';
import { recordTrace } from './debug/from-trace.ts';
import { RecordingBuilder } from './debug/recording.ts';
import { RecordingTracer } from './debug/recording-tracer.ts';
import { openMoveRecording, saverOf, type MoveRun } from './debug/saved.ts';
import { TraceWriter } from './trace/writer.ts';
import type { Tracer } from './vm/tracer.ts';
import { aptosGenesis, createAptosAccounts, runSetup, seedResources, signerAddresses } from './launch-state.ts';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A build folder, or a package folder holding `build/<pkg>/bytecode_modules` or a Move.toml. */
function looksMove(path: string): boolean {
  if (!isDirectory(path)) return false;
  if (isDirectory(join(path, 'bytecode_modules')) || existsSync(join(path, 'Move.toml'))) return true;
  const build = join(path, 'build');
  try {
    return isDirectory(build) && readdirSync(build).some((d) => isDirectory(join(build, d, 'bytecode_modules')));
  } catch {
    return false;
  }
}

function resolvePath(config: LaunchConfig, p: string): string {
  return resolve(config.cwd ?? process.cwd(), p);
}

/** Framework snapshots (`0x1.bcs`, `0x2.bcs`, or folders of them) for calls into modules the build does not ship. */
function frameworkFiles(config: LaunchConfig): string[] {
  const given = config['frameworks'];
  if (given === undefined) return [];
  if (!Array.isArray(given) || !given.every((f) => typeof f === 'string')) {
    throw new UserError('frameworks: expected an array of Sui framework snapshot files (0x1.bcs, 0x2.bcs) or folders holding them');
  }
  return given.map((f) => {
    const path = resolvePath(config, f);
    if (!existsSync(path)) throw new UserError(`frameworks: ${path} not found`);
    return path;
  });
}

/** `moveDependencies`: Move.toml dependencies by name -> a local package folder, used instead of what Move.toml says. */
function moveDependencies(config: LaunchConfig): Map<string, string> {
  const given = config['moveDependencies'];
  const paths = new Map<string, string>();
  if (given === undefined) return paths;
  if (!given || typeof given !== 'object' || Array.isArray(given)) {
    throw new UserError('moveDependencies: expected an object mapping a dependency name to a package folder, e.g. { "Sui": "../sui/crates/sui-framework/packages/sui-framework" }');
  }
  for (const [name, folder] of Object.entries(given)) {
    if (typeof folder !== 'string') throw new UserError(`moveDependencies.${name}: expected the path of a Move package folder`);
    const dir = resolvePath(config, folder);
    if (!existsSync(join(dir, 'Move.toml'))) throw new UserError(`moveDependencies.${name}: no Move.toml in ${dir}`);
    paths.set(name, dir);
  }
  return paths;
}

function loadProgram(config: LaunchConfig, progress: Progress): LoadedPackage {
  const program = resolvePath(config, config.program);
  if (!existsSync(program)) throw new UserError(`program: Move build folder not found: ${program}`);
  const build = () => {
    progress("Compiling Move package with Chainstep's compiler");
    buildOnLaunch(program, moveDependencies(config));
  };
  if (needsBuild(program)) build();
  progress('Loading Move modules and source maps');
  const pkg = loadPackage(program, { frameworks: frameworkFiles(config) });
  // Our build made without tests lacks #[test] functions: a launch naming one it does not have rebuilds it.
  if (typeof config.function === 'string' && !hasOwnFunction(pkg, config.function) && builtWithoutTests(program)) {
    build();
    return loadPackage(program, { frameworks: frameworkFiles(config) });
  }
  return pkg;
}

/** Whether `module::function` (with or without an address) names a function of the package's own modules. */
function hasOwnFunction(pkg: LoadedPackage, text: string): boolean {
  const [fn, module] = text.trim().split('::').reverse();
  return pkg.ownModules.some((m) => m.name === module && m.module.functionDefs.some((d) => m.module.identifiers[m.module.functionHandles[d.function]!.name] === fn));
}

function launchTrace(config: LaunchConfig, traceFile: string, progress: Progress, report: Report): Execution {
  const path = resolvePath(config, traceFile);
  if (!existsSync(path)) throw new UserError(`trace: file not found: ${path}`);
  // A trace is debuggable without its build (on-chain replays come without bytecode): at instruction
  // level, with the instructions the trace names. A build that is there but broken is still an error.
  const output: OutputLine[] = [];
  let pkg: LoadedPackage | undefined;
  const program = resolvePath(config, config.program);
  let shipped: DisassemblyFolder | undefined;
  if (looksMove(program)) pkg = loadProgram(config, progress);
  else {
    shipped = isDirectory(program) ? readDisassemblyFolder(program) : undefined;
    output.push({
      step: 0,
      text: shipped
        ? `No Move build output in ${program}: showing the trace on the disassembly found there (${shipped.modules.size} modules).`
        : `No Move build output in ${program}: names, values and instructions come from the trace alone (no source lines, no local names).`,
    });
  }
  progress('Reading the execution trace', 0.3);
  const trace = readTraceFile(path);
  progress('Recording', 0.7);
  const recording = recordTrace(trace);
  if (recording.stepCount === 0) throw new UserError(`trace: ${path} holds no instructions`);
  if (pkg) report(`Loaded ${pkg.name}: ${pkg.ownModules.length} modules, ${pkg.sources.size} source files`);
  report(`Read the trace ${path}: ${recording.stepCount} instructions`);
  // With its build, the trace saves to a recording file as it is (a trace without one is not saved yet).
  const run: MoveRun | undefined = pkg && { title: `trace ${basename(path)}`, program, pkg, frameworks: frameworkSnapshots(frameworkFiles(config)), options: { output }, trace: { file: path } };
  return new MoveExecution(recording, new CodeTable(pkg, shipped), {
    output,
    ...(run ? { save: saverOf(run) } : {}),
  });
}

/** `<address>::<module>::<function>` or `<module>::<function>` (a module of the package itself). */
function findFunction(vm: MoveVM, pkg: LoadedPackage, text: string): LoadedFunction {
  const parts = text.trim().split('::');
  const own = pkg.ownModules.map((m) => `${m.key}`);
  let address: string | undefined;
  let moduleName: string;
  let fnName: string;
  if (parts.length === 3) {
    address = normalizeAddress(parts[0]!);
    if (!address) throw new UserError(`function: "${parts[0]}" is not an address; expected "<address>::<module>::<function>"`);
    moduleName = parts[1]!;
    fnName = parts[2]!;
  } else if (parts.length === 2) {
    const found = pkg.ownModules.filter((m) => m.name === parts[0]);
    if (found.length === 0) throw new UserError(`function: the package has no module ${parts[0]} (modules: ${own.join(', ')})`);
    if (found.length > 1) throw new UserError(`function: several modules are named ${parts[0]}: write the address, e.g. ${found[0]!.key}::${parts[1]}`);
    address = normalizeAddress(found[0]!.address)!;
    moduleName = parts[0]!;
    fnName = parts[1]!;
  } else {
    throw new UserError(`function: expected "<address>::<module>::<function>" (e.g. "0x0::m::test"), got "${text}"`);
  }
  const module = vm.loader.tryModule(address, moduleName);
  if (!module) throw new UserError(`function: module ${parts[0]}::${moduleName} is not in the build (modules: ${own.join(', ')})`);
  const fn = module.functionByName(fnName);
  if (!fn) throw new UserError(`function: ${module.shortName} has no function ${fnName} (it has: ${module.functionNames().join(', ')})`);
  return fn;
}

/**
 * Loading a function links the modules its types come from: one the build does not ship (the Sui
 * framework, usually) is something the user can fix.
 */
function linking<T>(load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (!(e instanceof VMError)) throw e;
    throw new UserError(withFrameworkHint(e.message));
  }
}

/**
 * A module of 0x1 (MoveStdlib) or 0x2 (Sui) that neither the build nor `frameworks` provides: the
 * message names what to add, at launch (linking) and when a run reaches such a call.
 */
function withFrameworkHint(message: string): string {
  const missing = /module (0x[12])::(\w+)/.exec(message);
  if (!missing) return message;
  const pkg = missing[1] === '0x1' ? 'MoveStdlib' : 'the Sui framework';
  return `${message} The build does not ship ${pkg} (${missing[1]}): add "frameworks": ["<folder>/0x1.bcs", "<folder>/0x2.bcs"] (Sui framework snapshot files) to the launch configuration.`;
}

function launchRun(config: LaunchConfig, steps: number, progress: Progress, cancel: AbortSignal, report: Report): Execution {
  const pkg = loadProgram(config, progress);
  report(`Loaded ${pkg.name}: ${pkg.ownModules.length} modules, ${pkg.sources.size} source files`);
  if (typeof config.function !== 'string' || config.function.trim() === '') {
    const examples = pkg.ownModules.flatMap((m) => {
      const fns = m.module.functionDefs.map((d) => m.module.identifiers[m.module.functionHandles[d.function]!.name]!);
      return fns.map((f) => `${m.key}::${f}`);
    });
    throw new UserError(`function: name the Move function to run as "<address>::<module>::<function>" (or set "trace"); available: ${examples.slice(0, 20).join(', ')}${examples.length > 20 ? ', …' : ''}`);
  }
  const builder = new RecordingBuilder();
  const { fn, result, output } = runCall(config, pkg, steps, new RecordingTracer(builder), () => builder.stepCount, (name) => {
    if (cancel.aborted) throw new UserError('Launch cancelled.');
    progress(`Running ${name}`, 0.3);
    report(`Running ${name} in Chainstep's Move VM (at most ${steps} instructions)`);
  });
  progress('Recording', 0.8);
  const recording = builder.finish();
  if (recording.stepCount === 0 && result.kind === 'error') throw new UserError(`function: ${result.message}`);
  if (recording.stepCount === 0) throw new UserError(`function: ${fn.qualifiedName} executed no instructions${fn.isNative ? ' (it is native)' : ''}`);
  const failure = result.kind === 'error' ? { status: result.status, message: withFrameworkHint(result.message) } : undefined;
  const abortCode = result.kind === 'aborted' ? result.code : undefined;
  const options = { output, ...(failure ? { failure } : {}), ...(abortCode !== undefined ? { abortCode } : {}) };
  // Saving runs the same call again with a trace writer (the interpreter is deterministic).
  const run: MoveRun = {
    title: fn.qualifiedName, program: resolvePath(config, config.program), pkg, frameworks: frameworkSnapshots(frameworkFiles(config)), options,
    trace: () => {
      const writer = new TraceWriter();
      runCall(config, pkg, steps, writer, () => 0, () => {});
      return { text: writer.text(), steps: writer.lines.filter((l) => l.startsWith('{"Instruction"')).length };
    },
  };
  return new MoveExecution(recording, new CodeTable(pkg), { ...options, save: saverOf(run) });
}

/**
 * Sets up and runs `function` once in a fresh VM with `tracer`: `setup` calls and Aptos signer accounts
 * first (not traced), then the call. `stepsSoFar` places printed lines at the step running.
 */
function runCall(
  config: LaunchConfig, pkg: LoadedPackage, steps: number, tracer: Tracer, stepsSoFar: () => number, starting: (name: string) => void,
): { fn: LoadedFunction; result: RunResult; output: OutputLine[] } {
  const output: OutputLine[] = [];
  const vm = new MoveVM(registryProvider(pkg.registry), {
    // Printed during the step that is executing: the last one recorded so far.
    output: (text) => output.push({ step: Math.max(0, stepsSoFar() - 1), text }),
    stepLimit: steps,
  });
  const fn = linking(() => findFunction(vm, pkg, config.function as string));
  // State the call needs, set up before it and not recorded: on Aptos genesis, the launch's `resources` and
  // an account for each signer; then `setup` calls.
  const genesis = pkg.flavour === 'aptos' ? linking(() => aptosGenesis(vm)) : [];
  if (genesis.length > 0) output.push({ step: 0, text: `setup: Aptos genesis: ${genesis.join('; ')}` });
  if (config['resources'] !== undefined && pkg.flavour !== 'aptos') throw new UserError('resources: global storage is Aptos only; this is a Sui package (seed Sui objects with "setup" calls)');
  for (const r of linking(() => seedResources(vm, config['resources']))) output.push({ step: 0, text: `setup: stored ${r}` });
  // The call's signers get their accounts before `setup`, so a setup call can fund them (`0x1::aptos_coin::mint`).
  const accounts = pkg.flavour === 'aptos' ? linking(() => createAptosAccounts(vm, signerAddresses(fn, config.args))) : [];
  for (const a of accounts) output.push({ step: 0, text: `setup: created the account 0x${a.replace(/^0+(?=.)/, '')} for the signer` });
  const prepared = linking(() => runSetup(vm, pkg, config['setup'], (text) => findFunction(vm, pkg, text)));
  for (const name of prepared) output.push({ step: 0, text: `setup: ran ${name}` });
  const typeArgs = linking(() => parseTypeArgs(fn, config['typeArgs'], vm.loader));
  // A trailing TxContext left out is the one Sui's test `dummy()` makes (the interpreter's object runtime then uses its digest).
  const args = linking(() => parseArgs(fn, typeArgs, config.args, { makeTxContext: () => dummyTxContext(vm.loader, vm.objects) }));
  starting(fn.qualifiedName);
  return { fn, result: vm.run(fn, typeArgs, args, tracer), output };
}

/** The snapshot files of `frameworks` (folders stand for the .bcs files in them). */
function frameworkSnapshots(paths: readonly string[]): string[] {
  return paths.flatMap((p) => (isDirectory(p) ? readdirSync(p).filter((f) => f.endsWith('.bcs')).sort().map((f) => join(p, f)) : [p]));
}

/** Move's failures, by the kinds debug/outcome.ts gives them. A Move abort is never caught. */
const MOVE_EXCEPTION_FILTERS: readonly ExceptionFilter[] = [
  { id: 'abort', label: 'Aborts', description: 'Stop where a Move function aborts (abort, assert!).', default: true, kinds: ['abort'] },
  { id: 'arithmetic', label: 'Arithmetic and vector errors', description: 'Overflow, division by zero, an index out of bounds.', default: true, kinds: ['panic'] },
  { id: 'vmError', label: 'Out of gas / VM errors', description: 'Out of gas, or any other error the Move VM raises.', default: true, kinds: ['outOfGas', 'invalid'] },
];

export const moveBackend: Backend = {
  vm: 'move',
  openRecording: async (saved, progress) => {
    progress('Loading the recorded package and replaying its trace', 0.3);
    return openMoveRecording(saved);
  },
  programs: 'a Move package folder (Move.toml) or its build folder',
  exceptionFilters: MOVE_EXCEPTION_FILTERS,
  commands: [traceCommand, moveCommand],
  // A Move function is written `module::function`: such a configuration is ours even when the folder is
  // missing, so the user hears that the folder is missing rather than that nothing can debug it.
  accepts: (config) =>
    typeof config['trace'] === 'string' ||
    (typeof config.function === 'string' && config.function.includes('::')) ||
    (typeof config.program === 'string' && looksMove(resolvePath(config, config.program))),
  launch: async (config, progress, cancel, report = () => {}) => {
    const options = parseMoveLaunch(config);
    if (options.trace !== undefined) return launchTrace(config, options.trace, progress, report);
    return launchRun(config, options.maxSteps, progress, cancel, report);
  },
};
