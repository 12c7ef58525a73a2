// Move.toml: a package's name, edition, named addresses (plus `dev-addresses` in test mode) and its
// local dependencies, resolved the way the Move package system does: dependencies first, each
// package's sources under `sources/` (and `tests/` in test mode).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Diagnostic } from './diagnostics.ts';

export interface Manifest {
  readonly name: string;
  readonly edition: string | undefined;
  /** Named address -> numeric address text (`0x2`), or undefined when left unassigned (`_`). */
  readonly addresses: ReadonlyMap<string, string | undefined>;
  readonly devAddresses: ReadonlyMap<string, string>;
  readonly dependencies: readonly { name: string; local: string | undefined; git: string | undefined }[];
  readonly devDependencies: readonly { name: string; local: string | undefined; git: string | undefined }[];
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

export function readManifest(root: string): Manifest {
  const file = path.join(root, 'Move.toml');
  if (!existsSync(file)) throw new ManifestError(`No Move.toml in ${root}: a Move package directory has one.`);
  let toml: Record<string, unknown>;
  try {
    toml = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ManifestError(`${file} is not valid TOML: ${(e as Error).message}`);
  }
  const pkg = table(toml.package);
  const name = typeof pkg.name === 'string' ? pkg.name : path.basename(root);
  const addresses = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(table(toml.addresses))) addresses.set(k, typeof v === 'string' && v !== '_' ? v : undefined);
  const devAddresses = new Map<string, string>();
  for (const [k, v] of Object.entries(table(toml['dev-addresses']))) if (typeof v === 'string') devAddresses.set(k, v);
  const deps = (t: unknown) =>
    Object.entries(table(t)).map(([depName, v]) => {
      const d = table(v);
      return { name: depName, local: typeof d.local === 'string' ? d.local : undefined, git: typeof d.git === 'string' ? d.git : undefined };
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
}

/** Loads a package and its local dependencies (transitively, each once). */
export function loadPackageGraph(root: string, options: GraphOptions = {}): PackageGraph {
  const packages: SourcePackage[] = [];
  const seen = new Map<string, SourcePackage>();
  const diagnostics: Diagnostic[] = [];
  const visit = (dir: string, isRoot: boolean, chain: string[]) => {
    const abs = path.resolve(dir);
    if (seen.has(abs)) return;
    if (chain.includes(abs)) throw new ManifestError(`Dependency cycle: ${[...chain, abs].join(' -> ')}`);
    const manifest = readManifest(abs);
    const depList = [...manifest.dependencies, ...(isRoot && options.test ? manifest.devDependencies : [])];
    for (const dep of depList) {
      const override = options.dependencyPaths?.get(dep.name);
      if (override) visit(override, false, [...chain, abs]);
      else if (dep.local) visit(path.resolve(abs, dep.local), false, [...chain, abs]);
      else
        throw new ManifestError(
          `Dependency '${dep.name}' of ${manifest.name} is not a local path${dep.git ? ` (git ${dep.git})` : ''}: point it at a checkout with { local = "..." }.`,
        );
    }
    const files = [...moveFilesUnder(path.join(abs, 'sources')), ...(isRoot && options.test ? moveFilesUnder(path.join(abs, 'tests')) : [])];
    const pkg: SourcePackage = { root: abs, manifest, files };
    seen.set(abs, pkg);
    packages.push(pkg);
  };
  visit(root, true, []);
  const addresses = new Map<string, string>();
  for (const pkg of packages) {
    for (const [k, v] of pkg.manifest.addresses) if (v !== undefined) addresses.set(k, v);
  }
  const rootPkg = packages[packages.length - 1];
  if (options.test) for (const [k, v] of rootPkg.manifest.devAddresses) addresses.set(k, v);
  return { packages, addresses, diagnostics };
}
