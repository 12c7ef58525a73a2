// The gas schedule: Sui's tiered model (sui-types gas_model/tables.rs, as `sui move test` runs it).
//
// Every instruction is charged    tier(instructions) * 1  +  tier(stack size) * size added  +  tier(stack height) * pushes,
// where each tier multiplier grows with the running total of instructions executed, the abstract size
// of the operand stack, and its height. Per-instruction pushes / pops / sizes follow the real meter
// (see `Charges` below; sizes from values.ts `abstractSize`). Natives add their own cost (natives.ts).
// Amounts are internal gas units, the unit of `gas_left` in Sui traces; unit tests start with 1e9.
//
// Per instruction, `charge(instructions, pushes, pops, size added)` (size(v) = abstractSize, values.ts):
//   POP 1,0,1,0 · RET 1,0,0,0 · BR_TRUE/BR_FALSE 1,0,1,0 · BRANCH 1,0,0,0 · NOP 1,0,0,0 · ABORT 1,0,1,0
//   LD_U8..LD_U256, LD_TRUE/FALSE 1,1,0,1 · LD_CONST 1,1,0,<constant bytes> · CAST_* 1,1,1,1
//   COPY_LOC / MOVE_LOC 1,1,0,size(v) · ST_LOC 1,0,1,0 · *_BORROW_LOC 1,1,0,8 · *_BORROW_FIELD* 1,1,1,8
//   FREEZE_REF 1,1,1,8 · READ_REF 1,1,1,size(read value) · WRITE_REF 1,1,2,size(written value)
//   arithmetic, bitwise, shifts, comparisons, AND/OR 1,1,2,1 · NOT 1,1,1,1
//   EQ / NEQ 1,1,2,1 + size(a) + size(b) (references followed)
//   PACK* / PACK_VARIANT* 1,1,<fields>,2 · UNPACK* (also by reference) 1,<fields>,1,0 · VARIANT_SWITCH 1,0,1,0
//   VEC_PACK 1,1,<n>,8 · VEC_LEN 1,1,1,1 · VEC_*_BORROW 1,1,2,8 · VEC_PUSH_BACK 1,0,2,0
//   VEC_POP_BACK 1,1,1,0 · VEC_UNPACK 1,<n>,1,0 · VEC_SWAP 1,1,1,0
//   CALL / CALL_GENERIC 1,0,<args>,0 (charged after the callee's frame opens)
//   native call: 1,0,<args>,0 before; then 0,<results>,0,size(results) and the native's own cost
//   Aptos global storage (no Sui counterpart; our choice): EXISTS 1,1,1,1 · MOVE_FROM 1,1,1,size(v) ·
//   MOVE_TO 1,0,2,0 · BORROW_GLOBAL 1,1,1,8
import { VMError } from './status.ts';

/** Tier tables: sorted [threshold, multiplier] pairs. */
export interface CostTable {
  readonly instructionTiers: readonly (readonly [number, number])[];
  readonly stackHeightTiers: readonly (readonly [number, number])[];
  readonly stackSizeTiers: readonly (readonly [number, number])[];
}

/** Sui `initial_cost_schedule_v5`, the table Move unit tests run with. */
export const SUI_COST_TABLE_V5: CostTable = {
  instructionTiers: [[0, 1], [20_000, 2], [50_000, 10], [100_000, 50], [200_000, 100], [10_000_000, 1000]],
  stackHeightTiers: [[0, 1], [1_000, 2], [10_000, 10]],
  stackSizeTiers: [[0, 1], [100_000, 2], [500_000, 5], [1_000_000, 100], [100_000_000, 1000]],
};

/** Gas budget of a Sui unit test, in internal units (what the traces' first `gas_left` shows). */
export const DEFAULT_GAS_BUDGET = 1_000_000_000n;

/**
 * The budget `sui move test` gives each test today (crates/sui-move/src/unit_test.rs, SuiVMTestSetup):
 * its meter is a `SuiGasStatus` for the highest protocol version at the test gas price (500), whose
 * computation budget is capped at `max_gas_computation_bucket` (5,000,000) times the gas price; the Move
 * meter then gets budget / gas price = 5,000,000 gas units, 1,000 internal units each (tables.rs
 * `GasStatus::new`). Charges follow the same tiered v5 table as above. The older runner (the
 * move-unit-test meter with its 1,000,000-unit default bound) gave 1e9, which the traces above show;
 * the framework's exhaustive integer tests (`u8_tests::exhaustive_test_add`: 65,536 cases) need the
 * newer budget.
 */
export const UNIT_TEST_GAS_BUDGET = 5_000_000_000n;

/** Fixed sizes the meter uses (tiered_gas_schedule.rs). `Type::size()` of every primitive type is 1. */
export const GasSize = {
  PRIMITIVE_TYPE: 1,
  REFERENCE: 8,
  STRUCT: 2,
  VECTOR: 8,
} as const;

/** Multiplier and next threshold for a running total (the tier whose threshold is the largest <= value). */
function tier(tiers: readonly (readonly [number, number])[], value: number): [mult: number, next: number] {
  let mult = 1;
  let next = Infinity;
  for (const [start, m] of tiers) {
    if (start <= value) mult = m;
    else {
      next = start;
      break;
    }
  }
  return [mult, next];
}

/**
 * Gas state of one execution. Counters are plain numbers (they stay far below 2^53); `gasLeft` is a
 * number too and converted to bigint only for reports.
 */
export class GasMeter {
  gasLeft: number;
  readonly initial: number;
  private instructions = 0;
  private stackHeight = 0;
  private stackSize = 0;
  private instrMult: number;
  private instrNext: number;
  private heightMult: number;
  private heightNext: number;
  private sizeMult: number;
  private sizeNext: number;
  private nativeCalls = 0;

  constructor(
    budget: bigint = DEFAULT_GAS_BUDGET,
    private readonly table: CostTable = SUI_COST_TABLE_V5,
    /** False: count nothing (gas is not charged). */
    readonly metered = true,
  ) {
    this.gasLeft = Number(budget);
    this.initial = this.gasLeft;
    [this.instrMult, this.instrNext] = tier(table.instructionTiers, 0);
    [this.heightMult, this.heightNext] = tier(table.stackHeightTiers, 0);
    [this.sizeMult, this.sizeNext] = tier(table.stackSizeTiers, 0);
  }

  get used(): number {
    return this.initial - this.gasLeft;
  }

  /** The core charge: `instructions` executed, `pushes` onto / `pops` off the stack, `incrSize` bytes added. */
  charge(instructions: number, pushes: number, pops: number, incrSize: number): void {
    if (!this.metered) return;
    this.stackHeight += pushes;
    if (this.stackHeight > this.heightNext) [this.heightMult, this.heightNext] = tier(this.table.stackHeightTiers, this.stackHeight);
    this.instructions += instructions;
    if (this.instructions > this.instrNext) [this.instrMult, this.instrNext] = tier(this.table.instructionTiers, this.instructions);
    this.stackSize += incrSize;
    if (this.stackSize > this.sizeNext) [this.sizeMult, this.sizeNext] = tier(this.table.stackSizeTiers, this.stackSize);
    const cost = this.instrMult * instructions + this.sizeMult * incrSize + this.heightMult * pushes;
    this.deduct(cost);
    this.stackHeight = this.stackHeight > pops ? this.stackHeight - pops : 0;
  }

  /** Deducts an amount directly (native costs); OUT_OF_GAS when it does not fit. */
  deduct(amount: number): void {
    if (!this.metered) return;
    if (amount > this.gasLeft) {
      this.gasLeft = 0;
      throw new VMError('OUT_OF_GAS', 'out of gas');
    }
    this.gasLeft -= amount;
  }

  /** After a native returns: pushes of its results, then its own cost (counted as instructions past a threshold, as the real meter does). */
  chargeNative(amount: number, pushes: number, pushSize: number): void {
    this.nativeCalls++;
    if (this.nativeCalls > NATIVE_FUNCTION_THRESHOLD) this.charge(amount, pushes, 0, pushSize);
    else {
      this.charge(0, pushes, 0, pushSize);
      this.deduct(amount);
    }
  }
}

/** After this many native calls, native costs also count as instructions (tiered_gas_schedule.rs). */
const NATIVE_FUNCTION_THRESHOLD = 700;
