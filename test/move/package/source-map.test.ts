// Source maps from real builds: Sui debug info and bytecode maps (JSON) and Aptos .mvsm (BCS) all read into
// one model, agree with the modules they describe, and bad files give errors that name the file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../../../debug-adapter/core/errors.ts';
import { deserialize, identifier, instructionText } from '../../../debug-adapter/move/binary/index.ts';
import {
  constantName,
  parseAptosSourceMap,
  parseSuiDebugInfoBcs,
  parseSuiSourceMap,
  readSourceMap,
  type ModuleSourceMap,
} from '../../../debug-adapter/move/package/index.ts';
import { MOVE_FIXTURES, SKIP_MESSAGE, fixtureFiles, fixturesPresent } from '../binary/fixture-files.ts';

const COMPOUND = join(MOVE_FIXTURES, 'sui-trace-tests/compound/build/compound');

test('every source map in the fixtures reads into the model', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const json = fixtureFiles('sui-trace-tests', (p) => p.endsWith('.json') && !p.includes('/traces/'));
  const mvsm = fixtureFiles('aptos-hello-blockchain', (p) => p.endsWith('.mvsm'));
  const formats = new Map<string, number>();
  let functions = 0;
  for (const file of [...json, ...mvsm]) {
    const map = readSourceMap(file);
    formats.set(map.format, (formats.get(map.format) ?? 0) + 1);
    functions += map.functions.size;
    for (const fn of map.functions.values()) {
      assert.match(fn.definitionLocation.fileHash, /^[0-9a-f]{64}$/);
      if (!fn.isNative && fn.codeOffsets.length > 0) assert.ok(fn.locationAt(fn.codeOffsets[0]!), `${file} function ${fn.definitionIndex}`);
    }
  }
  assert.ok(json.length >= 100, `${json.length} JSON maps`);
  assert.equal(mvsm.length, 105);
  t.diagnostic(`${json.length} Sui JSON maps + ${mvsm.length} Aptos .mvsm maps, ${functions} functions; formats: ${[...formats].map(([k, v]) => `${k} ${v}`).join(', ')}`);
});

test('source maps agree with their modules: every function, parameter and local is named', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  let checked = 0;
  const pairs: [mv: string, map: string][] = [];
  for (const mv of fixtureFiles('', (p) => p.endsWith('.mv'))) {
    const buildDir = mv.slice(0, mv.indexOf('/bytecode_modules/'));
    const rel = relative(join(buildDir, 'bytecode_modules'), mv).replace(/\.mv$/, '');
    for (const candidate of [join(buildDir, 'debug_info', `${rel}.json`), join(buildDir, 'source_maps', `${rel}.mvsm`)]) {
      if (existsSync(candidate)) pairs.push([mv, candidate]);
    }
  }
  for (const [mv, mapFile] of pairs) {
    const module = deserialize(readFileSync(mv), mv, { flavour: mapFile.endsWith('.mvsm') ? 'aptos' : 'sui' });
    const map = readSourceMap(mapFile);
    assert.equal(map.functions.size, module.functionDefs.length, mapFile);
    for (const [index, fn] of map.functions) {
      const def = module.functionDefs[index]!;
      const handle = module.functionHandles[def.function]!;
      assert.equal(fn.parameters.length, module.signatures[handle.parameters]!.length, `${mapFile} function ${index} parameters`);
      assert.equal(fn.typeParameters.length, handle.typeParameters.length, `${mapFile} function ${index} type parameters`);
      assert.equal(fn.isNative, def.code === undefined, `${mapFile} function ${index} native`);
      if (def.code) {
        assert.equal(fn.locals.length, module.signatures[def.code.locals]!.length, `${mapFile} function ${index} locals`);
        for (const pc of fn.codeOffsets) assert.ok(pc < def.code.code.length, `${mapFile} function ${index} pc ${pc}`);
      }
      checked++;
    }
    if (map.module) assert.equal(map.module.name, identifier(module, module.moduleHandles[module.selfHandle]!.name));
  }
  assert.ok(pairs.length >= 140, `${pairs.length} module/map pairs`);
  t.diagnostic(`${checked} functions in ${pairs.length} module/source-map pairs have matching parameters, locals and code offsets`);
});

test('Sui debug info: names without #suffixes, sparse code map, enums, constants', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const map = readSourceMap(join(COMPOUND, 'debug_info/m.json'));
  assert.equal(map.format, 'sui-debug-info');
  assert.equal(map.version, 2);
  assert.deepEqual(map.module, { address: `0x${'0'.repeat(64)}`, name: 'm' });
  const foo = map.functions.get(0)!;
  assert.deepEqual(foo.parameters.map((p) => [p.raw, p.name]), [['some_struct#0#0', 'some_struct'], ['p#0#0', 'p']]);
  assert.deepEqual(foo.locals.map((l) => l.name), ['named_variant', 'pos_variant', 'v', 'v_struct']);
  assert.equal(foo.local(3)!.name, 'pos_variant');
  assert.ok(foo.location && foo.location.start < foo.definitionLocation.start + 10);
  // pc 17 has no entry: it takes pc 16's location; pc 18 has its own.
  assert.deepEqual(foo.locationAt(17), foo.locationAt(16));
  assert.notDeepEqual(foo.locationAt(18), foo.locationAt(16));
  assert.deepEqual(foo.locationAt(1000), foo.locationAt(35));
  const someEnum = map.enums.get(0)!;
  assert.deepEqual(someEnum.variants.map((v) => [v.name, v.fields.length]), [['PositionalVariant', 2], ['NamedVariant', 2]]);
  const vector = readSourceMap(join(MOVE_FIXTURES, 'sui-trace-tests/references/build/references/debug_info/dependencies/MoveStdlib/vector.json'));
  assert.equal(vector.constants.get('EINDEX_OUT_OF_BOUNDS'), 0);
  assert.equal(constantName(vector, 0), 'EINDEX_OUT_OF_BOUNDS');
  // The disassembler shows source names when given them.
  const module = deserialize(readFileSync(join(COMPOUND, 'bytecode_modules/m.mv')), 'm.mv');
  assert.equal(instructionText(module, 0, 15, { locals: foo.localDisplayNames() }), 'MoveLoc[1](p: u64)');
});

test('Sui .mvd debug info (BCS) reads the same as the .json next to it', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const files = fixtureFiles('sui-trace-tests', (p) => p.endsWith('.mvd'));
  const summary = (m: ModuleSourceMap) => ({
    module: m.module,
    version: m.version,
    definition: m.definitionLocation,
    constants: [...m.constants],
    structs: [...m.structs],
    enums: [...m.enums],
    functions: [...m.functions.values()].map((f) => ({
      index: f.definitionIndex,
      location: f.location,
      definition: f.definitionLocation,
      names: [f.typeParameters, f.parameters, f.locals],
      returns: f.returns,
      nops: [...f.nops],
      native: f.isNative,
      code: f.codeOffsets.map((pc) => [pc, f.locationAt(pc)]),
    })),
  });
  for (const file of files) {
    const fromBcs = parseSuiDebugInfoBcs(readFileSync(file), file);
    const fromJson = readSourceMap(file.replace(/\.mvd$/, '.json'));
    assert.equal(fromBcs.format, 'sui-debug-info');
    assert.deepEqual(summary(fromBcs), summary(fromJson), file);
  }
  assert.ok(files.length >= 30, `${files.length} .mvd files`);
  t.diagnostic(`${files.length} .mvd files match their .json debug info`);
  assert.throws(() => parseSuiDebugInfoBcs(readFileSync(files[0]!).subarray(0, 100), 'cut.mvd'), (e: unknown) => e instanceof UserError && /cut\.mvd/.test(e.message));
});

test('compiler temporaries are flagged and keep a readable name', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const temporaries = fixtureFiles('sui-trace-tests', (p) => p.includes('/debug_info/') && p.endsWith('.json'))
    .flatMap((file) => [...readSourceMap(file).functions.values()].flatMap((fn) => fn.locals))
    .filter((l) => l.raw.startsWith('%'));
  assert.ok(temporaries.length > 0, 'fixtures contain % temporaries');
  for (const local of temporaries) {
    assert.equal(local.isTemporary, true);
    assert.ok(!local.name.includes('#'));
  }
  const named = parseSuiSourceMap(readFileSync(join(COMPOUND, 'debug_info/m.json')), 'm.json').functions.get(0)!;
  assert.ok(named.parameters.every((p) => !p.isTemporary));
});

test('file hashes written as hex strings read the same as byte arrays', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const text = readFileSync(join(COMPOUND, 'debug_info/m.json'), 'utf8');
  const asHex = JSON.stringify(JSON.parse(text), (key, value) =>
    key === 'file_hash' ? Buffer.from(value as number[]).toString('hex') : value);
  const a = parseSuiSourceMap(text, 'array.json');
  const b = parseSuiSourceMap(asHex, 'hex.json');
  const summary = (m: ModuleSourceMap) => [...m.functions.values()].map((f) => [f.definitionLocation, f.codeOffsets.map((pc) => f.locationAt(pc))]);
  assert.deepEqual(summary(b), summary(a));
  assert.equal(a.definitionLocation.fileHash, b.definitionLocation.fileHash);
  const prefixed = JSON.stringify(JSON.parse(asHex), (key, value) => (key === 'file_hash' ? `0x${String(value).toUpperCase()}` : value));
  assert.equal(parseSuiSourceMap(prefixed, 'prefixed.json').definitionLocation.fileHash, a.definitionLocation.fileHash);
});

test('Aptos .mvsm: module name, parameters, locals, constants', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const file = join(MOVE_FIXTURES, 'aptos-hello-blockchain/build/hello_blockchain/source_maps/message.mvsm');
  const map = parseAptosSourceMap(readFileSync(file), file);
  assert.equal(map.format, 'aptos-source-map');
  assert.deepEqual(map.module, { address: '0x260dc208918945107256f6b96920c71852d0635b914773d96d6236cf25be0646', name: 'message' });
  assert.equal(map.constants.get('ENO_MESSAGE'), 0);
  const setMessage = map.functions.get(1)!;
  assert.deepEqual(setMessage.parameters.map((p) => p.name), ['account', 'message']);
  assert.deepEqual(setMessage.locals.map((p) => p.name), ['account_addr', 'from_message', 'message_holder']);
  assert.equal(map.structs.get(1)!.fields.length, 2);
});

test('bad source maps give errors that name the file', (t) => {
  const expectUserError = (fn: () => unknown, pattern: RegExp) => {
    assert.throws(fn, (error: unknown) => error instanceof UserError && pattern.test(error.message));
  };
  expectUserError(() => parseSuiSourceMap('{ not json', 'broken.json'), /broken\.json: not JSON/);
  expectUserError(() => parseSuiSourceMap('[]', 'array.json'), /array\.json: \$: expected an object/);
  expectUserError(() => parseSuiSourceMap('{"definition_location": {"file_hash": [1, 2], "start": 0, "end": 1}}', 'short.json'),
    /short\.json: \$\.definition_location\.file_hash: expected 32 bytes/);
  const loc = { file_hash: 'ab'.repeat(32), start: 0, end: 1 };
  expectUserError(() => parseSuiSourceMap(JSON.stringify({ definition_location: loc, function_map: { x: {} } }), 'key.json'),
    /key\.json: \$\.function_map\.x: expected a numeric key/);
  expectUserError(() => parseSuiSourceMap(JSON.stringify({ definition_location: { ...loc, start: 5, end: 2 } }), 'range.json'),
    /range\.json: \$\.definition_location: range ends \(2\) before it starts \(5\)/);
  expectUserError(() => parseAptosSourceMap(Uint8Array.from([1, 2, 3]), 'tiny.mvsm'), /Invalid Aptos source map tiny\.mvsm/);
  if (!fixturesPresent) return;
  const real = readFileSync(join(MOVE_FIXTURES, 'aptos-hello-blockchain/build/hello_blockchain/source_maps/message.mvsm'));
  expectUserError(() => parseAptosSourceMap(real.subarray(0, real.length - 5), 'cut.mvsm'), /cut\.mvsm/);
  expectUserError(() => parseAptosSourceMap(Uint8Array.from([...real, 0]), 'long.mvsm'), /long\.mvsm/);
});
