// Move.toml: a package's name, edition, named addresses (plus `dev-addresses` in test mode) and its
// dependencies (local folders and git repositories), resolved the way the Move package system does:
// dependencies first, each package once by name (the root's `override = true` wins over what dependencies
// ask for; two different packages of one name are a conflict), each package's sources under `sources/`
// (and `tests/` in test mode).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Diagnostic } from './diagnostics.ts';
import { checkoutDir, ensureInCheckout, GitDependencyError, gitPackageDir, moveHome } from './git-dependency.ts';

export interface Dependency {
  /** The name Move.toml gives it (the key in `[dependencies]`). */
  readonly name: string;
  readonly local: string | undefined;
  readonly git: string | undefined;
  readonly rev: string | undefined;
  readonly subdir: string | undefined;
  /** `override = true`: this package is used wherever a dependency asks for one of this name. */
  readonly override: boolean;
}

export interface Manifest {
  readonly name: string;
  readonly edition: string | undefined;
  /** Named address -> numeric address text (`0x2`), or undefined when left unassigned (`_`). */
  readonly addresses: ReadonlyMap<string, string | undefined>;
  readonly devAddresses: ReadonlyMap<string, string>;
  readonly dependencies: readonly Dependency[];
  readonly devDependencies: readonly Dependency[];
}

export interface SourcePackage {
  readonly root: string;
  readonly manifest: Manifest;
  /** Absolute paths of the package's .move files (sources, plus tests in test mode). */
  readonly files: readonly string[];
}

export interface PackageGraph {
  /** Dependencies first, the root package last. */
  readonly packages: readonly SourcePackage[];
  /** Every named address of the graph with its value (root's dev-addresses win in test mode). */
  readonly addresses: ReadonlyMap<string, string>;
  readonly diagnostics: Diagnostic[];
}

export class ManifestError extends Error {}

function table(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The parsed Move.toml of the package at `root`. */
function readToml(root: string): Record<string, unknown> {
  const file = path.join(root, 'Move.toml');
  if (!existsSync(file)) throw new ManifestError(`No Move.toml in ${root}: a Move package directory has one.`);
  try {
    return parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ManifestError(`${file} is not valid TOML: ${(e as Error).message}`);
  }
}

/** The name Move.toml's `[package]` table gives, or undefined when it gives none or cannot be read. */
export function declaredPackageName(root: string): string | undefined {
  try {
    const name = table(readToml(root).package).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

export function readManifest(root: string): Manifest {
  const toml = readToml(root);
  const pkg = table(toml.package);
  const name = typeof pkg.name === 'string' ? pkg.name : path.basename(root);
  const addresses = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(table(toml.addresses))) addresses.set(k, typeof v === 'string' && v !== '_' ? v : undefined);
  const devAddresses = new Map<string, string>();
  for (const [k, v] of Object.entries(table(toml['dev-addresses']))) if (typeof v === 'string') devAddresses.set(k, v);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const deps = (t: unknown): Dependency[] =>
    Object.entries(table(t)).map(([depName, v]) => {
      const d = table(v);
      return { name: depName, local: text(d.local), git: text(d.git), rev: text(d.rev), subdir: text(d.subdir), override: d.override === true };
    });
  return { name, edition: typeof pkg.edition === 'string' ? pkg.edition : undefined, addresses, devAddresses, dependencies: deps(toml.dependencies), devDependencies: deps(toml['dev-dependencies']) };
}

function moveFilesUnder(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...moveFilesUnder(p));
    else if (e.endsWith('.move')) out.push(p);
  }
  return out;
}

export interface GraphOptions {
  /** Add tests/ and dev-addresses of the root package. */
  readonly test?: boolean;
  /**
   * Directories to use for dependencies by name, whatever Move.toml says (a git dependency such as the
   * Sui framework pointed at a local checkout).
   */
  readonly dependencyPaths?: ReadonlyMap<string, string>;
  /**
   * Fetch git dependencies that are not cached yet (default). False while editing: the cache is used, and a
   * dependency not in it is reported on Move.toml instead of fetched, so typing never waits on the network.
   */
  readonly fetch?: boolean;
  /** The Move toolchain's home folder for git checkouts (default `$MOVE_HOME` or ~/.move). */
  readonly moveHome?: string;
}

/** Byte range of the `name = ...` line of a dependency in Move.toml, for diagnostics placed on it. */
function dependencyRange(manifestFile: string, name: string): { start: number; end: number } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(manifestFile);
  } catch {
    return { start: 0, end: 0 };
  }
  const at = bytes.indexOf(Buffer.from(name));
  if (at < 0) return { start: 0, end: 0 };
  const end = bytes.indexOf(0x0a, at);
  return { start: at, end: end < 0 ? bytes.length : end };
}

/**
 * Loads a package and its dependencies (transitively, each package once). A dependency that cannot be
 * found throws a ManifestError naming it and what to do; with `fetch: false` it is instead reported on
 * the root's Move.toml and left out, so the rest of the package is still checked.
 */
export function loadPackageGraph(root: string, options: GraphOptions = {}): PackageGraph {
  const packages: SourcePackage[] = [];
  const seen = new Map<string, SourcePackage>();
  const diagnostics: Diagnostic[] = [];
  const home = options.moveHome ?? moveHome();
  const fetchOptions = { fetch: options.fetch, home };
  /** Folder of each dependency by name, as first resolved (the root's overrides first). */
  const byName = new Map<string, { dir: string; from: string }>();
  const rootDir = path.resolve(root);
  const rootManifest = readManifest(rootDir);

  const locate = (dep: Dependency, from: string, fromName: string): string => {
    const override = options.dependencyPaths?.get(dep.name);
    if (override) return path.resolve(override);
    if (dep.local !== undefined) {
      const dir = path.resolve(from, dep.local);
      // A package of a git checkout naming a sibling folder the sparse checkout does not have yet.
      if (existsSync(path.join(dir, 'Move.toml')) || (dir.startsWith(home + path.sep) && ensureInCheckout(dir, home, fetchOptions))) return dir;
      throw new ManifestError(
        `Dependency '${dep.name}' of ${fromName} is a local path that has no Move.toml: ${dir}. Fix the path in ${path.join(from, 'Move.toml')}, or map '${dep.name}' to a folder in the launch configuration's "moveDependencies".`,
      );
    }
    if (dep.git !== undefined) {
      try {
        return gitPackageDir({ url: dep.git, rev: dep.rev, subdir: dep.subdir }, fetchOptions);
      } catch (e) {
        if (!(e instanceof GitDependencyError)) throw e;
        throw new ManifestError(
          `Dependency '${dep.name}' of ${fromName} (git ${dep.git}${dep.rev ? ` at ${dep.rev}` : ''}) could not be fetched: ${e.message}. ` +
            `Offline, map '${dep.name}' to a local copy: "moveDependencies" in the launch configuration, \`--dependency ${dep.name}=<dir>\` on the command line, or { local = "..." } in Move.toml.`,
        );
      }
    }
    throw new ManifestError(`Dependency '${dep.name}' of ${fromName} names neither a local path nor a git repository.`);
  };

  /** Where `dep` would come from, without fetching anything: to tell two requests for one name apart. */
  const wantedDir = (dep: Dependency, from: string): string => {
    const override = options.dependencyPaths?.get(dep.name);
    if (override) return path.resolve(override);
    if (dep.local !== undefined) return path.resolve(from, dep.local);
    if (dep.git !== undefined) {
      const checkout = checkoutDir({ url: dep.git, rev: dep.rev, subdir: dep.subdir }, home);
      return dep.subdir ? path.join(checkout, dep.subdir) : checkout;
    }
    return '';
  };

  const visit = (dir: string, isRoot: boolean, chain: string[]) => {
    const abs = path.resolve(dir);
    if (seen.has(abs)) return;
    if (chain.includes(abs)) throw new ManifestError(`Dependency cycle: ${[...chain, abs].join(' -> ')}`);
    const manifest = isRoot ? rootManifest : readManifest(abs);
    const depList = [...manifest.dependencies, ...(isRoot && options.test ? manifest.devDependencies : [])];
    for (const dep of depList) {
      let depDir = byName.get(dep.name)?.dir;
      if (depDir === undefined) {
        try {
          depDir = locate(dep, abs, manifest.name);
        } catch (e) {
          if (!(e instanceof ManifestError) || options.fetch !== false) throw e;
          diagnostics.push({ file: path.join(rootDir, 'Move.toml'), range: dependencyRange(path.join(rootDir, 'Move.toml'), dep.name), code: 'E00001', severity: 'error', message: e.message });
          continue;
        }
        byName.set(dep.name, { dir: depDir, from: manifest.name });
      } else {
        const other = byName.get(dep.name)!;
        const wanted = wantedDir(dep, abs);
        if (wanted !== depDir && !rootManifest.dependencies.some((d) => d.name === dep.name && d.override)) {
          throw new ManifestError(
            `Conflicting dependencies: ${manifest.name} needs '${dep.name}' from ${wanted}, but ${other.from} needs it from ${depDir}. ` +
              `Add '${dep.name}' to the root package's [dependencies] with override = true to choose one.`,
          );
        }
      }
      visit(depDir, false, [...chain, abs]);
    }
    const files = [...moveFilesUnder(path.join(abs, 'sources')), ...(isRoot && options.test ? moveFilesUnder(path.join(abs, 'tests')) : [])];
    const pkg: SourcePackage = { root: abs, manifest, files };
    seen.set(abs, pkg);
    packages.push(pkg);
  };
  // The root's overrides are resolved first, so every dependency asking for that name gets them.
  for (const dep of rootManifest.dependencies) {
    if (!dep.override) continue;
    byName.set(dep.name, { dir: locate(dep, rootDir, rootManifest.name), from: rootManifest.name });
  }
  visit(rootDir, true, []);
  const addresses = new Map<string, string>();
  for (const pkg of packages) {
    for (const [k, v] of pkg.manifest.addresses) if (v !== undefined) addresses.set(k, v);
  }
  const rootPkg = packages[packages.length - 1];
  if (options.test) for (const [k, v] of rootPkg.manifest.devAddresses) addresses.set(k, v);
  return { packages, addresses, diagnostics };
}
