// Truthful, type-directed decoding of Solidity values for the EVM backend.
//
// The backend knows WHERE a value lives (a stack position at a step, a state variable's slot); this
// module knows HOW Solidity lays a type out there (stack words, memory words, ABI-encoded calldata,
// packed storage) and turns it into `Variable` trees for the session. Everything is read through an
// `EvmStateView` bound to one step, lazily: children are decoded only when the user expands them, a
// page at a time. What cannot be read truthfully is shown with hint 'unavailable' and the reason,
// never as a guessed value.
//
// The public API lives here and only grows (additive changes); the implementation is in the sibling
// modules named below.

export type {
  SolType,
  StructMember,
  DataLocation,
  Location,
  EvmStateView,
  KeccakPreimage,
  DecodeContext,
  StateVariable,
  SolcStorageLayout,
  SolcStorageLayoutEntry,
  SolcStorageType,
} from './model.ts';
export { typeLabel, isValueType, storageBytes, storageSlots, memoryReference, parseMemoryReference } from './model.ts';

// Building `SolType`s from solc output: `new TypeRegistry(output.sources)`, then
//   fromVariableDeclaration(node): { type, dataLocation? }   (AST VariableDeclaration: locals, parameters, state)
//   fromTypeName(node): SolType                             (AST TypeName)
//   fromStorageType(key, layout.types): SolType             (storageLayout `types` table entry)
//   byId(astId), byName('Color' | 'Store.Color'): SolType  (declared structs, enums, contracts, value types)
export { TypeRegistry, elementaryType } from './types.ts';

// Decoding values into `Variable` trees.
//   decodeValue(name, type, location, ctx, format, evaluateName?): Variable
//   decodeStateVariables(variables, ctx): Children            (the contract state scope, paged)
//   stateVariablesFromLayout(layout, registry, transient?): StateVariable[]
//   formatWord(type, word, format): string                     (one value type, e.g. for return values)
export { decodeValue, decodeStateVariables, stateVariablesFromLayout, formatWord } from './values.ts';

// Failure reasons: Error(string), Panic(uint256), custom errors from any known ABI, raw data otherwise.
//   decodeRevert(data, abis): RevertReason
//   panicMeaning(code): string
export type { RevertReason } from './revert.ts';
export { decodeRevert, panicMeaning } from './revert.ts';

// The expression evaluator behind evaluate / watch / hover / conditional breakpoints / logpoints.
//   parseExpression(text): Expression                          (throws EvaluationError "… at column N")
//   evaluateExpression(text, env, ctx, format): Variable       (expandable like any variable)
//   evaluateToValue(text, env, ctx): EvalValue                 (typed result: for conditions, data breakpoints)
//   isTruthy(value, ctx): boolean                              (bool true / non-zero number / non-zero address)
// EvalEnvironment.typeByName (optional; e.g. `(n) => registry.byName(n)`) enables enum members `Color.Red`.
// A data breakpoint on an expression can use evaluateToValue(...).location (kind 'storage': slot and offset).
export type { Expression, EvalEnvironment, EvalValue } from './evaluate.ts';
export { parseExpression, evaluateExpression, evaluateToValue, isTruthy } from './evaluate.ts';
