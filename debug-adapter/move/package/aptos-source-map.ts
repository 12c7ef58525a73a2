// Reads Aptos `source_maps/<module>.mvsm`: BCS of move-bytecode-source-map's SourceMap. Locations are a
// 32-byte file hash plus u32 start/end; table indices and code offsets are u16; the module name is an
// Option. Two schema generations exist: struct fields as one list (older, e.g. 2024 builds) or one list
// per variant (compilers with struct variants). Each is tried, and only a parse that consumes the whole
// file exactly is accepted.
import { bcs, type BcsType } from '@mysten/bcs';
import { UserError } from '../../core/errors.ts';
import { functionFromBcs, FunctionSourceMap, bytesHex as hex, locFromBcs as loc, namesFromBcs as names, type ModuleSourceMap, type StructSourceMap } from './source-map.ts';

const LocBcs = bcs.struct('Loc', {
  file_hash: bcs.fixedArray(32, bcs.u8()),
  start: bcs.u32(),
  end: bcs.u32(),
});
const SourceNameBcs = bcs.tuple([bcs.string(), LocBcs]);

function map<K, V>(key: BcsType<K>, value: BcsType<V>) {
  // BTreeMap: a length-prefixed list of (key, value) pairs.
  return bcs.vector(bcs.tuple([key, value]));
}

const FunctionBcs = bcs.struct('FunctionSourceMap', {
  definition_location: LocBcs,
  type_parameters: bcs.vector(SourceNameBcs),
  parameters: bcs.vector(SourceNameBcs),
  locals: bcs.vector(SourceNameBcs),
  nops: map(bcs.string(), bcs.u16()),
  code_map: map(bcs.u16(), LocBcs),
  is_native: bcs.bool(),
});

function sourceMapSchema<F>(fields: BcsType<F>) {
  return bcs.struct('SourceMap', {
    definition_location: LocBcs,
    module_name_opt: bcs.option(bcs.tuple([bcs.fixedArray(32, bcs.u8()), bcs.string()])),
    struct_map: map(bcs.u16(), bcs.struct('StructSourceMap', {
      definition_location: LocBcs,
      type_parameters: bcs.vector(SourceNameBcs),
      fields,
    })),
    function_map: map(bcs.u16(), FunctionBcs),
    constant_map: map(bcs.string(), bcs.u16()),
  });
}

const FlatSchema = sourceMapSchema(bcs.vector(LocBcs));
const VariantSchema = sourceMapSchema(bcs.vector(bcs.vector(LocBcs)));

type LocValue = { file_hash: number[]; start: number; end: number };

/** Parses an Aptos `.mvsm` file. `fileName` is used in error messages. */
export function parseAptosSourceMap(bytes: Uint8Array, fileName: string): ModuleSourceMap {
  let lastError: unknown;
  for (const schema of [FlatSchema, VariantSchema] as const) {
    try {
      const value = schema.parse(bytes);
      // BCS is canonical: re-encoding must give back exactly the input, or this schema is the wrong one.
      const again = schema.serialize(value as never).toBytes();
      if (again.length !== bytes.length) throw new Error(`${bytes.length - again.length} bytes left over`);
      return convert(value as FlatOrVariant);
    } catch (error) {
      lastError = error;
    }
  }
  throw new UserError(`Invalid Aptos source map ${fileName}: ${(lastError as Error)?.message ?? 'unreadable'}`);
}

/**
 * Writes an Aptos `.mvsm` in the schema `aptos move compile` writes for modules without struct variants
 * (fields as one list). Maps are BTreeMaps: entries must be sorted by key (our compiler's writer sorts).
 */
export function serializeAptosSourceMap(value: AptosSourceMapValue): Uint8Array {
  return FlatSchema.serialize(value as never).toBytes();
}

/** The flat schema's value (struct fields as one list), as BCS encodes it. */
export type AptosSourceMapValue = FlatOrVariant & { struct_map: [number, { fields: LocValue[] }][] };

interface FlatOrVariant {
  definition_location: LocValue;
  module_name_opt: [number[], string] | null | undefined;
  struct_map: [number, { definition_location: LocValue; type_parameters: [string, LocValue][]; fields: LocValue[] | LocValue[][] }][];
  function_map: [number, {
    definition_location: LocValue;
    type_parameters: [string, LocValue][];
    parameters: [string, LocValue][];
    locals: [string, LocValue][];
    nops: [string, number][];
    code_map: [number, LocValue][];
    is_native: boolean;
  }][];
  constant_map: [string, number][];
}

function convert(value: FlatOrVariant): ModuleSourceMap {
  const structs = new Map<number, StructSourceMap>();
  for (const [index, s] of value.struct_map) {
    const nested = s.fields.length > 0 && Array.isArray(s.fields[0]);
    const variantFields = nested ? (s.fields as LocValue[][]).map((v) => v.map(loc)) : undefined;
    structs.set(index, {
      definitionIndex: index,
      definitionLocation: loc(s.definition_location),
      typeParameters: names(s.type_parameters),
      fields: variantFields ? (variantFields[0] ?? []) : (s.fields as LocValue[]).map(loc),
      ...(variantFields && variantFields.length > 1 ? { variantFields } : {}),
    });
  }
  const functions = new Map<number, FunctionSourceMap>();
  for (const [index, f] of value.function_map) functions.set(index, functionFromBcs(index, f));
  const moduleName = value.module_name_opt;
  return {
    format: 'aptos-source-map',
    definitionLocation: loc(value.definition_location),
    ...(moduleName ? { module: { address: `0x${hex(moduleName[0])}`, name: moduleName[1] } } : {}),
    structs,
    enums: new Map(),
    functions,
    constants: new Map(value.constant_map),
  };
}
