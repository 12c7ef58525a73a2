// The worker thread that parses for syntax errors. Slang takes from a few to a few hundred milliseconds on a
// large file; here that never delays a hover or a definition on the request thread.
import { parentPort } from 'node:worker_threads';
import { IncrementalSyntax } from './incremental-syntax.ts';
import { loadSyntax, type SyntaxError } from './syntax.ts';

export type ParseJob = { readonly id: number; readonly key: string; readonly text: string } | { readonly forget: string };
export type ParseReply = { id: number; errors: SyntaxError[] } | { id: number; failure: string };

const port = parentPort;
if (!port) throw new Error('syntax-worker must run in a worker thread');
const ready = loadSyntax();
const documents = new IncrementalSyntax();

port.on('message', (job: ParseJob) => {
  if ('forget' in job) {
    documents.forget(job.forget);
    return;
  }
  void ready.then(() => {
    try {
      port.postMessage({ id: job.id, errors: documents.check(job.key, job.text) ?? [] } satisfies ParseReply);
    } catch (e) {
      port.postMessage({ id: job.id, failure: (e as Error).message } satisfies ParseReply);
    }
  }, (e: unknown) => port.postMessage({ id: job.id, failure: `parser failed to load: ${(e as Error).message}` } satisfies ParseReply));
});
