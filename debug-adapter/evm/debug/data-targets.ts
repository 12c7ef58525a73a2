// Data breakpoints: which values can be watched (storage value types: a state variable, or a member,
// element or mapping entry of one) and the steps that write them.
import type { DataTarget } from '../../core/execution.ts';
import { evaluateToValue, isValueType } from '../decode/index.ts';
import type { Evaluator } from './evaluate.ts';
import type { FrameTable } from './frames.ts';
import type { StorageIndex } from './storage.ts';
import { hex, short, type Steps } from './steps.ts';

/**
 * `container` is the parent's evaluateName. The whole slot is watched, so a packed neighbour's writes
 * also trigger.
 */
export function dataTarget(
  steps: Steps, frames: FrameTable, evaluator: Evaluator, step: number, frameIndex: number, name: string, container?: string,
): DataTarget | undefined {
  const expression = container === undefined ? name : name.startsWith('[') ? `${container}${name}` : `${container}.${name}`;
  const at = frames.frameAt(step, frameIndex)?.at ?? step;
  const env = evaluator.environment(step, frameIndex);
  let value;
  try {
    value = evaluateToValue(expression, env, env.decodeCtx);
  } catch {
    return undefined;
  }
  const location = value.location;
  if (location.kind !== 'storage' || location.transient || !isValueType(value.type)) return undefined;
  const address = steps.context(at).address;
  return {
    dataId: `storage:${address}:${location.slot.toString(16)}`,
    description: `${expression} (storage slot ${hex(location.slot)} of ${short(address)})`,
  };
}

export function writeSteps(storage: StorageIndex, dataId: string): readonly number[] {
  const m = /^storage:(0x[0-9a-f]+):([0-9a-f]+)$/.exec(dataId);
  if (!m) return [];
  return storage.storeSteps(m[1]!, BigInt(`0x${m[2]}`));
}
