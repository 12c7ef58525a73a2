// Compact ASTs of solc before 0.5 say what a function is with `isConstructor` and an empty name (the
// fallback) instead of `kind`. Filled in place so the debugger reads one shape for every release.
import type { AstNode } from './compile.ts';

export function normalizeAst(node: AstNode): void {
  const n = node as { -readonly [k in keyof AstNode]: AstNode[k] } & Record<string, unknown>;
  if (n.nodeType === 'FunctionDefinition' && n.kind === undefined) {
    n.kind = n.isConstructor === true ? 'constructor' : n.name === '' ? 'fallback' : 'function';
  }
  for (const value of Object.values(n)) {
    if (Array.isArray(value)) { for (const v of value) if (isNode(v)) normalizeAst(v); }
    else if (isNode(value)) normalizeAst(value);
  }
}

const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && typeof (v as { nodeType?: unknown }).nodeType === 'string';
