// The Move compiler's last clean-up on the finished bytecode, done the same way so our instructions and
// locals are the ones `sui move build` writes: within a basic block, a value stored into a local only to
// be moved straight back out (`StLoc x; MoveLoc x`) stays on the stack, a value taken out of a local only
// to be put back (`MoveLoc x; StLoc x`, `CopyLoc x; StLoc x`) is left where it was, repeated until nothing
// changes; then locals no instruction mentions any more are dropped. Besides matching the real output,
// this is what keeps a test full of `assert_eq!` expansions under the bytecode's limit of 256 locals.
import type * as M from '../binary/model.ts';
import { jumpTargets, keepOnly } from './last-use.ts';

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
