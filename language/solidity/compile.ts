// Compiles Solidity with solc-js through standard JSON (the bundled compiler, or a release `compileProject`
// chose). Imports resolve from the project root, node_modules folders above it, and remappings
// (remappings.txt or the `remappings` launch field). Output is cached in memory by the content of every
// source that went into it and the compiler.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { SolidityProjectError } from './errors.ts';
import { LineIndex } from '../text/line-index.ts';
import { loadBuildInfo } from './buildinfo.ts';
import { importResolver, readRemappings, resolveProgram, toUnit, type ProgramOptions } from './project.ts';
import { bundledCompiler, type Compiler } from './solc-bin.ts';
import { normalizeAst } from './legacy-ast.ts';
import { compareVersions, formatVersion } from './pragma.ts';

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
  /**
   * The compiler release that produced the output (`0.5.16`); undefined when a reused build does not say.
   * Stack layouts of locals are read only for compilers whose allocation rule is known (see evm/build/ast.ts).
   */
  readonly compilerVersion?: string;
}

export interface CompileOptions extends ProgramOptions {
  readonly remappings?: readonly string[];
  readonly optimizer?: boolean;
  /** Use a fresh Foundry/Hardhat build-info when present (default true). */
  readonly useBuildInfo?: boolean;
  /** The compiler to use (default: the bundled solc-js). */
  readonly compiler?: Compiler;
  /** Settings of the project's own configuration (e.g. foundry.toml), merged into standard JSON's `settings`. */
  readonly settings?: Readonly<Record<string, unknown>>;
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
      ...options.settings,
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
  // Loaded only when something is compiled (a build's complete output needs no compiler).
  const compiler = (): Compiler => options.compiler ?? bundledCompiler();
  const inputJson = JSON.stringify(input);
  const key = hashOf(`${options.compiler?.origin ?? 'bundled'}\n${inputJson}`);
  const resolveImport = importResolver(root);
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
    output = JSON.parse(compiler().solc.compile(inputJson, {
      import: (path: string) => {
        const file = resolveImport(path);
        if (!file) return { error: `File not found: ${path} (looked in ${root}, node_modules and remappings)` };
        const content = readFileSync(file, 'utf8');
        imported.set(path, hashOf(content));
        return { contents: content };
      },
    })) as SolcOutput;
    // Releases before 0.5 write some AST fields differently: the debugger reads one shape.
    if (compareVersions(compiler().version, [0, 5, 0]) < 0) for (const src of Object.values(output.sources ?? {})) normalizeAst(src.ast);
    cache.set(key, { output, imported });
  }
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  const locate = (e: SolcError): string => {
    if (!e.sourceLocation || !e.sourceLocation.file) return '';
    const unit = e.sourceLocation.file;
    const file = sources[unit] ? resolve(root, unit) : resolveImport(unit) ?? unit;
    try {
      const at = new LineIndex(sources[unit]?.content ?? readFileSync(file, 'utf8')).position(Math.max(0, e.sourceLocation.start));
      return `${file}:${at.line}:${at.column}: `;
    } catch {
      return `${file}: `;
    }
  };
  if (errors.length > 0) {
    throw new SolidityProjectError(`Compilation failed:\n${errors.map((e) => `${locate(e)}${e.type}: ${e.message}`).join('\n')}`);
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
  const compilerVersion = build?.output ? build.solcVersion : formatVersion(compiler().version);
  return {
    root, targets, sources: compiledSources, contracts, warnings, buildInfo: build?.file, reusedOutput: build?.output !== undefined,
    ...(compilerVersion ? { compilerVersion } : {}),
  };
}
