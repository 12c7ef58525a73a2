// The EVM backend's door: a Solidity launch configuration parsed once, typed and validated in full before
// anything is compiled, so a mistyped field is reported by name at once rather than after a compile and a
// deployment (see package.json for what each field means).
import { UserError } from '../core/errors.ts';
import type { LaunchConfig } from '../core/execution.ts';
import { maxSteps, optionalArray, optionalHash, optionalHttpUrl, optionalString, optionalStrings, wholeNumber } from '../core/launch-fields.ts';
import { ACCOUNTS } from './run/chain.ts';
import { DEFAULT_MAX_STEPS } from './record/recorder.ts';

export const DEFAULT_GAS_LIMIT = 30_000_000n;
/** Gas is recorded per step in 32 bits. */
const MAX_GAS_LIMIT = 0xffffffffn;

/** A call run after deployment and before the debugged call (`setup[i]`). */
export interface SetupCall {
  /** "setup[0]": how messages name it. */
  readonly field: string;
  readonly function: string;
  readonly args: readonly unknown[];
  readonly value: bigint;
  readonly from: string;
}

/** A mined transaction to replay: `rpcUrl` + `txHash`. */
export interface ReplayTarget {
  readonly rpcUrl: string;
  readonly txHash: string;
}

export interface EvmLaunchOptions {
  /** Sources to debug with; for a replay, the workspace whose build is matched to the code that ran ('' when none). */
  readonly program: string;
  readonly replay?: ReplayTarget;
  readonly cwd?: string;
  readonly contract?: string;
  readonly function?: string;
  readonly args: readonly unknown[];
  readonly constructorArgs: readonly unknown[];
  readonly constructorValue: bigint;
  readonly setup: readonly SetupCall[];
  readonly from: string;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly maxSteps: number;
  readonly remappings?: readonly string[];
  /** A solc release to compile with ("0.5.16"), instead of the one the pragmas and project choose. */
  readonly solcVersion?: string;
  /** solc-bin base URL and cache folder for releases other than the bundled one. */
  readonly solcBinUrl?: string;
  readonly solcCache?: string;
}

/** Wei: a whole number (number, decimal or 0x string); 0 when absent. */
function amount(v: unknown, field: string): bigint {
  if (v === undefined) return 0n;
  try {
    return wholeNumber(v, field);
  } catch {
    throw new UserError(`${field}: expected an amount of wei as a decimal string, got ${JSON.stringify(v)}`);
  }
}

/** A sender: a 0x address or the index of a prefunded account; account 0 when absent. */
function sender(v: unknown, field: string): string {
  if (v === undefined) return ACCOUNTS[0]!;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < ACCOUNTS.length) return ACCOUNTS[v]!;
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) {
    throw new UserError(`${field}: expected a 0x-prefixed 20-byte address (or an index 0-9 of the prefunded accounts), got ${JSON.stringify(v)}`);
  }
  return v.toLowerCase();
}

function setupCalls(config: LaunchConfig): SetupCall[] {
  const list = optionalArray(config, 'setup', 'an array of { function, args, value, from }') ?? [];
  return list.map((raw, i) => {
    const field = `setup[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${field}: expected { function, args, value, from }`);
    const s = raw as Record<string, unknown>;
    if (typeof s['function'] !== 'string') throw new UserError(`${field}.function: expected a function name or signature`);
    const args = s['args'] ?? [];
    if (!Array.isArray(args)) throw new UserError(`${field}.args: expected an array of arguments, got ${JSON.stringify(args)}`);
    return { field, function: s['function'], args, value: amount(s['value'], `${field}.value`), from: sender(s['from'], `${field}.from`) };
  });
}

/** `rpcUrl` and `txHash`, which go together; undefined when neither is set. */
export function replayTarget(config: LaunchConfig): ReplayTarget | undefined {
  const rpcUrl = optionalHttpUrl(config, 'rpcUrl');
  const txHash = optionalHash(config, 'txHash');
  if (rpcUrl === undefined && txHash === undefined) return undefined;
  if (rpcUrl === undefined) throw new UserError('rpcUrl: a txHash is replayed from a node: give its JSON-RPC URL too (e.g. "http://127.0.0.1:8545")');
  if (txHash === undefined) throw new UserError('txHash: give the hash of the mined transaction to replay from the node at rpcUrl');
  return { rpcUrl, txHash };
}

export function parseEvmLaunch(config: LaunchConfig): EvmLaunchOptions {
  const replay = replayTarget(config);
  if (replay && (config.program === undefined || config.program === '')) return { ...parseEvmLaunch({ ...config, program: '.' }), program: '', replay };
  if (typeof config.program !== 'string' || config.program === '') throw new UserError('program: expected the path of a .sol file or a folder');
  const cwd = optionalString(config, 'cwd');
  const contract = optionalString(config, 'contract');
  const fn = optionalString(config, 'function');
  const remappings = optionalStrings(config, 'remappings', 'an array of strings like "@oz/=lib/openzeppelin-contracts/"');
  const gasLimit = config['gasLimit'] === undefined ? DEFAULT_GAS_LIMIT : amount(config['gasLimit'], 'gasLimit');
  if (gasLimit <= 21_000n || gasLimit > MAX_GAS_LIMIT) throw new UserError(`gasLimit: expected a number between 21000 and ${MAX_GAS_LIMIT}, got ${String(config['gasLimit'])}`);
  return {
    program: config.program,
    ...(replay ? { replay } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
    ...(contract !== undefined ? { contract } : {}),
    ...(fn !== undefined ? { function: fn } : {}),
    args: optionalArray(config, 'args', 'an array of arguments') ?? [],
    constructorArgs: optionalArray(config, 'constructorArgs', 'an array of constructor arguments') ?? [],
    constructorValue: amount(config['constructorValue'], 'constructorValue'),
    setup: setupCalls(config),
    from: sender(config['from'], 'from'),
    value: amount(config['value'], 'value'),
    gasLimit,
    maxSteps: maxSteps(config, DEFAULT_MAX_STEPS),
    ...(remappings !== undefined ? { remappings } : {}),
    ...optionalFields(config, ['solcVersion', 'solcBinUrl', 'solcCache']),
  };
}

/** The string fields that are set, each checked to be a string. */
function optionalFields<K extends string>(config: LaunchConfig, names: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const v = optionalString(config, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
