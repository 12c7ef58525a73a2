// The Move abstract syntax tree. Every node carries its byte range (`loc`) so diagnostics, debug_info
// locations and editor features point back into the source. The tree keeps what later phases need
// (names as written, paths unresolved); name resolution and type checking annotate nothing in place
// but build their own tables keyed by nodes.

import type { ByteRange } from './diagnostics.ts';

export type Loc = ByteRange;

export interface Name {
  readonly value: string;
  readonly loc: Loc;
}

/** `a::b::c` as written; `address` set for a leading `@0x1`/`0x1` numeric address. */
export interface Path {
  readonly kind: 'path';
  readonly segments: Name[];
  readonly loc: Loc;
}

export interface Attribute {
  readonly name: Name;
  /** `#[expected_failure(abort_code = x::E)]`: nested attributes and `key = value` pairs. */
  readonly args: AttributeArg[];
  readonly loc: Loc;
}
export type AttributeArg =
  | { kind: 'nested'; attribute: Attribute }
  | { kind: 'assign'; name: Name; value: Exp | Path; loc: Loc };

export type Ability = 'copy' | 'drop' | 'store' | 'key';

export interface TypeParam {
  readonly name: Name;
  readonly phantom: boolean;
  readonly constraints: Name[];
  readonly loc: Loc;
}

export type Type =
  | { kind: 'apply'; path: Path; args: Type[]; loc: Loc }
  | { kind: 'ref'; mut: boolean; inner: Type; loc: Loc }
  | { kind: 'tuple'; elems: Type[]; loc: Loc }
  | { kind: 'fun'; params: Type[]; ret: Type | undefined; loc: Loc }
  | { kind: 'any'; loc: Loc }; // `_`

export type Visibility = 'private' | 'public' | 'package' | 'friend';

export interface Param {
  readonly name: Name;
  readonly type: Type;
  readonly mut: boolean;
  readonly loc: Loc;
}

export interface FunctionDecl {
  readonly kind: 'function';
  readonly attributes: Attribute[];
  readonly doc: string;
  readonly name: Name;
  readonly visibility: Visibility;
  readonly entry: boolean;
  readonly native: boolean;
  readonly macro: boolean;
  readonly typeParams: TypeParam[];
  readonly params: Param[];
  readonly ret: Type | undefined;
  readonly acquires: Path[];
  readonly body: Block | undefined;
  readonly loc: Loc;
  /** Byte range of the signature (`fun` .. return type), the "definition location" in debug_info. */
  readonly signatureLoc: Loc;
}

export interface FieldDecl {
  readonly name: Name; // positional fields are named `0`, `1`, ...
  readonly type: Type;
  readonly loc: Loc;
}

export interface StructDecl {
  readonly kind: 'struct';
  readonly attributes: Attribute[];
  readonly doc: string;
  readonly name: Name;
  readonly public: boolean;
  readonly native: boolean;
  readonly typeParams: TypeParam[];
  readonly abilities: Name[];
  readonly positional: boolean;
  readonly fields: FieldDecl[];
  readonly loc: Loc;
}

export interface VariantDecl {
  readonly name: Name;
  readonly positional: boolean;
  readonly fields: FieldDecl[];
  readonly loc: Loc;
}

export interface EnumDecl {
  readonly kind: 'enum';
  readonly attributes: Attribute[];
  readonly doc: string;
  readonly name: Name;
  readonly public: boolean;
  readonly typeParams: TypeParam[];
  readonly abilities: Name[];
  readonly variants: VariantDecl[];
  readonly loc: Loc;
}

export interface ConstDecl {
  readonly kind: 'const';
  readonly attributes: Attribute[];
  readonly doc: string;
  readonly name: Name;
  readonly type: Type;
  readonly value: Exp;
  readonly loc: Loc;
}

/** `use a::m;`, `use a::m::{Self, T as U};`, `use a::{m, n::{X}}`. Flattened to one entry per import. */
export interface UseDecl {
  readonly kind: 'use';
  readonly attributes: Attribute[];
  readonly imports: UseImport[];
  readonly loc: Loc;
}
export interface UseImport {
  /** Address segment (named or numeric) of the imported module. */
  readonly address: Name;
  readonly module: Name;
  /** Member imported (undefined: the module itself, as with `Self`). */
  readonly member: Name | undefined;
  readonly alias: Name | undefined;
  readonly loc: Loc;
}

/** `use fun path as Type.method;` (optionally `public`). */
export interface UseFunDecl {
  readonly kind: 'useFun';
  readonly attributes: Attribute[];
  readonly public: boolean;
  readonly function: Path;
  readonly type: Path;
  readonly method: Name;
  readonly loc: Loc;
}

export interface FriendDecl {
  readonly kind: 'friend';
  readonly attributes: Attribute[];
  readonly path: Path;
  readonly loc: Loc;
}

/** Aptos `spec` blocks: kept only as a range (the specification language is not compiled). */
export interface SpecDecl {
  readonly kind: 'spec';
  readonly attributes: Attribute[];
  readonly loc: Loc;
}

export type ModuleMember = FunctionDecl | StructDecl | EnumDecl | ConstDecl | UseDecl | UseFunDecl | FriendDecl | SpecDecl;

export interface ModuleDecl {
  readonly kind: 'module';
  readonly attributes: Attribute[];
  readonly doc: string;
  /** Address as written (`sui`, `0x2`), or undefined inside an `address x { module m {...} }` block (see `addressBlock`). */
  readonly address: Name | undefined;
  readonly name: Name;
  readonly members: ModuleMember[];
  readonly loc: Loc;
  readonly isScript: boolean;
}

export interface CompilationUnit {
  readonly modules: ModuleDecl[];
}

// ---- expressions

export type Value =
  | { kind: 'number'; text: string; loc: Loc }
  | { kind: 'bool'; value: boolean; loc: Loc }
  | { kind: 'address'; text: string; loc: Loc } // `@0x1`, `@std`
  | { kind: 'byteString'; text: string; loc: Loc }
  | { kind: 'hexString'; text: string; loc: Loc };

export type Exp =
  | Value
  | { kind: 'name'; path: Path; typeArgs: Type[] | undefined; moveOrCopy?: 'move' | 'copy'; loc: Loc }
  | { kind: 'call'; path: Path; typeArgs: Type[] | undefined; args: Exp[]; macro: boolean; loc: Loc }
  | { kind: 'methodCall'; receiver: Exp; method: Name; typeArgs: Type[] | undefined; args: Exp[]; macro: boolean; loc: Loc }
  | { kind: 'pack'; path: Path; typeArgs: Type[] | undefined; fields: { name: Name; value: Exp }[]; loc: Loc }
  | { kind: 'vector'; elemType: Type | undefined; elems: Exp[]; loc: Loc }
  | { kind: 'field'; base: Exp; field: Name; loc: Loc }
  | { kind: 'index'; base: Exp; index: Exp[]; loc: Loc }
  | { kind: 'unary'; op: '!' | '*' | '&' | '&mut' | '-'; operand: Exp; loc: Loc }
  | { kind: 'binary'; op: string; left: Exp; right: Exp; loc: Loc }
  | { kind: 'assign'; op: string; target: Exp; value: Exp; loc: Loc }
  | { kind: 'cast'; exp: Exp; type: Type; loc: Loc }
  | { kind: 'annotate'; exp: Exp; type: Type; loc: Loc }
  | { kind: 'if'; cond: Exp; then: Exp; else: Exp | undefined; loc: Loc }
  | { kind: 'while'; label: Name | undefined; cond: Exp; body: Exp; loc: Loc }
  | { kind: 'loop'; label: Name | undefined; body: Exp; loc: Loc }
  | { kind: 'block'; block: Block; label: Name | undefined; loc: Loc }
  | { kind: 'break'; label: Name | undefined; value: Exp | undefined; loc: Loc }
  | { kind: 'continue'; label: Name | undefined; loc: Loc }
  | { kind: 'return'; label: Name | undefined; value: Exp | undefined; loc: Loc }
  | { kind: 'abort'; code: Exp | undefined; loc: Loc }
  | { kind: 'tuple'; elems: Exp[]; loc: Loc } // `()` is a tuple of zero
  | { kind: 'lambda'; params: { pattern: Bind; type: Type | undefined }[]; ret: Type | undefined; body: Exp; loc: Loc }
  | { kind: 'match'; subject: Exp; arms: MatchArm[]; loc: Loc }
  | { kind: 'spec'; loc: Loc } // Aptos inline `spec { }`: ignored
  | { kind: 'error'; loc: Loc }; // unparseable; a diagnostic was already given

export interface MatchArm {
  readonly pattern: Pattern;
  readonly guard: Exp | undefined;
  readonly body: Exp;
  readonly loc: Loc;
}

export type Pattern =
  | { kind: 'wildcard'; loc: Loc }
  | { kind: 'binder'; mut: boolean; name: Name; loc: Loc }
  | { kind: 'literal'; value: Value; loc: Loc }
  | { kind: 'ctor'; path: Path; typeArgs: Type[] | undefined; positional: boolean | undefined; fields: { name: Name; pattern: Pattern }[]; rest: boolean; loc: Loc }
  | { kind: 'or'; alts: Pattern[]; loc: Loc }
  | { kind: 'at'; name: Name; mut: boolean; pattern: Pattern; loc: Loc };

/** Left side of `let` and lambda parameters: variables, `_`, tuples and struct unpacking. */
export type Bind =
  | { kind: 'var'; mut: boolean; name: Name; loc: Loc }
  | { kind: 'tuple'; elems: Bind[]; loc: Loc }
  | { kind: 'unpack'; path: Path; typeArgs: Type[] | undefined; positional: boolean; fields: { name: Name; bind: Bind }[]; rest: boolean; loc: Loc };

export type Statement =
  | { kind: 'let'; bind: Bind; type: Type | undefined; value: Exp | undefined; loc: Loc }
  | { kind: 'exp'; exp: Exp; semicolon: boolean; loc: Loc }
  | { kind: 'use'; decl: UseDecl | UseFunDecl; loc: Loc };

export interface Block {
  readonly statements: Statement[];
  /** The value of the block: a final expression without `;` (undefined: the block yields `()`). */
  readonly result: Exp | undefined;
  readonly loc: Loc;
}
