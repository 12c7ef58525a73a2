// Bundles the extension and the debug adapter into dist/ with esbuild:
//   dist/extension.cjs  the VS Code glue (CommonJS: the form VS Code loads; `vscode` is provided by the host)
//   dist/chainstep.mjs  the adapter + CLI (`node dist/chainstep.mjs dap`), every dependency bundled except solc
//   dist/node_modules/solc (+ its dependencies)  copied as is: solc-js is a 9 MB emscripten module the
//     compiler loads lazily with `require('solc')` at run time, so it stays a real package next to the bundle
//     rather than being inlined (which would also make every adapter start parse it).
// Usage: node scripts/build.mjs
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const adapterEntry = join(root, 'debug-adapter', 'cli', 'main.ts');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(root, 'extension', 'extension.ts')],
  outfile: join(dist, 'extension.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  // VS Code 1.90's extension host runs Node 18.
  target: 'node18',
  external: ['vscode'],
  sourcemap: 'linked',
  logLevel: 'warning',
});

if (!existsSync(adapterEntry)) {
  console.error(`build: ${adapterEntry} does not exist yet; dist/chainstep.mjs (the debug adapter) was not built.`);
  process.exit(1);
}

await build({
  entryPoints: [adapterEntry],
  outfile: join(dist, 'chainstep.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['solc', '@nomicfoundation/slang', '@nomicfoundation/slang/*'],
  // Bundled CommonJS dependencies call require/__filename/__dirname, which an ES module does not have.
  // esbuild renames any bundled module's own top-level `require` (e.g. one made with createRequire)
  // because the bundle references the free `require`, so these declarations cannot collide.
  banner: {
    js: [
      "import { createRequire as __chainstepCreateRequire } from 'node:module';",
      "import { fileURLToPath as __chainstepFileURLToPath } from 'node:url';",
      "import { dirname as __chainstepDirname } from 'node:path';",
      'const require = __chainstepCreateRequire(import.meta.url);',
      'const __filename = __chainstepFileURLToPath(import.meta.url);',
      'const __dirname = __chainstepDirname(__filename);',
    ].join('\n'),
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The language server (what the extension starts) and its worker threads (solc, the syntax parser): separate small bundles, so the
// server starts without loading the debugger, and the worker file sits next to whichever bundle spawns it
// (dist/language-server.mjs, or dist/chainstep.mjs for `chainstep lsp`). The server itself is CommonJS
// (language-server-main.cjs), started by the small dist/language-server.mjs through V8's code cache
// (language-server/code-cache-start.ts says why); `import.meta.url` in it becomes the bundle's own file URL.
await build({
  entryPoints: [join(root, 'language-server', 'bin.ts')],
  outfile: join(dist, 'language-server-main.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['solc', '@nomicfoundation/slang', '@nomicfoundation/slang/*'],
  define: { 'import.meta.url': '__chainstepImportMetaUrl' },
  banner: { js: "var __chainstepImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // threads.ts reads import.meta.resolve only when run from the TypeScript sources, never in the bundle.
  logOverride: { 'empty-import-meta': 'silent' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const [entry, out] of [['code-cache-start.ts', 'language-server.mjs'], ['solidity/compile-worker.ts', 'solidity-compile-worker.mjs'], ['solidity/syntax-worker.ts', 'solidity-syntax-worker.mjs']]) {
  await build({
    entryPoints: [join(root, 'language-server', entry)],
    outfile: join(dist, out),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Slang finds its WebAssembly next to its own module, so it stays a real package like solc.
    external: ['solc', '@nomicfoundation/slang', '@nomicfoundation/slang/*'],
    banner: { js: "import { createRequire as __chainstepCreateRequire } from 'node:module';\nconst require = __chainstepCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

copyPackageWithDependencies('solc', join(dist, 'node_modules'));
copyPackageWithDependencies('@nomicfoundation/slang', join(dist, 'node_modules'));
console.log('build: dist/extension.cjs, dist/chainstep.mjs, dist/language-server.mjs (+ language-server-main.cjs), dist/solidity-{compile,syntax}-worker.mjs, dist/node_modules/solc');

/** Copies an installed package and, recursively, its production dependencies (as npm resolved them). */
function copyPackageWithDependencies(name, target, from = root, seen = new Set()) {
  const dir = resolvePackageDir(name, from);
  if (seen.has(dir)) return;
  seen.add(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  cpSync(dir, join(target, name), {
    recursive: true,
    filter: (src) => !src.slice(dir.length).includes('/node_modules'),
  });
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    copyPackageWithDependencies(dependency, target, dir, seen);
  }
}

/** Node's lookup: `node_modules/<name>` in `from` or the nearest folder above it that has one. */
function resolvePackageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`build: package ${name} is not installed (needed by ${from})`);
  }
}
