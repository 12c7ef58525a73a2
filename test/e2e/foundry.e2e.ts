// End to end in the real VS Code workbench (code-server + Chromium): the Foundry vault sample, opened as a
// user has it after `forge install` (a temp copy with lib/forge-std linked to the shared fixture). The
// "Debug test" code lens above test_WithdrawAll starts a session that deploys and sets up VaultTest as forge
// does and stops (the Panics filter is on by default) on the Vault line that underflows, with the reason in
// the editor's exception widget. Run with `npm run test:e2e`. Screenshots land in test-results/foundry-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cursorLine, goToLine, missingPrerequisites, openFile, openWorkbench } from './workbench.ts';
import { forgeStdPresent, SKIP_FORGE_STD } from '../support/foundry-tools.ts';
import { vaultCopy } from '../foundry/vault-copy.ts';

const skip = missingPrerequisites() ?? (forgeStdPresent ? undefined : SKIP_FORGE_STD);

const lineOf = (file: string, text: string): number => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

test('Foundry: "Debug test" on test_WithdrawAll stops on the underflowing Vault line with the reason', { skip, timeout: 600_000 }, async (t) => {
  const folder = vaultCopy(t);
  const testFile = join(folder, 'test/Vault.t.sol');
  const failingLine = lineOf(join(folder, 'src/Vault.sol'), 'totalDeposits -= amount + fee;');
  const workbench = await openWorkbench({ folder });
  const { page } = workbench;
  try {
    await openFile(page, 'Vault.t.sol');
    await goToLine(page, lineOf(testFile, 'function test_WithdrawAll'));
    // The lens of that function (each lens's tooltip names its test).
    const lens = page.locator('.contentWidgets .codelens-decoration a[title*="VaultTest.test_WithdrawAll"]').first();
    await lens.waitFor({ timeout: 60_000 });
    await workbench.screenshot('foundry-1-code-lens');
    await lens.click();
    await page.locator('.debug-toolbar').waitFor({ timeout: 240_000 });
    // The exception widget in Vault.sol, on the failing line.
    const widget = page.locator('.exception-widget').first();
    await widget.waitFor({ timeout: 240_000 });
    await workbench.screenshot('foundry-2-exception');
    assert.match(await widget.innerText(), /Panic\(0x11\): arithmetic overflow or underflow/);
    await page.locator('.tabs-container .tab.active', { hasText: 'Vault.sol' }).waitFor({ timeout: 30_000 });
    assert.equal(await cursorLine(page), failingLine);
    // The test function is in the Call Stack under the Vault frame.
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'test_WithdrawAll' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 60_000 });
  } catch (error) {
    await workbench.screenshot('foundry-failure').catch(() => undefined);
    const log = workbench.log().split('\n').slice(-40).join('\n');
    throw new Error(`${(error as Error).message}\n--- code-server log (tail) ---\n${log}`, { cause: error });
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
