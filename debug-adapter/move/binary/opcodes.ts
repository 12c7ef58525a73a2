// Opcode bytes and canonical opcode names per instruction and flavour. The Sui names are exactly the
// `instruction` strings of Sui execution traces (Debug of the `Opcodes` enum), which the conformance tests
// and the trace exporter compare against.
import type { Flavour, Instruction, InstructionOp } from './model.ts';

type Entry = readonly [op: InstructionOp, byte: number, name: string];

const SHARED: readonly Entry[] = [
  ['Pop', 0x01, 'POP'], ['Ret', 0x02, 'RET'], ['BrTrue', 0x03, 'BR_TRUE'], ['BrFalse', 0x04, 'BR_FALSE'],
  ['Branch', 0x05, 'BRANCH'], ['LdU64', 0x06, 'LD_U64'], ['LdConst', 0x07, 'LD_CONST'], ['LdTrue', 0x08, 'LD_TRUE'],
  ['LdFalse', 0x09, 'LD_FALSE'], ['CopyLoc', 0x0a, 'COPY_LOC'], ['MoveLoc', 0x0b, 'MOVE_LOC'], ['StLoc', 0x0c, 'ST_LOC'],
  ['MutBorrowLoc', 0x0d, 'MUT_BORROW_LOC'], ['ImmBorrowLoc', 0x0e, 'IMM_BORROW_LOC'],
  ['MutBorrowField', 0x0f, 'MUT_BORROW_FIELD'], ['ImmBorrowField', 0x10, 'IMM_BORROW_FIELD'], ['Call', 0x11, 'CALL'],
  ['Pack', 0x12, 'PACK'], ['Unpack', 0x13, 'UNPACK'], ['ReadRef', 0x14, 'READ_REF'], ['WriteRef', 0x15, 'WRITE_REF'],
  ['Add', 0x16, 'ADD'], ['Sub', 0x17, 'SUB'], ['Mul', 0x18, 'MUL'], ['Mod', 0x19, 'MOD'], ['Div', 0x1a, 'DIV'],
  ['BitOr', 0x1b, 'BIT_OR'], ['BitAnd', 0x1c, 'BIT_AND'], ['Xor', 0x1d, 'XOR'], ['Or', 0x1e, 'OR'], ['And', 0x1f, 'AND'],
  ['Not', 0x20, 'NOT'], ['Eq', 0x21, 'EQ'], ['Neq', 0x22, 'NEQ'], ['Lt', 0x23, 'LT'], ['Gt', 0x24, 'GT'], ['Le', 0x25, 'LE'],
  ['Ge', 0x26, 'GE'], ['Abort', 0x27, 'ABORT'], ['Nop', 0x28, 'NOP'], ['FreezeRef', 0x2e, 'FREEZE_REF'],
  ['Shl', 0x2f, 'SHL'], ['Shr', 0x30, 'SHR'], ['LdU8', 0x31, 'LD_U8'], ['LdU128', 0x32, 'LD_U128'],
  ['CastU8', 0x33, 'CAST_U8'], ['CastU64', 0x34, 'CAST_U64'], ['CastU128', 0x35, 'CAST_U128'],
  ['MutBorrowFieldGeneric', 0x36, 'MUT_BORROW_FIELD_GENERIC'], ['ImmBorrowFieldGeneric', 0x37, 'IMM_BORROW_FIELD_GENERIC'],
  ['CallGeneric', 0x38, 'CALL_GENERIC'], ['PackGeneric', 0x39, 'PACK_GENERIC'], ['UnpackGeneric', 0x3a, 'UNPACK_GENERIC'],
  ['VecPack', 0x40, 'VEC_PACK'], ['VecLen', 0x41, 'VEC_LEN'], ['VecImmBorrow', 0x42, 'VEC_IMM_BORROW'],
  ['VecMutBorrow', 0x43, 'VEC_MUT_BORROW'], ['VecPushBack', 0x44, 'VEC_PUSH_BACK'], ['VecPopBack', 0x45, 'VEC_POP_BACK'],
  ['VecUnpack', 0x46, 'VEC_UNPACK'], ['VecSwap', 0x47, 'VEC_SWAP'], ['LdU16', 0x48, 'LD_U16'], ['LdU32', 0x49, 'LD_U32'],
  ['LdU256', 0x4a, 'LD_U256'], ['CastU16', 0x4b, 'CAST_U16'], ['CastU32', 0x4c, 'CAST_U32'], ['CastU256', 0x4d, 'CAST_U256'],
];

// Global storage: live in Aptos, "deprecated" (never emitted, still decodable) in Sui.
const GLOBAL: readonly (readonly [InstructionOp, number, string])[] = [
  ['Exists', 0x29, 'EXISTS'], ['MutBorrowGlobal', 0x2a, 'MUT_BORROW_GLOBAL'], ['ImmBorrowGlobal', 0x2b, 'IMM_BORROW_GLOBAL'],
  ['MoveFrom', 0x2c, 'MOVE_FROM'], ['MoveTo', 0x2d, 'MOVE_TO'], ['ExistsGeneric', 0x3b, 'EXISTS_GENERIC'],
  ['MutBorrowGlobalGeneric', 0x3c, 'MUT_BORROW_GLOBAL_GENERIC'], ['ImmBorrowGlobalGeneric', 0x3d, 'IMM_BORROW_GLOBAL_GENERIC'],
  ['MoveFromGeneric', 0x3e, 'MOVE_FROM_GENERIC'], ['MoveToGeneric', 0x3f, 'MOVE_TO_GENERIC'],
];

const SUI_ONLY: readonly Entry[] = [
  ['PackVariant', 0x4e, 'PACK_VARIANT'], ['PackVariantGeneric', 0x4f, 'PACK_VARIANT_GENERIC'],
  ['UnpackVariant', 0x50, 'UNPACK_VARIANT'], ['UnpackVariantImmRef', 0x51, 'UNPACK_VARIANT_IMM_REF'],
  ['UnpackVariantMutRef', 0x52, 'UNPACK_VARIANT_MUT_REF'], ['UnpackVariantGeneric', 0x53, 'UNPACK_VARIANT_GENERIC'],
  ['UnpackVariantGenericImmRef', 0x54, 'UNPACK_VARIANT_GENERIC_IMM_REF'],
  ['UnpackVariantGenericMutRef', 0x55, 'UNPACK_VARIANT_GENERIC_MUT_REF'], ['VariantSwitch', 0x56, 'VARIANT_SWITCH'],
];

const APTOS_ONLY: readonly Entry[] = [
  ['ImmBorrowVariantField', 0x4e, 'IMM_BORROW_VARIANT_FIELD'], ['MutBorrowVariantField', 0x4f, 'MUT_BORROW_VARIANT_FIELD'],
  ['ImmBorrowVariantFieldGeneric', 0x50, 'IMM_BORROW_VARIANT_FIELD_GENERIC'],
  ['MutBorrowVariantFieldGeneric', 0x51, 'MUT_BORROW_VARIANT_FIELD_GENERIC'], ['PackStructVariant', 0x52, 'PACK_VARIANT'],
  ['PackStructVariantGeneric', 0x53, 'PACK_VARIANT_GENERIC'], ['UnpackStructVariant', 0x54, 'UNPACK_VARIANT'],
  ['UnpackStructVariantGeneric', 0x55, 'UNPACK_VARIANT_GENERIC'], ['TestStructVariant', 0x56, 'TEST_VARIANT'],
  ['TestStructVariantGeneric', 0x57, 'TEST_VARIANT_GENERIC'], ['PackClosure', 0x58, 'PACK_CLOSURE'],
  ['PackClosureGeneric', 0x59, 'PACK_CLOSURE_GENERIC'], ['CallClosure', 0x5a, 'CALL_CLOSURE'], ['LdI8', 0x5b, 'LD_I8'],
  ['LdI16', 0x5c, 'LD_I16'], ['LdI32', 0x5d, 'LD_I32'], ['LdI64', 0x5e, 'LD_I64'], ['LdI128', 0x5f, 'LD_I128'],
  ['LdI256', 0x60, 'LD_I256'], ['CastI8', 0x61, 'CAST_I8'], ['CastI16', 0x62, 'CAST_I16'], ['CastI32', 0x63, 'CAST_I32'],
  ['CastI64', 0x64, 'CAST_I64'], ['CastI128', 0x65, 'CAST_I128'], ['CastI256', 0x66, 'CAST_I256'],
  ['Negate', 0x67, 'NEGATE'], ['AbortMsg', 0x68, 'ABORT_MSG'],
];

interface OpInfo {
  readonly byte: number;
  readonly name: string;
}

function table(flavour: Flavour): Map<InstructionOp, OpInfo> {
  const map = new Map<InstructionOp, OpInfo>();
  for (const [op, byte, name] of SHARED) map.set(op, { byte, name });
  for (const [op, byte, name] of GLOBAL) map.set(op, { byte, name: flavour === 'sui' ? `${name}_DEPRECATED` : name });
  for (const [op, byte, name] of flavour === 'sui' ? SUI_ONLY : APTOS_ONLY) map.set(op, { byte, name });
  return map;
}

const TABLES: Record<Flavour, Map<InstructionOp, OpInfo>> = { sui: table('sui'), aptos: table('aptos') };

/** The opcode name, e.g. "MOVE_LOC"; for Sui exactly the trace's `instruction` string. */
export function opcodeName(instruction: Instruction | InstructionOp, flavour: Flavour): string {
  const op = typeof instruction === 'string' ? instruction : instruction.op;
  return TABLES[flavour].get(op)?.name ?? op;
}

/** The opcode byte of an instruction in the given flavour, or undefined if that flavour lacks it. */
export function opcodeByte(instruction: Instruction | InstructionOp, flavour: Flavour): number | undefined {
  const op = typeof instruction === 'string' ? instruction : instruction.op;
  return TABLES[flavour].get(op)?.byte;
}
