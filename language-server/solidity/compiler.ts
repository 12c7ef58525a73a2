// Runs solc checks in a worker thread, one at a time, newest first. An edit made while a check runs queues
// a new one for that document, replacing any queued one; the running check's result is dropped when a newer
// one is queued for the same document (stale diagnostics would flicker). A check running so long that it
// holds up a newer edit (a huge file) is abandoned by restarting the worker.
import type { Worker } from 'node:worker_threads';
import { LatestPerDocument } from '../latest-queue.ts';
import { startThread } from '../threads.ts';
import type { CheckedSource, CheckResult } from '../../language/solidity/check.ts';
import type { CompileJob, CompileReply } from './compile-worker.ts';

type Job = Omit<CompileJob, 'id'>;
/** A check waiting or running; `attempt` 1 is its rerun after a worker crashed under it. */
interface Queued { readonly job: Job; readonly attempt: number }

export interface CompilerEvents {
  result(key: string, result: CheckResult): void;
  failure(key: string, message: string): void;
}

/** A check older than this is abandoned (worker restarted) when a newer edit of the same document waits. */
const ABANDON_AFTER_MS = 3000;

const startWorker = (): Worker => startThread(new URL('./compile-worker.ts', import.meta.url), 'solidity-compile-worker.mjs');

export class SolidityCompiler {
  private worker: Worker | undefined;
  private nextId = 1;
  private running: { id: number; key: string; started: number; queued: Queued } | undefined;
  private readonly queued = new LatestPerDocument<Queued>();
  private disposed = false;
  /** The compiler version once loaded ("unavailable: …" if it cannot be). */
  version: string | undefined;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly events: CompilerEvents) {}

  /** Starts the worker (and solc loading in it) ahead of the first check. */
  warmUp(): void {
    this.ensureWorker();
  }

  whenReady(): Promise<void> {
    if (this.version) return Promise.resolve();
    this.ensureWorker();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  check(key: string, job: Job): void {
    if (this.disposed) return;
    this.queued.put(key, { job, attempt: 0 });
    if (this.running && this.running.key === key && performance.now() - this.running.started > ABANDON_AFTER_MS) {
      this.restart();
    }
    this.pump();
  }

  /**
   * Forgets a document (closed): its queued check is dropped; a long check of it still running (a huge file
   * opened by mistake) is abandoned so the other documents' checks do not wait behind it.
   */
  forget(key: string): void {
    this.queued.delete(key);
    if (this.running?.key === key) {
      if (performance.now() - this.running.started > 1000) this.restart();
      else this.running = { ...this.running, key: `closed:${key}` };
    }
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.queued.clear();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.unref();
    worker.on('message', (reply: CompileReply) => this.onReply(reply));
    worker.on('error', (e) => this.onCrash(worker, e.message));
    worker.on('exit', (code) => { if (this.worker === worker) this.onCrash(worker, `compiler worker exited (${code})`); });
    this.worker = worker;
    return worker;
  }

  private restart(): void {
    this.retire();
    this.running = undefined;
    this.pump();
  }

  /** Ends the current worker; the next check starts a fresh one. */
  private retire(): void {
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
  }

  private onCrash(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const running = this.running;
    this.running = undefined;
    if (running && !this.queued.has(running.key) && !running.key.startsWith('closed:')) {
      // The check may have been the crash's victim rather than its cause: it runs once more in a fresh
      // worker, and only a second crash is reported.
      if (running.queued.attempt === 0) this.queued.put(running.key, { job: running.queued.job, attempt: 1 });
      else this.events.failure(running.key, message);
    }
    if (!this.disposed) this.pump();
  }

  private onReply(reply: CompileReply): void {
    if ('ready' in reply) {
      this.version = reply.ready;
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    const running = this.running;
    if (!running || running.id !== reply.id) return;
    this.running = undefined;
    // Its solc is spent: the next check goes to a fresh worker (sending it to this one would lose it).
    if ('result' in reply && reply.result.compilerFailed) this.retire();
    // Superseded: a newer version of this document is queued, so this result is already out of date.
    if (!this.queued.has(running.key) && !running.key.startsWith('closed:')) {
      if ('result' in reply) this.events.result(running.key, withLazyAsts(reply.result, reply.asts));
      else this.events.failure(running.key, reply.error);
    }
    this.pump();
  }

  private pump(): void {
    const next = this.running || this.disposed ? undefined : this.queued.take();
    if (!next) return;
    const [key, queued] = next;
    const id = this.nextId++;
    this.running = { id, key, started: performance.now(), queued };
    this.ensureWorker().postMessage({ ...queued.job, id } satisfies CompileJob);
  }
}

/** The result with each source's `ast` parsed from its JSON text on first use (one file at a time, when needed). */
function withLazyAsts(result: CheckResult, asts: (string | null)[]): CheckResult {
  const sources = result.sources.map((source, i): CheckedSource => {
    let json = asts[i];
    if (!json) return source;
    let parsed: CheckedSource['ast'];
    const ast = (): CheckedSource['ast'] => {
      if (json) { parsed = JSON.parse(json) as CheckedSource['ast']; json = null; } // the text is not kept twice
      return parsed;
    };
    return Object.defineProperty({ ...source }, 'ast', { enumerable: true, get: ast });
  });
  return { ...result, sources };
}
