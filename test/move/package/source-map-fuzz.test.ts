// Fuzzing the source-map readers with mutated real files (fixed seed): every case ends in a UserError that
// names the file or in a readable map whose lookups work; never another exception.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../debug-adapter/core/errors.ts';
import {
  parseAptosSourceMap,
  parseSuiDebugInfoBcs,
  parseSuiSourceMap,
  type ModuleSourceMap,
} from '../../../debug-adapter/move/package/index.ts';
import { MOVE_FIXTURES, SKIP_MESSAGE, fixturesPresent, prng } from '../binary/fixture-files.ts';

const SEED = 0x5ca1ab1e;
const CASES_PER_FORMAT = 1000;

function exercise(map: ModuleSourceMap): void {
  for (const fn of map.functions.values()) {
    for (let pc = 0; pc < 64; pc += 7) fn.locationAt(pc);
    fn.localDisplayNames();
    fn.local(0);
  }
}

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const at = Math.floor(random() * bytes.length);
  switch (Math.floor(random() * 4)) {
    case 0: {
      const out = bytes.slice();
      out[at]! ^= 1 << Math.floor(random() * 8);
      return out;
    }
    case 1:
      return bytes.slice(0, at);
    case 2:
      return Uint8Array.from([...bytes.subarray(0, at), 0xff, 0xff, 0xff, 0xff, 0x0f, ...bytes.subarray(at)]);
    default: {
      const out = bytes.slice();
      out[at] = Math.floor(random() * 256);
      return out;
    }
  }
}

test(`fuzz: mutated source maps (${CASES_PER_FORMAT} per format) end in a UserError or a usable map`, { timeout: 120_000 }, (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const compound = join(MOVE_FIXTURES, 'sui-trace-tests/compound/build/compound/debug_info');
  const formats = [
    { file: join(MOVE_FIXTURES, 'aptos-hello-blockchain/build/hello_blockchain/source_maps/message.mvsm'), parse: parseAptosSourceMap },
    { file: join(compound, 'm.mvd'), parse: parseSuiDebugInfoBcs },
    { file: join(compound, 'm.json'), parse: (bytes: Uint8Array, name: string) => parseSuiSourceMap(bytes, name) },
  ];
  const random = prng(SEED);
  const summary: string[] = [];
  for (const { file, parse } of formats) {
    const original = new Uint8Array(readFileSync(file));
    let rejected = 0;
    let parsed = 0;
    for (let i = 0; i < CASES_PER_FORMAT; i++) {
      const mutated = mutate(original, random);
      try {
        exercise(parse(mutated, 'fuzzed-map'));
        parsed++;
      } catch (error) {
        assert.ok(error instanceof UserError, `case ${i} of ${file}: threw ${String(error)}`);
        assert.match(error.message, /fuzzed-map/);
        rejected++;
      }
    }
    summary.push(`${file.split('/').pop()}: ${rejected} rejected, ${parsed} parsed`);
  }
  t.diagnostic(`seed ${SEED.toString(16)}: ${summary.join('; ')}`);
});
