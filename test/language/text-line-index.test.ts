// The one byte offset <-> line/UTF-16 column index (language/text/line-index.ts) that the debugger's source
// maps (solc and Move), compiler error locations and the language server share. Checked against an
// independent conversion: slicing the UTF-8 bytes and counting what a JavaScript string (UTF-16) holds.
import test from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../language/text/line-index.ts';

const text = 'pragma x;\n// é ü 😀 ok\n\r\nlast line: 𝔘𝔫𝔦 end';
const bytes = new TextEncoder().encode(text);

/** Independent oracle: decode the bytes before the offset and count lines and UTF-16 units. */
function oracle(offset: number): { line: number; column: number } {
  const before = new TextDecoder().decode(bytes.subarray(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** Offsets that start a character (a source map never points inside one). */
function boundaries(): number[] {
  const out: number[] = [];
  for (let i = 0; i <= bytes.length; i++) if (i === bytes.length || (bytes[i]! & 0xc0) !== 0x80) out.push(i);
  return out;
}

test('every character boundary maps to the line and UTF-16 column an editor shows, from a string or its bytes', () => {
  for (const index of [new LineIndex(text), new LineIndex(bytes)]) {
    assert.equal(index.lineCount, 4);
    for (const offset of boundaries()) assert.deepEqual(index.position(offset), oracle(offset), `offset ${offset}`);
  }
});

test('positions map back to the same byte offsets; out-of-range positions clamp to the line and the text', () => {
  const index = new LineIndex(text);
  for (const offset of boundaries()) assert.equal(index.offset(index.position(offset)), offset, `offset ${offset}`);
  assert.equal(index.offset({ line: 1, column: 999 }), 'pragma x;'.length, 'past the end of a line: its end');
  assert.equal(index.offset({ line: 99, column: 1 }), new TextEncoder().encode(text.slice(0, text.lastIndexOf('\n') + 1)).length);
  assert.equal(index.line(10_000), 4, 'past the end: the last line');
});
