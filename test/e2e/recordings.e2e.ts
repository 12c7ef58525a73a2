// Recordings in the real VS Code (code-server): a .chainstep file saved by `chainstep debug --save-recording`
// (the vault sample's failing withdraw), right-clicked in the Explorer, "Open Recording…" opens it as a session
// that stops in the recorded Vault.sol, written to a temporary folder, with its call stack, and the toolbar
// offers "Chainstep: Save Recording…". (The palette command's file dialog is code-server's simple dialog, whose
// list updates after typing and made the test flaky; the command and its argument are the same.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failureReport, missingPrerequisites, openWorkbench, repoRoot, retry } from './workbench.ts';

const missing = missingPrerequisites();

test('Open Recording… opens a saved recording as a session in its sources, with Save Recording… in the debug toolbar', { skip: missing, timeout: 300_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-rec-'));
  const recording = join(folder, 'bug.chainstep');
  const saved = spawnSync(process.execPath, [join(repoRoot, 'bin/chainstep.js'), 'debug', join(repoRoot, 'samples/solidity/vault/.vscode/launch.json'),
    '--steps', '1', '--step-back', '0', '--save-recording', recording], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(saved.status, 0, saved.stderr);
  const workbench = await openWorkbench({ folder });
  const { page } = workbench;
  try {
    // The Explorer lists the folder's files; the extension's menu entry appears once it has activated.
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'bug.chainstep' });
    await row.waitFor({ timeout: 60_000 });
    const entry = page.locator('.context-view .monaco-menu .action-label', { hasText: 'Open Recording' });
    // The menu item acts on Enter once the pointer has focused it (a synthetic click on a menu that is still
    // laying itself out can be lost, leaving the menu open); retried until the menu has closed on the command.
    await retry(page, async () => {
      await row.click({ button: 'right' });
      await entry.waitFor({ timeout: 5_000 });
      await entry.hover();
      await page.keyboard.press('Enter');
      await entry.waitFor({ state: 'hidden', timeout: 5_000 });
    }, 12, 3_000);
    await page.locator('.debug-toolbar').waitFor({ timeout: 120_000 });
    // Stopped on entry in the recorded source, opened from the recording's folder.
    await page.locator('.tabs-container .tab.active', { hasText: 'Vault.sol' }).waitFor({ timeout: 60_000 });
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'Vault.withdraw' }).first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('recording-opened');
    // The save button sits in the debug toolbar of a Chainstep session (saving itself is checked over DAP:
    // test/evm/recording-file.test.ts; through code-server's simple save dialog it was not reliable here).
    await page.locator('.debug-toolbar .action-label.codicon-save').waitFor({ timeout: 30_000 });
  } catch (error) {
    throw await failureReport(workbench, 'failure-recording', error);
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
