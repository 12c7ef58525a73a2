// Shared by the recording-file tests: what a user sees at a stop, to compare an opened recording with the
// session that saved it.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { AdapterClient, scopeTree } from './dap-issue3-helpers.ts';

export interface StopView {
  readonly frames: { name: string; file: string | undefined; line: number }[];
  readonly scopes: Record<string, unknown>;
}

/** The frames (name, file name, line) and every scope's values of the focused frame, as plain data. */
export async function snapshot(dc: DebugClient): Promise<StopView> {
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const scopes: Record<string, unknown> = {};
  for (const s of (await dc.scopesRequest({ frameId: frames[0]!.id })).body.scopes) {
    if (s.name === 'Memory') continue; // a byte view of the same state
    scopes[s.name] = await scopeTree(dc, frames[0]!.id, s.name, 3);
  }
  return { frames: frames.map((f) => ({ name: f.name, file: f.source?.name, line: f.line })), scopes };
}

export function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * "Another machine": the recording copied alone into an empty folder of `work` as `name`, and a fresh
 * adapter whose temporary folder (where opened recordings put their sources) is empty too.
 */
export function elsewhere(work: string, recording: string, name: string): { adapter: AdapterClient; file: string; folder: string; tmp: string } {
  const folder = path.join(work, 'elsewhere');
  const tmp = path.join(work, 'tmp');
  for (const d of [folder, tmp]) mkdirSync(d, { recursive: true });
  const file = path.join(folder, name);
  copyFileSync(recording, file);
  return { adapter: adapterWithTmp(tmp), file, folder, tmp };
}

/** An adapter process whose temporary folder (where opened recordings put their sources) is `tmp`. */
function adapterWithTmp(tmp: string): AdapterClient {
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = tmp;
  try {
    return new AdapterClient();
  } finally {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
  }
}
