// The state before the replayed transaction, read lazily from the node: an account (balance, nonce, code)
// the first time the EVM asks for it, a storage slot the first time it is read, each at the parent block
// and cached for the session. Where the node gives a prestate trace (every account and slot the
// transaction touches, as they were just before it, after the block's earlier transactions), that is
// loaded first and is authoritative. What was neither traced nor read is not known: `knownStorage`
// says so instead of answering zero.
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, bytesToHex, type Address } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { UserError } from '../../core/errors.ts';
import { hexBytes, quantity, type JsonRpc } from './rpc.ts';

interface RemoteAccount {
  readonly nonce: bigint;
  readonly balance: bigint;
  readonly code: Uint8Array;
}

/** One account of a prestateTracer answer (geth's format: fields left out are zero/empty). */
export interface PrestateAccount {
  readonly balance?: string;
  readonly nonce?: number | string;
  readonly code?: string;
  readonly storage?: Record<string, string>;
}

const slotKey = (address: string, slot: bigint): string => `${address}_0x${slot.toString(16).padStart(64, '0')}`;

export class RemoteState extends SimpleStateManager {
  private readonly accounts = new Map<string, RemoteAccount | undefined>();
  private readonly pendingAccounts = new Map<string, Promise<RemoteAccount | undefined>>();
  /** Storage words as they were before the transaction, by "<address>_<slot word>". */
  private readonly slots = new Map<string, bigint>();
  /**
   * Whether a slot not read yet may still be read from the parent block: true when no earlier transaction
   * of the block ran before (the parent block's state is the state before the transaction).
   */
  /** The block's earlier transactions run in our EVM before the replayed one (no prestate trace from the node). */
  runEarlier = false;
  parentIsExact = true;

  constructor(private readonly rpc: JsonRpc, private readonly blockTag: string) {
    super();
  }

  /** Loads a prestate trace: authoritative for every account and slot it lists. */
  loadPrestate(prestate: Record<string, PrestateAccount>): void {
    for (const [raw, a] of Object.entries(prestate)) {
      const address = raw.toLowerCase();
      if (!/^0x[0-9a-f]{40}$/.test(address) || !a || typeof a !== 'object') throw new UserError(`the node's prestate trace has ${JSON.stringify(raw)}: ${JSON.stringify(a)}, not an account`);
      this.accounts.set(address, {
        balance: a.balance === undefined ? 0n : quantity(a.balance, `prestate ${address} balance`),
        nonce: a.nonce === undefined ? 0n : quantity(a.nonce, `prestate ${address} nonce`),
        code: a.code === undefined ? new Uint8Array(0) : hexBytes(a.code, `prestate ${address} code`),
      });
      for (const [slot, value] of Object.entries(a.storage ?? {})) {
        this.slots.set(slotKey(address, quantity(slot, `prestate ${address} slot`)), quantity(value, `prestate ${address} slot ${slot}`));
      }
    }
  }

  /**
   * Storage words the block's earlier transactions changed (from the node's diff trace of the block):
   * with them, a slot read from the parent block is exact again for a transaction later in its block.
   */
  loadEarlierChanges(diffs: readonly { pre?: Record<string, PrestateAccount>; post?: Record<string, PrestateAccount> }[]): void {
    for (const { pre = {}, post = {} } of diffs) {
      for (const [raw, before] of Object.entries(pre)) {
        const address = raw.toLowerCase();
        const after = Object.entries(post).find(([a]) => a.toLowerCase() === address)?.[1]?.storage ?? {};
        // A changed slot missing from `post` became zero (the diff leaves zero values out).
        for (const slot of Object.keys(before?.storage ?? {})) this.earlier.set(slotKey(address, quantity(slot, 'diff slot')), quantity(after[slot] ?? 0, 'diff value'));
      }
      for (const [raw, after] of Object.entries(post)) {
        for (const [slot, value] of Object.entries(after?.storage ?? {})) this.earlier.set(slotKey(raw.toLowerCase(), quantity(slot, 'diff slot')), quantity(value, 'diff value'));
      }
    }
    this.parentIsExact = true;
  }
  private readonly earlier = new Map<string, bigint>();

  /**
   * Takes the storage the block's earlier transactions left (they ran here, on top of the parent block) as
   * the state before the replayed one: called between them and it.
   */
  rememberLocalStorage(): void {
    for (const [key, value] of this.topStorageStack()) {
      const at = key.indexOf('_');
      let word = 0n;
      for (const b of value) word = (word << 8n) | BigInt(b);
      this.slots.set(slotKey(key.slice(0, at).toLowerCase(), BigInt(key.slice(at + 1))), word);
    }
  }

  /** A storage word before the transaction, or undefined when it was never read from the node. */
  knownStorage(address: string, slot: bigint): bigint | undefined {
    return this.slots.get(slotKey(address, slot));
  }

  /** Reads storage words from the node (the parent block) that are not known yet; ignored where not exact. */
  async prefetch(address: string, slots: readonly bigint[]): Promise<number> {
    if (!this.parentIsExact) return 0;
    const missing = slots.filter((s) => !this.slots.has(slotKey(address, s)));
    await Promise.all(missing.map((s) => this.remoteSlot(address, s)));
    return missing.length;
  }

  private async remoteAccount(address: string): Promise<RemoteAccount | undefined> {
    if (this.accounts.has(address)) return this.accounts.get(address);
    let pending = this.pendingAccounts.get(address);
    if (!pending) {
      pending = (async () => {
        const [balance, nonce, code] = await Promise.all([
          this.rpc.call<string>('eth_getBalance', [address, this.blockTag]),
          this.rpc.call<string>('eth_getTransactionCount', [address, this.blockTag]),
          this.rpc.call<string>('eth_getCode', [address, this.blockTag]),
        ]);
        const account = { balance: quantity(balance, 'eth_getBalance'), nonce: quantity(nonce, 'eth_getTransactionCount'), code: hexBytes(code, 'eth_getCode') };
        this.accounts.set(address, account);
        return account;
      })();
      this.pendingAccounts.set(address, pending);
    }
    return pending;
  }

  private async remoteSlot(address: string, slot: bigint): Promise<bigint> {
    const key = slotKey(address, slot);
    const known = this.slots.get(key) ?? this.earlier.get(key);
    if (known !== undefined) {
      this.slots.set(key, known);
      return known;
    }
    const word = await this.rpc.call<string>('eth_getStorageAt', [address, `0x${slot.toString(16)}`, this.blockTag]);
    const value = quantity(word, 'eth_getStorageAt');
    this.slots.set(key, value);
    return value;
  }

  // ---- the state manager the EVM runs on: local changes first, then the node ----

  override async getAccount(address: Address): Promise<Account | undefined> {
    const key = address.toString();
    const top = this.topAccountStack();
    if (top.has(key)) return top.get(key);
    const remote = await this.remoteAccount(key);
    // EIP-161: an account with no balance, nonce or code does not exist.
    if (!remote || (remote.balance === 0n && remote.nonce === 0n && remote.code.length === 0)) return undefined;
    const account = new Account(remote.nonce, remote.balance, undefined, keccak_256(remote.code));
    // Kept locally: the EVM changes accounts in place and puts them back.
    top.set(key, account);
    if (remote.code.length > 0 && !this.topCodeStack().has(key)) this.topCodeStack().set(key, remote.code);
    return account;
  }

  override async getCode(address: Address): Promise<Uint8Array> {
    const key = address.toString();
    const local = this.topCodeStack().get(key);
    if (local !== undefined || this.topAccountStack().has(key)) return local ?? new Uint8Array(0);
    return (await this.remoteAccount(key))?.code ?? new Uint8Array(0);
  }

  override async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length;
  }

  override async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    const local = this.topStorageStack().get(`${address.toString()}_${bytesToHex(key)}`);
    if (local !== undefined) return local;
    const addr = address.toString();
    // A contract created in this transaction has no storage on the node.
    if (this.topAccountStack().has(addr) && !this.accounts.has(addr) && !this.pendingAccounts.has(addr)) return new Uint8Array(0);
    const value = await this.remoteSlot(addr, BigInt(bytesToHex(key)));
    return value === 0n ? new Uint8Array(0) : hexBytes(`0x${value.toString(16).padStart(64, '0')}`, 'storage');
  }
}
