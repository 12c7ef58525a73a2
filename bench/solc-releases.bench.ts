// Cost of "any solc release": the first launch of a contract pinned to another release (list fetch,
// download from a loopback solc-bin mirror, sha256 + keccak256 check, write to the cache, load with solc-js)
// against the compile itself, then a launch with the release already cached on disk (a new process: read,
// check, load) and one with it already loaded (list fetch only). Ratios are to the compile time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseCompiler } from '../language/solidity/compile-project.ts';
import { compile } from '../language/solidity/compile.ts';
import { startSolcMirror } from '../test/support/solc-mirror.ts';

const program = fileURLToPath(new URL('../samples/solidity/old-compilers/Ledger05.sol', import.meta.url));

async function timed<T>(body: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await body();
  return { ms: performance.now() - start, value };
}

export async function run(): Promise<void> {
  const mirror = await startSolcMirror(['0.5.16']);
  const cacheDir = mkdtempSync(join(tmpdir(), 'chainstep-bench-solc-'));
  try {
    const source = { program, binUrl: mirror.url, cacheDir };
    const first = await timed(() => chooseCompiler(source));
    const compiled = await timed(() => compile({ program, compiler: first.value!, useBuildInfo: false }));
    const loaded = await timed(() => chooseCompiler(source));
    console.log(`solc 0.5.16 first use (list + 12 MB download + sha256 + keccak256 + cache + load): ${first.ms.toFixed(0)} ms (${(first.ms / compiled.ms).toFixed(1)}x the compile)`);
    console.log(`compile Ledger05.sol with it: ${compiled.ms.toFixed(0)} ms`);
    console.log(`again in the same process (list fetch, compiler already loaded): ${loaded.ms.toFixed(0)} ms (${(loaded.ms / compiled.ms).toFixed(2)}x)`);
  } finally {
    await mirror.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
