// What each recorded EVM step cost, for gas per source line (core/line-gas.ts). Within a call context a
// step costs the gas left before it minus the gas left before the context's next step; a context's last
// step costs what was left minus what the context returned to its caller. A CALL/CREATE step's next step
// in its context comes after the callee returned, so its difference includes the callee's gas: we keep only
// the caller-side part (access, value transfer, memory, new account), as the callee's steps carry the rest.
import type { GasReport } from '../../core/line-gas.ts';
import { measureLineGas } from '../../core/line-gas.ts';
import type { Execution } from '../../core/execution.ts';
import { OPCODES } from '../opcodes.ts';
import type { Steps } from './steps.ts';

const CALLS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL', 'CREATE', 'CREATE2']);
/** Instructions whose dynamic cost is memory expansion (plus copying, for the copies). */
const MEMORY = new Set(['MLOAD', 'MSTORE', 'MSTORE8', 'MCOPY', 'CALLDATACOPY', 'CODECOPY', 'RETURNDATACOPY', 'EXTCODECOPY', 'RETURN', 'REVERT']);
/** Net SSTORE costs without the EIP-2929 cold surcharge: no-op or dirty write, reset, set from zero. */
const WARM_SSTORE = new Set([100, 2900, 20000]);
const COLD_ACCESS = 2100;

/** Gas of every step (Float64Array indexed by step). */
export function stepGas(steps: Steps): Float64Array {
  const rec = steps.rec;
  const n = steps.stepCount;
  const left = new Float64Array(n);
  const stored = rec.gasStep.data, values = rec.gasValue.data;
  for (let s = 0, k = 0; s < n; s++) {
    if (k < rec.gasStep.length && stored[k] === s) left[s] = values[k++]!;
    // Not stored: the previous step was a static-gas instruction of the same context (see Recording.gasStep).
    else left[s] = s > 0 ? left[s - 1]! - rec.fee[steps.unitAt(s - 1).code[steps.pcs[s - 1]!]!]! : 0;
  }
  const calleeAt = new Int32Array(n).fill(-1);
  for (const ctx of rec.contexts) if (ctx.parent >= 0 && ctx.callStep >= 0 && ctx.callStep < n) calleeAt[ctx.callStep] = ctx.id;
  const gas = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const c = steps.ctxOf[s]!;
    const ctx = rec.contexts[c]!;
    const callee = calleeAt[s]!;
    const calleeCtx = callee < 0 ? undefined : rec.contexts[callee]!;
    let next = s + 1;
    if (calleeCtx && calleeCtx.firstStep >= 0) next = calleeCtx.endStep;
    let cost: number;
    if (next < n && steps.ctxOf[next] === c) cost = left[s]! - left[next]!;
    else if (ctx.endStep <= n && rec.stepLimit === undefined) cost = left[s]! - Number(ctx.gasLimit - ctx.gasUsed); // the context's last step
    else cost = 0; // cut off by maxSteps: unknown
    if (calleeCtx && calleeCtx.firstStep >= 0) cost -= Number(calleeCtx.gasUsed);
    gas[s] = Math.max(0, cost);
  }
  return gas;
}

/** The kind of work a step did, for the hover breakdown. */
export function stepKind(steps: Steps, step: number, gas: number): string {
  const op = OPCODES[steps.unitAt(step).code[steps.pcs[step]!]!];
  const name = op?.name ?? 'INVALID';
  if (name === 'SLOAD') return gas >= COLD_ACCESS ? 'storage read (cold)' : 'storage read (warm)';
  if (name === 'SSTORE') return WARM_SSTORE.has(gas - COLD_ACCESS) ? 'storage write (cold)' : 'storage write (warm)';
  if (name === 'TLOAD' || name === 'TSTORE') return 'transient storage';
  if (CALLS.has(name)) return name.startsWith('CREATE') ? 'create' : 'call';
  if (name.startsWith('LOG')) return 'event log';
  if (name === 'KECCAK256') return 'keccak256';
  if (MEMORY.has(name) && gas > steps.rec.fee[steps.unitAt(step).code[steps.pcs[step]!]!]!) return 'memory growth / copy';
  return 'instructions';
}

export function evmLineGas(execution: Execution, steps: Steps): GasReport {
  const gas = stepGas(steps);
  return measureLineGas(execution, (s) => gas[s]!, (s, g) => stepKind(steps, s, g));
}
