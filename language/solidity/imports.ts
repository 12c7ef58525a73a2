// Finds the import directives of a Solidity text without a full parse (comments and strings are skipped),
// so a file importing a broken file can show that on the import line even when nothing else parses.

export interface ImportDirective {
  /** The path as written between the quotes. */
  readonly path: string;
  /** UTF-16 offsets of the quoted path, quotes included. */
  readonly start: number;
  readonly end: number;
}

export function scanImports(text: string): ImportDirective[] {
  const found: ImportDirective[] = [];
  let i = 0;
  let inImport = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (inImport) {
        found.push({ path: text.slice(i + 1, j), start: i, end: Math.min(j + 1, text.length) });
        inImport = false;
      }
      i = j + 1;
    } else if (c === ';' || c === '{' && !inImport) {
      inImport = false;
      i++;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$]/.test(text[j]!)) j++;
      if (text.slice(i, j) === 'import') inImport = true;
      i = j;
    } else i++;
  }
  return found;
}
