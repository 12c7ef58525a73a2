import test from 'node:test';
import assert from 'node:assert/strict';
import { decompressSourceMap, instructionIndexByPc, LineIndex } from '../../debug-adapter/evm/build/sourcemap.ts';
import { instructionOffsets, instructionText } from '../../debug-adapter/evm/opcodes.ts';

test('compressed source maps repeat omitted fields from the previous entry', () => {
  const entries = decompressSourceMap('1:2:1;:9;2:1:2;;3:4::o:1;:::i');
  assert.deepEqual(entries.map((e) => [e.start, e.length, e.file, e.jump, e.modifierDepth]), [
    [1, 2, 1, '-', 0],
    [1, 9, 1, '-', 0],
    [2, 1, 2, '-', 0],
    [2, 1, 2, '-', 0],
    [3, 4, 2, 'o', 1],
    [3, 4, 2, 'i', 1],
  ]);
  assert.deepEqual(decompressSourceMap('0:1:-1'), [{ start: 0, length: 1, file: -1, jump: '-', modifierDepth: 0 }]);
});

test('PUSH data bytes map to their PUSH instruction', () => {
  // PUSH1 0x80, PUSH2 0x0102, JUMPDEST, PUSH32 (truncated), STOP
  const code = Uint8Array.from([0x60, 0x80, 0x61, 0x01, 0x02, 0x5b, 0x7f, 0xaa]);
  assert.deepEqual([...instructionIndexByPc(code)], [0, 0, 1, 1, 1, 2, 3, 3, 4]);
  assert.deepEqual([...instructionOffsets(code)], [0, 2, 5, 6]);
  assert.equal(instructionText(code, 2), 'PUSH2 0x0102');
  assert.equal(instructionText(code, 6), `PUSH32 0xaa${'00'.repeat(31)}`);
});

test('UTF-8 byte offsets become lines and UTF-16 columns', () => {
  const text = 'a\n// é 😀 x\n\tb';
  const index = new LineIndex(text);
  const bytes = new TextEncoder().encode(text);
  const byteOf = (s: string): number => new TextEncoder().encode(text.slice(0, text.indexOf(s))).length;
  assert.deepEqual(index.position(0), { line: 1, column: 1 });
  assert.deepEqual(index.position(byteOf('é')), { line: 2, column: 4 });
  // "😀" is 4 UTF-8 bytes and 2 UTF-16 code units; "é" is 2 bytes and 1 unit.
  assert.deepEqual(index.position(byteOf('x')), { line: 2, column: text.split('\n')[1]!.indexOf('x') + 1 });
  assert.deepEqual(index.position(byteOf('b')), { line: 3, column: 2 });
  assert.deepEqual(index.position(bytes.length), { line: 3, column: 3 });
});
