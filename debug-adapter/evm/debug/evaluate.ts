// Expressions in a frame at a step: the names visible there (state variables, then parameters and locals
// in scope), Solidity's globals from the call context and the fixed block, evaluated by decode/.
import type { ValueFormat, Variable } from '../../core/execution.ts';
import { EvaluationError } from '../../core/errors.ts';
import type { StackVariable } from '../build/ast.ts';
import { decodeValue, evaluateExpression, type DecodeContext, type EvalEnvironment, type StateVariable, type TypeRegistry } from '../decode/index.ts';
import { bytesToHex } from '../run/abi.ts';
import { BLOCK } from '../run/chain.ts';

/** What `tx.gasprice` and `block.*` evaluate to: the embedded chain's block, or a replayed transaction's. */
export interface GlobalValues {
  readonly gasPrice: bigint;
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly chainId: bigint;
  readonly coinbase: string;
  readonly gasLimit: bigint;
}
import type { FrameTable } from './frames.ts';
import type { Steps } from './steps.ts';
import type { PlacedVariable, VariablePlacer } from './variables.ts';
import { decodeContextAt, type RecordedState } from './view.ts';

export type Environment = EvalEnvironment & { decodeCtx: DecodeContext };

export class Evaluator {
  constructor(
    private readonly steps: Steps,
    private readonly frames: FrameTable,
    private readonly variables: VariablePlacer,
    private readonly recorded: RecordedState,
    private readonly registry: TypeRegistry,
    private readonly globals: GlobalValues = BLOCK,
  ) {}

  /** Names visible in a frame at a step, and the decode context to read them with. */
  environment(step: number, frameIndex: number): Environment {
    const found = this.frames.frameAt(step, frameIndex);
    const names = new Map<string, { v: StackVariable | StateVariable; placed?: PlacedVariable }>();
    const at = found?.at ?? step;
    for (const s of this.variables.stateVariables(at)) names.set(s.name, { v: s });
    const vars = found ? this.variables.of(found.rec, found.at) : undefined;
    for (const p of [...(vars?.params ?? []), ...(vars?.locals ?? [])]) names.set(p.v.name, { v: p.v, placed: p });
    const ctx = this.steps.context(at);
    const origin = this.steps.rec.contexts[0]?.caller;
    return {
      decodeCtx: decodeContextAt(this.steps, this.recorded, at, vars?.popped),
      lookup: (name) => {
        const entry = names.get(name);
        if (!entry) return undefined;
        if (entry.placed) return this.variables.placedValue(entry.placed);
        const s = entry.v as StateVariable;
        return { type: s.type, location: s.value ?? { kind: 'storage', slot: s.slot, byteOffset: s.byteOffset, transient: s.transient } };
      },
      global: (name) => {
        switch (name) {
          case 'msg.sender': return BigInt(ctx.caller || '0x0');
          case 'msg.value': return ctx.value;
          case 'msg.sig': return ctx.calldata.length >= 4 ? BigInt(bytesToHex(ctx.calldata.subarray(0, 4))) : 0n;
          case 'this': return BigInt(ctx.address || '0x0');
          case 'tx.origin': return BigInt(origin || '0x0');
          case 'tx.gasprice': return this.globals.gasPrice;
          case 'block.number': return this.globals.number;
          case 'block.timestamp': return this.globals.timestamp;
          case 'block.chainid': return this.globals.chainId;
          case 'block.coinbase': return BigInt(this.globals.coinbase);
          case 'block.gaslimit': return this.globals.gasLimit;
          default: return undefined;
        }
      },
      typeByName: (name) => this.registry.byName(name),
    };
  }

  evaluate(step: number, frameIndex: number, expression: string, format: ValueFormat): Variable {
    const env = this.environment(step, frameIndex);
    const ctx = env.decodeCtx;
    try {
      return evaluateExpression(expression, env, ctx, format);
    } catch (e) {
      if (e instanceof EvaluationError) throw e;
      // The evaluator is not available: plain identifiers still work.
      const name = expression.trim();
      const value = env.lookup(name);
      if (!value) throw new EvaluationError(`unknown identifier "${name}"`);
      return decodeValue(name, value.type, value.location, ctx, format);
    }
  }
}
