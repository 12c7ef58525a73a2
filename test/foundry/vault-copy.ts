// A writable copy of samples/foundry/vault with lib/forge-std linked to the shared fixture (what
// `forge install` would put there), removed when the test ends.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { root } from '../session/dap-issue3-helpers.ts';
import { FORGE_STD } from '../support/foundry-tools.ts';

const sample = path.join(root, 'samples/foundry/vault');

export function vaultCopy(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-vault-'));
  cpSync(sample, dir, { recursive: true });
  rmSync(path.join(dir, 'lib/.gitkeep'), { force: true });
  symlinkSync(FORGE_STD, path.join(dir, 'lib/forge-std'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `chainstep <args>` from this checkout, as a user runs it. */
export function chainstep(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), ...args], { encoding: 'utf8', timeout: 280_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
