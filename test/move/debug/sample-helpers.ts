// What the Move sample tests share: a sample copied as a user gets it (no build/), a line found by its text,
// and the values of the focused frame's scopes.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugClient } from '@vscode/debugadapter-testsupport';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A temporary copy of samples/move/<name> without any build/ folder. */
export function copySample(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `chainstep-move-${name}-`));
  cpSync(path.join(root, 'samples/move', name), dir, { recursive: true, filter: (src) => path.basename(src) !== 'build' });
  return dir;
}

/** 1-based line of the first source line containing `text`. */
export function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} in ${file}`);
  return i + 1;
}

/** Name -> value of the focused frame's scopes named `names`. */
export async function scopeValues(dc: DebugClient, names: readonly string[]): Promise<Map<string, string>> {
  const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
  const out = new Map<string, string>();
  for (const s of (await dc.scopesRequest({ frameId: frame.id })).body.scopes) {
    if (!names.includes(s.name)) continue;
    for (const v of (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables) out.set(v.name, v.value);
  }
  return out;
}

/** The focused frame's parameters and locals by name. */
export const locals = (dc: DebugClient): Promise<Map<string, string>> => scopeValues(dc, ['Parameters', 'Locals']);
