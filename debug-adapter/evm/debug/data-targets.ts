// Data breakpoints: which values can be watched (storage value types: a state variable, or a member,
// element or mapping entry of one) and the steps that write them.
import type { DataTarget } from '../../core/execution.ts';
import { evaluateToValue, isValueType, storageBytes } from '../decode/index.ts';
import type { Evaluator } from './evaluate.ts';
import type { FrameTable } from './frames.ts';
import type { StorageIndex } from './storage.ts';
import { hex, short, type Steps } from './steps.ts';

/**
 * `container` is the parent's evaluateName. Only the value's own bytes of its slot are watched: a packed
 * neighbour's writes, and writes that leave its bytes as they were, do not trigger.
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
  const size = storageBytes(value.type);
  const packed = size < 32 ? `, bytes ${location.byteOffset}..${location.byteOffset + size - 1}` : '';
  return {
    dataId: `storage:${address}:${location.slot.toString(16)}:${location.byteOffset}:${size}`,
    description: `${expression} (storage slot ${hex(location.slot)}${packed} of ${short(address)})`,
  };
}

/**
 * Steps of the SSTOREs that changed the watched bytes (`byteOffset`, `size` counted from the slot's right);
 * undefined for an id this backend never gave out, so the breakpoint is reported unverified.
 */
export function writeSteps(storage: StorageIndex, dataId: string): readonly number[] | undefined {
  const m = /^storage:(0x[0-9a-f]+):([0-9a-f]+)(?::(\d+):(\d+))?$/.exec(dataId);
  if (!m) return undefined;
  const shift = BigInt(8 * Number(m[3] ?? 0));
  const mask = ((1n << BigInt(8 * Math.min(32, Number(m[4] ?? 32)))) - 1n) << shift;
  return storage.storeSteps(m[1]!, BigInt(`0x${m[2]}`), mask);
}
