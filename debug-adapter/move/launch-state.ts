// The chain state a debugged Move call needs before it runs, outside the recording:
// - Aptos: every signer of the call gets an account, as genesis and account creation do on chain
//   (`0x1::account::create_account_unchecked`, the framework's own code), so `move_to`, coins and
//   events under the signer work;
// - Aptos genesis, the part a local run needs (when the build ships AptosFramework): the chain id, the
//   clock, AptosCoin with its mint capability held by `core_resources` (0xa550c18), as genesis sets up a
//   test chain, so coin, timestamp and account code runs; `0x1::aptos_coin::mint` from 0xa550c18 funds;
// - `resources`: values the launch configuration puts in global storage directly (Aptos);
// - `setup`: calls the launch configuration names, run in order before the debugged call, to seed
//   resources and objects (e.g. an `init`-style function of the package, or `0x1::coin` set-up).
import { UserError } from '../core/errors.ts';
import type { LoadedPackage } from './package/index.ts';
import { parseArgs, parseType, parseTypeArgs, toValue } from './vm/args.ts';
import type { MoveVM } from './vm/interpreter.ts';
import { normalizeAddress, type LoadedFunction } from './vm/loader.ts';
import { T, type RuntimeType } from './vm/types.ts';
import { Ability } from './binary/model.ts';
import { Reference, Signer, type Value } from './vm/values.ts';

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
    registerAptosCoin(vm, address);
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

/**
 * Registers a new account for AptosCoin (a CoinStore), as `aptos_account::create_account` does, once genesis
 * has made the coin, so minting to it and transfers from it work.
 */
function registerAptosCoin(vm: MoveVM, address: string): void {
  let register: LoadedFunction;
  let coin: RuntimeType;
  try {
    register = vm.resolveFunction('0x1::coin::register');
    coin = parseType('0x1::aptos_coin::AptosCoin', vm.loader);
  } catch {
    return;
  }
  if (![...vm.storage.entries()].some((e) => e.address === FRAMEWORK && e.type.includes('CoinInfo<'))) return;
  const r = vm.run(register, [coin], [new Reference([new Signer(address)], 0, false, null, null, -1)]);
  if (r.kind !== 'returned') throw new UserError(`registering the account 0x${address} for AptosCoin failed: ${r.kind === 'aborted' ? `abort code ${r.code}` : r.message}`);
}

/** Aptos's framework and core_resources accounts (`@aptos_framework`, `@core_resources`). */
const FRAMEWORK = normalizeAddress('0x1')!;
const CORE_RESOURCES = normalizeAddress('0xa550c18')!;
/** The chain id of a local test chain (`aptos node run-local-testnet`). */
const LOCAL_CHAIN_ID = 4;

/**
 * The part of Aptos genesis a local run needs, with the framework's own functions, in genesis's order:
 * accounts for 0x1 and core_resources, `chain_id::initialize`, `timestamp::set_time_has_started`,
 * AptosCoin (see below), the burn capability to `transaction_fee`, the mint capability to
 * core_resources (`aptos_coin::configure_accounts_for_test`). Each step runs only when its module is in
 * the build and its state is not there yet; returns what was done, in words.
 */
export function aptosGenesis(vm: MoveVM): string[] {
  const fn = (name: string): LoadedFunction | undefined => {
    try {
      return vm.resolveFunction(name);
    } catch {
      return undefined;
    }
  };
  const signerRef = (address: string): Value => new Reference([new Signer(address)], 0, false, null, null, -1);
  const call = (f: LoadedFunction, args: Value[]): Value[] => {
    const r = vm.run(f, [], args);
    if (r.kind === 'aborted') throw new UserError(`Aptos genesis: ${f.qualifiedName} aborted with code ${r.code}`);
    if (r.kind === 'error') throw new UserError(`Aptos genesis: ${f.qualifiedName} failed: ${r.message}`);
    return r.values;
  };
  const has = (module: string, struct: string): boolean => [...vm.storage.entries()].some((e) => e.address === FRAMEWORK && e.type.endsWith(`::${module}::${struct}`));
  const done: string[] = [];
  if (createAptosAccounts(vm, [FRAMEWORK]).length > 0) done.push('created the framework account 0x1');
  const chainId = fn('0x1::chain_id::initialize');
  if (chainId && !has('chain_id', 'ChainId')) {
    call(chainId, [signerRef(FRAMEWORK), toValue(LOCAL_CHAIN_ID, T.u8, 'chain id')]);
    done.push(`chain id ${LOCAL_CHAIN_ID}`);
  }
  const clock = fn('0x1::timestamp::set_time_has_started');
  if (clock && !has('timestamp', 'CurrentTimeMicroseconds')) {
    call(clock, [signerRef(FRAMEWORK)]);
    done.push('clock started at 0');
  }
  // `aptos_coin::initialize` makes the supply a parallel aggregator, which needs `aptos_std::table` and the
  // aggregator natives: a local run gets the same AptosCoin through `coin::initialize` (supply counted in
  // an integer; same name, symbol and decimals), then stores the capabilities as genesis does.
  const coin = fn('0x1::coin::initialize');
  const burnTo = fn('0x1::transaction_fee::store_aptos_coin_burn_cap');
  const mintTo = fn('0x1::aptos_coin::configure_accounts_for_test');
  const dropFreeze = fn('0x1::coin::destroy_freeze_cap');
  let aptosCoin: RuntimeType | undefined;
  try {
    aptosCoin = parseType('0x1::aptos_coin::AptosCoin', vm.loader);
  } catch {
    aptosCoin = undefined;
  }
  if (coin && burnTo && mintTo && dropFreeze && aptosCoin && ![...vm.storage.entries()].some((e) => e.address === FRAMEWORK && e.type.includes('CoinInfo<'))) {
    const text = (t: string) => toValue(t, parseType('0x1::string::String', vm.loader), 'coin name');
    const r = vm.run(coin, [aptosCoin], [signerRef(FRAMEWORK), text('Aptos Coin'), text('APT'), toValue(8, T.u8, 'decimals'), true]);
    if (r.kind !== 'returned') throw new UserError(`Aptos genesis: 0x1::coin::initialize<AptosCoin> ${r.kind === 'aborted' ? `aborted with code ${r.code}` : `failed: ${r.message}`}`);
    const [burn, freeze, mint] = r.values;
    vm.run(dropFreeze, [aptosCoin], [freeze]);
    call(burnTo, [signerRef(FRAMEWORK), burn]);
    createAptosAccounts(vm, [CORE_RESOURCES]); // registered for AptosCoin, which now exists
    call(mintTo, [signerRef(FRAMEWORK), signerRef(CORE_RESOURCES), mint]);
    done.push('AptosCoin, its mint capability held by 0xa550c18');
  }
  return done;
}

/** One `resources` entry: `{ "address": "0xcafe", "type": "0xcafe::shop::Shop", "value": { ... } }`. */
interface SeededResource {
  readonly address: unknown;
  readonly type: unknown;
  readonly value: unknown;
}

const RESOURCES_SHAPE = '{ "address": "0xcafe", "type": "<address>::<module>::<Struct>", "value": { "<field>": ... } }';

/**
 * Puts the launch configuration's `resources` in global storage before the call (Aptos), as if a
 * transaction had `move_to`'d them: each a struct with `key`, its value given as JSON like `args`.
 */
export function seedResources(vm: MoveVM, resources: unknown): string[] {
  if (resources === undefined) return [];
  if (!Array.isArray(resources)) throw new UserError(`resources: expected an array of ${RESOURCES_SHAPE}`);
  return resources.map((entry: SeededResource, i) => {
    const what = `resources[${i}]`;
    if (typeof entry !== 'object' || entry === null || typeof entry.address !== 'string' || typeof entry.type !== 'string' || !('value' in entry)) {
      throw new UserError(`${what}: expected ${RESOURCES_SHAPE}, got ${JSON.stringify(entry)}`);
    }
    const address = normalizeAddress(entry.address);
    if (!address) throw new UserError(`${what}.address: expected an address like "0xcafe", got ${JSON.stringify(entry.address)}`);
    const type = parseType(entry.type, vm.loader, `${what}.type`);
    if (type.kind !== 'datatype' || type.def.isEnum) throw new UserError(`${what}.type: ${entry.type} is not a struct; global storage holds structs with the key ability`);
    if ((type.def.abilities & Ability.Key) === 0) throw new UserError(`${what}.type: ${entry.type} has no key ability, so it cannot be stored under an account`);
    const key = vm.storage.typeKey(type);
    if (vm.storage.get(address, key)) throw new UserError(`${what}: 0x${address.replace(/^0+(?=.)/, '')} already holds a ${entry.type}`);
    vm.storage.set(address, key, toValue(entry.value, type, `${what}.value`));
    return `${entry.type} at 0x${address.replace(/^0+(?=.)/, '')}`;
  });
}
