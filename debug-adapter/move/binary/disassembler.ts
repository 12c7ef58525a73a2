// Readable text for compiled Move code: a whole module, a function (header, locals, numbered
// instructions), or a single instruction (what the disassembly view shows per line). Operands are resolved
// to names: locals by their source names when known, fields as `Struct.field: type`, calls as
// `module::function<type args>(params): returns`, constants by value.
import type { CompiledModule, FunctionDefinition, Instruction, SignatureToken } from './model.ts';
import { addressToHex } from './model.ts';
import {
  abilitiesText,
  datatypeName,
  functionHandleName,
  identifier,
  selfModuleId,
  shortAddress,
  substitute,
  typeParameterName,
  typeText,
} from './names.ts';

/** Source-level names for one function, when a source map is available. */
export interface FunctionNames {
  /** Display names by local index (parameters first, then locals). */
  readonly locals?: readonly (string | undefined)[];
  /** Display names of the function's type parameters. */
  readonly typeParameters?: readonly string[];
}

export interface DisassembleOptions {
  /** Names for the function at a definition index. */
  readonly names?: (functionDefinitionIndex: number) => FunctionNames | undefined;
}

/** The whole module: header, types, then every function. */
export function disassembleModule(module: CompiledModule, options: DisassembleOptions = {}): string {
  const id = selfModuleId(module);
  const lines: string[] = [];
  lines.push(`// Move bytecode v${module.version} (${module.flavour}${module.testMode ? ', test mode' : ''})`);
  if (module.kind === 'script') {
    lines.push('script {');
  } else {
    lines.push(`module ${shortAddress(id.address)}::${id.name} {`);
    for (const friend of module.friendDecls) {
      lines.push(`    friend ${shortAddress(addressToHex(module.addressIdentifiers[friend.address]!))}::${identifier(module, friend.name)};`);
    }
    module.structDefs.forEach((_, i) => lines.push(...indent(structText(module, i)), ''));
    module.enumDefs.forEach((_, i) => lines.push(...indent(enumText(module, i)), ''));
  }
  module.functionDefs.forEach((_, i) => lines.push(...indent(disassembleFunction(module, i, options.names?.(i)).split('\n')), ''));
  if (module.script) lines.push(...indent(scriptText(module, options.names?.(0)).split('\n')));
  lines.push('}');
  return lines.join('\n');
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => (line ? `    ${line}` : line));
}

function structText(module: CompiledModule, index: number): string[] {
  const def = module.structDefs[index]!;
  const handle = module.datatypeHandles[def.handle]!;
  const typeParameters = handle.typeParameters.map((p, i) => `${p.isPhantom ? 'phantom ' : ''}T${i}${abilitiesText(p.constraints, ': ')}`);
  const header = `struct ${identifier(module, handle.name)}${typeParameters.length ? `<${typeParameters.join(', ')}>` : ''}${abilitiesText(handle.abilities, ' has ')}`;
  const info = def.fieldInformation;
  if (info.kind === 'native') return [`native ${header};`];
  if (info.kind === 'declared') {
    return [`${header} {`, ...info.fields.map((f) => `    ${identifier(module, f.name)}: ${typeText(module, f.type)},`), '}'];
  }
  return [
    `enum ${header.slice('struct '.length)} {`,
    ...info.variants.map((v) => `    ${identifier(module, v.name)} { ${v.fields.map((f) => `${identifier(module, f.name)}: ${typeText(module, f.type)}`).join(', ')} },`),
    '}',
  ];
}

function enumText(module: CompiledModule, index: number): string[] {
  const def = module.enumDefs[index]!;
  const handle = module.datatypeHandles[def.handle]!;
  const typeParameters = handle.typeParameters.map((p, i) => `${p.isPhantom ? 'phantom ' : ''}T${i}${abilitiesText(p.constraints, ': ')}`);
  return [
    `enum ${identifier(module, handle.name)}${typeParameters.length ? `<${typeParameters.join(', ')}>` : ''}${abilitiesText(handle.abilities, ' has ')} {`,
    ...def.variants.map((v) => `    ${identifier(module, v.name)} { ${v.fields.map((f) => `${identifier(module, f.name)}: ${typeText(module, f.type)}`).join(', ')} },`),
    '}',
  ];
}

/** Everything needed to print one function's code. */
interface FunctionView {
  readonly module: CompiledModule;
  readonly def?: FunctionDefinition;
  readonly name: string;
  readonly parameterTypes: readonly SignatureToken[];
  readonly localTypes: readonly SignatureToken[]; // parameters ++ locals
  readonly typeParameterCount: number;
  readonly names?: FunctionNames;
  readonly code: readonly Instruction[];
}

function functionView(module: CompiledModule, definitionIndex: number, names?: FunctionNames): FunctionView {
  if (module.kind === 'script') {
    const body = module.script!;
    const parameterTypes = module.signatures[body.parameters]!;
    return {
      module,
      name: 'main',
      parameterTypes,
      localTypes: [...parameterTypes, ...module.signatures[body.code.locals]!],
      typeParameterCount: body.typeParameters.length,
      ...(names ? { names } : {}),
      code: body.code.code,
    };
  }
  const def = module.functionDefs[definitionIndex];
  if (!def) throw new RangeError(`function definition ${definitionIndex} does not exist (${module.functionDefs.length} definitions)`);
  const handle = module.functionHandles[def.function]!;
  const parameterTypes = module.signatures[handle.parameters]!;
  const locals = def.code ? module.signatures[def.code.locals]! : [];
  return {
    module,
    def,
    name: `${identifier(module, module.moduleHandles[handle.module]!.name)}::${identifier(module, handle.name)}`,
    parameterTypes,
    localTypes: [...parameterTypes, ...locals],
    typeParameterCount: handle.typeParameters.length,
    ...(names ? { names } : {}),
    code: def.code?.code ?? [],
  };
}

function localName(view: FunctionView, index: number): string {
  const known = view.names?.locals?.[index];
  if (known) return known;
  return index < view.parameterTypes.length ? `arg${index}` : `loc${index - view.parameterTypes.length}`;
}

function typeParameterNames(view: FunctionView): string[] {
  return Array.from({ length: view.typeParameterCount }, (_, i) => typeParameterName(i, view.names?.typeParameters));
}

/** `public entry fun coin::split<T: store>(self: &mut Coin<T>, amount: u64): Coin<T>` */
export function functionHeader(module: CompiledModule, definitionIndex: number, names?: FunctionNames): string {
  const view = functionView(module, definitionIndex, names);
  const tpNames = typeParameterNames(view);
  const params = view.parameterTypes.map((t, i) => `${localName(view, i)}: ${typeText(module, t, tpNames)}`).join(', ');
  if (module.kind === 'script') {
    return `fun main${tpNames.length ? `<${tpNames.join(', ')}>` : ''}(${params})`;
  }
  const def = view.def!;
  const handle = module.functionHandles[def.function]!;
  const returns = module.signatures[handle.returns]!.map((t) => typeText(module, t, tpNames));
  const typeParameters = handle.typeParameters.map((abilities, i) => `${tpNames[i]}${abilitiesText(abilities, ': ')}`);
  const modifiers = [
    def.code ? '' : 'native ',
    def.visibility === 'public' ? 'public ' : def.visibility === 'friend' ? 'public(friend) ' : '',
    def.isEntry ? 'entry ' : '',
  ].join('');
  const returnText = returns.length === 0 ? '' : returns.length === 1 ? `: ${returns[0]}` : `: (${returns.join(', ')})`;
  const acquires = def.acquires.length
    ? ` acquires ${def.acquires.map((s) => datatypeName(module, module.structDefs[s]!.handle)).join(', ')}`
    : '';
  return `${modifiers}fun ${view.name}${typeParameters.length ? `<${typeParameters.join(', ')}>` : ''}(${params})${returnText}${acquires}`;
}

/** One function: header, its non-parameter locals, and numbered instructions. */
export function disassembleFunction(module: CompiledModule, definitionIndex: number, names?: FunctionNames): string {
  const header = functionHeader(module, definitionIndex, names);
  const view = functionView(module, definitionIndex, names);
  if (view.def && !view.def.code) return `${header};`;
  return [header + ' {', ...bodyLines(view), '}'].join('\n');
}

function scriptText(module: CompiledModule, names?: FunctionNames): string {
  const view = functionView(module, 0, names);
  return [functionHeader(module, 0, names) + ' {', ...bodyLines(view), '}'].join('\n');
}

function bodyLines(view: FunctionView): string[] {
  const tpNames = typeParameterNames(view);
  const lines: string[] = [];
  for (let i = view.parameterTypes.length; i < view.localTypes.length; i++) {
    lines.push(`    L${i}: ${localName(view, i)}: ${typeText(view.module, view.localTypes[i]!, tpNames)}`);
  }
  view.code.forEach((_, pc) => lines.push(`    ${pc}: ${instructionTextIn(view, pc)}`));
  return lines;
}

/**
 * The text of the instruction at `pc` of a function definition (for scripts: of the script body),
 * e.g. `MoveLoc[0](c: &mut Coin<T>)` or `Call coin::value<T>(&Coin<T>): u64`.
 */
export function instructionText(module: CompiledModule, definitionIndex: number, pc: number, names?: FunctionNames): string {
  const view = functionView(module, definitionIndex, names);
  if (pc < 0 || pc >= view.code.length) throw new RangeError(`no instruction ${pc} in ${view.name} (${view.code.length} instructions)`);
  return instructionTextIn(view, pc);
}

function instructionTextIn(view: FunctionView, pc: number): string {
  const m = view.module;
  const tpNames = typeParameterNames(view);
  const type = (t: SignatureToken): string => typeText(m, t, tpNames);
  const sig = (index: number): readonly SignatureToken[] => m.signatures[index]!;
  const typeArgs = (index: number): string => {
    const args = sig(index);
    return args.length ? `<${args.map(type).join(', ')}>` : '';
  };
  const ins = view.code[pc]!;
  switch (ins.op) {
    case 'BrTrue':
    case 'BrFalse':
    case 'Branch':
      return `${ins.op}(${ins.offset})`;
    case 'LdU8':
    case 'LdU16':
    case 'LdU32':
    case 'LdU64':
    case 'LdU128':
    case 'LdU256':
    case 'LdI8':
    case 'LdI16':
    case 'LdI32':
    case 'LdI64':
    case 'LdI128':
    case 'LdI256':
      return `${ins.op}(${ins.value})`;
    case 'LdConst': {
      const constant = m.constants[ins.index]!;
      return `LdConst[${ins.index}](${type(constant.type)}: ${constantText(m, ins.index)})`;
    }
    case 'CopyLoc':
    case 'MoveLoc':
    case 'StLoc':
    case 'MutBorrowLoc':
    case 'ImmBorrowLoc':
      return `${ins.op}[${ins.local}](${localName(view, ins.local)}: ${type(view.localTypes[ins.local]!)})`;
    case 'MutBorrowField':
    case 'ImmBorrowField': {
      const fh = m.fieldHandles[ins.handle]!;
      return `${ins.op}[${ins.handle}](${fieldText(m, fh.owner, fh.field, [], type)})`;
    }
    case 'MutBorrowFieldGeneric':
    case 'ImmBorrowFieldGeneric': {
      const fi = m.fieldInstantiations[ins.instantiation]!;
      const fh = m.fieldHandles[fi.handle]!;
      return `${ins.op}[${ins.instantiation}](${fieldText(m, fh.owner, fh.field, sig(fi.typeArguments), type)})`;
    }
    case 'Call':
      return `Call ${callText(m, ins.handle, [], type)}`;
    case 'CallGeneric': {
      const fi = m.functionInstantiations[ins.instantiation]!;
      return `Call ${callText(m, fi.handle, sig(fi.typeArguments), type)}`;
    }
    case 'Pack':
    case 'Unpack':
    case 'Exists':
    case 'MutBorrowGlobal':
    case 'ImmBorrowGlobal':
    case 'MoveFrom':
    case 'MoveTo':
      return `${ins.op}[${ins.def}](${datatypeName(m, m.structDefs[ins.def]!.handle)})`;
    case 'PackGeneric':
    case 'UnpackGeneric':
    case 'ExistsGeneric':
    case 'MutBorrowGlobalGeneric':
    case 'ImmBorrowGlobalGeneric':
    case 'MoveFromGeneric':
    case 'MoveToGeneric': {
      const si = m.structDefInstantiations[ins.instantiation]!;
      return `${ins.op}[${ins.instantiation}](${datatypeName(m, m.structDefs[si.def]!.handle)}${typeArgs(si.typeArguments)})`;
    }
    case 'VecPack':
    case 'VecUnpack':
      return `${ins.op}(${type(sig(ins.signature)[0]!)}, ${ins.count})`;
    case 'VecLen':
    case 'VecImmBorrow':
    case 'VecMutBorrow':
    case 'VecPushBack':
    case 'VecPopBack':
    case 'VecSwap':
      return `${ins.op}(${type(sig(ins.signature)[0]!)})`;
    case 'PackVariant':
    case 'UnpackVariant':
    case 'UnpackVariantImmRef':
    case 'UnpackVariantMutRef': {
      const vh = m.variantHandles[ins.handle]!;
      const def = m.enumDefs[vh.enumDef]!;
      return `${ins.op}(${datatypeName(m, def.handle)}::${identifier(m, def.variants[vh.variant]!.name)})`;
    }
    case 'PackVariantGeneric':
    case 'UnpackVariantGeneric':
    case 'UnpackVariantGenericImmRef':
    case 'UnpackVariantGenericMutRef': {
      const vi = m.variantInstantiationHandles[ins.instantiation]!;
      const inst = m.enumDefInstantiations[vi.enumInstantiation]!;
      const def = m.enumDefs[inst.def]!;
      return `${ins.op}(${datatypeName(m, def.handle)}${typeArgs(inst.typeArguments)}::${identifier(m, def.variants[vi.variant]!.name)})`;
    }
    case 'VariantSwitch': {
      const table = view.def?.code?.jumpTables[ins.jumpTable];
      if (!table) return `VariantSwitch[${ins.jumpTable}]`;
      const def = m.enumDefs[table.headEnum]!;
      const arms = table.offsets.map((target, tag) => `${identifier(m, def.variants[tag]!.name)} => ${target}`);
      return `VariantSwitch[${ins.jumpTable}](${datatypeName(m, def.handle)}: ${arms.join(', ')})`;
    }
    case 'ImmBorrowVariantField':
    case 'MutBorrowVariantField': {
      const vf = m.variantFieldHandles[ins.handle]!;
      return `${ins.op}[${ins.handle}](${variantFieldText(m, vf.struct, vf.variants, vf.field, [], type)})`;
    }
    case 'ImmBorrowVariantFieldGeneric':
    case 'MutBorrowVariantFieldGeneric': {
      const inst = m.variantFieldInstantiations[ins.instantiation]!;
      const vf = m.variantFieldHandles[inst.handle]!;
      return `${ins.op}[${ins.instantiation}](${variantFieldText(m, vf.struct, vf.variants, vf.field, sig(inst.typeArguments), type)})`;
    }
    case 'PackStructVariant':
    case 'UnpackStructVariant':
    case 'TestStructVariant': {
      const sv = m.structVariantHandles[ins.handle]!;
      return `${ins.op}(${structVariantText(m, sv.struct, sv.variant, '')})`;
    }
    case 'PackStructVariantGeneric':
    case 'UnpackStructVariantGeneric':
    case 'TestStructVariantGeneric': {
      const inst = m.structVariantInstantiations[ins.instantiation]!;
      const sv = m.structVariantHandles[inst.handle]!;
      return `${ins.op}(${structVariantText(m, sv.struct, sv.variant, typeArgs(inst.typeArguments))})`;
    }
    case 'PackClosure':
      return `PackClosure(${functionHandleName(m, ins.handle)}, mask 0b${ins.mask.toString(2)})`;
    case 'PackClosureGeneric': {
      const fi = m.functionInstantiations[ins.instantiation]!;
      return `PackClosureGeneric(${functionHandleName(m, fi.handle)}${typeArgs(fi.typeArguments)}, mask 0b${ins.mask.toString(2)})`;
    }
    case 'CallClosure':
      return `CallClosure(${sig(ins.signature).map(type).join(', ')})`;
    default:
      return ins.op;
  }
}

function fieldText(
  m: CompiledModule,
  structDef: number,
  field: number,
  typeArguments: readonly SignatureToken[],
  type: (t: SignatureToken) => string,
): string {
  const def = m.structDefs[structDef]!;
  const info = def.fieldInformation;
  const structName = datatypeName(m, def.handle);
  if (info.kind !== 'declared') return `${structName}.${field}`;
  const f = info.fields[field]!;
  return `${structName}.${identifier(m, f.name)}: ${type(substitute(f.type, typeArguments))}`;
}

function variantFieldText(
  m: CompiledModule,
  structDef: number,
  variants: readonly number[],
  field: number,
  typeArguments: readonly SignatureToken[],
  type: (t: SignatureToken) => string,
): string {
  const def = m.structDefs[structDef]!;
  const info = def.fieldInformation;
  const structName = datatypeName(m, def.handle);
  if (info.kind !== 'declaredVariants' || variants.length === 0) return `${structName}.${field}`;
  const first = info.variants[variants[0]!]!.fields[field]!;
  const variantNames = variants.map((v) => identifier(m, info.variants[v]!.name)).join('|');
  return `${structName}::${variantNames}.${identifier(m, first.name)}: ${type(substitute(first.type, typeArguments))}`;
}

function structVariantText(m: CompiledModule, structDef: number, variant: number, typeArgs: string): string {
  const def = m.structDefs[structDef]!;
  const info = def.fieldInformation;
  const name = info.kind === 'declaredVariants' ? identifier(m, info.variants[variant]!.name) : String(variant);
  return `${datatypeName(m, def.handle)}${typeArgs}::${name}`;
}

function callText(m: CompiledModule, handleIndex: number, typeArguments: readonly SignatureToken[], type: (t: SignatureToken) => string): string {
  const handle = m.functionHandles[handleIndex]!;
  const params = m.signatures[handle.parameters]!.map((t) => type(substitute(t, typeArguments)));
  const returns = m.signatures[handle.returns]!.map((t) => type(substitute(t, typeArguments)));
  const typeArgs = typeArguments.length ? `<${typeArguments.map(type).join(', ')}>` : '';
  const returnText = returns.length === 0 ? '' : returns.length === 1 ? `: ${returns[0]}` : `: (${returns.join(', ')})`;
  return `${functionHandleName(m, handleIndex)}${typeArgs}(${params.join(', ')})${returnText}`;
}

/** A constant's value for display: numbers, booleans, addresses, byte strings, vectors of those. */
export function constantText(module: CompiledModule, index: number): string {
  const constant = module.constants[index]!;
  const cursor = { data: constant.data, pos: 0 };
  try {
    const text = bcsValueText(module, constant.type, cursor, 0);
    if (cursor.pos === constant.data.length) return text;
  } catch {
    // Not a shape we render: show the bytes.
  }
  return `0x${hex(constant.data)}`;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

interface BcsCursor {
  readonly data: Uint8Array;
  pos: number;
}

function take(c: BcsCursor, n: number): Uint8Array {
  if (c.pos + n > c.data.length) throw new RangeError('constant ends early');
  const out = c.data.subarray(c.pos, c.pos + n);
  c.pos += n;
  return out;
}

function uleb(c: BcsCursor): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    const byte = take(c, 1)[0]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 128;
  }
  throw new RangeError('length too long');
}

function uintLE(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

const INT_SIZES: Partial<Record<SignatureToken['kind'], number>> = { u8: 1, u16: 2, u32: 4, u64: 8, u128: 16, u256: 32 };

function bcsValueText(m: CompiledModule, type: SignatureToken, c: BcsCursor, depth: number): string {
  if (depth > 8) throw new RangeError('too deep');
  const size = INT_SIZES[type.kind];
  if (size !== undefined) return uintLE(take(c, size)).toString();
  switch (type.kind) {
    case 'bool': {
      const b = take(c, 1)[0]!;
      if (b > 1) throw new RangeError('bad bool');
      return b === 1 ? 'true' : 'false';
    }
    case 'address':
    case 'signer':
      return shortAddress(take(c, 32));
    case 'vector': {
      const length = uleb(c);
      if (type.element.kind === 'u8') {
        const bytes = take(c, length);
        const text = printable(bytes);
        return text !== undefined ? JSON.stringify(text) : `0x${hex(bytes)}`;
      }
      if (length > c.data.length - c.pos) throw new RangeError('vector too long');
      const items: string[] = [];
      for (let i = 0; i < length; i++) items.push(bcsValueText(m, type.element, c, depth + 1));
      return `[${items.join(', ')}]`;
    }
    default:
      throw new RangeError(`no rendering for ${type.kind}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function printable(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  try {
    const text = utf8.decode(bytes);
    return /^[\x20-\x7e\u00a0-\uffff\n\t]*$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
