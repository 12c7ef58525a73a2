// A Foundry project as the test runner needs it: the folders, remappings, fuzz settings, RPC endpoints and
// the per-contract artifacts in out/. Reading foundry.toml (profiles, forge's remapping rules) and out/ is
// language/solidity's job, shared with the language server and the contract debugger; this only shapes it
// for the runner (byte-code strings, artifacts as a list) and turns project errors into user errors.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { AbiItem } from '../../../language/solidity/compile.ts';
import { SolidityProjectError } from '../../../language/solidity/errors.ts';
import { foundryRootOf, readFoundryArtifacts } from '../../../language/solidity/foundry.ts';
import { foundryRemappings, readFoundryConfig } from '../../../language/solidity/foundry-config.ts';

export interface FoundryConfig {
  readonly root: string;
  readonly src: string;
  readonly test: string;
  readonly out: string;
  readonly libs: readonly string[];
  readonly remappings: readonly string[];
  readonly fuzzRuns: number;
  readonly fuzzSeed?: bigint;
  /** [rpc_endpoints]: alias -> URL as written (env references resolved when used). */
  readonly rpcEndpoints: Readonly<Record<string, string>>;
  /** The merged profile's keys, for what cheatcodes read (fs_permissions, optimizer, …). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** The artifact of one contract as forge wrote it. */
export interface FoundryArtifact {
  readonly name: string;
  /** Source unit, e.g. "test/Vm.t.sol". */
  readonly sourceUnit: string;
  readonly abi: readonly AbiItem[];
  readonly bytecode: string;
  readonly deployedBytecode: string;
  readonly linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

/** The folder holding foundry.toml at or above `start` (a file or folder that exists). */
export function findFoundryRoot(start: string): string | undefined {
  return existsSync(start) ? foundryRootOf(start) : undefined;
}

export function loadFoundryConfig(root: string, profile?: string): FoundryConfig {
  let toml;
  try {
    toml = readFoundryConfig(root, profile);
  } catch (e) {
    if (e instanceof SolidityProjectError) throw new UserError(e.message);
    throw e;
  }
  // Environment variables override foundry.toml, as with forge.
  const runs = Number(process.env.FOUNDRY_FUZZ_RUNS ?? toml.fuzz.runs ?? 256);
  const seedText = process.env.FOUNDRY_FUZZ_SEED ?? (toml.fuzz.seed === undefined ? undefined : String(toml.fuzz.seed));
  return {
    root,
    src: toml.src,
    test: toml.test,
    out: toml.out,
    libs: toml.libs,
    remappings: foundryRemappings(root, toml),
    fuzzRuns: Number.isSafeInteger(runs) && runs > 0 ? runs : 256,
    fuzzSeed: seedText !== undefined && /^(0x[0-9a-fA-F]+|\d+)$/.test(seedText) ? BigInt(seedText) : undefined,
    rpcEndpoints: toml.rpcEndpoints,
    raw: toml.raw,
  };
}

const prefixed = (object: string | undefined): string => (!object ? '0x' : object.startsWith('0x') ? object : `0x${object}`);

/** Every contract artifact under out/ (forge's layout: out/<File>.sol/<Contract>[.<version>].json). */
export function readArtifacts(foundry: FoundryConfig): FoundryArtifact[] {
  return [...readFoundryArtifacts(join(foundry.root, foundry.out))].map(([key, a]) => ({
    name: a.name,
    sourceUnit: key.slice(0, key.lastIndexOf(':')),
    abi: a.abi,
    bytecode: prefixed(a.bytecode?.object),
    deployedBytecode: prefixed(a.deployedBytecode?.object),
    linkReferences: a.bytecode?.linkReferences ?? {},
  })).filter((a) => Array.isArray(a.abi));
}

/** The newest modification time of any .sol file under the project's own folders (to tell stale artifacts). */
export function newestSource(foundry: FoundryConfig): number {
  let newest = 0;
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (entry.endsWith('.sol')) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of [foundry.src, foundry.test, 'script']) walk(join(foundry.root, d));
  return newest;
}
