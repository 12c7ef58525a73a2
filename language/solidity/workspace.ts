// Where a Solidity file's project is and how its imports resolve: the project root (foundry.toml,
// remappings.txt, a Hardhat config or package.json), its remappings (remappings.txt, foundry.toml's
// `remappings`, and Foundry's automatic `<lib>/` ones), and the lookup of a source unit name on disk
// (the root, Foundry's lib folders, node_modules above the root). Used by both the debugger and the server.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { foundryConfigOf, foundryRemappings, hasFoundryConfig, readFoundryConfig, type FoundryConfig } from './foundry-config.ts';
import { readRemappings } from './project.ts';

const ROOT_MARKERS = ['foundry.toml', 'remappings.txt', 'hardhat.config.ts', 'hardhat.config.js', 'package.json'];

export interface SolidityProject {
  readonly root: string;
  readonly remappings: readonly string[];
  /** Folders searched for a source unit after the root (Foundry's `libs`, then node_modules up the tree). */
  readonly includePaths: readonly string[];
}

/** The nearest folder at or above the file's folder holding a project marker; the file's folder if none. */
export function findProjectRoot(file: string): string {
  const start = dirname(resolve(file));
  for (let dir = start; ; dir = dirname(dir)) {
    if (ROOT_MARKERS.some((f) => existsSync(join(dir, f)))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/** foundry.toml's settings; a file being edited that does not parse (yet) resolves with forge's defaults. */
function foundryConfigOrDefaults(root: string): FoundryConfig {
  try {
    return readFoundryConfig(root);
  } catch {
    return foundryConfigOf({});
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Discovers the project of a file (or a root folder) with its remappings and include paths. */
export function discoverProject(fileOrRoot: string, extraRemappings: readonly string[] = []): SolidityProject {
  const root = isDir(fileOrRoot) ? resolve(fileOrRoot) : findProjectRoot(fileOrRoot);
  const remappings: string[] = [];
  const includePaths: string[] = [];
  if (hasFoundryConfig(root)) {
    // forge's rules (foundry.toml, remappings.txt, the automatic `<lib>/` ones), shared with the debugger.
    const foundry = foundryConfigOrDefaults(root);
    remappings.push(...foundryRemappings(root, foundry));
    for (const lib of foundry.libs) {
      const libDir = resolve(root, lib);
      if (isDir(libDir)) includePaths.push(libDir);
    }
  } else {
    remappings.push(...readRemappings(root, []));
  }
  for (let dir = root; ; dir = dirname(dir)) {
    const nm = join(dir, 'node_modules');
    if (isDir(nm)) includePaths.push(nm);
    if (dirname(dir) === dir) break;
  }
  return { root, remappings: [...remappings, ...extraRemappings], includePaths };
}

/** The source unit name of a file: its path relative to the root with `/` separators (absolute outside it). */
export function unitNameOf(project: SolidityProject, file: string): string {
  const rel = relative(project.root, resolve(file));
  if (rel.startsWith('..') || isAbsolute(rel)) {
    for (const include of project.includePaths) {
      const inc = relative(include, resolve(file));
      if (!inc.startsWith('..') && !isAbsolute(inc)) return inc.split(sep).join('/');
    }
    return resolve(file).split(sep).join('/');
  }
  return rel.split(sep).join('/');
}

/**
 * The source unit name an import directive names, as solc computes it: relative paths against the importing
 * unit's folder, then the longest matching remapping (whose context, if any, prefixes the importer).
 */
export function importedUnitName(project: SolidityProject, importer: string, path: string): string {
  let unit = path;
  if (path.startsWith('./') || path.startsWith('../')) {
    const parts = importer.split('/').slice(0, -1);
    for (const part of path.split('/')) {
      if (part === '.' || part === '') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    unit = parts.join('/');
  }
  let best: { prefix: string; target: string; context: string } | undefined;
  for (const r of project.remappings) {
    const eq = r.indexOf('=');
    if (eq < 0) continue;
    const left = r.slice(0, eq);
    const colon = left.indexOf(':');
    const context = colon < 0 ? '' : left.slice(0, colon);
    const prefix = colon < 0 ? left : left.slice(colon + 1);
    if (!prefix || !unit.startsWith(prefix) || !importer.startsWith(context)) continue;
    if (!best || context.length > best.context.length || (context.length === best.context.length && prefix.length > best.prefix.length)) {
      best = { prefix, target: r.slice(eq + 1), context };
    }
  }
  return best ? best.target + unit.slice(best.prefix.length) : unit;
}

/** The file on disk holding a source unit: under the root, then each include path; undefined if none. */
export function resolveUnitPath(project: SolidityProject, unit: string): string | undefined {
  const candidates = isAbsolute(unit) ? [unit] : [resolve(project.root, unit), ...project.includePaths.map((p) => join(p, unit))];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // not there; try the next place
    }
  }
  return undefined;
}
