// Backend values (Variable, Scope) as DAP variables and scopes, registering expandable children in the
// stop's handle table so they can be fetched page by page.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Scope, ValueFormat, Variable } from '../core/execution.ts';
import type { StopHandles } from './handles.ts';

export interface ValueContext {
  readonly handles: StopHandles;
  readonly step: number;
  readonly frameIndex: number;
}

function hint(v: Variable): DebugProtocol.VariablePresentationHint | undefined {
  if (v.hint === 'readOnly' || v.hint === 'unavailable') return { attributes: ['readOnly'] };
  if (v.hint === 'virtual') return { kind: 'virtual', attributes: ['readOnly'] };
  return undefined;
}

/** The reference and counts of a value's children (0 when it has none). */
function expand(v: Variable, ctx: ValueContext): { variablesReference: number; namedVariables?: number; indexedVariables?: number } {
  const c = v.children;
  if (!c || c.named + c.indexed === 0) return { variablesReference: 0 };
  const ref = ctx.handles.addChildren({
    children: c,
    step: ctx.step,
    frameIndex: ctx.frameIndex,
    ...(v.evaluateName !== undefined ? { container: v.evaluateName } : {}),
  });
  return {
    variablesReference: ref,
    ...(c.named > 0 ? { namedVariables: c.named } : {}),
    ...(c.indexed > 0 ? { indexedVariables: c.indexed } : {}),
  };
}

export function toDapVariable(v: Variable, ctx: ValueContext): DebugProtocol.Variable {
  const h = hint(v);
  return {
    name: v.name,
    value: v.value,
    ...(v.type !== undefined ? { type: v.type } : {}),
    ...(v.evaluateName !== undefined ? { evaluateName: v.evaluateName } : {}),
    ...(v.memoryReference !== undefined ? { memoryReference: v.memoryReference } : {}),
    ...(h ? { presentationHint: h } : {}),
    ...expand(v, ctx),
  };
}

export function toDapEvaluation(v: Variable, ctx: ValueContext): DebugProtocol.EvaluateResponse['body'] {
  const h = hint(v);
  return {
    result: v.value,
    ...(v.type !== undefined ? { type: v.type } : {}),
    ...(v.memoryReference !== undefined ? { memoryReference: v.memoryReference } : {}),
    ...(h ? { presentationHint: h } : {}),
    ...expand(v, ctx),
  };
}

export function toDapScope(s: Scope, ctx: ValueContext): DebugProtocol.Scope {
  const ref = ctx.handles.addChildren({ children: s.children, step: ctx.step, frameIndex: ctx.frameIndex });
  return {
    name: s.name,
    ...(s.kind ? { presentationHint: s.kind } : {}),
    variablesReference: ref,
    namedVariables: s.children.named,
    indexedVariables: s.children.indexed,
    expensive: s.expensive,
  };
}

/** Children for a variables request: `count` 0 or absent means all of the chosen kind from `start`. */
export function page(
  entry: { children: import('../core/execution.ts').Children },
  args: DebugProtocol.VariablesArguments,
  format: ValueFormat,
): Variable[] {
  const c = entry.children;
  const kind = args.filter;
  const start = Math.max(0, args.start ?? 0);
  const total = kind === 'named' ? c.named : kind === 'indexed' ? c.indexed : c.named + c.indexed;
  const count = args.count && args.count > 0 ? Math.min(args.count, total - start) : total - start;
  if (count <= 0) return [];
  return c.get(kind, start, count, format);
}
