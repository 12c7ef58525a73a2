// An editor's view of Move packages: open documents (unsaved text) over the files on disk, the package
// a file belongs to (nearest Move.toml above it), and cached parses so that rechecking after one edit
// re-parses only the edited file. The language server owns one MoveWorkspace.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as A from './ast.ts';
import { checkPackage, type CheckedPackage } from './check-package.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { ProgramOptions, Reference, TypeAt } from './program.ts';

export class MoveWorkspace {
  private readonly overlays = new Map<string, Uint8Array>();
  private readonly parseCache: NonNullable<ProgramOptions['parseCache']> = new Map();
  private readonly checked = new Map<string, CheckedPackage>();

  /** An open (possibly unsaved) document. */
  setDocument(file: string, text: string): void {
    this.overlays.set(path.resolve(file), new TextEncoder().encode(text));
    this.checked.clear();
  }

  closeDocument(file: string): void {
    this.overlays.delete(path.resolve(file));
    this.checked.clear();
  }

  /** The directory of the nearest Move.toml above `file`, if any. */
  static packageRoot(file: string): string | undefined {
    let dir = path.dirname(path.resolve(file));
    for (;;) {
      if (existsSync(path.join(dir, 'Move.toml'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }

  /** Checks the package of `file` in test mode (so tests and `#[test_only]` code are checked too). */
  check(file: string): CheckedPackage | undefined {
    const root = MoveWorkspace.packageRoot(file);
    if (!root) return undefined;
    let result = this.checked.get(root);
    if (!result) {
      // fetch: false: typing never waits on a git clone; a dependency not cached yet is reported on Move.toml.
      result = checkPackage(root, { test: true, fetch: false, overlays: this.overlays, parseCache: this.parseCache });
      this.checked.set(root, result);
    }
    return result;
  }

  /** Diagnostics of one file (a file outside any package is only parsed). */
  diagnostics(file: string): Diagnostic[] {
    const abs = path.resolve(file);
    const checked = this.check(abs);
    // Problems with the package's dependencies (on its Move.toml) come with every file's, since they explain
    // the names those files cannot resolve.
    return checked ? [...checked.graph.diagnostics, ...checked.program.diagnostics.filter((d) => d.file === abs)] : [];
  }

  /** The declaration the name at `offset` (a byte offset) refers to. */
  definitionAt(file: string, offset: number): Reference | undefined {
    const abs = path.resolve(file);
    const refs = this.check(abs)?.program.references ?? [];
    let best: Reference | undefined;
    for (const r of refs) {
      if (r.file !== abs || offset < r.loc.start || offset > r.loc.end) continue;
      if (!best || r.loc.end - r.loc.start < best.loc.end - best.loc.start) best = r;
    }
    return best;
  }
}

/** Hover data: the inferred type of the variable at `offset` in `file`. */
export function typeAt(ws: MoveWorkspace, file: string, offset: number): TypeAt | undefined {
  const abs = path.resolve(file);
  return ws.check(abs)?.program.types.find((t) => t.file === abs && offset >= t.loc.start && offset <= t.loc.end);
}

export interface DocumentSymbol {
  readonly name: string;
  readonly kind: 'module' | 'struct' | 'enum' | 'function' | 'constant' | 'variant' | 'field';
  readonly range: A.Loc;
  readonly selectionRange: A.Loc;
  readonly detail: string;
  readonly children: DocumentSymbol[];
}

/** The outline of a parsed file: modules with their structs (fields), enums (variants), functions, constants. */
export function documentSymbols(unit: A.CompilationUnit): DocumentSymbol[] {
  return unit.modules.map((m) => ({
    name: m.address ? `${m.address.value}::${m.name.value}` : m.name.value,
    kind: 'module',
    range: m.loc,
    selectionRange: m.name.loc,
    detail: m.isScript ? 'script' : '',
    children: m.members.flatMap((member): DocumentSymbol[] => {
      switch (member.kind) {
        case 'struct':
          return [{ name: member.name.value, kind: 'struct', range: member.loc, selectionRange: member.name.loc, detail: member.abilities.map((a) => a.value).join(', '), children: member.fields.map((f) => ({ name: f.name.value, kind: 'field', range: f.loc, selectionRange: f.name.loc, detail: '', children: [] })) }];
        case 'enum':
          return [{ name: member.name.value, kind: 'enum', range: member.loc, selectionRange: member.name.loc, detail: member.abilities.map((a) => a.value).join(', '), children: member.variants.map((v) => ({ name: v.name.value, kind: 'variant', range: v.loc, selectionRange: v.name.loc, detail: '', children: [] })) }];
        case 'function':
          return [{ name: member.name.value, kind: 'function', range: member.loc, selectionRange: member.name.loc, detail: [member.visibility !== 'private' ? member.visibility : '', member.entry ? 'entry' : '', member.macro ? 'macro' : ''].filter(Boolean).join(' '), children: [] }];
        case 'const':
          return [{ name: member.name.value, kind: 'constant', range: member.loc, selectionRange: member.name.loc, detail: '', children: [] }];
        default:
          return [];
      }
    }),
  }));
}
