// Variables of optimized and via-IR builds. Their stack layout cannot be trusted (values move between slots,
// functions are inlined, dead values are dropped), so a variable's value is shown only where it does not come
// from the stack and is provably right: an external call's argument read from its ABI-encoded calldata, when
// the function never writes that parameter. Everything else is "unavailable (optimized)".
import type { AstNode } from '../build/compile.ts';
import type { Location, SolType } from '../decode/index.ts';
import { abiHeadSize, isAbiDynamic } from '../decode/layout.ts';

/** Shown for a variable whose value the optimized code does not let us read truthfully. */
export const UNAVAILABLE: Location = { kind: 'unavailable', reason: 'optimized' };

const SELECTOR = 4;
const WORD = 32;

const written = new WeakMap<AstNode, Set<number>>();

/**
 * AST ids of the variables a function may change: assigned (also as part of a larger left-hand side, so
 * `a[i] = 1` counts `i` too: erring towards "may change" only hides a value), incremented, decremented,
 * deleted, or referenced from inline assembly (which can assign to them).
 */
export function writtenDeclarations(fn: AstNode): ReadonlySet<number> {
  let ids = written.get(fn);
  if (ids) return ids;
  const found = new Set<number>();
  const identifiers = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const n of node) identifiers(n); return; }
    const n = node as AstNode;
    if (n.nodeType === 'Identifier' && typeof n.referencedDeclaration === 'number') found.add(n.referencedDeclaration);
    for (const value of Object.values(n)) if (value && typeof value === 'object') identifiers(value);
  };
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const n of node) walk(n); return; }
    const n = node as AstNode;
    if (n.nodeType === 'Assignment') identifiers(n.leftHandSide);
    else if (n.nodeType === 'UnaryOperation' && ['++', '--', 'delete'].includes(String(n.operator))) identifiers(n.subExpression);
    else if (n.nodeType === 'InlineAssembly') {
      for (const r of (n.externalReferences as { declaration?: unknown }[] | undefined) ?? []) if (typeof r.declaration === 'number') found.add(r.declaration);
    }
    for (const value of Object.values(n)) if (value && typeof value === 'object') walk(value);
  };
  walk(fn.body);
  written.set(fn, (ids = found));
  return ids;
}

/**
 * Where each argument of an external call lives in its calldata (selector, then the ABI-encoded arguments):
 * the head of static values; for dynamic ones the data their head points to. `types` are all the
 * function's parameters in order (unnamed ones too: they take head space). Unreadable encodings come back
 * unavailable with the reason.
 */
export function argumentLocations(types: readonly SolType[], calldata: Uint8Array): Location[] {
  const word = (offset: number): bigint | undefined => {
    if (offset + WORD > calldata.length) return undefined;
    let v = 0n;
    for (let i = offset; i < offset + WORD; i++) v = (v << 8n) | BigInt(calldata[i]!);
    return v;
  };
  const out: Location[] = [];
  let head = SELECTOR;
  for (const type of types) {
    out.push(locate(type, head, word, calldata.length));
    head += abiHeadSize(type);
  }
  return out;
}

function locate(type: SolType, head: number, word: (offset: number) => bigint | undefined, size: number): Location {
  const short: Location = { kind: 'unavailable', reason: 'calldata too short' };
  if (!isAbiDynamic(type)) return head + abiHeadSize(type) <= size ? { kind: 'calldata', offset: head } : short;
  const relative = word(head);
  if (relative === undefined || relative > BigInt(size)) return short;
  const at = SELECTOR + Number(relative);
  const dynamicLength = type.kind === 'bytes' || type.kind === 'string' || (type.kind === 'array' && type.length === undefined);
  if (!dynamicLength) return { kind: 'calldata', offset: at };
  const length = word(at);
  if (length === undefined || length > BigInt(size)) return short;
  return { kind: 'calldata', offset: at + WORD, length: Number(length) };
}
