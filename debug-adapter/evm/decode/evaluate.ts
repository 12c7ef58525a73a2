// Expression evaluation over decoded values (watch, hover, evaluate, breakpoint conditions, logpoints).

import type { ValueFormat, Variable } from '../../core/execution.ts';
import type { DecodeContext, Location, SolType } from './model.ts';

/** A parsed expression (syntax tree). */
export type Expression =
  | { readonly kind: 'identifier'; readonly name: string; readonly column: number }
  | { readonly kind: 'number'; readonly value: bigint; readonly column: number }
  | { readonly kind: 'string'; readonly value: string; readonly column: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly column: number }
  | { readonly kind: 'member'; readonly object: Expression; readonly member: string; readonly column: number }
  | { readonly kind: 'index'; readonly object: Expression; readonly index: Expression; readonly column: number }
  | { readonly kind: 'call'; readonly callee: string; readonly args: readonly Expression[]; readonly column: number }
  | { readonly kind: 'unary'; readonly op: '!' | '-'; readonly operand: Expression; readonly column: number }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expression; readonly right: Expression; readonly column: number };

/** A typed value: where it lives and what it is. */
export interface EvalValue {
  readonly type: SolType;
  readonly location: Location;
}

/** What the backend provides at a stop: the names visible in the selected frame and the call's globals. */
export interface EvalEnvironment {
  /** A local, parameter, return variable or state variable visible in the frame; undefined when unknown. */
  lookup(name: string): EvalValue | undefined;
  /**
   * Globals as words: `msg.sender`, `msg.value`, `msg.sig`, `tx.origin`, `tx.gasprice`, `block.number`,
   * `block.timestamp`, `block.chainid`, `block.coinbase`, `block.basefee`, `block.gaslimit`, `this`; undefined when unknown.
   */
  global(name: string): bigint | undefined;
}

/** Parse; throws EvaluationError "parse error at column N: …". */
export function parseExpression(text: string): Expression {
  void text;
  throw new Error('parseExpression: being implemented');
}

/** Evaluate to a typed value; throws EvaluationError with a user-facing message. */
export function evaluateToValue(text: string, env: EvalEnvironment, ctx: DecodeContext): EvalValue {
  void [text, env, ctx];
  throw new Error('evaluateToValue: being implemented');
}

/** Evaluate to a Variable named after the expression, expandable like any variable. */
export function evaluateExpression(text: string, env: EvalEnvironment, ctx: DecodeContext, format: ValueFormat): Variable {
  void [text, env, ctx, format];
  throw new Error('evaluateExpression: being implemented');
}

/** Truth of a condition result: bool true, a non-zero number or address. Throws EvaluationError for other types. */
export function isTruthy(value: EvalValue, ctx: DecodeContext): boolean {
  void [value, ctx];
  throw new Error('isTruthy: being implemented');
}
