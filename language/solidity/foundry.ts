// A Foundry project as it is: foundry.toml (with its profile), src/test/script, lib/ with forge's
// auto-remappings, and the per-contract artifacts forge writes to out/. Fresh artifacts with ASTs are used as
// they are; stale ones are rebuilt with `forge build` when forge is on the PATH; otherwise (or when the
// artifacts carry no AST, forge's default) the project is compiled here with its own settings: the solc
// release the artifacts' metadata or foundry.toml names, optimizer, via-IR, EVM version and remappings.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { AbiItem, AstNode, BytecodeOutput, CompiledContract, CompiledProject, CompiledSource, StorageLayout } from './compile.ts';
import { compileProject, type ProjectCompileOptions } from './compile-project.ts';
import { SolidityProjectError } from './errors.ts';
import { foundryRemappings, foundrySettings, readFoundryConfig, type FoundryConfig } from './foundry-config.ts';
import { collectSol, toUnit } from './project.ts';
import type { CompilerSource } from './solc-bin.ts';

/** One `out/<File>.sol/<Contract>.json` as forge writes it (fields we read). */
export interface FoundryArtifact {
  readonly file: string;
  readonly name: string;
  readonly abi: readonly AbiItem[];
  readonly bytecode: { object: string; sourceMap?: string; linkReferences?: BytecodeOutput['linkReferences'] };
  readonly deployedBytecode: { object: string; sourceMap?: string; linkReferences?: BytecodeOutput['linkReferences']; immutableReferences?: BytecodeOutput['immutableReferences'] };
  readonly ast?: AstNode;
  readonly storageLayout?: StorageLayout;
  readonly id?: number;
  readonly metadata?: {
    compiler?: { version?: string };
    settings?: { compilationTarget?: Record<string, string>; optimizer?: { enabled?: boolean; runs?: number }; viaIR?: boolean; evmVersion?: string; remappings?: string[] };
    sources?: Record<string, { keccak256?: string }>;
  };
}

export interface FoundryProject {
  readonly root: string;
  readonly config: FoundryConfig;
  /** Remappings in effect: foundry.toml, remappings.txt, then auto-detected from the libs. */
  readonly remappings: readonly string[];
  /** Source unit names of the project's own files under src, test and script. */
  readonly files: { readonly src: readonly string[]; readonly test: readonly string[]; readonly script: readonly string[] };
  /** Sources (with ASTs) and contracts (with ABI, bytecode, source maps, storage layouts) to debug with. */
  readonly compiled: CompiledProject;
  /** The artifacts in out/ by `<source unit>:<Contract>` (after a rebuild, if one ran). */
  readonly artifacts: ReadonlyMap<string, FoundryArtifact>;
  /** How `compiled` was obtained. */
  readonly origin: 'artifacts' | 'forge build + compiled here' | 'compiled here';
  readonly warnings: readonly string[];
}

export interface FoundryOptions extends CompilerSource {
  /** `FOUNDRY_PROFILE` by default, else `default`. */
  readonly profile?: string;
  /** The forge executable; default: `forge` on the PATH; null: never run forge. */
  readonly forge?: string | null;
  /** What to compile when compiling here: every file (default, for tests and scripts) or src/ only (debugging a contract). */
  readonly scope?: 'all' | 'src';
}

/** Every `out/<File>.sol/<Contract>.json`, keyed `<source unit>:<Contract>` (the debugger's test runner reads them too). */
export function readFoundryArtifacts(outDir: string): Map<string, FoundryArtifact> {
  const found = new Map<string, FoundryArtifact>();
  if (!existsSync(outDir)) return found;
  for (const folder of readdirSync(outDir)) {
    if (!folder.endsWith('.sol') || !statSync(join(outDir, folder)).isDirectory()) continue;
    for (const f of readdirSync(join(outDir, folder))) {
      if (!f.endsWith('.json')) continue;
      const file = join(outDir, folder, f);
      let json: Omit<FoundryArtifact, 'file' | 'name'>;
      try {
        json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
      } catch {
        continue;
      }
      const target = Object.entries(json.metadata?.settings?.compilationTarget ?? {})[0];
      // `Counter.json`, or `Counter.0.8.19.json` when several compiler versions built the same contract.
      const name = target?.[1] ?? f.replace(/(\.\d+\.\d+\.\d+)?\.json$/, '');
      const unit = target?.[0] ?? (typeof json.ast?.absolutePath === 'string' ? json.ast.absolutePath : folder);
      found.set(`${unit}:${name}`, { ...json, file, name });
    }
  }
  return found;
}

const keccakHex = (bytes: Uint8Array): string => `0x${bytesToHex(keccak_256(bytes))}`;

/** Why the artifacts do not describe the files on disk, or undefined when they do. */
function staleness(root: string, ownFiles: readonly string[], artifacts: ReadonlyMap<string, FoundryArtifact>): string | undefined {
  if (artifacts.size === 0) return 'no artifacts in out/';
  const covered = new Map<string, string>();
  for (const a of artifacts.values()) {
    for (const [unit, s] of Object.entries(a.metadata?.sources ?? {})) if (s.keccak256) covered.set(unit, s.keccak256);
  }
  for (const unit of ownFiles) if (!covered.has(unit)) return `${unit} is not in any artifact`;
  for (const [unit, hash] of covered) {
    const path = resolve(root, unit);
    if (!existsSync(path)) return `${unit} no longer exists`;
    if (keccakHex(readFileSync(path)) !== hash) return `${unit} changed since the last build`;
  }
  return undefined;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function stripHex(o: { object: string }): string {
  return o.object.startsWith('0x') ? o.object.slice(2) : o.object;
}

/** The project as artifacts describe it, when every source they use has its AST there. */
function fromArtifacts(root: string, targets: readonly string[], artifacts: ReadonlyMap<string, FoundryArtifact>): CompiledProject | undefined {
  const sources = new Map<number, CompiledSource>();
  const needed = new Set<string>();
  for (const a of artifacts.values()) {
    for (const unit of Object.keys(a.metadata?.sources ?? {})) needed.add(unit);
    if (!a.ast || a.id === undefined) continue;
    const unit = String(a.ast.absolutePath ?? '');
    if (!sources.has(a.id)) {
      const path = resolve(root, unit);
      sources.set(a.id, { unit, id: a.id, path, content: readFileSync(path, 'utf8'), ast: a.ast });
    }
  }
  const units = new Set([...sources.values()].map((s) => s.unit));
  // A file with no contract has no artifact, hence no AST: the source maps would point into nothing.
  if ([...needed].some((u) => !units.has(u))) return undefined;
  const contracts: CompiledContract[] = [];
  for (const [key, a] of artifacts) {
    const unit = key.slice(0, key.lastIndexOf(':'));
    const def = sources.get(a.id!)?.ast.nodes?.find((n) => n.nodeType === 'ContractDefinition' && n.name === a.name);
    const settings = a.metadata?.settings;
    contracts.push({
      name: a.name, kind: String(def?.contractKind ?? 'contract'), position: def ? Number(def.src.split(':')[0]) : 0, sourceUnit: unit, abi: a.abi,
      bytecode: { object: stripHex(a.bytecode), sourceMap: a.bytecode.sourceMap ?? '', generatedSources: [], linkReferences: a.bytecode.linkReferences ?? {} },
      deployedBytecode: {
        object: stripHex(a.deployedBytecode), sourceMap: a.deployedBytecode.sourceMap ?? '', generatedSources: [],
        linkReferences: a.deployedBytecode.linkReferences ?? {}, immutableReferences: a.deployedBytecode.immutableReferences ?? {},
      },
      ...(a.storageLayout ? { storageLayout: a.storageLayout } : {}),
      optimized: settings?.viaIR === true || settings?.optimizer?.enabled === true,
    });
  }
  const order = new Map([...sources.values()].sort((x, y) => x.id - y.id).map((s, i) => [s.unit, i]));
  contracts.sort((x, y) => (order.get(x.sourceUnit)! - order.get(y.sourceUnit)!) || x.position - y.position);
  const version = [...artifacts.values()][0]?.metadata?.compiler?.version?.split('+')[0];
  return {
    root, targets, sources: [...sources.values()].sort((x, y) => x.id - y.id), contracts, warnings: [], reusedOutput: true,
    ...(version ? { compilerVersion: version } : {}),
  };
}

/**
 * Loads a Foundry project: `compiled` has everything the debugger and a test runner need (sources with ASTs,
 * contracts with ABI, bytecode, source maps and storage layouts), built as forge would build it.
 */
export async function loadFoundryProject(root: string, options: FoundryOptions = {}): Promise<FoundryProject> {
  root = resolve(root);
  if (!existsSync(join(root, 'foundry.toml'))) throw new SolidityProjectError(`${root} is not a Foundry project (no foundry.toml)`);
  const config = readFoundryConfig(root, options.profile);
  const remappings = foundryRemappings(root, config);
  const list = (dir: string): string[] => {
    const abs = join(root, dir);
    const into: string[] = [];
    if (existsSync(abs)) collectSol(abs, into);
    return into.map((f) => toUnit(root, f));
  };
  const files = { src: list(config.src), test: list(config.test), script: list(config.script) };
  const own = [...files.src, ...files.test, ...files.script];
  if (own.length === 0) throw new SolidityProjectError(`${root}: no .sol files under ${config.src}/, ${config.test}/ or ${config.script}/`);
  const outDir = join(root, config.out);
  let artifacts = readFoundryArtifacts(outDir);
  let stale = staleness(root, own, artifacts);
  const warnings: string[] = [];
  let rebuilt = false;
  const forge = options.forge === null ? undefined : options.forge ?? onPath('forge');
  if (stale && forge) {
    const run = spawnSync(forge, ['build'], { cwd: root, env: { ...process.env, FOUNDRY_PROFILE: config.profile }, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (run.status !== 0) {
      const text = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() || String(run.error ?? 'no output');
      throw new SolidityProjectError(`forge build failed in ${root} (profile ${config.profile}):\n${text.split('\n').slice(-30).join('\n')}`);
    }
    rebuilt = true;
    artifacts = readFoundryArtifacts(outDir);
    stale = staleness(root, own, artifacts);
    if (stale) warnings.push(`forge build left artifacts that do not match the sources: ${stale}`);
  }
  if (!stale) {
    const reused = fromArtifacts(root, files.src.length > 0 ? files.src : own, artifacts);
    if (reused) return { root, config, remappings, files, compiled: reused, artifacts, origin: 'artifacts', warnings };
  }
  // The artifacts' own compiler and settings, when they describe these sources; else foundry.toml's.
  const meta = stale ? undefined : [...artifacts.values()][0]?.metadata;
  const settings = foundrySettings(config, meta?.settings);
  const solcVersion = meta?.compiler?.version?.split('+')[0] ?? config.solcVersion;
  const compileOptions: ProjectCompileOptions = {
    program: root, files: (options.scope === 'src' && files.src.length > 0 ? files.src : own).map((u) => join(root, u)), remappings, settings,
    ...(solcVersion ? { solcVersion } : {}), ...(options.binUrl ? { binUrl: options.binUrl } : {}), ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const compiled = { ...await compileProject(compileOptions), targets: files.src.length > 0 ? files.src : own };
  return { root, config, remappings, files, compiled, artifacts, origin: rebuilt ? 'forge build + compiled here' : 'compiled here', warnings };
}

/** The Foundry project root containing `path` (a file or folder), if any. */
export function foundryRootOf(path: string): string | undefined {
  for (let dir = resolve(path); ; dir = resolve(dir, '..')) {
    if (existsSync(join(dir, 'foundry.toml'))) return dir;
    if (resolve(dir, '..') === dir) return undefined;
  }
}

