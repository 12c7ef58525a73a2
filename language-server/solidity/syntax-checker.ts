// Sends texts to the syntax worker, newest first: while one parse runs, only the latest text of each document
// waits, so a burst of keystrokes costs one parse after the current one, not one per keystroke.
import type { Worker } from 'node:worker_threads';
import { LatestPerDocument } from '../latest-queue.ts';
import { startThread } from '../threads.ts';
import type { SyntaxError } from './syntax.ts';
import type { ParseJob, ParseReply } from './syntax-worker.ts';

export class SyntaxChecker {
  private worker: Worker | undefined;
  private nextId = 1;
  private running: { id: number; key: string; version: number } | undefined;
  private readonly queued = new LatestPerDocument<{ text: string; version: number }>();
  private disposed = false;

  constructor(private readonly done: (key: string, version: number, errors: SyntaxError[]) => void, private readonly log: (m: string) => void) {}

  warmUp(): void {
    this.ensureWorker();
  }

  check(key: string, version: number, text: string): void {
    if (this.disposed) return;
    this.queued.put(key, { text, version });
    this.pump();
  }

  forget(key: string): void {
    this.queued.delete(key);
    this.worker?.postMessage({ forget: key } satisfies ParseJob);
  }

  dispose(): void {
    this.disposed = true;
    this.queued.clear();
    void this.worker?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startThread(new URL('./syntax-worker.ts', import.meta.url), 'solidity-syntax-worker.mjs');
    worker.unref();
    worker.on('message', (reply: ParseReply) => {
      const running = this.running;
      if (!running || running.id !== reply.id) return;
      this.running = undefined;
      if ('errors' in reply) this.done(running.key, running.version, reply.errors);
      else this.log(`syntax check failed: ${reply.failure}`);
      this.pump();
    });
    const crashed = (message: string) => {
      if (this.worker !== worker) return;
      this.log(`syntax worker stopped: ${message}`);
      this.worker = undefined;
      this.running = undefined;
      if (!this.disposed) this.pump();
    };
    worker.on('error', (e) => crashed(e.message));
    worker.on('exit', (code) => crashed(`exit ${code}`));
    this.worker = worker;
    return worker;
  }

  private pump(): void {
    const next = this.running || this.disposed ? undefined : this.queued.take();
    if (!next) return;
    const [key, job] = next;
    const id = this.nextId++;
    this.running = { id, key, version: job.version };
    this.ensureWorker().postMessage({ id, key, text: job.text } satisfies ParseJob);
  }
}
