// Loading build folders into a module registry: every Sui test package and the Aptos package, framework
// snapshots filling in what a build does not ship, sources found by hash, and errors that name the file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { UserError } from '../../../debug-adapter/core/errors.ts';
import { MoveFormatError } from '../../../debug-adapter/move/binary/index.ts';
import {
  findSources,
  loadFrameworkSnapshot,
  loadPackage,
  parseFrameworkSnapshot,
  sha256Hex,
  sourcePath,
} from '../../../debug-adapter/move/package/index.ts';
import { MOVE_FIXTURES, SKIP_MESSAGE, SUI_FRAMEWORK, fixturesPresent, suiTestPackages } from '../binary/fixture-files.ts';
import { build as assemble, name } from '../binary/assemble.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'chainstep-move-pkg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('every Sui test package loads, with source maps for its own modules', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const packages = suiTestPackages();
  let modules = 0;
  let withoutMaps = 0;
  for (const dir of packages) {
    const pkg = loadPackage(dir, { findSources: false });
    assert.equal(pkg.flavour, 'sui');
    assert.ok(pkg.ownModules.length >= 1, dir);
    for (const own of pkg.ownModules) {
      assert.equal(own.origin, 'package');
      assert.equal(own.packageName, pkg.name);
      // Some packages deliberately ship a module without debug info (disassembly_no_source).
      const hasDebugInfo = existsSync(join(pkg.buildDir, 'debug_info', `${own.name}.json`));
      assert.equal(own.sourceMap !== undefined, hasDebugInfo, `${own.key} in ${dir}`);
      if (own.sourceMap) assert.equal(own.sourceMap.functions.size, own.module.functionDefs.length);
      else withoutMaps++;
      assert.equal(pkg.registry.get(own.key), own);
    }
    for (const m of pkg.registry) if (m.origin === 'dependency') assert.ok(m.key.startsWith('0x1::') || m.key.startsWith('0x2::'), m.key);
    modules += pkg.registry.size;
  }
  assert.equal(packages.length, 26);
  assert.ok(withoutMaps <= 2, `${withoutMaps} own modules without debug info`);
  t.diagnostic(`${packages.length} Sui packages loaded: ${modules} modules (${withoutMaps} own modules ship without debug info)`);
});

test('a build folder and its package root load the same package', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const root = join(MOVE_FIXTURES, 'sui-trace-tests/compound');
  const fromRoot = loadPackage(root, { findSources: false });
  const fromBuild = loadPackage(join(root, 'build/compound'), { findSources: false });
  assert.equal(fromRoot.buildDir, fromBuild.buildDir);
  assert.equal(fromRoot.packageDir, root);
  assert.deepEqual([...fromRoot.registry].map((m) => m.key), [...fromBuild.registry].map((m) => m.key));
  assert.deepEqual(fromRoot.ownModules.map((m) => m.key), ['0x0::m']);
  assert.equal(fromRoot.registry.get('0x1::vector')!.origin, 'dependency');
  assert.equal(fromRoot.registry.get('0x1::vector')!.packageName, 'MoveStdlib');
});

test('framework snapshots fill in modules the build does not ship; shipped dependencies win', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const pkg = loadPackage(join(MOVE_FIXTURES, 'sui-trace-tests/compound'), { frameworks: SUI_FRAMEWORK, findSources: false });
  assert.equal(pkg.registry.size, 1 + 22 + 65);
  assert.equal(pkg.registry.get('0x1::vector')!.origin, 'dependency');
  const coin = pkg.registry.get('0x2::coin')!;
  assert.equal(coin.origin, 'framework');
  assert.equal(coin.path, SUI_FRAMEWORK[1]);
  // Any address spelling finds the module.
  assert.equal(pkg.registry.find(`0x${'0'.repeat(63)}2`, 'coin'), coin);
  assert.equal(pkg.registry.find('2', 'coin'), coin);
  assert.equal(pkg.registry.find(Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 2 : 0)), 'coin'), coin);
  assert.equal(pkg.registry.get('0x2::no_such_module'), undefined);
  // A snapshot folder works as well as its files.
  const fromFolder = loadPackage(join(MOVE_FIXTURES, 'sui-trace-tests/compound'), { frameworks: [join(MOVE_FIXTURES, 'sui-framework/v124')], findSources: false });
  assert.deepEqual([...fromFolder.registry].map((m) => m.key), [...pkg.registry].map((m) => m.key));
  assert.equal(pkg.registry.find('not hex', 'coin'), undefined);
});

test('the Aptos package loads with its framework dependencies and .mvsm source maps', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const pkg = loadPackage(join(MOVE_FIXTURES, 'aptos-hello-blockchain'), { findSources: false });
  assert.equal(pkg.name, 'hello_blockchain');
  assert.equal(pkg.flavour, 'aptos');
  assert.equal(pkg.registry.size, 105);
  const message = pkg.registry.get('0x260dc208918945107256f6b96920c71852d0635b914773d96d6236cf25be0646::message')!;
  assert.equal(message.origin, 'package');
  assert.equal(message.module.flavour, 'aptos');
  assert.equal(message.sourceMap!.format, 'aptos-source-map');
  const coin = pkg.registry.get('0x1::coin')!;
  assert.equal(coin.origin, 'dependency');
  assert.equal(coin.packageName, 'AptosFramework');
  assert.ok(coin.sourceMap && coin.sourceMap.functions.size === coin.module.functionDefs.length);
  const dependencyPackages = new Set([...pkg.registry].filter((m) => m.origin === 'dependency').map((m) => m.packageName));
  assert.deepEqual([...dependencyPackages].sort(), ['AptosFramework', 'AptosStdlib', 'MoveStdlib']);
});

test('sources are found by SHA-256 in sources/, the build copy and build dependencies', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'sources'), { recursive: true });
  mkdirSync(join(dir, 'build/pkg/sources/dependencies/Dep'), { recursive: true });
  writeFileSync(join(dir, 'sources/a.move'), 'module 0x0::a {}\n');
  writeFileSync(join(dir, 'build/pkg/sources/dependencies/Dep/b.move'), 'module 0x0::b {}\n');
  writeFileSync(join(dir, 'sources/notes.txt'), 'module 0x0::a {}\n');
  const a = sha256Hex(readFileSync(join(dir, 'sources/a.move')));
  const b = sha256Hex(readFileSync(join(dir, 'build/pkg/sources/dependencies/Dep/b.move')));
  const missing = 'f'.repeat(64);
  const fromRoot = findSources(dir, [a, b.toUpperCase(), missing]);
  assert.equal(fromRoot.get(a), join(dir, 'sources/a.move'));
  assert.equal(fromRoot.get(b), join(dir, 'build/pkg/sources/dependencies/Dep/b.move'));
  assert.equal(fromRoot.has(missing), false);
  // From the build folder, the package root's sources are searched too.
  assert.equal(findSources(join(dir, 'build/pkg'), [a]).get(a), join(dir, 'sources/a.move'));
  assert.equal(findSources(join(dir, 'nowhere'), [a]).size, 0);
});

test('loadPackage maps debug-info locations to the .move files with their hash', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const dir = tempDir(t);
  const build = join(dir, 'build/compound');
  mkdirSync(join(build, 'bytecode_modules'), { recursive: true });
  mkdirSync(join(build, 'debug_info'), { recursive: true });
  mkdirSync(join(dir, 'sources'), { recursive: true });
  const source = '// a stand-in for m.move: its hash is what the debug info names\nmodule compound::m {}\n';
  writeFileSync(join(dir, 'sources/m.move'), source);
  const hash = sha256Hex(Buffer.from(source));
  const original = join(MOVE_FIXTURES, 'sui-trace-tests/compound/build/compound');
  copyFileSync(join(original, 'bytecode_modules/m.mv'), join(build, 'bytecode_modules/m.mv'));
  const info = readFileSync(join(original, 'debug_info/m.json'), 'utf8');
  writeFileSync(join(build, 'debug_info/m.json'), JSON.stringify(JSON.parse(info), (key, value) => (key === 'file_hash' ? hash : value)));
  const pkg = loadPackage(dir);
  const m = pkg.registry.get('0x0::m')!;
  const loc = m.sourceMap!.functions.get(0)!.locationAt(3)!;
  assert.equal(sourcePath(pkg, loc), join(dir, 'sources/m.move'));
  assert.equal(m.sourceMapPath, join(build, 'debug_info/m.json'));
});

test('a build with only .mvd debug info (BCS) still gets its source maps', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const dir = tempDir(t);
  const build = join(dir, 'build/compound');
  mkdirSync(join(build, 'bytecode_modules'), { recursive: true });
  mkdirSync(join(build, 'debug_info'), { recursive: true });
  const original = join(MOVE_FIXTURES, 'sui-trace-tests/compound/build/compound');
  copyFileSync(join(original, 'bytecode_modules/m.mv'), join(build, 'bytecode_modules/m.mv'));
  copyFileSync(join(original, 'debug_info/m.mvd'), join(build, 'debug_info/m.mvd'));
  const m = loadPackage(build, { findSources: false }).registry.get('0x0::m')!;
  assert.equal(m.sourceMapPath, join(build, 'debug_info/m.mvd'));
  assert.deepEqual(m.sourceMap!.functions.get(0)!.parameters.map((p) => p.name), ['some_struct', 'p']);
});

test('Aptos scripts in bytecode_scripts/ are loaded as scripts', (t) => {
  const dir = tempDir(t);
  const buildDir = join(dir, 'build/scripts_only');
  mkdirSync(join(buildDir, 'bytecode_scripts'), { recursive: true });
  const script = assemble([
    [0x7, [...name('m')]],
    [0x8, new Array(32).fill(0)],
    [0x1, [0, 0]],
    [0x5, [0, 1, 0x05]], // (), (address)
  ], [0, 1, 0, 2, 0x0a, 0, 0x02]).bytes; // main(address): CopyLoc 0; Ret
  writeFileSync(join(buildDir, 'bytecode_scripts/run.mv'), script);
  const pkg = loadPackage(dir, { flavour: 'aptos' });
  assert.equal(pkg.registry.size, 0);
  assert.equal(pkg.scripts.length, 1);
  assert.equal(pkg.scripts[0]!.name, 'run');
  assert.equal(pkg.scripts[0]!.script.kind, 'script');
  assert.deepEqual(pkg.scripts[0]!.script.script!.code.code, [{ op: 'CopyLoc', local: 0 }, { op: 'Ret' }]);
});

test('bad packages give errors that name the folder or file', (t) => {
  const dir = tempDir(t);
  assert.throws(() => loadPackage(join(dir, 'missing')), (e: unknown) => e instanceof UserError && /not found: .*missing/.test(e.message));
  assert.throws(() => loadPackage(dir), (e: unknown) => e instanceof UserError && /No Move build output in/.test(e.message));
  mkdirSync(join(dir, 'build/one/bytecode_modules'), { recursive: true });
  mkdirSync(join(dir, 'build/two/bytecode_modules'), { recursive: true });
  assert.throws(() => loadPackage(dir), (e: unknown) => e instanceof UserError && /Several compiled packages .*one, two/.test(e.message));
  writeFileSync(join(dir, 'Move.toml'), '[package]\nname = "two"\n\n[addresses]\ntwo = "0x0"\n');
  assert.throws(() => loadPackage(dir), (e: unknown) => e instanceof UserError && /No compiled modules \(\.mv\) in .*two/.test(e.message));
  const corrupt = join(dir, 'build/two/bytecode_modules/broken.mv');
  writeFileSync(corrupt, Uint8Array.from([0xa1, 0x1c, 0xeb, 0x0b, 6, 0, 0, 0, 1, 0x07, 0, 50]));
  assert.throws(() => loadPackage(dir), (e: unknown) => e instanceof MoveFormatError && e.moduleName === corrupt && e.message.includes(corrupt));
  if (!fixturesPresent) return;
  copyFileSync(join(MOVE_FIXTURES, 'sui-trace-tests/compound/build/compound/bytecode_modules/m.mv'), corrupt);
  mkdirSync(join(dir, 'build/two/debug_info'), { recursive: true });
  writeFileSync(join(dir, 'build/two/debug_info/broken.json'), '{"version": 2, "definition_location": 7}');
  assert.throws(() => loadPackage(dir), (e: unknown) => e instanceof UserError && e.message.includes(join(dir, 'build/two/debug_info/broken.json')));
});

test('framework snapshot files: good ones load, bad ones name the file', (t) => {
  const dir = tempDir(t);
  const missing = join(dir, '0x9.bcs');
  assert.throws(() => loadFrameworkSnapshot(missing), (e: unknown) => e instanceof UserError && e.message.includes(missing));
  assert.throws(() => parseFrameworkSnapshot(Uint8Array.from([1, 2, 3]), 'tiny.bcs'), (e: unknown) => e instanceof UserError && /tiny\.bcs/.test(e.message));
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const bytes = readFileSync(SUI_FRAMEWORK[0]!);
  const snapshot = loadFrameworkSnapshot(SUI_FRAMEWORK[0]!);
  assert.equal(snapshot.modules.length, 22);
  assert.deepEqual(snapshot.dependencies, []);
  assert.deepEqual(loadFrameworkSnapshot(SUI_FRAMEWORK[1]!).dependencies, [`0x${'0'.repeat(63)}1`]);
  assert.throws(() => parseFrameworkSnapshot(bytes.subarray(0, 5000), basename(SUI_FRAMEWORK[0]!)), (e: unknown) => e instanceof UserError && /0x1\.bcs/.test(e.message));
  // A damaged module inside the snapshot is reported with the snapshot's name and the module's position.
  const damaged = Uint8Array.from(bytes);
  damaged[32 + 1 + 1 + 8 + 1] = 0x42; // id, module count, module 0 length, magic + version, table count: the first table kind
  assert.throws(() => parseFrameworkSnapshot(damaged, '0x1.bcs'), (e: unknown) => e instanceof MoveFormatError && e.moduleName === '0x1.bcs (module 0)');
});
