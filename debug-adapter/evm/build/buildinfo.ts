// Foundry (`out/build-info/*.json`) and Hardhat (`artifacts/build-info/*.json`, Hardhat 3's split
// `<id>.json` + `<id>.output.json`) build information: the exact standard-JSON input the project's own build
// used (sources, remappings, optimizer, EVM version) and, when it has what we need, its output.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildInfo {
  readonly file: string;
  readonly input: { sources: Record<string, { content?: string }>; settings?: Record<string, unknown>; language?: string };
  /** Present when the build's output has ABI, bytecode with source maps and ASTs for every source. */
  readonly output?: unknown;
}

const DIRS = ['out/build-info', 'artifacts/build-info'];

/** The newest build-info of the project at `root` whose sources all match the files on disk, if any. */
export function loadBuildInfo(root: string, wantedUnits: readonly string[]): BuildInfo | undefined {
  const candidates: { file: string; mtime: number }[] = [];
  for (const dir of DIRS) {
    const full = join(root, dir);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full)) {
      if (f.endsWith('.json') && !f.endsWith('.output.json')) candidates.push({ file: join(full, f), mtime: statSync(join(full, f)).mtimeMs });
    }
  }
  candidates.sort((a, b) => b.mtime - a.mtime);
  for (const { file } of candidates) {
    let json: { input?: BuildInfo['input']; output?: unknown };
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
    } catch {
      continue;
    }
    const input = json.input;
    if (!input?.sources || !wantedUnits.every((u) => u in input.sources)) continue;
    // Stale when any source differs from the file on disk: the user edited since the last build.
    const fresh = Object.entries(input.sources).every(([unit, s]) => {
      const path = join(root, unit);
      return typeof s.content === 'string' && (!existsSync(path) || readFileSync(path, 'utf8') === s.content);
    });
    if (!fresh) continue;
    let output = json.output;
    const split = file.replace(/\.json$/, '.output.json');
    if (!output && existsSync(split)) {
      try {
        output = (JSON.parse(readFileSync(split, 'utf8')) as { output?: unknown }).output;
      } catch {
        output = undefined;
      }
    }
    return { file, input, output: complete(output) ? output : undefined };
  }
  return undefined;
}

/** True when the output has everything the debugger reads (otherwise the input is compiled again). */
function complete(output: unknown): boolean {
  const o = output as { sources?: Record<string, { ast?: unknown }>; contracts?: Record<string, Record<string, { abi?: unknown; evm?: { deployedBytecode?: { sourceMap?: string; object?: string }; bytecode?: { sourceMap?: string } } }>> } | undefined;
  if (!o?.sources || !o.contracts) return false;
  if (!Object.values(o.sources).every((s) => s.ast)) return false;
  return Object.values(o.contracts).every((byName) => Object.values(byName).every((c) =>
    c.abi && c.evm?.deployedBytecode?.object !== undefined && typeof c.evm.deployedBytecode.sourceMap === 'string' && typeof c.evm.bytecode?.sourceMap === 'string'));
}
