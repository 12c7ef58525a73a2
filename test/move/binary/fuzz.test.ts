// Fuzzing the binary reader with mutated real modules (fixed seed, reproducible): bit flips, truncations,
// inserted and deleted bytes, corrupted length/offset fields. Every case must end either in a
// MoveFormatError or in a module that is fully usable: the disassembler (which follows every index)
// must then run without error, and writing the module back must read the same. Any other exception,
// or a hang, fails the test.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MoveFormatError, deserialize, disassembleModule, serialize, type CompiledModule } from '../../../debug-adapter/move/binary/index.ts';
import { MOVE_FIXTURES, SKIP_MESSAGE, fixtureFiles, fixturesPresent, prng } from './fixture-files.ts';

const SEED = 0x5eed_c0de;
const CASES = 6000;

type Mutation = (bytes: Uint8Array, random: () => number) => Uint8Array;

const pick = (random: () => number, n: number) => Math.floor(random() * n);

/** ULEB128 bytes of a large value, to plant where a length or index is read. */
function bigUleb(random: () => number): number[] {
  const choices = [[0xff, 0xff, 0x03], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02], [0x7f], [0x80, 0x01]];
  return choices[pick(random, choices.length)]!;
}

const MUTATIONS: Record<string, Mutation> = {
  bitFlips(bytes, random) {
    const out = bytes.slice();
    const flips = 1 + pick(random, 4);
    for (let i = 0; i < flips; i++) out[pick(random, out.length)]! ^= 1 << pick(random, 8);
    return out;
  },
  truncate(bytes, random) {
    return bytes.slice(0, pick(random, bytes.length));
  },
  insert(bytes, random) {
    const at = pick(random, bytes.length + 1);
    const extra = Array.from({ length: 1 + pick(random, 8) }, () => pick(random, 256));
    return Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
  },
  delete(bytes, random) {
    const at = pick(random, bytes.length);
    const length = 1 + pick(random, 8);
    return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + length)]);
  },
  /** Overwrite a byte of the table headers (kinds, offsets, lengths) with an extreme value. */
  tableHeader(bytes, random) {
    const out = bytes.slice();
    const at = 8 + pick(random, Math.min(60, out.length - 8));
    out[at] = [0x00, 0x01, 0x7f, 0x80, 0xff, pick(random, 256)][pick(random, 6)]!;
    return out;
  },
  /** Plant a huge ULEB value (a length or an index) anywhere in the module. */
  lengthField(bytes, random) {
    const at = 8 + pick(random, bytes.length - 8);
    const value = bigUleb(random);
    return Uint8Array.from([...bytes.subarray(0, at), ...value, ...bytes.subarray(at + 1)]);
  },
  /** Replace a byte by a small index-like value: valid-looking but often pointing into the wrong place. */
  smallValue(bytes, random) {
    const out = bytes.slice();
    out[8 + pick(random, out.length - 8)] = pick(random, 16);
    return out;
  },
};

test(`fuzz: ${CASES} mutated modules end in a MoveFormatError or a usable module`, { timeout: 120_000 }, (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  // A varied corpus: Sui v6 and v7 (enums), test-mode, Aptos v6, small and mid-sized modules.
  const sui = fixtureFiles('sui-trace-tests', (p) => p.endsWith('.mv'));
  const aptosDir = join(MOVE_FIXTURES, 'aptos-hello-blockchain/build/hello_blockchain/bytecode_modules');
  const corpus = [
    ...sui.filter((p) => p.endsWith('compound/bytecode_modules/m.mv')),
    ...sui.filter((p) => readFileSync(p)[0] === 0xde).slice(0, 1),
    ...sui.filter((p) => p.endsWith('references/bytecode_modules/m.mv')),
    ...sui.filter((p) => p.endsWith('/vector.mv')).slice(0, 1),
    join(aptosDir, 'message.mv'),
    join(aptosDir, 'dependencies/MoveStdlib/option.mv'),
    join(aptosDir, 'dependencies/AptosFramework/guid.mv'),
  ].map((file) => ({ file: relative(MOVE_FIXTURES, file), bytes: new Uint8Array(readFileSync(file)), flavour: file.includes('aptos') ? ('aptos' as const) : ('sui' as const) }));
  assert.ok(corpus.length >= 6, `corpus of ${corpus.length} modules`);

  const random = prng(SEED);
  const names = Object.keys(MUTATIONS);
  const outcome = { rejected: 0, parsed: 0 };
  const byTable = new Map<string, number>();
  for (let i = 0; i < CASES; i++) {
    const source = corpus[i % corpus.length]!;
    const mutation = names[pick(random, names.length)]!;
    const mutated = MUTATIONS[mutation]!(source.bytes, random);
    const label = `case ${i} (${mutation} of ${source.file})`;
    let module: CompiledModule;
    try {
      module = deserialize(mutated, source.file, { flavour: source.flavour, ...(i % 50 === 0 ? { kind: 'script' as const } : {}) });
    } catch (error) {
      if (!(error instanceof MoveFormatError)) assert.fail(`${label}: threw ${String(error)}`);
      assert.ok(!error.detail.startsWith('internal reader error'), `${label}: ${error.message}`);
      assert.equal(error.moduleName, source.file);
      assert.ok(error.offset >= 0 && error.offset <= mutated.length, `${label}: offset ${error.offset} outside the input`);
      byTable.set(error.table, (byTable.get(error.table) ?? 0) + 1);
      outcome.rejected++;
      continue;
    }
    try {
      disassembleModule(module);
    } catch (error) {
      assert.fail(`${label}: parsed, but disassembly threw ${String(error)}`);
    }
    // Whatever was accepted can be written back and reads the same.
    assert.deepEqual(deserialize(serialize(module), source.file, { flavour: source.flavour, kind: module.kind }), module, label);
    outcome.parsed++;
  }
  assert.equal(outcome.rejected + outcome.parsed, CASES);
  assert.ok(outcome.rejected > CASES / 2, 'most mutations should be caught');
  const tables = [...byTable].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
  t.diagnostic(`seed ${SEED.toString(16)}: ${CASES} cases over ${corpus.length} modules, ${outcome.rejected} rejected with MoveFormatError, ${outcome.parsed} parsed and disassembled`);
  t.diagnostic(`rejections by table: ${tables}`);
});
