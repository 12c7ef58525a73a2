// Build on launch: a Move launch naming a package folder (Move.toml) whose build/ is missing or older than
// its sources is compiled with our compiler first, so editing a .move file and pressing F5 debugs the
// edited code (as `sui move build` would have to be run by hand otherwise). A package that fails to compile
// is not launched: the errors are shown as file:line:col: message, the form editors make clickable.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.ts';
import { ManifestError } from '../../../language/move/manifest.ts';
import { BUILT_BY_CHAINSTEP, TEST_MODE_MARK, buildPackage } from './compile.ts';
import { formatDiagnostic } from './command.ts';

/** Newest modification time of Move.toml and every sources/**.move and tests/**.move file. */
function newestSource(root: string): number {
  let newest = statSync(path.join(root, 'Move.toml')).mtimeMs;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.move')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  // tests/ too: a launch builds in test mode, so an edited test file makes the build stale.
  for (const dir of ['sources', 'tests']) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

/**
 * Oldest modification time of the compiled modules under build/<pkg>/bytecode_modules; undefined when there
 * are none; Infinity when a build there was made by another compiler (the real toolchain's), which is never
 * replaced: its sources are matched by hash as they are.
 */
function oldestBuild(root: string): number | undefined {
  const build = path.join(root, 'build');
  if (!existsSync(build)) return undefined;
  let oldest: number | undefined;
  for (const pkg of readdirSync(build)) {
    const modules = path.join(build, pkg, 'bytecode_modules');
    if (!existsSync(modules)) continue;
    if (!existsSync(path.join(build, pkg, BUILT_BY_CHAINSTEP))) return Infinity;
    for (const f of readdirSync(modules)) {
      if (!f.endsWith('.mv')) continue;
      const t = statSync(path.join(modules, f)).mtimeMs;
      oldest = oldest === undefined ? t : Math.min(oldest, t);
    }
  }
  return oldest;
}

/** Whether `root` is a package folder whose build is missing, or is ours and older than its sources. */
export function needsBuild(root: string): boolean {
  if (!existsSync(path.join(root, 'Move.toml'))) return false;
  const built = oldestBuild(root);
  return built === undefined || built < newestSource(root);
}

/**
 * Whether the build under `root` is ours and was made without #[test] code (`chainstep move build`): a
 * launch naming a function it lacks rebuilds it in test mode.
 */
export function builtWithoutTests(root: string): boolean {
  const build = path.join(root, 'build');
  if (!existsSync(path.join(root, 'Move.toml')) || !existsSync(build)) return false;
  return readdirSync(build).some((pkg) => {
    const mark = path.join(build, pkg, BUILT_BY_CHAINSTEP);
    return existsSync(mark) && !readFileSync(mark, 'utf8').includes(TEST_MODE_MARK);
  });
}

/** Compiles the package at `root` with Chainstep's compiler; a compile error becomes a UserError listing each one. */
export function buildOnLaunch(root: string, dependencyPaths?: ReadonlyMap<string, string>): void {
  let result;
  try {
    // In test mode, as `sui move build --test`: #[test] functions are then launchable too.
    result = buildPackage(root, { test: true, dependencyPaths });
  } catch (e) {
    if (e instanceof ManifestError) throw new UserError(e.message);
    throw e;
  }
  if (result.outputDir) return;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  throw new UserError(
    `The Move package ${root} does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}):\n` +
      errors.map((d) => formatDiagnostic(d)).join('\n'),
  );
}
