// Public API of the Move binary format reader: the module model, the deserializer, names, the disassembler.
export * from './model.ts';
export { MoveFormatError } from './errors.ts';
export { deserialize, deserializeScript, typeParameterBound, type DeserializeOptions } from './deserializer.ts';
export { opcodeName, opcodeByte } from './opcodes.ts';
export { serialize } from './serializer.ts';
export {
  abilitiesText,
  datatypeName,
  functionHandleName,
  identifier,
  moduleHandleId,
  moduleKey,
  selfModuleId,
  selfModuleKey,
  shortAddress,
  substitute,
  typeParameterName,
  typeText,
} from './names.ts';
export {
  constantText,
  disassembleFunction,
  disassembleModule,
  functionHeader,
  instructionText,
  type DisassembleOptions,
  type FunctionNames,
} from './disassembler.ts';
