// `chainstep move test`: compiles a package in test mode with our compiler and runs every `#[test]` in our
// interpreter, reporting as `sui move test` does: one `[ PASS    ]` / `[ FAIL    ]` line per test and a
// `Test result:` summary. `#[expected_failure]` tests pass when they abort as stated (`abort_code = <constant
// or number>`, `arithmetic_error`, `vector_error`, `out_of_gas`, optionally `location = <module>`).
// Dependencies' bytecode comes from framework snapshots (`--framework <0x1.bcs>`), since the Sui framework
// cannot be compiled by us yet.
import { readFileSync } from 'node:fs';
import type * as A from '../../../language/move/ast.ts';
import { checkPackage, type CheckOptions } from '../../../language/move/check-package.ts';
import type { Diagnostic } from '../../../language/move/diagnostics.ts';
import type { FunctionInfo, ModuleInfo, Program } from '../../../language/move/program.ts';
import { canonicalAddress } from '../../../language/move/types.ts';
import type { CompiledModule } from '../binary/model.ts';
import { parseFrameworkSnapshot } from '../package/framework.ts';
import { MoveVM, type RunResult } from '../vm/interpreter.ts';
import { ModuleSet } from '../vm/loader.ts';
import { Signer } from '../vm/values.ts';
import { packageTarget } from './aptos-output.ts';
import { compileModulesPartially } from './compile.ts';
import { constantBytes } from './constants.ts';

export interface TestOutcome {
  /** `0x2::coin_tests::mint_burn` */
  readonly name: string;
  readonly passed: boolean;
  /** Why it failed (or could not run), in the words `sui move test` uses where it has them. */
  readonly reason?: string;
}

export interface TestRun {
  readonly diagnostics: Diagnostic[];
  readonly tests: TestOutcome[];
}

interface Expectation {
  readonly code?: bigint;
  readonly status?: 'ARITHMETIC_ERROR' | 'VECTOR_OPERATION_ERROR' | 'OUT_OF_GAS';
  readonly location?: string;
}

function attribute(attrs: readonly A.Attribute[], name: string): A.Attribute | undefined {
  return attrs.find((a) => a.name.value === name);
}

/** The expected failure of a test, or undefined when it must return normally. */
function expectation(program: Program, m: ModuleInfo, attrs: readonly A.Attribute[]): Expectation | undefined {
  const ef = attribute(attrs, 'expected_failure');
  if (!ef) return undefined;
  let code: bigint | undefined;
  let status: Expectation['status'];
  let location: string | undefined;
  for (const arg of ef.args) {
    if (arg.kind === 'nested') {
      const n = arg.attribute.name.value;
      if (n === 'arithmetic_error') status = 'ARITHMETIC_ERROR';
      else if (n === 'vector_error') status = 'VECTOR_OPERATION_ERROR';
      else if (n === 'out_of_gas') status = 'OUT_OF_GAS';
      continue;
    }
    if (arg.name.value === 'abort_code') code = abortCodeValue(program, m, arg.value);
    if (arg.name.value === 'location' && arg.value.kind === 'path') location = moduleKeyOf(program, m, arg.value);
  }
  return { code, status, location };
}

function moduleKeyOf(program: Program, m: ModuleInfo, p: A.Path): string | undefined {
  const segs = p.segments.map((s) => s.value);
  if (segs.length === 1) return segs[0] === 'Self' ? m.key : m.moduleAliases.get(segs[0]);
  const named = /^[0-9]/.test(segs[0]) ? segs[0] : program.addresses.get(segs[0]);
  const address = named !== undefined ? canonicalAddress(named) : undefined;
  return address ? `${address}::${segs[1]}` : undefined;
}

function abortCodeValue(program: Program, m: ModuleInfo, v: A.Exp | A.Path): bigint | undefined {
  if (v.kind === 'number') return BigInt(v.text.replace(/_/g, '').replace(/u\d+$/, ''));
  if (v.kind !== 'path') return undefined;
  const segs = v.segments;
  const name = segs[segs.length - 1].value;
  const owner = segs.length === 1 ? m : program.modules.get(moduleKeyOf(program, m, { ...v, segments: segs.slice(0, -1) }) ?? '');
  const c = owner?.constants.get(name);
  if (!owner || !c || c.type.kind !== 'prim' || c.type.name !== 'u64') return undefined;
  const bytes = constantBytes(c.decl.value, c.type, program, owner);
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

function judge(result: RunResult, expected: Expectation | undefined): { passed: boolean; reason?: string } {
  if (!expected) {
    if (result.kind === 'returned') return { passed: true };
    if (result.kind === 'aborted') return { passed: false, reason: `Test was not expected to error, but it aborted with code ${result.code} originating in the module ${result.location.module} at ${result.location.function}` };
    return { passed: false, reason: `Test was not expected to error, but it gave a ${result.status} error: ${result.message}` };
  }
  if (result.kind === 'returned') return { passed: false, reason: 'Test did not error as expected' };
  const where = result.kind === 'aborted' ? result.location.module : undefined;
  if (expected.location && where && expected.location !== where) return { passed: false, reason: `Test did not abort in the expected module ${expected.location} (it aborted in ${where})` };
  if (expected.status) {
    if (result.kind === 'error' && result.status === expected.status) return { passed: true };
    return { passed: false, reason: `Test did not give the expected ${expected.status}` };
  }
  if (expected.code !== undefined) {
    if (result.kind === 'aborted' && result.code === expected.code) return { passed: true };
    return { passed: false, reason: result.kind === 'aborted' ? `Test did not abort with expected code. Expected test to abort with code ${expected.code}, but instead it aborted with code ${result.code}` : `Test did not abort with expected code ${expected.code}: ${result.message}` };
  }
  return result.kind === 'aborted' ? { passed: true } : { passed: false, reason: `Test gave a ${result.status} error instead of an abort: ${result.message}` };
}

export interface TestOptions extends CheckOptions {
  /** Framework snapshots (`0x1.bcs`, `0x2.bcs`) providing dependencies' bytecode. */
  readonly frameworks?: readonly string[];
  /** Only tests whose full name contains this. */
  readonly filter?: string;
}

export function runPackageTests(root: string, options: TestOptions = {}): TestRun {
  const { graph, program } = checkPackage(root, { ...options, test: true });
  const checked = program.diagnostics.filter((d) => !program.files.find((f) => f.path === d.file)?.isDependency);
  if (checked.some((d) => d.severity === 'error')) return { diagnostics: checked, tests: [] };
  // Functions the compiler cannot translate yet do not stop the other tests: a test that is one of them
  // fails saying why; the others run.
  const compiled = compileModulesPartially(program, { target: packageTarget(graph, program) });
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
  const tests: TestOutcome[] = [];
  for (const m of program.modules.values()) {
    if (m.file.isDependency) continue;
    for (const fn of m.functions.values()) {
      if (!attribute(fn.decl.attributes, 'test')) continue;
      const name = `${m.address}::${m.name}::${fn.name}`;
      if (options.filter && !name.includes(options.filter)) continue;
      const whyNot = notCompiled.get(`${m.file.path}@${fn.decl.name.loc.start}`) ?? moduleProblem(m);
      if (whyNot) {
        tests.push({ name, passed: false, reason: `Cannot run: ${whyNot}` });
        continue;
      }
      const signers = testSigners(program, fn);
      if (typeof signers === 'string') {
        tests.push({ name, passed: false, reason: `Cannot run: ${signers}` });
        continue;
      }
      // A fresh VM per test: no object or storage state leaks from one test into another.
      const vm = new MoveVM(modules, {});
      let result: RunResult;
      try {
        result = vm.run(vm.resolveFunction(`${m.key}::${fn.name}`), [], signers);
      } catch (e) {
        tests.push({ name, passed: false, reason: `Cannot run: ${(e as Error).message}` });
        continue;
      }
      const verdict = judge(result, expectation(program, m, fn.decl.attributes));
      const callee = result.kind === 'error' && result.status === 'MISSING_NATIVE' ? [...missing.keys()].find((k) => result.message.includes(`${k} `)) : undefined;
      tests.push(callee && !verdict.passed ? { name, passed: false, reason: `Cannot run: it calls ${callee}, which chainstep cannot compile yet (${missing.get(callee)})` } : { name, ...verdict });
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
  for (const t of run.tests) lines.push(`[ ${t.passed ? 'PASS' : 'FAIL'}    ] ${t.name}`);
  const failed = run.tests.filter((t) => !t.passed);
  if (failed.length) {
    lines.push('', 'Test failures:', '');
    for (const t of failed) lines.push(`Failures in ${t.name}:`, '', `┌── ${t.name.split('::').pop()} ──────`, `│ ${t.reason}`, '└──────────────────', '');
  }
  const total = run.tests.length;
  lines.push(`Test result: ${failed.length ? 'FAILED' : 'OK'}. Total tests: ${total}; passed: ${total - failed.length}; failed: ${failed.length}`);
  return lines;
}
