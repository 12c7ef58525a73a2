// Any solc release, as solc-js: the bundled compiler when it is acceptable, otherwise the release's soljson
// from the official solc-bin list (or a mirror of it), checked against the list's checksums, cached on disk
// and loaded with solc-js's wrapper. Offline, the cache answers; when it cannot, the message says exactly
// which file is missing, where it comes from and where it goes.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { SolidityProjectError } from './errors.ts';
import { compareVersions, formatVersion, parseVersion, type Version } from './pragma.ts';

const require = createRequire(import.meta.url);

export const DEFAULT_SOLC_BIN_URL = 'https://binaries.soliditylang.org/bin';

/** A loaded compiler (solc-js's wrapper API). */
export interface Solc {
  compile(input: string, callbacks: { import: (path: string) => { contents: string } | { error: string } }): string;
  version(): string;
}

export interface CompilerSource {
  /** solc-bin base URL: `<url>/list.json` and `<url>/<soljson file>`. */
  readonly binUrl?: string;
  /** Folder of downloaded releases (the extension passes its global storage). */
  readonly cacheDir?: string;
  /** Told before anything slow (a download), so the user sees why the launch waits. */
  readonly onProgress?: (message: string) => void;
}

export interface Compiler {
  readonly solc: Solc;
  /** The release, e.g. `0.5.16`. */
  readonly version: Version;
  /** Where it came from: `bundled`, or the soljson file it was loaded from. */
  readonly origin: string;
}

interface ListBuild { path: string; version: string; prerelease?: string; longVersion?: string; sha256?: string; keccak256?: string }
interface List { builds: ListBuild[]; releases?: Record<string, string> }

/** `$XDG_CACHE_HOME/chainstep/solc`, else `~/.cache/chainstep/solc` (the command line's cache). */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'chainstep', 'solc');
}

let bundled: Compiler | undefined;
/** The solc-js package shipped with Chainstep (no download). */
export function bundledCompiler(): Compiler {
  if (!bundled) {
    const solc = require('solc') as Solc;
    bundled = { solc, version: parseVersion(solc.version())!, origin: 'bundled' };
  }
  return bundled;
}

const loaded = new Map<string, Compiler>();

/** Loads a soljson file with solc-js's wrapper, once per file. */
function loadSoljson(file: string, version: Version): Compiler {
  let compiler = loaded.get(file);
  if (compiler) return compiler;
  // Emscripten builds of old releases install process-wide handlers (an unhandled rejection would abort the
  // whole adapter): keep the process's own handlers only.
  const exceptions = new Set(process.listeners('uncaughtException'));
  const rejections = new Set(process.listeners('unhandledRejection'));
  const wrapper = require('solc/wrapper') as (soljson: unknown) => Solc;
  let solc: Solc;
  try {
    solc = wrapper(require(file));
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!exceptions.has(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!rejections.has(l)) process.removeListener('unhandledRejection', l);
  }
  const actual = parseVersion(solc.version());
  if (!actual || compareVersions(actual, version) !== 0) throw new SolidityProjectError(`${file} is solc ${solc.version()}, expected ${formatVersion(version)}; delete it and try again`);
  compiler = { solc, version, origin: file };
  loaded.set(file, compiler);
  return compiler;
}

const releaseOf = (b: ListBuild): Version | undefined => (b.prerelease ? undefined : parseVersion(b.version));

function newest(builds: readonly ListBuild[], accepts: (v: Version) => boolean): ListBuild | undefined {
  let best: ListBuild | undefined;
  for (const b of builds) {
    const v = releaseOf(b);
    if (v && accepts(v) && (!best || compareVersions(v, releaseOf(best)!) > 0)) best = b;
  }
  return best;
}

async function download(url: string): Promise<Uint8Array> {
  let response: Response | undefined;
  // Twice: a kept-alive connection the server closed while a compilation held the event loop fails once.
  for (let attempt = 0; !response; attempt++) {
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    } catch (e) {
      if (attempt === 0) continue;
      throw new Error(`cannot reach ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
    }
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The file's bytes match the list's checksums (every one it gives; at least one must be given). */
function verify(bytes: Uint8Array, build: ListBuild): string | undefined {
  const nativeSha256 = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest();
  const expected = [['sha256', build.sha256, nativeSha256], ['keccak256', build.keccak256, keccak_256]] as const;
  let checked = 0;
  for (const [name, want, hash] of expected) {
    if (!want) continue;
    checked++;
    const got = `0x${bytesToHex(hash(bytes))}`;
    if (got.toLowerCase() !== want.toLowerCase()) return `${name} is ${got}, the list says ${want}`;
  }
  return checked === 0 ? 'the list gives no checksum for it' : undefined;
}

/** soljson files are CommonJS: a package.json says so whatever folder above the cache declares. */
function prepareCacheDir(cacheDir: string): void {
  mkdirSync(cacheDir, { recursive: true });
  const marker = join(cacheDir, 'package.json');
  if (!existsSync(marker)) writeFileSync(marker, '{ "type": "commonjs" }\n');
}

/** Releases cached by an earlier download, from their file names (`soljson-v0.5.16+commit.9c3226ce.js`). */
function cachedBuilds(cacheDir: string): ListBuild[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir).filter((f) => /^soljson-v\d+\.\d+\.\d+\+commit\.[0-9a-f]+\.js$/.test(f))
    .map((f) => ({ path: f, version: f.slice('soljson-v'.length, f.indexOf('+')) }));
}

/**
 * The newest release that `accepts` (what `why` describes: shown in messages), downloaded and verified
 * unless cached. The list is fetched once per call and kept in the cache for offline use.
 */
export async function obtainCompiler(accepts: (v: Version) => boolean, why: string, source: CompilerSource = {}): Promise<Compiler> {
  const binUrl = (source.binUrl || DEFAULT_SOLC_BIN_URL).replace(/\/+$/, '');
  const cacheDir = source.cacheDir || defaultCacheDir();
  const listUrl = `${binUrl}/list.json`;
  const listCache = join(cacheDir, 'list.json');
  let list: List | undefined;
  let offline: string | undefined;
  try {
    const bytes = await download(listUrl);
    list = JSON.parse(new TextDecoder().decode(bytes)) as List;
    if (!Array.isArray(list.builds)) throw new Error(`${listUrl} is not a solc-bin list (no "builds")`);
    prepareCacheDir(cacheDir);
    writeFileSync(listCache, bytes);
  } catch (e) {
    offline = (e as Error).message;
    list = undefined;
  }
  if (!list && existsSync(listCache)) {
    try {
      list = JSON.parse(readFileSync(listCache, 'utf8')) as List;
    } catch {
      list = undefined;
    }
  }
  const cached = cachedBuilds(cacheDir);
  const build = list ? newest(list.builds, accepts) : newest(cached, accepts);
  if (!build) {
    if (list) throw new SolidityProjectError(`No solc release satisfies ${why} (list: ${offline ? listCache : listUrl}).`);
    throw new SolidityProjectError(`solc for ${why} is needed: ${listUrl} cannot be fetched (${offline}) and ${cacheDir} has no release that satisfies it. Connect to the network once, or put the release's soljson-v<version>+commit.<hash>.js from ${binUrl}/ into ${cacheDir}.`);
  }
  const version = releaseOf(build)!;
  const file = join(cacheDir, build.path);
  const already = loaded.get(file);
  if (already) return already;
  if (existsSync(file)) {
    // A cached file is checked again (sha256, native) when the list is at hand: a truncated or altered file is replaced.
    const problem = list && build.sha256 !== undefined ? verify(readFileSync(file), { ...build, keccak256: undefined }) : undefined;
    if (!problem) return loadSoljson(file, version);
  }
  const url = `${binUrl}/${build.path}`;
  source.onProgress?.(`Downloading solc ${formatVersion(version)} (for ${why})`);
  let bytes: Uint8Array;
  try {
    bytes = await download(url);
  } catch (e) {
    throw new SolidityProjectError(`solc ${formatVersion(version)} (for ${why}) is not cached in ${cacheDir} and cannot be downloaded: ${(e as Error).message}. Put ${build.path} from ${binUrl}/ into ${cacheDir}.`);
  }
  const problem = verify(bytes, build);
  if (problem) throw new SolidityProjectError(`Refusing ${url}: its ${problem}.`);
  prepareCacheDir(cacheDir);
  // Written whole then renamed: another process never loads half a file.
  const partialFile = `${file}.${process.pid}.part`;
  writeFileSync(partialFile, bytes);
  renameSync(partialFile, file);
  return loadSoljson(file, version);
}
