// Where a Solidity project's files are: its root, the files to compile, remappings, and how an import path
// (a source unit name) finds its file. Shared by compilation, compiler version selection and the language server.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { SolidityProjectError } from './errors.ts';
import { blankComments } from './pragma.ts';

export interface ProgramOptions {
  /** A .sol file or a folder. */
  readonly program: string;
  readonly cwd?: string;
  /** The files to compile (absolute), instead of those `program` names; `program` is then the root folder. */
  readonly files?: readonly string[];
}

const SKIP_DIRS = new Set(['node_modules', 'out', 'artifacts', 'lib', 'cache', '.git', 'typechain-types', 'broadcast']);

export function collectSol(dir: string, into: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    const st = statSync(path);
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(entry) && !entry.startsWith('.')) collectSol(path, into);
    } else if (entry.endsWith('.sol')) into.push(path);
  }
}

/** The project root: the nearest folder above `start` with foundry.toml, remappings.txt or package.json. */
export function findRoot(start: string, fallback: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (['foundry.toml', 'remappings.txt', 'hardhat.config.ts', 'hardhat.config.js', 'package.json'].some((f) => existsSync(join(dir, f)))) return dir;
    if (dirname(dir) === dir) return fallback;
  }
}

export function readRemappings(root: string, extra: readonly string[] | undefined): string[] {
  const result: string[] = [];
  const file = join(root, 'remappings.txt');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim() && !line.trim().startsWith('#')) result.push(line.trim());
  }
  return [...result, ...(extra ?? [])];
}

export const toUnit = (root: string, abs: string): string => relative(root, abs).split(sep).join('/');

export function resolveProgram(options: ProgramOptions): { root: string; files: string[] } {
  const program = resolve(options.cwd ?? process.cwd(), options.program);
  if (!existsSync(program)) throw new SolidityProjectError(`program: ${program} does not exist`);
  if (options.files) return { root: program, files: [...options.files] };
  const files: string[] = [];
  let root: string;
  if (statSync(program).isDirectory()) {
    root = program;
    const src = join(program, 'src');
    collectSol(existsSync(join(program, 'foundry.toml')) && existsSync(src) ? src : program, files);
    if (files.length === 0) throw new SolidityProjectError(`program: no .sol files found under ${program}`);
  } else {
    if (!program.endsWith('.sol')) throw new SolidityProjectError(`program: ${program} is not a .sol file or a folder`);
    root = findRoot(dirname(program), dirname(program));
    if (!program.startsWith(root + sep)) root = dirname(program);
    files.push(program);
  }
  return { root, files };
}

/** Finds the file of a source unit name: the project root, then `node_modules` folders up from it. */
export function importResolver(root: string): (unit: string) => string | undefined {
  return (path) => {
    const candidates = isAbsolute(path) ? [path] : [resolve(root, path)];
    if (!isAbsolute(path)) for (let dir = root; ; dir = dirname(dir)) {
      candidates.push(join(dir, 'node_modules', path));
      if (dirname(dir) === dir) break;
    }
    return candidates.find((c) => existsSync(c) && statSync(c).isFile());
  };
}

/** Applies solc remappings (`[context:]prefix=target`, longest prefix wins) to an import path. */
export function remap(path: string, importer: string, remappings: readonly string[]): string {
  let best: { prefix: string; target: string; context: string } | undefined;
  for (const r of remappings) {
    const eq = r.indexOf('=');
    if (eq < 0) continue;
    const head = r.slice(0, eq);
    const colon = head.indexOf(':');
    const context = colon >= 0 ? head.slice(0, colon) : '';
    const prefix = colon >= 0 ? head.slice(colon + 1) : head;
    if (!prefix || !path.startsWith(prefix) || !importer.startsWith(context)) continue;
    if (!best || context.length > best.context.length || (context.length === best.context.length && prefix.length > best.prefix.length)) {
      best = { prefix, target: r.slice(eq + 1), context };
    }
  }
  return best ? best.target + path.slice(best.prefix.length) : path;
}

/** The source unit name an `import` in `importer` refers to, as solc computes it. */
export function importedUnit(path: string, importer: string, remappings: readonly string[]): string {
  if (path.startsWith('./') || path.startsWith('../')) return posix.normalize(posix.join(posix.dirname(importer), path));
  return remap(path, importer, remappings);
}

/** The import paths written in a source file. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of blankComments(source, true).matchAll(/\bimport\s+(?:[^;"']*?\bfrom\s+)?["']([^"']+)["']/g)) out.push(m[1]!);
  return out;
}

/**
 * Every source of a compilation, found by following imports from `units` (contents given or read from disk).
 * Unresolvable imports are left out: the compiler reports them with their location.
 */
export function sourceClosure(
  units: Readonly<Record<string, string>>, remappings: readonly string[], resolveUnit: (unit: string) => string | undefined,
): Map<string, string> {
  const seen = new Map<string, string>(Object.entries(units));
  const queue = [...seen.keys()];
  while (queue.length > 0) {
    const unit = queue.pop()!;
    for (const path of importsOf(seen.get(unit)!)) {
      const next = importedUnit(path, unit, remappings);
      if (seen.has(next)) continue;
      const file = resolveUnit(next);
      if (!file) continue;
      seen.set(next, readFileSync(file, 'utf8'));
      queue.push(next);
    }
  }
  return seen;
}
