// Finds the `.move` files a source map refers to. Source maps name files only by the SHA-256 of their
// contents, so candidate files are hashed and matched: the package's own `sources/` first (the file the
// user edits and sets breakpoints in), then the build folder's `sources/` copy (used only when the
// original is gone or changed since the build), and the dependency sources the build keeps under
// `build/<pkg>/sources/dependencies/`. Other files with the same contents are reported as copies, so a
// breakpoint set in either binds.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';

/** Upper bound on files hashed per search, so a mistaken folder (a home directory) cannot stall a launch. */
const MAX_FILES = 20_000;

/**
 * Maps each wanted file hash (64 lower-case hex digits) to a `.move` file whose SHA-256 matches.
 * `packageDir` may be a package root (with `sources/` and `build/`) or a build folder `build/<pkg>`.
 * Hashes without a matching file are absent from the result.
 */
export function findSources(packageDir: string, hashes: Iterable<string>, copies?: Map<string, string[]>): Map<string, string> {
  const wanted = new Set([...hashes].map((h) => h.toLowerCase()));
  const found = new Map<string, string>();
  if (wanted.size === 0) return found;
  let budget = MAX_FILES;
  for (const dir of candidateDirs(resolve(packageDir))) {
    for (const file of moveFiles(dir)) {
      if (budget-- <= 0) return found;
      let hash: string;
      try {
        hash = sha256Hex(readFileSync(file));
      } catch {
        continue; // unreadable file: not a candidate
      }
      if (!wanted.has(hash)) continue;
      if (!found.has(hash)) {
        found.set(hash, file);
        // Without copies wanted, the search ends once every file is found.
        if (!copies && found.size === wanted.size) return found;
      } else if (copies && found.get(hash) !== file) {
        const list = copies.get(hash) ?? [];
        if (!list.includes(file)) list.push(file);
        copies.set(hash, list);
      }
    }
  }
  return found;
}

export function sha256Hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of sha256(bytes)) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Folders to search, most specific first. */
function candidateDirs(dir: string): string[] {
  const dirs: string[] = [];
  const add = (d: string) => {
    if (!dirs.includes(d) && isDirectory(d)) dirs.push(d);
  };
  // A build folder `<root>/build/<pkg>`: the package root's sources, then the build's copy of them.
  if (basename(dirname(dir)) === 'build') {
    add(join(dirname(dirname(dir)), 'sources'));
    add(join(dir, 'sources'));
  }
  add(join(dir, 'sources'));
  const build = join(dir, 'build');
  if (isDirectory(build)) {
    for (const pkg of safeReaddir(build).sort()) add(join(build, pkg, 'sources'));
  }
  return dirs;
}

/** All `.move` files under a folder, depth first, in a stable order (symlink loops are not followed). */
function* moveFiles(dir: string): Generator<string> {
  const stack = [dir];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const entries = safeReaddir(current).sort().reverse();
    for (const entry of entries) {
      const path = join(current, entry);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue;
      }
      if (stat.isDirectory()) stack.push(path);
      else if (entry.endsWith('.move') && stat.isFile()) yield path;
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
