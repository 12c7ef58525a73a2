// Code units (one per Move function a recording runs) and the source side of them: which `.move`
// files the package's source maps point to (found by hash), byte ranges as editor lines / UTF-16
// columns, dense line ids, breakable lines, and the disassembly of each unit.
//
// A unit's bytecode comes from the package when the module is there and its function at the traced
// definition index has the traced name (test-mode framework builds number functions differently from
// published ones); otherwise the unit is shown from what the trace itself says (pc and opcode name).
//
// A module of the build whose `.move` file is not there (or is not the file it was built from) is shown on
// the disassembly the toolchain writes beside it (`build/<pkg>/disassembly/<m>.mvb` with its bytecode map),
// as the official debugger does: its frames then have a source, so VS Code focuses them on a stop and the
// Variables view shows their locals, and line breakpoints in the `.mvb` text bind.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Instruction, SourceFile, SourceRange } from '../../core/execution.ts';
import type { CompiledModule } from '../binary/model.ts';
import { identifier, moduleKey, shortAddress } from '../binary/names.ts';
import { instructionText, type FunctionNames } from '../binary/disassembler.ts';
import type { LoadedModule } from '../package/registry.ts';
import type { FunctionSourceMap, Loc } from '../package/source-map.ts';
import type { LoadedPackage } from '../package/load-package.ts';
import { readDisassemblyFolder, type DisassemblyFolder } from './disassembly-files.ts';
import { LineIndex } from '../../../language/text/line-index.ts';

export interface CodeUnit {
  readonly id: number;
  /** 64 hex digits. */
  readonly address: string;
  readonly module: string;
  readonly function: string;
  readonly definitionIndex: number;
  /** `0x2::coin::split` */
  readonly qualifiedName: string;
  /** The compiled module, when its function at definitionIndex is this one. */
  readonly compiled?: CompiledModule;
  readonly loaded?: LoadedModule;
  readonly sourceMap?: FunctionSourceMap;
  /** Instruction texts from a disassembly that came with the trace (units without bytecode). */
  readonly disassembly?: readonly string[];
  /** Instruction names seen in the recording by pc (for units without bytecode). */
  readonly observed: Map<number, string>;
  /** Per pc: line id and source range (filled for units with bytecode and a source map). */
  lineIds?: Int32Array;
  ranges?: (SourceRange | undefined)[];
  /** Sorted pcs that exist (the code's, or the observed ones). */
  pcs?: number[];
  /** Per pc: 1 where the instruction is a macro body inlined into the function (its source lies outside the function's). */
  inlined?: Uint8Array;
  /** Locations in the build's `.mvb` disassembly, for a unit whose `.move` file is missing (names stay the sourceMap's). */
  readonly locations?: FunctionSourceMap;
}

/** A `.move` file, indexed for converting source-map byte offsets. */
interface SourceText {
  readonly index: number;
  readonly lines: LineIndex;
}

/**
 * The source location of a pc for stepping, or undefined where a user should not stop: code the compiler
 * maps to the whole function (generated entry / exit code) has no statement of its own.
 */
function statementLoc(fmap: FunctionSourceMap, pc: number): Loc | undefined {
  const loc = fmap.locationAt(pc);
  const whole = fmap.location;
  if (loc && whole && loc.fileHash === whole.fileHash && loc.start === whole.start && loc.end === whole.end) return undefined;
  return loc;
}

export class CodeTable {
  readonly units: CodeUnit[] = [];
  readonly sources: SourceFile[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly texts = new Map<string, SourceText | null>();
  private readonly lineIdsByKey = new Map<string, number>();
  private readonly linesOfSource = new Map<number, Set<number>>();

  constructor(
    private readonly pkg: LoadedPackage | undefined,
    /** Disassembly shipped with a trace that has no build (see disassembly-files.ts). */
    private readonly disassembly?: DisassemblyFolder,
  ) {
    // Every function with a source map and found sources contributes breakable lines, executed or not.
    for (const m of disassembly?.modules.values() ?? []) {
      for (const [defIndex, fmap] of m.sourceMap?.functions ?? []) {
        const length = m.code[defIndex]?.length ?? 0;
        for (let pc = 0; pc < length; pc++) {
          const loc = statementLoc(fmap, pc);
          const range = loc && this.range(loc);
          if (range) this.lineId(range.source, range.line);
        }
      }
    }
    if (!pkg) return;
    for (const m of pkg.registry) {
      if (m.module.kind !== 'module') continue;
      const mvb = this.disassemblyFor(m.address, m.name, m.sourceMap);
      for (const [defIndex, fmap] of mvb?.sourceMap?.functions ?? []) {
        const length = m.module.functionDefs[defIndex]?.code?.code.length ?? 0;
        for (let pc = 0; pc < length; pc++) {
          const loc = statementLoc(fmap, pc);
          const range = loc && this.range(loc);
          if (range) this.lineId(range.source, range.line);
        }
      }
      if (!m.sourceMap || mvb) continue;
      for (const [defIndex, fmap] of m.sourceMap.functions) {
        const def = m.module.functionDefs[defIndex];
        const code = def?.code?.code;
        if (!code) continue;
        for (let pc = 0; pc < code.length; pc++) {
          const loc = statementLoc(fmap, pc);
          const range = loc && this.range(loc);
          if (range) this.lineId(range.source, range.line);
        }
      }
    }
  }

  /** The unit of a traced function; created on first use. */
  unit(address: string, module: string, fn: string, definitionIndex: number): CodeUnit {
    const key = `${address}::${module}::${definitionIndex}::${fn}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return this.units[known]!;
    const loaded = this.pkg?.registry.find(address, module);
    const compiled = loaded?.module;
    const def = compiled?.functionDefs[definitionIndex];
    const matches = compiled !== undefined && def !== undefined &&
      identifier(compiled, compiled.functionHandles[def.function]!.name) === fn;
    // Without bytecode, a disassembly that came with the trace, if its function there is this one.
    const shipped = matches ? undefined : this.disassembly?.modules.get(`${address}::${module}`);
    const fromText = shipped?.functions[definitionIndex] === fn ? shipped : undefined;
    // Or the debug info the build keeps for dependencies it does not ship bytecode for (a trace of a
    // test ran against a test-mode framework: its debug info describes exactly the code traced).
    const dependencyMap = matches || fromText ? undefined : this.pkg?.dependencyDebugInfo.get(moduleKey(address, module));
    const sourceMap = matches
      ? loaded!.sourceMap?.functions.get(definitionIndex)
      : (fromText?.sourceMap ?? dependencyMap)?.functions.get(definitionIndex);
    // Bytecode whose .move file is missing: located in the build's disassembly when it has this function.
    const mvb = matches ? this.disassemblyFor(address, module, loaded!.sourceMap) : undefined;
    const locations = mvb?.functions[definitionIndex] === fn ? mvb.sourceMap?.functions.get(definitionIndex) : undefined;
    const unit: CodeUnit = {
      id: this.units.length,
      address,
      module,
      function: fn,
      definitionIndex,
      qualifiedName: `${shortAddress(address)}::${module}::${fn}`,
      ...(matches ? { compiled: compiled!, loaded: loaded! } : {}),
      ...(sourceMap ? { sourceMap } : {}),
      ...(fromText ? { disassembly: fromText.code[definitionIndex] ?? [] } : {}),
      ...(locations ? { locations } : {}),
      observed: new Map(),
    };
    this.units.push(unit);
    this.byKey.set(key, unit.id);
    return unit;
  }

  /** Number of instructions of a unit with bytecode (0 for natives and units known only from the trace). */
  codeLength(unit: CodeUnit): number {
    if (!unit.compiled) return unit.disassembly?.length ?? 0;
    return unit.compiled.functionDefs[unit.definitionIndex]?.code?.code.length ?? 0;
  }

  /** Fills a unit's per-pc line ids and ranges (once). */
  private prepare(unit: CodeUnit): void {
    if (unit.lineIds) return;
    const n = Math.max(this.codeLength(unit), ...[...unit.observed.keys()].map((pc) => pc + 1), 0);
    unit.lineIds = new Int32Array(n).fill(-1);
    unit.ranges = new Array(n);
    unit.inlined = new Uint8Array(n);
    const map = unit.locations ?? unit.sourceMap;
    if (map) {
      const whole = map.location;
      for (let pc = 0; pc < n; pc++) {
        const loc = statementLoc(map, pc);
        const range = loc && this.range(loc);
        if (!range) continue;
        unit.ranges[pc] = range;
        unit.lineIds[pc] = this.lineId(range.source, range.line);
        // Source level only: a location outside the function's own text is a macro body (`macro fun`
        // code is inlined where it is called; a lambda passed to it stays in the caller's text).
        if (whole && (loc.fileHash !== whole.fileHash || loc.start < whole.start || loc.end > whole.end)) unit.inlined[pc] = 1;
      }
    }
  }

  lineIdAt(unit: CodeUnit, pc: number): number {
    this.prepare(unit);
    return pc < unit.lineIds!.length ? unit.lineIds![pc]! : -1;
  }

  /** Whether the instruction at pc is part of a macro body inlined into its function. */
  inlinedAt(unit: CodeUnit, pc: number): boolean {
    this.prepare(unit);
    return pc < unit.inlined!.length && unit.inlined![pc] === 1;
  }

  /** The name of the `macro fun` whose body holds the instruction at pc (from the source text). */
  macroNameAt(unit: CodeUnit, pc: number): string | undefined {
    const loc = unit.sourceMap?.locationAt(pc);
    const text = loc && this.text(loc.fileHash);
    if (!text) return undefined;
    const bytes = text.lines.bytes;
    const before = new TextDecoder().decode(bytes.subarray(0, Math.min(loc.start, bytes.length)));
    let name: string | undefined;
    for (const m of before.matchAll(/\bmacro\s+fun\s+([A-Za-z_][A-Za-z0-9_]*)/g)) name = m[1];
    return name;
  }

  /** The range of a function's name (where a frame without a statement of its own points). */
  definitionRange(unit: CodeUnit): SourceRange | undefined {
    const map = unit.locations ?? unit.sourceMap;
    return map ? this.range(map.definitionLocation) : undefined;
  }

  private buildDisassembly: DisassemblyFolder | null | undefined;

  /**
   * The build's disassembly of a module whose `.move` file is not found (none, or not the one its debug
   * info was made from); undefined when the source is there or the build has no disassembly of it.
   */
  private disassemblyFor(address: string, module: string, sourceMap: { readonly definitionLocation: Loc } | undefined) {
    if (!this.pkg || (sourceMap && this.text(sourceMap.definitionLocation.fileHash))) return undefined;
    if (this.buildDisassembly === undefined) this.buildDisassembly = readDisassemblyFolder(join(this.pkg.buildDir, 'disassembly')) ?? null;
    const found = this.buildDisassembly?.modules.get(`${address}::${module}`);
    return found?.sourceMap ? found : undefined;
  }

  rangeAt(unit: CodeUnit, pc: number): SourceRange | undefined {
    this.prepare(unit);
    return unit.ranges![pc];
  }

  /** The dense id of a (source, line), created on first use. */
  lineId(source: number, line: number): number {
    const key = `${source}:${line}`;
    let id = this.lineIdsByKey.get(key);
    if (id === undefined) {
      id = this.lineIdsByKey.size;
      this.lineIdsByKey.set(key, id);
      let lines = this.linesOfSource.get(source);
      if (!lines) this.linesOfSource.set(source, (lines = new Set()));
      lines.add(line);
    }
    return id;
  }

  lineIdOf(source: number, line: number): number {
    return this.lineIdsByKey.get(`${source}:${line}`) ?? -1;
  }

  breakableLines(source: number): number[] {
    return [...(this.linesOfSource.get(source) ?? [])].sort((a, b) => a - b);
  }

  /** A source-map byte range as an editor range, when its file was found. */
  range(loc: Loc): SourceRange | undefined {
    const text = this.text(loc.fileHash);
    if (!text) return undefined;
    const size = text.lines.bytes.length;
    const start = Math.min(loc.start, size);
    const from = text.lines.position(start);
    const to = text.lines.position(Math.max(start, Math.min(loc.end, size)));
    return { source: text.index, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  }

  private text(hash: string): SourceText | undefined {
    const known = this.texts.get(hash);
    if (known !== undefined) return known ?? undefined;
    const shipped = this.disassembly?.sources.get(hash) ?? (this.buildDisassembly || undefined)?.sources.get(hash);
    const path = this.pkg?.sources.get(hash) ?? shipped;
    let entry: SourceText | null = null;
    if (path) {
      try {
        entry = { index: this.sources.length, lines: new LineIndex(readFileSync(path)) };
        // A disassembly text is not the user's to edit.
        const copies = this.pkg?.sourceCopies.get(hash);
        this.sources.push({ path, name: basename(path), readOnly: path === shipped, ...(copies?.length ? { copies } : {}) });
      } catch {
        entry = null;
      }
    }
    this.texts.set(hash, entry);
    return entry ?? undefined;
  }

  /** Source-level names for the disassembler. */
  names(unit: CodeUnit): FunctionNames | undefined {
    if (!unit.sourceMap) return undefined;
    return { locals: unit.sourceMap.localDisplayNames(), typeParameters: unit.sourceMap.typeParameters.map((t) => t.name) };
  }

  /** Existing pcs of a unit, ascending. */
  pcsOf(unit: CodeUnit): number[] {
    if (unit.pcs && unit.pcs.length >= unit.observed.size) return unit.pcs;
    const length = this.codeLength(unit);
    unit.pcs = length > 0 ? Array.from({ length }, (_, i) => i) : [...unit.observed.keys()].sort((a, b) => a - b);
    return unit.pcs;
  }

  instruction(unit: CodeUnit, pc: number): Instruction {
    let text: string;
    if (unit.compiled && pc < this.codeLength(unit)) {
      text = instructionText(unit.compiled, unit.definitionIndex, pc, this.names(unit));
    } else {
      text = unit.disassembly?.[pc] ?? unit.observed.get(pc) ?? '?';
    }
    const location = this.rangeAt(unit, pc);
    return { ref: `${unit.id}:${pc}`, pc, text, symbol: unit.qualifiedName, ...(location ? { location } : {}) };
  }

  disassemble(unit: CodeUnit, pc: number, offset: number, count: number): Instruction[] {
    const pcs = this.pcsOf(unit);
    let base = pcs.indexOf(pc);
    if (base < 0) base = pcs.findIndex((p) => p > pc);
    if (base < 0) base = pcs.length;
    const out: Instruction[] = [];
    for (let i = Math.max(0, base + offset); i < Math.min(pcs.length, base + offset + count); i++) out.push(this.instruction(unit, pcs[i]!));
    return out;
  }
}
