// Compiles Solidity with the bundled solc-js through standard JSON. Imports resolve from the project root,
// node_modules folders above it, and remappings (remappings.txt or the `remappings` launch field). Output is
// cached in memory by the content of every source that went into it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { UserError } from '../../core/errors.ts';
import { loadBuildInfo } from './buildinfo.ts';

const require = createRequire(import.meta.url);

interface Solc {
  compile(input: string, callbacks: { import: (path: string) => { contents: string } | { error: string } }): string;
  version(): string;
}
let solc: Solc | undefined;
function loadSolc(): Solc {
  solc ??= require('solc') as Solc;
  return solc;
}

export interface GeneratedSource {
  readonly id: number;
  readonly name: string;
  readonly contents: string;
  /** The Yul AST (YulFunctionDefinition nodes name internal helper frames). */
  readonly ast?: unknown;
}

export interface BytecodeOutput {
  readonly object: string;
  readonly sourceMap: string;
  readonly generatedSources: readonly GeneratedSource[];
  readonly linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
  readonly immutableReferences?: Record<string, { start: number; length: number }[]>;
}

export interface StorageLayout {
  readonly storage: readonly { label: string; slot: string; offset: number; type: string; contract: string }[];
  readonly types: Record<string, { encoding: string; label: string; numberOfBytes: string; [k: string]: unknown }> | null;
}

export interface CompiledContract {
  readonly name: string;
  /** 'contract', 'library', 'interface' (abstract contracts have no bytecode). */
  readonly kind: string;
  /** Byte offset of its definition in its file (declaration order). */
  readonly position: number;
  /** Source unit name of the file declaring it. */
  readonly sourceUnit: string;
  readonly abi: readonly AbiItem[];
  readonly bytecode: BytecodeOutput;
  readonly deployedBytecode: BytecodeOutput;
  readonly storageLayout?: StorageLayout;
  /** Transient state variables (`uint256 transient x;`), laid out in their own slot space. */
  readonly transientStorageLayout?: StorageLayout;
  /**
   * Built with the optimizer or through the IR pipeline (via-IR): stack positions of parameters and locals
   * cannot be trusted (values are kept in other slots, moved, inlined or dropped).
   */
  readonly optimized?: boolean;
}

export interface AbiItem {
  readonly type: string;
  readonly name?: string;
  readonly inputs?: readonly AbiParam[];
  readonly outputs?: readonly AbiParam[];
  readonly stateMutability?: string;
}
export interface AbiParam {
  readonly name: string;
  readonly type: string;
  readonly components?: readonly AbiParam[];
  readonly internalType?: string;
}

export interface CompiledSource {
  readonly unit: string;
  readonly id: number;
  /** Absolute path on disk. */
  readonly path: string;
  readonly content: string;
  readonly ast: AstNode;
}

/** A solc AST node (compact JSON form); only the fields we use are typed. */
export interface AstNode {
  readonly nodeType: string;
  readonly id: number;
  readonly src: string;
  readonly name?: string;
  readonly kind?: string;
  readonly nodes?: AstNode[];
  readonly [k: string]: unknown;
}

export interface CompiledProject {
  readonly root: string;
  /** The files the user asked for (source unit names), to choose the default contract. */
  readonly targets: readonly string[];
  readonly sources: readonly CompiledSource[];
  readonly contracts: readonly CompiledContract[];
  readonly warnings: readonly string[];
  /** The Foundry/Hardhat build-info file used instead of the sources' own compilation, if any. */
  readonly buildInfo?: string;
  /** True when that build's output was used as is (nothing compiled). */
  readonly reusedOutput?: boolean;
}

export interface CompileOptions {
  /** A .sol file or a folder. */
  readonly program: string;
  readonly cwd?: string;
  readonly remappings?: readonly string[];
  readonly optimizer?: boolean;
  /** Use a fresh Foundry/Hardhat build-info when present (default true). */
  readonly useBuildInfo?: boolean;
}

const SKIP_DIRS = new Set(['node_modules', 'out', 'artifacts', 'lib', 'cache', '.git', 'typechain-types', 'broadcast']);

function collectSol(dir: string, into: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    const st = statSync(path);
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(entry) && !entry.startsWith('.')) collectSol(path, into);
    } else if (entry.endsWith('.sol')) into.push(path);
  }
}

/** The project root: the nearest folder above `start` with foundry.toml, remappings.txt or package.json. */
function findRoot(start: string, fallback: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (['foundry.toml', 'remappings.txt', 'hardhat.config.ts', 'hardhat.config.js', 'package.json'].some((f) => existsSync(join(dir, f)))) return dir;
    if (dirname(dir) === dir) return fallback;
  }
}

function readRemappings(root: string, extra: readonly string[] | undefined): string[] {
  const result: string[] = [];
  const file = join(root, 'remappings.txt');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim() && !line.trim().startsWith('#')) result.push(line.trim());
  }
  return [...result, ...(extra ?? [])];
}

const toUnit = (root: string, abs: string): string => relative(root, abs).split(sep).join('/');

function resolveProgram(options: CompileOptions): { root: string; files: string[] } {
  const program = resolve(options.cwd ?? process.cwd(), options.program);
  if (!existsSync(program)) throw new UserError(`program: ${program} does not exist`);
  const files: string[] = [];
  let root: string;
  if (statSync(program).isDirectory()) {
    root = program;
    const src = join(program, 'src');
    collectSol(existsSync(join(program, 'foundry.toml')) && existsSync(src) ? src : program, files);
    if (files.length === 0) throw new UserError(`program: no .sol files found under ${program}`);
  } else {
    if (!program.endsWith('.sol')) throw new UserError(`program: ${program} is not a .sol file or a folder`);
    root = findRoot(dirname(program), dirname(program));
    if (!program.startsWith(root + sep)) root = dirname(program);
    files.push(program);
  }
  return { root, files };
}

const cache = new Map<string, { output: SolcOutput; imported: Map<string, string> }>();

interface SolcError {
  severity: string;
  type: string;
  message: string;
  formattedMessage?: string;
  sourceLocation?: { file: string; start: number; end: number };
}
interface SolcOutput {
  errors?: SolcError[];
  sources?: Record<string, { id: number; ast: AstNode }>;
  contracts?: Record<string, Record<string, {
    abi: AbiItem[];
    evm: { bytecode: BytecodeOutput; deployedBytecode: BytecodeOutput };
    storageLayout?: StorageLayout;
    transientStorageLayout?: StorageLayout;
  }>>;
}

/** True when standard-JSON settings enable the optimizer or the IR pipeline. */
export function isOptimized(settings: Record<string, unknown> | undefined): boolean {
  const optimizer = settings?.optimizer as { enabled?: unknown } | undefined;
  return settings?.viaIR === true || optimizer?.enabled === true;
}

const hashOf = (s: string): string => bytesToHex(sha256(new TextEncoder().encode(s)));

export function compile(options: CompileOptions): CompiledProject {
  const { root, files } = resolveProgram(options);
  const remappings = readRemappings(root, options.remappings);
  const sources: Record<string, { content: string }> = {};
  const targets: string[] = [];
  for (const file of files) {
    const unit = toUnit(root, file);
    sources[unit] = { content: readFileSync(file, 'utf8') };
    targets.push(unit);
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      remappings,
      optimizer: { enabled: options.optimizer ?? false, runs: 200 },
      outputSelection: {
        '*': {
          '*': ['abi', 'evm.bytecode.object', 'evm.bytecode.sourceMap', 'evm.bytecode.generatedSources',
            'evm.bytecode.linkReferences', 'evm.deployedBytecode.object', 'evm.deployedBytecode.sourceMap',
            'evm.deployedBytecode.generatedSources', 'evm.deployedBytecode.linkReferences',
            'evm.deployedBytecode.immutableReferences', 'storageLayout', 'transientStorageLayout'],
          '': ['ast'],
        },
      },
    },
  };
  // A Foundry/Hardhat project's own build: its exact input (remappings, optimizer, EVM version), and its
  // output when complete. Only used while it matches the sources on disk.
  const build = options.useBuildInfo === false ? undefined : loadBuildInfo(root, targets);
  if (build) {
    for (const [unit, s] of Object.entries(build.input.sources)) sources[unit] = { content: s.content ?? '' };
    const settings = { ...(build.input.settings ?? {}) } as Record<string, unknown>;
    settings.outputSelection = input.settings.outputSelection;
    delete settings.compilationTarget;
    delete settings.libraries;
    (input as { settings: unknown }).settings = settings;
  }
  const optimized = isOptimized(input.settings as Record<string, unknown>);
  const inputJson = JSON.stringify(input);
  const key = hashOf(inputJson);
  const resolveImport = (path: string): string | undefined => {
    const candidates = isAbsolute(path) ? [path] : [resolve(root, path)];
    if (!isAbsolute(path)) for (let dir = root; ; dir = dirname(dir)) {
      candidates.push(join(dir, 'node_modules', path));
      if (dirname(dir) === dir) break;
    }
    return candidates.find((c) => existsSync(c) && statSync(c).isFile());
  };
  let cached = cache.get(key);
  if (cached) {
    // A hit only counts when every imported file still has the content it had.
    for (const [unit, hash] of cached.imported) {
      const file = resolveImport(unit);
      if (!file || hashOf(readFileSync(file, 'utf8')) !== hash) { cached = undefined; break; }
    }
  }
  const importedPaths = new Map<string, string>();
  let output: SolcOutput;
  if (build?.output) output = build.output as SolcOutput;
  else if (cached) output = cached.output;
  else {
    const imported = new Map<string, string>();
    output = JSON.parse(loadSolc().compile(inputJson, {
      import: (path: string) => {
        const file = resolveImport(path);
        if (!file) return { error: `File not found: ${path} (looked in ${root}, node_modules and remappings)` };
        const content = readFileSync(file, 'utf8');
        imported.set(path, hashOf(content));
        return { contents: content };
      },
    })) as SolcOutput;
    cache.set(key, { output, imported });
  }
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  const locate = (e: SolcError): string => {
    if (!e.sourceLocation || !e.sourceLocation.file) return '';
    const unit = e.sourceLocation.file;
    const file = sources[unit] ? resolve(root, unit) : resolveImport(unit) ?? unit;
    try {
      const text = sources[unit]?.content ?? readFileSync(file, 'utf8');
      const bytes = new TextEncoder().encode(text);
      const before = new TextDecoder().decode(bytes.subarray(0, Math.max(0, e.sourceLocation.start)));
      const lines = before.split('\n');
      return `${file}:${lines.length}:${lines[lines.length - 1]!.length + 1}: `;
    } catch {
      return `${file}: `;
    }
  };
  if (errors.length > 0) {
    throw new UserError(`Compilation failed:\n${errors.map((e) => `${locate(e)}${e.type}: ${e.message}`).join('\n')}`);
  }
  const warnings = (output.errors ?? []).filter((e) => e.severity !== 'error').map((e) => `${locate(e)}${e.type}: ${e.message}`);
  const compiledSources: CompiledSource[] = [];
  for (const [unit, s] of Object.entries(output.sources ?? {})) {
    const local = resolve(root, unit);
    const path = sources[unit] && existsSync(local) ? local : resolveImport(unit) ?? local;
    importedPaths.set(unit, path);
    const content = sources[unit]?.content ?? readFileSync(path, 'utf8');
    compiledSources.push({ unit, id: s.id, path, content, ast: s.ast });
  }
  compiledSources.sort((a, b) => a.id - b.id);
  const contracts: CompiledContract[] = [];
  for (const [unit, byName] of Object.entries(output.contracts ?? {})) {
    const definitions = (output.sources?.[unit]?.ast.nodes ?? []).filter((n) => n.nodeType === 'ContractDefinition');
    for (const [name, c] of Object.entries(byName)) {
      const def = definitions.find((d) => d.name === name);
      contracts.push({
        name, kind: String(def?.contractKind ?? 'contract'), position: def ? Number(def.src.split(':')[0]) : 0, sourceUnit: unit,
        abi: c.abi, bytecode: c.evm.bytecode, deployedBytecode: c.evm.deployedBytecode, storageLayout: c.storageLayout,
        ...(c.transientStorageLayout ? { transientStorageLayout: c.transientStorageLayout } : {}),
        optimized,
      });
    }
  }
  // Declaration order (solc lists contracts alphabetically): "the last contract" means the last one written.
  const unitOrder = new Map(compiledSources.map((s, i) => [s.unit, i]));
  contracts.sort((a, b) => (unitOrder.get(a.sourceUnit)! - unitOrder.get(b.sourceUnit)!) || a.position - b.position);
  return { root, targets, sources: compiledSources, contracts, warnings, buildInfo: build?.file, reusedOutput: build?.output !== undefined };
}
