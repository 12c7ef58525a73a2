// The packaged language server stands alone: a copy of dist/ outside the repository (no node_modules of the
// repository reachable) starts, loads Slang and solc from dist/node_modules in its worker threads, reports a
// syntax error and a compiler error, and answers hover; both as dist/language-server.mjs (what the extension
// starts) and as `chainstep lsp --stdio`. The server starts through V8's code cache, written after a start and
// replaced when damaged.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, LspClient, positionOf } from '../language-server/lsp-client.ts';
import { repoRoot } from './workbench.ts';

const dist = join(repoRoot, 'dist');
const TEXT = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract Box {\n    uint256 public stored;\n    function put(uint256 v) external { stored = v; }\n}\n';

for (const [name, args] of [['language-server.mjs', ['--stdio']], ['chainstep.mjs', ['lsp', '--stdio']]] as const) {
  test(`dist/${name} ${args.join(' ')} works from a copy outside the repository`, {
    skip: existsSync(join(dist, name)) ? undefined : `${dist}/${name} not found (run \`npm run build\`)`,
    timeout: 180_000,
  }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'chainstep-lsp-bundle-'));
    const client = await (async () => {
      cpSync(dist, join(home, 'dist'), { recursive: true });
      writeFileSync(join(home, 'Box.sol'), TEXT);
      return LspClient.start({ command: [process.execPath, join(home, 'dist', name), ...args], rootPath: home });
    })();
    try {
      const uri = client.open(join(home, 'Box.sol'));
      const hover = await eventually(() => client.hover(uri, positionOf(TEXT, 'stored = v', 1)), 120_000, 'hover from the bundle');
      assert.match((hover.contents as { value: string }).value, /storage slot `0`/);
      const broken = TEXT.replace('stored = v;', 'stored = w;');
      client.change(uri, broken);
      const [error] = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.source === 'solc'), 120_000);
      assert.deepEqual(error!.range.start, positionOf(broken, 'w;'));
      client.change(uri, TEXT.replace('stored = v;', 'stored = ;'));
      await client.waitForDiagnostics(uri, (d) => d.some((x) => x.source === 'solidity'), 60_000);
    } finally {
      await client.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });
}

test('dist/language-server.mjs writes its V8 code cache after a start, starts from it, and replaces a damaged one', {
  skip: existsSync(join(dist, 'language-server.mjs')) ? undefined : `${dist}/language-server.mjs not found (run \`npm run build\`)`,
  timeout: 180_000,
}, async () => {
  const home = mkdtempSync(join(tmpdir(), 'chainstep-lsp-cache-'));
  const cacheDir = join(home, 'cache');
  process.env.CHAINSTEP_CODE_CACHE_DIR = cacheDir;
  writeFileSync(join(home, 'Box.sol'), TEXT);
  const cacheFiles = (): string[] => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.bin')) : []);
  /** Starts the server, checks it answers a hover, and leaves it running until `until` holds. */
  const session = async (until: () => boolean): Promise<void> => {
    const client = await LspClient.start({ command: [process.execPath, join(dist, 'language-server.mjs'), '--stdio'], rootPath: home });
    try {
      const uri = client.open(join(home, 'Box.sol'));
      const hover = await eventually(() => client.hover(uri, positionOf(TEXT, 'stored = v', 1)), 120_000, 'hover');
      assert.match((hover.contents as { value: string }).value, /storage slot `0`/);
      // Syntax errors come (Slang loads on the request thread too: its import must work from the cache).
      client.change(uri, TEXT.replace('stored = v;', 'stored = ;'));
      await client.waitForDiagnostics(uri, (d) => d.some((x) => x.source === 'solidity'), 60_000);
      await eventually(async () => until() || undefined, 30_000, 'the code cache');
      assert.deepEqual(client.logs.filter((l) => /fail/i.test(l)), [], 'the server reported no failure');
    } finally {
      await client.stop();
    }
  };
  try {
    await session(() => cacheFiles().length === 1);
    const [file] = cacheFiles();
    await session(() => true); // from the cache
    const garbage = Buffer.alloc(4096, 7);
    writeFileSync(join(cacheDir, file!), garbage);
    // V8 rejects the damaged cache: the server compiles as usual, answers, and writes a good cache again.
    await session(() => !readFileSync(join(cacheDir, file!)).equals(garbage));
    assert.deepEqual(cacheFiles(), [file]);
  } finally {
    delete process.env.CHAINSTEP_CODE_CACHE_DIR;
    rmSync(home, { recursive: true, force: true });
  }
});
