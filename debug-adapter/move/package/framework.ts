// Sui framework snapshots (`sui-framework/<version>/0x1.bcs`, `0x2.bcs`): BCS of the system package as
// the Sui repository stores it, `{ id: address, modules: vector<vector<u8>>, dependencies: vector<address> }`.
// Each module is a compiled Sui module.
import { readFileSync } from 'node:fs';
import { bcs } from '@mysten/bcs';
import { UserError } from '../../core/errors.ts';
import { deserialize } from '../binary/deserializer.ts';
import type { CompiledModule } from '../binary/model.ts';

const Address = bcs.fixedArray(32, bcs.u8());
const SystemPackage = bcs.struct('SingleSystemPackage', {
  id: Address,
  modules: bcs.vector(bcs.byteVector()),
  dependencies: bcs.vector(Address),
});

export interface FrameworkSnapshot {
  /** Package address, `0x` + 64 hex digits. */
  readonly packageId: string;
  readonly modules: readonly CompiledModule[];
  /** Addresses of the packages this one depends on. */
  readonly dependencies: readonly string[];
}

function hexAddress(bytes: readonly number[]): string {
  return `0x${bytes.map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Parses snapshot bytes; `name` (usually the file name) appears in errors. */
export function parseFrameworkSnapshot(bytes: Uint8Array, name: string): FrameworkSnapshot {
  let value: { id: number[]; modules: Uint8Array[]; dependencies: number[][] };
  try {
    value = SystemPackage.parse(bytes) as typeof value;
    const consumed = SystemPackage.serialize(value as never).toBytes().length;
    if (consumed !== bytes.length) throw new Error(`${bytes.length - consumed} unexpected bytes after the package`);
  } catch (error) {
    throw new UserError(`Invalid Sui framework snapshot ${name}: ${(error as Error).message}`);
  }
  const modules = value.modules.map((moduleBytes, i) => deserialize(Uint8Array.from(moduleBytes), `${name} (module ${i})`, { flavour: 'sui' }));
  return { packageId: hexAddress(value.id), modules, dependencies: value.dependencies.map(hexAddress) };
}

/** Reads a snapshot file. */
export function loadFrameworkSnapshot(path: string): FrameworkSnapshot {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(`Cannot read Sui framework snapshot ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseFrameworkSnapshot(bytes, path);
}
