#!/usr/bin/env node
// The `chainstep` command. In a source checkout (debug-adapter/ next to bin/, tsx installed) it runs the
// TypeScript sources through tsx, so it always runs the code as it is now: a dist/chainstep.mjs left from
// an earlier `npm run build` would silently be stale. Elsewhere it runs the bundle, dist/chainstep.mjs.
// The VS Code extension does not come through here: it starts dist/chainstep.mjs itself.
// CHAINSTEP_FROM_BUNDLE=1 runs the bundle from a checkout too (trying a build); CHAINSTEP_FROM_SOURCE=1
// insists on the sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/chainstep.mjs', root);
const sources = new URL('debug-adapter/cli/main.ts', root);

/** Whether tsx can be loaded from here (it is a development dependency: absent from an installed copy). */
function hasTsx() {
  try {
    import.meta.resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

async function runSources() {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
}

const hasBundle = existsSync(fileURLToPath(bundle));
if (process.env.CHAINSTEP_FROM_SOURCE === '1') {
  await runSources();
} else if (process.env.CHAINSTEP_FROM_BUNDLE !== '1' && existsSync(fileURLToPath(sources)) && hasTsx()) {
  await runSources();
} else if (hasBundle) {
  await import(bundle.href);
} else {
  process.stderr.write(
    `chainstep: ${fileURLToPath(bundle)} not found. Run \`npm run build\`, or \`npm install\` in a source checkout to run the sources.\n`,
  );
  process.exitCode = 1;
}
