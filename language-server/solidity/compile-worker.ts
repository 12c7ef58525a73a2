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
  readonly gasEstimates?: { readonly optimizerRuns?: number };
}

/**
 * A check's result travels with its ASTs as JSON text (`asts[i]` for `result.sources[i]`, null without one):
 * a string crosses threads as one copy, where the object form (megabytes with OpenZeppelin imported) would
 * hold the server's thread for hundreds of milliseconds while it is rebuilt there, delaying syntax
 * diagnostics and answers. The server parses each AST when it first needs it (see compiler.ts).
 */
export type CompileReply = { id: number; result: CheckResult; asts: (string | null)[] } | { id: number; error: string } | { ready: string };

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
    const result = checkSolidity(loadSolc(), { project: job.project, target: job.target, targetPath: job.targetPath, overlay: new Map(job.overlay), gasEstimates: job.gasEstimates });
    // A solc-js that threw (out of WebAssembly memory) fails every later compile; the result says so
    // (`compilerFailed`) and the server replaces this worker before it sends the next check. The worker does
    // not end itself: a check already on its way here would be lost with it.
    const sources = result.sources.map(({ ast: _, ...rest }) => rest);
    const asts = result.sources.map((x) => (x.ast ? JSON.stringify(x.ast) : null));
    port.postMessage({ id: job.id, result: { ...result, sources }, asts } satisfies CompileReply);
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
