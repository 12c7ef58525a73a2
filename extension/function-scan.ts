// Finds the functions a user can debug in a `.sol` or `.move` file, for the "Debug" code lenses and the
// function quick pick. A deliberately simple textual scan (comments and strings blanked, then regexes):
// it runs on every keystroke's code-lens refresh, and the real compile happens later in the adapter, which
// reports anything this scan gets wrong as a clear error. No vscode import, so it is unit-testable.

export type Language = 'solidity' | 'move';

export interface DebuggableFunction {
  /** Solidity: the contract or library name. Move: the module name. */
  readonly container: string;
  readonly name: string;
  /** Parameter declarations as written (`uint256 amount`, `s: &signer`), in order. */
  readonly params: readonly string[];
  /** 0-based line and character of the function's name. */
  readonly line: number;
  readonly character: number;
  /** Solidity: `public` / `external`. Move: `test`, `entry`, or `public`. */
  readonly kind: string;
}

/** Replaces comments and string contents by spaces, keeping every offset and line break where it was. */
export function blankCommentsAndStrings(text: string): string {
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      // Move block comments nest; Solidity's do not, but nested `/*` inside a Solidity comment is rare
      // enough that treating both the same is fine for a scan.
      let depth = 1;
      let k = i + 2;
      while (k < text.length && depth > 0) {
        if (text[k] === '/' && text[k + 1] === '*') (depth++, (k += 2));
        else if (text[k] === '*' && text[k + 1] === '/') (depth--, (k += 2));
        else k++;
      }
      blank(i, k);
      i = k;
    } else if (c === '"' || c === "'") {
      let k = i + 1;
      while (k < text.length && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(k, text.length));
      i = k + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

/** The text between the bracket at `open` and its match, or undefined when unbalanced. */
function balanced(text: string, open: number, left: string, right: string): { inner: string; end: number } | undefined {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === left) depth++;
    else if (text[k] === right && --depth === 0) return { inner: text.slice(open + 1, k), end: k };
  }
  return undefined;
}

function splitParams(inner: string): string[] {
  const params: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of inner) {
    if (ch === '(' || ch === '<' || ch === '[') depth++;
    if (ch === ')' || ch === '>' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      params.push(current);
      current = '';
    } else current += ch;
  }
  params.push(current);
  return params.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 0);
}

/** Containers (contract/library/module) with the offset range of their bodies. */
interface Container {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly isInterface: boolean;
}

function containers(text: string, header: RegExp, interfaceKeyword?: string): Container[] {
  const found: Container[] = [];
  for (const m of text.matchAll(header)) {
    const brace = text.indexOf('{', m.index + m[0].length);
    if (brace === -1) continue;
    const body = balanced(text, brace, '{', '}');
    found.push({
      name: m.groups!.name,
      start: brace,
      end: body ? body.end : text.length,
      isInterface: interfaceKeyword !== undefined && m.groups!.kind === interfaceKeyword,
    });
  }
  return found;
}

function innermost(list: Container[], offset: number): Container | undefined {
  let best: Container | undefined;
  for (const c of list) if (c.start < offset && offset < c.end && (!best || c.start > best.start)) best = c;
  return best;
}

/**
 * Public and external functions with a body, in contracts and libraries (interfaces have nothing to run).
 * `constructor`, `receive` and `fallback` are left out: a session debugs a named call.
 */
export function scanSolidity(source: string): DebuggableFunction[] {
  const text = blankCommentsAndStrings(source);
  const starts = lineStarts(text);
  const units = containers(
    text,
    /\b(?<kind>(?:abstract\s+)?contract|library|interface)\s+(?<name>[A-Za-z_$][A-Za-z0-9_$]*)/g,
    'interface',
  );
  const result: DebuggableFunction[] = [];
  for (const m of text.matchAll(/\bfunction\s+(?<name>[A-Za-z_$][A-Za-z0-9_$]*)\s*\(/g)) {
    const unit = innermost(units, m.index);
    if (!unit || unit.isInterface) continue;
    const open = m.index + m[0].length - 1;
    const params = balanced(text, open, '(', ')');
    if (!params) continue;
    // The header runs to the body's `{` or to `;` (a declaration without body).
    const rest = text.slice(params.end + 1);
    const stop = rest.search(/[{;]/);
    if (stop === -1 || rest[stop] === ';') continue;
    const visibility = /\b(public|external)\b/.exec(rest.slice(0, stop));
    if (!visibility) continue;
    const nameOffset = m.index + m[0].indexOf(m.groups!.name, 'function'.length);
    result.push({
      container: unit.name,
      name: m.groups!.name,
      params: splitParams(params.inner),
      ...position(starts, nameOffset),
      kind: visibility[1],
    });
  }
  return result;
}

/**
 * `#[test]` functions (any visibility) and `entry` / `public` functions of each module. Attributes are read
 * from the text between the previous item and the `fun` keyword.
 */
export function scanMove(source: string): DebuggableFunction[] {
  const text = blankCommentsAndStrings(source);
  const starts = lineStarts(text);
  const header = /\bmodule\s+(?:(?:0x[0-9a-fA-F_]+|[A-Za-z_][A-Za-z0-9_]*)\s*::\s*)?(?<name>[A-Za-z_][A-Za-z0-9_]*)/g;
  // Move 2024 writes a file's module as a label (`module pkg::m;`): it runs to the next module or the end.
  const labels = [...text.matchAll(new RegExp(`${header.source}\\s*;`, 'g'))];
  const modules = labels.length > 0
    ? labels.map((m, i) => ({ name: m.groups!.name, start: m.index, end: labels[i + 1]?.index ?? text.length, isInterface: false }))
    : containers(text, header);
  const result: DebuggableFunction[] = [];
  const fun = /(?<prefix>(?:#\[[^\]]*\]\s*)*)(?<modifiers>(?:(?:public(?:\s*\(\s*(?:friend|package)\s*\))?|entry|native|inline|macro)\s+)*)fun\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^>]*>\s*)?\(/g;
  for (const m of text.matchAll(fun)) {
    const module = innermost(modules, m.index);
    if (!module) continue;
    const attributes = m.groups!.prefix;
    const modifiers = m.groups!.modifiers;
    if (/\bnative\b|\bmacro\b/.test(modifiers)) continue;
    const isTest = /#\[\s*(?:[A-Za-z_]+\s*,\s*)*test\b/.test(attributes);
    // `public(friend)` / `public(package)` functions cannot be called from outside, so they are not offered.
    const isPublic = /\bpublic\b(?!\s*\()/.test(modifiers);
    const kind = isTest ? 'test' : /\bentry\b/.test(modifiers) ? 'entry' : isPublic ? 'public' : undefined;
    if (!kind) continue;
    const open = m.index + m[0].length - 1;
    const params = balanced(text, open, '(', ')');
    if (!params) continue;
    const nameOffset = m.index + m[0].lastIndexOf(m.groups!.name, m[0].length - 1);
    result.push({
      container: module.name,
      name: m.groups!.name,
      params: splitParams(params.inner),
      ...position(starts, nameOffset),
      kind,
    });
  }
  return result;
}

export function scanFunctions(language: Language, source: string): DebuggableFunction[] {
  return language === 'solidity' ? scanSolidity(source) : scanMove(source);
}

/** The language of a file by extension, or undefined for files Chainstep does not debug. */
export function languageOfPath(path: string): Language | undefined {
  if (path.endsWith('.sol')) return 'solidity';
  if (path.endsWith('.move')) return 'move';
  return undefined;
}
