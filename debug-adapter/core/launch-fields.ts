// Reading launch configuration fields, the same way for every backend: each backend parses its whole
// configuration once at its door (before compiling or loading anything) into a typed object, with these
// readers, so a wrong field is reported by name at once and every number field takes the same forms.
import { resolve } from 'node:path';
import { UserError } from './errors.ts';
import type { LaunchConfig } from './execution.ts';

/** An optional string field. */
export function optionalString(config: LaunchConfig, field: string): string | undefined {
  const v = config[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UserError(`${field}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/** An optional array of strings. */
export function optionalStrings(config: LaunchConfig, field: string, what: string): string[] | undefined {
  const v = config[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new UserError(`${field}: expected ${what}`);
  return v;
}

/** An optional array (of anything: its elements are checked where their types are known). */
export function optionalArray(config: LaunchConfig, field: string, what: string): unknown[] | undefined {
  const v = config[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new UserError(`${field}: expected ${what}, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * A whole number given as a JSON number or as a decimal / 0x-hex string (launch.json users write both, and
 * numbers beyond 2^53 only fit in strings).
 */
export function wholeNumber(v: unknown, field: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(\d+|0x[0-9a-fA-F]+)$/.test(v.trim())) return BigInt(v.trim());
  throw new UserError(`${field}: expected a whole number (a number, or a decimal or 0x string), got ${JSON.stringify(v)}`);
}

function wholeNumberOrUndefined(v: unknown): bigint | undefined {
  try {
    return wholeNumber(v, '');
  } catch {
    return undefined;
  }
}

/**
 * The most steps (instructions) a recording may hold: `maxSteps` for every VM; `stepLimit`, its earlier
 * name for Move, is read as the same field. At least 1; `fallback` when neither is given.
 */
export function maxSteps(config: LaunchConfig, fallback: number): number {
  const given = config['maxSteps'] !== undefined ? 'maxSteps' : config['stepLimit'] !== undefined ? 'stepLimit' : undefined;
  if (given === undefined) return fallback;
  if (config['maxSteps'] !== undefined && config['stepLimit'] !== undefined && String(config['maxSteps']) !== String(config['stepLimit'])) {
    throw new UserError('maxSteps and stepLimit are the same setting (stepLimit is its older name): give one of them');
  }
  const v = config[given];
  const n = typeof v === 'number' || typeof v === 'string' ? wholeNumberOrUndefined(v) : undefined;
  if (n === undefined || n < 1n || n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UserError(`${given}: expected a positive whole number of steps (a number or a decimal string), got ${JSON.stringify(v)}`);
  }
  return Number(n);
}

/** An optional http(s) URL (a node's JSON-RPC endpoint, a download mirror). */
export function optionalHttpUrl(config: LaunchConfig, field: string): string | undefined {
  const v = optionalString(config, field);
  if (v === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(v.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UserError(`${field}: expected an http:// or https:// URL, got ${JSON.stringify(v)}`);
  return v.trim();
}

/** An optional 32-byte hash as 0x-prefixed hex (a transaction hash), lowercased. */
export function optionalHash(config: LaunchConfig, field: string): string | undefined {
  const v = optionalString(config, field);
  if (v === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{64}$/.test(v.trim())) throw new UserError(`${field}: expected a 0x-prefixed 32-byte hash (66 characters), got ${JSON.stringify(v)}`);
  return v.trim().toLowerCase();
}

/** `recording`: a saved recording file to open instead of recording (relative to `cwd`); undefined when absent. */
export function recordingFile(config: LaunchConfig): string | undefined {
  const file = optionalString(config, 'recording');
  if (file === undefined) return undefined;
  if (file.trim() === '') throw new UserError('recording: expected the path of a recording file (.chainstep)');
  return resolve(typeof config.cwd === 'string' ? config.cwd : process.cwd(), file);
}
