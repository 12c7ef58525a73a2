// Gas you can see, in the real VS Code (code-server): before a run the function lens offers to measure;
// after a run to the end, the lines that ran show `⛽ gas · count×` and the lens shows the call's gas;
// editing the file clears the hints; the gas profile opens.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goToLine, missingPrerequisites, openFile, openWorkbench, runCommand } from './workbench.ts';

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

contract Counter {
    uint256 public count;

    function add(uint256 amount) public returns (uint256) {
        uint256 doubled = amount * 2;
        count += doubled;
        return count;
    }
}
`;

const missing = missingPrerequisites();

test('gas hints: measure lens, per-line inlay hints after a run, cleared on edit, flame graph', { skip: missing, timeout: 240_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-gas-'));
  mkdirSync(join(folder, 'contracts'));
  mkdirSync(join(folder, '.vscode'));
  writeFileSync(join(folder, 'contracts', 'Counter.sol'), COUNTER);
  writeFileSync(join(folder, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'chainstep', request: 'launch', name: 'Counter.add', program: '${workspaceFolder}/contracts/Counter.sol', contract: 'Counter', function: 'add', args: ['21'] }],
  }));
  const workbench = await openWorkbench({ folder, trust: false });
  const { page } = workbench;
  try {
    await openFile(page, 'Counter.sol');
    const lens = page.locator('.codelens-decoration', { hasText: '⛽' }).first();
    await lens.waitFor({ timeout: 60_000 });
    assert.match(await lens.innerText(), /Measure gas/);
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 }).catch(() => undefined);
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 90_000 });
    // `count += doubled;` (line 9) wrote a fresh slot: 22,100 for the SSTORE alone, and it ran once.
    const hinted = page.locator('.view-line', { hasText: 'count += doubled;' });
    await hinted.filter({ hasText: '⛽' }).waitFor({ timeout: 30_000 });
    const text = await hinted.innerText();
    const gas = Number(/⛽\s*([\d,]+)/.exec(text)![1]!.replace(/,/g, ''));
    assert.ok(gas > 22_100 && gas < 23_000, `line gas ${gas} in "${text}"`);
    assert.match(text, /·\s1×/); // VS Code renders the hint's spaces as no-break spaces
    await page.locator('.codelens-decoration', { hasText: /⛽ [\d,]+ gas/ }).first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('gas-hints');
    // The flame graph of the run.
    await runCommand(page, 'Chainstep: Show Gas Profile');
    await page.locator('.tab', { hasText: 'Gas profile' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1_000);
    await workbench.screenshot('gas-profile');
    // An edit clears the file's hints: they described the text before it.
    await page.locator('.tab', { hasText: 'Counter.sol' }).first().click();
    await goToLine(page, 3);
    await page.keyboard.type('// edited\n');
    await page.locator('.view-line', { hasText: '⛽' }).first().waitFor({ state: 'detached', timeout: 30_000 });
  } catch (error) {
    await workbench.screenshot('failure-gas').catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- code-server log (tail) ---\n${workbench.log().split('\n').slice(-40).join('\n')}`, { cause: error });
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
