// Replays a mined transaction from a node as a recorded call: the transaction and its block are read over
// JSON-RPC, the state before it comes from the node (a prestate trace where the node has one, else account
// by account and slot by slot at the parent block), the block's environment is the real one, and the
// transaction runs in our EVM under the recorder exactly as a local call does. Code is matched to the
// workspace's build, so matched contracts debug with sources and the rest as opcodes.
import { createEVM, getActivePrecompiles } from '@ethereumjs/evm';
import { createCustomCommon, Mainnet } from '@ethereumjs/common';
import { createAccount, createAddressFromString } from '@ethereumjs/util';
import { UserError } from '../../core/errors.ts';
import type { Progress, Report } from '../../core/execution.ts';
import type { CompiledProject } from '../../../language/solidity/compile.ts';
import { EvmExecution } from '../debug/execution.ts';
import { recordLaunchCall } from '../record/record-launch.ts';
import type { EvmLaunchOptions, ReplayTarget } from '../launch-options.ts';
import { matchContract } from '../build/units.ts';
import { toFunctionSelector } from 'viem';
import { bytesToHex, signatureOf } from '../run/abi.ts';
import { blobBaseFee, intrinsicGas, effectiveGasPrice, readBlock, readEarlierTransactions, readReceipt, readTransaction, type BlockEnvironment, type MinedReceipt, type MinedTransaction } from './mined.ts';
import { isMethodMissing, JsonRpc, RpcError } from './rpc.ts';
import { RemoteState, type PrestateAccount } from './remote-state.ts';
import { contentSlots, declaredSlots } from './declared-slots.ts';

/** No sources: everything is shown as opcodes. */
const NO_PROJECT: CompiledProject = { root: '', targets: [], sources: [], contracts: [], warnings: [] };

/**
 * The state before the transaction. The node's prestate trace is exact whatever ran before in the block;
 * without one, the parent block's state is exact only for the block's first transaction.
 */
async function stateBefore(rpc: JsonRpc, tx: MinedTransaction, report: Report): Promise<RemoteState> {
  const parent = `0x${(tx.blockNumber - 1n).toString(16)}`;
  const state = new RemoteState(rpc, parent);
  try {
    const prestate = await rpc.call<Record<string, PrestateAccount>>('debug_traceTransaction', [tx.hash, { tracer: 'prestateTracer' }]);
    if (prestate && typeof prestate === 'object') {
      state.loadPrestate(prestate);
      state.parentIsExact = tx.index === 0;
      if (tx.index > 0) await loadEarlierChanges(rpc, tx, state);
      report(`State before the transaction: the node's prestate trace (${Object.keys(prestate).length} accounts)${state.parentIsExact ? `, other slots from block ${tx.blockNumber - 1n}${tx.index > 0 ? ` with the changes of the ${tx.index} earlier transaction${tx.index === 1 ? '' : 's'} of its block` : ''}` : ''}`);
      return state;
    }
  } catch (e) {
    if (!(e instanceof RpcError)) throw e;
    if (tx.index > 0) {
      // No prestate trace: the parent block's state, read lazily, then the block's earlier transactions run
      // in our EVM before this one (see runEarlier), so the state it starts from is the chain's.
      state.runEarlier = true;
      report(`State before the transaction: read from the node at block ${tx.blockNumber - 1n}, account by account and slot by slot, then the ${tx.index === 1 ? 'transaction' : `${tx.index} transactions`} before it in its block run here first (the node ${isMethodMissing(e) ? 'has no prestate trace' : `refused the prestate trace: ${e.message}`})`);
      return state;
    }
  }
  report(`State before the transaction: read from the node at block ${tx.blockNumber - 1n}, account by account and slot by slot (it is the first transaction of its block)`);
  return state;
}

/**
 * What the block's earlier transactions changed, from the node's diff trace of the block, so slots the
 * transaction does not touch can still be shown exactly. Without it they are shown as unavailable.
 */
async function loadEarlierChanges(rpc: JsonRpc, tx: MinedTransaction, state: RemoteState): Promise<void> {
  try {
    const traces = await rpc.call<{ txHash?: string; result?: { pre?: Record<string, PrestateAccount>; post?: Record<string, PrestateAccount> } }[]>(
      'debug_traceBlockByNumber', [`0x${tx.blockNumber.toString(16)}`, { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }]);
    if (!Array.isArray(traces) || traces.length <= tx.index) return;
    state.loadEarlierChanges(traces.slice(0, tx.index).map((t) => (t && typeof t === 'object' && t.result && typeof t.result === 'object' ? t.result : {})));
  } catch (e) {
    // Without it (or with a trace we cannot read) untouched slots are shown as unavailable: say nothing more.
    if (!(e instanceof RpcError) && !(e instanceof UserError) && !(e instanceof TypeError)) throw e;
  }
}

type ReplayEvm = Awaited<ReturnType<typeof evmFor>>;

/** What every transaction starts with: the sender pays for all its gas; warm addresses and slots (EIP-2929, EIP-3651, EIP-2930). */
async function startTransaction({ evm, common }: ReplayEvm, env: BlockEnvironment, tx: MinedTransaction): Promise<{ gasPrice: bigint; gasLimit: bigint; intrinsic: bigint }> {
  const gasPrice = effectiveGasPrice(tx, env.baseFee);
  const from = createAddressFromString(tx.from);
  const sender = await evm.stateManager.getAccount(from);
  if (!sender) throw new UserError(`the node reports no account ${tx.from} (the sender of ${tx.hash}) before the transaction`);
  sender.balance -= tx.gas * gasPrice + (blobBaseFee(env) ?? 0n) * 131_072n * BigInt(tx.blobVersionedHashes.length);
  await evm.stateManager.putAccount(from, sender);
  const intrinsic = intrinsicGas(tx, env.hardfork);
  if (intrinsic > tx.gas) throw new UserError(`transaction ${tx.hash} has a gas limit (${tx.gas}) below its intrinsic gas (${intrinsic})`);
  const journal = evm.journal;
  await journal.cleanup();
  journal.addAlwaysWarmAddress(tx.from);
  if (tx.to) journal.addAlwaysWarmAddress(tx.to);
  if (env.hardfork !== 'london' && env.hardfork !== 'paris') journal.addAlwaysWarmAddress(env.coinbase);
  for (const precompile of getActivePrecompiles(common).keys()) journal.addAlwaysWarmAddress(precompile);
  for (const e of tx.accessList) {
    journal.addAlwaysWarmAddress(e.address);
    for (const key of e.storageKeys) journal.addAlwaysWarmSlot(e.address.slice(2), key.slice(2));
  }
  return { gasPrice, gasLimit: tx.gas - intrinsic, intrinsic };
}

/** The runCall options of a mined transaction in its block. */
function callOf(tx: MinedTransaction, env: BlockEnvironment, gasPrice: bigint, gasLimit: bigint) {
  const from = createAddressFromString(tx.from);
  return {
    caller: from,
    origin: from,
    ...(tx.to ? { to: createAddressFromString(tx.to) } : {}),
    data: tx.input,
    value: tx.value,
    gasLimit,
    gasPrice,
    ...(tx.blobVersionedHashes.length > 0 ? { blobVersionedHashes: tx.blobVersionedHashes as `0x${string}`[] } : {}),
    block: {
      header: {
        number: env.number, coinbase: createAddressFromString(env.coinbase), timestamp: env.timestamp, difficulty: env.difficulty,
        prevRandao: env.prevRandao, gasLimit: env.gasLimit, baseFeePerGas: env.baseFee, getBlobGasPrice: () => blobBaseFee(env),
      },
    },
  };
}

/**
 * Runs the block's transactions before the replayed one (not recorded), as the chain did: each sender pays
 * for its gas, gets back what was not used (refunds capped at a fifth, EIP-3529), the coinbase gets the
 * priority fee, the sender's nonce moves on, transient storage ends with the transaction.
 */
async function runEarlier(replay: ReplayEvm, env: BlockEnvironment, earlier: readonly MinedTransaction[], cancel: AbortSignal): Promise<void> {
  const { evm } = replay;
  for (const tx of earlier) {
    if (cancel.aborted) throw new UserError('cancelled');
    if (tx.type === 4) throw new UserError(`transaction ${tx.hash}, earlier in the block, is an EIP-7702 (type 4) transaction; replaying its authorization list is not supported yet`);
    const { gasPrice, gasLimit, intrinsic } = await startTransaction(replay, env, tx);
    const result = await evm.runCall(callOf(tx, env, gasPrice, gasLimit));
    const spent = intrinsic + result.execResult.executionGasUsed;
    const refund = result.execResult.exceptionError ? 0n : (result.execResult.gasRefund ?? 0n);
    const used = spent - (refund < spent / 5n ? refund : spent / 5n);
    const from = createAddressFromString(tx.from);
    const sender = (await evm.stateManager.getAccount(from))!;
    sender.balance += (tx.gas - used) * gasPrice;
    sender.nonce = tx.nonce + 1n;
    await evm.stateManager.putAccount(from, sender);
    const coinbaseAddress = createAddressFromString(env.coinbase);
    const coinbase = (await evm.stateManager.getAccount(coinbaseAddress)) ?? createAccount({});
    coinbase.balance += used * (gasPrice - env.baseFee);
    await evm.stateManager.putAccount(coinbaseAddress, coinbase);
    evm.transientStorage.clear();
  }
}

async function evmFor(env: BlockEnvironment, state: RemoteState) {
  const common = createCustomCommon({ chainId: Number(env.chainId) }, Mainnet, { hardfork: env.hardfork });
  // A node's contracts obey its size limit already; ours must not refuse what it accepted.
  return { evm: await createEVM({ common, stateManager: state, allowUnlimitedContractSize: true }), common };
}

export async function launchReplay(o: EvmLaunchOptions, target: ReplayTarget, compile: () => Promise<CompiledProject>, progress: Progress, cancel: AbortSignal, report: Report): Promise<EvmExecution> {
  const rpc = new JsonRpc(target.rpcUrl, cancel);
  progress('Reading the transaction from the node', 0);
  const tx = await readTransaction(rpc, target.txHash);
  // The node works while we compile: the block, the prestate trace (which re-runs the transaction on the
  // node) and the receipt (only needed for the check at the end) are asked for first.
  const lines: [string, ('warning' | undefined)?][] = [];
  const later: Report = (line, kind) => lines.push([line, kind as 'warning' | undefined]);
  const receipt = readReceipt(rpc, tx).catch(() => ({}) as MinedReceipt);
  const statePromise = stateBefore(rpc, tx, later);
  statePromise.catch(() => {});
  const env = await readBlock(rpc, tx.blockNumber);
  report(`Transaction ${tx.hash}: number ${tx.index} of block ${env.number} on chain ${env.chainId} (${env.hardfork}), from ${tx.from} ${tx.to ? `to ${tx.to}` : 'creating a contract'}, gas limit ${tx.gas}`);
  const project = o.program ? await compile() : NO_PROJECT;
  if (!o.program) report('No program folder: code runs without sources (opcodes and disassembly only)', 'warning');
  if (cancel.aborted) throw new UserError('cancelled');

  progress('Reading the state before the transaction', 0.2);
  const state = await statePromise;
  for (const [line, kind] of lines) report(line, kind);
  const replay = await evmFor(env, state);
  const { evm } = replay;
  if (state.runEarlier) {
    progress(`Running the ${tx.index} earlier transaction${tx.index === 1 ? '' : 's'} of the block`, 0.25);
    await runEarlier(replay, env, await readEarlierTransactions(rpc, tx.blockNumber, tx.index), cancel);
    state.rememberLocalStorage();
  }
  // What the transaction does before its first instruction: the sender pays for all its gas up front. (Its
  // nonce goes up in runCall, which derives a creation's address from the nonce it had.)
  const { gasPrice, gasLimit } = await startTransaction(replay, env, tx);

  progress('Replaying the transaction', 0.3);
  const rec = await recordLaunchCall(evm, () => evm.runCall(callOf(tx, env, gasPrice, gasLimit)), { cancel, maxSteps: o.maxSteps, gasLimit, progress });
  const top = rec.contexts[0];
  const fn = top && !top.isCreate && top.code.length > 0 && top.calldata.length >= 4
    ? matchContract(project, top.code, false)?.abi.find((i) => i.type === 'function' && toFunctionSelector(signatureOf(i)) === bytesToHex(top.calldata.subarray(0, 4)))
    : undefined;
  progress('Indexing the recording', 0.9);
  const execution = new EvmExecution({
    project, recording: rec, ...(fn ? { fn } : {}),
    initialStorage: (address, slot) => state.knownStorage(address, slot),
    globals: { gasPrice, number: env.number, timestamp: env.timestamp, chainId: env.chainId, coinbase: env.coinbase, gasLimit: env.gasLimit },
  });

  // Which code ran with sources, and the declared state of each matched contract read from the node.
  const seen = new Map<string, string>();
  const reads: Promise<number>[] = [];
  for (const ctx of rec.contexts) {
    if (ctx.firstStep < 0 || seen.has(`${ctx.address}:${ctx.codeAddress}:${ctx.isCreate}`)) continue;
    const contract = execution.contractAt(ctx.firstStep);
    seen.set(`${ctx.address}:${ctx.codeAddress}:${ctx.isCreate}`, `${contract ? `${contract.name}${ctx.isCreate ? ' (constructor)' : ''}` : 'code not in the build (opcodes)'} at ${ctx.address}${ctx.codeAddress !== ctx.address && ctx.codeAddress ? ` (code of ${ctx.codeAddress})` : ''}`);
    if (contract && !ctx.isCreate) {
      const layout = contract.storageLayout, address = ctx.address;
      reads.push(state.prefetch(address, declaredSlots(layout)).then(async (n) =>
        n + await state.prefetch(address, contentSlots(layout, (slot) => state.knownStorage(address, slot)))));
    }
  }
  const read = (await Promise.all(reads)).reduce((a, b) => a + b, 0);
  for (const line of seen.values()) report(`Ran: ${line}`);
  if (read > 0) report(`Read ${read} more storage slots of declared state variables from block ${tx.blockNumber - 1n}`);
  if (!state.parentIsExact) report('Storage the transaction did not touch is shown as unavailable: earlier transactions of its block may have changed it', 'warning');
  report(`Replayed ${rec.stepCount} steps with ${rpc.calls} JSON-RPC calls`);
  // The node's receipt is the check that the replay ran as the chain did.
  const succeeded = top !== undefined && top.error === undefined;
  const mined = await receipt;
  if (mined.succeeded !== undefined && rec.stepLimit === undefined && mined.succeeded !== succeeded) {
    report(`The replay ${succeeded ? 'succeeded' : `failed (${top?.error})`} but the node's receipt says the transaction ${mined.succeeded ? 'succeeded' : 'failed'}: the state or environment read from the node differs from what the chain ran with, so values may be wrong`, 'warning');
  }
  return execution;
}
