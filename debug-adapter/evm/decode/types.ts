// Solidity types from solc output. Variable declarations in the AST carry a `typeName` tree; the
// storageLayout output carries its own `types` table. Both refer to structs, enums, contracts and
// user-defined value types by AST id, which the registry resolves over all compiled sources.

import type { SolType, SolcStorageType, StructMember } from './model.ts';

type AstNode = { readonly nodeType?: string; readonly id?: number; readonly [key: string]: unknown };

/** Parse an elementary type name (`uint`, `int8`, `address payable`, `bytes4`, `string`); undefined if not one. */
export function elementaryType(name: string): SolType | undefined {
  const trimmed = name.trim();
  if (trimmed === 'bool') return { kind: 'bool' };
  if (trimmed === 'address') return { kind: 'address', payable: false };
  if (trimmed === 'address payable') return { kind: 'address', payable: true };
  if (trimmed === 'string') return { kind: 'string' };
  if (trimmed === 'bytes') return { kind: 'bytes' };
  if (trimmed === 'byte') return { kind: 'fixedBytes', size: 1 };
  const integer = /^(u?)int(\d*)$/.exec(trimmed);
  if (integer) {
    const bits = integer[2] ? Number(integer[2]) : 256;
    if (bits < 8 || bits > 256 || bits % 8 !== 0) return undefined;
    return { kind: integer[1] ? 'uint' : 'int', bits };
  }
  const fixed = /^bytes(\d+)$/.exec(trimmed);
  if (fixed) {
    const size = Number(fixed[1]);
    return size >= 1 && size <= 32 ? { kind: 'fixedBytes', size } : undefined;
  }
  return undefined;
}

/** Resolves type references by AST id across every source of one compilation. */
export class TypeRegistry {
  private readonly nodes = new Map<number, AstNode>();
  private readonly structs = new Map<number, SolType & { kind: 'struct' }>();

  /** `sources` is solc's standard-JSON `output.sources` (each with its `ast`). */
  constructor(sources: Readonly<Record<string, { readonly ast?: unknown }>>) {
    for (const source of Object.values(sources)) if (source.ast) this.index(source.ast as AstNode);
  }

  private index(root: AstNode): void {
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const node = stack.pop();
      if (Array.isArray(node)) {
        for (const child of node) stack.push(child);
        continue;
      }
      if (!node || typeof node !== 'object') continue;
      const ast = node as AstNode;
      switch (ast.nodeType) {
        case 'StructDefinition':
        case 'EnumDefinition':
        case 'UserDefinedValueTypeDefinition':
        case 'ContractDefinition':
          if (typeof ast.id === 'number') this.nodes.set(ast.id, ast);
      }
      for (const value of Object.values(ast)) if (value && typeof value === 'object') stack.push(value);
    }
  }

  /** The AST node with this id, when it is a struct, enum, contract or user-defined value type definition. */
  definition(id: number): AstNode | undefined {
    return this.nodes.get(id);
  }

  /**
   * A declared type by name: `Color`, `Store.Color` (canonical), for enums, structs, contracts and user-defined
   * value types. A bare name that several contracts declare is ambiguous and gives undefined.
   */
  byName(name: string): SolType | undefined {
    let found: number | undefined;
    for (const [id, node] of this.nodes) {
      if (node.canonicalName === name || (node.nodeType === 'ContractDefinition' && node.name === name)) return this.byId(id);
      if (node.name === name) {
        if (found !== undefined) return undefined;
        found = id;
      }
    }
    return found === undefined ? undefined : this.byId(found);
  }

  /** A declared type by AST id (struct, enum, contract, user-defined value type). */
  byId(id: number, fallbackName = `#${id}`): SolType {
    const node = this.nodes.get(id);
    if (!node) return { kind: 'unsupported', label: fallbackName };
    // Canonical names ("Store.Order") match solc's storageLayout labels and tell same-named types apart.
    const name = String(node.canonicalName ?? node.name ?? fallbackName);
    switch (node.nodeType) {
      case 'EnumDefinition':
        return {
          kind: 'enum',
          name,
          members: ((node.members as AstNode[] | undefined) ?? []).map((m) => String(m.name)),
        };
      case 'ContractDefinition':
        return { kind: 'contract', name };
      case 'UserDefinedValueTypeDefinition': {
        const underlying = node.underlyingType ? this.fromTypeName(node.underlyingType) : undefined;
        return underlying ? { kind: 'userDefined', name, underlying } : { kind: 'unsupported', label: name };
      }
      case 'StructDefinition':
        return this.struct(id, node, name);
    }
    return { kind: 'unsupported', label: name };
  }

  /** Struct types are built once per id and filled after registration, so recursive structs terminate. */
  private struct(id: number, node: AstNode, name: string): SolType {
    const cached = this.structs.get(id);
    if (cached) return cached;
    const members: StructMember[] = [];
    const type = { kind: 'struct' as const, name, members };
    this.structs.set(id, type);
    for (const member of (node.members as AstNode[] | undefined) ?? []) {
      members.push({ name: String(member.name), type: this.fromTypeName(member.typeName) });
    }
    return type;
  }

  /** The type of an AST `TypeName` node (ElementaryTypeName, ArrayTypeName, Mapping, UserDefinedTypeName, FunctionTypeName). */
  fromTypeName(typeName: unknown): SolType {
    const node = (typeName ?? {}) as AstNode;
    const descriptions = (node.typeDescriptions ?? {}) as { typeString?: string };
    const typeString = descriptions.typeString ?? '';
    switch (node.nodeType) {
      case 'ElementaryTypeName': {
        const name = String(node.name ?? '');
        const payable = node.stateMutability === 'payable' && name === 'address';
        return elementaryType(payable ? 'address payable' : name) ?? { kind: 'unsupported', label: name };
      }
      case 'ArrayTypeName': {
        const base = this.fromTypeName(node.baseType);
        return { kind: 'array', base, length: arrayLength(node, typeString) };
      }
      case 'Mapping':
        return { kind: 'mapping', key: this.fromTypeName(node.keyType), value: this.fromTypeName(node.valueType) };
      case 'UserDefinedTypeName': {
        const id = node.referencedDeclaration;
        const path = (node.pathNode as AstNode | undefined)?.name ?? node.name;
        return typeof id === 'number' ? this.byId(id, String(path ?? typeString)) : { kind: 'unsupported', label: typeString };
      }
      case 'FunctionTypeName':
        return {
          kind: 'function',
          external: node.visibility === 'external',
          label: typeString.replace(/ (storage|memory|calldata)( ref| pointer)?$/, ''),
        };
    }
    return { kind: 'unsupported', label: typeString || 'unknown type' };
  }

  /**
   * A variable declaration's type and, for reference types, where its data lives ('memory', 'calldata',
   * 'storage'; state variables: 'storage' or 'transient'; value types: undefined).
   */
  fromVariableDeclaration(declaration: unknown): { type: SolType; dataLocation?: 'memory' | 'calldata' | 'storage' | 'transient' } {
    const node = (declaration ?? {}) as AstNode;
    const type = node.typeName ? this.fromTypeName(node.typeName) : inferredType(node);
    const location = node.storageLocation;
    if (location === 'memory' || location === 'calldata' || location === 'storage' || location === 'transient') {
      return { type, dataLocation: location };
    }
    if (node.stateVariable === true) return { type, dataLocation: node.mutability === 'transient' ? 'transient' : 'storage' };
    return { type };
  }

  /** The type of an entry of solc's storageLayout `types` table (keys like `t_mapping(t_address,t_uint256)`). */
  fromStorageType(key: string, table: Readonly<Record<string, SolcStorageType>>, seen = new Map<string, SolType>()): SolType {
    const known = seen.get(key);
    if (known) return known;
    const entry = table[key];
    if (!entry) return { kind: 'unsupported', label: key };
    const idMatch = /\)(\d+)(_storage)?$/.exec(key);
    const id = idMatch ? Number(idMatch[1]) : undefined;
    switch (entry.encoding) {
      case 'bytes':
        return entry.label === 'string' ? { kind: 'string' } : { kind: 'bytes' };
      case 'mapping':
        return {
          kind: 'mapping',
          key: this.fromStorageType(entry.key ?? '', table, seen),
          value: this.fromStorageType(entry.value ?? '', table, seen),
        };
      case 'dynamic_array':
        return { kind: 'array', base: this.fromStorageType(entry.base ?? '', table, seen), length: undefined };
    }
    if (entry.base !== undefined) {
      const length = /\)(\d+)_storage$/.exec(key);
      return {
        kind: 'array',
        base: this.fromStorageType(entry.base, table, seen),
        length: length ? BigInt(length[1]!) : undefined,
      };
    }
    if (entry.members) {
      const members: StructMember[] = [];
      const name = /^struct (.*)$/.exec(entry.label)?.[1] ?? entry.label;
      const type: SolType = { kind: 'struct', name, members };
      seen.set(key, type);
      for (const member of entry.members) members.push({ name: member.label, type: this.fromStorageType(member.type, table, seen) });
      return type;
    }
    if (key.startsWith('t_enum(') || key.startsWith('t_contract(') || key.startsWith('t_userDefinedValueType(')) {
      return id !== undefined ? this.byId(id, entry.label) : { kind: 'unsupported', label: entry.label };
    }
    if (key.startsWith('t_function_')) {
      return { kind: 'function', external: key.startsWith('t_function_external'), label: entry.label };
    }
    return elementaryType(entry.label) ?? { kind: 'unsupported', label: entry.label };
  }
}

/**
 * The type of a solc 0.4 `var` declaration, which has no TypeName: only its type string. Value types are
 * named there exactly; anything else (a memory struct, a literal string) stays undecodable, with its label.
 */
function inferredType(node: AstNode): SolType {
  const typeString = String((node.typeDescriptions as { typeString?: string } | undefined)?.typeString ?? '');
  const type = /^(bool|address|u?int\d*|bytes\d+)$/.test(typeString) ? elementaryType(typeString) : undefined;
  return type ?? { kind: 'unsupported', label: typeString || 'unknown type' };
}

/** The outermost length of an ArrayTypeName: its literal, or the last `[N]` of its type string. */
function arrayLength(node: AstNode, typeString: string): bigint | undefined {
  const lengthNode = node.length as AstNode | null | undefined;
  if (!lengthNode) return undefined;
  if (lengthNode.nodeType === 'Literal' && typeof lengthNode.value === 'string' && /^\d+$/.test(lengthNode.value)) {
    return BigInt(lengthNode.value);
  }
  const match = /\[(\d+)\](?: (?:storage|memory|calldata).*)?$/.exec(typeString);
  return match ? BigInt(match[1]!) : undefined;
}
