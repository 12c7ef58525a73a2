// `pragma solidity <range>;` — which compiler releases a source file accepts. Solidity's ranges follow npm's
// semver grammar for the parts people write (`^0.8.0`, `>=0.6.2 <0.9.0`, `=0.5.16`, `0.7.6`, `~0.4.24`,
// `0.8.x`, `a - b`, `||`), applied to release versions only.

export type Version = readonly [number, number, number];

interface Comparator { readonly op: '<' | '<=' | '>' | '>=' | '='; readonly v: Version }
/** Alternatives (`||`) of comparator sets that must all hold. */
export type VersionRange = readonly (readonly Comparator[])[];

export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export const formatVersion = (v: Version): string => v.join('.');

/** A possibly partial version: `0.8`, `0.8.x`, `*`. Missing parts are undefined. */
function partial(text: string): (number | undefined)[] | undefined {
  if (text === '' || text === '*' || text === 'x' || text === 'X') return [];
  const parts = text.replace(/^v/, '').split('.');
  if (parts.length > 3) return undefined;
  const out: (number | undefined)[] = [];
  for (const p of parts) {
    if (p === 'x' || p === 'X' || p === '*') break;
    if (!/^\d+$/.test(p)) return undefined;
    out.push(Number(p));
  }
  return out;
}

const full = (p: readonly (number | undefined)[]): Version => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];

/** The exclusive upper bound of a partial version (`0.8` -> 0.9.0, `1` -> 2.0.0). */
function after(p: readonly (number | undefined)[]): Version {
  if (p.length >= 3) return [p[0]!, p[1]!, p[2]! + 1];
  if (p.length === 2) return [p[0]!, p[1]! + 1, 0];
  return [p[0]! + 1, 0, 0];
}

function comparators(op: string, text: string): Comparator[] | undefined {
  const p = partial(text);
  if (!p) return undefined;
  if (p.length === 0) return op === '<' || op === '>' ? [{ op: '<', v: [0, 0, 0] }] : [];
  switch (op) {
    case '^': {
      // Caret: changes allowed right of the first non-zero part (of those given).
      const v = full(p);
      const upper: Version = v[0] > 0 || p.length === 1 ? [v[0] + 1, 0, 0] : v[1] > 0 || p.length === 2 ? [0, v[1] + 1, 0] : [0, 0, v[2] + 1];
      return [{ op: '>=', v }, { op: '<', v: upper }];
    }
    case '~': {
      const v = full(p);
      return [{ op: '>=', v }, { op: '<', v: p.length === 1 ? [v[0] + 1, 0, 0] : [v[0], v[1] + 1, 0] }];
    }
    case '>': return [p.length === 3 ? { op: '>', v: full(p) } : { op: '>=', v: after(p) }];
    case '>=': return [{ op: '>=', v: full(p) }];
    case '<': return [{ op: '<', v: full(p) }];
    case '<=': return [p.length === 3 ? { op: '<=', v: full(p) } : { op: '<', v: after(p) }];
    case '=':
    case '': return p.length === 3 ? [{ op: '=', v: full(p) }] : [{ op: '>=', v: full(p) }, { op: '<', v: after(p) }];
    default: return undefined;
  }
}

/** Parses a range such as `>=0.6.2 <0.9.0 || ^0.5.0`; undefined when it is not one. */
export function parseRange(text: string): VersionRange | undefined {
  const alternatives: Comparator[][] = [];
  for (const alt of text.split('||')) {
    const set: Comparator[] = [];
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(alt);
    if (hyphen) {
      const lo = comparators('>=', hyphen[1]!);
      const hi = comparators('<=', hyphen[2]!);
      if (!lo || !hi) return undefined;
      alternatives.push([...lo, ...hi]);
      continue;
    }
    // Operators may be separated from their version by spaces (`>= 0.4.22`).
    const tokens = alt.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    for (const token of tokens) {
      const m = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(token)!;
      const c = comparators(m[1] ?? '', m[2]!);
      if (!c) return undefined;
      set.push(...c);
    }
    alternatives.push(set);
  }
  return alternatives;
}

export function satisfies(v: Version, range: VersionRange): boolean {
  return range.some((set) => set.every(({ op, v: w }) => {
    const c = compareVersions(v, w);
    return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : c === 0;
  }));
}

/**
 * Blanks comments (and, unless `keepStrings`, string contents) so that a pragma or an import inside them is
 * not read. Offsets are kept.
 */
export function blankComments(source: string, keepStrings = false): string {
  return source.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) =>
    m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : keepStrings ? m : m[0] + ' '.repeat(m.length - 2) + m[0]);
}

/** The `pragma solidity` ranges of a source file, as written. */
export function versionPragmas(source: string): string[] {
  const out: string[] = [];
  for (const m of blankComments(source).matchAll(/\bpragma\s+solidity\s+([^;]+);/g)) out.push(m[1]!.trim());
  return out;
}
