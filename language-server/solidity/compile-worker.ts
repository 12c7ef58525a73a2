// The worker thread that runs solc-js for the language server. solc is synchronous and takes from tens of
// milliseconds to seconds, so it runs here, never on the thread that answers hover or completion.
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { checkSolidity, type CheckResult, type Solc } from '../../language/solidity/check.ts';
import type { SolidityProject } from '../../language/solidity/workspace.ts';

export interface CompileJob {
  readonly id: number;
  readonly project: SolidityProject;
  readonly target: string;
  readonly targetPath: string;
  readonly overlay: [string, string][];
}

export type CompileReply = { id: number; result: CheckResult } | { id: number; error: string } | { ready: string };

const require = createRequire(import.meta.url);
const port = parentPort;
if (!port) throw new Error('compile-worker must run in a worker thread');

let solc: Solc | undefined;
function loadSolc(): Solc {
  solc ??= require('solc') as Solc;
  return solc;
}

port.on('message', (job: CompileJob) => {
  try {
    const result = checkSolidity(loadSolc(), { project: job.project, target: job.target, targetPath: job.targetPath, overlay: new Map(job.overlay) });
    port.postMessage({ id: job.id, result } satisfies CompileReply);
    // A solc-js that threw (out of WebAssembly memory) fails every later compile: end this worker, and the
    // server starts a fresh one for the next check.
    if (result.compilerFailed) setImmediate(() => process.exit(1));
  } catch (e) {
    port.postMessage({ id: job.id, error: (e as Error).stack ?? String(e) } satisfies CompileReply);
  }
});

// Load the compiler (a 9 MB emscripten module) right away, so the first check does not pay for it.
setImmediate(() => {
  try {
    port.postMessage({ ready: loadSolc().version() } satisfies CompileReply);
  } catch (e) {
    port.postMessage({ ready: `unavailable: ${(e as Error).message}` } satisfies CompileReply);
  }
});
