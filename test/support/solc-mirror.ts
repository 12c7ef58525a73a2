// A loopback solc-bin mirror for tests: list.json and soljson files of the older solc-js releases installed
// as npm aliases (`solc-0.5.16` ...), with checksums computed here from the files served. Requests are
// logged so tests can tell a download from a cache hit.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const require = createRequire(import.meta.url);

/** The releases installed for tests, with the commit solc-bin names them by (their `version()`). */
export const MIRRORED: Readonly<Record<string, string>> = {
  '0.4.26': '4563c3fc', '0.5.16': '9c3226ce', '0.6.12': '27d51765', '0.7.6': '7338295f',
  '0.8.4': 'c7e474f2', '0.8.19': '7dd6d404', '0.8.26': '8a97fa7a', '0.8.30': '73712a01',
};

export interface SolcMirror {
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** Serve this file's bytes altered (to test checksum refusal). */
  corrupt(path: string): void;
  close(): Promise<void>;
}

export const soljsonPath = (version: string): string => require.resolve(`solc-${version}/soljson.js`);
export const soljsonName = (version: string): string => `soljson-v${version}+commit.${MIRRORED[version]}.js`;

export async function startSolcMirror(versions: readonly string[] = Object.keys(MIRRORED)): Promise<SolcMirror> {
  const files = new Map<string, Uint8Array>();
  const builds = versions.map((version) => {
    const bytes = readFileSync(soljsonPath(version));
    const path = soljsonName(version);
    files.set(`/${path}`, bytes);
    return {
      path, version, build: `commit.${MIRRORED[version]}`, longVersion: `${version}+commit.${MIRRORED[version]}`,
      keccak256: `0x${bytesToHex(keccak_256(bytes))}`, sha256: `0x${createHash('sha256').update(bytes).digest('hex')}`, urls: [],
    };
  });
  const list = { builds, releases: Object.fromEntries(builds.map((b) => [b.version, b.path])), latestRelease: versions[versions.length - 1] };
  files.set('/list.json', new TextEncoder().encode(JSON.stringify(list)));
  const corrupted = new Set<string>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    const body = files.get(path);
    if (!body) { res.writeHead(404).end('not found'); return; }
    const served = corrupted.has(path) ? Uint8Array.from(body, (b, i) => (i === 100 ? b ^ 1 : b)) : body;
    res.writeHead(200, { 'content-type': 'application/javascript', 'content-length': served.length }).end(served);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    corrupt: (path) => corrupted.add(path.startsWith('/') ? path : `/${path}`),
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
