// The real Move sources the front end is measured against (read in place from ../shared; tests skip
// when the fixtures are absent).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const moveFixtures = path.resolve(repoRoot, '../shared/fixtures/move');
export const frameworkSrc = path.join(moveFixtures, 'sui-framework-src');

export function moveFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.move')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Every .move file of the framework sources (both packages, with tests) and the trace-test packages. */
export function corpusFiles(): string[] {
  return [...moveFiles(frameworkSrc), ...moveFiles(path.join(moveFixtures, 'sui-trace-tests'))];
}
