// The mined transaction and its block, read from the node and checked: what replaying needs (sender,
// recipient, input, gas, fee, access list, blob hashes) and the block's environment (number, timestamp,
// base fee, coinbase, prevrandao, gas limit, blob base fee) plus the chain id.
import { UserError } from '../../core/errors.ts';
import { hexBytes, quantity, type JsonRpc } from './rpc.ts';

export interface MinedTransaction {
  readonly hash: string;
  readonly type: number;
  readonly from: string;
  /** Undefined for a contract creation. */
  readonly to?: string;
  readonly input: Uint8Array;
  readonly value: bigint;
  readonly gas: bigint;
  readonly nonce: bigint;
  /** Legacy and EIP-2930 transactions: the gas price. */
  readonly gasPrice: bigint;
  /** EIP-1559 fees (types 2 and 3): the price paid is the base fee plus the tip, capped by maxFeePerGas. */
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
  readonly accessList: readonly { address: string; storageKeys: readonly string[] }[];
  readonly blobVersionedHashes: readonly string[];
  readonly blockNumber: bigint;
  readonly index: number;
}

export interface BlockEnvironment {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly coinbase: string;
  readonly gasLimit: bigint;
  readonly baseFee: bigint;
  readonly prevRandao: Uint8Array;
  readonly difficulty: bigint;
  readonly chainId: bigint;
  readonly excessBlobGas?: bigint;
  /** Which fork rules the block follows, from the header fields it has. */
  readonly hardfork: 'prague' | 'cancun' | 'shanghai' | 'paris' | 'london';
  /** Hashes of the block's transactions, in order. */
  readonly transactions: readonly string[];
}

type Json = Record<string, unknown>;

const address = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new UserError(`the node sent ${JSON.stringify(v)} for ${field}, not an address`);
  return v.toLowerCase();
};

export async function readTransaction(rpc: JsonRpc, hash: string): Promise<MinedTransaction> {
  const tx = await rpc.call<Json | null>('eth_getTransactionByHash', [hash]);
  if (tx === null || typeof tx !== 'object') {
    throw new UserError(`txHash: the node at ${rpc.url} knows no transaction ${hash} (wrong network, or a node that has pruned it?)`);
  }
  if (tx['blockNumber'] === null || tx['blockNumber'] === undefined) {
    throw new UserError(`txHash: transaction ${hash} is still pending (not mined yet): it can be debugged once it is in a block`);
  }
  return parseTransaction(tx, hash);
}

/**
 * The transactions of a block before the one at `index`, in order (the node's full block); they run first
 * when the node has no prestate trace, so the state the transaction starts from is the chain's.
 */
export async function readEarlierTransactions(rpc: JsonRpc, blockNumber: bigint, index: number): Promise<MinedTransaction[]> {
  const block = await rpc.call<Json | null>('eth_getBlockByNumber', [`0x${blockNumber.toString(16)}`, true]);
  const list = block && typeof block === 'object' && Array.isArray(block['transactions']) ? (block['transactions'] as Json[]) : undefined;
  if (!list || list.length <= index || list.slice(0, index).some((t) => !t || typeof t !== 'object')) {
    throw new UserError(`the node at ${rpc.url} did not give block ${blockNumber} with its transactions (eth_getBlockByNumber with full transactions)`);
  }
  return list.slice(0, index).map((t) => parseTransaction(t, String(t['hash'])));
}

function parseTransaction(tx: Json, hash: string): MinedTransaction {
  const type = Number(quantity(tx['type'] ?? '0x0', 'type'));
  if (type === 4) throw new UserError(`txHash: ${hash} is an EIP-7702 (type 4) transaction; replaying its authorization list is not supported yet`);
  const to = tx['to'] === null || tx['to'] === undefined ? undefined : address(tx['to'], 'to');
  const list = Array.isArray(tx['accessList']) ? (tx['accessList'] as Json[]) : [];
  return {
    hash,
    type,
    from: address(tx['from'], 'from'),
    ...(to ? { to } : {}),
    input: hexBytes(tx['input'] ?? tx['data'] ?? '0x', 'input'),
    value: quantity(tx['value'] ?? '0x0', 'value'),
    gas: quantity(tx['gas'], 'gas'),
    nonce: quantity(tx['nonce'], 'nonce'),
    gasPrice: quantity(tx['gasPrice'] ?? '0x0', 'gasPrice'),
    ...(tx['maxFeePerGas'] !== undefined && tx['maxPriorityFeePerGas'] !== undefined
      ? { maxFeePerGas: quantity(tx['maxFeePerGas'], 'maxFeePerGas'), maxPriorityFeePerGas: quantity(tx['maxPriorityFeePerGas'], 'maxPriorityFeePerGas') }
      : {}),
    accessList: list.map((e) => ({ address: address(e['address'], 'accessList.address'), storageKeys: (e['storageKeys'] as string[] | undefined) ?? [] })),
    blobVersionedHashes: Array.isArray(tx['blobVersionedHashes']) ? (tx['blobVersionedHashes'] as string[]) : [],
    blockNumber: quantity(tx['blockNumber'], 'blockNumber'),
    index: Number(quantity(tx['transactionIndex'], 'transactionIndex')),
  };
}

/** The gas price the transaction paid: GASPRICE, and what the sender bought its gas at. */
export function effectiveGasPrice(tx: MinedTransaction, baseFee: bigint): bigint {
  if (tx.maxFeePerGas === undefined || tx.maxPriorityFeePerGas === undefined) return tx.gasPrice;
  const price = baseFee + tx.maxPriorityFeePerGas;
  return price < tx.maxFeePerGas ? price : tx.maxFeePerGas;
}

/** What the node says came of the transaction (checked against the replay once it ran). */
export interface MinedReceipt {
  readonly succeeded?: boolean;
  readonly gasUsed?: bigint;
}

export async function readReceipt(rpc: JsonRpc, tx: MinedTransaction): Promise<MinedReceipt> {
  const receipt = await rpc.call<Json | null>('eth_getTransactionReceipt', [tx.hash]);
  if (!receipt) return {};
  return {
    ...(receipt['status'] !== undefined ? { succeeded: quantity(receipt['status'], 'status') === 1n } : {}),
    ...(receipt['gasUsed'] !== undefined ? { gasUsed: quantity(receipt['gasUsed'], 'gasUsed') } : {}),
  };
}

export async function readBlock(rpc: JsonRpc, number: bigint): Promise<BlockEnvironment> {
  const [block, chainId] = await Promise.all([
    rpc.call<Json | null>('eth_getBlockByNumber', [`0x${number.toString(16)}`, false]),
    rpc.call<string>('eth_chainId'),
  ]);
  if (!block) throw new UserError(`the node at ${rpc.url} has no block ${number} (pruned or reorganised?)`);
  const hardfork = block['requestsHash'] !== undefined ? 'prague'
    : block['excessBlobGas'] !== undefined ? 'cancun'
    : block['withdrawalsRoot'] !== undefined ? 'shanghai'
    : quantity(block['difficulty'] ?? '0x0', 'difficulty') === 0n ? 'paris' : 'london';
  const mixHash = typeof block['mixHash'] === 'string' ? hexBytes(block['mixHash'], 'mixHash') : new Uint8Array(32);
  return {
    number,
    timestamp: quantity(block['timestamp'], 'timestamp'),
    coinbase: address(block['miner'], 'miner'),
    gasLimit: quantity(block['gasLimit'], 'gasLimit'),
    baseFee: quantity(block['baseFeePerGas'] ?? '0x0', 'baseFeePerGas'),
    prevRandao: mixHash,
    difficulty: quantity(block['difficulty'] ?? '0x0', 'difficulty'),
    chainId: quantity(chainId, 'eth_chainId'),
    ...(block['excessBlobGas'] !== undefined ? { excessBlobGas: quantity(block['excessBlobGas'], 'excessBlobGas') } : {}),
    hardfork,
    transactions: (Array.isArray(block['transactions']) ? block['transactions'] : []).map((t) => (typeof t === 'string' ? t : String((t as Json)['hash']))),
  };
}

/** Blob base fee from the excess blob gas (EIP-4844's fake exponential; Prague's update fraction per EIP-7691). */
export function blobBaseFee(env: BlockEnvironment): bigint | undefined {
  if (env.excessBlobGas === undefined) return undefined;
  const fraction = env.hardfork === 'prague' ? 5_007_716n : 3_338_477n;
  let i = 1n, output = 0n, accumulator = fraction; // factor 1
  while (accumulator > 0n) {
    output += accumulator;
    accumulator = (accumulator * env.excessBlobGas) / (fraction * i);
    i++;
  }
  return output / fraction;
}

/** Gas charged before the first instruction: the base, calldata, access list and creation costs. */
export function intrinsicGas(tx: MinedTransaction, hardfork: BlockEnvironment['hardfork']): bigint {
  let gas = 21_000n;
  for (const b of tx.input) gas += b === 0 ? 4n : 16n;
  for (const e of tx.accessList) gas += 2_400n + 1_900n * BigInt(e.storageKeys.length);
  if (!tx.to) {
    gas += 32_000n;
    // EIP-3860 (Shanghai): 2 gas per word of init code.
    if (hardfork !== 'london' && hardfork !== 'paris') gas += 2n * BigInt(Math.ceil(tx.input.length / 32));
  }
  return gas;
}
