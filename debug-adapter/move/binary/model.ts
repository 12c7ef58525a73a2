// The in-memory model of a compiled Move module (or Aptos script), shared by the deserializer, the
// disassembler and the interpreter. It mirrors the binary format's tables one to one: every cross
// reference is a plain index into another table of the same module, checked by the deserializer, so
// consumers can index without re-checking. One shape serves both flavours (Sui and Aptos); tables and
// instructions that only one flavour has are empty / never produced for the other.
//
// Stability: the interpreter is built on this file. Changes here are additive only.

/** Which Move dialect produced the module. Decides the meaning of table kinds 0x11.. and opcodes 0x4E... */
export type Flavour = 'sui' | 'aptos';

// Index types: plain numbers, named for what they index (documentation only; TypeScript does not brand them).
/** Into CompiledModule.moduleHandles. */
export type ModuleHandleIndex = number;
/** Into CompiledModule.datatypeHandles. */
export type DatatypeHandleIndex = number;
/** Into CompiledModule.functionHandles. */
export type FunctionHandleIndex = number;
/** Into CompiledModule.fieldHandles. */
export type FieldHandleIndex = number;
/** Into CompiledModule.structDefInstantiations. */
export type StructDefInstantiationIndex = number;
/** Into CompiledModule.functionInstantiations. */
export type FunctionInstantiationIndex = number;
/** Into CompiledModule.fieldInstantiations. */
export type FieldInstantiationIndex = number;
/** Into CompiledModule.identifiers. */
export type IdentifierIndex = number;
/** Into CompiledModule.addressIdentifiers. */
export type AddressIdentifierIndex = number;
/** Into CompiledModule.constants. */
export type ConstantPoolIndex = number;
/** Into CompiledModule.signatures. */
export type SignatureIndex = number;
/** Into CompiledModule.structDefs. */
export type StructDefinitionIndex = number;
/** Into CompiledModule.functionDefs. */
export type FunctionDefinitionIndex = number;
/** Into CompiledModule.enumDefs (Sui). */
export type EnumDefinitionIndex = number;
/** Into CompiledModule.enumDefInstantiations (Sui). */
export type EnumDefInstantiationIndex = number;
/** Into CompiledModule.variantHandles (Sui). */
export type VariantHandleIndex = number;
/** Into CompiledModule.variantInstantiationHandles (Sui). */
export type VariantInstantiationHandleIndex = number;
/** Into CodeUnit.jumpTables of the same function (Sui). */
export type VariantJumpTableIndex = number;
/** Into CompiledModule.structVariantHandles (Aptos). */
export type StructVariantHandleIndex = number;
/** Into CompiledModule.structVariantInstantiations (Aptos). */
export type StructVariantInstantiationIndex = number;
/** Into CompiledModule.variantFieldHandles (Aptos). */
export type VariantFieldHandleIndex = number;
/** Into CompiledModule.variantFieldInstantiations (Aptos). */
export type VariantFieldInstantiationIndex = number;
/** Index of a local (parameters first, then the locals signature); at most 255. */
export type LocalIndex = number;
/** Absolute instruction index within a function's code. */
export type CodeOffset = number;
/** Position of a variant within its enum / struct definition (its tag). */
export type VariantIndex = number;
/** Position of a field within its struct (or variant). */
export type MemberCount = number;

/** Ability bit set: a combination of the Ability flags. */
export type AbilitySet = number;
export const Ability = {
  Copy: 0x1,
  Drop: 0x2,
  Store: 0x4,
  Key: 0x8,
} as const;

export interface ModuleHandle {
  readonly address: AddressIdentifierIndex;
  readonly name: IdentifierIndex;
}

export interface DatatypeTypeParameter {
  readonly constraints: AbilitySet;
  readonly isPhantom: boolean;
}

/** A struct or enum type declared by this module or used from another (Sui "datatype", Aptos "struct" handle). */
export interface DatatypeHandle {
  readonly module: ModuleHandleIndex;
  readonly name: IdentifierIndex;
  readonly abilities: AbilitySet;
  readonly typeParameters: readonly DatatypeTypeParameter[];
}

/** Aptos (v7+) resource access specifiers on a function handle. */
export type ResourceSpecifier =
  | { readonly kind: 'any' }
  | { readonly kind: 'declaredAtAddress'; readonly address: AddressIdentifierIndex }
  | { readonly kind: 'declaredInModule'; readonly module: ModuleHandleIndex }
  | { readonly kind: 'resource'; readonly handle: DatatypeHandleIndex }
  | { readonly kind: 'resourceInstantiation'; readonly handle: DatatypeHandleIndex; readonly typeArguments: SignatureIndex };

export type AddressSpecifier =
  | { readonly kind: 'any' }
  | { readonly kind: 'literal'; readonly address: AddressIdentifierIndex }
  /** The address is computed from a parameter, optionally through a function (an instantiation). */
  | { readonly kind: 'parameter'; readonly parameter: LocalIndex; readonly function?: FunctionInstantiationIndex };

export interface AccessSpecifier {
  readonly kind: 'reads' | 'writes';
  readonly negated: boolean;
  readonly resource: ResourceSpecifier;
  readonly address: AddressSpecifier;
}

/** Aptos (v8+) function attributes. */
export type FunctionAttribute = { readonly kind: 'persistent' } | { readonly kind: 'moduleLock' };

export interface FunctionHandle {
  readonly module: ModuleHandleIndex;
  readonly name: IdentifierIndex;
  readonly parameters: SignatureIndex;
  readonly returns: SignatureIndex;
  /** Ability constraints of each type parameter. */
  readonly typeParameters: readonly AbilitySet[];
  /** Aptos v7+: resource access specifiers, when declared. */
  readonly accessSpecifiers?: readonly AccessSpecifier[];
  /** Aptos v8+. */
  readonly attributes?: readonly FunctionAttribute[];
}

/** A field of a struct defined in this module, as used by the borrow-field instructions. */
export interface FieldHandle {
  readonly owner: StructDefinitionIndex;
  readonly field: MemberCount;
}

export interface FieldInstantiation {
  readonly handle: FieldHandleIndex;
  readonly typeArguments: SignatureIndex;
}

export interface StructDefInstantiation {
  readonly def: StructDefinitionIndex;
  readonly typeArguments: SignatureIndex;
}

export interface FunctionInstantiation {
  readonly handle: FunctionHandleIndex;
  readonly typeArguments: SignatureIndex;
}

/** A type as written in a signature. Type parameters are indices into the enclosing generic's parameters. */
export type SignatureToken =
  | { readonly kind: 'bool' }
  | { readonly kind: 'u8' }
  | { readonly kind: 'u16' }
  | { readonly kind: 'u32' }
  | { readonly kind: 'u64' }
  | { readonly kind: 'u128' }
  | { readonly kind: 'u256' }
  | { readonly kind: 'address' }
  | { readonly kind: 'signer' }
  | { readonly kind: 'vector'; readonly element: SignatureToken }
  | { readonly kind: 'datatype'; readonly handle: DatatypeHandleIndex }
  | { readonly kind: 'datatypeInstantiation'; readonly handle: DatatypeHandleIndex; readonly typeArguments: readonly SignatureToken[] }
  | { readonly kind: 'reference'; readonly to: SignatureToken }
  | { readonly kind: 'mutableReference'; readonly to: SignatureToken }
  | { readonly kind: 'typeParameter'; readonly index: number }
  // Aptos only (v8+ function values, v9+ signed integers).
  | { readonly kind: 'function'; readonly parameters: readonly SignatureToken[]; readonly results: readonly SignatureToken[]; readonly abilities: AbilitySet }
  | { readonly kind: 'i8' }
  | { readonly kind: 'i16' }
  | { readonly kind: 'i32' }
  | { readonly kind: 'i64' }
  | { readonly kind: 'i128' }
  | { readonly kind: 'i256' };

export type SignatureTokenKind = SignatureToken['kind'];

/** A list of types: parameters, returns, locals, or type arguments. */
export type Signature = readonly SignatureToken[];

/** A constant: its type and its BCS-encoded value, undecoded. */
export interface Constant {
  readonly type: SignatureToken;
  readonly data: Uint8Array;
}

/** Free-form key/value metadata attached to the module (e.g. Aptos attributes, Sui error info). */
export interface Metadata {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface FieldDefinition {
  readonly name: IdentifierIndex;
  readonly type: SignatureToken;
}

export interface VariantDefinition {
  readonly name: IdentifierIndex;
  readonly fields: readonly FieldDefinition[];
}

/** How a struct's contents are declared: native (no fields visible), a field list, or (Aptos) variants. */
export type StructFieldInformation =
  | { readonly kind: 'native' }
  | { readonly kind: 'declared'; readonly fields: readonly FieldDefinition[] }
  | { readonly kind: 'declaredVariants'; readonly variants: readonly VariantDefinition[] };

export interface StructDefinition {
  readonly handle: DatatypeHandleIndex;
  readonly fieldInformation: StructFieldInformation;
}

/** Sui enum definition. */
export interface EnumDefinition {
  readonly handle: DatatypeHandleIndex;
  readonly variants: readonly VariantDefinition[];
}

/** Sui. */
export interface EnumDefInstantiation {
  readonly def: EnumDefinitionIndex;
  readonly typeArguments: SignatureIndex;
}

/** Sui: one variant of an enum defined in this module, as used by PackVariant / UnpackVariant*. */
export interface VariantHandle {
  readonly enumDef: EnumDefinitionIndex;
  readonly variant: VariantIndex;
}

/** Sui: one variant of an instantiated enum. */
export interface VariantInstantiationHandle {
  readonly enumInstantiation: EnumDefInstantiationIndex;
  readonly variant: VariantIndex;
}

/** Sui: a VariantSwitch target table; offsets[tag] is the code offset for variant `tag` of `headEnum`. */
export interface VariantJumpTable {
  readonly headEnum: EnumDefinitionIndex;
  readonly offsets: readonly CodeOffset[];
}

/** Aptos: one variant of a struct-with-variants defined in this module. */
export interface StructVariantHandle {
  readonly struct: StructDefinitionIndex;
  readonly variant: VariantIndex;
}

/** Aptos. */
export interface StructVariantInstantiation {
  readonly handle: StructVariantHandleIndex;
  readonly typeArguments: SignatureIndex;
}

/** Aptos: a field shared (same name, offset and type) by the listed variants of a struct. */
export interface VariantFieldHandle {
  readonly struct: StructDefinitionIndex;
  readonly variants: readonly VariantIndex[];
  readonly field: MemberCount;
}

/** Aptos. */
export interface VariantFieldInstantiation {
  readonly handle: VariantFieldHandleIndex;
  readonly typeArguments: SignatureIndex;
}

export type Visibility = 'private' | 'public' | 'friend';

export interface CodeUnit {
  /** Types of the non-parameter locals (local index = parameter count + position here). */
  readonly locals: SignatureIndex;
  readonly code: readonly Instruction[];
  /** Sui: VariantSwitch jump tables. Empty for Aptos. */
  readonly jumpTables: readonly VariantJumpTable[];
}

export interface FunctionDefinition {
  readonly function: FunctionHandleIndex;
  readonly visibility: Visibility;
  readonly isEntry: boolean;
  /** Structs whose global resources the function acquires (Aptos; always empty in Sui). */
  readonly acquires: readonly StructDefinitionIndex[];
  /** Absent for native functions. */
  readonly code?: CodeUnit;
}

/** Aptos scripts: the single entry function's pieces (a script has no self handle or definitions). */
export interface ScriptBody {
  readonly typeParameters: readonly AbilitySet[];
  readonly parameters: SignatureIndex;
  /** Aptos v8+ scripts may declare resource access specifiers. */
  readonly accessSpecifiers?: readonly AccessSpecifier[];
  readonly code: CodeUnit;
}

export interface CompiledModule {
  readonly kind: 'module' | 'script';
  readonly flavour: Flavour;
  /** Bytecode version (5, 6, 7, ...), without the flavour byte. */
  readonly version: number;
  /** The magic was DEADC0DE: a test-mode build (may contain test-only functions). */
  readonly testMode: boolean;
  /** Index of this module's own handle in moduleHandles (0 for scripts, meaningless there). */
  readonly selfHandle: ModuleHandleIndex;

  readonly moduleHandles: readonly ModuleHandle[];
  readonly datatypeHandles: readonly DatatypeHandle[];
  readonly functionHandles: readonly FunctionHandle[];
  readonly fieldHandles: readonly FieldHandle[];
  readonly friendDecls: readonly ModuleHandle[];
  readonly structDefInstantiations: readonly StructDefInstantiation[];
  readonly functionInstantiations: readonly FunctionInstantiation[];
  readonly fieldInstantiations: readonly FieldInstantiation[];
  readonly signatures: readonly Signature[];
  readonly identifiers: readonly string[];
  /** Account addresses, 32 bytes each (big-endian, as written in source `0x...`). */
  readonly addressIdentifiers: readonly Uint8Array[];
  readonly constants: readonly Constant[];
  readonly metadata: readonly Metadata[];
  readonly structDefs: readonly StructDefinition[];
  readonly functionDefs: readonly FunctionDefinition[];

  // Sui enums (v7).
  readonly enumDefs: readonly EnumDefinition[];
  readonly enumDefInstantiations: readonly EnumDefInstantiation[];
  readonly variantHandles: readonly VariantHandle[];
  readonly variantInstantiationHandles: readonly VariantInstantiationHandle[];

  // Aptos struct variants (v7).
  readonly structVariantHandles: readonly StructVariantHandle[];
  readonly structVariantInstantiations: readonly StructVariantInstantiation[];
  readonly variantFieldHandles: readonly VariantFieldHandle[];
  readonly variantFieldInstantiations: readonly VariantFieldInstantiation[];

  /** Present only when kind === 'script'. */
  readonly script?: ScriptBody;
}

/**
 * One bytecode instruction with its decoded operands. `op` names follow the Move `Bytecode` enum.
 * Branch targets are absolute code offsets. u64/u128/u256 immediates are bigints; smaller ones numbers.
 *
 * Flavour-specific ops: Sui enums use PackVariant .. VariantSwitch (operands index the Sui variant tables);
 * Aptos struct variants use the `*StructVariant*` / `*VariantField*` ops (operands index the Aptos tables),
 * named apart so that one op name never means two things. The global-storage ops (Exists, MoveTo, ...) are
 * "deprecated" in Sui but still decode.
 */
export type Instruction =
  | { readonly op: 'Pop' }
  | { readonly op: 'Ret' }
  | { readonly op: 'BrTrue'; readonly offset: CodeOffset }
  | { readonly op: 'BrFalse'; readonly offset: CodeOffset }
  | { readonly op: 'Branch'; readonly offset: CodeOffset }
  | { readonly op: 'LdU8'; readonly value: number }
  | { readonly op: 'LdU16'; readonly value: number }
  | { readonly op: 'LdU32'; readonly value: number }
  | { readonly op: 'LdU64'; readonly value: bigint }
  | { readonly op: 'LdU128'; readonly value: bigint }
  | { readonly op: 'LdU256'; readonly value: bigint }
  | { readonly op: 'LdConst'; readonly index: ConstantPoolIndex }
  | { readonly op: 'LdTrue' }
  | { readonly op: 'LdFalse' }
  | { readonly op: 'CastU8' }
  | { readonly op: 'CastU16' }
  | { readonly op: 'CastU32' }
  | { readonly op: 'CastU64' }
  | { readonly op: 'CastU128' }
  | { readonly op: 'CastU256' }
  | { readonly op: 'CopyLoc'; readonly local: LocalIndex }
  | { readonly op: 'MoveLoc'; readonly local: LocalIndex }
  | { readonly op: 'StLoc'; readonly local: LocalIndex }
  | { readonly op: 'MutBorrowLoc'; readonly local: LocalIndex }
  | { readonly op: 'ImmBorrowLoc'; readonly local: LocalIndex }
  | { readonly op: 'MutBorrowField'; readonly handle: FieldHandleIndex }
  | { readonly op: 'ImmBorrowField'; readonly handle: FieldHandleIndex }
  | { readonly op: 'MutBorrowFieldGeneric'; readonly instantiation: FieldInstantiationIndex }
  | { readonly op: 'ImmBorrowFieldGeneric'; readonly instantiation: FieldInstantiationIndex }
  | { readonly op: 'Call'; readonly handle: FunctionHandleIndex }
  | { readonly op: 'CallGeneric'; readonly instantiation: FunctionInstantiationIndex }
  | { readonly op: 'Pack'; readonly def: StructDefinitionIndex }
  | { readonly op: 'Unpack'; readonly def: StructDefinitionIndex }
  | { readonly op: 'PackGeneric'; readonly instantiation: StructDefInstantiationIndex }
  | { readonly op: 'UnpackGeneric'; readonly instantiation: StructDefInstantiationIndex }
  | { readonly op: 'ReadRef' }
  | { readonly op: 'WriteRef' }
  | { readonly op: 'FreezeRef' }
  | { readonly op: 'Add' }
  | { readonly op: 'Sub' }
  | { readonly op: 'Mul' }
  | { readonly op: 'Mod' }
  | { readonly op: 'Div' }
  | { readonly op: 'BitOr' }
  | { readonly op: 'BitAnd' }
  | { readonly op: 'Xor' }
  | { readonly op: 'Or' }
  | { readonly op: 'And' }
  | { readonly op: 'Not' }
  | { readonly op: 'Eq' }
  | { readonly op: 'Neq' }
  | { readonly op: 'Lt' }
  | { readonly op: 'Gt' }
  | { readonly op: 'Le' }
  | { readonly op: 'Ge' }
  | { readonly op: 'Shl' }
  | { readonly op: 'Shr' }
  | { readonly op: 'Abort' }
  | { readonly op: 'Nop' }
  // Global storage (live in Aptos, deprecated in Sui).
  | { readonly op: 'Exists'; readonly def: StructDefinitionIndex }
  | { readonly op: 'ExistsGeneric'; readonly instantiation: StructDefInstantiationIndex }
  | { readonly op: 'MutBorrowGlobal'; readonly def: StructDefinitionIndex }
  | { readonly op: 'MutBorrowGlobalGeneric'; readonly instantiation: StructDefInstantiationIndex }
  | { readonly op: 'ImmBorrowGlobal'; readonly def: StructDefinitionIndex }
  | { readonly op: 'ImmBorrowGlobalGeneric'; readonly instantiation: StructDefInstantiationIndex }
  | { readonly op: 'MoveFrom'; readonly def: StructDefinitionIndex }
  | { readonly op: 'MoveFromGeneric'; readonly instantiation: StructDefInstantiationIndex }
  | { readonly op: 'MoveTo'; readonly def: StructDefinitionIndex }
  | { readonly op: 'MoveToGeneric'; readonly instantiation: StructDefInstantiationIndex }
  // Vectors: `signature` is a one-token signature holding the element type.
  | { readonly op: 'VecPack'; readonly signature: SignatureIndex; readonly count: bigint }
  | { readonly op: 'VecLen'; readonly signature: SignatureIndex }
  | { readonly op: 'VecImmBorrow'; readonly signature: SignatureIndex }
  | { readonly op: 'VecMutBorrow'; readonly signature: SignatureIndex }
  | { readonly op: 'VecPushBack'; readonly signature: SignatureIndex }
  | { readonly op: 'VecPopBack'; readonly signature: SignatureIndex }
  | { readonly op: 'VecUnpack'; readonly signature: SignatureIndex; readonly count: bigint }
  | { readonly op: 'VecSwap'; readonly signature: SignatureIndex }
  // Sui enums (v7).
  | { readonly op: 'PackVariant'; readonly handle: VariantHandleIndex }
  | { readonly op: 'PackVariantGeneric'; readonly instantiation: VariantInstantiationHandleIndex }
  | { readonly op: 'UnpackVariant'; readonly handle: VariantHandleIndex }
  | { readonly op: 'UnpackVariantImmRef'; readonly handle: VariantHandleIndex }
  | { readonly op: 'UnpackVariantMutRef'; readonly handle: VariantHandleIndex }
  | { readonly op: 'UnpackVariantGeneric'; readonly instantiation: VariantInstantiationHandleIndex }
  | { readonly op: 'UnpackVariantGenericImmRef'; readonly instantiation: VariantInstantiationHandleIndex }
  | { readonly op: 'UnpackVariantGenericMutRef'; readonly instantiation: VariantInstantiationHandleIndex }
  | { readonly op: 'VariantSwitch'; readonly jumpTable: VariantJumpTableIndex }
  // Aptos struct variants (v7).
  | { readonly op: 'ImmBorrowVariantField'; readonly handle: VariantFieldHandleIndex }
  | { readonly op: 'MutBorrowVariantField'; readonly handle: VariantFieldHandleIndex }
  | { readonly op: 'ImmBorrowVariantFieldGeneric'; readonly instantiation: VariantFieldInstantiationIndex }
  | { readonly op: 'MutBorrowVariantFieldGeneric'; readonly instantiation: VariantFieldInstantiationIndex }
  | { readonly op: 'PackStructVariant'; readonly handle: StructVariantHandleIndex }
  | { readonly op: 'PackStructVariantGeneric'; readonly instantiation: StructVariantInstantiationIndex }
  | { readonly op: 'UnpackStructVariant'; readonly handle: StructVariantHandleIndex }
  | { readonly op: 'UnpackStructVariantGeneric'; readonly instantiation: StructVariantInstantiationIndex }
  | { readonly op: 'TestStructVariant'; readonly handle: StructVariantHandleIndex }
  | { readonly op: 'TestStructVariantGeneric'; readonly instantiation: StructVariantInstantiationIndex }
  // Aptos closures (v8): `mask` has bit i set when argument i is captured.
  | { readonly op: 'PackClosure'; readonly handle: FunctionHandleIndex; readonly mask: bigint }
  | { readonly op: 'PackClosureGeneric'; readonly instantiation: FunctionInstantiationIndex; readonly mask: bigint }
  | { readonly op: 'CallClosure'; readonly signature: SignatureIndex }
  // Aptos signed integers (v9) and abort with message (v10).
  | { readonly op: 'LdI8'; readonly value: number }
  | { readonly op: 'LdI16'; readonly value: number }
  | { readonly op: 'LdI32'; readonly value: number }
  | { readonly op: 'LdI64'; readonly value: bigint }
  | { readonly op: 'LdI128'; readonly value: bigint }
  | { readonly op: 'LdI256'; readonly value: bigint }
  | { readonly op: 'CastI8' }
  | { readonly op: 'CastI16' }
  | { readonly op: 'CastI32' }
  | { readonly op: 'CastI64' }
  | { readonly op: 'CastI128' }
  | { readonly op: 'CastI256' }
  | { readonly op: 'Negate' }
  | { readonly op: 'AbortMsg' };

export type InstructionOp = Instruction['op'];

/** Renders a 32-byte address as `0x` + 64 lower-case hex digits. */
export function addressToHex(address: Uint8Array): string {
  let hex = '0x';
  for (const byte of address) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
