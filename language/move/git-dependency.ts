// Git dependencies of Move.toml (`Sui = { git = "...", subdir = "...", rev = "framework/mainnet" }`), fetched
// once and cached where the real Move toolchain caches them: `$MOVE_HOME/<url>_<rev>` (MOVE_HOME defaults to
// ~/.move; in the folder name every `/ : . @` of the URL becomes `_` and every `/` of the rev `__`). A machine
// that has run `sui move build` therefore already has what we need, and what we fetch serves `sui` too.
// Fetching clones only the revision asked for (shallow, sparse on the dependency's folder and its siblings,
// since framework packages refer to each other with `../`), into a temporary folder renamed into place when
// complete: an interrupted fetch never leaves a half cache that would be taken for a good one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface GitSource {
  readonly url: string;
  /** Branch, tag or commit; the toolchain's default when absent is the remote's HEAD. */
  readonly rev: string | undefined;
  /** The package's folder inside the repository. */
  readonly subdir: string | undefined;
}

export class GitDependencyError extends Error {}

/** `$MOVE_HOME`, else `~/.move`, as the Move toolchain decides it. */
export function moveHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MOVE_HOME && env.MOVE_HOME.length > 0 ? env.MOVE_HOME : path.join(os.homedir(), '.move');
}

/** The checkout folder the Move toolchain uses for this repository at this revision. */
export function checkoutDir(source: GitSource, home = moveHome()): string {
  const url = source.url.replace(/[/:.@]/g, '_');
  return path.join(home, source.rev ? `${url}_${source.rev.replace(/\//g, '__')}` : url);
}

function git(args: readonly string[], cwd?: string): void {
  try {
    execFileSync('git', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new GitDependencyError('git is not installed (it is needed to fetch git dependencies)');
    // git's own reason is its `fatal:` line; what follows it is advice about credentials.
    const lines = err.stderr?.toString().trim().split('\n').filter(Boolean) ?? [];
    const detail = lines.find((l) => l.startsWith('fatal:')) ?? lines[0];
    throw new GitDependencyError(`git ${args[0]} failed: ${(detail ?? err.message).replace(/^fatal:\s*/, '').replace(/\.$/, '')}`);
  }
}

const COMMIT = /^[0-9a-f]{40}$/i;

/** Clones `source` into `dir` (which must not exist), checking out only what packages of it need. */
function fetchInto(source: GitSource, dir: string): void {
  const sparse = source.subdir ? path.posix.dirname(source.subdir.replace(/\\/g, '/')) : undefined;
  const temp = `${dir}.partial-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    if (source.rev && COMMIT.test(source.rev)) {
      // A commit cannot be cloned by name: fetch exactly it into an empty repository.
      git(['init', '--quiet', temp]);
      git(['remote', 'add', 'origin', source.url], temp);
      if (sparse && sparse !== '.') git(['sparse-checkout', 'set', sparse], temp);
      git(['fetch', '--quiet', '--depth', '1', 'origin', source.rev], temp);
      git(['checkout', '--quiet', 'FETCH_HEAD'], temp);
    } else {
      const branch = source.rev ? ['--branch', source.rev] : [];
      const sparseFlags = sparse && sparse !== '.' ? ['--sparse'] : [];
      git(['clone', '--quiet', '--depth', '1', ...branch, ...sparseFlags, source.url, temp]);
      if (sparseFlags.length) git(['sparse-checkout', 'set', sparse!], temp);
    }
    renameSync(temp, dir);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

export interface FetchOptions {
  /** Fetch when the checkout is not cached yet (false: only use the cache, e.g. while editing). */
  readonly fetch?: boolean;
  readonly home?: string;
}

/**
 * The folder of a git dependency's package: from the cache, else fetched into it. Throws a
 * GitDependencyError that says what to do when it is neither cached nor fetchable.
 */
export function gitPackageDir(source: GitSource, options: FetchOptions = {}): string {
  const dir = checkoutDir(source, options.home);
  if (!existsSync(dir)) {
    if (options.fetch === false) {
      throw new GitDependencyError(`not fetched yet into ${dir} (run \`chainstep move build\` once to fetch it)`);
    }
    fetchInto(source, dir);
  }
  return source.subdir ? path.join(dir, source.subdir) : dir;
}

/**
 * Makes a folder of a cached sparse checkout present (a package of the same repository that a git
 * dependency refers to with a relative `local` path outside the folders checked out so far).
 */
export function ensureInCheckout(folder: string, home: string, options: FetchOptions = {}): boolean {
  if (existsSync(folder)) return true;
  if (options.fetch === false) return false;
  // Only checkouts of our cache are touched, never a repository the user works in.
  let root = path.dirname(folder);
  while (!existsSync(path.join(root, '.git'))) {
    const parent = path.dirname(root);
    if (parent === root || !parent.startsWith(home + path.sep)) return false;
    root = parent;
  }
  try {
    git(['sparse-checkout', 'add', path.relative(root, folder).split(path.sep).join('/')], root);
  } catch {
    return false;
  }
  return existsSync(folder);
}
