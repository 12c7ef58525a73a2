// Long texts as the editor shows them. VS Code's exception widget shows `details` as preformatted text and
// never wraps it, so a backend's one-line "in Vault.withdraw at 0x…; data 0x<200 hex digits>" runs off the
// screen. Lines are broken at their clause separators ("; ") and long unbroken runs (hex data) into
// fixed-size pieces, so every byte stays visible and in order.

/** Wraps each line of `text` to at most `width` characters (long tokens in `width`-character pieces). */
export function wrapText(text: string, width = 80): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length <= width) {
      out.push(line);
      continue;
    }
    const clauses = line.split('; ');
    clauses.forEach((clause, i) => {
      const last = i === clauses.length - 1;
      let current = '';
      for (const word of clause.split(' ')) {
        for (const piece of pieces(word, width)) {
          if (current !== '' && current.length + 1 + piece.length > width) {
            out.push(current);
            current = `  ${piece}`;
          } else current = current === '' ? piece : `${current} ${piece}`;
        }
      }
      out.push(last ? current : `${current};`);
    });
  }
  return out.join('\n');
}

function pieces(word: string, width: number): string[] {
  if (word.length <= width) return [word];
  const size = width - 2; // continuation lines are indented by two
  const parts: string[] = [];
  for (let i = 0; i < word.length; i += size) parts.push(word.slice(i, i + size));
  return parts;
}
