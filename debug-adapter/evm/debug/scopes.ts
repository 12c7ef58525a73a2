// The scopes of a frame at a step: Parameters and Locals (decoded in the requested number format), State
// (from solc's storage layouts), and the raw machine: Stack, Memory, Calldata, Returndata, Storage, EVM.
import type { Children, Scope, ValueFormat, Variable } from '../../core/execution.ts';
import { decodeStateVariables, decodeValue, memoryReference, type DecodeContext } from '../decode/index.ts';
import { instructionText } from '../opcodes.ts';
import type { CallContext } from '../record/recording.ts';
import { bytesToHex } from '../run/abi.ts';
import type { FrameTable } from './frames.ts';
import type { StorageIndex } from './storage.ts';
import { word, type Steps } from './steps.ts';
import type { PlacedVariable, VariablePlacer } from './variables.ts';
import { decodeContextAt } from './view.ts';

export class ScopeBuilder {
  constructor(
    private readonly steps: Steps,
    private readonly frames: FrameTable,
    private readonly variables: VariablePlacer,
    private readonly storage: StorageIndex,
  ) {}

  scopes(step: number, frameIndex: number): Scope[] {
    const found = this.frames.frameAt(step, frameIndex);
    if (!found) return [];
    const { rec, at } = found;
    const scopes: Scope[] = [];
    const ctx = this.steps.rec.contexts[rec.ctx]!;
    const vars = this.variables.of(rec, at);
    const decodeCtx = decodeContextAt(this.steps, this.storage, at, vars?.popped);
    if (vars) {
      const decoded = (list: readonly PlacedVariable[]): Children => formatted((format) => list.map((p) => this.stackVariable(p, format, decodeCtx)));
      scopes.push({ name: 'Parameters', kind: 'arguments', expensive: false, children: decoded(vars.params) });
      scopes.push({ name: 'Locals', kind: 'locals', expensive: false, children: decoded(vars.locals) });
    }
    const stateVars = this.variables.stateVariables(at);
    if (stateVars.length > 0) scopes.push({ name: 'State', expensive: false, children: decodeStateVariables(stateVars, decodeCtx) });
    scopes.push(...this.rawScopes(at, ctx));
    return scopes;
  }

  private stackVariable(p: PlacedVariable, format: ValueFormat, ctx: DecodeContext): Variable {
    const { type, location } = this.variables.placedValue(p);
    return decodeValue(p.v.name, type, location, ctx, format);
  }

  private rawScopes(at: number, ctx: CallContext): Scope[] {
    const steps = this.steps;
    const state = steps.stateAt(at);
    const stack = state.stack;
    const stackVars = (): Variable[] => stack.map((_, i) => {
      const v = stack[stack.length - 1 - i]!;
      return { name: `[${i}]`, value: word(v), type: 'uint256' };
    });
    const rows = (data: Uint8Array, ref?: (o: number) => string, start = 0): Variable[] => {
      const out: Variable[] = [];
      for (let o = start; o < data.length; o += 32) {
        const chunk = data.subarray(o, Math.min(o + 32, data.length));
        out.push({ name: `0x${o.toString(16).padStart(4, '0')}`, value: bytesToHex(chunk), memoryReference: ref?.(o) });
      }
      return out;
    };
    const calldata = ctx.calldata;
    const calldataVars = (): Variable[] => calldata.length >= 4
      ? [{ name: 'selector', value: bytesToHex(calldata.subarray(0, 4)) }, ...rows(calldata.subarray(4)).map((v, i) => ({ ...v, name: `0x${(4 + i * 32).toString(16).padStart(4, '0')}` }))]
      : rows(calldata);
    const storageVars = (): Variable[] => this.storage.slotsOf(ctx.address)
      .filter((x) => x.first < at)
      .map(({ slot }) => ({ name: word(slot), value: word(this.storage.storageAt(ctx.address, slot, at)) }));
    const gas = steps.gasLeft(at);
    const evm = (): Variable[] => [
      { name: 'pc', value: String(steps.pcs[at]) },
      { name: 'opcode', value: instructionText(steps.unitAt(at).code, steps.pcs[at]!) },
      { name: 'gas left', value: String(gas) },
      { name: 'gas used', value: String(ctx.gasLimit - BigInt(gas)) },
      { name: 'depth', value: String(ctx.depth) },
      { name: 'address', value: ctx.address },
      ...(ctx.codeAddress && ctx.codeAddress !== ctx.address ? [{ name: 'code address', value: ctx.codeAddress }] : []),
      { name: 'caller', value: ctx.caller },
      { name: 'value', value: String(ctx.value) },
      { name: 'call kind', value: ctx.kind },
    ];
    return [
      { name: 'Stack', kind: 'registers', expensive: false, children: lazy(stackVars) },
      { name: 'Memory', expensive: true, children: lazy(() => rows(state.memory, (o) => memoryReference(o))) },
      { name: 'Calldata', expensive: true, children: lazy(calldataVars) },
      { name: 'Returndata', expensive: true, children: lazy(() => rows(steps.returnDataAt(at))) },
      { name: 'Storage', expensive: true, children: lazy(storageVars) },
      { name: 'EVM', kind: 'registers', expensive: false, children: lazy(evm) },
    ];
  }
}

/** Children decoded for the requested number format (`format.hex`), once per format. */
function formatted(make: (format: ValueFormat) => Variable[]): Children {
  const cache = new Map<boolean, Variable[]>();
  const get = (format: ValueFormat): Variable[] => {
    let vars = cache.get(format.hex);
    if (!vars) cache.set(format.hex, (vars = make(format)));
    return vars;
  };
  return {
    get named() { return get({ hex: false }).length; },
    indexed: 0,
    get: (kind, start, count, format) => (kind === 'indexed' ? [] : get(format).slice(start, start + count)),
  };
}

function lazy(make: () => Variable[]): Children {
  let vars: Variable[] | undefined;
  const get = (): Variable[] => (vars ??= make());
  return {
    get named() { return get().length; },
    indexed: 0,
    get: (kind, start, count) => (kind === 'indexed' ? [] : get().slice(start, start + count)),
  };
}
