// Checks a Solidity file with solc-js the way an editor needs it: analysis only (AST, storage layout; no
// bytecode, so it is several times faster than a build), unsaved editor contents in place of the files on
// disk, and every error and warning kept with its source unit and byte range so it can be put on a line.
import { readFileSync } from 'node:fs';
import { resolveUnitPath, type SolidityProject } from './workspace.ts';

export interface Solc {
  compile(input: string, callbacks: { import: (path: string) => { contents: string } | { error: string } }): string;
  version(): string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface CompilerDiagnostic {
  /** Source unit the diagnostic is in; undefined for errors without a location (e.g. a missing compiler). */
  readonly unit?: string;
  /** UTF-8 byte range in that unit's content. */
  readonly start: number;
  readonly end: number;
  readonly severity: Severity;
  /** solc's error type (ParserError, TypeError, …) and numeric code. */
  readonly type: string;
  readonly code?: string;
  readonly message: string;
}

/** A solc AST node (compact JSON); only the fields we read are typed. */
export interface SolcAstNode {
  readonly nodeType: string;
  readonly id: number;
  readonly src: string;
  readonly [k: string]: unknown;
}

export interface CheckedSource {
  readonly unit: string;
  /** Absolute path on disk (the unit name when it was not found on disk). */
  readonly path: string;
  readonly content: string;
  readonly ast?: SolcAstNode;
}

export interface StorageSlot {
  readonly astId: number;
  readonly contract: string;
  readonly label: string;
  readonly slot: string;
  readonly offset: number;
  readonly type: string;
  readonly bytes?: string;
  readonly transient?: boolean;
}

export interface CheckResult {
  readonly target: string;
  readonly sources: readonly CheckedSource[];
  readonly diagnostics: readonly CompilerDiagnostic[];
  readonly storage: readonly StorageSlot[];
  readonly compilerVersion: string;
  /** Milliseconds spent inside solc (reading imports included). */
  readonly solcMs: number;
  /**
   * solc-js itself failed (e.g. its WebAssembly memory ran out on a huge file). Its module state is then
   * unreliable, so whoever holds that solc instance should load a fresh one.
   */
  readonly compilerFailed?: boolean;
  /** solc's static gas estimates of the target's contracts, when the request asked for them. */
  readonly gasEstimates?: readonly ContractGasEstimates[];
}

/** solc's `evm.gasEstimates` of one contract: gas by function signature, a number or "infinite". */
export interface ContractGasEstimates {
  readonly contract: string;
  /** By external signature (`transfer(address,uint256)`), inherited public functions included. */
  readonly external: Readonly<Record<string, string>>;
  /** By solc's internal signature (`_update(address,address,uint256)`), functions the contract defines. */
  readonly internal: Readonly<Record<string, string>>;
}

export interface CheckRequest {
  readonly project: SolidityProject;
  /** Source unit name of the file checked. */
  readonly target: string;
  /** Unsaved contents by absolute path (the editor's open documents); the target's content is among them. */
  readonly overlay: ReadonlyMap<string, string>;
  readonly targetPath: string;
  /**
   * Also ask for solc's static gas estimates of the target (needs code generation: a slower check), with the
   * optimizer runs the project builds with (none: unoptimized, solc's default).
   */
  readonly gasEstimates?: { readonly optimizerRuns?: number };
}

interface SolcError {
  severity: string;
  type: string;
  errorCode?: string;
  message: string;
  sourceLocation?: { file: string; start: number; end: number };
}
interface LayoutEntry { astId: number; contract: string; label: string; slot: string; offset: number; type: string }
interface SolcOutput {
  errors?: SolcError[];
  sources?: Record<string, { id: number; ast?: SolcAstNode }>;
  contracts?: Record<string, Record<string, {
    storageLayout?: { storage: LayoutEntry[]; types: Record<string, { numberOfBytes: string }> | null };
    transientStorageLayout?: { storage: LayoutEntry[]; types: Record<string, { numberOfBytes: string }> | null };
    evm?: { gasEstimates?: { external?: Record<string, string>; internal?: Record<string, string> } };
  }>>;
}

/** The standard-JSON input for an analysis of one file (exported so a benchmark can time solc alone on it). */
export function analysisInput(target: string, content: string, remappings: readonly string[], options: { gasEstimates?: { readonly optimizerRuns?: number } } = {}): string {
  const layouts = ['storageLayout', 'transientStorageLayout'];
  return JSON.stringify({
    language: 'Solidity',
    sources: { [target]: { content } },
    settings: {
      remappings,
      ...(options.gasEstimates?.optimizerRuns !== undefined ? { optimizer: { enabled: true, runs: options.gasEstimates.optimizerRuns } } : {}),
      outputSelection: {
        '*': { '*': layouts, '': ['ast'] },
        // Estimates need code generation: only for the target's contracts, not for every import.
        ...(options.gasEstimates ? { [target]: { '*': [...layouts, 'evm.gasEstimates'], '': ['ast'] } } : {}),
      },
    },
  });
}

/** A solc import callback reading the editor's unsaved contents first, then the disk; it records what it read. */
export function importReader(project: SolidityProject, overlay: ReadonlyMap<string, string>, read: Map<string, { path: string; content: string }>) {
  return (unit: string): { contents: string } | { error: string } => {
    const path = resolveUnitPath(project, unit);
    if (!path) return { error: `File not found: ${unit} (looked in ${project.root}, ${project.includePaths.join(', ') || 'no include paths'})` };
    try {
      const content = wellFormed(overlay.get(path) ?? readFileSync(path, 'utf8'));
      read.set(unit, { path, content });
      return { contents: content };
    } catch (e) {
      return { error: `Cannot read ${path}: ${(e as Error).message}` };
    }
  };
}

/**
 * A lone UTF-16 surrogate (possible in an editor buffer) makes solc reject the whole JSON input; as U+FFFD it
 * is the same length in UTF-16 and in UTF-8 (3 bytes, as SourceText counts it), so no offset moves.
 */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function checkSolidity(solc: Solc, request: CheckRequest): CheckResult {
  const { project, target, overlay, targetPath } = request;
  const content = wellFormed(overlay.get(targetPath) ?? readFileSync(targetPath, 'utf8'));
  const read = new Map<string, { path: string; content: string }>([[target, { path: targetPath, content }]]);
  const started = performance.now();
  let output: SolcOutput;
  let compilerFailed = false;
  try {
    output = JSON.parse(solc.compile(analysisInput(target, content, project.remappings, { gasEstimates: request.gasEstimates }), { import: importReader(project, overlay, read) })) as SolcOutput;
  } catch (e) {
    compilerFailed = true;
    output = { errors: [{ severity: 'error', type: 'CompilerError', message: `solc-js failed on this input (${(e as Error).message}); the file may be too large for it` }] };
  }
  const solcMs = performance.now() - started;
  const diagnostics: CompilerDiagnostic[] = (output.errors ?? []).map((e) => ({
    ...(e.sourceLocation?.file ? { unit: e.sourceLocation.file } : {}),
    start: Math.max(0, e.sourceLocation?.start ?? 0),
    end: Math.max(0, e.sourceLocation?.end ?? 0),
    severity: e.severity === 'error' ? 'error' : e.severity === 'warning' ? 'warning' : 'info',
    type: e.type,
    ...(e.errorCode ? { code: e.errorCode } : {}),
    message: e.message,
  }));
  const sources: CheckedSource[] = [];
  const units = new Set([...read.keys(), ...Object.keys(output.sources ?? {})]);
  for (const unit of units) {
    const file = read.get(unit);
    sources.push({ unit, path: file?.path ?? unit, content: file?.content ?? '', ...(output.sources?.[unit]?.ast ? { ast: output.sources[unit]!.ast! } : {}) });
  }
  const storage: StorageSlot[] = [];
  for (const byName of Object.values(output.contracts ?? {})) {
    for (const c of Object.values(byName)) {
      for (const [layout, transient] of [[c.storageLayout, false], [c.transientStorageLayout, true]] as const) {
        for (const s of layout?.storage ?? []) {
          storage.push({ astId: s.astId, contract: s.contract, label: s.label, slot: s.slot, offset: s.offset, type: s.type,
            ...(layout?.types?.[s.type] ? { bytes: layout.types[s.type]!.numberOfBytes } : {}), ...(transient ? { transient } : {}) });
        }
      }
    }
  }
  const gasEstimates: ContractGasEstimates[] = [];
  for (const [contract, c] of Object.entries(output.contracts?.[target] ?? {})) {
    const g = c.evm?.gasEstimates;
    if (g) gasEstimates.push({ contract, external: g.external ?? {}, internal: g.internal ?? {} });
  }
  return { target, sources, diagnostics, storage, compilerVersion: compilerFailed ? 'unknown' : solc.version(), solcMs,
    ...(compilerFailed ? { compilerFailed } : {}), ...(request.gasEstimates ? { gasEstimates } : {}) };
}

