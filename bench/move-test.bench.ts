// `chainstep move test` on the framework packages' own unit tests (../shared/fixtures/move/sui-framework-src,
// which the real `sui move test` passes in full): how many pass in our compiler + interpreter, how many
// fail, and why the rest cannot run yet (a construct our compiler does not translate, or a native our
// interpreter does not implement: the crypto ones), with the time a whole run takes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPackageTests, type TestOutcome } from '../debug-adapter/move/build/test-runner.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const framework = path.resolve(root, '../shared/fixtures/move/sui-framework-src');

/** Why a test cannot run, in a few words for the summary. */
function cause(t: TestOutcome): string {
  const reason = t.reason ?? '';
  const native = /native function (0x[0-9a-f]+::\w+)::\w+ is not implemented/.exec(reason);
  if (native) return `native ${native[1]}`;
  if (/cannot compile|Cannot compile|not compiled yet/.test(reason)) return 'compiler';
  return 'other';
}

export async function run(): Promise<void> {
  if (!existsSync(framework)) {
    console.log('skipped: ../shared/fixtures/move/sui-framework-src not found');
    return;
  }
  for (const pkg of ['move-stdlib', 'sui-framework']) {
    const t0 = performance.now();
    const run = runPackageTests(path.join(framework, pkg));
    const ms = performance.now() - t0;
    const count = (s: TestOutcome['status']) => run.tests.filter((t) => t.status === s).length;
    console.log(`${pkg}: ${count('pass')} of ${run.tests.length} tests pass, ${count('fail')} fail, ${count('cannot-run')} cannot run yet (${(ms / 1000).toFixed(1)} s, compile included)`);
    const causes = new Map<string, number>();
    for (const t of run.tests.filter((x) => x.status === 'cannot-run')) causes.set(cause(t), (causes.get(cause(t)) ?? 0) + 1);
    for (const [c, n] of [...causes].sort((a, b) => b[1] - a[1])) console.log(`  cannot run: ${n} × ${c}`);
    for (const t of run.tests.filter((x) => x.status === 'fail')) console.log(`  fails: ${t.name}: ${t.reason}`);
  }
}
