// The Test Explorer in the real VS Code (code-server + Chromium), on a workspace as a team working on both
// chains has it: `coin/` (samples/move/coin, a Sui package whose `Sui` dependency is the usual git dependency
// at framework/mainnet) and `vault/` (samples/foundry/vault, lib/forge-std linked as `forge install` leaves it).
// The git dependency resolves offline from the Move toolchain's cache folder ($MOVE_HOME), where the Sui
// repository's checkout is the framework sources of ../shared (linked, never copied), as a machine that has
// run `sui move build` once has it.
// - Move: the Testing view lists "Move (Chainstep)" > Coin (the package's name, its folder beside) >
//   gold_tests > its four #[test] functions. Running them all passes three; `mint_past_max_supply` fails, and
//   its reason (ESupplyExceeded with its message) shows in sources/gold.move on the line that aborted. "Debug Test" on it starts a session that stops on that
//   line with the abort in the exception widget, the test function in the Call Stack, and the parameters and
//   locals of `gold::mint` in the Variables view.
// - Foundry: "Foundry (Chainstep)" > vault/test/Vault.t.sol > VaultTest > its tests. Running them passes four;
//   test_WithdrawAll fails with the decoded panic at the test's line that failed (the withdraw call), and
//   "Debug Test" on it stops on the Vault line that underflows, with the panic and the function's locals.
// Screenshots land in test-results/test-explorer-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { checkoutDir } from '../../language/move/git-dependency.ts';
import { FORGE_STD, forgeStdPresent, SKIP_FORGE_STD } from '../support/foundry-tools.ts';
import { cursorLine, failureReport, goToLine, missingPrerequisites, openWorkbench, quickInput, repoRoot, retry, type Workbench } from './workbench.ts';

const frameworkSrc = resolve(repoRoot, '../shared/fixtures/move/sui-framework-src');
const missing = missingPrerequisites();
const skipMove = missing ?? (existsSync(join(frameworkSrc, 'sui-framework', 'Move.toml')) ? undefined : `${frameworkSrc} not found (the Sui framework sources of ../shared/fixtures/move)`);
const skipFoundry = missing ?? (forgeStdPresent ? undefined : SKIP_FORGE_STD);

/** The workspace folder with both samples, and the MOVE_HOME that caches the Sui repository. */
function makeWorkspace(): { folder: string; moveHome: string; cleanup(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-tests-'));
  cpSync(join(repoRoot, 'samples/move/coin'), join(folder, 'coin'), { recursive: true, filter: (src) => !src.endsWith('/build') });
  cpSync(join(repoRoot, 'samples/foundry/vault'), join(folder, 'vault'), { recursive: true });
  rmSync(join(folder, 'vault/lib/.gitkeep'), { force: true });
  if (forgeStdPresent) symlinkSync(FORGE_STD, join(folder, 'vault/lib/forge-std'));
  // Where Move.toml's `Sui = { git = ".../sui.git", subdir = "crates/sui-framework/packages/sui-framework",
  // rev = "framework/mainnet" }` is looked up before any fetch; the framework's MoveStdlib is its `../move-stdlib`.
  const moveHome = mkdtempSync(join(tmpdir(), 'chainstep-e2e-move-home-'));
  const packages = join(checkoutDir({ url: 'https://github.com/MystenLabs/sui.git', rev: 'framework/mainnet', subdir: undefined }, moveHome), 'crates/sui-framework/packages');
  mkdirSync(dirname(packages), { recursive: true });
  symlinkSync(frameworkSrc, packages);
  return { folder, moveHome, cleanup: () => { rmSync(folder, { recursive: true, force: true }); rmSync(moveHome, { recursive: true, force: true }); } };
}

const lineOf = (file: string, text: string, from = 0): number => {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l, i) => i >= from && l.includes(text));
  assert.ok(index >= 0, `${text} in ${file}`);
  return index + 1;
};

/**
 * The Test Explorer's row of an item, by its label (the label's own text: a description follows it in a span),
 * optionally in a state (the row's aria-label ends with it).
 */
const testRow = (page: Page, label: string, state?: 'Passed' | 'Failed'): Locator =>
  page.locator(`.test-explorer .monaco-list-row${state ? `[aria-label$=" (${state})"]` : ''}`)
    .filter({ has: page.locator(`xpath=.//div[contains(concat(" ", @class, " "), " label ")][normalize-space(text()[1])="${label}"]`) });

/** Opens the Testing view; its command exists once the extension has activated and registered its tests. */
async function showTestExplorer(page: Page, root: string): Promise<void> {
  const command = 'Testing: Focus on Test Explorer View';
  await retry(page, async () => {
    await quickInput(page, `>${command}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor({ timeout: 5_000 });
    await page.keyboard.press('Enter');
    await testRow(page, root).waitFor({ timeout: 10_000 });
  });
}

/** Expands a row of the tree (a click on the twistie of a collapsed row), then waits for its children. */
async function expand(page: Page, label: string, child: string): Promise<void> {
  const row = testRow(page, label);
  await row.waitFor({ timeout: 60_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  await testRow(page, child).waitFor({ timeout: 60_000 });
}

/** Clicks a row's inline action ("Run Test", "Debug Test"), which shows while the pointer is on the row. */
async function rowAction(page: Page, label: string, action: 'Run Test' | 'Debug Test'): Promise<void> {
  const row = testRow(page, label);
  await retry(page, async () => {
    await row.hover();
    await row.locator(`.action-label[aria-label="${action}"]`).click({ timeout: 5_000 });
  }, 6, 1_000);
}

/** Opens a workspace file by its path through Quick Open (a click on the row whose path it is). */
async function openPath(page: Page, relative: string): Promise<void> {
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  const folder = relative.slice(0, relative.lastIndexOf('/'));
  await retry(page, async () => {
    await quickInput(page, relative);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).filter({ hasText: folder }).first().click({ timeout: 10_000 });
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
  }, 4, 1_000);
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/**
 * The inline failure message VS Code shows in the editor at a test message's location, once that line is in
 * view; checks that it sits on `line` (the line number in the gutter at the same height).
 */
async function failureAt(page: Page, line: number, text: RegExp): Promise<string> {
  await goToLine(page, line);
  const widget = page.locator('.test-error-content-widget').filter({ hasText: text }).first();
  await widget.waitFor({ timeout: 60_000 });
  const number = page.locator('.monaco-editor .margin-view-overlays .line-numbers').filter({ hasText: new RegExp(`^${line}$`) }).first();
  const [w, n] = [await widget.boundingBox(), await number.boundingBox()];
  assert.ok(w && n, 'the message and the line number are on screen');
  assert.ok(Math.abs(w.y + w.height / 2 - (n.y + n.height / 2)) < n.height, `the message is on line ${line} (message at y=${w.y}, line at y=${n.y})`);
  return widget.innerText();
}

async function withWorkbench(name: string, body: (workbench: Workbench, folder: string) => Promise<void>): Promise<void> {
  const { folder, moveHome, cleanup } = makeWorkspace();
  const workbench = await openWorkbench({ folder, env: { MOVE_HOME: moveHome } });
  try {
    await body(workbench, folder);
  } catch (error) {
    throw await failureReport(workbench, `failure-test-explorer-${name}`, error);
  } finally {
    await workbench.close();
    cleanup();
  }
}

/** Expands a scope of the Variables view (VS Code expands the first one only). */
async function expandScope(page: Page, name: string): Promise<void> {
  const scope = page.locator('.debug-variables .monaco-list-row').filter({ hasText: new RegExp(`^${name}$`) }).first();
  await scope.waitFor({ timeout: 30_000 });
  if ((await scope.getAttribute('aria-expanded')) === 'false') await scope.locator('.monaco-tl-twistie').click();
}

/**
 * Checks a stop: the file and line in the editor, a frame in the Call Stack, a parameter (the first scope,
 * expanded by VS Code) and a local (its scope expanded as a user does) in the Variables view.
 */
async function stoppedAt(page: Page, at: { file: string; line: number; frame: string; parameter: RegExp; local: RegExp }): Promise<void> {
  await page.locator('.tabs-container .tab.active', { hasText: at.file }).waitFor({ timeout: 30_000 });
  assert.equal(await cursorLine(page), at.line);
  await page.locator('.debug-call-stack .monaco-list-row').filter({ hasText: at.frame }).first().waitFor({ timeout: 30_000 });
  const variables = page.locator('.debug-variables .monaco-list-row');
  await variables.filter({ hasText: at.parameter }).first().waitFor({ timeout: 30_000 });
  await expandScope(page, 'Locals');
  await variables.filter({ hasText: at.local }).first().waitFor({ timeout: 30_000 });
}

/** Waits for the debug session to end after Shift+F5. */
async function stopDebugging(page: Page): Promise<void> {
  await page.keyboard.press('Shift+F5');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 60_000 });
}

test('Test Explorer, Move: the coin package\'s tests run (the failing one shows ESupplyExceeded at the line that aborted) and one debugs from the explorer', { skip: skipMove, timeout: 600_000 }, async () => {
  await withWorkbench('move', async (workbench, folder) => {
    const { page } = workbench;
    const gold = join(folder, 'coin/sources/gold.move');
    const abortLine = lineOf(gold, 'assert!(new_supply <= treasury.max_supply, ESupplyExceeded);');

    await showTestExplorer(page, 'Move (Chainstep)');
    // The package by its Move.toml name, its folder beside it.
    await expand(page, 'Move (Chainstep)', 'Coin');
    assert.equal((await testRow(page, 'Coin').locator('.test-label-description').innerText()).trim(), 'coin');
    await expand(page, 'Coin', 'gold_tests');
    await expand(page, 'gold_tests', 'mint_past_max_supply');
    const passing = ['mint_split_join', 'burn_reduces_supply', 'split_too_much'];
    for (const name of passing) await testRow(page, name).waitFor();

    // Run every Move test (the controller's row): our compiler builds the package with the framework in test
    // mode and our interpreter runs each test. The module is open, as when working on it: code-server 4.100
    // draws a failure's inline message reliably only in an editor open when the result comes (opened after
    // the run, the message was missing in 2 runs of 3 here; it is in Test Results either way).
    await openPath(page, 'coin/sources/gold.move');
    await rowAction(page, 'Move (Chainstep)', 'Run Test');
    await testRow(page, 'mint_past_max_supply', 'Failed').waitFor({ timeout: 240_000 });
    for (const name of passing) await testRow(page, name, 'Passed').waitFor({ timeout: 60_000 });
    await testRow(page, 'Coin', 'Failed').waitFor();

    // The failure's reason, in the module's source at the assert! that aborted.
    const message = await failureAt(page, abortLine, /ESupplyExceeded/);
    assert.match(message, /aborted with code 0xc0ff002a00010002 \(ESupplyExceeded: "Minting would exceed the maximum supply"\)/);
    assert.match(message, /sources\/gold\.move:42/);
    await workbench.screenshot('test-explorer-move-run');

    // Debug the failing test from its row: the session stops on the abort, in the package's own source.
    await rowAction(page, 'mint_past_max_supply', 'Debug Test');
    await page.locator('.debug-toolbar').waitFor({ timeout: 180_000 });
    const widget = page.locator('.exception-widget', { hasText: 'ESupplyExceeded' }).first();
    await widget.waitFor({ timeout: 180_000 });
    assert.match(await widget.innerText(), /"Minting would exceed the maximum supply"/);
    // Variables of gold::mint: the amount the test mints the second time, and the supply it would reach.
    await stoppedAt(page, { file: 'gold.move', line: abortLine, frame: 'mint_past_max_supply', parameter: /\bvalue =\s*600\b/, local: /\bnew_supply =\s*1200\b/ });
    await page.locator('.debug-call-stack .monaco-list-row').first().filter({ hasText: '0x0::gold::mint' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('test-explorer-move-debug');
    await stopDebugging(page);
  });
});

test('Test Explorer, Foundry: the vault\'s tests run (test_WithdrawAll shows its decoded panic at its failing line) and it debugs from the explorer to the underflow', { skip: skipFoundry, timeout: 600_000 }, async () => {
  await withWorkbench('foundry', async (workbench, folder) => {
    const { page } = workbench;
    const testFile = join(folder, 'vault/test/Vault.t.sol');
    const vault = join(folder, 'vault/src/Vault.sol');
    // test_WithdrawAll's own `vault.withdraw(2 ether);` (the same call appears in an earlier test).
    const failingCall = lineOf(testFile, 'vault.withdraw(2 ether);', lineOf(testFile, 'function test_WithdrawAll'));
    const underflow = lineOf(vault, 'totalDeposits -= amount + fee;');

    await showTestExplorer(page, 'Foundry (Chainstep)');
    await expand(page, 'Foundry (Chainstep)', 'vault/test/Vault.t.sol');
    await expand(page, 'vault/test/Vault.t.sol', 'VaultTest');
    await expand(page, 'VaultTest', 'test_WithdrawAll');
    const passing = ['test_Deposit', 'test_RevertWhen_WithdrawMoreThanBalance', 'test_RevertWhen_CollectFeesByStranger', 'testFuzz_Deposit'];
    for (const name of passing) await testRow(page, name).waitFor();

    // Run every Foundry test: `chainstep test --json` in our EVM with forge's semantics (fuzzing included),
    // with the test file open as one has it while working on the tests (opened after the run, code-server
    // 4.100 never drew the inline message here; see the Move test).
    await openPath(page, 'vault/test/Vault.t.sol');
    await rowAction(page, 'Foundry (Chainstep)', 'Run Test');
    await testRow(page, 'test_WithdrawAll', 'Failed').waitFor({ timeout: 300_000 });
    for (const name of passing) await testRow(page, name, 'Passed').waitFor({ timeout: 60_000 });

    // The decoded reason at the test's line whose call failed.
    const message = await failureAt(page, failingCall, /panic/);
    assert.match(message, /\[FAIL: panic: arithmetic underflow or overflow \(0x11\)\] VaultTest\.test_WithdrawAll/);
    await workbench.screenshot('test-explorer-foundry-run');

    // Debug it from its row: deployed and set up as forge does, it stops (Panics filter) on the Vault line.
    await rowAction(page, 'test_WithdrawAll', 'Debug Test');
    await page.locator('.debug-toolbar').waitFor({ timeout: 240_000 });
    const widget = page.locator('.exception-widget').first();
    await widget.waitFor({ timeout: 240_000 });
    assert.match(await widget.innerText(), /Panic\(0x11\): arithmetic overflow or underflow/);
    // withdraw's amount (all of alice's 2 ether) and its local fee (1%, taken twice).
    await stoppedAt(page, { file: 'Vault.sol', line: underflow, frame: 'test_WithdrawAll', parameter: /\bamount =\s*2000000000000000000\b/, local: /\bfee =\s*20000000000000000\b/ });
    await workbench.screenshot('test-explorer-foundry-debug');
    await stopDebugging(page);
  });
});
