// The outline of a Move source file (modules and their structs, enums, functions, constants) from a small
// lexer: comments, strings and attributes are skipped and braces are matched, so it works on files that do
// not compile. This is what the editor shows until the Move front end gives full analysis.

export type MoveSymbolKind = 'module' | 'struct' | 'enum' | 'function' | 'constant';

export interface MoveSymbol {
  readonly name: string;
  readonly kind: MoveSymbolKind;
  /** UTF-16 offsets of the whole item and of its name. */
  readonly start: number;
  readonly end: number;
  readonly nameStart: number;
  readonly nameEnd: number;
  /** e.g. "public entry fun", "struct … has key, store". */
  readonly detail: string;
  readonly children: MoveSymbol[];
}

interface Token { text: string; start: number; end: number }

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), start: i, end: j });
      i = j;
    } else if (/\s/.test(c)) i++;
    else if (c === ':' && text[i + 1] === ':') {
      tokens.push({ text: '::', start: i, end: i + 2 });
      i += 2;
    } else {
      tokens.push({ text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

const MODIFIERS = new Set(['public', 'entry', 'native', 'macro', 'friend', 'package', '(', ')']);

export function moveOutline(text: string): MoveSymbol[] {
  const tokens = tokenize(text);
  const top: MoveSymbol[] = [];
  const stack: { symbol: MoveSymbol | undefined; depth: number }[] = [];
  let depth = 0;
  /** The module whose body (braces, or the rest of the file for `module a::b;`) we are in. */
  let module: { symbol: MoveSymbol; depth: number; wholeFile: boolean } | undefined;
  const close = (symbol: MoveSymbol, end: number) => ((symbol as { end: number }).end = end);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.text === '#' && tokens[k + 1]?.text === '[') {
      // Attribute: skip to its closing bracket.
      let nest = 0;
      for (k++; k < tokens.length; k++) {
        if (tokens[k]!.text === '[') nest++;
        else if (tokens[k]!.text === ']' && --nest === 0) break;
      }
      continue;
    }
    if (t.text === '{') { depth++; continue; }
    if (t.text === '}') {
      depth--;
      while (stack.length && stack[stack.length - 1]!.depth > depth) {
        const open = stack.pop()!;
        if (open.symbol) close(open.symbol, t.end);
      }
      if (module && !module.wholeFile && depth < module.depth) { close(module.symbol, t.end); module = undefined; }
      continue;
    }
    if (t.text === 'module' && (depth === 0 || (depth === 1 && !module))) {
      // module <addr>::<name> { … }  |  module <addr>::<name>;   (also `module name` inside `address x {}`)
      let j = k + 1;
      let name: Token | undefined;
      while (j < tokens.length && tokens[j]!.text !== '{' && tokens[j]!.text !== ';') {
        if (/^[A-Za-z_]/.test(tokens[j]!.text)) name = tokens[j];
        j++;
      }
      if (!name) continue;
      const symbol: MoveSymbol = { name: tokens.slice(k + 1, j).map((x) => x.text).join(''), kind: 'module', start: t.start, end: text.length,
        nameStart: tokens[k + 1]!.start, nameEnd: name.end, detail: 'module', children: [] };
      top.push(symbol);
      const wholeFile = tokens[j]?.text === ';';
      module = { symbol, depth: wholeFile ? depth : depth + 1, wholeFile };
      k = j - 1;
      continue;
    }
    if (!module || depth !== module.depth) continue;
    const kind: MoveSymbolKind | undefined = t.text === 'fun' ? 'function' : t.text === 'struct' ? 'struct' : t.text === 'enum' ? 'enum' : t.text === 'const' ? 'constant' : undefined;
    const name = tokens[k + 1];
    if (!kind || !name || !/^[A-Za-z_]/.test(name.text)) continue;
    if (kind === 'function' && tokens[k - 1]?.text === 'use') continue; // `use fun a::b as T.c;` is an alias
    let first = k;
    while (first > 0 && MODIFIERS.has(tokens[first - 1]!.text) && tokens[first - 1]!.start >= (module.symbol.start)) first--;
    // The item ends at its body's closing brace or at `;`.
    let j = k + 1;
    let nest = 0;
    let end = name.end;
    for (; j < tokens.length; j++) {
      const x = tokens[j]!.text;
      if (x === '{') nest++;
      else if (x === '}') { if (nest === 0) break; if (--nest === 0) { end = tokens[j]!.end; break; } }
      else if (x === ';' && nest === 0) { end = tokens[j]!.end; break; }
    }
    const headEnd = tokens.slice(k, j).findIndex((x) => x.text === '{' || x.text === ';');
    const headStop = headEnd < 0 ? tokens[j - 1]?.end ?? name.end : tokens[k + headEnd]!.start;
    const head = text.slice(tokens[first]!.start, headStop).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ');
    module.symbol.children.push({ name: name.text, kind, start: tokens[first]!.start, end, nameStart: name.start, nameEnd: name.end, detail: head.trim(), children: [] });
    if (kind === 'function' || kind === 'struct' || kind === 'enum') k = j; // skip the body
  }
  return top;
}
