// Decoding values of every Solidity type from the stack, memory, calldata and storage into Variable trees.

import type { Children, ValueFormat, Variable } from '../../core/execution.ts';
import type { DecodeContext, Location, SolType, SolcStorageLayout, StateVariable } from './model.ts';
import type { TypeRegistry } from './types.ts';

/**
 * Decode one value. `evaluateName` defaults to `name`; children get `name.member` / `name[i]` / `name[key]`.
 * Never throws for unreadable data: such values come back with hint 'unavailable' and the reason.
 */
export function decodeValue(
  name: string,
  type: SolType,
  location: Location,
  ctx: DecodeContext,
  format: ValueFormat,
  evaluateName?: string,
): Variable {
  void [name, type, location, ctx, format, evaluateName];
  throw new Error('decodeValue: being implemented');
}

/** The contract state scope: every state variable, decoded lazily page by page. */
export function decodeStateVariables(variables: readonly StateVariable[], ctx: DecodeContext): Children {
  void [variables, ctx];
  throw new Error('decodeStateVariables: being implemented');
}

/** State variables of one contract from solc's storageLayout (or transientStorageLayout, with `transient`). */
export function stateVariablesFromLayout(layout: SolcStorageLayout, registry: TypeRegistry, transient = false): StateVariable[] {
  void [layout, registry, transient];
  throw new Error('stateVariablesFromLayout: being implemented');
}

/** One value-type word as text: `42`, `-1`, `true`, `0xAbC…` (checksummed), `0x00ff`, `Color.Red`. */
export function formatWord(type: SolType, word: bigint, format: ValueFormat): string {
  void [type, word, format];
  throw new Error('formatWord: being implemented');
}
