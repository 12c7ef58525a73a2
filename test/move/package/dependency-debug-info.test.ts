// Debug info a build keeps for its dependencies: read once with the package, and attached to a framework
// snapshot's module only when it was made for exactly that module.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { arithmeticLoopModule } from '../../../debug-adapter/move/vm/assemble.ts';
import { loadPackage, FunctionSourceMap, sourceName, type ModuleSourceMap } from '../../../debug-adapter/move/package/index.ts';
import { describesModule } from '../../../debug-adapter/move/package/dependency-debug-info.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');

test('dependency debug info is on the loaded package, by module key', (t) => {
  const build = path.join(fixtures, 'sui-trace-tests/abort_native/build/abort_native');
  if (!existsSync(build)) return t.skip('../shared/fixtures/move not found');
  const pkg = loadPackage(build, { frameworks: [path.join(fixtures, 'sui-framework/v124')], findSources: false });
  assert.deepEqual([...pkg.dependencyDebugInfo.keys()].sort(), ['0x1::ascii', '0x1::macros', '0x1::string', '0x1::u64', '0x1::vector', '0x2::address']);
  const singleton = [...pkg.dependencyDebugInfo.get('0x1::vector')!.functions.values()].find((f) => f.parameters.map((p) => p.name).join() === 'e');
  assert.deepEqual(singleton?.locals.map((l) => l.name), ['v'], 'vector::singleton(e) has the local v');
  // The unit test ran against a test-mode framework: its debug info does not describe the published
  // snapshot's modules (other functions at other indices), so they stay without it.
  assert.equal(pkg.registry.get('0x1::vector')!.origin, 'framework');
  assert.equal(pkg.registry.get('0x1::vector')!.sourceMap, undefined);
});

test('a source map describes a module only with the same functions, parameters and locals', () => {
  const module = arithmeticLoopModule(); // loop(n: u64) with two locals
  const loc = { fileHash: '0'.repeat(64), start: 0, end: 1 };
  const map = (locals: number): ModuleSourceMap => ({
    format: 'sui-debug-info',
    definitionLocation: loc,
    module: { address: `0x${'42'.padStart(64, '0')}`, name: 'bench' },
    structs: new Map(),
    enums: new Map(),
    functions: new Map([[0, new FunctionSourceMap(0, loc, [], [sourceName('n', loc)], Array.from({ length: locals }, (_, i) => sourceName(`l${i}`, loc)), new Map(), false)]]),
    constants: new Map(),
  });
  assert.equal(describesModule(map(2), module), true);
  assert.equal(describesModule(map(1), module), false);
});
