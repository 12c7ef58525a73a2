// foundry.toml's `fs_permissions`: which paths the file cheatcodes (readFile, writeFile, writeJson, …) may
// touch. forge refuses any path outside the listed folders, and a test that relies on that refusal (or on the
// access being granted) must see the same answer here. Rules as forge 1.7 applies them: paths are joined to
// the project root and normalised; the longest listed path that contains the file decides, and equally long
// entries combine their rights; forge always grants reading its own `out/`.
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

export type FsAccess = 'read' | 'write';
type Permission = 'none' | 'read' | 'write' | 'read-write';

interface PathPermission { readonly path: string; readonly access: Permission }

const ACCESS_WORDS: Readonly<Record<string, Permission>> = {
  'true': 'read-write', 'read-write': 'read-write', readwrite: 'read-write', 'false': 'none', none: 'none', read: 'read', write: 'write',
};

function grants(p: Permission, kind: FsAccess): boolean {
  return p === 'read-write' || p === kind;
}

function combine(a: Permission, b: Permission): Permission {
  if (a === 'none') return b;
  if (a === 'read-write' || a === b || b === 'none') return a;
  return 'read-write';
}

export class FsPermissions {
  private readonly permissions: PathPermission[];

  /** `raw` is foundry.toml's `fs_permissions` array; anything malformed in it grants nothing. */
  constructor(readonly root: string, raw: unknown, out = 'out') {
    this.permissions = [{ path: this.resolve(out), access: 'read' }];
    if (!Array.isArray(raw)) return;
    for (const entry of raw) {
      if (!entry || typeof entry !== 'object') continue;
      const { access, path } = entry as { access?: unknown; path?: unknown };
      const permission = ACCESS_WORDS[String(access)];
      if (typeof path === 'string' && permission) this.permissions.push({ path: this.resolve(path), access: permission });
    }
  }

  /** The absolute, normalised path forge checks (relative paths are taken from the project root). */
  resolve(path: string): string {
    return normalize(isAbsolute(path) ? path : join(this.root, path)).replace(/(.)\/+$/, '$1');
  }

  /** The normalised path when `kind` access is granted; otherwise throws forge's message. */
  check(path: string, kind: FsAccess): string {
    const full = this.resolve(path);
    let longest = -1;
    let found: Permission = 'none';
    for (const p of this.permissions) {
      if (full !== p.path && !full.startsWith(p.path.endsWith(sep) ? p.path : p.path + sep)) continue;
      const length = p.path.split(sep).length;
      if (length > longest) { longest = length; found = p.access; } else if (length === longest) found = combine(found, p.access);
    }
    if (longest < 0 || !grants(found, kind)) {
      const shown = full.startsWith(this.root + sep) ? relative(this.root, full) : path;
      throw new Error(`the path ${shown} is not allowed to be accessed for ${kind} operations`);
    }
    return full;
  }

  /** forge never lets a test write its foundry.toml. */
  checkNotConfig(full: string): void {
    const manifest = join(this.root, 'foundry.toml').toLowerCase(), path = full.toLowerCase();
    if (manifest === path || manifest.startsWith(path.endsWith(sep) ? path : path + sep)) throw new Error('access to `foundry.toml` is not allowed');
  }
}
