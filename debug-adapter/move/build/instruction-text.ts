// Instructions as text that does not depend on a module's table order: calls name their function and
// type arguments, packs their struct, field borrows their struct and field, constants their value. Two
// compilers' code for the same function compares equal exactly when it does the same thing the same way.
import { addressToHex, type CompiledModule, type Instruction, type SignatureToken } from '../binary/model.ts';

/** A signature token as text: `0x2::coin::Coin<T0>`, `&mut vector<u8>`. */
export function tokenText(m: CompiledModule, t: SignatureToken): string {
  switch (t.kind) {
    case 'vector':
      return `vector<${tokenText(m, t.element)}>`;
    case 'reference':
      return `&${tokenText(m, t.to)}`;
    case 'mutableReference':
      return `&mut ${tokenText(m, t.to)}`;
    case 'typeParameter':
      return `T${t.index}`;
    case 'datatype':
    case 'datatypeInstantiation': {
      const h = m.datatypeHandles[t.handle];
      const mh = m.moduleHandles[h.module];
      const base = `0x${BigInt(addressToHex(m.addressIdentifiers[mh.address])).toString(16)}::${m.identifiers[mh.name]}::${m.identifiers[h.name]}`;
      return t.kind === 'datatype' ? base : `${base}<${t.typeArguments.map((a) => tokenText(m, a)).join(', ')}>`;
    }
    default:
      return t.kind;
  }
}

function sig(m: CompiledModule, index: number): string {
  return m.signatures[index].map((t) => tokenText(m, t)).join(',');
}

function fn(m: CompiledModule, handle: number): string {
  const h = m.functionHandles[handle];
  const mh = m.moduleHandles[h.module];
  return `${m.identifiers[mh.name]}::${m.identifiers[h.name]}`;
}

function struct(m: CompiledModule, def: number): string {
  return m.identifiers[m.datatypeHandles[m.structDefs[def].handle].name];
}

export function instructionText(m: CompiledModule, i: Instruction): string {
  const o = i as Record<string, unknown> & { op: string };
  switch (i.op) {
    case 'Call':
      return `Call ${fn(m, i.handle)}`;
    case 'CallGeneric': {
      const inst = m.functionInstantiations[i.instantiation];
      return `Call ${fn(m, inst.handle)}<${sig(m, inst.typeArguments)}>`;
    }
    case 'Pack':
    case 'Unpack':
      return `${i.op} ${struct(m, i.def)}`;
    case 'PackGeneric':
    case 'UnpackGeneric': {
      const inst = m.structDefInstantiations[i.instantiation];
      return `${i.op} ${struct(m, inst.def)}<${sig(m, inst.typeArguments)}>`;
    }
    // Aptos global storage: by struct, as packs are.
    case 'Exists':
    case 'MoveTo':
    case 'MoveFrom':
    case 'ImmBorrowGlobal':
    case 'MutBorrowGlobal':
      return `${i.op} ${struct(m, i.def)}`;
    case 'ExistsGeneric':
    case 'MoveToGeneric':
    case 'MoveFromGeneric':
    case 'ImmBorrowGlobalGeneric':
    case 'MutBorrowGlobalGeneric': {
      const inst = m.structDefInstantiations[i.instantiation];
      return `${i.op} ${struct(m, inst.def)}<${sig(m, inst.typeArguments)}>`;
    }
    case 'ImmBorrowField':
    case 'MutBorrowField': {
      const h = m.fieldHandles[i.handle];
      return `${i.op} ${struct(m, h.owner)}.${h.field}`;
    }
    case 'ImmBorrowFieldGeneric':
    case 'MutBorrowFieldGeneric': {
      const inst = m.fieldInstantiations[i.instantiation];
      const h = m.fieldHandles[inst.handle];
      return `${i.op} ${struct(m, h.owner)}.${h.field}<${sig(m, inst.typeArguments)}>`;
    }
    case 'LdConst': {
      const c = m.constants[i.index];
      return `LdConst ${tokenText(m, c.type)} ${Buffer.from(c.data).toString('hex')}`;
    }
    case 'VecPack':
    case 'VecUnpack':
      return `${i.op} ${sig(m, i.signature)} ${i.count}`;
    case 'VecLen':
    case 'VecImmBorrow':
    case 'VecMutBorrow':
    case 'VecPushBack':
    case 'VecPopBack':
    case 'VecSwap':
      return `${i.op} ${sig(m, i.signature)}`;
    default: {
      const rest = Object.entries(o).filter(([k]) => k !== 'op').map(([, v]) => String(v));
      return [i.op, ...rest].join(' ');
    }
  }
}

/** Each function definition's instructions as text, by function name (natives and failed functions: undefined). */
export function functionsText(m: CompiledModule): Map<string, string[] | undefined> {
  const out = new Map<string, string[] | undefined>();
  for (const f of m.functionDefs) out.set(m.identifiers[m.functionHandles[f.function].name], f.code?.code.map((i) => instructionText(m, i)));
  return out;
}
