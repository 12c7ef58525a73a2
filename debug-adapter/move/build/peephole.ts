// The Move compiler's clean-ups of the finished code, done the same way so our instructions and locals are
// the ones `sui move build` writes. A local written once with a constant and read once gets the constant
// at its read instead (the compiler's "eliminate locals" of pure values: `let max = 255; ... x < max`, a
// macro's `$max` argument). Then, within a basic block, a value stored into a local only to
// be moved straight back out (`StLoc x; MoveLoc x`) stays on the stack, a value taken out of a local only
// to be put back (`MoveLoc x; StLoc x`, `CopyLoc x; StLoc x`) is left where it was, repeated until nothing
// changes; then locals no instruction mentions any more are dropped. Besides matching the real output,
// this is what keeps a test full of `assert_eq!` expansions under the bytecode's limit of 256 locals.
import type * as M from '../binary/model.ts';
import { jumpTargets, keepOnly } from './last-use.ts';

/** Every clean-up below, in the compiler's order; returns the new code and, per new pc, the old pc. */
export function cleanUp(code: readonly M.Instruction[], tables: M.VariantJumpTable[], paramCount: number): { code: M.Instruction[]; origin: number[] } {
  const substituted = substituteConstantLocals(code, tables, paramCount);
  const stores = removeNopStores(substituted.code, tables);
  return { code: stores.code, origin: stores.origin.map((pc) => substituted.origin[pc]) };
}

const CONSTANT_LOADS = new Set(['LdU8', 'LdU16', 'LdU32', 'LdU64', 'LdU128', 'LdU256', 'LdConst', 'LdTrue', 'LdFalse']);

/**
 * A local (not a parameter) stored exactly once, right after a constant is loaded, and then copied or moved
 * exactly once (never borrowed) loads the constant where it is read, and the store goes. Moving a constant
 * later changes nothing a program can observe.
 */
export function substituteConstantLocals(code: readonly M.Instruction[], tables: M.VariantJumpTable[], paramCount: number): { code: M.Instruction[]; origin: number[] } {
  const stores = new Map<number, number[]>();
  const reads = new Map<number, number[]>();
  const borrowed = new Set<number>();
  code.forEach((i, pc) => {
    if (i.op === 'StLoc') stores.set(i.local, [...(stores.get(i.local) ?? []), pc]);
    else if (i.op === 'CopyLoc' || i.op === 'MoveLoc') reads.set(i.local, [...(reads.get(i.local) ?? []), pc]);
    else if (i.op === 'ImmBorrowLoc' || i.op === 'MutBorrowLoc') borrowed.add(i.local);
  });
  const targets = jumpTargets(code, tables);
  const out = code.slice();
  const keep = code.map(() => true);
  for (const [local, [store, ...more]] of stores) {
    const read = reads.get(local);
    if (local < paramCount || more.length || borrowed.has(local) || read?.length !== 1) continue;
    // The constant and its store are one block: nothing jumps to the store.
    if (store === 0 || targets.has(store) || !CONSTANT_LOADS.has(code[store - 1].op) || !keep[store - 1]) continue;
    out[read[0]] = code[store - 1];
    keep[store - 1] = keep[store] = false;
  }
  return keepOnly(out, tables, keep);
}

/** Removes the no-op store/load pairs; returns the new code and, per new pc, the old pc it comes from. */
export function removeNopStores(code: readonly M.Instruction[], tables: M.VariantJumpTable[]): { code: M.Instruction[]; origin: number[] } {
  let current = { code: code.slice(), origin: code.map((_, pc) => pc) };
  for (;;) {
    const targets = jumpTargets(current.code, tables);
    const keep = current.code.map(() => true);
    let changed = false;
    for (let pc = 0; pc + 1 < current.code.length; pc++) {
      const a = current.code[pc];
      const b = current.code[pc + 1];
      // The pair must be one block: nothing jumps between its two instructions.
      if (targets.has(pc + 1)) continue;
      const storeThenMove = a.op === 'StLoc' && b.op === 'MoveLoc' && a.local === b.local;
      const writeBack = (a.op === 'MoveLoc' || a.op === 'CopyLoc') && b.op === 'StLoc' && a.local === b.local;
      if (!storeThenMove && !writeBack) continue;
      keep[pc] = keep[pc + 1] = false;
      changed = true;
      pc++;
    }
    if (!changed) return current;
    const next = keepOnly(current.code, tables, keep);
    current = { code: next.code, origin: next.origin.map((pc) => current.origin[pc]) };
  }
}

/** Locals (by index, parameters excluded) that some instruction still stores, loads or borrows. */
export function usedLocals(code: readonly M.Instruction[]): Set<number> {
  const out = new Set<number>();
  for (const i of code) {
    if (i.op === 'CopyLoc' || i.op === 'MoveLoc' || i.op === 'StLoc' || i.op === 'ImmBorrowLoc' || i.op === 'MutBorrowLoc') out.add(i.local);
  }
  return out;
}
