// Move.toml dependencies resolved as the Move toolchain resolves them: git dependencies (the Sui framework
// at `framework/mainnet`) fetched once into the toolchain's own cache folder ($MOVE_HOME/<url>_<rev>) and
// used from there offline; each package once by name, a conflict reported unless the root overrides it;
// missing folders and unreachable repositories named with what to do. The repository is a loopback git
// mirror built in a temporary folder from the Sui framework sources in ../shared (nothing is copied into
// the project), served through git's own file:// transport.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { checkPackage } from '../../../language/move/check-package.ts';
import { loadPackageGraph, ManifestError } from '../../../language/move/manifest.ts';
import { checkoutDir } from '../../../language/move/git-dependency.ts';
import { MoveWorkspace } from '../../../language/move/workspace.ts';
import { frameworkSrc, moveFixtures, repoRoot } from '../../language/move/corpus.ts';
import { AdapterClient, launch, nextEvent, where } from '../../session/dap-helpers.ts';

const SUBDIR = 'crates/sui-framework/packages/sui-framework';
const hasFixtures = existsSync(path.join(frameworkSrc, 'sui-framework/Move.toml'));
const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skipReason = !hasFixtures ? '../shared/fixtures/move/sui-framework-src not found' : !hasGit ? 'git is not installed' : undefined;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

/** A git repository laid out as MystenLabs/sui is, holding the framework sources on branch framework/mainnet. */
function mirror(): { url: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-sui-mirror-'));
  for (const pkg of ['move-stdlib', 'sui-framework']) {
    cpSync(path.join(frameworkSrc, pkg), path.join(dir, 'crates/sui-framework/packages', pkg), {
      recursive: true,
      filter: (src) => !src.endsWith('/tests') && path.basename(src) !== 'build',
    });
  }
  writeFileSync(path.join(dir, 'README.md'), 'a loopback mirror of the Sui framework for tests\n');
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'framework');
  git(dir, 'branch', 'framework/mainnet');
  return { url: pathToFileURL(dir).href, dir };
}

function userPackage(dependencies: string, source = 'module demo::coins;\n\npublic fun sum(v: &vector<u64>): u64 { let mut s = 0; v.do_ref!(|x| s = s + *x); s }\n\npublic fun id_bytes(id: &sui::object::UID): vector<u8> { id.to_bytes() }\n'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-git-dep-'));
  writeFileSync(path.join(dir, 'Move.toml'), `[package]\nname = "demo"\nedition = "2024.beta"\n\n[dependencies]\n${dependencies}\n\n[addresses]\ndemo = "0x0"\n`);
  mkdirSync(path.join(dir, 'sources'));
  writeFileSync(path.join(dir, 'sources/coins.move'), source);
  return dir;
}

const errorsOf = (root: string, options: Parameters<typeof checkPackage>[1]) =>
  checkPackage(root, options).program.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${d.message}`);

test('a git dependency is fetched once into the toolchain cache and then used offline', (t) => {
  if (skipReason) return t.skip(skipReason);
  const { url, dir: mirrorDir } = mirror();
  const home = mkdtempSync(path.join(tmpdir(), 'chainstep-move-home-'));
  const pkg = userPackage(`Sui = { git = "${url}", subdir = "${SUBDIR}", rev = "framework/mainnet" }`);
  try {
    const graph = loadPackageGraph(pkg, { moveHome: home });
    // The folder the Move toolchain itself would use: every / : . @ of the URL as _, and / of the rev as __.
    const cached = checkoutDir({ url, rev: 'framework/mainnet', subdir: SUBDIR }, home);
    assert.equal(path.basename(cached), `${url.replace(/[/:.@]/g, '_')}_framework__mainnet`);
    assert.deepEqual(graph.packages.map((p) => p.manifest.name), ['MoveStdlib', 'Sui', 'demo']);
    assert.equal(graph.packages[1]!.root, path.join(cached, SUBDIR));
    // Sui's own `MoveStdlib = { local = "../move-stdlib" }` resolves inside the same checkout.
    assert.equal(graph.packages[0]!.root, path.join(cached, 'crates/sui-framework/packages/move-stdlib'));
    assert.equal(graph.addresses.get('sui'), '0x2');
    assert.deepEqual(errorsOf(pkg, { moveHome: home }), [], 'the package type-checks against the fetched framework');

    // The repository is gone (offline): the cache is used, nothing is fetched again.
    rmSync(mirrorDir, { recursive: true, force: true });
    assert.deepEqual(errorsOf(pkg, { moveHome: home }), []);
    assert.deepEqual(errorsOf(pkg, { moveHome: home, fetch: false }), []);
    assert.ok(!existsSync(`${cached}.partial-${process.pid}`), 'no partial checkout left behind');
  } finally {
    for (const d of [mirrorDir, home, pkg]) rmSync(d, { recursive: true, force: true });
  }
});

test('an unreachable repository or a missing folder is named with what to do', (t) => {
  if (skipReason) return t.skip(skipReason);
  const home = mkdtempSync(path.join(tmpdir(), 'chainstep-move-home-'));
  const gone = pathToFileURL(path.join(tmpdir(), 'chainstep-no-such-repo')).href;
  const viaGit = userPackage(`Sui = { git = "${gone}", subdir = "${SUBDIR}", rev = "framework/mainnet" }`);
  const viaPath = userPackage('Sui = { local = "../nowhere/sui-framework" }');
  try {
    assert.throws(() => loadPackageGraph(viaGit, { moveHome: home }), (e: Error) => {
      assert.ok(e instanceof ManifestError);
      assert.match(e.message, /Dependency 'Sui' of demo \(git .* at framework\/mainnet\) could not be fetched/);
      assert.match(e.message, /"moveDependencies"/);
      return true;
    });
    assert.deepEqual(readDirNames(home), [], 'a failed fetch leaves nothing in the cache');
    assert.throws(() => loadPackageGraph(viaPath, { moveHome: home }), /Dependency 'Sui' of demo is a local path that has no Move\.toml: .*nowhere/);
    // Mapping the name to a folder wins over Move.toml (offline use of a local checkout).
    const mapped = new Map([['Sui', path.join(frameworkSrc, 'sui-framework')], ['MoveStdlib', path.join(frameworkSrc, 'move-stdlib')]]);
    assert.deepEqual(errorsOf(viaGit, { moveHome: home, dependencyPaths: mapped }), []);
    // The same from the command line: the message, then --dependency.
    const env = { ...process.env, MOVE_HOME: home };
    const failed = spawnSync(process.execPath, [path.join(repoRoot, 'bin/chainstep.js'), 'move', 'build', viaGit], { encoding: 'utf8', env });
    assert.equal(failed.status, 2, "a usage error, as the CLI reports them");
    assert.match(failed.stderr, /could not be fetched: .*--dependency Sui=<dir>/s);
    const built = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin/chainstep.js'), 'move', 'build', viaGit, '--dependency', `Sui=${mapped.get('Sui')}`, '--dependency', `MoveStdlib=${mapped.get('MoveStdlib')}`],
      { encoding: 'utf8', env },
    );
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stdout, /Built 1 module into/);
  } finally {
    for (const d of [home, viaGit, viaPath]) rmSync(d, { recursive: true, force: true });
  }
});

function readDirNames(dir: string): string[] {
  return existsSync(dir) ? (execFileSync('ls', ['-A', dir]).toString().split('\n').filter(Boolean)) : [];
}

test('while editing, a git dependency not cached yet is reported on Move.toml instead of fetched', (t) => {
  if (skipReason) return t.skip(skipReason);
  const home = mkdtempSync(path.join(tmpdir(), 'chainstep-move-home-'));
  const previous = process.env.MOVE_HOME;
  process.env.MOVE_HOME = home;
  const pkg = userPackage(`Sui = { git = "${pathToFileURL(path.join(tmpdir(), 'unfetched')).href}", rev = "main" }`);
  try {
    const ws = new MoveWorkspace();
    const found = ws.diagnostics(path.join(pkg, 'sources/coins.move'));
    const onManifest = found.filter((d) => d.file === path.join(pkg, 'Move.toml'));
    assert.equal(onManifest.length, 1, JSON.stringify(found));
    assert.match(onManifest[0]!.message, /not fetched yet .*chainstep move build/);
    const toml = readFileSync(path.join(pkg, 'Move.toml'), 'utf8');
    assert.ok(toml.slice(onManifest[0]!.range.start, onManifest[0]!.range.end).startsWith('Sui = { git'), 'the range is the dependency line');
    assert.deepEqual(readDirNames(home), [], 'nothing was fetched');
  } finally {
    if (previous === undefined) delete process.env.MOVE_HOME;
    else process.env.MOVE_HOME = previous;
    for (const d of [home, pkg]) rmSync(d, { recursive: true, force: true });
  }
});

test('each package once by name: two different folders for one name conflict unless the root overrides', (t) => {
  if (skipReason) return t.skip(skipReason);
  const base = mkdtempSync(path.join(tmpdir(), 'chainstep-move-conflict-'));
  const pkg = (name: string, deps: string) => {
    mkdirSync(path.join(base, name, 'sources'), { recursive: true });
    writeFileSync(path.join(base, name, 'Move.toml'), `[package]\nname = "${name}"\n\n[dependencies]\n${deps}\n\n[addresses]\n${name} = "0x0"\n`);
  };
  try {
    pkg('c1', '');
    pkg('c2', '');
    pkg('a', 'C = { local = "../c1" }');
    pkg('b', 'C = { local = "../c2" }');
    pkg('root', 'A = { local = "../a" }\nB = { local = "../b" }');
    assert.throws(() => loadPackageGraph(path.join(base, 'root')), /Conflicting dependencies: b needs 'C' from .*c2, but a needs it from .*c1\. Add 'C' to the root package's \[dependencies\] with override = true/);
    pkg('root', 'A = { local = "../a" }\nB = { local = "../b" }\nC = { local = "../c2", override = true }');
    const graph = loadPackageGraph(path.join(base, 'root'));
    assert.deepEqual(graph.packages.map((p) => p.manifest.name), ['c2', 'a', 'b', 'root'], 'the override is used for both');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('debugging a package whose Sui dependency is in the git cache a `sui move build` left: builds on launch and stops in its source', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const fixture = path.join(moveFixtures, 'sui-trace-tests/abort_native');
  const framework = path.join(moveFixtures, 'sui-framework/v124');
  if (!existsSync(fixture) || !existsSync(framework)) return t.skip('../shared/fixtures/move/sui-trace-tests not found');
  const { url, dir: mirrorDir } = mirror();
  const home = mkdtempSync(path.join(tmpdir(), 'chainstep-move-home-'));
  // The checkout the real toolchain makes for the Move.toml's github URL, here cloned from the mirror.
  const cached = checkoutDir({ url: 'https://github.com/MystenLabs/sui.git', rev: 'framework/mainnet', subdir: SUBDIR }, home);
  git(tmpdir(), 'clone', '--quiet', '--branch', 'framework/mainnet', url, cached);
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-abort-native-'));
  cpSync(fixture, dir, { recursive: true, filter: (src) => !['build', 'traces'].includes(path.basename(src)) });
  const source = path.join(dir, 'sources/m.move');
  const line = readFileSync(source, 'utf8').split('\n').findIndex((l) => l.includes('let val = p + p;')) + 1;
  const previous = process.env.MOVE_HOME;
  process.env.MOVE_HOME = home;
  const dc = new AdapterClient();
  try {
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    let verified = false;
    await launch(dc, { type: 'chainstep', request: 'launch', program: dir, function: '0x0::m::test', frameworks: [framework] }, async () => {
      verified = (await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line }] })).body.breakpoints[0]!.verified;
    });
    assert.ok(existsSync(path.join(dir, 'build/abort_native/bytecode_modules/m.mv')), 'the launch compiled the package against the cached framework');
    assert.ok(verified);
    assert.equal((await stopped).body.reason, 'breakpoint');
    const at = await where(dc);
    assert.equal(at.path, source);
    assert.equal(at.line, line);
  } finally {
    await dc.close();
    if (previous === undefined) delete process.env.MOVE_HOME;
    else process.env.MOVE_HOME = previous;
    for (const d of [mirrorDir, home, dir]) rmSync(d, { recursive: true, force: true });
  }
});
