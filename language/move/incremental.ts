// Rechecking a package after an edit without re-typing every module. What one module's function bodies
// produce (diagnostics, references, inferred types) depends only on its own text and on the declarations of
// the modules it uses, never on their non-macro function bodies. So when an edit leaves every file's
// declarations as they were (the tokens outside non-macro function bodies, doc comments aside), the modules
// of unchanged files keep what the previous check found in their bodies, and only the edited files' modules
// are checked again. Declarations (cheap) are always rebuilt. Ranges in an edited file that earlier results
// point at (a reference's target: a declaration) move with the declaration's tokens, wherever the edits
// were; a result pointing elsewhere in an edited file means a full check.
import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import { lex } from './lexer.ts';

/** What the body checks of one file's modules produced. */
export interface BodyResults<R, T> {
  readonly diagnostics: Diagnostic[];
  readonly references: R[];
  readonly types: T[];
}

export interface IncrementalState<R, T> {
  readonly test: boolean;
  /** File path -> its text and its declarations' fingerprint. */
  readonly files: ReadonlyMap<string, { readonly source: Uint8Array; readonly interface: string; readonly declarations: readonly A.Loc[] }>;
  /** File path -> body results. */
  readonly bodies: ReadonlyMap<string, BodyResults<R, T>>;
}

/** Byte ranges of the bodies of a unit's non-macro functions (a macro's body is part of its interface: callers inline it). */
function bodyRanges(unit: A.CompilationUnit): A.Loc[] {
  const out: A.Loc[] = [];
  for (const m of unit.modules) {
    for (const member of m.members) if (member.kind === 'function' && member.body && !member.macro) out.push(member.body.loc);
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * A file's declarations as a fingerprint (the token texts outside non-macro function bodies, without doc
 * comments) and the byte ranges of those tokens (what other modules' results may point at).
 */
export function fileInterface(source: Uint8Array, unit: A.CompilationUnit): { interface: string; declarations: A.Loc[] } {
  // A unit comes from the parse cache as long as its file is unchanged: lex each text once.
  const known = interfaceOfUnit.get(unit);
  if (known) return known;
  const bodies = bodyRanges(unit);
  const texts: string[] = [];
  const declarations: A.Loc[] = [];
  let b = 0;
  for (const t of lex(source).tokens) {
    if (t.kind === 'eof' || t.kind === 'docComment') continue;
    while (b < bodies.length && bodies[b]!.end <= t.start) b++;
    if (b < bodies.length && t.start >= bodies[b]!.start && t.end <= bodies[b]!.end) continue;
    texts.push(t.text);
    declarations.push({ start: t.start, end: t.end });
  }
  const result = { interface: texts.join(' '), declarations };
  interfaceOfUnit.set(unit, result);
  return result;
}

const interfaceOfUnit = new WeakMap<A.CompilationUnit, { interface: string; declarations: A.Loc[] }>();

/** Moves a range of the old text of a file to the new one. */
export interface Shift {
  (file: string, loc: A.Loc): A.Loc;
}

/**
 * Which files' body results can be reused, and how to move old ranges into edited files; undefined when
 * nothing can (different files, mode or declarations, or a reused result pointing into an edited file
 * somewhere other than a declaration's tokens).
 */
export function planReuse<R extends { readonly targetFile: string; readonly targetLoc: A.Loc }, T>(
  previous: IncrementalState<R, T> | undefined,
  current: ReadonlyMap<string, { source: Uint8Array; interface: string; declarations: readonly A.Loc[] }>,
  test: boolean,
): { reused: Set<string>; shift: Shift } | undefined {
  if (!previous || previous.test !== test || previous.files.size !== current.size) return undefined;
  // In an edited file with the same declarations, the k-th declaration token before the edit is the k-th
  // after it: token boundaries move with their tokens, however many places were edited.
  const moves = new Map<string, { starts: Map<number, number>; ends: Map<number, number> }>();
  for (const [path, now] of current) {
    const before = previous.files.get(path);
    if (!before || before.interface !== now.interface || before.declarations.length !== now.declarations.length) return undefined;
    if (Buffer.from(before.source.buffer, before.source.byteOffset, before.source.byteLength).equals(now.source)) continue;
    const starts = new Map<number, number>();
    const ends = new Map<number, number>();
    before.declarations.forEach((d, k) => {
      starts.set(d.start, now.declarations[k]!.start);
      ends.set(d.end, now.declarations[k]!.end);
    });
    moves.set(path, { starts, ends });
  }
  const reused = new Set([...current.keys()].filter((p) => !moves.has(p) && previous.bodies.has(p)));
  const moved = (file: string, loc: A.Loc): A.Loc | undefined => {
    const m = moves.get(file);
    if (!m) return loc;
    const start = m.starts.get(loc.start);
    const end = m.ends.get(loc.end);
    return start === undefined || end === undefined ? undefined : { start, end };
  };
  for (const path of reused) {
    for (const r of previous.bodies.get(path)!.references) if (moved(r.targetFile, r.targetLoc) === undefined) return undefined;
  }
  return { reused, shift: (file, loc) => moved(file, loc)! };
}
