// The chain state a debugged Move call needs before it runs, outside the recording:
// - Aptos: every signer of the call gets an account, as genesis and account creation do on chain
//   (`0x1::account::create_account_unchecked`, the framework's own code), so `move_to`, coins and
//   events under the signer work;
// - `setup`: calls the launch configuration names, run in order before the debugged call, to seed
//   resources and objects (e.g. an `init`-style function of the package, or `0x1::coin` set-up).
import { UserError } from '../core/errors.ts';
import type { LoadedPackage } from './package/index.ts';
import { parseArgs, parseTypeArgs } from './vm/args.ts';
import type { MoveVM } from './vm/interpreter.ts';
import { normalizeAddress, type LoadedFunction } from './vm/loader.ts';
import type { RuntimeType } from './vm/types.ts';

/** One `setup` entry: `{ "function": "<address>::<module>::<function>", "args": [...], "typeArgs": [...] }`. */
interface SetupCall {
  readonly function: string;
  readonly args?: unknown;
  readonly typeArgs?: unknown;
}

function isSigner(t: RuntimeType): boolean {
  return t.kind === 'signer' || (t.kind === 'reference' && t.to.kind === 'signer');
}

/** Addresses passed for the signer parameters of a call (the JSON arguments, by parameter position). */
export function signerAddresses(fn: LoadedFunction, args: unknown): string[] {
  if (!Array.isArray(args)) return [];
  const out: string[] = [];
  fn.parameters.forEach((t, i) => {
    const a = isSigner(t) && typeof args[i] === 'string' ? normalizeAddress(args[i] as string) : undefined;
    if (a && !out.includes(a)) out.push(a);
  });
  return out;
}

/**
 * Creates an Aptos account for each address that has none, with the framework's own function. A build
 * without `0x1::account` (no AptosFramework) is left alone: the call then fails naming what is missing.
 */
export function createAptosAccounts(vm: MoveVM, addresses: readonly string[]): string[] {
  let create: LoadedFunction;
  let exists: LoadedFunction;
  try {
    create = vm.resolveFunction('0x1::account::create_account_unchecked');
    exists = vm.resolveFunction('0x1::account::exists_at');
  } catch {
    return [];
  }
  const created: string[] = [];
  for (const address of addresses) {
    const there = vm.run(exists, [], parseArgs(exists, [], [`0x${address}`]));
    if (there.kind === 'returned' && there.values[0] === true) continue;
    const r = vm.run(create, [], parseArgs(create, [], [`0x${address}`]));
    if (r.kind !== 'returned') throw new UserError(`creating the account 0x${address} for the signer failed: ${r.kind === 'aborted' ? `abort code ${r.code}` : r.message}`);
    created.push(address);
  }
  return created;
}

/** Runs the launch configuration's `setup` calls in order; a failing one is a launch error naming it. */
export function runSetup(vm: MoveVM, pkg: LoadedPackage, setup: unknown, find: (text: string) => LoadedFunction): string[] {
  if (setup === undefined) return [];
  if (!Array.isArray(setup)) throw new UserError('setup: expected an array of calls like { "function": "0x1::account::create_account_unchecked", "args": ["0xcafe"] }');
  const done: string[] = [];
  setup.forEach((entry: SetupCall, i) => {
    if (typeof entry !== 'object' || entry === null || typeof entry.function !== 'string') {
      throw new UserError(`setup[${i}]: expected { "function": "<address>::<module>::<function>", "args": [...] }, got ${JSON.stringify(entry)}`);
    }
    const fn = find(entry.function);
    const typeArgs = parseTypeArgs(fn, entry.typeArgs, vm.loader);
    const args = parseArgs(fn, typeArgs, entry.args ?? []);
    if (pkg.flavour === 'aptos') createAptosAccounts(vm, signerAddresses(fn, entry.args));
    const r = vm.run(fn, typeArgs, args);
    if (r.kind === 'aborted') throw new UserError(`setup[${i}] ${fn.qualifiedName} aborted with code ${r.code}`);
    if (r.kind === 'error') throw new UserError(`setup[${i}] ${fn.qualifiedName} failed: ${r.message}`);
    done.push(fn.qualifiedName);
  });
  return done;
}
