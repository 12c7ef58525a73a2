// Long texts as the editor shows them. VS Code's exception widget shows `details` as preformatted text and
// never wraps it, so a backend's one-line "in Vault.withdraw at 0x…; data 0x<200 hex digits>" runs off the
// screen. Clauses ("; "-separated) are packed greedily into lines of at most `width` characters, and a long
// unbroken run (hex data) is cut into 64-character pieces (32 bytes of hex) on lines of their own, so every
// byte stays visible and in order.

const PIECE = 64;

/** Wraps each line of `text` to at most `width` characters. */
export function wrapText(text: string, width = 100): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length <= width) {
      out.push(line);
      continue;
    }
    let current = '';
    const flush = () => {
      if (current !== '') out.push(current);
      current = '';
    };
    const clauses = line.split('; ');
    clauses.forEach((clause, i) => {
      const text = i < clauses.length - 1 ? `${clause};` : clause;
      const joined = current === '' ? text : `${current} ${text}`;
      if (joined.length <= width) {
        current = joined;
        return;
      }
      flush();
      for (const word of text.split(' ')) {
        if (word.length > width || word.length > PIECE * 2) {
          flush();
          for (let k = 0; k < word.length; k += PIECE) out.push(`  ${word.slice(k, k + PIECE)}`);
        } else if (current !== '' && current.length + 1 + word.length > width) {
          flush();
          current = word;
        } else current = current === '' ? word : `${current} ${word}`;
      }
    });
    flush();
  }
  return out.join('\n');
}
