// Loads a Move build folder (`build/<pkg>` from `sui move build` or `aptos move compile`) into a module
// registry: the package's own modules, the dependency modules the build ships under
// `bytecode_modules/dependencies/<Pkg>/`, their source maps, optional Sui framework snapshots for the
// modules the build does not ship, and the `.move` files the source maps point to (found by hash).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { deserialize } from '../binary/deserializer.ts';
import type { CompiledModule, Flavour } from '../binary/model.ts';
import { selfModuleKey } from '../binary/names.ts';
import { parseAptosSourceMap } from './aptos-source-map.ts';
import { dependencyDebugInfo, describesModule } from './dependency-debug-info.ts';
import { findSources } from './find-sources.ts';
import { loadFrameworkSnapshot } from './framework.ts';
import { ModuleRegistry, type LoadedModule } from './registry.ts';
import { fileHashes, type Loc, type ModuleSourceMap } from './source-map.ts';
import { parseSuiSourceMap } from './sui-debug-info.ts';
import { parseSuiDebugInfoBcs } from './sui-debug-info-bcs.ts';

export interface LoadPackageOptions {
  /**
   * Sui framework snapshots providing modules the build does not ship: `.bcs` files (`0x1.bcs`, `0x2.bcs`)
   * or folders holding them (`sui-framework/v124`).
   */
  readonly frameworks?: readonly string[];
  /** Overrides flavour detection (`.mvsm` source maps or an Aptos manifest mean Aptos, otherwise Sui). */
  readonly flavour?: Flavour;
  /** Look for `.move` sources by hash (default true). */
  readonly findSources?: boolean;
}

export interface LoadedPackage {
  /** Package name: the build folder's name. */
  readonly name: string;
  /** `.../build/<pkg>`. */
  readonly buildDir: string;
  /** The package root (the folder holding `build/`), when the build folder sits in one. */
  readonly packageDir: string;
  readonly flavour: Flavour;
  readonly registry: ModuleRegistry;
  /** The package's own modules (not dependencies), in file order. */
  readonly ownModules: readonly LoadedModule[];
  /** Source file hash -> `.move` path, for the hashes found: the package's own file before the build's copy. */
  readonly sources: ReadonlyMap<string, string>;
  /** Source file hash -> other files with the same contents (the build's `sources/` copy of a package file). */
  readonly sourceCopies: ReadonlyMap<string, readonly string[]>;
  /** Compiled scripts (Aptos `bytecode_scripts/*.mv`), by file name without extension. */
  readonly scripts: readonly LoadedScript[];
  /**
   * Debug info of dependencies (`debug_info/dependencies/**`) by module key (`0x1::vector`), also of those
   * the build ships no bytecode for. Attached to a registry module only when it describes that module
   * (see describesModule); a trace of a test-mode framework is named from here by definition index.
   */
  readonly dependencyDebugInfo: ReadonlyMap<string, ModuleSourceMap>;
}

export interface LoadedScript {
  readonly name: string;
  readonly script: CompiledModule;
  readonly path: string;
  readonly sourceMap?: ModuleSourceMap;
  readonly sourceMapPath?: string;
}

/** Loads `dir`: a build folder `build/<pkg>`, or a package root with exactly one (or the manifest's) build. */
export function loadPackage(dir: string, options: LoadPackageOptions = {}): LoadedPackage {
  const buildDir = resolveBuildDir(resolve(dir));
  const name = basename(buildDir);
  const packageDir = basename(resolve(buildDir, '..')) === 'build' ? resolve(buildDir, '..', '..') : buildDir;
  const flavour = options.flavour ?? detectFlavour(buildDir, packageDir);
  const registry = new ModuleRegistry();
  const ownModules: LoadedModule[] = [];

  const bytecodeDir = join(buildDir, 'bytecode_modules');
  for (const file of listFiles(bytecodeDir, '.mv')) {
    const rel = relative(bytecodeDir, file);
    const parts = rel.split(/[\\/]/);
    const isDependency = parts[0] === 'dependencies' && parts.length >= 3;
    const module = deserialize(readFile(file), file, { flavour });
    const sourceMapFile = findSourceMapFile(buildDir, rel.slice(0, -'.mv'.length));
    const sourceMap = sourceMapFile ? readSourceMap(sourceMapFile) : undefined;
    const details = {
      origin: isDependency ? ('dependency' as const) : ('package' as const),
      packageName: isDependency ? parts[1]! : name,
      path: file,
      ...(sourceMap ? { sourceMap, sourceMapPath: sourceMapFile! } : {}),
    };
    const entry = registry.add(module, details);
    if (entry && !isDependency) ownModules.push(entry);
  }
  const scripts: LoadedScript[] = [];
  const scriptDir = join(buildDir, 'bytecode_scripts');
  for (const file of listFiles(scriptDir, '.mv')) {
    if (relative(scriptDir, file).startsWith('dependencies')) continue;
    const scriptName = basename(file, '.mv');
    const script = deserialize(readFile(file), file, { kind: 'script', flavour });
    const sourceMapFile = findSourceMapFile(buildDir, scriptName);
    const sourceMap = sourceMapFile ? readSourceMap(sourceMapFile) : undefined;
    scripts.push({ name: scriptName, script, path: file, ...(sourceMap ? { sourceMap, sourceMapPath: sourceMapFile! } : {}) });
  }
  if (registry.size === 0 && scripts.length === 0) throw new UserError(`No compiled modules (.mv) in ${bytecodeDir}`);

  // A folder means the snapshot files directly in it (one framework version), not its subfolders.
  const snapshots = (options.frameworks ?? []).flatMap((path) =>
    isDirectory(path) ? readdirSync(path).filter((f) => f.endsWith('.bcs')).sort().map((f) => join(path, f)) : [path]);
  const dependencyDir = join(buildDir, 'debug_info', 'dependencies');
  const dependencyMaps = dependencyDebugInfo([...listFiles(dependencyDir, '.json'), ...listFiles(dependencyDir, '.mvd')], readSourceMap);
  for (const snapshot of snapshots) {
    for (const module of loadFrameworkSnapshot(snapshot).modules) {
      const map = dependencyMaps.get(selfModuleKey(module));
      const fits = map && describesModule(map, module);
      registry.add(module, { origin: 'framework', packageName: basename(snapshot), path: snapshot, ...(fits ? { sourceMap: map } : {}) });
    }
  }

  let sources = new Map<string, string>();
  const sourceCopies = new Map<string, string[]>();
  if (options.findSources !== false) {
    const hashes = new Set<string>();
    for (const map of [...[...registry, ...scripts].map((m) => m.sourceMap), ...dependencyMaps.values()]) if (map) for (const h of fileHashes(map)) hashes.add(h);
    sources = findSources(buildDir, hashes, sourceCopies);
    if (packageDir !== buildDir && sources.size < hashes.size) {
      const remaining = [...hashes].filter((h) => !sources.has(h));
      for (const [h, p] of findSources(packageDir, remaining, sourceCopies)) sources.set(h, p);
    }
  }
  return { name, buildDir, packageDir, flavour, registry, ownModules, sources, sourceCopies, scripts, dependencyDebugInfo: dependencyMaps };
}

/** The `.move` file a location points into, when it was found. */
export function sourcePath(pkg: LoadedPackage, loc: Loc): string | undefined {
  return pkg.sources.get(loc.fileHash);
}

/** Reads one source map file by its extension: `.json` or `.mvd` (Sui), `.mvsm` (Aptos). */
export function readSourceMap(file: string): ModuleSourceMap {
  const bytes = readFile(file);
  if (file.endsWith('.mvsm')) return parseAptosSourceMap(bytes, file);
  if (file.endsWith('.mvd')) return parseSuiDebugInfoBcs(bytes, file);
  return parseSuiSourceMap(bytes, file);
}

function resolveBuildDir(dir: string): string {
  if (!isDirectory(dir)) throw new UserError(`Move package folder not found: ${dir}`);
  if (isDirectory(join(dir, 'bytecode_modules')) || isDirectory(join(dir, 'bytecode_scripts'))) return dir;
  const build = join(dir, 'build');
  if (!isDirectory(build)) {
    throw new UserError(`No Move build output in ${dir}: expected build/<package>/bytecode_modules (run \`sui move build\` or \`aptos move compile\` first)`);
  }
  const builds = readdirSync(build)
    .filter((d) => isDirectory(join(build, d, 'bytecode_modules')) || isDirectory(join(build, d, 'bytecode_scripts')))
    .sort();
  if (builds.length === 1) return join(build, builds[0]!);
  const manifestName = packageNameFromManifest(join(dir, 'Move.toml'));
  if (manifestName && builds.includes(manifestName)) return join(build, manifestName);
  if (builds.length === 0) throw new UserError(`No compiled package in ${build}: no build/<package>/bytecode_modules folder`);
  throw new UserError(`Several compiled packages in ${build} (${builds.join(', ')}): name one of them, e.g. ${join(build, builds[0]!)}`);
}

function packageNameFromManifest(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const section = /^\s*\[package\]\s*$([\s\S]*?)(?=^\s*\[|$(?![\s\S]))/m.exec(text)?.[1] ?? '';
  return /^\s*name\s*=\s*"([^"]+)"/m.exec(section)?.[1];
}

function detectFlavour(buildDir: string, packageDir: string): Flavour {
  if (listFiles(join(buildDir, 'source_maps'), '.mvsm').length > 0) return 'aptos';
  const manifest = join(packageDir, 'Move.toml');
  if (existsSync(manifest) && /AptosFramework|aptos-core|aptos_framework/.test(readFileSync(manifest, 'utf8'))) return 'aptos';
  return 'sui';
}

/** `debug_info/<rel>.json` or `.mvd`, then older `source_maps/<rel>.json`, then Aptos `source_maps/<rel>.mvsm`. */
function findSourceMapFile(buildDir: string, relWithoutExtension: string): string | undefined {
  for (const candidate of [
    join(buildDir, 'debug_info', `${relWithoutExtension}.json`),
    join(buildDir, 'debug_info', `${relWithoutExtension}.mvd`),
    join(buildDir, 'source_maps', `${relWithoutExtension}.json`),
    join(buildDir, 'source_maps', `${relWithoutExtension}.mvsm`),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function readFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UserError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Files with an extension under a folder, recursively, sorted (own modules before `dependencies/`). */
function listFiles(dir: string, extension: string): string[] {
  if (!isDirectory(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 16) return;
    const entries = readdirSync(d).sort();
    for (const entry of entries) {
      const path = join(d, entry);
      if (isDirectory(path)) continue;
      if (entry.endsWith(extension)) out.push(path);
    }
    for (const entry of entries) {
      const path = join(d, entry);
      if (isDirectory(path)) walk(path, depth + 1);
    }
  };
  walk(dir, 0);
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
