// foundry.toml as forge reads it: `[profile.default]` overlaid with the active profile (`FOUNDRY_PROFILE`, or
// the one asked for), with forge's defaults for what the file leaves out.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { SolidityProjectError } from './errors.ts';
import { readRemappings, toUnit } from './project.ts';

export interface FoundryConfig {
  readonly profile: string;
  readonly src: string;
  readonly test: string;
  readonly script: string;
  readonly out: string;
  readonly libs: readonly string[];
  readonly remappings: readonly string[];
  readonly autoDetectRemappings: boolean;
  /** `solc_version` / `solc` when it names a release (`0.8.19`). */
  readonly solcVersion?: string;
  readonly optimizer: boolean;
  readonly optimizerRuns: number;
  readonly viaIR: boolean;
  readonly evmVersion?: string;
  /** Every key of the merged profile, for what this type does not name (the test runner reads fuzz runs etc.). */
  readonly raw: Readonly<Record<string, unknown>>;
  /** `[fuzz]` settings: the profile's `fuzz` table overlaid with a top-level `[fuzz]` section. */
  readonly fuzz: Readonly<Record<string, unknown>>;
  /** `[rpc_endpoints]`: alias -> URL as written (`${ENV}` references are resolved when used). */
  readonly rpcEndpoints: Readonly<Record<string, string>>;
}

export function hasFoundryConfig(root: string): boolean {
  return existsSync(join(root, 'foundry.toml'));
}

export function readFoundryConfig(root: string, profile = process.env.FOUNDRY_PROFILE || 'default'): FoundryConfig {
  const file = join(root, 'foundry.toml');
  let doc: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new SolidityProjectError(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const profiles = (doc.profile ?? {}) as Record<string, Record<string, unknown>>;
  if (profile !== 'default' && !profiles[profile]) {
    throw new SolidityProjectError(`${file} has no [profile.${profile}] (FOUNDRY_PROFILE=${profile}); profiles: ${Object.keys(profiles).join(', ') || 'none'}`);
  }
  return foundryConfigOf(doc, profile);
}

/** The settings a parsed foundry.toml gives (an empty document gives forge's defaults). */
export function foundryConfigOf(doc: Record<string, unknown>, profile = 'default'): FoundryConfig {
  const profiles = (doc.profile ?? {}) as Record<string, Record<string, unknown>>;
  const raw = { ...(profiles.default ?? {}), ...(profile === 'default' ? {} : profiles[profile]) };
  const str = (key: string, fallback: string): string => (typeof raw[key] === 'string' ? raw[key] as string : fallback);
  const strings = (key: string, fallback: string[]): string[] =>
    Array.isArray(raw[key]) ? (raw[key] as unknown[]).filter((x): x is string => typeof x === 'string') : fallback;
  const version = [raw.solc_version, raw.solc].find((v): v is string => typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v.trim()));
  return {
    profile,
    src: str('src', 'src'),
    test: str('test', 'test'),
    script: str('script', 'script'),
    out: str('out', 'out'),
    libs: strings('libs', ['lib']),
    remappings: strings('remappings', []),
    autoDetectRemappings: raw.auto_detect_remappings !== false,
    ...(version ? { solcVersion: version.trim() } : {}),
    optimizer: raw.optimizer === true,
    optimizerRuns: typeof raw.optimizer_runs === 'number' ? raw.optimizer_runs : 200,
    viaIR: raw.via_ir === true,
    ...(typeof raw.evm_version === 'string' ? { evmVersion: raw.evm_version } : {}),
    raw,
    fuzz: { ...table((profiles.default ?? {}).fuzz), ...table(raw.fuzz), ...table(doc.fuzz) },
    rpcEndpoints: Object.fromEntries(Object.entries(table(doc.rpc_endpoints)).filter((e): e is [string, string] => typeof e[1] === 'string')),
  };
}

const table = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {});

/** The release a Hardhat config pins (`solidity: "0.8.19"` or `version: "0.8.19"`), read from its text. */
export function hardhatSolcVersion(root: string): string | undefined {
  for (const name of ['hardhat.config.ts', 'hardhat.config.js', 'hardhat.config.cjs', 'hardhat.config.mjs']) {
    const file = join(root, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    // Only a single pinned version is unambiguous; a config listing several compilers is left to the pragmas.
    const found = [...text.matchAll(/\b(?:solidity|version)\s*:\s*["'](\d+\.\d+\.\d+)["']/g)].map((m) => m[1]!);
    if (new Set(found).size === 1) return found[0];
  }
  return undefined;
}

/** forge's auto-remappings: `<lib>/=lib/<lib>/src/` (or `contracts/`, or the lib itself), plus each lib's remappings.txt. */
export function autoRemappings(root: string, libs: readonly string[]): string[] {
  const out: string[] = [];
  for (const lib of libs) {
    const dir = join(root, lib);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      const base = join(dir, name);
      if (!statSync(base).isDirectory()) continue;
      const unit = toUnit(root, base);
      const inner = ['src', 'contracts'].find((d) => existsSync(join(base, d)));
      out.push(`${name}/=${unit}/${inner ? `${inner}/` : ''}`);
      // A lib's own remappings, re-rooted at the project (`@oz/=lib/oz/contracts/` inside lib/x -> lib/x/lib/oz/...).
      for (const r of readRemappings(base, [])) {
        const eq = r.indexOf('=');
        if (eq > 0 && !r.slice(eq + 1).startsWith('/')) out.push(`${r.slice(0, eq)}=${unit}/${r.slice(eq + 1)}`);
      }
    }
  }
  return out;
}

/** Remappings in effect in a Foundry project: foundry.toml, remappings.txt, then the auto-detected ones. */
export function foundryRemappings(root: string, config: FoundryConfig): string[] {
  const explicit = readRemappings(root, config.remappings);
  const auto = config.autoDetectRemappings ? autoRemappings(root, config.libs) : [];
  // An explicit remapping of a prefix wins over the auto-detected one.
  const prefixes = new Set(explicit.map((r) => r.slice(0, r.indexOf('='))));
  return [...explicit, ...auto.filter((r) => !prefixes.has(r.slice(0, r.indexOf('='))))];
}

/**
 * Standard-JSON settings of a Foundry build: what an artifact's metadata recorded (the exact build), else
 * what foundry.toml says.
 */
export function foundrySettings(config: FoundryConfig, recorded?: { optimizer?: { enabled?: boolean; runs?: number }; viaIR?: boolean; evmVersion?: string }): Record<string, unknown> {
  const evmVersion = recorded?.evmVersion ?? config.evmVersion;
  return {
    optimizer: { enabled: recorded?.optimizer?.enabled ?? config.optimizer, runs: recorded?.optimizer?.runs ?? config.optimizerRuns },
    ...((recorded?.viaIR ?? config.viaIR) ? { viaIR: true } : {}),
    ...(evmVersion ? { evmVersion } : {}),
  };
}
