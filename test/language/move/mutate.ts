// Mutations of Move sources for fuzzing (token deletions, insertions, truncations, random bytes, moved
// tokens, deep nesting), shared by the parser fuzz and the compiler fuzz.
import { lex } from '../../../language/move/lexer.ts';

const SNIPPETS = ['{', '}', '(', ')', '<', '>', '>>', '::', ';', ',', '|', '||', '!', 'let', 'fun', 'match', "'a:", '$x', '#[', ']', 'as', '&mut', 'b"', '@', '..', '=>', '.', '0x', 'if', 'else', 'loop'];

export function mutate(src: Buffer, random: () => number): Buffer {
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

