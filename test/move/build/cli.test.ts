// `chainstep move build` as a user runs it: the build folder is written and a summary printed; a package
// with an error prints it as file:line:col with the message and exits 1, writing nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { frameworkSrc, repoRoot } from '../../language/move/corpus.ts';

function pkg(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-cli-'));
  mkdirSync(path.join(dir, 'sources'));
  writeFileSync(path.join(dir, 'Move.toml'), `[package]\nname = "Cli"\n\n[dependencies]\nMoveStdlib = { local = ${JSON.stringify(path.join(frameworkSrc, 'move-stdlib'))} }\n\n[addresses]\ncli = "0x7"\n`);
  writeFileSync(path.join(dir, 'sources', 'm.move'), source);
  return dir;
}

function chainstep(...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/chainstep.js'), ...args], { encoding: 'utf8' });
}

test('chainstep move build writes build/<pkg> and says so', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = pkg('module cli::m;\npublic fun double(x: u64): u64 { x * 2 }\n');
  try {
    const r = chainstep('move', 'build', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Built 1 module into .*build[\\/]Cli/);
    assert.ok(existsSync(path.join(dir, 'build/Cli/bytecode_modules/m.mv')));
    assert.ok(existsSync(path.join(dir, 'build/Cli/debug_info/m.json')));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('chainstep move build reports an error at its line and column and exits 1', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = pkg('module cli::m;\npublic fun double(x: u64): u64 {\n    x * true\n}\n');
  try {
    const r = chainstep('move', 'build', dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /m\.move:3:9: error\[E03010\]: Expected 'u64', found 'bool'\./);
    assert.match(r.stderr, /Build failed: 1 error\./);
    assert.ok(!existsSync(path.join(dir, 'build')));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('chainstep move build refuses a borrow error (a vector changed while an element reference is used later)', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = pkg('module cli::m;\npublic fun bump(v: &mut vector<u64>) {\n    let e = &mut v[0];\n    v.push_back(1);\n    *e = 2;\n}\n');
  try {
    const r = chainstep('move', 'build', dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /m\.move:4:5: error\[E07004\]: Invalid argument to 'push_back': a mutable reference cannot be passed while it is still being borrowed by the reference taken at line 3, which is used later\./);
    assert.ok(!existsSync(path.join(dir, 'build')));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('chainstep move build without a Move.toml says what is missing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-cli-'));
  try {
    const r = chainstep('move', 'build', dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /No Move.toml in .*: a Move package directory has one\./);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
