// Numeric opcodes for the interpreter's dispatch (a switch on small integers is what keeps the loop
// fast; written out as literals so the engine folds them). The numbers are the Sui encoding for the shared
// instruction set, the bytes of the one opcode table (binary/opcodes.ts, checked equal by a test);
// Aptos-only instructions get numbers from 0x80 up (the binary reader has already told the two meanings
// of 0x4E.. apart). Names come from that table too.
import type { InstructionOp } from '../binary/model.ts';
import { opcodeByte, opcodeName } from '../binary/opcodes.ts';

export const Op = {
  Pop: 0x01, Ret: 0x02, BrTrue: 0x03, BrFalse: 0x04, Branch: 0x05, LdU64: 0x06, LdConst: 0x07, LdTrue: 0x08,
  LdFalse: 0x09, CopyLoc: 0x0a, MoveLoc: 0x0b, StLoc: 0x0c, MutBorrowLoc: 0x0d, ImmBorrowLoc: 0x0e,
  MutBorrowField: 0x0f, ImmBorrowField: 0x10, Call: 0x11, Pack: 0x12, Unpack: 0x13, ReadRef: 0x14, WriteRef: 0x15,
  Add: 0x16, Sub: 0x17, Mul: 0x18, Mod: 0x19, Div: 0x1a, BitOr: 0x1b, BitAnd: 0x1c, Xor: 0x1d, Or: 0x1e, And: 0x1f,
  Not: 0x20, Eq: 0x21, Neq: 0x22, Lt: 0x23, Gt: 0x24, Le: 0x25, Ge: 0x26, Abort: 0x27, Nop: 0x28,
  Exists: 0x29, MutBorrowGlobal: 0x2a, ImmBorrowGlobal: 0x2b, MoveFrom: 0x2c, MoveTo: 0x2d, FreezeRef: 0x2e,
  Shl: 0x2f, Shr: 0x30, LdU8: 0x31, LdU128: 0x32, CastU8: 0x33, CastU64: 0x34, CastU128: 0x35,
  MutBorrowFieldGeneric: 0x36, ImmBorrowFieldGeneric: 0x37, CallGeneric: 0x38, PackGeneric: 0x39, UnpackGeneric: 0x3a,
  ExistsGeneric: 0x3b, MutBorrowGlobalGeneric: 0x3c, ImmBorrowGlobalGeneric: 0x3d, MoveFromGeneric: 0x3e,
  MoveToGeneric: 0x3f, VecPack: 0x40, VecLen: 0x41, VecImmBorrow: 0x42, VecMutBorrow: 0x43, VecPushBack: 0x44,
  VecPopBack: 0x45, VecUnpack: 0x46, VecSwap: 0x47, LdU16: 0x48, LdU32: 0x49, LdU256: 0x4a, CastU16: 0x4b,
  CastU32: 0x4c, CastU256: 0x4d, PackVariant: 0x4e, PackVariantGeneric: 0x4f, UnpackVariant: 0x50,
  UnpackVariantImmRef: 0x51, UnpackVariantMutRef: 0x52, UnpackVariantGeneric: 0x53, UnpackVariantGenericImmRef: 0x54,
  UnpackVariantGenericMutRef: 0x55, VariantSwitch: 0x56,
  // Aptos only.
  ImmBorrowVariantField: 0x80, MutBorrowVariantField: 0x81, ImmBorrowVariantFieldGeneric: 0x82,
  MutBorrowVariantFieldGeneric: 0x83, PackStructVariant: 0x84, PackStructVariantGeneric: 0x85,
  UnpackStructVariant: 0x86, UnpackStructVariantGeneric: 0x87, TestStructVariant: 0x88, TestStructVariantGeneric: 0x89,
  PackClosure: 0x8a, PackClosureGeneric: 0x8b, CallClosure: 0x8c, LdI8: 0x8d, LdI16: 0x8e, LdI32: 0x8f, LdI64: 0x90,
  LdI128: 0x91, LdI256: 0x92, CastI8: 0x93, CastI16: 0x94, CastI32: 0x95, CastI64: 0x96, CastI128: 0x97,
  CastI256: 0x98, Negate: 0x99, AbortMsg: 0x9a,
} as const satisfies Record<InstructionOp, number>;

/** Opcode → op name of the binary model. */
export const OP_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, code] of Object.entries(Op)) names[code] = name;
  return names;
})();

/**
 * Trace spelling of each dispatch number: the opcode names of the one opcode table (binary/opcodes.ts),
 * Sui's where Sui has the instruction (exactly the `instruction` strings of Sui traces), Aptos's otherwise.
 */
export const TRACE_NAMES: readonly string[] = (() => {
  const out: string[] = [];
  for (const [op, code] of Object.entries(Op) as [InstructionOp, number][]) {
    out[code] = opcodeByte(op, 'sui') !== undefined ? opcodeName(op, 'sui') : opcodeName(op, 'aptos');
  }
  return out;
})();
