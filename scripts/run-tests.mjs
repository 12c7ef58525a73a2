// Runs the test suite with Node's own test runner. Node 20's `--test` does not expand globs, so the
// test files are found here. Arguments filter test files by substring: `npm test -- evm session`.
// A test that hangs fails after 5 minutes (--test-timeout) instead of holding CI until its limit.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function* walk(dir) {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'fixtures') yield* walk(path);
    } else if (entry.endsWith('.test.ts')) yield path;
  }
}

const files = [...walk(join(root, 'test'))]
  .map((path) => relative(root, path))
  .filter((path) => filters.length === 0 || filters.some((f) => path.includes(f)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
