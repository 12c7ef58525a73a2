// Recordings in the real VS Code (code-server): "Chainstep: Open Recording…" opens a .chainstep file saved by
// `chainstep debug --save-recording` (the vault sample's failing withdraw) as a session that stops in the
// recorded Vault.sol, written to a temporary folder, with its call stack, and the toolbar offers
// "Chainstep: Save Recording…".
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { missingPrerequisites, openWorkbench, repoRoot, runCommand } from './workbench.ts';

const missing = missingPrerequisites();

/** Types a path into the simple file dialog (code-server's open and save dialogs) and accepts it. */
async function answerDialog(page: Page, file: string): Promise<void> {
  // The palette's input closes before the dialog's opens: wait for the dialog's (it holds a path).
  const input = page.locator('.quick-input-widget input.input');
  await page.waitForFunction(
    `(() => { const box = document.querySelector('.quick-input-widget input.input'); return !!box && box.offsetParent !== null && box.value.startsWith('/'); })()`,
    undefined, { timeout: 30_000 });
  await input.fill(file);
  // The dialog updates its list from the typed path a moment later; Enter before that may pick another item.
  await page.waitForTimeout(2_000);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(2_000);
  if (await input.isVisible() && (await input.inputValue()) === file) await page.keyboard.press('Enter');
}

/** Runs a command once the palette lists it (the extension's commands appear a moment after the workbench). */
async function runWhenListed(page: Page, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runCommand(page, title);
    } catch (e) {
      if (attempt === 6) throw e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(5_000);
    }
  }
}

test('Open Recording… opens a saved recording as a session in its sources, with Save Recording… in the debug toolbar', { skip: missing, timeout: 300_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-rec-'));
  const recording = join(folder, 'bug.chainstep');
  const saved = spawnSync(process.execPath, [join(repoRoot, 'bin/chainstep.js'), 'debug', join(repoRoot, 'samples/solidity/vault/.vscode/launch.json'),
    '--steps', '1', '--step-back', '0', '--save-recording', recording], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(saved.status, 0, saved.stderr);
  const workbench = await openWorkbench({ folder });
  const { page } = workbench;
  try {
    await runWhenListed(page, 'Chainstep: Open Recording');
    await answerDialog(page, recording);
    await page.locator('.debug-toolbar').waitFor({ timeout: 120_000 });
    // Stopped on entry in the recorded source, opened from the recording's folder.
    await page.locator('.tabs-container .tab.active', { hasText: 'Vault.sol' }).waitFor({ timeout: 60_000 });
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'Vault.withdraw' }).first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('recording-opened');
    // The save button sits in the debug toolbar of a Chainstep session (saving itself is checked over DAP:
    // test/evm/recording-file.test.ts; through code-server's simple save dialog it was not reliable here).
    await page.locator('.debug-toolbar .action-label.codicon-save').waitFor({ timeout: 30_000 });
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
