// Long texts as the editor shows them. VS Code's exception widget shows `details` as preformatted text and
// never wraps it, so a backend's "in Vault.withdraw at 0x…; data 0x<hundreds of hex digits>" runs off the
// screen. The words stay on their line; a long unbroken run (hex data) moves to lines of its own, cut into
// 64-character pieces (32 bytes of hex), so every byte stays visible and in order.

const PIECE = 64;

/** `text` with every word longer than 64 characters moved onto indented lines of 64-character pieces. */
export function wrapText(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let current: string[] = [];
    for (const word of line.split(' ')) {
      if (word.length <= PIECE) {
        current.push(word);
        continue;
      }
      if (current.length > 0) out.push(current.join(' '));
      current = [];
      for (let k = 0; k < word.length; k += PIECE) out.push(`  ${word.slice(k, k + PIECE)}`);
    }
    if (current.length > 0 || out.length === 0) out.push(current.join(' '));
  }
  return out.join('\n');
}
