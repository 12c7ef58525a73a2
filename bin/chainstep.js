#!/usr/bin/env node
// The `chainstep` command. Uses the bundled adapter (dist/chainstep.mjs, from `npm run build`) when there
// is one; otherwise runs the TypeScript sources through tsx, so `npx chainstep dap` works right after
// `npm install`. CHAINSTEP_FROM_SOURCE=1 forces the sources (tests, and working on the adapter).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/chainstep.mjs', root);
if (existsSync(fileURLToPath(bundle)) && process.env.CHAINSTEP_FROM_SOURCE !== '1') {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('debug-adapter/cli/main.ts', root).href);
}
