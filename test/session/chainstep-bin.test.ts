// What `bin/chainstep.js` runs (issue 7, item 15). It always runs the bundle, dist/chainstep.mjs, which starts
// in a fraction of a second; in a source checkout it first builds the bundle when it is missing or older than
// a source, so it never runs stale code. Each case is a small copy of the layout around bin/chainstep.js whose
// build script and entry points say what ran.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Layout {
  /** debug-adapter/ and scripts/build.mjs: a source checkout. */
  readonly checkout: boolean;
  /** dist/chainstep.mjs is there: 'fresh' (newer than the sources), 'stale' (older) or absent. */
  readonly bundle?: 'fresh' | 'stale';
}

/** A copy of bin/chainstep.js with the parts `layout` names. The fake build writes a bundle that prints "built". */
function layout(l: Layout): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-bin-'));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(path.join(dir, 'bin'));
  copyFileSync(path.join(root, 'bin/chainstep.js'), path.join(dir, 'bin/chainstep.js'));
  const old = new Date(Date.now() - 3_600_000);
  if (l.checkout) {
    mkdirSync(path.join(dir, 'debug-adapter/cli'), { recursive: true });
    writeFileSync(path.join(dir, 'debug-adapter/cli/main.ts'), "const ran: string = 'sources';\nconsole.log(ran, process.argv.slice(2).join(' '));\n");
    mkdirSync(path.join(dir, 'scripts'));
    // Counts its runs (to see that parallel starts build once) and takes a moment, as a real build does.
    writeFileSync(
      path.join(dir, 'scripts/build.mjs'),
      [
        "import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';",
        "appendFileSync(new URL('../builds.txt', import.meta.url), 'x');",
        'await new Promise((r) => setTimeout(r, 300));',
        "mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });",
        "writeFileSync(new URL('../dist/chainstep.mjs', import.meta.url), \"console.log('built', process.argv.slice(2).join(' '));\\n\");",
      ].join('\n'),
    );
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(path.join(root, 'node_modules/tsx'), path.join(dir, 'node_modules/tsx'), 'dir');
  }
  if (l.bundle) {
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist/chainstep.mjs'), "console.log('bundle', process.argv.slice(2).join(' '));\n");
    if (l.bundle === 'stale') utimesSync(path.join(dir, 'dist/chainstep.mjs'), old, old);
    else if (l.checkout) for (const f of ['debug-adapter/cli/main.ts', 'debug-adapter/cli', 'debug-adapter', 'scripts/build.mjs', 'package.json']) utimesSync(path.join(dir, f), old, old);
  }
  return dir;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = { ...process.env, ...extra };
  if (!('CHAINSTEP_FROM_SOURCE' in extra)) delete e['CHAINSTEP_FROM_SOURCE'];
  return e;
}

function run(dir: string, extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(dir, 'bin/chainstep.js'), 'dap', '--x'], { cwd: dir, env: env(extra), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

function builds(dir: string): number {
  const file = path.join(dir, 'builds.txt');
  return existsSync(file) ? readFileSync(file, 'utf8').length : 0;
}

test('a checkout runs an up-to-date bundle as it is, without building or transpiling', () => {
  const dir = layout({ checkout: true, bundle: 'fresh' });
  try {
    const r = run(dir);
    assert.equal(r.stdout, 'bundle dap --x', r.stderr);
    assert.equal(builds(dir), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkout builds the bundle when it is missing or older than a source, then runs it', () => {
  for (const bundle of [undefined, 'stale'] as const) {
    const dir = layout({ checkout: true, ...(bundle ? { bundle } : {}) });
    try {
      const r = run(dir);
      assert.equal(r.stdout, 'built dap --x', r.stderr);
      assert.match(r.stderr, /building dist\/chainstep\.mjs/);
      assert.equal(builds(dir), 1);
      // Now it is up to date: the next start does not build again.
      assert.equal(run(dir).stdout, 'built dap --x');
      assert.equal(builds(dir), 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('starts in parallel build once', async () => {
  const dir = layout({ checkout: true });
  try {
    const outputs = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, [path.join(dir, 'bin/chainstep.js'), 'dap'], { cwd: dir, env: env() });
            let out = '';
            child.stdout.on('data', (d) => (out += d));
            child.on('exit', () => resolve(out.trim()));
          }),
      ),
    );
    assert.deepEqual(outputs, ['built dap', 'built dap', 'built dap']);
    assert.equal(builds(dir), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an installed copy (no sources) runs its bundle; CHAINSTEP_FROM_SOURCE=1 runs a checkout\'s sources; with nothing, a clear error', () => {
  const installed = layout({ checkout: false, bundle: 'fresh' });
  const checkout = layout({ checkout: true, bundle: 'fresh' });
  const empty = layout({ checkout: false });
  try {
    assert.equal(run(installed).stdout, 'bundle dap --x');
    assert.equal(run(checkout, { CHAINSTEP_FROM_SOURCE: '1' }).stdout, 'sources dap --x');
    const none = run(empty);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /dist\/chainstep\.mjs/);
    assert.match(none.stderr, /npm run build/);
  } finally {
    for (const d of [installed, checkout, empty]) rmSync(d, { recursive: true, force: true });
  }
});
