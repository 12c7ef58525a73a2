// The entry the editor starts (dist/language-server.mjs): runs the server bundle (language-server-main.cjs)
// through V8's code cache, so a start after the first one skips compiling the ~700 KB of JavaScript
// (vscode-languageserver and the server), about a third of the server's own start-up CPU time. Node 20 has no
// compile cache for ES modules (module.enableCompileCache came in Node 22), so the bundle is CommonJS, run
// as a vm.Script with the cached data. The cache lives in the temp folder, keyed by the bundle's path, size and
// time and by the V8 version (VS Code's Electron and a system Node each get their own); V8 checks it and
// rejects a stale or damaged one, in which case the bundle compiles as usual and the cache is written again.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { IMPORT_HOOK } from './import-module.ts';

const main = join(dirname(fileURLToPath(import.meta.url)), 'language-server-main.cjs');
const source = readFileSync(main, 'utf8');
const cacheFile = join(process.env.CHAINSTEP_CODE_CACHE_DIR ?? join(tmpdir(), 'chainstep-code-cache'), `language-server-${cacheKey()}.bin`);
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // first start with this bundle and this V8: compiled as usual, cached below
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: main,
  ...(cachedData ? { cachedData } : {}),
});
if (!cachedData || script.cachedDataRejected) {
  // Written once the server has answered `initialize` and warmed up, so the cache also holds the functions
  // compiled on the way (V8 compiles most functions lazily, on first call).
  setTimeout(writeCache, 1_000).unref();
}
// The server's dynamic imports (Slang) go through this module's import(): see import-module.ts.
(globalThis as Record<symbol, unknown>)[IMPORT_HOOK] = (specifier: string) => import(specifier);
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(main), module, main, dirname(main));

function writeCache(): void {
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile); // readers never see half a file
  } catch {
    // a read-only or full temp folder only costs the next start its compile
  }
}

/** FNV-1a of what makes a cache valid: the bundle (path, size, time) and the V8 that compiled it. */
function cacheKey(): string {
  const { size, mtimeMs } = statSync(main);
  const text = `${main}|${size}|${mtimeMs}|${process.versions.v8}|${process.arch}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${process.versions.v8.replace(/[^\w.]/g, '_')}-${h.toString(16).padStart(8, '0')}`;
}
