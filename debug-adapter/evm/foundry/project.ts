// A Foundry project as forge sees it, minimally: foundry.toml's profile (folders, remappings, fuzz runs and
// seed), remappings from remappings.txt and lib/, and the per-contract artifacts forge writes to out/.
// (Helper h5 builds the full reader for out/, profiles and remappings; this is what tests need now, kept
// small so the two can be unified.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { UserError } from '../../core/errors.ts';
import type { AbiItem } from '../../../language/solidity/compile.ts';

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
  /** Env-var-free keys forge passes to cheatcodes (fs_permissions etc. are not modelled). */
  readonly raw: Record<string, unknown>;
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

export function isFoundryProject(dir: string): boolean {
  return existsSync(join(dir, 'foundry.toml'));
}

/** The folder holding foundry.toml at or above `start`. */
export function findFoundryRoot(start: string): string | undefined {
  let dir = resolve(start);
  try { if (!statSync(dir).isDirectory()) dir = resolve(dir, '..'); } catch { return undefined; }
  for (;;) {
    if (isFoundryProject(dir)) return dir;
    const up = resolve(dir, '..');
    if (up === dir) return undefined;
    dir = up;
  }
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;
}

export function loadFoundryConfig(root: string, profile = process.env.FOUNDRY_PROFILE || 'default'): FoundryConfig {
  const file = join(root, 'foundry.toml');
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
  const profiles = (doc.profile ?? {}) as Record<string, Record<string, unknown>>;
  // A named profile inherits the default one (forge's rule), key by key.
  const merged: Record<string, unknown> = { ...(profiles.default ?? {}), ...(profile !== 'default' ? profiles[profile] ?? {} : {}) };
  const fuzz = { ...((profiles.default?.fuzz ?? {}) as Record<string, unknown>), ...((merged.fuzz ?? {}) as Record<string, unknown>), ...((doc.fuzz ?? {}) as Record<string, unknown>) };
  const libs = strings(merged.libs) ?? ['lib'];
  const remappings = [...(strings(merged.remappings) ?? [])];
  const txt = join(root, 'remappings.txt');
  if (existsSync(txt)) for (const line of readFileSync(txt, 'utf8').split('\n')) if (line.trim() && !line.trim().startsWith('#')) remappings.push(line.trim());
  // forge's automatic remappings: lib/<name>/src (or lib/<name>) under `<name>/`, unless one is given.
  for (const lib of libs) {
    const dir = join(root, lib);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (remappings.some((r) => r.startsWith(`${name}/=`))) continue;
      const base = existsSync(join(dir, name, 'src')) ? `${lib}/${name}/src/` : `${lib}/${name}/`;
      remappings.push(`${name}/=${base}`);
    }
  }
  const runs = Number(process.env.FOUNDRY_FUZZ_RUNS ?? fuzz.runs ?? 256);
  const seedText = process.env.FOUNDRY_FUZZ_SEED ?? (fuzz.seed === undefined ? undefined : String(fuzz.seed));
  return {
    root,
    src: typeof merged.src === 'string' ? merged.src : 'src',
    test: typeof merged.test === 'string' ? merged.test : 'test',
    out: typeof merged.out === 'string' ? merged.out : 'out',
    libs,
    remappings,
    fuzzRuns: Number.isSafeInteger(runs) && runs > 0 ? runs : 256,
    fuzzSeed: seedText !== undefined && /^(0x[0-9a-fA-F]+|\d+)$/.test(seedText) ? BigInt(seedText) : undefined,
    raw: merged,
    rpcEndpoints: Object.fromEntries(Object.entries((doc.rpc_endpoints ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string')),
  };
}

interface RawArtifact {
  abi?: AbiItem[];
  bytecode?: { object?: string; linkReferences?: FoundryArtifact['linkReferences'] };
  deployedBytecode?: { object?: string };
  metadata?: { settings?: { compilationTarget?: Record<string, string> } };
  ast?: { absolutePath?: string };
}

/** Every contract artifact under out/ (forge's layout: out/<File>.sol/<Contract>[.<version>].json). */
export function readArtifacts(foundry: FoundryConfig): FoundryArtifact[] {
  const out = join(foundry.root, foundry.out);
  if (!existsSync(out)) return [];
  const found: FoundryArtifact[] = [];
  for (const dir of readdirSync(out)) {
    if (!dir.endsWith('.sol') && !dir.endsWith('.vy')) continue;
    const folder = join(out, dir);
    if (!statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder)) {
      if (!file.endsWith('.json')) continue;
      let raw: RawArtifact;
      try {
        raw = JSON.parse(readFileSync(join(folder, file), 'utf8')) as RawArtifact;
      } catch {
        continue; // a half-written artifact (forge still building) is skipped, not fatal
      }
      const target = raw.metadata?.settings?.compilationTarget;
      const [unit, name] = target ? Object.entries(target)[0] ?? [] : [raw.ast?.absolutePath, file.split('.')[0]];
      if (!unit || !name || !raw.abi) continue;
      found.push({
        name,
        sourceUnit: unit,
        abi: raw.abi,
        bytecode: raw.bytecode?.object ?? '0x',
        deployedBytecode: raw.deployedBytecode?.object ?? '0x',
        linkReferences: raw.bytecode?.linkReferences ?? {},
      });
    }
  }
  return found;
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
