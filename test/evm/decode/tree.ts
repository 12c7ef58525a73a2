// Turns decoded Variable trees into plain values (arrays, objects keyed by child name, leaf strings) so a
// test can compare a whole tree with the values the contract itself returned.

import type { Children, Variable } from '../../../debug-adapter/core/execution.ts';

export type Plain = string | Plain[] | { [name: string]: Plain };

export function plain(variable: Variable, hex = false): Plain {
  if (!variable.children) return variable.value;
  return plainChildren(variable.children, hex);
}

export function plainChildren(children: Children, hex = false): Plain {
  const format = { hex };
  if (children.indexed > 0 || children.named === 0) {
    return children.get('indexed', 0, children.indexed, format).map((child) => plain(child, hex));
  }
  const out: { [name: string]: Plain } = {};
  for (const child of children.get('named', 0, children.named, format)) out[child.name] = plain(child, hex);
  return out;
}

/** A child by name (named children) or `[i]` (indexed). */
export function child(variable: Variable, name: string): Variable {
  const children = variable.children;
  if (!children) throw new Error(`${variable.name} has no children`);
  const all = children.get(undefined, 0, children.named + children.indexed, { hex: false });
  const found = all.find((c) => c.name === name);
  if (!found) throw new Error(`${variable.name} has no child ${name} (has ${all.map((c) => c.name).join(', ')})`);
  return found;
}
