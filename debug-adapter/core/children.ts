// Children for a short list that is already at hand (a scope's few entries, a struct's fields): named
// entries only, paged by slicing. Long or lazily decoded collections implement `Children` themselves.
import type { Children, Variable } from './execution.ts';

export function listChildren(vars: readonly Variable[]): Children {
  return {
    named: vars.length,
    indexed: 0,
    get: (kind, start, count) => (kind === 'indexed' ? [] : vars.slice(start, start + count)),
  };
}
