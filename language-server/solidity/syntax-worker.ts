// The worker thread that parses whole files for syntax errors. Slang takes from tens to hundreds of
// milliseconds on a large file; here that never delays a hover or a definition on the request thread. An
// edit inside one contract member is re-parsed on the request thread instead (syntax-checker.ts), from the
// member ranges this parse returns.
import { parentPort } from 'node:worker_threads';
import { loadSyntax, parseFile, type FileParse } from './syntax.ts';

export type ParseJob = { readonly id: number; readonly text: string };
export type ParseReply = { id: number; parse: FileParse } | { id: number; failure: string };

const port = parentPort;
if (!port) throw new Error('syntax-worker must run in a worker thread');
const ready = loadSyntax();

port.on('message', (job: ParseJob) => {
  void ready.then(() => {
    try {
      const parse = parseFile(job.text);
      port.postMessage(parse ? { id: job.id, parse } : { id: job.id, failure: 'parser not loaded' } satisfies ParseReply);
    } catch (e) {
      port.postMessage({ id: job.id, failure: (e as Error).message } satisfies ParseReply);
    }
  }, (e: unknown) => port.postMessage({ id: job.id, failure: `parser failed to load: ${(e as Error).message}` } satisfies ParseReply));
});
