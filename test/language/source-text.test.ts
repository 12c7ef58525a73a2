// Byte offset <-> line/UTF-16 column conversion checked against Node's own UTF-8 encoder (Buffer) as the
// oracle, on texts mixing ASCII, 2-, 3- and 4-byte characters and lone surrogates; and fuzzing of the small
// scanners that read untrusted files (imports, Move outlines, edit drift): any input ends in a result.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceText } from '../../language/text/source-text.ts';
import { scanImports } from '../../language/solidity/imports.ts';
import { moveOutline } from '../../language/move/outline.ts';
import { TextDrift } from '../../language-server/text-drift.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('byte offsets and UTF-16 positions agree with Buffer on every code point boundary', () => {
  const text = 'a = "é";\n// 😀 wörld — ✓\r\n\nlast 𝄞 line é';
  const st = new SourceText(text);
  assert.equal(st.byteLength, Buffer.byteLength(text));
  let utf16 = 0;
  for (const ch of text) {
    const bytes = Buffer.byteLength(text.slice(0, utf16));
    const before = text.slice(0, utf16);
    const line = before.split('\n').length - 1;
    const character = utf16 - (before.lastIndexOf('\n') + 1);
    assert.deepEqual(st.positionAt(bytes), { line, character }, `at ${utf16}`);
    assert.equal(st.byteOffsetAt({ line, character }), bytes);
    assert.equal(st.byteOffsetOf(utf16), bytes);
    assert.equal(st.offsetAt(bytes), utf16);
    utf16 += ch.length;
  }
  assert.equal(st.slice(Buffer.byteLength('a = "'), Buffer.byteLength('a = "é')), 'é');
});

test('a lone surrogate counts as U+FFFD (3 bytes), as solc sees the text', () => {
  const text = 'x\uD800y';
  const st = new SourceText(text);
  assert.equal(st.byteLength, Buffer.byteLength(text)); // Buffer also writes EF BF BD for it
  assert.deepEqual(st.positionAt(4), { line: 0, character: 2 });
});

test('fuzz: scanners and conversions never throw and stay in range', () => {
  const seeds = [
    readFileSync(path.join(root, 'samples/solidity/token/Token.sol'), 'utf8'),
    readFileSync(path.join(root, 'node_modules/@openzeppelin/contracts/token/ERC20/ERC20.sol'), 'utf8'),
    'module 0x1::m { struct S has key { a: u64 } public fun f(x: u64): u64 { x } #[test] fun t() {} }',
  ];
  const pieces = ['import', '"', "'", '{', '}', ';', '/*', '*/', '//', '\n', 'module', 'fun', 'struct', '#[', ']', '😀', '\uD800', '\\', '::', 'é'];
  const rnd = random(42);
  for (let round = 0; round < 400; round++) {
    let text = seeds[round % seeds.length]!;
    for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) {
      const at = Math.floor(rnd() * text.length);
      const op = rnd();
      if (op < 0.4) text = text.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)]! + text.slice(at);
      else if (op < 0.7) text = text.slice(0, at) + text.slice(at + Math.floor(rnd() * 50));
      else text = text.slice(0, at);
    }
    for (const imp of scanImports(text)) assert.ok(imp.start >= 0 && imp.end <= text.length && imp.start < imp.end);
    const walk = (symbols: ReturnType<typeof moveOutline>): void => {
      for (const s of symbols) {
        assert.ok(s.start >= 0 && s.end <= text.length && s.nameStart >= s.start && s.nameEnd <= text.length, JSON.stringify(s));
        walk(s.children);
      }
    };
    walk(moveOutline(text));
    const st = new SourceText(text);
    const b = Math.floor(rnd() * (st.byteLength + 10)) - 5;
    const p = st.positionAt(b);
    assert.ok(p.line >= 0 && p.line < st.lineCount && p.character >= 0);
    const drift = new TextDrift(seeds[round % seeds.length]!, text);
    const o = Math.floor(rnd() * text.length);
    const before = drift.toBefore(o);
    if (before !== undefined) assert.equal(drift.toNow(before), o);
  }
});
