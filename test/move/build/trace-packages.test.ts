// Trace-test packages of the official Sui suite (../shared/fixtures/move/sui-trace-tests), compiled by us
// from their sources, behave as the real builds do under our interpreter: each package's unit test
// `m::test` makes the same calls (every function entered, in order, with the same arguments) and ends
// the same way (the same returned values, or the same abort code and location). Macros are inlined as
// the real compiler does, so the macro packages (macros in the same file, other files, other modules)
// are compared too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkPackage } from '../../../language/move/check-package.ts';
import { compileProgram } from '../../../debug-adapter/move/build/compile.ts';
import { loadPackage } from '../../../debug-adapter/move/package/index.ts';
import { MoveVM } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet, registryProvider, type ModuleProvider } from '../../../debug-adapter/move/vm/loader.ts';
import type { Tracer, TracedFrame } from '../../../debug-adapter/move/vm/tracer.ts';
import type { Value } from '../../../debug-adapter/move/vm/values.ts';
import { renderValue } from '../../../debug-adapter/move/vm/natives.ts';
import { frameworkSrc, moveFixtures } from '../../language/move/corpus.ts';

const TRACE_TESTS = path.join(moveFixtures, 'sui-trace-tests');
const FRAMEWORK = path.join(moveFixtures, 'sui-framework/v124');
const DEPENDENCIES = new Map([
  ['MoveStdlib', path.join(frameworkSrc, 'move-stdlib')],
  ['Sui', path.join(frameworkSrc, 'sui-framework')],
]);

/** Records every call (function and arguments) as a user would see it in the call stack. */
class CallLog implements Partial<Tracer> {
  readonly calls: string[] = [];
  openFrame(frame: TracedFrame, args: readonly Value[]): void {
    this.calls.push(`${frame.fn.module.shortName}::${frame.fn.name}(${args.map((a) => safeRender(a)).join(', ')})`);
  }
}

function safeRender(v: Value): string {
  try {
    return renderValue(v);
  } catch {
    return '<value>';
  }
}

function runTest(provider: ModuleProvider, address: string): { outcome: string; calls: string[] } {
  const vm = new MoveVM(provider, {});
  const log = new CallLog();
  const tracer = new Proxy(log, { get: (target, key) => (key in target ? (target as never)[key] : () => undefined) }) as unknown as Tracer;
  const result = vm.run(vm.resolveFunction(`${address}::m::test`), [], [], tracer);
  const outcome =
    result.kind === 'returned' ? `returned ${result.values.map(safeRender).join(', ')}`
    : result.kind === 'aborted' ? `aborted ${result.code} in ${result.location?.module}::${result.location?.function}`
    : `error ${result.status} ${result.message}`;
  return { outcome, calls: log.calls };
}

const packages = existsSync(TRACE_TESTS) ? readdirSync(TRACE_TESTS).filter((d) => existsSync(path.join(TRACE_TESTS, d, 'sources'))).sort() : [];

test('trace-test packages are found', (t) => {
  if (!existsSync(TRACE_TESTS) || !existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move not found');
  assert.ok(packages.length >= 15, `${packages.length} packages with sources`);
});

for (const name of packages) {
  test(`${name}: compiled by us, m::test behaves as the real build`, (t) => {
    if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
    const { program } = checkPackage(path.join(TRACE_TESTS, name), { test: true, dependencyPaths: DEPENDENCIES });
    const compiled = compileProgram(program);
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, []);
    const buildDir = path.join(TRACE_TESTS, name, 'build', readdirSync(path.join(TRACE_TESTS, name, 'build'))[0]);
    const real = loadPackage(buildDir, { frameworks: [FRAMEWORK], findSources: false });
    const own = real.ownModules.find((m) => m.name === 'm')!;
    const ours = new ModuleSet(compiled.units.map((u) => u.module));
    const oursProvider: ModuleProvider = { get: (address, module) => ours.get(address, module) ?? real.registry.find(address, module)?.module };
    const theirs = runTest(registryProvider(real.registry), own.address);
    const mine = runTest(oursProvider, own.address);
    assert.equal(mine.outcome, theirs.outcome);
    assert.deepEqual(mine.calls, theirs.calls);
    assert.ok(theirs.calls.length >= 1);
  });
}
