// Locates the shared Move fixtures (read in place, never copied) for the binary and package tests.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const MOVE_FIXTURES = resolve(repoRoot, '../shared/fixtures/move');
export const fixturesPresent = existsSync(MOVE_FIXTURES);
export const SKIP_MESSAGE = `Move fixtures not found at ${MOVE_FIXTURES}`;

export const SUI_FRAMEWORK = ['0x1.bcs', '0x2.bcs'].map((f) => join(MOVE_FIXTURES, 'sui-framework/v124', f));

/** Files under a fixture folder whose name passes the filter, sorted. */
export function fixtureFiles(sub: string, accept: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (accept(path)) out.push(path);
    }
  };
  const root = join(MOVE_FIXTURES, sub);
  if (existsSync(root)) walk(root);
  return out;
}

/** Sui test packages that ship compiled modules (`<name>/build/<pkg>/bytecode_modules`). */
export function suiTestPackages(): string[] {
  const root = join(MOVE_FIXTURES, 'sui-trace-tests');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'build')));
}

/** A small deterministic PRNG (mulberry32), so fuzz runs are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
