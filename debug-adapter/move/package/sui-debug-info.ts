// Reads Sui JSON source maps: `debug_info/<module>.json` (with `version`, function `location`, `returns`,
// `nops`) and the older `source_maps/<module>.json` / disassembly bytecode maps (same shape, fewer fields).
// File hashes come as a 32-number array or, from newer compilers, a hex string.
import { UserError } from '../../core/errors.ts';
import {
  FunctionSourceMap,
  sourceName,
  type EnumSourceMap,
  type EnumVariantSourceMap,
  type Loc,
  type ModuleSourceMap,
  type SourceName,
  type StructSourceMap,
} from './source-map.ts';

/** Parses the text (or bytes) of a Sui JSON source map. `fileName` is used in error messages. */
export function parseSuiSourceMap(content: string | Uint8Array, fileName: string): ModuleSourceMap {
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`Invalid Move debug info ${fileName}: not JSON (${(error as Error).message})`);
  }
  return new JsonReader(fileName).module(json);
}

type Json = unknown;

class JsonReader {
  constructor(private readonly fileName: string) {}

  private fail(path: string, detail: string): never {
    throw new UserError(`Invalid Move debug info ${this.fileName}: ${path}: ${detail}`);
  }

  private object(value: Json, path: string): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'expected an object');
    return value as Record<string, Json>;
  }

  private array(value: Json, path: string): Json[] {
    if (!Array.isArray(value)) this.fail(path, 'expected an array');
    return value;
  }

  private uint(value: Json, path: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) this.fail(path, 'expected a non-negative integer');
    return value;
  }

  private string(value: Json, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'expected a string');
    return value;
  }

  private index(key: string, path: string): number {
    if (!/^\d+$/.test(key)) this.fail(path, `expected a numeric key, found ${JSON.stringify(key)}`);
    return Number(key);
  }

  fileHash(value: Json, path: string): string {
    if (typeof value === 'string') {
      const hex = value.replace(/^0x/i, '').toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(hex)) this.fail(path, 'expected a 32-byte hex file hash');
      return hex;
    }
    const bytes = this.array(value, path);
    if (bytes.length !== 32) this.fail(path, `expected 32 bytes, found ${bytes.length}`);
    let hex = '';
    for (let i = 0; i < 32; i++) {
      const b = bytes[i];
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) this.fail(`${path}[${i}]`, 'expected a byte');
      hex += b.toString(16).padStart(2, '0');
    }
    return hex;
  }

  loc(value: Json, path: string): Loc {
    const o = this.object(value, path);
    const start = this.uint(o.start, `${path}.start`);
    const end = this.uint(o.end, `${path}.end`);
    if (end < start) this.fail(path, `range ends (${end}) before it starts (${start})`);
    return { fileHash: this.fileHash(o.file_hash, `${path}.file_hash`), start, end };
  }

  private names(value: Json, path: string): SourceName[] {
    return this.array(value ?? [], path).map((entry, i) => {
      const pair = this.array(entry, `${path}[${i}]`);
      if (pair.length !== 2) this.fail(`${path}[${i}]`, 'expected [name, location]');
      return sourceName(this.string(pair[0], `${path}[${i}][0]`), this.loc(pair[1], `${path}[${i}][1]`));
    });
  }

  module(value: Json): ModuleSourceMap {
    const o = this.object(value, '$');
    const version = o.version === undefined ? undefined : this.uint(o.version, '$.version');
    let module: { address: string; name: string } | undefined;
    if (o.module_name !== undefined && o.module_name !== null) {
      const pair = this.array(o.module_name, '$.module_name');
      if (pair.length !== 2) this.fail('$.module_name', 'expected [address, name]');
      const address = this.string(pair[0], '$.module_name[0]').replace(/^0x/i, '').toLowerCase();
      if (!/^[0-9a-f]{1,64}$/.test(address)) this.fail('$.module_name[0]', 'expected a hex address');
      module = { address: `0x${address.padStart(64, '0')}`, name: this.string(pair[1], '$.module_name[1]') };
    }

    const structs = new Map<number, StructSourceMap>();
    for (const [key, entry] of Object.entries(this.object(o.struct_map ?? {}, '$.struct_map'))) {
      const path = `$.struct_map.${key}`;
      const s = this.object(entry, path);
      const index = this.index(key, path);
      structs.set(index, {
        definitionIndex: index,
        definitionLocation: this.loc(s.definition_location, `${path}.definition_location`),
        typeParameters: this.names(s.type_parameters, `${path}.type_parameters`),
        fields: this.array(s.fields ?? [], `${path}.fields`).map((f, i) => this.loc(f, `${path}.fields[${i}]`)),
      });
    }

    const enums = new Map<number, EnumSourceMap>();
    for (const [key, entry] of Object.entries(this.object(o.enum_map ?? {}, '$.enum_map'))) {
      const path = `$.enum_map.${key}`;
      const e = this.object(entry, path);
      const index = this.index(key, path);
      const variants = this.array(e.variants ?? [], `${path}.variants`).map((v, i): EnumVariantSourceMap => {
        const vpath = `${path}.variants[${i}]`;
        const pair = this.array(v, vpath);
        if (pair.length !== 2) this.fail(vpath, 'expected [[name, location], fields]');
        const head = this.array(pair[0], `${vpath}[0]`);
        if (head.length !== 2) this.fail(`${vpath}[0]`, 'expected [name, location]');
        return {
          name: this.string(head[0], `${vpath}[0][0]`),
          location: this.loc(head[1], `${vpath}[0][1]`),
          fields: this.array(pair[1], `${vpath}[1]`).map((f, j) => this.loc(f, `${vpath}[1][${j}]`)),
        };
      });
      enums.set(index, {
        definitionIndex: index,
        definitionLocation: this.loc(e.definition_location, `${path}.definition_location`),
        typeParameters: this.names(e.type_parameters, `${path}.type_parameters`),
        variants,
      });
    }

    const functions = new Map<number, FunctionSourceMap>();
    for (const [key, entry] of Object.entries(this.object(o.function_map ?? {}, '$.function_map'))) {
      const path = `$.function_map.${key}`;
      const f = this.object(entry, path);
      const index = this.index(key, path);
      const codeMap = new Map<number, Loc>();
      for (const [pc, loc] of Object.entries(this.object(f.code_map ?? {}, `${path}.code_map`))) {
        codeMap.set(this.index(pc, `${path}.code_map`), this.loc(loc, `${path}.code_map.${pc}`));
      }
      const nops = new Map<string, number>();
      for (const [label, pc] of Object.entries(this.object(f.nops ?? {}, `${path}.nops`))) {
        nops.set(label, this.uint(pc, `${path}.nops.${label}`));
      }
      if (f.is_native !== undefined && typeof f.is_native !== 'boolean') this.fail(`${path}.is_native`, 'expected a boolean');
      functions.set(index, new FunctionSourceMap(
        index,
        this.loc(f.definition_location, `${path}.definition_location`),
        this.names(f.type_parameters, `${path}.type_parameters`),
        this.names(f.parameters, `${path}.parameters`),
        this.names(f.locals, `${path}.locals`),
        codeMap,
        f.is_native === true,
        f.location === undefined ? undefined : this.loc(f.location, `${path}.location`),
        this.array(f.returns ?? [], `${path}.returns`).map((r, i) => this.loc(r, `${path}.returns[${i}]`)),
        nops,
      ));
    }

    const constants = new Map<string, number>();
    for (const [name, index] of Object.entries(this.object(o.constant_map ?? {}, '$.constant_map'))) {
      constants.set(name, this.uint(index, `$.constant_map.${name}`));
    }

    return {
      // Maps written next to a disassembly (`from_file_path`) describe the .mvb text, like the older source maps.
      format: version !== undefined && o.from_file_path === undefined ? 'sui-debug-info' : 'sui-source-map',
      ...(version !== undefined ? { version } : {}),
      definitionLocation: this.loc(o.definition_location, '$.definition_location'),
      ...(module ? { module } : {}),
      structs,
      enums,
      functions,
      constants,
    };
  }
}

