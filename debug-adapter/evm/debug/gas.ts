// What each recorded EVM step cost and on what, for gas per source line (core/line-gas.ts). Within a call
// context a step costs the gas left before it minus the gas left before the context's next step; a
// context's last step costs what was left minus what the context returned to its caller. A CALL/CREATE
// step's next step in its context comes after the callee returned, so its difference includes the callee's
// gas: we keep only the caller-side part (access, value transfer, memory, new account), as the callee's
// steps carry the rest.
//
// The split of a step's gas into kinds uses the fixed prices of the fork (Prague) rather than a second
// copy of the EVM's rules: memory growth is exact (the memory cost formula over the sizes the recording
// logged before and after the step), and what remains of a storage or call step has one reading only
// (a cold SSTORE that sets a slot from zero is 22,100 and nothing else is).
import { measureLineGas, type GasMeasurement, type StepGasMeter } from '../../core/line-gas.ts';
import type { Execution } from '../../core/execution.ts';
import { OPCODES } from '../opcodes.ts';
import type { CallContext } from '../record/recording.ts';
import type { Steps } from './steps.ts';

/** EIP-2929: the first access of a slot or account in a transaction, and every later one. */
const COLD_SLOAD = 2100, WARM_ACCESS = 100, COLD_ACCOUNT = 2600;
/** EIP-2200 SSTORE prices without the cold surcharge, by what the write does. */
const SSTORE_CASES = new Map([[100, 'no-op or slot already written'], [2900, 'update'], [20000, 'set from zero']]);
/** CALL with value: 9,000, of which the 2,300 stipend goes to the callee (and comes back when unused). */
const VALUE_TRANSFER = 9000 - 2300, NEW_ACCOUNT = 25000;
const ACCOUNT_READS = new Set(['BALANCE', 'EXTCODESIZE', 'EXTCODEHASH']);
const COPIES = new Set(['CALLDATACOPY', 'CODECOPY', 'RETURNDATACOPY', 'EXTCODECOPY', 'MCOPY']);

/** Yellow Paper memory cost of `bytes` of memory (a multiple of 32): 3 per word plus words² / 512. */
export function memoryCost(bytes: number): number {
  const words = Math.ceil(bytes / 32);
  return 3 * words + Math.floor((words * words) / 512);
}

/** The EVM's meter over a recording: gas of each step, asked for in step order, and its kinds. */
export class EvmGasMeter implements StepGasMeter {
  private readonly n: number;
  /** The callee a CALL/CREATE step started, by the call step. */
  private readonly calleeAt = new Map<number, CallContext>();
  /** Memory growth of the steps that grew memory, in step order. */
  private readonly growthSteps: Float64Array;
  private readonly growthGas: Float64Array;
  private growthAt = 0;
  // Gas left before step `at` (the cursor over the recording's stored gas values).
  private at = -1;
  private leftAt = 0;
  private stored = 0;

  constructor(private readonly steps: Steps) {
    const rec = steps.rec;
    this.n = steps.stepCount;
    for (const ctx of rec.contexts) if (ctx.parent >= 0 && ctx.callStep >= 0 && ctx.callStep < this.n) this.calleeAt.set(ctx.callStep, ctx);
    // The memory log says the size after each logged step; a context's memory starts empty and never shrinks.
    const size = new Float64Array(rec.contexts.length);
    const grew: [number, number][] = [];
    const memStep = rec.memStep.data, memSize = rec.memSize.data;
    for (let i = 0; i < rec.memStep.length; i++) {
      const step = memStep[i]!;
      if (step >= this.n) continue;
      const c = steps.ctxOf[step]!;
      if (memSize[i]! <= size[c]!) continue;
      grew.push([step, memoryCost(memSize[i]!) - memoryCost(size[c]!)]);
      size[c] = memSize[i]!;
    }
    // A CALL's entry is logged after its callee's: put them back in step order.
    grew.sort((a, b) => a[0] - b[0]);
    this.growthSteps = Float64Array.from(grew, (g) => g[0]);
    this.growthGas = Float64Array.from(grew, (g) => g[1]);
  }

  /** Gas left before `step`: O(1) for the next step, a search otherwise. */
  private left(step: number): number {
    if (step === this.at) return this.leftAt;
    const rec = this.steps.rec;
    const storedSteps = rec.gasStep.data;
    if (step === this.at + 1) {
      while (this.stored < rec.gasStep.length && storedSteps[this.stored]! < step) this.stored++;
      if (this.stored < rec.gasStep.length && storedSteps[this.stored] === step) this.leftAt = rec.gasValue.data[this.stored]!;
      // Not stored: the previous step was a static-gas instruction of the same context (see Recording.gasStep).
      else this.leftAt = step > 0 ? this.leftAt - rec.fee[this.opcode(step - 1)]! : 0;
      this.at = step;
      return this.leftAt;
    }
    return this.steps.gasLeft(step);
  }

  private opcode(step: number): number {
    return this.steps.unitAt(step).code[this.steps.pcs[step]!]!;
  }

  gas(s: number): number {
    const { steps, n } = this;
    const rec = steps.rec;
    const c = steps.ctxOf[s]!;
    const ctx = rec.contexts[c]!;
    const callee = this.calleeAt.get(s);
    const ranCode = callee !== undefined && callee.firstStep >= 0;
    const next = ranCode ? callee.endStep : s + 1;
    const before = this.left(s);
    let cost: number;
    if (next < n && steps.ctxOf[next] === c) cost = before - (next === s + 1 ? this.left(next) : steps.gasLeft(next));
    else if (ctx.endStep <= n && rec.stepLimit === undefined) cost = before - Number(ctx.gasLimit - ctx.gasUsed); // the context's last step
    else cost = 0; // cut off by maxSteps: unknown
    if (ranCode) cost -= Number(callee.gasUsed);
    return Math.max(0, cost);
  }

  split(step: number, gas: number, charge: (kind: string, part: number) => void): void {
    while (this.growthAt < this.growthSteps.length && this.growthSteps[this.growthAt]! < step) this.growthAt++;
    let memory = 0;
    if (this.growthAt < this.growthSteps.length && this.growthSteps[this.growthAt] === step) memory = Math.min(gas, this.growthGas[this.growthAt]!);
    const name = OPCODES[this.opcode(step)]?.name ?? 'INVALID';
    if (name === 'RETURN' || name === 'REVERT') {
      splitReturn(this.steps, step, name, gas, charge);
      return;
    }
    if (memory > 0) charge('memory growth', memory);
    const rest = gas - memory;
    if (memory > 0 && rest === 0) return;
    for (const [kind, part] of kindsOf(name, rest)) charge(kind, part);
  }
}

/**
 * RETURN and REVERT end their context, so their memory growth is not in the log: it is computed from the
 * operands and the memory size before the step. A creation's RETURN also pays the code deposit (200 gas per
 * byte of the code it returns), charged on its last step.
 */
function splitReturn(steps: Steps, step: number, name: string, gas: number, charge: (kind: string, part: number) => void): void {
  const state = steps.stateAt(step);
  const offset = state.stack[state.stack.length - 1] ?? 0n, length = state.stack[state.stack.length - 2] ?? 0n;
  const size = state.memory.length;
  const needed = length > 0n ? Number(offset + length) : 0;
  const memory = Math.min(gas, needed > size ? memoryCost(needed) - memoryCost(size) : 0);
  if (memory > 0) charge('memory growth', memory);
  const rest = gas - memory;
  const deposit = name === 'RETURN' && steps.context(step).isCreate;
  if (rest > 0 || memory === 0) charge(deposit && rest > 0 ? 'code deposit (200 per byte)' : 'instructions', rest);
}

/** What the gas of an instruction (without memory growth) was spent on. */
function kindsOf(name: string, gas: number): [string, number][] {
  switch (name) {
    case 'SLOAD': return [[gas >= COLD_SLOAD ? 'storage read (cold)' : 'storage read (warm)', gas]];
    case 'SSTORE': {
      const cold = SSTORE_CASES.get(gas - COLD_SLOAD);
      const what = cold ?? SSTORE_CASES.get(gas);
      return [[what ? `storage write (${cold ? 'cold' : 'warm'}, ${what})` : 'storage write', gas]];
    }
    case 'TLOAD': case 'TSTORE': return [['transient storage', gas]];
    case 'CALL': case 'CALLCODE': case 'DELEGATECALL': case 'STATICCALL': return callKinds(name, gas);
    case 'CREATE': case 'CREATE2': return [['contract creation', gas]];
    case 'KECCAK256': return [['keccak256', gas]];
    case 'LOG0': case 'LOG1': case 'LOG2': case 'LOG3': case 'LOG4': return [['event log', gas]];
    default:
      if (ACCOUNT_READS.has(name)) return [[gas >= COLD_ACCOUNT ? 'account read (cold)' : 'account read (warm)', gas]];
      if (COPIES.has(name)) return [['memory copy', gas]];
      return [['instructions', gas]];
  }
}

/**
 * A call's own cost: account access (cold 2,600 / warm 100), value transfer, new account. Calls to code-less
 * accounts and precompiles include what the callee used (nothing runs to carry it): shown as one "call".
 */
function callKinds(name: string, gas: number): [string, number][] {
  const withValue = name === 'CALL' || name === 'CALLCODE';
  for (const access of [WARM_ACCESS, COLD_ACCOUNT]) {
    for (const value of withValue ? [0, VALUE_TRANSFER] : [0]) {
      for (const created of value > 0 && name === 'CALL' ? [0, NEW_ACCOUNT] : [0]) {
        if (access + value + created !== gas) continue;
        const parts: [string, number][] = [[`call: account access (${access === COLD_ACCOUNT ? 'cold' : 'warm'})`, access]];
        if (value) parts.push(['call: value transfer (9,000 less the 2,300 stipend)', value]);
        if (created) parts.push(['call: new account', created]);
        return parts;
      }
    }
  }
  return [['call', gas]];
}

/** Gas per line of an EVM execution, in slices (see core/line-gas.ts). */
export function evmLineGas(execution: Execution, steps: Steps): GasMeasurement {
  return measureLineGas(execution, new EvmGasMeter(steps));
}
