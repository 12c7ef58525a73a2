// Which adapter `bin/chainstep.js` runs. In a source checkout it must run the sources as they are now, not
// a dist/chainstep.mjs left from an earlier build; where there are no sources (or no tsx) it runs the bundle.
// Each case is a small copy of the layout around bin/chainstep.js whose entry points say which one ran.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Layout {
  readonly sources: boolean;
  readonly bundle: boolean;
  readonly tsx: boolean;
}

/** Runs a copy of bin/chainstep.js in a folder with the parts `layout` names; returns what it printed. */
function runIn(layout: Layout, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-bin-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync(path.join(root, 'bin/chainstep.js'), path.join(dir, 'bin/chainstep.js'));
    if (layout.sources) {
      mkdirSync(path.join(dir, 'debug-adapter/cli'), { recursive: true });
      // TypeScript only tsx can run: proves the sources went through tsx.
      writeFileSync(path.join(dir, 'debug-adapter/cli/main.ts'), "const ran: string = 'sources';\nconsole.log(ran, process.argv.slice(2).join(' '));\n");
    }
    if (layout.bundle) {
      mkdirSync(path.join(dir, 'dist'));
      writeFileSync(path.join(dir, 'dist/chainstep.mjs'), "console.log('bundle', process.argv.slice(2).join(' '));\n");
    }
    if (layout.tsx) {
      mkdirSync(path.join(dir, 'node_modules'));
      symlinkSync(path.join(root, 'node_modules/tsx'), path.join(dir, 'node_modules/tsx'), 'dir');
    }
    const env0 = { ...process.env };
    delete env0['CHAINSTEP_FROM_SOURCE'];
    delete env0['CHAINSTEP_FROM_BUNDLE'];
    const r = spawnSync(process.execPath, [path.join(dir, 'bin/chainstep.js'), 'dap', '--x'], {
      cwd: dir,
      env: { ...env0, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a source checkout runs the sources even when a built bundle is there, with the arguments', () => {
  const r = runIn({ sources: true, bundle: true, tsx: true });
  assert.equal(r.stdout, 'sources dap --x', r.stderr);
  assert.equal(r.code, 0);
});

test('the bundle runs where there are no sources, or no tsx to run them', () => {
  assert.equal(runIn({ sources: false, bundle: true, tsx: true }).stdout, 'bundle dap --x');
  assert.equal(runIn({ sources: true, bundle: true, tsx: false }).stdout, 'bundle dap --x');
});

test('CHAINSTEP_FROM_BUNDLE=1 runs a build from a checkout; with neither, a clear error', () => {
  assert.equal(runIn({ sources: true, bundle: true, tsx: true }, { CHAINSTEP_FROM_BUNDLE: '1' }).stdout, 'bundle dap --x');
  const none = runIn({ sources: false, bundle: false, tsx: true });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /dist\/chainstep\.mjs/);
  assert.match(none.stderr, /npm run build/);
});
