// End to end in the real VS Code workbench (code-server + Chromium): the packaged .vsix highlights a .sol
// file, a breakpoint set in the gutter stops an F5 session on its line, step over moves on, the Variables
// view shows a decoded value, and a workspace in Restricted Mode refuses to debug.
// Run with `npm run test:e2e` (builds the .vsix and installs code-server first). Screenshots of every check
// land in test-results/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { cursorLine, goToLine, missingPrerequisites, openFile, openWorkbench, repoRoot, runCommand, type Workbench } from './workbench.ts';

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A counter the end-to-end test debugs.
contract Counter {
    uint256 public count;

    function add(uint256 amount) public returns (uint256) {
        uint256 doubled = amount * 2;
        count += doubled;
        return count;
    }
}
`;
const COUNTER_MOVE = `module 0x42::counter {
    #[test]
    fun test_add() { assert!(1 + 1 == 2, 0); }
}
`;
const BREAKPOINT_LINE = 9;
const NEXT_LINE = 10;

/** A small workspace with one contract and a launch configuration that calls `add(21)`. */
function makeWorkspace(): string {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-ws-'));
  mkdirSync(join(folder, 'contracts'));
  mkdirSync(join(folder, '.vscode'));
  writeFileSync(join(folder, 'contracts', 'Counter.sol'), COUNTER);
  mkdirSync(join(folder, 'move', 'sources'), { recursive: true });
  writeFileSync(join(folder, 'move', 'sources', 'counter.move'), COUNTER_MOVE);
  writeFileSync(
    join(folder, '.vscode', 'launch.json'),
    JSON.stringify(
      {
        version: '0.2.0',
        configurations: [
          {
            type: 'chainstep',
            request: 'launch',
            name: 'Debug Counter.add',
            program: '${workspaceFolder}/contracts/Counter.sol',
            contract: 'Counter',
            function: 'add',
            args: ['21'],
          },
        ],
      },
      null,
      2,
    ),
  );
  return folder;
}

const missing = missingPrerequisites();

async function withWorkbench(
  trust: boolean,
  body: (workbench: Workbench, folder: string) => Promise<void>,
  folder = makeWorkspace(),
): Promise<void> {
  const workbench = await openWorkbench({ folder, trust });
  try {
    await body(workbench, folder);
  } catch (error) {
    await workbench.screenshot(`failure-${trust ? 'restricted' : 'trusted'}`).catch(() => undefined);
    const log = workbench.log().split('\n').slice(-40).join('\n');
    throw new Error(`${(error as Error).message}\n--- code-server log (tail) ---\n${log}`, { cause: error });
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Waits until the top frame of the call stack is on `line` (the view shows "line:column"), then lets the
 * Variables view finish its refresh for the new stop (scopes, then variables) before anything clicks it,
 * as a person would; clicking a half-refreshed tree asks for variables of the previous stop.
 */
async function frameAtLine(page: Page, line: number, timeout = 30_000): Promise<void> {
  await page
    .locator('.debug-call-stack .monaco-list-row')
    .first()
    .locator('.line-number', { hasText: new RegExp(`^${line}(:|$)`) })
    .waitFor({ timeout });
  await page.waitForTimeout(750);
}

/** Expands a scope of the Variables view (the first one is expanded by VS Code already). */
async function expandScope(page: Page, name: string): Promise<void> {
  const row = page.locator('.debug-variables .monaco-list-row', { hasText: name }).first();
  await row.waitFor();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

/** Error notifications on screen. */
async function errorNotifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-toast:has(.codicon-error)').allInnerTexts();
}

/** The scopes "Developer: Inspect Editor Tokens and Scopes" shows for the token under the cursor. */
async function inspectScopes(page: Page): Promise<string> {
  await runCommand(page, 'Developer: Inspect Editor Tokens and Scopes');
  const widget = page.locator('.token-inspect-widget');
  await widget.waitFor();
  const text = await widget.innerText();
  await page.keyboard.press('Escape');
  return text;
}

test('Solidity: highlighting, breakpoint stop, step over, variables, stop', { skip: missing, timeout: 240_000 }, async () => {
  await withWorkbench(false, async (workbench) => {
    const { page } = workbench;
    await openFile(page, 'Counter.sol');

    // Highlighting comes from our grammar: the token under the cursor carries its TextMate scopes.
    await goToLine(page, 5);
    const scopes = await inspectScopes(page);
    await workbench.screenshot('1-highlighting');
    assert.match(scopes, /storage\.type\.contract\.solidity/);
    assert.match(scopes, /source\.solidity/);
    const lineTokens = await page.locator('.view-line', { hasText: 'contract Counter' }).locator('span > span').evaluateAll(
      (spans) => new Set(spans.map((span) => span.className)).size,
    );
    assert.ok(lineTokens >= 2, `the "contract Counter" line is drawn in ${lineTokens} token colour(s)`);
    await openFile(page, 'counter.move');
    await goToLine(page, 1);
    const moveScopes = await inspectScopes(page);
    assert.match(moveScopes, /storage\.type\.module\.move/);
    assert.match(moveScopes, /source\.move/);
    // Move #[test] functions get a "Debug test" code lens.
    await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Debug test' }).first().waitFor({ timeout: 30_000 });
    await openFile(page, 'Counter.sol');

    // A breakpoint on the first line of add(), set like a user does (Go to Line, Toggle Breakpoint).
    await goToLine(page, BREAKPOINT_LINE);
    await runCommand(page, 'Debug: Toggle Breakpoint');
    await page.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first().waitFor();
    await workbench.screenshot('2-breakpoint');

    // F5 runs the launch.json configuration: compile, deploy, record, stop on the breakpoint.
    await page.keyboard.press('F5');
    const topFrame = page.locator('.debug-call-stack .monaco-list-row').first();
    await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 });
    await frameAtLine(page, BREAKPOINT_LINE, 90_000);
    await workbench.screenshot('3-stopped');
    assert.match(await topFrame.innerText(), /add/);
    assert.equal(await cursorLine(page), BREAKPOINT_LINE);
    await page.locator('.debug-top-stack-frame-line').first().waitFor();

    // The Variables view shows the decoded parameter.
    const amount = page.locator('.debug-variables .monaco-list-row', { hasText: 'amount' }).first();
    await amount.waitFor({ timeout: 30_000 });
    await workbench.screenshot('4-variables');
    assert.match(await amount.innerText(), /\b21\b/);

    // Step over moves to the next line, and the local computed by the previous line is decoded.
    await page.keyboard.press('F10');
    await frameAtLine(page, NEXT_LINE);
    assert.equal(await cursorLine(page), NEXT_LINE);
    await expandScope(page, 'Locals');
    const doubled = page.locator('.debug-variables .monaco-list-row', { hasText: 'doubled' }).first();
    await doubled.waitFor({ timeout: 30_000 });
    await workbench.screenshot('5-stepped');
    assert.match(await doubled.innerText(), /\b42\b/);

    // Step back (toolbar button) returns to the breakpoint line.
    await page.locator('.debug-toolbar .codicon-debug-step-back').click();
    await frameAtLine(page, BREAKPOINT_LINE);
    await workbench.screenshot('6-stepped-back');
    assert.equal(await cursorLine(page), BREAKPOINT_LINE);
    // ...and the views show that earlier moment: `doubled` is not assigned yet.
    assert.equal(await page.locator('.debug-variables .monaco-list-row', { hasText: /doubled\s*=\s*42/ }).count(), 0);

    // Stop ends the session.
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });

    // The "Debug" code lens above add() asks for its argument and debugs that call (stopping on the same
    // breakpoint, now with the typed value).
    await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Debug' }).first().click();
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('["5"]');
    await page.keyboard.press('Enter');
    await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 });
    await frameAtLine(page, BREAKPOINT_LINE);
    const amountFromLens = page.locator('.debug-variables .monaco-list-row', { hasText: 'amount' }).first();
    await amountFromLens.waitFor({ timeout: 30_000 });
    await workbench.screenshot('7-code-lens-session');
    assert.match(await amountFromLens.innerText(), /\b5\b/);
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    await workbench.screenshot('8-session-ended');
    // Nothing along the way was reported as an error.
    assert.deepEqual(await errorNotifications(page), []);
  });
});

test('Restricted Mode: the folder is not trusted, so F5 starts nothing', { skip: missing, timeout: 180_000 }, async () => {
  await withWorkbench(true, async (workbench) => {
    const { page } = workbench;
    // A new folder asks for trust first: answer "No" to enter Restricted Mode.
    await page.getByRole('button', { name: /No, I don.t trust the authors/ }).click({ timeout: 60_000 });
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();
    await openFile(page, 'Counter.sol');
    // Highlighting still works: it executes nothing.
    await goToLine(page, 5);
    assert.match(await inspectScopes(page), /storage\.type\.contract\.solidity/);

    // F5: VS Code itself asks for trust first; cancelling must leave no session running.
    await page.keyboard.press('F5');
    const dialog = page.locator('.monaco-dialog-box', { hasText: /trust/i });
    await dialog.waitFor({ timeout: 30_000 });
    await workbench.screenshot('7-restricted-trust-prompt');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The "Debug" code lens / command path does not go through that prompt: Chainstep refuses by itself.
    await runCommand(page, 'Chainstep: Debug Function…');
    const refusal = page.locator('.notifications-toasts .notification-toast', { hasText: 'Chainstep does not debug in Restricted Mode' });
    await refusal.waitFor({ timeout: 30_000 });
    // It is an error notification (the same selector the trusted test uses to see that no error appeared).
    assert.equal(await refusal.locator('.codicon-error').count(), 1);
    await page.waitForTimeout(500); // let the toast finish sliding in, for a readable screenshot
    await workbench.screenshot('8-restricted-refusal');
    assert.equal(await page.locator('.debug-toolbar').isVisible(), false, 'a debug session started in Restricted Mode');
  });
});

test('F5 with no launch.json (and the dynamic configuration) debugs a function of the open file, asking for its arguments', { skip: missing, timeout: 180_000 }, async () => {
  const folder = makeWorkspace();
  rmSync(join(folder, '.vscode'), { recursive: true });
  await withWorkbench(
    false,
    async (workbench) => {
      const { page } = workbench;
      await openFile(page, 'Counter.sol');
      await goToLine(page, BREAKPOINT_LINE);
      await runCommand(page, 'Debug: Toggle Breakpoint');
      await page.keyboard.press('F5');
      // Counter has one public function, add(uint256): no pick needed, its argument is asked for.
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 30_000 });
      await page.locator('.quick-input-widget', { hasText: 'Arguments of add' }).waitFor();
      await input.fill('[7, 8]');
      await page.locator('.quick-input-widget', { hasText: 'Expected 1 argument (uint256 amount), got 2' }).waitFor();
      await workbench.screenshot('9-f5-arguments');
      await input.fill('[7]');
      await page.keyboard.press('Enter');
      await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 });
      await frameAtLine(page, BREAKPOINT_LINE, 90_000);
      const amount = page.locator('.debug-variables .monaco-list-row', { hasText: 'amount' }).first();
      await amount.waitFor({ timeout: 30_000 });
      await workbench.screenshot('9-f5-stopped');
      assert.match(await amount.innerText(), /\b7\b/);
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });

      // The same function is offered as a dynamic configuration under "Chainstep..." in the picker.
      await runCommand(page, 'Debug: Select and Start Debugging');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Chainstep...' }).first().click();
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Debug Counter.add' }).first().click();
      await page.locator('.quick-input-widget', { hasText: 'Arguments of add' }).waitFor();
      await input.fill('[9]');
      await page.keyboard.press('Enter');
      await frameAtLine(page, BREAKPOINT_LINE, 90_000);
      await workbench.screenshot('9-dynamic-configuration');
      assert.match(await page.locator('.debug-variables .monaco-list-row', { hasText: 'amount' }).first().innerText(), /\b9\b/);
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });

      // The launch.json VS Code creates from our initialConfigurations (program: the open file, no function
      // yet) also works: the function is picked from the file and its arguments asked for.
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
      mkdirSync(join(folder, '.vscode'));
      writeFileSync(
        join(folder, '.vscode', 'launch.json'),
        JSON.stringify({ version: '0.2.0', configurations: manifest.contributes.debuggers[0].initialConfigurations }),
      );
      await page.waitForTimeout(1000); // the workbench notices the new launch.json through its file watcher
      await page.keyboard.press('F5');
      await page.locator('.quick-input-widget', { hasText: 'Arguments of add' }).waitFor({ timeout: 30_000 });
      await input.fill('[11]');
      await page.keyboard.press('Enter');
      await frameAtLine(page, BREAKPOINT_LINE, 90_000);
      await workbench.screenshot('9-initial-configuration');
      assert.match(await page.locator('.debug-variables .monaco-list-row', { hasText: 'amount' }).first().innerText(), /\b11\b/);
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    },
    folder,
  );
});

const tokenSample = join(repoRoot, 'samples', 'solidity', 'token');

/** The first configuration of a launch.json (JSON with // comments and trailing commas, as VS Code allows). */
function firstLaunchConfiguration(file: string): { name: string; stopOnEntry?: boolean } {
  const text = readFileSync(file, 'utf8')
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*/g, (match, string) => string ?? '')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(text).configurations[0];
}

test('the token sample debugs with its own launch.json (first configuration, to the end, no errors)', {
  skip: missing ?? (existsSync(join(tokenSample, '.vscode', 'launch.json')) ? undefined : `${tokenSample} not found`),
  timeout: 180_000,
}, async () => {
  // A copy, so nothing the workbench writes lands in the repository.
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-token-'));
  cpSync(tokenSample, folder, { recursive: true });
  await withWorkbench(
    false,
    async (workbench, folder) => {
      const { page } = workbench;
      await openFile(page, 'Token.sol');
      const first = firstLaunchConfiguration(join(folder, '.vscode', 'launch.json'));
      await page.keyboard.press('F5'); // runs the first configuration
      if (first.stopOnEntry === true) {
        await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 });
        const topFrame = page.locator('.debug-call-stack .monaco-list-row').first();
        await topFrame.locator('.line-number').waitFor({ timeout: 90_000 });
        await workbench.screenshot('10-token-sample-entry');
        assert.match(await topFrame.innerText(), /Token/);
        // The Call Stack header says why the session paused.
        await page.locator('.pane-header', { hasText: /Paused on entry/i }).waitFor();
        await page.keyboard.press('F5'); // continue to the end
      } else {
        // Without a stop the session may come and go quickly: give it the time a compile and run take.
        await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 }).catch(() => undefined);
      }
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 90_000 });
      assert.deepEqual(await errorNotifications(page), [], `"${first.name}" reported errors`);
      await workbench.screenshot('11-token-sample-ended');
    },
    folder,
  );
});

const vaultSample = join(repoRoot, 'samples', 'solidity', 'vault');

test('the vault sample stops on the failing revert and shows the decoded custom error', {
  skip: missing ?? (existsSync(join(vaultSample, 'Vault.sol')) ? undefined : `${vaultSample} not found`),
  timeout: 180_000,
}, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-vault-'));
  cpSync(vaultSample, folder, { recursive: true });
  const revertLine = readFileSync(join(folder, 'Vault.sol'), 'utf8').split('\n').findIndex((l) => l.includes('revert InsufficientBalance')) + 1;
  assert.ok(revertLine > 0, 'Vault.sol has a `revert InsufficientBalance` line');
  // Our own configuration (the sample's may change): withdraw more than was deposited.
  writeFileSync(
    join(folder, '.vscode', 'launch.json'),
    JSON.stringify({
      version: '0.2.0',
      configurations: [
        {
          type: 'chainstep',
          request: 'launch',
          name: 'Vault: overdraw',
          program: '${workspaceFolder}/Vault.sol',
          contract: 'Vault',
          constructorArgs: ['1000'],
          setup: [{ function: 'deposit', value: '5' }],
          function: 'withdraw(uint256)',
          args: ['100'],
        },
      ],
    }),
  );
  await withWorkbench(
    false,
    async (workbench) => {
      const { page } = workbench;
      await openFile(page, 'Vault.sol');
      await page.keyboard.press('F5');
      await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 });
      await frameAtLine(page, revertLine, 90_000);
      // The Call Stack header names the exception (VS Code shows the stop's description there).
      await page.locator('.pane-header', { hasText: /Exception: InsufficientBalance/ }).waitFor();
      const widget = page.locator('.exception-widget');
      await widget.waitFor({ timeout: 30_000 });
      await workbench.screenshot('12-vault-revert');
      const text = await widget.innerText();
      assert.match(text, /Exception has occurred: revert/);
      assert.match(text, /InsufficientBalance\(requested: 100, available: 5\)/);
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    },
    folder,
  );
});
