// An independent run of a sample call in plain @ethereumjs/evm and viem (solc-js compiles here, no Chainstep
// code involved): the contract's own return values, events and public getters after the call are the
// reference the issue-3 DAP tests compare the debugger's decoded variables against.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { createEVM } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, bytesToHex, createAddressFromString, type Address } from '@ethereumjs/util';
import { decodeEventLog, decodeFunctionResult, encodeDeployData, encodeFunctionData, hexToBytes, type Abi, type Hex } from 'viem';

const require = createRequire(import.meta.url);
const solc = require('solc') as { compile(input: string): string };

export const DEPLOYER = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';

export interface ReferenceRun {
  /** The call's decoded return values. */
  readonly result: unknown;
  /** Events the call emitted, decoded with the contract's ABI: name and named arguments. */
  readonly events: { eventName: string; args: Record<string, unknown> }[];
  /** Calls a view function (a public getter) on the state after the call. */
  read(functionName: string, args?: readonly unknown[]): Promise<unknown>;
  /** A storage word of the contract after the call, read from the EVM's state. */
  storage(slot: bigint): Promise<bigint>;
}

/** Deploys `contract` from `file` and runs `functionName(args)` with `value` wei from the first account. */
export async function referenceRun(file: string, contract: string, functionName: string, args: readonly unknown[], value = 0n): Promise<ReferenceRun> {
  const name = path.basename(file);
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { [name]: { content: readFileSync(file, 'utf8') } },
        settings: { optimizer: { enabled: false }, evmVersion: 'prague', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  ) as { contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>> };
  const { abi, evm: compiled } = output.contracts[name]![contract]!;
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const evm = await createEVM({ common, stateManager: new SimpleStateManager() });
  const sender = createAddressFromString(DEPLOYER);
  await evm.stateManager.putAccount(sender, new Account(0n, 10n ** 22n));
  const run = (to: Address | undefined, data: Hex, v = 0n) =>
    evm.runCall({ caller: sender, origin: sender, to, data: hexToBytes(data), value: v, gasLimit: 30_000_000n, gasPrice: 0n });

  const deployed = await run(undefined, encodeDeployData({ abi, bytecode: `0x${compiled.bytecode.object}` }));
  if (deployed.execResult.exceptionError) throw new Error(`deployment failed: ${deployed.execResult.exceptionError.error}`);
  const address = deployed.createdAddress!;
  const call = await run(address, encodeFunctionData({ abi, functionName, args: [...args] }), value);
  if (call.execResult.exceptionError) throw new Error(`${functionName} failed: ${call.execResult.exceptionError.error}`);
  const result = decodeFunctionResult({ abi, functionName, data: bytesToHex(call.execResult.returnValue) as Hex });
  const events = (call.execResult.logs ?? []).map(([, topics, data]) => {
    const decoded = decodeEventLog({ abi, topics: topics.map((t) => bytesToHex(t)) as [Hex, ...Hex[]], data: bytesToHex(data) as Hex });
    return { eventName: String(decoded.eventName), args: decoded.args as unknown as Record<string, unknown> };
  });
  return {
    result,
    events,
    async storage(slot) {
      const word = await evm.stateManager.getStorage(address, hexToBytes(`0x${slot.toString(16).padStart(64, '0')}`));
      return word.length ? BigInt(bytesToHex(word)) : 0n;
    },
    async read(fn, fnArgs = []) {
      const r = await run(address, encodeFunctionData({ abi, functionName: fn, args: [...fnArgs] }));
      return decodeFunctionResult({ abi, functionName: fn, data: bytesToHex(r.execResult.returnValue) as Hex });
    },
  };
}

// ---- The adapter process and the samples' launch configurations ----

import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { AdapterClient } from './dap-helpers.ts';

export { AdapterClient };
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readLaunchJson } from '../../debug-adapter/cli/launch-json.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const samples = path.join(root, 'samples/solidity');


/**
 * One adapter process for all tests of a file: its compilation cache compiles each sample once. Tests launch
 * again on it (a new launch replaces the run; breakpoints are set by each launch's configuration).
 */
export function sharedAdapter(): () => AdapterClient {
  let dc: AdapterClient | undefined;
  after(async () => {
    await dc?.close();
  });
  return () => {
    if (dc && dc.process.exitCode !== null) dc = undefined;
    return (dc ??= new AdapterClient());
  };
}

/** Leaves the shared adapter as the next test expects it: no data or function breakpoints carried over. */
export async function resetAdapter(dc: AdapterClient): Promise<void> {
  await dc.customRequest('setDataBreakpoints', { breakpoints: [] }).catch(() => undefined);
  await dc.customRequest('setFunctionBreakpoints', { breakpoints: [] }).catch(() => undefined);
}

/** The next stop; rejects when the run ends first (so a missed breakpoint fails the test instead of hanging it). */
export function nextStop(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  return new Promise((resolve, reject) => {
    const onStop = (e: DebugProtocol.StoppedEvent) => { dc.off('terminated', onEnd); resolve(e); };
    const onEnd = () => { dc.off('stopped', onStop); reject(new Error('the run ended without stopping')); };
    dc.once('stopped', onStop);
    dc.once('terminated', onEnd);
  });
}

/** Runs `body` with a fresh adapter process, closed afterwards. */
export async function withAdapter(body: (dc: AdapterClient) => Promise<void>): Promise<void> {
  const dc = new AdapterClient();
  try {
    await body(dc);
  } finally {
    await dc.close();
  }
}

/** A configuration of a sample's `.vscode/launch.json`, by name. */
export function sample(folder: string, name: string): Record<string, unknown> {
  const found = readLaunchJson(path.join(samples, folder, '.vscode/launch.json')).find((c) => c.name === name);
  if (!found) throw new Error(`sample ${folder} has no configuration "${name}"`);
  return { ...found.config };
}

/** The 1-based line of the first line of `file` containing `text`. */
export function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} is not in ${file}`);
  return i + 1;
}

/** Variables of a frame's scope by scope name. */
export async function scopeVariables(dc: DebugClient, frameId: number, name: string): Promise<DebugProtocol.Variable[]> {
  const scope = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === name);
  if (!scope) throw new Error(`no ${name} scope`);
  return (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
}

/**
 * A variable tree as plain data, for comparing with reference values: leaves are their shown value, expandable
 * variables are objects (structs) or arrays (indexed children) of their children, up to `depth` levels.
 */
export async function expand(dc: DebugClient, v: DebugProtocol.Variable, depth = 4): Promise<unknown> {
  if (!v.variablesReference || depth === 0) return v.value;
  const children = (await dc.variablesRequest({ variablesReference: v.variablesReference })).body.variables;
  // Arrays: children [0], [1], ... in order (mapping keys like [7] stay named).
  const indexed = children.length > 0 && children.every((c, i) => c.name === `[${i}]`);
  if (indexed) return Promise.all(children.map((c) => expand(dc, c, depth - 1)));
  const out: Record<string, unknown> = {};
  for (const c of children) out[c.name] = await expand(dc, c, depth - 1);
  return out;
}

/** A scope as `{ name: expanded value }`. */
export async function scopeTree(dc: DebugClient, frameId: number, name: string, depth = 4): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const v of await scopeVariables(dc, frameId, name)) out[v.name] = await expand(dc, v, depth);
  return out;
}
