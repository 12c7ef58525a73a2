// Syntax errors for each edit, by the quickest path: an edit inside one contract member is re-parsed right
// here on the request thread (a few milliseconds, no hop to another thread and back, which on a busy machine
// costs more than the parse); anything else is a whole-file parse in the parser thread, newest text first
// (while one runs, only the latest text of each document waits, so a burst of keystrokes costs one parse).
// Each whole-file parse becomes the base for the member re-parses that follow it.
import type { Worker } from 'node:worker_threads';
import { LatestPerDocument } from '../latest-queue.ts';
import { startThread } from '../threads.ts';
import { IncrementalSyntax } from './incremental-syntax.ts';
import { loadSyntax, type SyntaxError } from './syntax.ts';
import type { ParseJob, ParseReply } from './syntax-worker.ts';

export class SyntaxChecker {
  private worker: Worker | undefined;
  private nextId = 1;
  private running: { id: number; key: string; version: number; text: string } | undefined;
  private readonly queued = new LatestPerDocument<{ text: string; version: number }>();
  private readonly local = new IncrementalSyntax();
  /** The version of the text `local` holds for each document (a late whole parse of an older one is not taken). */
  private readonly localVersion = new Map<string, number>();
  private disposed = false;

  constructor(private readonly done: (key: string, version: number, errors: SyntaxError[]) => void, private readonly log: (m: string) => void) {}

  /** Starts the parser thread, and loads the parser here too (for member re-parses). */
  warmUp(): void {
    this.ensureWorker();
    void loadSyntax().catch((e: unknown) => this.log(`syntax parser failed to load: ${(e as Error).message}`));
  }

  check(key: string, version: number, text: string): void {
    if (this.disposed) return;
    let errors: SyntaxError[] | undefined;
    try {
      errors = this.local.checkMember(key, text);
    } catch (e) {
      this.log(`member re-parse failed: ${(e as Error).message}`);
    }
    if (errors) {
      this.localVersion.set(key, version);
      this.queued.delete(key); // an older whole parse waiting is out of date now
      this.done(key, version, errors);
      return;
    }
    this.queued.put(key, { text, version });
    this.pump();
  }

  forget(key: string): void {
    this.queued.delete(key);
    this.local.forget(key);
    this.localVersion.delete(key);
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
      if ('parse' in reply) {
        if ((this.localVersion.get(running.key) ?? -1) < running.version) {
          this.local.remember(running.key, running.text, reply.parse);
          this.localVersion.set(running.key, running.version);
        }
        this.done(running.key, running.version, reply.parse.errors);
      } else this.log(`syntax check failed: ${reply.failure}`);
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
    this.running = { id, key, version: job.version, text: job.text };
    this.ensureWorker().postMessage({ id, text: job.text } satisfies ParseJob);
  }
}
