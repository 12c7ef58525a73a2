// Visits every node of a piece of AST (expressions, statements, patterns, types) without knowing each
// node's shape: for questions about a whole body ("does it use global storage?", "which places are
// assigned?") that a typed visitor would answer with one case per node kind. Iterative: bodies nest deeply.
import type { Block } from './ast.ts';

/** Calls `visit` with every object node under `root` (root included), parents before children. */
export function forEachNode(root: Block, visit: (node: { readonly kind?: string }) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const n of node) stack.push(n);
      continue;
    }
    visit(node as { kind?: string });
    for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
  }
}
