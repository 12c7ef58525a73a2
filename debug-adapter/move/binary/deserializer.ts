// Reads a compiled Move module (or Aptos script) into the model of ./model.ts.
//
// Follows the layout of the reference deserializers (move-binary-format in the Sui and Aptos repositories):
// magic, flavoured version, table headers, table contents, then the self module handle (or a script's body).
// Unlike the reference, bounds are checked as each table is read, not in a later pass: tables are parsed
// in dependency order (identifiers before the handles that name them, ..., function bodies last), so every
// index is checked against a table that is already complete, and an error can name the exact byte.
// Every failure is a MoveFormatError; lengths are checked against the remaining bytes before anything is
// allocated, and every loop advances the cursor, so no input can hang the reader or exhaust memory.
import { MoveFormatError } from './errors.ts';
import { Reader } from './reader.ts';
import type {
  AbilitySet,
  AccessSpecifier,
  AddressSpecifier,
  CodeUnit,
  CompiledModule,
  Constant,
  DatatypeHandle,
  DatatypeTypeParameter,
  EnumDefInstantiation,
  EnumDefinition,
  FieldDefinition,
  FieldHandle,
  FieldInstantiation,
  Flavour,
  FunctionAttribute,
  FunctionDefinition,
  FunctionHandle,
  FunctionInstantiation,
  Instruction,
  Metadata,
  ModuleHandle,
  ResourceSpecifier,
  ScriptBody,
  Signature,
  SignatureToken,
  StructDefInstantiation,
  StructDefinition,
  StructFieldInformation,
  StructVariantHandle,
  StructVariantInstantiation,
  VariantDefinition,
  VariantFieldHandle,
  VariantFieldInstantiation,
  VariantHandle,
  VariantInstantiationHandle,
  VariantJumpTable,
  Visibility,
} from './model.ts';

export interface DeserializeOptions {
  /** Module (default) or Aptos script: the binary itself does not say which. */
  readonly kind?: 'module' | 'script';
  /**
   * Flavour of binaries whose version does not carry one (v5, v6: both dialects write plain versions).
   * Only matters to consumers (the two formats agree up to v6). Default 'sui'.
   */
  readonly flavour?: Flavour;
}

const MAGIC = [0xa1, 0x1c, 0xeb, 0x0b];
const TEST_MAGIC = [0xde, 0xad, 0xc0, 0xde];
const SUI_FLAVOUR_BYTE = 0x05;
const APTOS_FLAVOUR_BYTE = 0x0a;
const MIN_VERSION = 5;
const MAX_VERSION: Record<Flavour, number> = { sui: 7, aptos: 8 };

// Limits from file_format_common.rs.
const TABLE_COUNT_MAX = 255;
const TABLE_OFFSET_MAX = 0xffff_ffff;
const TABLE_INDEX_MAX = 65535;
const BYTECODE_COUNT_MAX = 65535;
const LOCAL_INDEX_MAX = 255;
const IDENTIFIER_SIZE_MAX = 65535;
const CONSTANT_SIZE_MAX = 65535;
const METADATA_KEY_SIZE_MAX = 1023;
const METADATA_VALUE_SIZE_MAX = 65535;
const SIGNATURE_SIZE_MAX = 255;
const ACQUIRES_COUNT_MAX = 255;
const FIELD_COUNT_MAX = 255;
const FIELD_OFFSET_MAX = 255;
const VARIANT_COUNT_MAX = 127;
const VARIANT_HANDLE_INDEX_MAX = 1024;
const TYPE_PARAMETER_COUNT_MAX = 255;
const TYPE_PARAMETER_INDEX_MAX = 65536;
const SIGNATURE_TOKEN_DEPTH_MAX = 256;
const ACCESS_SPECIFIER_COUNT_MAX = 64;
const ATTRIBUTE_COUNT_MAX = 16;
const ABILITY_SET_MAX = 0xf;
const ADDRESS_LENGTH = 32;

// Table kinds. 0x11..0x14 depend on the flavour.
const T = {
  MODULE_HANDLES: 0x1,
  DATATYPE_HANDLES: 0x2,
  FUNCTION_HANDLES: 0x3,
  FUNCTION_INST: 0x4,
  SIGNATURES: 0x5,
  CONSTANT_POOL: 0x6,
  IDENTIFIERS: 0x7,
  ADDRESS_IDENTIFIERS: 0x8,
  STRUCT_DEFS: 0xa,
  STRUCT_DEF_INST: 0xb,
  FUNCTION_DEFS: 0xc,
  FIELD_HANDLES: 0xd,
  FIELD_INST: 0xe,
  FRIEND_DECLS: 0xf,
  METADATA: 0x10,
  EXT_1: 0x11, // Sui enum definitions / Aptos variant field handles
  EXT_2: 0x12, // Sui enum instantiations / Aptos variant field instantiations
  EXT_3: 0x13, // Sui variant handles / Aptos struct variant handles
  EXT_4: 0x14, // Sui variant instantiation handles / Aptos struct variant instantiations
} as const;

const COMMON_TABLE_NAMES: Record<number, string> = {
  0x1: 'module handles',
  0x2: 'datatype handles',
  0x3: 'function handles',
  0x4: 'function instantiations',
  0x5: 'signatures',
  0x6: 'constant pool',
  0x7: 'identifiers',
  0x8: 'address identifiers',
  0xa: 'struct definitions',
  0xb: 'struct instantiations',
  0xc: 'function definitions',
  0xd: 'field handles',
  0xe: 'field instantiations',
  0xf: 'friend declarations',
  0x10: 'metadata',
};
const SUI_TABLE_NAMES: Record<number, string> = {
  0x11: 'enum definitions',
  0x12: 'enum instantiations',
  0x13: 'variant handles',
  0x14: 'variant instantiation handles',
};
const APTOS_TABLE_NAMES: Record<number, string> = {
  0x11: 'variant field handles',
  0x12: 'variant field instantiations',
  0x13: 'struct variant handles',
  0x14: 'struct variant instantiations',
};
/** Tables a script may not have. */
const MODULE_ONLY_TABLES = new Set<number>([0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x11, 0x12, 0x13, 0x14]);

/** Reads a compiled module (or, with `{ kind: 'script' }`, an Aptos script). Throws MoveFormatError. */
export function deserialize(bytes: Uint8Array, nameForErrors: string, options: DeserializeOptions = {}): CompiledModule {
  try {
    return new Parser(bytes, nameForErrors, options).parse();
  } catch (error) {
    if (error instanceof MoveFormatError) throw error;
    // Defensive: a bug here must still surface as a format error that says where we were, never as a
    // stray RangeError from deep inside. (The fuzz tests check this path is never taken.)
    throw new MoveFormatError(nameForErrors, 'module', 0, `internal reader error: ${String(error)}`);
  }
}

export function deserializeScript(bytes: Uint8Array, nameForErrors: string, options: Omit<DeserializeOptions, 'kind'> = {}): CompiledModule {
  return deserialize(bytes, nameForErrors, { ...options, kind: 'script' });
}

interface TableHeader {
  readonly kind: number;
  /** Absolute offset of the table contents. */
  readonly start: number;
  readonly length: number;
}

/** What the code of one function may refer to. */
interface CodeContext {
  readonly typeParameterCount: number;
  readonly parameterCount: number;
  readonly name: string;
}

class Parser {
  private readonly r: Reader;
  private readonly isScript: boolean;
  private flavour: Flavour = 'sui';
  private version = 0;
  private testMode = false;
  private readonly tables = new Map<number, TableHeader>();
  private selfHandle = 0;
  private selfHandleOffset = 0;

  private readonly moduleHandles: ModuleHandle[] = [];
  private readonly datatypeHandles: DatatypeHandle[] = [];
  private readonly functionHandles: FunctionHandle[] = [];
  private readonly fieldHandles: FieldHandle[] = [];
  private readonly friendDecls: ModuleHandle[] = [];
  private readonly structDefInstantiations: StructDefInstantiation[] = [];
  private readonly functionInstantiations: FunctionInstantiation[] = [];
  private readonly fieldInstantiations: FieldInstantiation[] = [];
  private readonly signatures: Signature[] = [];
  /** For each signature: 1 + the highest type parameter index it mentions (0 when none). */
  private readonly signatureTypeParameterBound: number[] = [];
  private readonly identifiers: string[] = [];
  private readonly addressIdentifiers: Uint8Array[] = [];
  private readonly constants: Constant[] = [];
  private readonly metadata: Metadata[] = [];
  private readonly structDefs: StructDefinition[] = [];
  private readonly functionDefs: FunctionDefinition[] = [];
  private readonly enumDefs: EnumDefinition[] = [];
  private readonly enumDefInstantiations: EnumDefInstantiation[] = [];
  private readonly variantHandles: VariantHandle[] = [];
  private readonly variantInstantiationHandles: VariantInstantiationHandle[] = [];
  private readonly structVariantHandles: StructVariantHandle[] = [];
  private readonly structVariantInstantiations: StructVariantInstantiation[] = [];
  private readonly variantFieldHandles: VariantFieldHandle[] = [];
  private readonly variantFieldInstantiations: VariantFieldInstantiation[] = [];
  /** Access specifiers naming a function instantiation, checked once that table is read. */
  private readonly pendingInstantiationRefs: { index: number; offset: number; table: string }[] = [];

  constructor(
    bytes: Uint8Array,
    name: string,
    private readonly options: DeserializeOptions,
  ) {
    this.r = new Reader(bytes, name, 'header', 0, bytes.length);
    this.isScript = options.kind === 'script';
  }

  parse(): CompiledModule {
    this.readHeader();
    const afterContent = this.readTableHeaders();
    const tail = this.r.window(this.isScript ? 'script body' : 'module trailer', afterContent, this.r.bytes.length);

    if (!this.isScript) {
      this.selfHandleOffset = tail.pos;
      this.selfHandle = tail.uleb(TABLE_INDEX_MAX, 'self module handle index');
    }

    this.readTables();

    const script = this.isScript ? this.readScriptBody(tail) : undefined;
    const selfHandle = this.selfHandle;

    return {
      kind: this.isScript ? 'script' : 'module',
      flavour: this.flavour,
      version: this.version,
      testMode: this.testMode,
      selfHandle,
      moduleHandles: this.moduleHandles,
      datatypeHandles: this.datatypeHandles,
      functionHandles: this.functionHandles,
      fieldHandles: this.fieldHandles,
      friendDecls: this.friendDecls,
      structDefInstantiations: this.structDefInstantiations,
      functionInstantiations: this.functionInstantiations,
      fieldInstantiations: this.fieldInstantiations,
      signatures: this.signatures,
      identifiers: this.identifiers,
      addressIdentifiers: this.addressIdentifiers,
      constants: this.constants,
      metadata: this.metadata,
      structDefs: this.structDefs,
      functionDefs: this.functionDefs,
      enumDefs: this.enumDefs,
      enumDefInstantiations: this.enumDefInstantiations,
      variantHandles: this.variantHandles,
      variantInstantiationHandles: this.variantInstantiationHandles,
      structVariantHandles: this.structVariantHandles,
      structVariantInstantiations: this.structVariantInstantiations,
      variantFieldHandles: this.variantFieldHandles,
      variantFieldInstantiations: this.variantFieldInstantiations,
      ...(script ? { script } : {}),
    };
  }

  // ---------------------------------------------------------------- header

  private readHeader(): void {
    const r = this.r;
    if (r.bytes.length < 8) r.fail(`too short to be a Move binary (${r.bytes.length} bytes)`, 0);
    const magic = [r.u8(), r.u8(), r.u8(), r.u8()];
    if (magic.every((b, i) => b === MAGIC[i])) this.testMode = false;
    else if (magic.every((b, i) => b === TEST_MAGIC[i])) this.testMode = true;
    else r.fail(`bad magic ${magic.map((b) => b.toString(16).padStart(2, '0')).join('')} (expected a11ceb0b)`, 0);

    const raw = r.u32();
    const flavourByte = raw >>> 24;
    const version = raw & 0x00ff_ffff;
    if (flavourByte === SUI_FLAVOUR_BYTE) this.flavour = 'sui';
    else if (flavourByte === APTOS_FLAVOUR_BYTE) this.flavour = 'aptos';
    else if (flavourByte === 0) this.flavour = this.options.flavour ?? (version >= 7 ? 'aptos' : 'sui');
    else r.fail(`unknown bytecode flavour 0x${flavourByte.toString(16)} in version word 0x${raw.toString(16)}`, 4);
    if (version < MIN_VERSION || version > MAX_VERSION[this.flavour]) {
      r.fail(`unsupported ${this.flavour} bytecode version ${version} (supported: ${MIN_VERSION}..${MAX_VERSION[this.flavour]})`, 4);
    }
    this.version = version;
  }

  /** Reads and checks the table headers; returns the absolute offset just past the table contents. */
  private readTableHeaders(): number {
    const r = this.r;
    r.table = 'table headers';
    const count = r.uleb(TABLE_COUNT_MAX, 'table count');
    const raw: { kind: number; offset: number; length: number; at: number }[] = [];
    for (let i = 0; i < count; i++) {
      const at = r.pos;
      const kind = r.u8();
      if (!(kind in COMMON_TABLE_NAMES) && !(kind >= 0x11 && kind <= 0x14)) r.fail(`unknown table kind 0x${kind.toString(16)}`, at);
      if (this.isScript && MODULE_ONLY_TABLES.has(kind)) r.fail(`a script cannot have a ${this.tableName(kind)} table`, at);
      if (kind >= 0x11 && this.version < 7) r.fail(`${this.tableName(kind)} need bytecode version 7 (this is ${this.version})`, at);
      if (kind === T.METADATA && this.version < 5) r.fail(`metadata needs bytecode version 5`, at);
      const offset = r.uleb(TABLE_OFFSET_MAX, 'table offset');
      const length = r.uleb(TABLE_OFFSET_MAX, 'table length');
      raw.push({ kind, offset, length, at });
    }
    const contentStart = r.pos;
    const available = r.bytes.length - contentStart;
    // Tables must be non-empty, distinct, and tile the content area from 0 without gaps or overlap.
    const sorted = [...raw].sort((a, b) => a.offset - b.offset);
    let expected = 0;
    for (const t of sorted) {
      if (this.tables.has(t.kind)) r.fail(`duplicate ${this.tableName(t.kind)} table`, t.at);
      if (t.length === 0) r.fail(`empty ${this.tableName(t.kind)} table`, t.at);
      if (t.offset !== expected) {
        r.fail(`${this.tableName(t.kind)} table starts at content offset ${t.offset}, expected ${expected} (tables overlap or leave a gap)`, t.at);
      }
      expected = t.offset + t.length;
      if (expected > available) {
        r.fail(`${this.tableName(t.kind)} table ends at content offset ${expected}, past the end of the binary (${available} content bytes)`, t.at);
      }
      this.tables.set(t.kind, { kind: t.kind, start: contentStart + t.offset, length: t.length });
    }
    return contentStart + expected;
  }

  private tableName(kind: number): string {
    return COMMON_TABLE_NAMES[kind] ?? (this.flavour === 'aptos' ? APTOS_TABLE_NAMES : SUI_TABLE_NAMES)[kind] ?? `table 0x${kind.toString(16)}`;
  }

  /** Calls `item` until the table's bytes are used up. */
  private eachEntry(kind: number, item: (r: Reader) => void): void {
    const header = this.tables.get(kind);
    if (!header) return;
    const r = this.r.window(this.tableName(kind), header.start, header.start + header.length);
    while (!r.atEnd()) item(r);
  }

  // ---------------------------------------------------------------- tables, in dependency order

  private readTables(): void {
    this.eachEntry(T.IDENTIFIERS, (r) => {
      const at = r.pos;
      const size = r.uleb(IDENTIFIER_SIZE_MAX, 'identifier length');
      const text = r.utf8(size, 'identifier');
      if (!isIdentifier(text)) r.fail(`invalid identifier ${JSON.stringify(text)}`, at);
      this.identifiers.push(text);
    });
    const addresses = this.tables.get(T.ADDRESS_IDENTIFIERS);
    if (addresses && addresses.length % ADDRESS_LENGTH !== 0) {
      this.r.window('address identifiers', addresses.start, addresses.start + addresses.length)
        .fail(`address table length ${addresses.length} is not a multiple of ${ADDRESS_LENGTH}`);
    }
    this.eachEntry(T.ADDRESS_IDENTIFIERS, (r) => this.addressIdentifiers.push(r.bytesN(ADDRESS_LENGTH)));
    this.eachEntry(T.MODULE_HANDLES, (r) => this.moduleHandles.push(this.moduleHandle(r)));
    if (!this.isScript && this.selfHandle >= this.moduleHandles.length) {
      throw new MoveFormatError(this.r.moduleName, 'module trailer', this.selfHandleOffset,
        `self module handle index ${this.selfHandle} is out of range (${this.moduleHandles.length} module handles)`);
    }
    this.eachEntry(T.FRIEND_DECLS, (r) => this.friendDecls.push(this.moduleHandle(r)));
    this.eachEntry(T.DATATYPE_HANDLES, (r) => {
      const module = this.index(r, this.moduleHandles.length, 'module handle');
      const name = this.index(r, this.identifiers.length, 'identifier');
      const abilities = this.abilities(r);
      const count = r.uleb(TYPE_PARAMETER_COUNT_MAX, 'type parameter count');
      const typeParameters: DatatypeTypeParameter[] = [];
      for (let i = 0; i < count; i++) {
        const constraints = this.abilities(r);
        const isPhantom = r.uleb(1, 'phantom flag') !== 0;
        typeParameters.push({ constraints, isPhantom });
      }
      this.datatypeHandles.push({ module, name, abilities, typeParameters });
    });
    this.eachEntry(T.SIGNATURES, (r) => {
      const size = r.uleb(SIGNATURE_SIZE_MAX, 'signature length');
      const tokens: SignatureToken[] = [];
      let bound = 0;
      for (let i = 0; i < size; i++) {
        const token = this.token(r);
        bound = Math.max(bound, typeParameterBound(token));
        tokens.push(token);
      }
      this.signatures.push(tokens);
      this.signatureTypeParameterBound.push(bound);
    });
    this.eachEntry(T.CONSTANT_POOL, (r) => {
      const at = r.pos;
      const type = this.token(r);
      if (typeParameterBound(type) > 0) r.fail('constant type mentions a type parameter', at);
      const size = r.uleb(CONSTANT_SIZE_MAX, 'constant length');
      this.constants.push({ type, data: r.bytesN(size) });
    });
    this.eachEntry(T.METADATA, (r) => {
      const key = r.bytesN(r.uleb(METADATA_KEY_SIZE_MAX, 'metadata key length'));
      const value = r.bytesN(r.uleb(METADATA_VALUE_SIZE_MAX, 'metadata value length'));
      this.metadata.push({ key, value });
    });
    this.eachEntry(T.FUNCTION_HANDLES, (r) => this.functionHandles.push(this.functionHandle(r)));
    this.eachEntry(T.FUNCTION_INST, (r) => {
      const at = r.pos;
      const handle = this.index(r, this.functionHandles.length, 'function handle');
      const typeArguments = this.signatureIndex(r);
      this.checkArity(r, typeArguments, this.functionHandles[handle]!.typeParameters.length, at);
      this.functionInstantiations.push({ handle, typeArguments });
    });
    for (const ref of this.pendingInstantiationRefs) {
      if (ref.index >= this.functionInstantiations.length) {
        throw new MoveFormatError(this.r.moduleName, ref.table, ref.offset,
          `function instantiation index ${ref.index} is out of range (${this.functionInstantiations.length} function instantiations)`);
      }
    }
    this.eachEntry(T.STRUCT_DEFS, (r) => this.structDefs.push(this.structDef(r)));
    this.eachEntry(T.STRUCT_DEF_INST, (r) => {
      const at = r.pos;
      const def = this.index(r, this.structDefs.length, 'struct definition');
      const typeArguments = this.signatureIndex(r);
      this.checkArity(r, typeArguments, this.structArity(def), at);
      this.structDefInstantiations.push({ def, typeArguments });
    });
    this.eachEntry(T.FIELD_HANDLES, (r) => {
      const at = r.pos;
      const owner = this.index(r, this.structDefs.length, 'struct definition');
      const field = r.uleb(FIELD_OFFSET_MAX, 'field offset');
      const info = this.structDefs[owner]!.fieldInformation;
      if (info.kind !== 'declared') return r.fail(`field handle on a struct without plain fields (${info.kind})`, at);
      if (field >= info.fields.length) r.fail(`field offset ${field} is out of range (struct has ${info.fields.length} fields)`, at);
      this.fieldHandles.push({ owner, field });
    });
    this.eachEntry(T.FIELD_INST, (r) => {
      const at = r.pos;
      const handle = this.index(r, this.fieldHandles.length, 'field handle');
      const typeArguments = this.signatureIndex(r);
      this.checkArity(r, typeArguments, this.structArity(this.fieldHandles[handle]!.owner), at);
      this.fieldInstantiations.push({ handle, typeArguments });
    });
    if (this.flavour === 'sui') this.readSuiEnumTables();
    else this.readAptosVariantTables();
    this.eachEntry(T.FUNCTION_DEFS, (r) => this.functionDefs.push(this.functionDef(r)));
  }

  private readSuiEnumTables(): void {
    this.eachEntry(T.EXT_1, (r) => {
      const at = r.pos;
      const handle = this.index(r, this.datatypeHandles.length, 'datatype handle');
      this.checkOwnDatatype(r, handle, at);
      const flag = r.u8();
      if (flag !== 0x2) r.fail(`unknown enum flag 0x${flag.toString(16)}`, r.pos - 1);
      const count = r.uleb(VARIANT_COUNT_MAX, 'variant count');
      if (count === 0) r.fail('enum without variants', at);
      const arity = this.datatypeHandles[handle]!.typeParameters.length;
      const variants: VariantDefinition[] = [];
      for (let i = 0; i < count; i++) {
        const name = this.index(r, this.identifiers.length, 'identifier');
        variants.push({ name, fields: this.fieldDefs(r, arity) });
      }
      this.enumDefs.push({ handle, variants });
    });
    this.eachEntry(T.EXT_2, (r) => {
      const at = r.pos;
      const def = this.index(r, this.enumDefs.length, 'enum definition');
      const typeArguments = this.signatureIndex(r);
      this.checkArity(r, typeArguments, this.datatypeHandles[this.enumDefs[def]!.handle]!.typeParameters.length, at);
      this.enumDefInstantiations.push({ def, typeArguments });
    });
    this.eachEntry(T.EXT_3, (r) => {
      const at = r.pos;
      const enumDef = this.index(r, this.enumDefs.length, 'enum definition');
      const variant = r.uleb(VARIANT_COUNT_MAX, 'variant tag');
      const count = this.enumDefs[enumDef]!.variants.length;
      if (variant >= count) r.fail(`variant tag ${variant} is out of range (enum has ${count} variants)`, at);
      this.variantHandles.push({ enumDef, variant });
    });
    this.eachEntry(T.EXT_4, (r) => {
      const at = r.pos;
      const enumInstantiation = this.index(r, this.enumDefInstantiations.length, 'enum instantiation');
      const variant = r.uleb(VARIANT_COUNT_MAX, 'variant tag');
      const count = this.enumDefs[this.enumDefInstantiations[enumInstantiation]!.def]!.variants.length;
      if (variant >= count) r.fail(`variant tag ${variant} is out of range (enum has ${count} variants)`, at);
      this.variantInstantiationHandles.push({ enumInstantiation, variant });
    });
  }

  private readAptosVariantTables(): void {
    this.eachEntry(T.EXT_3, (r) => {
      const at = r.pos;
      const struct = this.index(r, this.structDefs.length, 'struct definition');
      const variant = r.uleb(VARIANT_COUNT_MAX, 'variant index');
      this.variantOf(r, struct, variant, at);
      this.structVariantHandles.push({ struct, variant });
    });
    this.eachEntry(T.EXT_4, (r) => {
      const at = r.pos;
      const handle = this.index(r, this.structVariantHandles.length, 'struct variant handle');
      const typeArguments = this.signatureIndex(r);
      this.checkArity(r, typeArguments, this.structArity(this.structVariantHandles[handle]!.struct), at);
      this.structVariantInstantiations.push({ handle, typeArguments });
    });
    this.eachEntry(T.EXT_1, (r) => {
      const at = r.pos;
      const struct = this.index(r, this.structDefs.length, 'struct definition');
      const field = r.uleb(FIELD_OFFSET_MAX, 'field offset');
      const count = r.uleb(VARIANT_COUNT_MAX, 'variant count');
      const variants: number[] = [];
      for (let i = 0; i < count; i++) {
        const variant = r.uleb(VARIANT_COUNT_MAX, 'variant index');
        const fields = this.variantOf(r, struct, variant, at).fields.length;
        if (field >= fields) r.fail(`field offset ${field} is out of range (variant ${variant} has ${fields} fields)`, at);
        variants.push(variant);
      }
      this.variantFieldHandles.push({ struct, variants, field });
    });
    this.eachEntry(T.EXT_2, (r) => {
      const at = r.pos;
      const handle = this.index(r, this.variantFieldHandles.length, 'variant field handle');
      const typeArguments = this.signatureIndex(r);
      this.checkArity(r, typeArguments, this.structArity(this.variantFieldHandles[handle]!.struct), at);
      this.variantFieldInstantiations.push({ handle, typeArguments });
    });
  }

  // ---------------------------------------------------------------- entries

  private moduleHandle(r: Reader): ModuleHandle {
    const address = this.index(r, this.addressIdentifiers.length, 'address identifier');
    const name = this.index(r, this.identifiers.length, 'identifier');
    return { address, name };
  }

  private functionHandle(r: Reader): FunctionHandle {
    const at = r.pos;
    const module = this.index(r, this.moduleHandles.length, 'module handle');
    const name = this.index(r, this.identifiers.length, 'identifier');
    const parameters = this.signatureIndex(r);
    const returns = this.signatureIndex(r);
    const typeParameters = this.abilitySets(r);
    const bound = Math.max(this.signatureTypeParameterBound[parameters]!, this.signatureTypeParameterBound[returns]!);
    if (bound > typeParameters.length) {
      r.fail(`function signature mentions type parameter ${bound - 1}, but the function has ${typeParameters.length}`, at);
    }
    let accessSpecifiers: AccessSpecifier[] | undefined;
    let attributes: FunctionAttribute[] | undefined;
    if (this.flavour === 'aptos' && this.version >= 7) accessSpecifiers = this.accessSpecifiers(r);
    if (this.flavour === 'aptos' && this.version >= 8) {
      attributes = [];
      const count = r.uleb(ATTRIBUTE_COUNT_MAX, 'attribute count');
      for (let i = 0; i < count; i++) {
        const tag = r.u8();
        if (tag === 1) attributes.push({ kind: 'persistent' });
        else if (tag === 2) attributes.push({ kind: 'moduleLock' });
        else r.fail(`unknown function attribute 0x${tag.toString(16)}`, r.pos - 1);
      }
    }
    return {
      module,
      name,
      parameters,
      returns,
      typeParameters,
      ...(accessSpecifiers ? { accessSpecifiers } : {}),
      ...(attributes ? { attributes } : {}),
    };
  }

  /** Aptos Option<Vec<AccessSpecifier>>: 1 = none, 2 = some. */
  private accessSpecifiers(r: Reader): AccessSpecifier[] | undefined {
    if (!this.option(r)) return undefined;
    const count = r.uleb(ACCESS_SPECIFIER_COUNT_MAX, 'access specifier count');
    const specifiers: AccessSpecifier[] = [];
    for (let i = 0; i < count; i++) {
      const kindByte = r.u8();
      if (kindByte !== 1 && kindByte !== 2) r.fail(`unknown access kind 0x${kindByte.toString(16)}`, r.pos - 1);
      const negatedByte = r.u8();
      if (negatedByte !== 1 && negatedByte !== 2) r.fail(`malformed boolean 0x${negatedByte.toString(16)}`, r.pos - 1);
      const resource = this.resourceSpecifier(r);
      const address = this.addressSpecifier(r);
      specifiers.push({ kind: kindByte === 1 ? 'reads' : 'writes', negated: negatedByte === 2, resource, address });
    }
    return specifiers;
  }

  private option(r: Reader): boolean {
    const tag = r.u8();
    if (tag !== 1 && tag !== 2) r.fail(`malformed option tag 0x${tag.toString(16)}`, r.pos - 1);
    return tag === 2;
  }

  private resourceSpecifier(r: Reader): ResourceSpecifier {
    const tag = r.u8();
    switch (tag) {
      case 1:
        return { kind: 'any' };
      case 2:
        return { kind: 'declaredAtAddress', address: this.index(r, this.addressIdentifiers.length, 'address identifier') };
      case 3:
        return { kind: 'declaredInModule', module: this.index(r, this.moduleHandles.length, 'module handle') };
      case 4:
        return { kind: 'resource', handle: this.index(r, this.datatypeHandles.length, 'datatype handle') };
      case 5: {
        const handle = this.index(r, this.datatypeHandles.length, 'datatype handle');
        return { kind: 'resourceInstantiation', handle, typeArguments: this.signatureIndex(r) };
      }
      default:
        return r.fail(`unknown resource specifier 0x${tag.toString(16)}`, r.pos - 1);
    }
  }

  private addressSpecifier(r: Reader): AddressSpecifier {
    const tag = r.u8();
    switch (tag) {
      case 1:
        return { kind: 'any' };
      case 2:
        return { kind: 'literal', address: this.index(r, this.addressIdentifiers.length, 'address identifier') };
      case 3: {
        const parameter = r.uleb(LOCAL_INDEX_MAX, 'parameter index');
        if (!this.option(r)) return { kind: 'parameter', parameter };
        const offset = r.pos;
        const fn = r.uleb(TABLE_INDEX_MAX, 'function instantiation index');
        // Function instantiations are read after function handles: check this one later.
        this.pendingInstantiationRefs.push({ index: fn, offset, table: r.table });
        return { kind: 'parameter', parameter, function: fn };
      }
      default:
        return r.fail(`unknown address specifier 0x${tag.toString(16)}`, r.pos - 1);
    }
  }

  private structDef(r: Reader): StructDefinition {
    const at = r.pos;
    const handle = this.index(r, this.datatypeHandles.length, 'datatype handle');
    this.checkOwnDatatype(r, handle, at);
    const arity = this.datatypeHandles[handle]!.typeParameters.length;
    const flag = r.u8();
    let fieldInformation: StructFieldInformation;
    if (flag === 0x1) {
      fieldInformation = { kind: 'native' };
    } else if (flag === 0x2) {
      fieldInformation = { kind: 'declared', fields: this.fieldDefs(r, arity) };
    } else if (flag === 0x3 && this.flavour === 'aptos' && this.version >= 7) {
      const count = r.uleb(VARIANT_COUNT_MAX, 'variant count');
      if (count === 0) r.fail('struct with an empty variant list', at);
      const variants: VariantDefinition[] = [];
      for (let i = 0; i < count; i++) {
        const name = this.index(r, this.identifiers.length, 'identifier');
        variants.push({ name, fields: this.fieldDefs(r, arity) });
      }
      fieldInformation = { kind: 'declaredVariants', variants };
    } else {
      return r.fail(`unknown struct field flag 0x${flag.toString(16)}`, r.pos - 1);
    }
    return { handle, fieldInformation };
  }

  private fieldDefs(r: Reader, arity: number): FieldDefinition[] {
    const count = r.uleb(FIELD_COUNT_MAX, 'field count');
    const fields: FieldDefinition[] = [];
    for (let i = 0; i < count; i++) {
      const name = this.index(r, this.identifiers.length, 'identifier');
      const at = r.pos;
      const type = this.token(r);
      const bound = typeParameterBound(type);
      if (bound > arity) r.fail(`field type mentions type parameter ${bound - 1}, but the type has ${arity}`, at);
      fields.push({ name, type });
    }
    return fields;
  }

  private functionDef(r: Reader): FunctionDefinition {
    const at = r.pos;
    const handleIndex = this.index(r, this.functionHandles.length, 'function handle');
    const handle = this.functionHandles[handleIndex]!;
    if (handle.module !== this.selfHandle) r.fail('function definition for a function of another module', at);
    const visibilityByte = r.u8();
    const visibility: Visibility | undefined =
      visibilityByte === 0 ? 'private' : visibilityByte === 1 ? 'public' : visibilityByte === 3 ? 'friend' : undefined;
    if (!visibility) r.fail(`invalid visibility 0x${visibilityByte.toString(16)}`, r.pos - 1);
    let flags = r.u8();
    const isEntry = (flags & 0x4) !== 0;
    const isNative = (flags & 0x2) !== 0;
    flags &= ~0x6;
    if (flags !== 0) r.fail(`unknown function flag bits 0x${flags.toString(16)}`, r.pos - 1);
    const acquiresCount = r.uleb(ACQUIRES_COUNT_MAX, 'acquires count');
    const acquires: number[] = [];
    for (let i = 0; i < acquiresCount; i++) acquires.push(this.index(r, this.structDefs.length, 'struct definition'));
    const name = this.identifiers[handle.name]!;
    if (isNative) return { function: handleIndex, visibility, isEntry, acquires };
    const code = this.codeUnit(r, {
      name,
      typeParameterCount: handle.typeParameters.length,
      parameterCount: this.signatures[handle.parameters]!.length,
    });
    return { function: handleIndex, visibility, isEntry, acquires, code };
  }

  private readScriptBody(r: Reader): ScriptBody {
    const typeParameters = this.abilitySets(r);
    const parameters = this.signatureIndex(r);
    const bound = this.signatureTypeParameterBound[parameters]!;
    if (bound > typeParameters.length) r.fail(`script parameters mention type parameter ${bound - 1}, but the script has ${typeParameters.length}`);
    const accessSpecifiers = this.flavour === 'aptos' && this.version >= 8 ? this.accessSpecifiers(r) : undefined;
    for (const ref of this.pendingInstantiationRefs) {
      if (ref.index >= this.functionInstantiations.length) r.fail(`function instantiation index ${ref.index} is out of range`, ref.offset);
    }
    const code = this.codeUnit(r, {
      name: 'main',
      typeParameterCount: typeParameters.length,
      parameterCount: this.signatures[parameters]!.length,
    });
    return { typeParameters, parameters, ...(accessSpecifiers ? { accessSpecifiers } : {}), code };
  }

  // ---------------------------------------------------------------- code

  private codeUnit(r: Reader, context: CodeContext): CodeUnit {
    const localsAt = r.pos;
    const locals = this.signatureIndex(r);
    if (this.signatureTypeParameterBound[locals]! > context.typeParameterCount) {
      r.fail(`locals of ${context.name} mention type parameter ${this.signatureTypeParameterBound[locals]! - 1}, but it has ${context.typeParameterCount}`, localsAt);
    }
    const localCount = context.parameterCount + this.signatures[locals]!.length;
    if (localCount > LOCAL_INDEX_MAX + 1) r.fail(`${context.name} has ${localCount} locals (at most ${LOCAL_INDEX_MAX + 1})`, localsAt);
    const count = r.uleb(BYTECODE_COUNT_MAX, 'instruction count');
    const code: Instruction[] = [];
    const switches: { table: number; offset: number }[] = [];
    const ctx: InstructionContext = { ...context, localCount, codeLength: count, switches };
    while (code.length < count) code.push(this.instruction(r, ctx));

    const jumpTables: VariantJumpTable[] = [];
    if (this.flavour === 'sui' && this.version >= 7) {
      const tableCount = r.uleb(VARIANT_COUNT_MAX, 'jump table count');
      for (let i = 0; i < tableCount; i++) {
        const at = r.pos;
        const headEnum = this.index(r, this.enumDefs.length, 'enum definition');
        const branches = r.uleb(VARIANT_COUNT_MAX, 'jump table size');
        const variants = this.enumDefs[headEnum]!.variants.length;
        if (branches !== variants) r.fail(`jump table has ${branches} branches for an enum of ${variants} variants`, at);
        const kind = r.u8();
        if (kind !== 0x1) r.fail(`unknown jump table kind 0x${kind.toString(16)}`, r.pos - 1);
        const offsets: number[] = [];
        for (let b = 0; b < branches; b++) offsets.push(this.codeOffset(r, count));
        jumpTables.push({ headEnum, offsets });
      }
    }
    for (const s of switches) {
      if (s.table >= jumpTables.length) r.fail(`jump table index ${s.table} is out of range (${jumpTables.length} jump tables in ${context.name})`, s.offset);
    }
    return { locals, code, jumpTables };
  }

  private codeOffset(r: Reader, codeLength: number): number {
    const at = r.pos;
    const target = r.uleb(BYTECODE_COUNT_MAX, 'code offset');
    if (target >= codeLength) r.fail(`branch target ${target} is past the end of the code (${codeLength} instructions)`, at);
    return target;
  }

  private local(r: Reader, ctx: InstructionContext): number {
    const at = r.pos;
    const local = r.uleb(LOCAL_INDEX_MAX, 'local index');
    if (local >= ctx.localCount) r.fail(`local index ${local} is out of range (${ctx.name} has ${ctx.localCount} locals)`, at);
    return local;
  }

  /** An instantiation's signature must only use the enclosing function's type parameters. */
  private generic(r: Reader, ctx: InstructionContext, signature: number, at: number): void {
    const bound = this.signatureTypeParameterBound[signature]!;
    if (bound > ctx.typeParameterCount) {
      r.fail(`type arguments mention type parameter ${bound - 1}, but ${ctx.name} has ${ctx.typeParameterCount}`, at);
    }
  }

  private nonGeneric(r: Reader, arity: number, what: string, at: number): void {
    if (arity !== 0) r.fail(`non-generic instruction used on generic ${what} (needs ${arity} type arguments)`, at);
  }

  private instruction(r: Reader, ctx: InstructionContext): Instruction {
    const at = r.pos;
    const opcode = r.u8();
    const simple = SIMPLE_INSTRUCTIONS[opcode];
    if (simple) {
      if (opcode >= 0x4b && opcode <= 0x4d && this.version < 6) r.fail(`${simple.op} needs bytecode version 6`, at);
      return simple;
    }
    switch (opcode) {
      case 0x03:
        return { op: 'BrTrue', offset: this.codeOffset(r, ctx.codeLength) };
      case 0x04:
        return { op: 'BrFalse', offset: this.codeOffset(r, ctx.codeLength) };
      case 0x05:
        return { op: 'Branch', offset: this.codeOffset(r, ctx.codeLength) };
      case 0x06:
        return { op: 'LdU64', value: r.uintLE(8) };
      case 0x07:
        return { op: 'LdConst', index: this.index(r, this.constants.length, 'constant') };
      case 0x0a:
        return { op: 'CopyLoc', local: this.local(r, ctx) };
      case 0x0b:
        return { op: 'MoveLoc', local: this.local(r, ctx) };
      case 0x0c:
        return { op: 'StLoc', local: this.local(r, ctx) };
      case 0x0d:
        return { op: 'MutBorrowLoc', local: this.local(r, ctx) };
      case 0x0e:
        return { op: 'ImmBorrowLoc', local: this.local(r, ctx) };
      case 0x0f:
      case 0x10: {
        const handle = this.index(r, this.fieldHandles.length, 'field handle');
        this.nonGeneric(r, this.structArity(this.fieldHandles[handle]!.owner), 'struct', at);
        return opcode === 0x0f ? { op: 'MutBorrowField', handle } : { op: 'ImmBorrowField', handle };
      }
      case 0x11: {
        const handle = this.index(r, this.functionHandles.length, 'function handle');
        this.nonGeneric(r, this.functionHandles[handle]!.typeParameters.length, 'function', at);
        return { op: 'Call', handle };
      }
      case 0x12:
      case 0x13: {
        const def = this.index(r, this.structDefs.length, 'struct definition');
        this.nonGeneric(r, this.structArity(def), 'struct', at);
        if (this.structDefs[def]!.fieldInformation.kind !== 'declared') r.fail('Pack/Unpack of a struct without plain fields', at);
        return opcode === 0x12 ? { op: 'Pack', def } : { op: 'Unpack', def };
      }
      case 0x29:
      case 0x2a:
      case 0x2b:
      case 0x2c:
      case 0x2d: {
        const def = this.index(r, this.structDefs.length, 'struct definition');
        this.nonGeneric(r, this.structArity(def), 'struct', at);
        const op = (['Exists', 'MutBorrowGlobal', 'ImmBorrowGlobal', 'MoveFrom', 'MoveTo'] as const)[opcode - 0x29]!;
        return { op, def };
      }
      case 0x31:
        return { op: 'LdU8', value: r.u8() };
      case 0x32:
        return { op: 'LdU128', value: r.uintLE(16) };
      case 0x36:
      case 0x37: {
        const instantiation = this.index(r, this.fieldInstantiations.length, 'field instantiation');
        this.generic(r, ctx, this.fieldInstantiations[instantiation]!.typeArguments, at);
        return opcode === 0x36 ? { op: 'MutBorrowFieldGeneric', instantiation } : { op: 'ImmBorrowFieldGeneric', instantiation };
      }
      case 0x38: {
        const instantiation = this.index(r, this.functionInstantiations.length, 'function instantiation');
        this.generic(r, ctx, this.functionInstantiations[instantiation]!.typeArguments, at);
        return { op: 'CallGeneric', instantiation };
      }
      case 0x39:
      case 0x3a: {
        const instantiation = this.index(r, this.structDefInstantiations.length, 'struct instantiation');
        const inst = this.structDefInstantiations[instantiation]!;
        this.generic(r, ctx, inst.typeArguments, at);
        if (this.structDefs[inst.def]!.fieldInformation.kind !== 'declared') r.fail('Pack/Unpack of a struct without plain fields', at);
        return opcode === 0x39 ? { op: 'PackGeneric', instantiation } : { op: 'UnpackGeneric', instantiation };
      }
      case 0x3b:
      case 0x3c:
      case 0x3d:
      case 0x3e:
      case 0x3f: {
        const instantiation = this.index(r, this.structDefInstantiations.length, 'struct instantiation');
        this.generic(r, ctx, this.structDefInstantiations[instantiation]!.typeArguments, at);
        const op = (['ExistsGeneric', 'MutBorrowGlobalGeneric', 'ImmBorrowGlobalGeneric', 'MoveFromGeneric', 'MoveToGeneric'] as const)[opcode - 0x3b]!;
        return { op, instantiation };
      }
      case 0x40:
      case 0x46: {
        const signature = this.vectorSignature(r, ctx, at);
        const count = r.uintLE(8);
        return opcode === 0x40 ? { op: 'VecPack', signature, count } : { op: 'VecUnpack', signature, count };
      }
      case 0x41:
      case 0x42:
      case 0x43:
      case 0x44:
      case 0x45:
      case 0x47: {
        const signature = this.vectorSignature(r, ctx, at);
        const op = VECTOR_OPS[opcode]!;
        return { op, signature };
      }
      case 0x48:
      case 0x49:
      case 0x4a:
        if (this.version < 6) r.fail('u16/u32/u256 loads need bytecode version 6', at);
        if (opcode === 0x48) return { op: 'LdU16', value: r.u16() };
        if (opcode === 0x49) return { op: 'LdU32', value: r.u32() };
        return { op: 'LdU256', value: r.uintLE(32) };
      default:
        if (opcode >= 0x4e) return this.flavour === 'sui' ? this.suiEnumInstruction(r, ctx, opcode, at) : this.aptosInstruction(r, ctx, opcode, at);
        return r.fail(`unknown opcode 0x${opcode.toString(16)}`, at);
    }
  }

  private vectorSignature(r: Reader, ctx: InstructionContext, at: number): number {
    const signature = this.signatureIndex(r);
    if (this.signatures[signature]!.length !== 1) r.fail(`vector instruction signature must hold one type, has ${this.signatures[signature]!.length}`, at);
    this.generic(r, ctx, signature, at);
    return signature;
  }

  private suiEnumInstruction(r: Reader, ctx: InstructionContext, opcode: number, at: number): Instruction {
    if (opcode > 0x56) r.fail(`unknown opcode 0x${opcode.toString(16)}`, at);
    if (this.version < 7) r.fail(`enum instructions need bytecode version 7 (this is ${this.version})`, at);
    switch (opcode) {
      case 0x4e:
      case 0x50:
      case 0x51:
      case 0x52: {
        const handle = r.uleb(VARIANT_HANDLE_INDEX_MAX, 'variant handle index');
        if (handle >= this.variantHandles.length) r.fail(`variant handle index ${handle} is out of range (${this.variantHandles.length} variant handles)`, at);
        const enumDef = this.enumDefs[this.variantHandles[handle]!.enumDef]!;
        this.nonGeneric(r, this.datatypeHandles[enumDef.handle]!.typeParameters.length, 'enum', at);
        const op = opcode === 0x4e ? 'PackVariant' : opcode === 0x50 ? 'UnpackVariant' : opcode === 0x51 ? 'UnpackVariantImmRef' : 'UnpackVariantMutRef';
        return { op, handle };
      }
      case 0x4f:
      case 0x53:
      case 0x54:
      case 0x55: {
        const instantiation = r.uleb(VARIANT_HANDLE_INDEX_MAX, 'variant instantiation handle index');
        if (instantiation >= this.variantInstantiationHandles.length) {
          r.fail(`variant instantiation handle index ${instantiation} is out of range (${this.variantInstantiationHandles.length})`, at);
        }
        const enumInst = this.enumDefInstantiations[this.variantInstantiationHandles[instantiation]!.enumInstantiation]!;
        this.generic(r, ctx, enumInst.typeArguments, at);
        const op =
          opcode === 0x4f ? 'PackVariantGeneric'
          : opcode === 0x53 ? 'UnpackVariantGeneric'
          : opcode === 0x54 ? 'UnpackVariantGenericImmRef'
          : 'UnpackVariantGenericMutRef';
        return { op, instantiation };
      }
      default: {
        // 0x56 VariantSwitch: the jump tables follow the code, so the index is checked afterwards.
        const jumpTable = r.uleb(VARIANT_COUNT_MAX, 'jump table index');
        ctx.switches.push({ table: jumpTable, offset: at });
        return { op: 'VariantSwitch', jumpTable };
      }
    }
  }

  private aptosInstruction(r: Reader, ctx: InstructionContext, opcode: number, at: number): Instruction {
    if (opcode > 0x5a) r.fail(`unknown opcode 0x${opcode.toString(16)}`, at);
    if (this.version < 7) r.fail(`struct variant instructions need bytecode version 7 (this is ${this.version})`, at);
    if (opcode >= 0x58 && this.version < 8) r.fail(`closure instructions need bytecode version 8 (this is ${this.version})`, at);
    switch (opcode) {
      case 0x4e:
      case 0x4f: {
        const handle = this.index(r, this.variantFieldHandles.length, 'variant field handle');
        this.nonGeneric(r, this.structArity(this.variantFieldHandles[handle]!.struct), 'struct', at);
        return opcode === 0x4e ? { op: 'ImmBorrowVariantField', handle } : { op: 'MutBorrowVariantField', handle };
      }
      case 0x50:
      case 0x51: {
        const instantiation = this.index(r, this.variantFieldInstantiations.length, 'variant field instantiation');
        this.generic(r, ctx, this.variantFieldInstantiations[instantiation]!.typeArguments, at);
        return opcode === 0x50 ? { op: 'ImmBorrowVariantFieldGeneric', instantiation } : { op: 'MutBorrowVariantFieldGeneric', instantiation };
      }
      case 0x52:
      case 0x54:
      case 0x56: {
        const handle = this.index(r, this.structVariantHandles.length, 'struct variant handle');
        this.nonGeneric(r, this.structArity(this.structVariantHandles[handle]!.struct), 'struct', at);
        const op = opcode === 0x52 ? 'PackStructVariant' : opcode === 0x54 ? 'UnpackStructVariant' : 'TestStructVariant';
        return { op, handle };
      }
      case 0x53:
      case 0x55:
      case 0x57: {
        const instantiation = this.index(r, this.structVariantInstantiations.length, 'struct variant instantiation');
        this.generic(r, ctx, this.structVariantInstantiations[instantiation]!.typeArguments, at);
        const op = opcode === 0x53 ? 'PackStructVariantGeneric' : opcode === 0x55 ? 'UnpackStructVariantGeneric' : 'TestStructVariantGeneric';
        return { op, instantiation };
      }
      case 0x58: {
        const handle = this.index(r, this.functionHandles.length, 'function handle');
        return { op: 'PackClosure', handle, mask: r.ulebBig('closure mask') };
      }
      case 0x59: {
        const instantiation = this.index(r, this.functionInstantiations.length, 'function instantiation');
        this.generic(r, ctx, this.functionInstantiations[instantiation]!.typeArguments, at);
        return { op: 'PackClosureGeneric', instantiation, mask: r.ulebBig('closure mask') };
      }
      default: {
        const signature = this.signatureIndex(r);
        this.generic(r, ctx, signature, at);
        return { op: 'CallClosure', signature };
      }
    }
  }

  // ---------------------------------------------------------------- small pieces

  /** A ULEB table index, checked against the length of the table it points into. */
  private index(r: Reader, length: number, what: string): number {
    const at = r.pos;
    const value = r.uleb(TABLE_INDEX_MAX, indexLabel(what));
    if (value >= length) r.fail(`${what} index ${value} is out of range (${length} ${what}${length === 1 ? '' : 's'})`, at);
    return value;
  }

  private signatureIndex(r: Reader): number {
    return this.index(r, this.signatures.length, 'signature');
  }

  private abilities(r: Reader): AbilitySet {
    return r.uleb(ABILITY_SET_MAX, 'ability set');
  }

  private abilitySets(r: Reader): AbilitySet[] {
    const count = r.uleb(TYPE_PARAMETER_COUNT_MAX, 'type parameter count');
    const sets: AbilitySet[] = [];
    for (let i = 0; i < count; i++) sets.push(this.abilities(r));
    return sets;
  }

  private checkArity(r: Reader, signature: number, expected: number, at: number): void {
    const actual = this.signatures[signature]!.length;
    if (actual !== expected) r.fail(`instantiation has ${actual} type arguments, the generic takes ${expected}`, at);
  }

  private structArity(def: number): number {
    return this.datatypeHandles[this.structDefs[def]!.handle]!.typeParameters.length;
  }

  /** Datatype definitions must define a type of this module: checked once the self handle is known. */
  private checkOwnDatatype(r: Reader, handle: number, at: number): void {
    if (this.datatypeHandles[handle]!.module !== this.selfHandle) r.fail('type definition for a type of another module', at);
  }

  private variantOf(r: Reader, struct: number, variant: number, at: number): VariantDefinition {
    const info = this.structDefs[struct]!.fieldInformation;
    if (info.kind !== 'declaredVariants') return r.fail('variant handle on a struct without variants', at);
    if (variant >= info.variants.length) r.fail(`variant index ${variant} is out of range (struct has ${info.variants.length} variants)`, at);
    return info.variants[variant]!;
  }

  /** One signature token, iteratively (no recursion, bounded nesting), as the reference reader does. */
  private token(r: Reader): SignatureToken {
    const stack: Builder[] = [];
    for (;;) {
      if (stack.length > SIGNATURE_TOKEN_DEPTH_MAX) r.fail('type nesting is too deep');
      let done: SignatureToken | undefined = this.tokenStart(r, stack);
      // Feed finished tokens into the open constructors until one stays open.
      while (done !== undefined) {
        const top = stack[stack.length - 1];
        if (!top) return done;
        switch (top.kind) {
          case 'vector':
            stack.pop();
            done = { kind: 'vector', element: done };
            break;
          case 'reference':
          case 'mutableReference':
            stack.pop();
            done = { kind: top.kind, to: done };
            break;
          case 'instantiation':
            top.args.push(done);
            if (top.args.length < top.arity) done = undefined;
            else {
              stack.pop();
              done = { kind: 'datatypeInstantiation', handle: top.handle, typeArguments: top.args };
            }
            break;
          case 'function':
            if (top.args.length < top.argCount) top.args.push(done);
            else top.results.push(done);
            if (top.args.length < top.argCount || top.results.length < top.resultCount) done = undefined;
            else {
              stack.pop();
              done = { kind: 'function', parameters: top.args, results: top.results, abilities: top.abilities };
            }
            break;
        }
      }
    }
  }

  /** Reads one token byte: returns a complete token, or pushes an open constructor and returns undefined. */
  private tokenStart(r: Reader, stack: Builder[]): SignatureToken | undefined {
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x1:
        return BOOL;
      case 0x2:
        return U8;
      case 0x3:
        return U64;
      case 0x4:
        return U128;
      case 0x5:
        return ADDRESS;
      case 0xc:
        return SIGNER;
      case 0xd:
      case 0xe:
      case 0xf:
        if (this.version < 6) r.fail('u16/u32/u256 types need bytecode version 6', at);
        return tag === 0xd ? U16 : tag === 0xe ? U32 : U256;
      case 0x6:
        stack.push({ kind: 'reference' });
        return undefined;
      case 0x7:
        stack.push({ kind: 'mutableReference' });
        return undefined;
      case 0xa:
        stack.push({ kind: 'vector' });
        return undefined;
      case 0x8: {
        const handle = this.index(r, this.datatypeHandles.length, 'datatype handle');
        const arity = this.datatypeHandles[handle]!.typeParameters.length;
        if (arity !== 0) r.fail(`generic type used without type arguments (needs ${arity})`, at);
        return { kind: 'datatype', handle };
      }
      case 0xb: {
        const handle = this.index(r, this.datatypeHandles.length, 'datatype handle');
        const arity = r.uleb(TYPE_PARAMETER_COUNT_MAX, 'type argument count');
        if (arity === 0) r.fail('type instantiation with no type arguments', at);
        const expected = this.datatypeHandles[handle]!.typeParameters.length;
        if (arity !== expected) r.fail(`type instantiated with ${arity} type arguments, it takes ${expected}`, at);
        stack.push({ kind: 'instantiation', handle, arity, args: [] });
        return undefined;
      }
      case 0x9:
        return { kind: 'typeParameter', index: r.uleb(TYPE_PARAMETER_INDEX_MAX, 'type parameter index') };
      case 0x10: {
        if (this.flavour !== 'aptos' || this.version < 8) r.fail('function types need Aptos bytecode version 8', at);
        const abilities = this.abilities(r);
        const argCount = r.uleb(TYPE_PARAMETER_COUNT_MAX, 'function argument count');
        const resultCount = r.uleb(TYPE_PARAMETER_COUNT_MAX, 'function result count');
        if (argCount + resultCount === 0) return { kind: 'function', parameters: [], results: [], abilities };
        stack.push({ kind: 'function', abilities, argCount, resultCount, args: [], results: [] });
        return undefined;
      }
      default:
        return r.fail(`unknown type tag 0x${tag.toString(16)}`, at);
    }
  }
}

interface InstructionContext extends CodeContext {
  readonly localCount: number;
  readonly codeLength: number;
  readonly switches: { table: number; offset: number }[];
}

type Builder =
  | { kind: 'vector' }
  | { kind: 'reference' }
  | { kind: 'mutableReference' }
  | { kind: 'instantiation'; handle: number; arity: number; args: SignatureToken[] }
  | { kind: 'function'; abilities: number; argCount: number; resultCount: number; args: SignatureToken[]; results: SignatureToken[] };

// Shared immutable tokens and operand-less instructions: modules hold many of them.
const BOOL: SignatureToken = Object.freeze({ kind: 'bool' });
const U8: SignatureToken = Object.freeze({ kind: 'u8' });
const U16: SignatureToken = Object.freeze({ kind: 'u16' });
const U32: SignatureToken = Object.freeze({ kind: 'u32' });
const U64: SignatureToken = Object.freeze({ kind: 'u64' });
const U128: SignatureToken = Object.freeze({ kind: 'u128' });
const U256: SignatureToken = Object.freeze({ kind: 'u256' });
const ADDRESS: SignatureToken = Object.freeze({ kind: 'address' });
const SIGNER: SignatureToken = Object.freeze({ kind: 'signer' });

const SIMPLE_INSTRUCTIONS: (Instruction | undefined)[] = [];
for (const [opcode, op] of [
  [0x01, 'Pop'], [0x02, 'Ret'], [0x08, 'LdTrue'], [0x09, 'LdFalse'], [0x14, 'ReadRef'], [0x15, 'WriteRef'],
  [0x16, 'Add'], [0x17, 'Sub'], [0x18, 'Mul'], [0x19, 'Mod'], [0x1a, 'Div'], [0x1b, 'BitOr'], [0x1c, 'BitAnd'],
  [0x1d, 'Xor'], [0x1e, 'Or'], [0x1f, 'And'], [0x20, 'Not'], [0x21, 'Eq'], [0x22, 'Neq'], [0x23, 'Lt'], [0x24, 'Gt'],
  [0x25, 'Le'], [0x26, 'Ge'], [0x27, 'Abort'], [0x28, 'Nop'], [0x2e, 'FreezeRef'], [0x2f, 'Shl'], [0x30, 'Shr'],
  [0x33, 'CastU8'], [0x34, 'CastU64'], [0x35, 'CastU128'], [0x4b, 'CastU16'], [0x4c, 'CastU32'], [0x4d, 'CastU256'],
] as const) {
  SIMPLE_INSTRUCTIONS[opcode] = Object.freeze({ op }) as Instruction;
}

const VECTOR_OPS: Record<number, 'VecLen' | 'VecImmBorrow' | 'VecMutBorrow' | 'VecPushBack' | 'VecPopBack' | 'VecSwap'> = {
  0x41: 'VecLen',
  0x42: 'VecImmBorrow',
  0x43: 'VecMutBorrow',
  0x44: 'VecPushBack',
  0x45: 'VecPopBack',
  0x47: 'VecSwap',
};

/** `"<what> index"` labels, built once: index reads are the hottest path of the reader. */
const INDEX_LABELS = new Map<string, string>();
function indexLabel(what: string): string {
  let label = INDEX_LABELS.get(what);
  if (label === undefined) INDEX_LABELS.set(what, (label = `${what} index`));
  return label;
}

/** 1 + the highest type parameter index in a token (0 when it has none). Iterative: tokens can nest deeply. */
export function typeParameterBound(token: SignatureToken): number {
  let bound = 0;
  const work: SignatureToken[] = [token];
  while (work.length > 0) {
    const t = work.pop()!;
    switch (t.kind) {
      case 'typeParameter':
        bound = Math.max(bound, t.index + 1);
        break;
      case 'vector':
        work.push(t.element);
        break;
      case 'reference':
      case 'mutableReference':
        work.push(t.to);
        break;
      case 'datatypeInstantiation':
        work.push(...t.typeArguments);
        break;
      case 'function':
        work.push(...t.parameters, ...t.results);
        break;
      default:
        break;
    }
  }
  return bound;
}

/** Move identifiers: [A-Za-z_][A-Za-z0-9_]* (plus `<SELF>`-style compiler names and `$` in newer Aptos). */
function isIdentifier(text: string): boolean {
  if (text.length === 0) return false;
  if (text === '<SELF>') return true;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text);
}
