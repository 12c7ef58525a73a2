// Fuzzing the Move front end with mutated real sources (fixed seed, reproducible): token deletions,
// duplications and swaps, random bytes, truncations and deep nesting. Every case must end with a
// tree and diagnostics (ranges inside the text), never an exception or a hang.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from '../../../language/move/parser.ts';
import { lex } from '../../../language/move/lexer.ts';
import { prng } from '../../move/binary/fixture-files.ts';
import { corpusFiles } from './corpus.ts';

const SEED = 0x0c0f_fee5;
const CASES = 3000;

const SNIPPETS = ['{', '}', '(', ')', '<', '>', '>>', '::', ';', ',', '|', '||', '!', 'let', 'fun', 'match', "'a:", '$x', '#[', ']', 'as', '&mut', 'b"', '@', '..', '=>', '.', '0x', 'if', 'else', 'loop'];

function mutate(src: Buffer, random: () => number): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  const tokens = lex(src).tokens.filter((t) => t.kind !== 'eof');
  const at = tokens.length ? tokens[pick(tokens.length)] : { start: 0, end: 0 };
  switch (pick(6)) {
    case 0: // delete a token
      return Buffer.concat([src.subarray(0, at.start), src.subarray(at.end)]);
    case 1: { // insert a snippet
      const s = Buffer.from(SNIPPETS[pick(SNIPPETS.length)] + ' ');
      return Buffer.concat([src.subarray(0, at.start), s, src.subarray(at.start)]);
    }
    case 2: // truncate
      return src.subarray(0, at.start);
    case 3: { // random bytes
      const out = Buffer.from(src);
      for (let k = 0; k < 3; k++) out[pick(out.length)] = pick(256);
      return out;
    }
    case 4: { // move a token elsewhere
      const other = tokens[pick(tokens.length)] ?? at;
      const piece = src.subarray(at.start, at.end);
      const without = Buffer.concat([src.subarray(0, at.start), src.subarray(at.end)]);
      const p = Math.min(other.start, without.length);
      return Buffer.concat([without.subarray(0, p), piece, Buffer.from(' '), without.subarray(p)]);
    }
    default: // deep nesting
      return Buffer.concat([src.subarray(0, at.start), Buffer.from('('.repeat(2000) + '{'.repeat(500) + '|'.repeat(300)), src.subarray(at.start)]);
  }
}

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
