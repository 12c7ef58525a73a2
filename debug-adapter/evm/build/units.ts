// Code units: each distinct code that ran (a contract's runtime code, or init code), matched to the compiled
// contract it came from, with its source map resolved into per-pc tables: line ids (for stepping scans),
// jump markers (for internal frames) and source ranges.
import { existsSync, readFileSync } from 'node:fs';
import type { SourceFile, SourceRange } from '../../core/execution.ts';
import { localSlotRule, SourceAst, type FunctionInfo } from './ast.ts';
import type { AstNode, CompiledContract, CompiledProject, GeneratedSource } from '../../../language/solidity/compile.ts';
import { instructionOffsets } from '../opcodes.ts';
import { StatementRanges, type StatementRange } from './statements.ts';
import { decompressSourceMap, instructionIndexByPc, type SourceMapEntry } from './sourcemap.ts';
import { LineIndex } from '../../../language/text/line-index.ts';

export const JUMP_IN = 1;
export const JUMP_OUT = 2;

export interface CodeUnit {
  readonly id: number;
  readonly code: Uint8Array;
  readonly contract?: CompiledContract;
  readonly isCreation: boolean;
  /** "Vault", "Vault (constructor)", or the address for unknown code. */
  readonly name: string;
  readonly instructions: Uint32Array;
  readonly indexByPc: Uint32Array;
  /** Per byte offset: dense line id or -1. */
  readonly lineIds: Int32Array;
  /** Per byte offset: JUMP_IN / JUMP_OUT / 0. */
  readonly jumps: Uint8Array;
  /**
   * solc before 0.5 marks no jump from the dispatcher into a function ('i'; internal calls have it), only
   * the jump out: per byte offset, 1 where a JUMPDEST is a function's entry (mapped to its whole
   * definition), so a JUMP landing there enters it.
   */
  readonly legacyEntries?: Uint8Array;
  readonly entries?: readonly SourceMapEntry[];
  /** solc file index in this unit's source map -> index in Execution.sources. */
  readonly fileToSource: ReadonlyMap<number, number>;
}

interface SourceInfo {
  readonly file: SourceFile;
  readonly lines: LineIndex;
  readonly ast?: SourceAst;
  readonly generated: boolean;
  /** Yul helper functions of a generated source: byte range and name. */
  readonly yulFunctions?: readonly { start: number; end: number; name: string }[];
  /** The statements of a user source (built on first use). */
  statements?: StatementRanges;
  readonly text: string;
}

function yulFunctions(ast: unknown): { start: number; end: number; name: string }[] {
  const out: { start: number; end: number; name: string }[] = [];
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) { stack.push(...node); continue; }
    if (!node || typeof node !== 'object') continue;
    const n = node as { nodeType?: string; src?: string; name?: string };
    if (n.nodeType === 'YulFunctionDefinition' && typeof n.src === 'string' && typeof n.name === 'string') {
      const [start, length] = n.src.split(':').map(Number);
      out.push({ start: start!, end: start! + length!, name: n.name });
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
  }
  return out;
}

/** The sources of an execution and the dense (source, line) ids. */
export class SourceTable {
  readonly files: SourceFile[] = [];
  readonly info: SourceInfo[] = [];
  private readonly byUnitId = new Map<number, number>();
  private readonly generated = new Map<string, number>();
  private readonly lineIdByKey = new Map<number, number>();
  readonly lineSource: number[] = [];
  readonly lineNumber: number[] = [];
  private readonly breakable = new Map<number, Set<number>>();

  constructor(project: CompiledProject) {
    const modifiers = new Map<number, AstNode>();
    for (const s of project.sources) {
      this.byUnitId.set(s.id, this.files.length);
      const name = s.path.split(/[\\/]/).pop() ?? s.unit;
      // Sources known only from build output (not on disk, or changed since) are shown from their text.
      const onDisk = existsSync(s.path) && readFileSync(s.path, 'utf8') === s.content;
      const ast = new SourceAst(s.ast, localSlotRule(project.compilerVersion));
      for (const [id, node] of ast.modifierDefinitions) modifiers.set(id, node);
      ast.resolveModifier = (id) => modifiers.get(id);
      this.add(onDisk ? { path: s.path, name, readOnly: false } : { path: s.path, name, content: s.content, readOnly: true }, s.content, ast, false);
    }
  }

  private add(file: SourceFile, text: string, ast: SourceAst | undefined, generated: boolean, yul?: unknown): number {
    this.files.push(file);
    this.info.push({ file, lines: new LineIndex(text), ast, generated, yulFunctions: yul ? yulFunctions(yul) : undefined, text });
    return this.files.length - 1;
  }

  userSource(solcId: number): number | undefined {
    return this.byUnitId.get(solcId);
  }

  generatedSource(contract: string, g: GeneratedSource): number {
    const key = `${g.name}\n${g.contents}`;
    let index = this.generated.get(key);
    if (index === undefined) {
      const path = `generated/${contract}/${g.name}`;
      index = this.add({ path, name: g.name, content: g.contents, readOnly: true }, g.contents, undefined, true, g.ast);
      this.generated.set(key, index);
    }
    return index;
  }

  /** The innermost Yul helper function of a generated source containing `offset`. */
  yulFunctionAt(source: number, offset: number): string | undefined {
    let best: { start: number; end: number; name: string } | undefined;
    for (const f of this.info[source]?.yulFunctions ?? []) {
      if (f.start <= offset && offset < f.end && (!best || f.end - f.start < best.end - best.start)) best = f;
    }
    return best?.name;
  }

  lineId(source: number, line: number): number {
    const key = source * 0x1000000 + line;
    let id = this.lineIdByKey.get(key);
    if (id === undefined) {
      id = this.lineSource.length;
      this.lineIdByKey.set(key, id);
      this.lineSource.push(source);
      this.lineNumber.push(line);
      let set = this.breakable.get(source);
      if (!set) this.breakable.set(source, (set = new Set()));
      set.add(line);
    }
    return id;
  }

  lineIdOf(source: number, line: number): number {
    return this.lineIdByKey.get(source * 0x1000000 + line) ?? -1;
  }

  breakableLines(source: number): number[] {
    return [...(this.breakable.get(source) ?? [])].sort((a, b) => a - b);
  }

  /** The statement an instruction mapped to `start:length` of a user source belongs to (see statements.ts). */
  statementOf(source: number, start: number, length: number): StatementRange | undefined {
    const info = this.info[source]!;
    if (!info.ast || info.generated) return undefined;
    info.statements ??= new StatementRanges(info.ast.ast, info.text);
    return info.statements.rangeOf(start, length);
  }

  /** The innermost function or modifier whose lines include `line`, with its last line. */
  enclosingFunction(source: number, line: number): { name: string; lastLine: number } | undefined {
    const info = this.info[source];
    if (!info?.ast) return undefined;
    let best: { name: string; lastLine: number; size: number } | undefined;
    for (const f of info.ast.functions) {
      const first = info.lines.line(f.src.start), last = info.lines.line(f.src.start + Math.max(0, f.src.length - 1));
      if (first <= line && line <= last && (!best || f.src.length < best.size)) best = { name: f.name, lastLine: last, size: f.src.length };
    }
    return best && { name: best.name, lastLine: best.lastLine };
  }

  range(source: number, start: number, length: number): SourceRange {
    const lines = this.info[source]!.lines;
    const a = lines.position(start), b = lines.position(start + Math.max(0, length));
    return { source, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}

/** Parses a hex bytecode object; library placeholders (`__$<34 hex>$__`) become zero bytes whose positions are masked. */
function objectBytes(hex: string): { bytes: Uint8Array; mask: Uint8Array } {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  const bytes = new Uint8Array(h.length >> 1), mask = new Uint8Array(h.length >> 1);
  for (const m of h.matchAll(/__\$[0-9a-fA-F]{34}\$__/g)) mask.fill(1, m.index! / 2, m.index! / 2 + 20);
  for (let i = 0; i < bytes.length; i++) if (!mask[i]) bytes[i] = parseInt(h.substr(i * 2, 2), 16);
  return { bytes, mask };
}

function matches(code: Uint8Array, obj: { bytes: Uint8Array; mask: Uint8Array }, exactLength: boolean, extraMask: [number, number][]): boolean {
  if (obj.bytes.length === 0) return false;
  if (exactLength ? code.length !== obj.bytes.length : code.length < obj.bytes.length) return false;
  const masked = new Uint8Array(obj.bytes.length);
  for (const [s, l] of extraMask) masked.fill(1, s, Math.min(s + l, masked.length));
  for (let i = 0; i < obj.bytes.length; i++) if (!obj.mask[i] && !masked[i] && code[i] !== obj.bytes[i]) return false;
  return true;
}

type ParsedObjects = Map<CompiledContract, { init: ReturnType<typeof objectBytes>; runtime: ReturnType<typeof objectBytes> }>;

/**
 * The compiled contract `code` is an instance of: init code by prefix (constructor arguments follow it),
 * runtime code byte for byte apart from library placeholders, immutables and the metadata hash.
 */
export function matchContract(project: CompiledProject, code: Uint8Array, isCreation: boolean, objects: ParsedObjects = new Map()): CompiledContract | undefined {
  const parsed = (c: CompiledContract) => {
    let o = objects.get(c);
    if (!o) { o = { init: objectBytes(c.bytecode.object), runtime: objectBytes(c.deployedBytecode.object) }; objects.set(c, o); }
    return o;
  };
  const masked = (c: CompiledContract, metadata: boolean): boolean => {
    const o = parsed(c);
    // The metadata hashes differ between builds of the same code (another path, comment or compiler
    // setting): deployed code, e.g. on a node, matches its build apart from them.
    if (isCreation) return matches(code, o.init, false, metadata ? metadataRanges(o.init.bytes) : []);
    const ignored: [number, number][] = Object.values(c.deployedBytecode.immutableReferences ?? {}).flat().map((r) => [r.start, r.length]);
    // A library's runtime code starts with PUSH20 <its own address>, filled in at deployment.
    if (o.runtime.bytes[0] === 0x73) ignored.push([1, 20]);
    if (metadata) ignored.push(...metadataRanges(o.runtime.bytes));
    return matches(code, o.runtime, true, ignored);
  };
  // Exactly first: two contracts of the project whose code differs only in metadata stay apart.
  return project.contracts.find((c) => masked(c, false)) ?? project.contracts.find((c) => masked(c, true));
}

export class CodeUnits {
  readonly units: CodeUnit[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly objects: ParsedObjects = new Map();

  /** Built by solc before 0.5, whose source maps do not mark the dispatcher's jump into a function. */
  private readonly legacyMaps: boolean;

  constructor(private readonly project: CompiledProject, private readonly sources: SourceTable) {
    const version = /^(\d+)\.(\d+)\./.exec(project.compilerVersion ?? '');
    this.legacyMaps = version !== null && Number(version[1]) === 0 && Number(version[2]) < 5;
  }

  /** The unit of `code` (deduplicated by content and kind), created on first sight. */
  unitFor(code: Uint8Array, isCreation: boolean, address: string): number {
    const key = `${isCreation ? 'i' : 'r'}${hexKey(code)}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const contract = this.match(code, isCreation);
    const id = this.units.length;
    this.units.push(this.build(id, code, contract, isCreation, address));
    this.byKey.set(key, id);
    return id;
  }

  private match(code: Uint8Array, isCreation: boolean): CompiledContract | undefined {
    return matchContract(this.project, code, isCreation, this.objects);
  }

  private build(id: number, code: Uint8Array, contract: CompiledContract | undefined, isCreation: boolean, address: string): CodeUnit {
    const instructions = instructionOffsets(code);
    const indexByPc = instructionIndexByPc(code);
    const lineIds = new Int32Array(code.length + 1).fill(-1);
    const jumps = new Uint8Array(code.length + 1);
    const fileToSource = new Map<number, number>();
    let entries: SourceMapEntry[] | undefined;
    let legacyEntries: Uint8Array | undefined;
    if (contract) {
      const output = isCreation ? contract.bytecode : contract.deployedBytecode;
      entries = decompressSourceMap(output.sourceMap ?? '');
      for (const s of this.project.sources) fileToSource.set(s.id, this.sources.userSource(s.id)!);
      for (const g of output.generatedSources ?? []) fileToSource.set(g.id, this.sources.generatedSource(contract.name, g));
      const lines = this.entryLines(entries, fileToSource);
      for (const pc of instructions) {
        const e = entries[indexByPc[pc]!];
        if (!e) continue;
        // Only JUMPs enter or leave functions; markers elsewhere are ignored.
        if (code[pc] === 0x56) { if (e.jump === 'i') jumps[pc] = JUMP_IN; else if (e.jump === 'o') jumps[pc] = JUMP_OUT; }
        lineIds[pc] = lines[indexByPc[pc]!]!;
      }
      if (this.legacyMaps) legacyEntries = this.functionEntries(code, instructions, indexByPc, entries, fileToSource);
    }
    const name = contract ? (isCreation ? `${contract.name} (constructor)` : contract.name) : `${address || 'unknown'} (unknown code)`;
    return { id, code, contract, isCreation, name, instructions, indexByPc, lineIds, jumps, entries, fileToSource, ...(legacyEntries ? { legacyEntries } : {}) };
  }

  private functionEntries(code: Uint8Array, instructions: Uint32Array, indexByPc: Uint32Array, entries: readonly SourceMapEntry[], fileToSource: ReadonlyMap<number, number>): Uint8Array | undefined {
    const out = new Uint8Array(code.length + 1);
    let any = false;
    for (const pc of instructions) {
      const e = entries[indexByPc[pc]!];
      if (code[pc] !== 0x5b || !e || e.file < 0) continue;
      const source = fileToSource.get(e.file);
      const ast = source === undefined ? undefined : this.sources.info[source]?.ast;
      if (ast?.functions.some((f) => f.node.nodeType === 'FunctionDefinition' && f.src.start === e.start && f.src.length === e.length)) { out[pc] = 1; any = true; }
    }
    return any ? out : undefined;
  }

  /**
   * Makes the lines of every compiled contract's code (runtime and constructor) breakable, whether or not
   * it ran: a breakpoint on such a line is verified, it is just not hit in this recording.
   */
  registerCompiledLines(): void {
    const fileToSource = new Map<number, number>();
    for (const s of this.project.sources) fileToSource.set(s.id, this.sources.userSource(s.id)!);
    for (const c of this.project.contracts) {
      for (const output of [c.deployedBytecode, c.bytecode]) {
        if (output.sourceMap) this.entryLines(decompressSourceMap(output.sourceMap), fileToSource);
      }
    }
  }

  /**
   * The line id of each source map entry; -1 where a user should not stop: no source, generated helpers,
   * contract definitions. The parts of a function that are not statements (its definition, parameter lists,
   * body block: argument decoding, the return path) are stops only in a function with no statement mapped
   * in this code, so stepping leaves a function after its last statement instead of revisiting its header.
   */
  private entryLines(entries: readonly SourceMapEntry[], fileToSource: ReadonlyMap<number, number>): Int32Array {
    const lines = new Int32Array(entries.length).fill(-1);
    const headers: { index: number; fn: FunctionInfo; source: number }[] = [];
    const withStatements = new Set<FunctionInfo>();
    const functionAt = new Map<string, FunctionInfo | undefined>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.file < 0 || e.start < 0) continue;
      const source = fileToSource.get(e.file);
      if (source === undefined) continue;
      const info = this.sources.info[source]!;
      if (info.generated || !info.ast) continue;
      const range = `${e.start}:${e.length}`;
      const header = info.ast.headerRanges.get(range);
      if (header) { headers.push({ index: i, fn: header, source }); continue; }
      if (info.ast.wholeRanges.has(range)) continue;
      // A stop is on its statement's line (a multi-line statement is one stop); branch joins are none.
      const statement = this.sources.statementOf(source, e.start, e.length);
      if (statement?.join) continue;
      lines[i] = this.sources.lineId(source, info.lines.line(statement ? statement.range.start : e.start));
      const key = `${source}:${e.start}`;
      if (!functionAt.has(key)) functionAt.set(key, info.ast.functionAt(e.start));
      const fn = functionAt.get(key);
      if (fn) withStatements.add(fn);
    }
    for (const { index, fn, source } of headers) {
      if (!withStatements.has(fn)) lines[index] = this.sources.lineId(source, this.sources.info[source]!.lines.line(entries[index]!.start));
    }
    return lines;
  }

  /** Source range of the instruction at `pc`, or undefined. */
  location(unit: CodeUnit, pc: number): SourceRange | undefined {
    const e = unit.entries?.[unit.indexByPc[pc]!];
    if (!e || e.file < 0 || e.start < 0) return undefined;
    const source = unit.fileToSource.get(e.file);
    if (source === undefined) return undefined;
    // The statement, not the sub-expression the instruction computes.
    const shown = this.sources.statementOf(source, e.start, e.length)?.range ?? e;
    return this.sources.range(source, shown.start, shown.length);
  }
}

/** The first key of solc's metadata map: "ipfs", "bzzr0", "bzzr1" or "solc" as CBOR text. */
const METADATA_KEYS = ['ipfs', 'bzzr0', 'bzzr1', 'solc'].map((k) => [0x60 + k.length, ...[...k].map((c) => c.charCodeAt(0))]);

/**
 * Every CBOR metadata block solc appends to a code object (a map whose first key is a known one, then its
 * length in two bytes), as [start, length] with the length bytes: the code's own at its end, and those of
 * the contracts it creates, whose code it embeds.
 */
export function metadataRanges(code: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 8 < code.length; i++) {
    if (code[i]! < 0xa1 || code[i]! > 0xa5) continue;
    if (!METADATA_KEYS.some((key) => key.every((b, k) => code[i + 1 + k] === b))) continue;
    // The length that follows the map counts the map's bytes: find the end where it agrees (maps are short).
    for (let length = 8; length <= 200 && i + length + 1 < code.length; length++) {
      if (((code[i + length]! << 8) | code[i + length + 1]!) === length) {
        out.push([i, length + 2]);
        i += length + 1;
        break;
      }
    }
  }
  return out;
}

function hexKey(code: Uint8Array): string {
  // Content key: length plus a cheap 53-bit hash; collisions are resolved by comparing lengths and hash pairs.
  let h1 = 0x811c9dc5, h2 = 0;
  for (let i = 0; i < code.length; i++) {
    h1 = Math.imul(h1 ^ code[i]!, 0x01000193);
    h2 = (h2 * 31 + code[i]!) | 0;
  }
  return `${code.length}:${(h1 >>> 0).toString(16)}:${(h2 >>> 0).toString(16)}`;
}
