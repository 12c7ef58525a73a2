// Issue 7's acceptance, over DAP against `node bin/chainstep.js dap`: contracts the debugger was not written
// against (tuples with empty components, try/catch, small typed integers, immutables, mappings written by the
// constructor and set-up calls, packed and dynamic state, OpenZeppelin's ERC20, Uniswap v2's pair from a solc
// 0.5.16 build) are stepped into from the first to the last line, and at EVERY stop every value shown is
// checked against an independent run (issue7-reference.ts): each State variable of the contract at the stop
// against that run's storage at the same instruction, each immutable against its getter, and at each `emit`
// the Parameters and Locals named like the event's arguments against the event the contract emitted.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { getAddress, type Abi, type Hex } from 'viem';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, where } from '../session/dap-helpers.ts';
import { AdapterClient, expand, nextStop, root } from '../session/dap-issue3-helpers.ts';
import { ACCOUNT0, ACCOUNT1, expectedState, referenceRun, type Call, type CompiledForReference, type ReferenceRun, type StorageLayout } from './issue7-reference.ts';

const require = createRequire(import.meta.url);
const contracts = path.join(root, 'test/evm/contracts');
const issue7 = path.join(contracts, 'Issue7.sol');
const coin = path.join(contracts, 'Issue7Coin.sol');
const uniswap = path.join(root, 'node_modules/@uniswap/v2-core/contracts');
const BEEF = '0x000000000000000000000000000000000000bEEF';

interface Compiler {
  compile(input: string, callbacks: unknown): string;
}

/** Standard-JSON output of `compiler` for `sources` (imports from node_modules), as the reference reads it. */
function compileWith(solc: Compiler, sources: Record<string, string>, settings: Record<string, unknown> = {}, callbackAsFunction = false): { input: unknown; output: SolcOutput } {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([unit, content]) => [unit, { content }])),
    settings: { optimizer: { enabled: false, runs: 200 }, ...settings, outputSelection: { '*': { '*': ['abi', 'evm.bytecode', 'evm.deployedBytecode', 'storageLayout'], '': ['ast'] } } },
  };
  const findImport = (unit: string) => {
    const file = path.join(root, 'node_modules', unit);
    if (!existsSync(file)) return { error: `not found: ${unit}` };
    const content = readFileSync(file, 'utf8');
    (input.sources as Record<string, { content: string }>)[unit] = { content };
    return { contents: content };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), callbackAsFunction ? findImport : { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return { input, output };
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } }; storageLayout?: StorageLayout }>>;
}

function contractOf(output: SolcOutput, name: string): CompiledForReference {
  for (const byName of Object.values(output.contracts)) {
    const c = byName[name];
    if (c) return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` as Hex, storageLayout: c.storageLayout };
  }
  throw new Error(`${name} not compiled`);
}

interface Scenario {
  readonly title: string;
  readonly config: Record<string, unknown>;
  readonly contract: string;
  readonly output: () => SolcOutput;
  readonly constructorArgs?: readonly unknown[];
  readonly setup?: readonly Call[];
  readonly call: Call;
  /** Other contracts whose state is checked too: their address (from the reference run) and name. */
  readonly others?: (ref: ReferenceRun) => Promise<Record<string, string>>;
  /** Emits whose arguments must all be checked at their stop (at least once). */
  readonly emits: readonly string[];
  /** More checks at an emit's stop: the variables shown (name -> value) and every event of the call. */
  readonly atEmit?: (event: ReferenceRun['events'][number], shown: ReadonlyMap<string, string>, events: ReferenceRun['events']) => number;
}

/** A value from the reference (event argument, getter result) as the debugger shows it. */
function shownAs(value: unknown): string {
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return /^0x[0-9a-fA-F]{40}$/.test(value) ? getAddress(value) : /^0x[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : JSON.stringify(value);
  throw new Error(`no rendering for ${String(value)}`);
}

async function variables(dc: AdapterClient, scopes: DebugProtocol.Scope[], name: string): Promise<DebugProtocol.Variable[]> {
  const scope = scopes.find((s) => s.name === name);
  return scope ? (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables : [];
}

/** Steps into the whole call, checking every stop; returns how many values were checked. */
async function differential(dc: AdapterClient, scenario: Scenario): Promise<{ checked: number; stops: number; emitsChecked: Set<string> }> {
  const output = scenario.output();
  const compiled = contractOf(output, scenario.contract);
  const ref = await referenceRun(compiled, { constructorArgs: scenario.constructorArgs, setup: scenario.setup, call: scenario.call, abis: Object.values(output.contracts).flatMap((b) => Object.values(b).map((c) => c.abi)) });
  const layouts = new Map<string, StorageLayout | undefined>([[ref.address.toLowerCase(), compiled.storageLayout]]);
  for (const [address, name] of Object.entries((await scenario.others?.(ref)) ?? {})) layouts.set(address.toLowerCase(), contractOf(output, name).storageLayout);
  const immutables = new Map<string, string>();
  for (const item of compiled.abi) {
    if (item.type === 'function' && item.stateMutability === 'view' && item.inputs.length === 0 && !compiled.storageLayout?.storage.some((e) => e.label === item.name)) {
      immutables.set(item.name, shownAs(await ref.read(item.name)));
    }
  }
  const pending = [...ref.events];
  let current: { line: string; event: (typeof ref.events)[number] } | undefined;
  let checked = 0;
  const emitsChecked = new Set<string>();
  const stopped = nextStop(dc);
  await launch(dc, { ...scenario.config, stopOnEntry: true });
  await stopped;
  let stops = 0;
  for (; stops < 2000; stops++) {
    const { frames } = await where(dc);
    const top = frames[0]!;
    const scopes = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
    const evm = Object.fromEntries((await variables(dc, scopes, 'EVM')).map((v) => [v.name, v.value]));
    const at = `${top.name} line ${top.line} pc ${evm['pc']}`;
    const storage = ref.storageBefore({ pc: Number(evm['pc']), depth: Number(evm['depth']) });
    assert.ok(storage, `${at}: the reference run has this instruction`);
    // State: every variable of a contract whose layout we know, against the reference storage.
    const layout = layouts.get(String(evm['address']).toLowerCase());
    if (layout) {
      for (const v of await variables(dc, scopes, 'State')) {
        const shown = await expand(dc, v, 4);
        if (layouts.get(ref.address.toLowerCase()) === layout && immutables.has(v.name)) {
          assert.equal(shown, immutables.get(v.name), `${at}: immutable ${v.name}`);
        } else {
          const expected = expectedState(layout, (slot) => storage!(String(evm['address']), slot), v.name, shown);
          assert.deepEqual(shown, expected, `${at}: state ${v.name}`);
        }
        checked++;
      }
    }
    // At an emit: the arguments the contract emitted are the values of the same-named variables.
    const source = top.source?.path ? readFileSync(top.source.path, 'utf8').split('\n')[top.line - 1] ?? '' : '';
    const emit = /^\s*emit (\w+)\(/.exec(source);
    const key = `${frames.length}:${top.source?.path}:${top.line}`;
    if (!emit) current = undefined;
    else if (current?.line !== key) {
      const index = pending.findIndex((e) => e.eventName === emit[1]);
      assert.ok(index >= 0, `${at}: the reference emitted ${emit[1]}`);
      current = { line: key, event: pending.splice(index, 1)[0]! };
    }
    if (current) {
      const shown = new Map([...(await variables(dc, scopes, 'Parameters')), ...(await variables(dc, scopes, 'Locals'))].map((v) => [v.name, v.value]));
      for (const [name, value] of Object.entries(current.event.args)) {
        if (!shown.has(name)) continue;
        assert.equal(shown.get(name), shownAs(value), `${at}: ${name} at emit ${current.event.eventName}`);
        emitsChecked.add(`${current.event.eventName}.${name}`);
        checked++;
      }
      checked += scenario.atEmit?.(current.event, shown, ref.events) ?? 0;
    }
    const next = nextStop(dc).then(() => true, () => false);
    await dc.stepInRequest({ threadId: 1 });
    if (!(await next)) break;
  }
  return { checked, stops: stops + 1, emitsChecked };
}

const solc = require('solc') as Compiler;
let issue7Output: SolcOutput | undefined;
const issue7Compiled = () => (issue7Output ??= compileWith(solc, { 'Issue7.sol': readFileSync(issue7, 'utf8') }).output);
let coinOutput: SolcOutput | undefined;
const coinCompiled = () => (coinOutput ??= compileWith(solc, { 'Issue7Coin.sol': readFileSync(coin, 'utf8') }).output);

const scenarios: Scenario[] = [
  {
    title: 'tuples with empty components, a tuple assignment and unnamed returns',
    config: { program: issue7, contract: 'Tuples', function: 'run', args: ['21'] },
    contract: 'Tuples', output: issue7Compiled, call: { function: 'run', args: [21n] },
    emits: ['Pair.x', 'Pair.named', 'Seen.x', 'Seen.a', 'Seen.c', 'Seen.e', 'Seen.d', 'Seen.f'],
  },
  ...([[5n, 'Got.v', 'Got.w', 'Got.sum', 'Got.before'], [1n, 'Reason.reason', 'Reason.before'], [2n, 'Code.code'], [3n, 'Data.data']] as const).map(([x, ...emits]): Scenario => ({
    title: `try/catch, run(${x})`,
    config: { program: issue7, contract: 'Catcher', function: 'run', args: [String(x)] },
    contract: 'Catcher', output: issue7Compiled, call: { function: 'run', args: [x] }, emits,
  })),
  {
    title: 'small integers at the edges of their ranges',
    config: { program: issue7, contract: 'Typed', function: 'run' },
    contract: 'Typed', output: issue7Compiled, call: { function: 'run' }, emits: ['Seen.a', 'Seen.m', 'Seen.w'],
  },
  {
    title: 'immutables, mappings written by the constructor and setup, packed, dynamic and transient state',
    config: { program: issue7, contract: 'Vault', constructorArgs: ['0xdeadbeef'], setup: [{ function: 'credit', args: [BEEF, '5'] }], function: 'packed' },
    contract: 'Vault', output: issue7Compiled, constructorArgs: ['0xdeadbeef'], setup: [{ function: 'credit', args: [BEEF, 5n] }], call: { function: 'packed' },
    emits: [],
  },
  {
    title: 'OpenZeppelin ERC20 transferFrom after a transfer and an approve in setup',
    config: {
      program: coin, contract: 'Issue7Coin', function: 'transferFrom', args: [ACCOUNT1, BEEF, '300'],
      setup: [{ function: 'transfer', args: [ACCOUNT1, '5000'] }, { function: 'approve', args: [ACCOUNT0, '1000'], from: 1 }],
    },
    contract: 'Issue7Coin', output: coinCompiled,
    setup: [{ function: 'transfer', args: [ACCOUNT1, 5000n] }, { function: 'approve', args: [ACCOUNT0, 1000n], from: ACCOUNT1 }],
    call: { function: 'transferFrom', args: [ACCOUNT1, BEEF, 300n] },
    emits: ['Transfer.from', 'Transfer.to', 'Transfer.value'],
  },
];

const adapter = (() => {
  let dc: AdapterClient | undefined;
  test.after(async () => dc?.close());
  return () => (dc ??= new AdapterClient());
})();

for (const scenario of scenarios) {
  test(`differential: ${scenario.title}: every value shown at every stop is the independent run's`, async (t) => {
    const { checked, stops, emitsChecked } = await differential(adapter(), scenario);
    t.diagnostic(`${checked} values checked at ${stops} stops`);
    for (const e of scenario.emits) assert.ok(emitsChecked.has(e), `${e} was checked at its emit (checked: ${[...emitsChecked].join(', ')})`);
    assert.ok(checked > 0, 'values checked');
  });
}

/**
 * Uniswap v2's pair from a solc 0.5.16 build: a Foundry-style project in a temporary folder whose build-info
 * (compiled here with solc-js 0.5.16, no optimizer) the debugger uses as is.
 */
test('differential: Uniswap v2 swap from a solc 0.5.16 build-info: `(uint112 _reserve0, uint112 _reserve1,) = getReserves()` and the locals after it', { skip: !existsSync(uniswap) && 'node_modules/@uniswap/v2-core is not installed' }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-uniswap-'));
  try {
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'foundry.toml'), '[profile.default]\n');
    copyFileSync(path.join(contracts, 'solc-0.5/SwapHarness.sol'), path.join(dir, 'src/SwapHarness.sol'));
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    const solc05 = require('solc-0.5.16') as Compiler & { version(): string };
    const { input, output } = compileWith(solc05, { 'src/SwapHarness.sol': readFileSync(path.join(dir, 'src/SwapHarness.sol'), 'utf8') }, { evmVersion: 'istanbul' }, true);
    mkdirSync(path.join(dir, 'out/build-info'), { recursive: true });
    writeFileSync(path.join(dir, 'out/build-info/swap.json'), JSON.stringify({ id: 'swap', _format: 'ethers-rs-sol-build-info-1', solcVersion: '0.5.16', solcLongVersion: solc05.version(), input, output }));
    const amountIn = 10n ** 18n, amountOut = 3n * 10n ** 18n;
    let sawSwap = false;
    const { checked, stops, emitsChecked } = await differential(adapter(), {
      title: 'uniswap',
      config: { program: dir, contract: 'SwapHarness', setup: [{ function: 'init' }], function: 'swap', args: [String(amountIn), String(amountOut)] },
      contract: 'SwapHarness', output: () => output, setup: [{ function: 'init' }], call: { function: 'swap', args: [amountIn, amountOut] },
      others: async (ref) => ({ [String(await ref.read('pair'))]: 'UniswapV2Pair' }),
      emits: ['Swap.amount0In', 'Swap.amount1In', 'Swap.amount0Out', 'Swap.amount1Out'],
      // The reserves read by `(uint112 _reserve0, uint112 _reserve1,) = getReserves()` are the ones before the
      // swap: the new reserves (Sync) less what came in plus what went out; the balances are the new reserves.
      atEmit: (event, shown, events) => {
        if (event.eventName !== 'Swap') return 0;
        const sync = events.find((e) => e.eventName === 'Sync')!.args as { reserve0: bigint; reserve1: bigint };
        const swap = event.args as { amount0In: bigint; amount1In: bigint; amount0Out: bigint; amount1Out: bigint };
        assert.equal(shown.get('_reserve0'), String(sync.reserve0 - swap.amount0In + swap.amount0Out), '_reserve0');
        assert.equal(shown.get('_reserve1'), String(sync.reserve1 - swap.amount1In + swap.amount1Out), '_reserve1');
        assert.equal(shown.get('balance0'), String(sync.reserve0), 'balance0');
        assert.equal(shown.get('balance1'), String(sync.reserve1), 'balance1');
        sawSwap = true;
        return 4;
      },
    });
    assert.ok(sawSwap, 'stopped at emit Swap');
    for (const e of ['Swap.amount0In', 'Swap.amount1In', 'Swap.amount0Out', 'Swap.amount1Out']) assert.ok(emitsChecked.has(e), `${e} checked`);
    assert.ok(checked > 100, `values checked: ${checked}`);
    t.diagnostic(`${checked} values checked at ${stops} stops`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
