#!/usr/bin/env node
// The `chainstep` command. It always runs the bundle, dist/chainstep.mjs: starting from it takes a fraction of
// a second, where transpiling the TypeScript sources on every start costs seconds. In a source checkout
// (debug-adapter/ and scripts/build.mjs next to bin/) the bundle is built first when it is missing or older
// than any source, so it is never stale. The VS Code extension does not come through here: it starts
// dist/chainstep.mjs itself. CHAINSTEP_FROM_SOURCE=1 runs the sources through tsx instead (for debugging
// the adapter itself with source positions).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bundle = join(root, 'dist', 'chainstep.mjs');
const serverBundle = join(root, 'dist', 'language-server.mjs');
const buildScript = join(root, 'scripts', 'build.mjs');
/** What the bundle is made of: a change to any of these makes it stale. */
const inputs = ['debug-adapter', 'language', 'language-server', 'package.json', 'package-lock.json', 'scripts/build.mjs'].map((p) => join(root, p));
/** Held while one `chainstep` builds, so parallel starts (tests, several terminals) build once. */
const lock = join(root, '.chainstep-build.lock');

/** Newest modification time under `path` (a file or a folder), or 0 when it does not exist. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file shows as a change of its folder
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function isStale() {
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  return inputs.some((input) => newest(input) > built);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds the bundle unless another start is doing it (then waits for that one); false when the build failed. */
function build() {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than five minutes belongs to a build that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      sleep(200);
    }
  }
  try {
    if (!isStale()) return true;
    process.stderr.write('chainstep: building dist/chainstep.mjs from the sources (npm run build)…\n');
    // The build's own output goes to stderr: stdout may be a DAP channel.
    const r = spawnSync(process.execPath, [buildScript], { cwd: root, stdio: ['ignore', 2, 2] });
    return r.status === 0;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const checkout = existsSync(join(root, 'debug-adapter')) && existsSync(buildScript);
if (process.env.CHAINSTEP_FROM_SOURCE === '1' && checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../debug-adapter/cli/main.ts', import.meta.url).href);
} else if (checkout && isStale() && !build()) {
  process.stderr.write('chainstep: building dist/chainstep.mjs failed (see above); `npm install` first in a fresh checkout.\n');
  process.exitCode = 1;
} else if (process.argv[2] === 'lsp' && existsSync(serverBundle)) {
  // The language server's own small bundle: an editor waits for its first answer, and the debugger bundle
  // (2.6 MB) would double the start-up. It reads its transport (--stdio, …) from argv; stdio by default.
  process.argv.splice(2, 1);
  if (!process.argv.slice(2).some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='))) process.argv.push('--stdio');
  await import(new URL('../dist/language-server.mjs', import.meta.url).href);
} else if (existsSync(bundle)) {
  await import(new URL('../dist/chainstep.mjs', import.meta.url).href);
} else {
  process.stderr.write(`chainstep: ${bundle} not found. Run \`npm run build\`.\n`);
  process.exitCode = 1;
}
