// The language server in the real VS Code (code-server + Chromium, the packaged .vsix): typing a mistake
// draws a squiggle and a Problems entry that goes away when fixed, hover on a state variable shows its
// declaration and storage slot, F12 jumps to the declaration. Screenshots land in test-results/lsp-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cursorLine, goToLine, missingPrerequisites, openFile, openWorkbench, runCommand } from './workbench.ts';

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A counter.
contract Counter {
    /// @notice How many were added.
    uint256 public count;

    function add(uint256 amount) public returns (uint256) {
        count += amount;
        return count;
    }
}
`;

const missing = missingPrerequisites();

test('Solidity language server: squiggle and Problems entry, hover with storage slot, F12', { skip: missing, timeout: 300_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-lsp-'));
  mkdirSync(join(folder, 'contracts'));
  writeFileSync(join(folder, 'contracts', 'Counter.sol'), COUNTER);
  writeFileSync(join(folder, 'package.json'), '{}\n');
  const workbench = await openWorkbench({ folder });
  const { page } = workbench;
  try {
    await openFile(page, 'Counter.sol');

    // Hover on `count` in add() (line 10, column 9) once the first check is in.
    let hoverText = '';
    for (let attempt = 0; attempt < 30 && !/storage slot/.test(hoverText); attempt++) {
      await goToLine(page, 10);
      await page.keyboard.press('Home');
      await page.keyboard.press('End');
      await page.keyboard.press('Home');
      await runCommand(page, 'Show or Focus Hover');
      const hover = page.locator('.monaco-hover:visible').first();
      hoverText = await hover.innerText({ timeout: 5_000 }).catch(() => '');
      if (!/storage slot/.test(hoverText)) {
        await page.keyboard.press('Escape');
        await page.waitForTimeout(2_000);
      }
    }
    await workbench.screenshot('lsp-1-hover');
    assert.match(hoverText, /uint256 public count/);
    assert.match(hoverText, /storage slot\s*0/);
    assert.match(hoverText, /How many were added/);
    await page.keyboard.press('Escape');

    // F12 on `count` goes to its declaration (line 7).
    await goToLine(page, 10);
    await page.keyboard.press('Home');
    await page.keyboard.press('F12');
    await page.locator('.statusbar-item', { hasText: /Ln 7, Col/ }).first().waitFor({ timeout: 30_000 });
    assert.equal(await cursorLine(page), 7);
    await workbench.screenshot('lsp-2-definition');

    // Type a mistake on line 10: `count += amount` becomes `count += amountt`.
    await goToLine(page, 10);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('t');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /Undeclared identifier/ }).first();
    await problem.waitFor({ timeout: 60_000 });
    await workbench.screenshot('lsp-3-problem');
    assert.match(await problem.innerText(), /Undeclared identifier/);

    // Fix it: the squiggle and the entry go away.
    await openFile(page, 'Counter.sol');
    await goToLine(page, 10);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 60_000 });
    await workbench.screenshot('lsp-4-fixed');
  } catch (error) {
    await workbench.screenshot('lsp-failure').catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- code-server log (tail) ---\n${workbench.log().split('\n').slice(-40).join('\n')}`, { cause: error });
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
