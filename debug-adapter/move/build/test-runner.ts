// `chainstep move test`: compiles a package and its dependencies in test mode with our compiler and runs
// every `#[test]` of the package in our interpreter with the test natives (test_scenario, test_utils,
// unit_test, debug::print), reporting as `sui move test` does: one `[ PASS    ]` / `[ FAIL    ]` line per
// test and a `Test result:` summary.
//
// `#[expected_failure]` follows the Move unit-test rules: `abort_code = <number>` matches that code
// anywhere unless `location` is given; `abort_code = <constant>` matches in the constant's module (or
// `location`), by value, or by the constant's name when the abort is a Sui clever error (an `#[error]`
// constant); `arithmetic_error` / `vector_error` / `out_of_gas` match the VM status in `location`; a bare
// `#[expected_failure]` matches any abort or error.
//
// A test whose code our compiler cannot translate yet, or that reaches a native our interpreter does not
// implement, "cannot run": it is reported as a failure saying why, and counted apart in the JSON.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as A from '../../../language/move/ast.ts';
import { checkPackage, type CheckOptions } from '../../../language/move/check-package.ts';
import type { Diagnostic } from '../../../language/move/diagnostics.ts';
import type { FunctionInfo, ModuleInfo, Program } from '../../../language/move/program.ts';
import { canonicalAddress } from '../../../language/move/types.ts';
import { LineIndex } from '../../../language/text/line-index.ts';
import type { CompiledModule } from '../binary/model.ts';
import { explainAbortCode, statusSummary } from '../debug/aborts.ts';
import { parseFrameworkSnapshot } from '../package/framework.ts';
import { parseSuiSourceMap } from '../package/sui-debug-info.ts';
import type { ModuleSourceMap } from '../package/source-map.ts';
import { UNIT_TEST_GAS_BUDGET } from '../vm/gas.ts';
import { MoveVM, type CodeLocation, type RunResult } from '../vm/interpreter.ts';
import { T, vectorOf, type RuntimeType } from '../vm/types.ts';
import { VectorValue, makeInt, type Value } from '../vm/values.ts';
import type { Ty } from '../../../language/move/types.ts';
import { ModuleSet } from '../vm/loader.ts';
import { Signer } from '../vm/values.ts';
import { packageTarget } from './aptos-output.ts';
import { compileModulesPartially, type CompiledUnit } from './compile.ts';
import { constantBytes } from './constants.ts';

export type TestStatus = 'pass' | 'fail' | 'cannot-run';

/** A place in a source file: 1-based line, UTF-16 column (as editors count). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface AbortReport {
  readonly code: string;
  /** The error constant the code stands for (`ENotEnough`), when the module names one. */
  readonly constant?: string;
  /** A clever error's message (`#[error] const E: vector<u8> = b"..."`). */
  readonly message?: string;
  /** `0x2::coin` */
  readonly module: string;
  readonly function: string;
  /** Where in the source it aborted, when the module was compiled from source. */
  readonly location?: SourcePosition;
}

export interface TestOutcome {
  /** `0x2::coin_tests::mint_burn` */
  readonly name: string;
  readonly status: TestStatus;
  readonly passed: boolean;
  /** Why it failed (or could not run), in the words `sui move test` uses where it has them. */
  readonly reason?: string;
  /** The test function's name in its source. */
  readonly source?: SourcePosition;
  /** How it aborted, when it did (also for tests that pass by aborting as expected). */
  readonly abort?: AbortReport;
  /** `debug::print` / event lines the test printed. */
  readonly output: string[];
}

export interface TestRun {
  readonly diagnostics: Diagnostic[];
  readonly tests: TestOutcome[];
}

interface Expectation {
  /** The abort code, for a number or a u64 constant. */
  readonly code?: bigint;
  /** The constant named by `abort_code`, matched by name against clever errors. */
  readonly constant?: string;
  readonly status?: 'ARITHMETIC_ERROR' | 'VECTOR_OPERATION_ERROR' | 'OUT_OF_GAS';
  readonly location?: string;
  /** `abort_code` was given (as a number or constant). */
  readonly coded: boolean;
}

function attribute(attrs: readonly A.Attribute[], name: string): A.Attribute | undefined {
  return attrs.find((a) => a.name.value === name);
}

/** The expected failure of a test, or undefined when it must return normally. */
function expectation(program: Program, m: ModuleInfo, attrs: readonly A.Attribute[]): Expectation | undefined {
  const ef = attribute(attrs, 'expected_failure');
  if (!ef) return undefined;
  let code: bigint | undefined;
  let constant: string | undefined;
  let constantModule: string | undefined;
  let status: Expectation['status'];
  let location: string | undefined;
  let coded = false;
  for (const arg of ef.args) {
    if (arg.kind === 'nested') {
      const n = arg.attribute.name.value;
      if (n === 'arithmetic_error') status = 'ARITHMETIC_ERROR';
      else if (n === 'vector_error') status = 'VECTOR_OPERATION_ERROR';
      else if (n === 'out_of_gas') status = 'OUT_OF_GAS';
      continue;
    }
    if (arg.name.value === 'abort_code') {
      coded = true;
      const v = arg.value;
      if (v.kind === 'number') code = BigInt(v.text.replace(/_/g, '').replace(/u\d+$/, ''));
      else if (v.kind === 'path') ({ code, constant, module: constantModule } = constantValue(program, m, v));
    }
    if (arg.name.value === 'location' && arg.value.kind === 'path') location = moduleKeyOf(program, m, arg.value);
  }
  // A constant's module is where it is expected to abort, unless `location` says otherwise.
  return { code, constant, status, location: location ?? constantModule, coded };
}

function moduleKeyOf(program: Program, m: ModuleInfo, p: A.Path): string | undefined {
  const segs = p.segments.map((s) => s.value);
  if (segs.length === 1) return segs[0] === 'Self' ? m.key : m.moduleAliases.get(segs[0]);
  const named = /^[0-9]/.test(segs[0]) ? segs[0] : program.addresses.get(segs[0]);
  const address = named !== undefined ? canonicalAddress(named) : undefined;
  return address ? `${address}::${segs[1]}` : undefined;
}

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

/** `abort_code = m::E`: the constant's value (when a u64), its name and module. */
function constantValue(program: Program, m: ModuleInfo, v: A.Path): { code?: bigint; constant?: string; module?: string } {
  const segs = v.segments;
  const name = segs[segs.length - 1].value;
  const owner = segs.length === 1 ? m : program.modules.get(moduleKeyOf(program, m, { ...v, segments: segs.slice(0, -1) }) ?? '');
  const c = owner?.constants.get(name);
  if (!owner || !c) return { constant: name };
  const isU64 = c.type.kind === 'prim' && c.type.name === 'u64';
  return { code: isU64 ? littleEndian(constantBytes(c.decl.value, c.type, program, owner)) : undefined, constant: name, module: owner.key };
}

/** Names abort codes and finds abort locations in the modules compiled from source. */
class AbortExplainer {
  private readonly maps = new Map<string, ModuleSourceMap>();
  private readonly units = new Map<string, CompiledUnit>();
  private readonly filesByHash = new Map<string, { path: string; index: LineIndex }>();

  constructor(
    private readonly program: Program,
    units: readonly CompiledUnit[],
    private readonly modules: ModuleSet,
  ) {
    for (const u of units) this.units.set(u.key, u);
  }

  private sourceMap(module: string): ModuleSourceMap | undefined {
    let map = this.maps.get(module);
    const unit = this.units.get(module);
    if (!map && unit) {
      map = parseSuiSourceMap(JSON.stringify(unit.debugInfo), `${unit.name}.json`);
      this.maps.set(module, map);
    }
    return map;
  }

  private compiled(module: string): CompiledModule | undefined {
    const [address, name] = module.split('::');
    return this.units.get(module)?.module ?? this.modules.get(address.replace(/^0x/, '').padStart(64, '0'), name);
  }

  /** The error constant for a code in `module` (named by value among its `E…` constants, or a clever error's). */
  meaning(code: bigint, module: string | undefined): { constant?: string; message?: string } {
    const compiled = module ? this.compiled(module) : undefined;
    const meaning = explainAbortCode(code, compiled);
    if (meaning.clever) return { constant: meaning.constant, message: meaning.message };
    const info = module ? this.program.modules.get(module) : undefined;
    for (const c of info?.constants.values() ?? []) {
      if (!/^E/.test(c.name) || c.type.kind !== 'prim' || c.type.name !== 'u64') continue;
      try {
        if (littleEndian(constantBytes(c.decl.value, c.type, this.program, info!)) === code) return { constant: c.name };
      } catch {
        // A constant our compiler cannot evaluate does not name the code.
      }
    }
    return {};
  }

  /** `3 (EEmptyInventory)`, `0x8000… (ENotEnough: "not enough")`. */
  summary(code: bigint, module: string | undefined): string {
    const { constant, message } = this.meaning(code, module);
    const shown = code >= 1n << 63n ? `0x${code.toString(16)}` : String(code);
    return constant || message !== undefined ? `${shown} (${[constant, message].filter((x) => x !== undefined).join(': ')})` : shown;
  }

  /** The source position of an abort, or of the start of a native function that aborted. */
  location(at: CodeLocation): (SourcePosition & { function: string }) | undefined {
    const loc = this.sourceMap(at.module)?.functions.get(at.functionIndex)?.locationAt(at.pc);
    const file = loc && this.file(loc.fileHash);
    if (!loc || !file) return undefined;
    const p = file.index.position(loc.start);
    return { file: file.path, line: p.line, column: p.column, function: `${at.module}::${at.function}` };
  }

  private file(hash: string): { path: string; index: LineIndex } | undefined {
    if (!this.filesByHash.size) {
      // debug_info names files by the SHA-256 of their contents.
      for (const f of this.program.files) this.filesByHash.set(createHash('sha256').update(f.source).digest('hex'), { path: f.path, index: new LineIndex(f.source) });
    }
    return this.filesByHash.get(hash);
  }

  report(code: bigint, at: CodeLocation): AbortReport {
    const { constant, message } = this.meaning(code, at.module);
    const where = this.location(at);
    return {
      code: code.toString(), module: at.module, function: at.function,
      ...(constant ? { constant } : {}), ...(message !== undefined ? { message } : {}),
      ...(where ? { location: { file: where.file, line: where.line, column: where.column } } : {}),
    };
  }
}

/** Why a run ended as it did, in `sui move test`'s words, with the abort explained. */
function describeEnd(result: RunResult, explain: AbortExplainer): string {
  if (result.kind === 'aborted') {
    const at = explain.location(result.location);
    const where = at ? ` at ${path.relative(process.cwd(), at.file) || at.file}:${at.line}:${at.column} (${at.function})` : ` (${result.location.function})`;
    return `it aborted with code ${explain.summary(result.code, result.location.module)} originating in the module ${result.location.module}${where}`;
  }
  if (result.kind === 'error') return `it gave a ${statusSummary(result.status)} error${result.location ? ` in ${result.location.module}::${result.location.function}` : ''}: ${result.message}`;
  return 'it returned';
}

function judge(result: RunResult, expected: Expectation | undefined, explain: AbortExplainer): { status: TestStatus; reason?: string } {
  if (result.kind === 'error' && result.status === 'MISSING_NATIVE') return { status: 'cannot-run', reason: `Cannot run: ${result.message}` };
  if (!expected) {
    if (result.kind === 'returned') return { status: 'pass' };
    return { status: 'fail', reason: `Test was not expected to error, but ${describeEnd(result, explain)}` };
  }
  if (result.kind === 'returned') return { status: 'fail', reason: 'Test did not error as expected' };
  const where = result.location?.module;
  if (expected.location && expected.location !== where) {
    return { status: 'fail', reason: `Test did not error in the expected module ${expected.location}: ${describeEnd(result, explain)}` };
  }
  if (expected.status) {
    if (result.kind === 'error' && result.status === expected.status) return { status: 'pass' };
    return { status: 'fail', reason: `Test did not give the expected ${expected.status}: ${describeEnd(result, explain)}` };
  }
  if (!expected.coded) return { status: 'pass' };
  if (result.kind === 'aborted') {
    // A clever error matches the constant by name; any other abort by value.
    const actual = explain.meaning(result.code, where);
    const clever = result.code >= 1n << 63n;
    if (clever && expected.constant !== undefined ? actual.constant === expected.constant : expected.code === result.code) return { status: 'pass' };
  }
  const wanted = expected.constant ?? String(expected.code);
  return { status: 'fail', reason: `Test did not abort with expected code. Expected test to abort with code ${wanted}${expected.location ? ` in ${expected.location}` : ''}, but ${describeEnd(result, explain)}` };
}

export interface TestOptions extends CheckOptions {
  /** Framework snapshots (`0x1.bcs`, `0x2.bcs`): bytecode for dependency modules not compiled from source. */
  readonly frameworks?: readonly string[];
  /** Only tests whose full name contains this. */
  readonly filter?: string;
}

/** How many times a `#[random_test]` runs, each with new arguments (as `sui move test` by default). */
const RANDOM_TEST_RUNS = 10;

/** A small seeded generator (xorshift64*): the same arguments on every run of the same test. */
function generator(seed: bigint): (bits: number) => bigint {
  let x = seed || 0x9e3779b97f4a7c15n;
  const mask = (1n << 64n) - 1n;
  const next64 = () => {
    x ^= x >> 12n; x ^= (x << 25n) & mask; x ^= x >> 27n;
    return (x * 0x2545f4914f6cdd1dn) & mask;
  };
  return (bits) => {
    let v = 0n;
    for (let have = 0; have < bits; have += 64) v = (v << 64n) | next64();
    return v & ((1n << BigInt(bits)) - 1n);
  };
}

const WIDTHS: Record<string, 8 | 16 | 32 | 64 | 128 | 256> = { u8: 8, u16: 16, u32: 32, u64: 64, u128: 128, u256: 256 };

/** The runtime type of a random test parameter (primitives and vectors of them), or undefined. */
function runtimeType(t: Ty): RuntimeType | undefined {
  if (t.kind === 'vector') {
    const e = runtimeType(t.elem);
    return e && vectorOf(e);
  }
  if (t.kind !== 'prim') return undefined;
  return (T as Record<string, RuntimeType>)[t.name];
}

function randomValue(t: RuntimeType, bits: (n: number) => bigint): Value {
  if (t.kind === 'bool') return bits(1) === 1n;
  if (t.kind === 'address') return bits(256).toString(16).padStart(64, '0');
  if (t.kind === 'vector') {
    const length = Number(bits(5)); // up to 31 elements
    return new VectorValue(t.element, Array.from({ length }, () => randomValue(t.element, bits)));
  }
  const width = WIDTHS[t.kind];
  if (!width) throw new Error(`no random value of type ${t.kind}`);
  return makeInt(width, bits(width));
}

function sourcePosition(file: { path: string; source: Uint8Array }, offset: number): SourcePosition {
  const p = new LineIndex(file.source).position(offset);
  return { file: file.path, line: p.line, column: p.column };
}

export function runPackageTests(root: string, options: TestOptions = {}): TestRun {
  const { graph, program } = checkPackage(root, { ...options, test: true });
  const checked = program.diagnostics.filter((d) => !program.files.find((f) => f.path === d.file)?.isDependency);
  if (checked.some((d) => d.severity === 'error')) return { diagnostics: checked, tests: [] };
  // Dependencies are compiled from their sources too (in test mode: test_scenario is a #[test_only]
  // module of the Sui framework). Functions the compiler cannot translate yet do not stop the other
  // tests: a test that is one of them, or reaches one, cannot run and says why.
  const compiled = compileModulesPartially(program, { dependencies: true, target: packageTarget(graph, program) });
  const notCompiled = new Map(compiled.diagnostics.map((d) => [`${d.file}@${d.range.start}`, d.message]));
  // Functions left without code, by `0x1::ascii::try_string`: a test reaching one says so.
  const missing = new Map<string, string>();
  for (const m of program.modules.values()) {
    for (const fn of m.functions.values()) {
      const why = notCompiled.get(`${m.file.path}@${fn.decl.name.loc.start}`);
      if (why) missing.set(`${m.key}::${fn.name}`, why);
    }
  }
  const moduleProblem = (m: ModuleInfo) => [...m.datatypes.values()].map((d) => notCompiled.get(`${m.file.path}@${d.decl.name.loc.start}`)).find((x) => x);
  const framework: CompiledModule[] = [];
  for (const f of options.frameworks ?? []) framework.push(...parseFrameworkSnapshot(readFileSync(f), f).modules);
  const modules = new ModuleSet([...framework, ...compiled.units.map((u) => u.module)]);
  const explain = new AbortExplainer(program, compiled.units, modules);
  const tests: TestOutcome[] = [];
  for (const m of program.modules.values()) {
    if (m.file.isDependency) continue;
    for (const fn of m.functions.values()) {
      const random = attribute(fn.decl.attributes, 'random_test') !== undefined;
      if (!attribute(fn.decl.attributes, 'test') && !random) continue;
      const name = `${m.address}::${m.name}::${fn.name}`;
      if (options.filter && !name.includes(options.filter)) continue;
      const source = sourcePosition(m.file, fn.decl.name.loc.start);
      const whyNot = notCompiled.get(`${m.file.path}@${fn.decl.name.loc.start}`) ?? moduleProblem(m);
      if (whyNot) {
        tests.push({ name, status: 'cannot-run', passed: false, reason: `Cannot run: ${whyNot}`, source, output: [] });
        continue;
      }
      // Arguments: seeded random values for a #[random_test]; otherwise the signers #[test(a = @0x..)] names.
      const paramTypes = fn.params.map((p) => runtimeType(p.type));
      if (random && paramTypes.some((p) => p === undefined)) {
        tests.push({ name, status: 'cannot-run', passed: false, reason: 'Cannot run: a #[random_test] parameter that is not a primitive or vector', source, output: [] });
        continue;
      }
      const signers = random ? [] : testSigners(program, fn);
      if (typeof signers === 'string') {
        tests.push({ name, status: 'cannot-run', passed: false, reason: `Cannot run: ${signers}`, source, output: [] });
        continue;
      }
      // A fresh VM per run: no object or storage state leaks from one test (or run) into another. A
      // #[random_test] runs several times with seeded random arguments and stops at its first failure.
      const bits = generator(BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 16)}`));
      const output: string[] = [];
      let result: RunResult | undefined;
      let crashed: string | undefined;
      for (let i = 0; i < (random ? RANDOM_TEST_RUNS : 1); i++) {
        const vm = new MoveVM(modules, { output: (text) => output.push(text), gasBudget: UNIT_TEST_GAS_BUDGET });
        // The Sui unit-test runner's transaction context: sender 0x0, epoch 0, and no gas price, reference
        // gas price or budget (test_scenario::begin reads them back through tx_context's natives).
        vm.objects.gasPrice = 0n;
        vm.objects.rgp = 0n;
        vm.objects.gasBudget = 0n;
        try {
          result = vm.run(vm.resolveFunction(`${m.key}::${fn.name}`), [], random ? paramTypes.map((t) => randomValue(t!, bits)) : signers);
        } catch (e) {
          crashed = (e as Error).message;
          break;
        }
        if (result.kind !== 'returned') break;
      }
      if (crashed !== undefined || !result) {
        tests.push({ name, status: 'cannot-run', passed: false, reason: `Cannot run: ${crashed}`, source, output });
        continue;
      }
      const verdict = judge(result, expectation(program, m, fn.decl.attributes), explain);
      const callee = result.kind === 'error' && result.status === 'MISSING_NATIVE' ? [...missing.keys()].find((k) => result.message.includes(`${k} `)) : undefined;
      const abort = result.kind === 'aborted' ? explain.report(result.code, result.location) : undefined;
      const outcome = callee
        ? { status: 'cannot-run' as const, reason: `Cannot run: it calls ${callee}, which chainstep cannot compile yet (${missing.get(callee)})` }
        : verdict;
      tests.push({ name, ...outcome, passed: outcome.status === 'pass', source, ...(abort ? { abort } : {}), output });
    }
  }
  return { diagnostics: checked, tests };
}

/**
 * Arguments of a test with parameters: Aptos-style `#[test(owner = @0xcafe, buyer = @0xb0b)]` gives each
 * `signer` parameter its account by name. A string says why the test cannot be run.
 */
function testSigners(program: Program, fn: FunctionInfo): Signer[] | string {
  const test = attribute(fn.decl.attributes, 'test');
  const out: Signer[] = [];
  for (const p of fn.params) {
    if (p.type.kind !== 'prim' || p.type.name !== 'signer') return `parameter '${p.name}' is not a signer; test parameters are signers named in #[test(${p.name} = @0x...)]`;
    const arg = test?.args.find((a) => a.kind === 'assign' && a.name.value === p.name);
    const value = arg?.kind === 'assign' && 'kind' in arg.value && arg.value.kind === 'address' ? arg.value.text : undefined;
    const text = value === undefined ? undefined : /^[0-9]/.test(value) ? value : program.addresses.get(value);
    const address = text !== undefined ? canonicalAddress(text) : undefined;
    if (!address) return `signer parameter '${p.name}' has no address: write #[test(${p.name} = @0x...)]`;
    out.push(new Signer(address.replace(/^0x/, '').padStart(64, '0')));
  }
  return out;
}

/** The report lines of `sui move test`. */
export function reportLines(run: TestRun): string[] {
  const lines = ['Running Move unit tests'];
  for (const t of run.tests) {
    for (const o of t.output) lines.push(o);
    lines.push(`[ ${t.passed ? 'PASS' : 'FAIL'}    ] ${t.name}`);
  }
  const failed = run.tests.filter((t) => !t.passed);
  if (failed.length) {
    lines.push('', 'Test failures:', '');
    for (const t of failed) lines.push(`Failures in ${t.name}:`, '', `┌── ${t.name.split('::').pop()} ──────`, `│ ${t.reason}`, '└──────────────────', '');
  }
  const total = run.tests.length;
  const cannot = run.tests.filter((t) => t.status === 'cannot-run').length;
  if (cannot) lines.push(`(${cannot} of the failed tests cannot run in Chainstep yet; each says why above)`);
  lines.push(`Test result: ${failed.length ? 'FAILED' : 'OK'}. Total tests: ${total}; passed: ${total - failed.length}; failed: ${failed.length}`);
  return lines;
}

/** `chainstep move test --json`: one object the Test Explorer reads (stable field names). */
export function reportJson(run: TestRun): object {
  const count = (s: TestStatus) => run.tests.filter((t) => t.status === s).length;
  return {
    tests: run.tests.map((t) => ({
      name: t.name, status: t.status, ...(t.reason ? { reason: t.reason } : {}), ...(t.source ? { source: t.source } : {}),
      ...(t.abort ? { abort: t.abort } : {}), output: t.output,
    })),
    summary: { total: run.tests.length, passed: count('pass'), failed: count('fail'), cannotRun: count('cannot-run') },
  };
}
