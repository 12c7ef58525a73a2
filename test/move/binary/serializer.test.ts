// Writing modules back: every fixture module (and both framework snapshots) round-trips byte for byte,
// which checks that the reader took in every field of the format and nothing else.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { deserialize, serialize } from '../../../debug-adapter/move/binary/index.ts';
import { parseFrameworkSnapshot } from '../../../debug-adapter/move/package/index.ts';
import { MOVE_FIXTURES, SKIP_MESSAGE, SUI_FRAMEWORK, fixtureFiles, fixturesPresent } from './fixture-files.ts';
import { build, name } from './assemble.ts';
import { bcs } from '@mysten/bcs';

const SystemPackage = bcs.struct('SystemPackage', {
  id: bcs.fixedArray(32, bcs.u8()),
  modules: bcs.vector(bcs.byteVector()),
  dependencies: bcs.vector(bcs.fixedArray(32, bcs.u8())),
});

test('every fixture module round-trips byte for byte through deserialize and serialize', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const files = fixtureFiles('', (p) => p.endsWith('.mv'));
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const module = deserialize(bytes, file, { flavour: file.includes('aptos') ? 'aptos' : 'sui' });
    assert.deepEqual(serialize(module), bytes, relative(MOVE_FIXTURES, file));
  }
  let framework = 0;
  for (const snapshot of SUI_FRAMEWORK) {
    // The snapshot's raw module bytes, read independently of the package loader.
    const raw = SystemPackage.parse(readFileSync(snapshot)).modules;
    const modules = parseFrameworkSnapshot(readFileSync(snapshot), snapshot).modules;
    assert.equal(modules.length, raw.length);
    modules.forEach((module, i) => assert.deepEqual(serialize(module), Uint8Array.from(raw[i]!), `${snapshot} module ${i}`));
    framework += modules.length;
  }
  t.diagnostic(`${files.length} fixture modules and ${framework} framework modules round-trip byte for byte`);
});

test('hand-built modules of both flavours re-read identically after serialization', () => {
  const aptos = deserialize(build([
    [0x7, ['m', 'f'].flatMap(name)],
    [0x8, new Array(32).fill(0)],
    [0x1, [0, 0]],
    [0x5, [0, 1, 0x10, 0x02, 1, 1, 0x03, 0x01]], // (), (|u64|bool has drop)
    // f: writes (negated) any resource at the address in parameter 0; attributes [persistent]
    [0x3, [0, 1, 0, 0, 0, 0x02, 1, 0x02, 0x02, 0x01, 0x03, 0, 0x01, 1, 0x01]],
    [0xc, [0, 1, 0, 0, 0, 3, 0x58, 0, 0x01, 0x5a, 1, 0x02]],
  ], [0], [8, 0, 0, 0x0a]).bytes, 'aptos8.mv');
  assert.deepEqual(aptos.functionHandles[0]!.accessSpecifiers, [
    { kind: 'writes', negated: true, resource: { kind: 'any' }, address: { kind: 'parameter', parameter: 0 } },
  ]);
  assert.deepEqual(aptos.functionHandles[0]!.attributes, [{ kind: 'persistent' }]);
  assert.deepEqual(deserialize(serialize(aptos), 'again.mv'), aptos);

  const sui = deserialize(build([
    [0x7, ['m', 'f', 'E', 'A'].flatMap(name)],
    [0x8, new Array(32).fill(0)],
    [0x1, [0, 0]],
    [0x2, [0, 2, 3, 1, 0, 0]], // E<T> has copy, drop
    [0x5, [0, 1, 0x0b, 0, 1, 0x03]], // (), (E<u64>)
    [0x3, [0, 1, 0, 0, 0]],
    [0x11, [0, 0x02, 1, 3, 0]], // enum E<T> { A {} }
    [0x12, [0, 1]], // E<u64>
    [0x14, [0, 0]], // E<u64>::A
    [0xc, [0, 1, 0, 0, 0, 3, 0x4f, 0, 0x53, 0, 0x02, 0]], // PackVariantGeneric; UnpackVariantGeneric; Ret; no jump tables
  ], [0], [7, 0, 0, 5]).bytes, 'sui7.mv');
  assert.deepEqual(sui.variantInstantiationHandles, [{ enumInstantiation: 0, variant: 0 }]);
  assert.deepEqual(deserialize(serialize(sui), 'again.mv'), sui);
});
