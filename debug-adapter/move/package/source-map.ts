// One model for the three kinds of Move source maps a build can contain:
//   - Sui `debug_info/<module>.json` (current compilers),
//   - older Sui `source_maps/<module>.json` (and the bytecode maps next to `disassembly/*.mvb`),
//   - Aptos `source_maps/<module>.mvsm` (BCS).
// All map a function's code offsets to byte ranges in a source file identified by its SHA-256 hash,
// and name parameters and locals. Readers for each format live in their own files.

/** A byte range (not UTF-16) in the source file whose SHA-256 is `fileHash` (64 lower-case hex digits). */
export interface Loc {
  readonly fileHash: string;
  readonly start: number;
  readonly end: number;
}

/** A source name: the compiler's raw name and what a user should see. */
export interface SourceName {
  /** As written by the compiler, e.g. `amount#0#0`, `%#3`. */
  readonly raw: string;
  /** The part before the first `#`: `amount`. */
  readonly name: string;
  /** Compiler temporaries (`%...`, Aptos `$t...`): hidden from the user's locals. */
  readonly isTemporary: boolean;
  readonly location: Loc;
}

/** A location as BCS source-map formats decode it (Aptos `.mvsm`, Sui `.mvd`): the hash as bytes. */
export interface BcsLoc {
  readonly file_hash: readonly number[];
  readonly start: number;
  readonly end: number;
}

/** Bytes as lower-case hex digits, no `0x`. */
export function bytesHex(bytes: readonly number[]): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function locFromBcs(value: BcsLoc): Loc {
  return { fileHash: bytesHex(value.file_hash), start: value.start, end: value.end };
}

/** `(name, location)` pairs of a BCS source map as source names. */
export function namesFromBcs(values: readonly (readonly [string, BcsLoc])[]): SourceName[] {
  return values.map(([raw, l]) => sourceName(raw, locFromBcs(l)));
}

/** A function entry of a BCS source map (Aptos `.mvsm`; Sui `.mvd` adds the whole function's location and its returns). */
export interface BcsFunction {
  readonly definition_location: BcsLoc;
  readonly type_parameters: readonly (readonly [string, BcsLoc])[];
  readonly parameters: readonly (readonly [string, BcsLoc])[];
  readonly locals: readonly (readonly [string, BcsLoc])[];
  readonly code_map: readonly (readonly [number, BcsLoc])[];
  readonly is_native: boolean;
  readonly nops: readonly (readonly [string, number])[];
  readonly location?: BcsLoc;
  readonly returns?: readonly BcsLoc[];
}

export function functionFromBcs(index: number, f: BcsFunction): FunctionSourceMap {
  return new FunctionSourceMap(
    index,
    locFromBcs(f.definition_location),
    namesFromBcs(f.type_parameters),
    namesFromBcs(f.parameters),
    namesFromBcs(f.locals),
    new Map(f.code_map.map(([pc, l]) => [pc, locFromBcs(l)])),
    f.is_native,
    f.location && locFromBcs(f.location),
    (f.returns ?? []).map(locFromBcs),
    new Map(f.nops),
  );
}

export function sourceName(raw: string, location: Loc): SourceName {
  const hash = raw.indexOf('#');
  const name = hash > 0 ? raw.slice(0, hash) : raw;
  return { raw, name, isTemporary: raw.startsWith('%') || /^\$t\d*$/.test(raw) || raw === '', location };
}

export class FunctionSourceMap {
  /** Code offsets that have an entry, ascending; a pc without one takes the nearest lower entry. */
  private readonly offsets: readonly number[];
  private readonly locations: readonly Loc[];

  constructor(
    /** Function definition index in the module. */
    readonly definitionIndex: number,
    /** The location of the function's name. */
    readonly definitionLocation: Loc,
    readonly typeParameters: readonly SourceName[],
    readonly parameters: readonly SourceName[],
    /** Non-parameter locals: local index = parameters.length + position. */
    readonly locals: readonly SourceName[],
    codeMap: ReadonlyMap<number, Loc>,
    readonly isNative: boolean,
    /** The whole function, when the format records it (Sui debug info). */
    readonly location?: Loc,
    /** Locations of the return types (Sui debug info). */
    readonly returns: readonly Loc[] = [],
    /** Compiler NOP labels to code offsets. */
    readonly nops: ReadonlyMap<string, number> = new Map(),
  ) {
    const entries = [...codeMap.entries()].sort((a, b) => a[0] - b[0]);
    this.offsets = entries.map((e) => e[0]);
    this.locations = entries.map((e) => e[1]);
  }

  /** The source location of the instruction at `pc`: the entry at `pc` or the nearest lower one. */
  locationAt(pc: number): Loc | undefined {
    if (this.isNative) return pc === 0 ? this.definitionLocation : undefined;
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid]! <= pc) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? undefined : this.locations[found];
  }

  /** Code offsets that start a new source location, ascending (for line tables / breakpoints). */
  get codeOffsets(): readonly number[] {
    return this.offsets;
  }

  /** Name of local `index` (parameters first, then locals). */
  local(index: number): SourceName | undefined {
    return index < this.parameters.length ? this.parameters[index] : this.locals[index - this.parameters.length];
  }

  /** Display names of all locals by index, `undefined` for temporaries (for the disassembler). */
  localDisplayNames(): (string | undefined)[] {
    return [...this.parameters, ...this.locals].map((n) => (n.isTemporary ? undefined : n.name));
  }
}

export interface StructSourceMap {
  readonly definitionIndex: number;
  readonly definitionLocation: Loc;
  readonly typeParameters: readonly SourceName[];
  /** Field locations in declaration order (for Aptos structs with variants: of the first variant). */
  readonly fields: readonly Loc[];
  /** Aptos structs with variants: field locations per variant. */
  readonly variantFields?: readonly (readonly Loc[])[];
}

export interface EnumVariantSourceMap {
  readonly name: string;
  readonly location: Loc;
  readonly fields: readonly Loc[];
}

export interface EnumSourceMap {
  readonly definitionIndex: number;
  readonly definitionLocation: Loc;
  readonly typeParameters: readonly SourceName[];
  readonly variants: readonly EnumVariantSourceMap[];
}

export type SourceMapFormat = 'sui-debug-info' | 'sui-source-map' | 'aptos-source-map';

export interface ModuleSourceMap {
  readonly format: SourceMapFormat;
  /** Format version, when the file states one (Sui debug info). */
  readonly version?: number;
  readonly definitionLocation: Loc;
  /** Address (`0x` + 64 hex digits) and name; absent for scripts. */
  readonly module?: { readonly address: string; readonly name: string };
  readonly structs: ReadonlyMap<number, StructSourceMap>;
  readonly enums: ReadonlyMap<number, EnumSourceMap>;
  /** By function definition index. */
  readonly functions: ReadonlyMap<number, FunctionSourceMap>;
  /** Constant name to constant pool index (for naming abort codes). */
  readonly constants: ReadonlyMap<string, number>;
}

/** Every source file hash a source map refers to. */
export function fileHashes(map: ModuleSourceMap): Set<string> {
  const hashes = new Set<string>([map.definitionLocation.fileHash]);
  for (const fn of map.functions.values()) {
    hashes.add(fn.definitionLocation.fileHash);
    for (const pc of fn.codeOffsets) {
      const loc = fn.locationAt(pc);
      if (loc) hashes.add(loc.fileHash);
    }
  }
  for (const s of map.structs.values()) hashes.add(s.definitionLocation.fileHash);
  for (const e of map.enums.values()) hashes.add(e.definitionLocation.fileHash);
  return hashes;
}

/** The name of the constant at a pool index, if the source map names it. */
export function constantName(map: ModuleSourceMap, index: number): string | undefined {
  for (const [name, i] of map.constants) if (i === index) return name;
  return undefined;
}
