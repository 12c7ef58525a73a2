// Whether the arms of a `match` cover every value of the subject's type, by the usual pattern-matrix
// method: split on the first column's constructors (an enum's variants, a struct, true/false) when the
// arms name all of them, otherwise only the arms with a wildcard there cover the rest. Integers,
// addresses and vectors have too many values to list: only a wildcard or binder covers them. Arms with
// a guard cover nothing (the guard may be false). The answer is an example of a value no arm matches.
import type * as A from './ast.ts';
import type { ModuleInfo } from './program.ts';
import type { Ty } from './types.ts';
import { substitute } from './typing.ts';

type Row = A.Pattern[];
const WILD: A.Pattern = { kind: 'wildcard', loc: { start: 0, end: 0 } };

/** `A | B` anywhere in a pattern becomes one pattern per alternative. */
export function expandOr(p: A.Pattern): A.Pattern[] {
  switch (p.kind) {
    case 'or':
      return p.alts.flatMap(expandOr);
    case 'at':
      return expandOr(p.pattern).map((x) => ({ ...p, pattern: x }));
    case 'ctor': {
      let combos: { name: A.Name; pattern: A.Pattern }[][] = [[]];
      for (const f of p.fields) combos = combos.flatMap((c) => expandOr(f.pattern).map((x) => [...c, { name: f.name, pattern: x }]));
      return combos.map((fields) => ({ ...p, fields }));
    }
    default:
      return [p];
  }
}

function strip(p: A.Pattern): A.Pattern {
  if (p.kind === 'at') return strip(p.pattern);
  if (p.kind === 'binder') return WILD;
  return p;
}

interface Ctor {
  readonly name: string;
  readonly fields: { name: string; type: Ty }[];
  readonly positional: boolean;
  /** Whether pattern `p` (a ctor or literal) names this constructor. */
  matches(p: A.Pattern): boolean;
}

function constructors(t: Ty, modules: ReadonlyMap<string, ModuleInfo>): Ctor[] | undefined {
  const s = t.kind === 'ref' ? t.to : t;
  if (s.kind === 'prim' && s.name === 'bool') {
    return [true, false].map((b) => ({ name: String(b), fields: [], positional: false, matches: (p) => p.kind === 'literal' && p.value.kind === 'bool' && p.value.value === b }));
  }
  if (s.kind !== 'datatype') return undefined;
  const dt = modules.get(s.module)?.datatypes.get(s.name);
  if (!dt) return undefined;
  const last = (p: A.Pattern) => (p.kind === 'ctor' ? p.path.segments[p.path.segments.length - 1].value : undefined);
  if (dt.kind === 'struct') {
    return [{ name: dt.name, fields: dt.fields.map((f) => ({ name: f.name, type: substitute(f.type, s.args) })), positional: dt.positional, matches: (p) => p.kind === 'ctor' }];
  }
  return dt.variants.map((v) => ({
    name: `${dt.name}::${v.name}`,
    fields: v.fields.map((f) => ({ name: f.name, type: substitute(f.type, s.args) })),
    positional: v.positional,
    matches: (p) => last(p) === v.name,
  }));
}

function fieldPatterns(c: Ctor, p: A.Pattern): A.Pattern[] {
  if (p.kind !== 'ctor') return c.fields.map(() => WILD);
  return c.fields.map((f, i) => (c.positional && p.positional ? p.fields[i]?.pattern : p.fields.find((x) => x.name.value === f.name)?.pattern) ?? WILD);
}

function show(c: Ctor, args: string[]): string {
  if (!c.fields.length) return c.name;
  if (c.positional) return `${c.name}(${args.join(', ')})`;
  return `${c.name} { ${c.fields.map((f, i) => `${f.name}: ${args[i]}`).join(', ')} }`;
}

function missing(rows: Row[], types: Ty[], modules: ReadonlyMap<string, ModuleInfo>, depth: number): string[] | undefined {
  if (types.length === 0) return rows.length ? undefined : [];
  if (depth > 64) return undefined; // deeply nested types: assume covered rather than loop
  const [t, ...rest] = types;
  const firsts = rows.map((r) => strip(r[0]));
  const ctors = constructors(t, modules);
  const complete = ctors && ctors.every((c) => firsts.some((p) => p.kind !== 'wildcard' && c.matches(p)));
  if (ctors && complete) {
    for (const c of ctors) {
      const spec: Row[] = [];
      rows.forEach((r, i) => {
        const p = firsts[i];
        if (p.kind === 'wildcard') spec.push([...c.fields.map(() => WILD), ...r.slice(1)]);
        else if (c.matches(p)) spec.push([...fieldPatterns(c, p), ...r.slice(1)]);
      });
      const w = missing(spec, [...c.fields.map((f) => f.type), ...rest], modules, depth + 1);
      if (w) return [show(c, w.slice(0, c.fields.length)), ...w.slice(c.fields.length)];
    }
    return undefined;
  }
  const defaults = rows.filter((_, i) => firsts[i].kind === 'wildcard').map((r) => r.slice(1));
  const w = missing(defaults, rest, modules, depth + 1);
  if (!w) return undefined;
  // Name a constructor no arm mentions, when there is one.
  const unnamed = ctors?.find((c) => !firsts.some((p) => p.kind !== 'wildcard' && c.matches(p)));
  return [unnamed ? show(unnamed, unnamed.fields.map(() => '_')) : '_', ...w];
}

/** An example of a value of type `t` that none of the arms matches, or undefined when they cover all. */
export function unmatchedValue(arms: readonly A.MatchArm[], t: Ty, modules: ReadonlyMap<string, ModuleInfo>): string | undefined {
  const rows: Row[] = arms.filter((a) => !a.guard).flatMap((a) => expandOr(a.pattern).map((p) => [p]));
  return missing(rows, [t], modules, 0)?.[0];
}
