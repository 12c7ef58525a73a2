// Our compiler's Aptos target against the real Aptos compiler, on the hello_blockchain package of
// ../shared/fixtures/move/aptos-hello-blockchain (real build: message.mv v6 + .mvsm, with AptosFramework,
// AptosStdlib and MoveStdlib as bytecode). test/move/build/aptos-hello/sources/message.move is that module
// written back as source from the real bytecode; its dependencies are known to our compiler only as the
// fixture's bytecode (interfaces made from the .mv files). Our build must load as the real one does and
// behave the same through the debugger: same results, same abort with the same constant.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd, type RunToEnd } from '../debug/run-to-end.ts';
import { deserialize } from '../../../debug-adapter/move/binary/deserializer.ts';
import { writeInterfacePackage } from '../../../debug-adapter/move/build/bytecode-interface.ts';
import { compareWithRealBytecode } from '../../../debug-adapter/move/build/compare-framework.ts';
import { buildPackage } from '../../../debug-adapter/move/build/compile.ts';
import { loadPackage } from '../../../debug-adapter/move/package/load-package.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = path.resolve(root, '../shared/fixtures/move/aptos-hello-blockchain');
const realModules = path.join(fixture, 'build/hello_blockchain/bytecode_modules');
const skip = !existsSync(fixture) && '../shared/fixtures/move/aptos-hello-blockchain not found';

/** A temporary copy of our source package, compiled for Aptos against the fixture's dependency bytecode. */
function buildOurs(): { dir: string; options: Parameters<typeof buildPackage>[1] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-aptos-hello-'));
  cpSync(path.join(root, 'test/move/build/aptos-hello'), dir, { recursive: true });
  const deps = ['AptosFramework', 'AptosStdlib', 'MoveStdlib'].map((d) => path.join(realModules, 'dependencies', d));
  const iface = writeInterfacePackage(deps, path.join(dir, '.interfaces'), { std: '0x1', aptos_std: '0x1', aptos_framework: '0x1' }, 'aptos');
  const options = { dependencyPaths: new Map([['AptosFramework', iface]]) };
  const result = buildPackage(dir, options);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  // The build ships its dependencies' bytecode as `aptos move compile` does (here: the fixture's, linked).
  symlinkSync(path.join(realModules, 'dependencies'), path.join(dir, 'build/hello_blockchain/bytecode_modules/dependencies'));
  return { dir, options };
}

test('Aptos target: hello_blockchain compiles against bytecode-only dependencies; v6, .mvsm, Aptos package detected; instructions vs the real compiler', { skip }, () => {
  const { dir, options } = buildOurs();
  try {
    const build = path.join(dir, 'build/hello_blockchain');
    assert.deepEqual(readdirSync(path.join(build, 'source_maps')), ['message.mvsm']);
    const ours = loadPackage(dir);
    assert.equal(ours.flavour, 'aptos', 'the loader reads our build as an Aptos build');
    const m = ours.ownModules[0]!;
    assert.equal(m.module.version, 6);
    assert.deepEqual([...m.sourceMap!.constants.keys()], ['ENO_MESSAGE']);
    // Locals numbered by name, as the Move compiler numbers them.
    assert.deepEqual(m.sourceMap!.functions.get(1)!.locals.map((l) => l.name), ['account_addr', 'from_message', 'message_holder']);
    // Same public API as the real module: structs with abilities, functions with signatures.
    const real = deserialize(readFileSync(path.join(realModules, 'message.mv')), 'message.mv', { flavour: 'aptos' });
    const api = (x: typeof real) => ({
      structs: x.structDefs.map((d) => `${x.identifiers[x.datatypeHandles[d.handle]!.name]}/${x.datatypeHandles[d.handle]!.abilities}`).sort(),
      functions: x.functionDefs.map((d) => `${x.identifiers[x.functionHandles[d.function]!.name]}/${d.visibility}/${d.isEntry}/${d.acquires.length}`).sort(),
    });
    assert.deepEqual(api(m.module), api(real));

    const compared = compareWithRealBytecode(dir, [real], { ...options, target: 'aptos' });
    assert.equal(compared.length, 3);
    assert.ok(compared.every((c) => c.compiled));
    // All three are instruction for instruction the real compiler's (set_message too, since locals are
    // numbered by name and a value is moved at its last use on each branch, as the real compiler does).
    assert.deepEqual(compared.filter((c) => c.equal).map((c) => c.name), ['get_message', 'set_message', 'signature']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** What a launch shows that must not depend on whose compiler made the module: results, aborts, calls. */
// The fixture ships no sources, so only our build can add the source line (`, message.move:25`).
function outcome(r: RunToEnd): string[] {
  const plain = (l: string) => l.replace(/\(gas used: \d+\)/, '').replace(/, \w+\.move:\d+/, '').trim();
  return [...r.stops, ...r.output.split('\n').filter((l) => /returned|aborted|Call aborted|setup:/.test(l))].map(plain);
}

test('Aptos target: our hello_blockchain build behaves as the real one in the debugger (results, the ENO_MESSAGE abort)', { skip }, async () => {
  const { dir } = buildOurs();
  try {
    const launches: Record<string, unknown>[] = [
      { function: 'message::set_message', args: ['0xcafe', 'hello'] },
      { function: 'message::get_message', args: ['0xcafe'], setup: [{ function: 'message::set_message', args: ['0xcafe', 'first'] }, { function: 'message::set_message', args: ['0xcafe', 'second'] }] },
      { function: 'message::get_message', args: ['0xcafe'] },
      { function: 'message::signature', args: [] },
    ];
    for (const l of launches) {
      const [real, mine] = [await runToEnd({ ...l, program: fixture }), await runToEnd({ ...l, program: dir })];
      assert.equal(real.error ?? mine.error, undefined);
      const [theirs, ours] = [outcome(real), outcome(mine)];
      assert.ok(theirs.length > 0);
      assert.deepEqual(ours, theirs, `${JSON.stringify(l)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Aptos target: a real Aptos build\'s shipped dependencies stand in for its git dependencies when we rebuild the package', { skip }, async () => {
  // The package as a user has it after `aptos move compile`: Move.toml with the AptosFramework git
  // dependency, build/ with the dependencies' bytecode, and the module's source.
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-aptos-rebuild-'));
  try {
    cpSync(fixture, dir, { recursive: true });
    cpSync(path.join(root, 'test/move/build/aptos-hello/sources'), path.join(dir, 'sources'), { recursive: true });
    const result = buildPackage(dir);
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    const modules = path.join(dir, 'build/hello_blockchain/bytecode_modules');
    assert.ok(existsSync(path.join(modules, 'dependencies/AptosFramework/account.mv')), 'the shipped dependencies are kept');
    assert.ok(existsSync(path.join(dir, 'build/hello_blockchain/CHAINSTEP_BUILD')), 'now our build');
    const run = await runToEnd({ program: dir, function: 'message::set_message', args: ['0xcafe', 'rebuilt'] });
    assert.equal(run.error, undefined);
    assert.deepEqual(run.stops, []);
    assert.match(run.output, /returned/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
