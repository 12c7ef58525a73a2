// Reads Sui `debug_info/<module>.mvd`: the same debug info as the `.json` next to it, in BCS. Builds may
// ship either; the loader prefers the JSON and falls back to this. Locations are a 32-byte file hash
// plus u32 start/end; table indices and code offsets are u16.
import { bcs, type BcsType } from '@mysten/bcs';
import { UserError } from '../../core/errors.ts';
import {
  bytesHex as hex,
  locFromBcs as loc,
  namesFromBcs as names,
  functionFromBcs,
  FunctionSourceMap,
  type EnumSourceMap,
  type ModuleSourceMap,
  type StructSourceMap,
} from './source-map.ts';

const LocBcs = bcs.struct('Loc', { file_hash: bcs.fixedArray(32, bcs.u8()), start: bcs.u32(), end: bcs.u32() });
const SourceNameBcs = bcs.tuple([bcs.string(), LocBcs]);

function map<K, V>(key: BcsType<K>, value: BcsType<V>) {
  return bcs.vector(bcs.tuple([key, value]));
}

const DebugInfoBcs = bcs.struct('DebugInfo', {
  version: bcs.u64(),
  from_file_path: bcs.option(bcs.string()),
  definition_location: LocBcs,
  module_name: bcs.tuple([bcs.fixedArray(32, bcs.u8()), bcs.string()]),
  struct_map: map(bcs.u16(), bcs.struct('StructDebugInfo', {
    definition_location: LocBcs,
    type_parameters: bcs.vector(SourceNameBcs),
    fields: bcs.vector(LocBcs),
  })),
  enum_map: map(bcs.u16(), bcs.struct('EnumDebugInfo', {
    definition_location: LocBcs,
    type_parameters: bcs.vector(SourceNameBcs),
    variants: bcs.vector(bcs.tuple([SourceNameBcs, bcs.vector(LocBcs)])),
  })),
  function_map: map(bcs.u16(), bcs.struct('FunctionDebugInfo', {
    location: LocBcs,
    definition_location: LocBcs,
    type_parameters: bcs.vector(SourceNameBcs),
    parameters: bcs.vector(SourceNameBcs),
    returns: bcs.vector(LocBcs),
    locals: bcs.vector(SourceNameBcs),
    nops: map(bcs.string(), bcs.u16()),
    code_map: map(bcs.u16(), LocBcs),
    is_native: bcs.bool(),
  })),
  constant_map: map(bcs.string(), bcs.u16()),
});

type LocValue = { file_hash: number[]; start: number; end: number };
type Names = [string, LocValue][];
interface DebugInfoValue {
  version: string;
  definition_location: LocValue;
  module_name: [number[], string];
  struct_map: [number, { definition_location: LocValue; type_parameters: Names; fields: LocValue[] }][];
  enum_map: [number, { definition_location: LocValue; type_parameters: Names; variants: [[string, LocValue], LocValue[]][] }][];
  function_map: [number, {
    location: LocValue;
    definition_location: LocValue;
    type_parameters: Names;
    parameters: Names;
    returns: LocValue[];
    locals: Names;
    nops: [string, number][];
    code_map: [number, LocValue][];
    is_native: boolean;
  }][];
  constant_map: [string, number][];
}

/** Parses a Sui `.mvd` file. `fileName` is used in error messages. */
export function parseSuiDebugInfoBcs(bytes: Uint8Array, fileName: string): ModuleSourceMap {
  let value: DebugInfoValue;
  try {
    value = DebugInfoBcs.parse(bytes) as unknown as DebugInfoValue;
    const length = DebugInfoBcs.serialize(value as never).toBytes().length;
    if (length !== bytes.length) throw new Error(`${bytes.length - length} unexpected bytes at the end`);
  } catch (error) {
    throw new UserError(`Invalid Move debug info ${fileName}: ${(error as Error).message}`);
  }
  const structs = new Map<number, StructSourceMap>();
  for (const [index, s] of value.struct_map) {
    structs.set(index, {
      definitionIndex: index,
      definitionLocation: loc(s.definition_location),
      typeParameters: names(s.type_parameters),
      fields: s.fields.map(loc),
    });
  }
  const enums = new Map<number, EnumSourceMap>();
  for (const [index, e] of value.enum_map) {
    enums.set(index, {
      definitionIndex: index,
      definitionLocation: loc(e.definition_location),
      typeParameters: names(e.type_parameters),
      variants: e.variants.map(([[name, l], fields]) => ({ name, location: loc(l), fields: fields.map(loc) })),
    });
  }
  const functions = new Map<number, FunctionSourceMap>();
  for (const [index, f] of value.function_map) functions.set(index, functionFromBcs(index, f));
  const version = Number(value.version);
  return {
    format: 'sui-debug-info',
    ...(Number.isSafeInteger(version) ? { version } : {}),
    definitionLocation: loc(value.definition_location),
    module: { address: `0x${hex(value.module_name[0])}`, name: value.module_name[1] },
    structs,
    enums,
    functions,
    constants: new Map(value.constant_map),
  };
}
