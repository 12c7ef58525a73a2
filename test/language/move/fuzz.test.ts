// Fuzzing the Move front end with mutated real sources (fixed seed, reproducible): token deletions,
// duplications and swaps, random bytes, truncations and deep nesting. Every case must end with a
// tree and diagnostics (ranges inside the text), never an exception or a hang.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from '../../../language/move/parser.ts';
import { prng } from '../../move/binary/fixture-files.ts';
import { corpusFiles } from './corpus.ts';
import { mutate } from './mutate.ts';

const SEED = 0x0c0f_fee5;
const CASES = 3000;

test(`${CASES} mutated Move sources never crash or hang the parser`, (t) => {
  const files = corpusFiles();
  if (files.length === 0) return t.skip('../shared/fixtures/move not found');
  const sources = files.map((f) => readFileSync(f)).filter((s) => s.length < 40_000);
  const random = prng(SEED);
  let withErrors = 0;
  for (let i = 0; i < CASES; i++) {
    let src: Buffer = sources[Math.floor(random() * sources.length)];
    const rounds = 1 + Math.floor(random() * 3);
    for (let r = 0; r < rounds; r++) src = mutate(src, random);
    let result;
    try {
      result = parse(src);
    } catch (e) {
      assert.fail(`case ${i}: ${(e as Error).stack}`);
    }
    if (result.diagnostics.length) withErrors++;
    for (const d of result.diagnostics) {
      assert.ok(d.range.start >= 0 && d.range.end <= src.length && d.range.start <= d.range.end, `case ${i}: range ${JSON.stringify(d.range)} inside ${src.length} bytes`);
      assert.ok(d.message.length > 0);
    }
  }
  // Most mutations break the syntax: the fuzzer really exercises the error paths.
  assert.ok(withErrors > CASES / 2, `${withErrors} of ${CASES} cases had diagnostics`);
});
