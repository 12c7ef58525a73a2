// The scopes of a frame at a step: Parameters and Locals (decoded in the requested number format), State
// (from solc's storage layouts), and the raw machine: Stack, Memory, Calldata, Returndata, Storage, EVM.
import type { Children, Scope, ValueFormat, Variable } from '../../core/execution.ts';
import { listChildren } from '../../core/children.ts';
import { decodeStateVariables, decodeValue, memoryReference, type DecodeContext } from '../decode/index.ts';
import { instructionText } from '../opcodes.ts';
import type { CallContext } from '../record/recording.ts';
import { bytesToHex } from '../run/abi.ts';
import type { FrameTable } from './frames.ts';
import { word, type Steps } from './steps.ts';
import type { PlacedVariable, VariablePlacer } from './variables.ts';
import { decodeContextAt, type RecordedState } from './view.ts';

export class ScopeBuilder {
  constructor(
    private readonly steps: Steps,
    private readonly frames: FrameTable,
    private readonly variables: VariablePlacer,
    private readonly recorded: RecordedState,
    /** The compiler release, named when State is unavailable. */
    private readonly compilerVersion?: string,
  ) {}

  scopes(step: number, frameIndex: number): Scope[] {
    const found = this.frames.frameAt(step, frameIndex);
    if (!found) return [];
    const { rec, at } = found;
    const scopes: Scope[] = [];
    const ctx = this.steps.rec.contexts[rec.ctx]!;
    const vars = this.variables.of(rec, at);
    const decodeCtx = decodeContextAt(this.steps, this.recorded, at, vars?.popped);
    if (vars) {
      const decoded = (list: readonly PlacedVariable[]): Children => formatted((format) => list.map((p) => this.stackVariable(p, format, decodeCtx)));
      scopes.push({ name: 'Parameters', kind: 'arguments', expensive: false, children: decoded(vars.params) });
      scopes.push({ name: 'Locals', kind: 'locals', expensive: false, children: decoded(vars.locals) });
    }
    const stateVars = this.variables.stateVariables(at);
    if (stateVars.length > 0) scopes.push({ name: 'State', expensive: false, children: decodeStateVariables(stateVars, decodeCtx) });
    else if (this.steps.unitAt(at).contract && !this.steps.unitAt(at).contract!.storageLayout) scopes.push(this.stateUnavailable());
    scopes.push(...this.rawScopes(at, ctx));
    return scopes;
  }

  /** solc before 0.5.13 gives no storage layout: say so rather than guess slots (raw slots are in Storage). */
  private stateUnavailable(): Scope {
    const version = this.compilerVersion;
    const value = `unavailable: ${version ? `solc ${version}` : 'this compiler'} gives no storage layout (solc 0.5.13 and later do); the Storage scope lists the raw slots`;
    return { name: 'State', expensive: false, children: listChildren([{ name: 'state variables', value, hint: 'unavailable' }]) };
  }

  private stackVariable(p: PlacedVariable, format: ValueFormat, ctx: DecodeContext): Variable {
    const { type, location } = this.variables.placedValue(p);
    return decodeValue(p.v.name, type, location, ctx, format);
  }

  /**
   * The machine's own state. Memory, calldata, returndata and storage can be megabytes or 100,000s of
   * slots: they are paged (indexed children, built only for the page a client asks for).
   */
  private rawScopes(at: number, ctx: CallContext): Scope[] {
    const steps = this.steps;
    const storage = this.recorded.storage;
    const stack = (): readonly bigint[] => steps.stateAt(at).stack;
    // A word holding a labelled address (vm.label) says whose it is: `0x…7fa9… (vault)`.
    const labels = this.recorded.labels;
    const labelOf = (w: bigint): string => {
      if (!labels?.size || w >> 160n !== 0n) return '';
      const label = labels.get(`0x${w.toString(16).padStart(40, '0')}`);
      return label === undefined ? '' : ` (${label})`;
    };
    const stackVars = (): Variable[] => stack().map((_, i, all) => {
      const w = all[all.length - 1 - i]!;
      return { name: `[${i}]`, value: `${word(w)}${labelOf(w)}`, type: 'uint256' };
    });
    // Slots listed once accessed before this step (first accesses are in step order: a binary search).
    const slots = storage.slotsOf(ctx.address);
    let visible = 0;
    for (let lo = 0, hi = slots.length; lo < hi;) {
      const mid = (lo + hi) >> 1;
      if (slots[mid]!.first < at) lo = visible = mid + 1; else hi = mid;
    }
    // Transient slots among them (`tstore` in assembly has no declared variable to show them under).
    const storageRow = (i: number): Variable => {
      const { slot, transient } = slots[i]!;
      return { name: transient ? `transient ${word(slot)}` : word(slot), value: word(storage.storageAt(ctx.address, slot, at, transient)) };
    };
    const calldata = ctx.calldata;
    const args = calldata.length >= 4 ? calldata.subarray(4) : calldata;
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
      { name: 'Memory', expensive: true, children: wordRows(() => steps.stateAt(at).memory, 0, (o) => memoryReference(o)) },
      {
        name: 'Calldata', expensive: true,
        children: withNamed(calldata.length >= 4 ? [{ name: 'selector', value: bytesToHex(calldata.subarray(0, 4)) }] : [], wordRows(() => args, calldata.length >= 4 ? 4 : 0)),
      },
      { name: 'Returndata', expensive: true, children: wordRows(() => steps.returnDataAt(at), 0) },
      { name: 'Storage', expensive: true, children: paged(visible, storageRow) },
      { name: 'EVM', kind: 'registers', expensive: false, children: lazy(evm) },
    ];
  }
}

/** Indexed children made only for the requested page. */
function paged(count: number, row: (i: number) => Variable): Children {
  return {
    named: 0,
    indexed: count,
    get: (kind, start, n) => {
      if (kind === 'named') return [];
      const out: Variable[] = [];
      for (let i = Math.max(0, start); i < Math.min(count, start + n); i++) out.push(row(i));
      return out;
    },
  };
}

/**
 * Bytes as 32-byte rows named by their offset (`base` added to names: calldata words after the selector).
 * The bytes are read when the scope is first listed, not when the stop is made.
 */
function wordRows(bytes: () => Uint8Array, base: number, ref?: (offset: number) => string): Children {
  let data: Uint8Array | undefined;
  const get = (): Uint8Array => (data ??= bytes());
  const row = (i: number): Variable => {
    const d = get();
    const o = i * 32;
    return { name: `0x${(base + o).toString(16).padStart(4, '0')}`, value: bytesToHex(d.subarray(o, Math.min(o + 32, d.length))), memoryReference: ref?.(o) };
  };
  return {
    get named() { return 0; },
    get indexed() { return Math.ceil(get().length / 32); },
    get: (kind, start, n) => paged(Math.ceil(get().length / 32), row).get(kind, start, n, { hex: false }),
  };
}

/** A few named children before paged indexed ones. */
function withNamed(named: Variable[], rest: Children): Children {
  return {
    named: named.length,
    get indexed() { return rest.indexed; },
    get: (kind, start, n, format) => {
      if (kind === 'named') return named.slice(start, start + n);
      if (kind === 'indexed') return rest.get('indexed', start, n, format);
      // Both kinds: named first, then indexed.
      const head = named.slice(start, start + n);
      return [...head, ...rest.get('indexed', Math.max(0, start - named.length), n - head.length, format)];
    },
  };
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
