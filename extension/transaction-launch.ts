// The launch configuration of "Chainstep: Debug Transaction…": a mined transaction replayed from a node,
// debugged with the workspace's sources. Plain data and input checks (no VS Code API), so they are tested
// without an editor; the adapter checks the fields again at its door.

export interface TransactionLaunch {
  type: 'chainstep';
  request: 'launch';
  name: string;
  program: string;
  rpcUrl: string;
  txHash: string;
}

/** Why `text` is not a node URL, or undefined when it is one. */
export function rpcUrlProblem(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // fall through
  }
  return 'Enter the JSON-RPC URL of a node, e.g. http://127.0.0.1:8545';
}

/** Why `text` is not a transaction hash, or undefined when it is one. */
export function txHashProblem(text: string): string | undefined {
  return /^0x[0-9a-fA-F]{64}$/.test(text.trim()) ? undefined : 'Enter a transaction hash: 0x followed by 64 hex digits';
}

/** `program` is the workspace folder ('' without one: the code is then shown as opcodes). */
export function transactionLaunch(program: string, rpcUrl: string, txHash: string): TransactionLaunch {
  const hash = txHash.trim().toLowerCase();
  return { type: 'chainstep', request: 'launch', name: `Transaction ${hash.slice(0, 10)}…`, program, rpcUrl: rpcUrl.trim(), txHash: hash };
}
