// solc's static gas estimates in the real VS Code (code-server), behind `chainstep.gasHints.staticEstimates`:
// samples/solidity/caller-callee in a project that compiles with the optimizer (a foundry.toml, as projects
// that care about gas have), Caller.sol opened with the setting on. The language server's lens above each
// function shows solc's estimate: a number where solc has one (`notify`), and where solc says "infinite" why:
// the loop of `sumOfSquares` at its line, and for `run` the external call to `scale()` and the internal call
// into that loop. Each is checked against solc itself, asked here for the same sources and settings. Turning
// the setting off in the Settings editor takes the lenses away.
// The screenshot lands in test-results/static-gas.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { failureReport, goToLine, missingPrerequisites, openFile, openWorkbench, repoRoot, runCommand } from './workbench.ts';

const missing = missingPrerequisites();
const sample = join(repoRoot, 'samples', 'solidity', 'caller-callee');
const SETTING = 'chainstep.gasHints.staticEstimates';
const files = ['Caller.sol', 'Callee.sol', 'MathLib.sol'];

/** What solc reports for the sample with the optimizer on (200 runs, the foundry.toml below), asked directly. */
function solcEstimates(folder: string): Record<string, string> {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity',
    sources: Object.fromEntries(files.map((f) => [f, { content: readFileSync(join(folder, f), 'utf8') }])),
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.gasEstimates'] } } },
  }))) as { contracts: Record<string, Record<string, { evm: { gasEstimates: { external: Record<string, string>; internal: Record<string, string> } } }>> };
  const gas = output.contracts['Caller.sol']!['Caller']!.evm.gasEstimates;
  return { ...gas.external, ...gas.internal };
}

/** One lens of a line of lenses: a link when it has a command, plain text (the estimates) when not. */
const LENS = '.codelens-decoration > a, .codelens-decoration > span';

/**
 * The estimate lens above the function declared on `line` (brought into view first: lenses out of view are
 * hidden). The editor asks for lenses again when the server says its estimates changed; until that answer
 * is drawn, a line can show the extension's lenses without the server's, so this looks again for a while.
 */
async function estimateLens(page: Page, line: number): Promise<Locator> {
  const lenses = page.locator(LENS, { hasText: 'solc static estimate' }).filter({ visible: true });
  for (let attempt = 1; ; attempt++) {
    await goToLine(page, line);
    const number = page.locator('.monaco-editor .margin-view-overlays .line-numbers').filter({ hasText: new RegExp(`^${line}$`) }).first();
    await number.waitFor();
    await lenses.first().waitFor({ timeout: 180_000 });
    // The lens line sits right above the function's line.
    const below = (await number.boundingBox())!;
    for (const lens of await lenses.all()) {
      const box = await lens.boundingBox();
      if (box && box.y < below.y && below.y - box.y < 2 * below.height) return lens;
    }
    if (attempt === 30) throw new Error(`no estimate lens right above line ${line}; the lenses in view: ${(await lenses.allInnerTexts()).join(' | ')}`);
    await page.waitForTimeout(2_000);
  }
}

test('solc static estimates: with the setting on, each function\'s lens shows solc\'s number or why it is unbounded (loop, external call); off, they go', { skip: missing, timeout: 300_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-static-gas-'));
  cpSync(sample, folder, { recursive: true });
  writeFileSync(join(folder, 'foundry.toml'), '[profile.default]\nsrc = "."\noptimizer = true\noptimizer_runs = 200\n');
  const text = readFileSync(join(folder, 'Caller.sol'), 'utf8').split('\n');
  const lineOf = (code: string): number => {
    const index = text.findIndex((l) => l.includes(code));
    assert.ok(index >= 0, code);
    return index + 1;
  };
  const solc = solcEstimates(folder);
  const workbench = await openWorkbench({ folder, settings: { [SETTING]: true } });
  const { page } = workbench;
  try {
    await openFile(page, 'Caller.sol');

    // A loop: solc says infinite, the lens says where the loop is.
    assert.equal(solc['sumOfSquares(uint256)'], 'infinite');
    const loop = await estimateLens(page, lineOf('function sumOfSquares('));
    await assertText(loop, `⛽ solc static estimate: unbounded (a loop at line ${lineOf('for (uint256 i = 1; i <= n; i++)')})`);

    // An external call, and an internal call into the loop.
    assert.equal(solc['run(uint256)'], 'infinite');
    const run = await estimateLens(page, lineOf('function run('));
    await assertText(run, `⛽ solc static estimate: unbounded (an external call to scale() at line ${lineOf('callee.scale(total)')}; ` +
      `a call to sumOfSquares() at line ${lineOf('uint256 total = sumOfSquares(n);')}, unbounded by a loop at line ${lineOf('for (uint256 i = 1;')})`);
    await workbench.screenshot('static-gas');

    // Bounded: solc's own number.
    assert.match(solc['notify(uint256)'] ?? '', /^\d+$/, 'solc bounds notify()');
    const bounded = await estimateLens(page, lineOf('function notify('));
    await assertText(bounded, `⛽ solc static estimate: ${Number(solc['notify(uint256)']).toLocaleString('en-US')} gas`);

    // The setting off, as a user turns it off (the Settings editor's checkbox): the estimates go, the lens
    // of measured gas stays.
    await runCommand(page, 'Preferences: Open User Settings');
    const search = page.locator('.settings-editor .suggest-input-container');
    await search.waitFor({ timeout: 30_000 });
    await search.click();
    await page.keyboard.type(SETTING);
    const checkbox = page.locator('.settings-editor .setting-item-bool', { hasText: 'solc' }).locator('.setting-value-checkbox');
    await checkbox.waitFor({ timeout: 30_000 });
    assert.equal(await checkbox.getAttribute('aria-checked'), 'true');
    await checkbox.click();
    await page.locator('.settings-editor .setting-item-bool .setting-value-checkbox[aria-checked="false"]').waitFor({ timeout: 30_000 });
    // The Settings editor writes the file a moment later (the default, off, by removing the entry).
    const saved = (): unknown => (JSON.parse(readFileSync(workbench.settingsPath, 'utf8')) as Record<string, unknown>)[SETTING];
    for (let i = 0; i < 60 && saved() === true; i++) await page.waitForTimeout(500);
    assert.notEqual(saved(), true, 'the user settings say off');
    await page.locator('.tabs-container .tab', { hasText: 'Caller.sol' }).click();
    await goToLine(page, lineOf('function notify('));
    await page.locator(LENS, { hasText: 'Measure gas' }).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    // Every function's line, each brought into view (the editor redraws the lenses of the lines it shows; a
    // lens left off screen is only redrawn when scrolled to): no estimate is shown any more.
    const shownEstimates = page.locator(LENS, { hasText: 'solc static estimate' }).filter({ visible: true });
    for (const fn of ['function run(', 'function sumOfSquares(', 'function notify(']) {
      await goToLine(page, lineOf(fn));
      for (let i = 0; i < 60 && (await shownEstimates.count()) > 0; i++) await page.waitForTimeout(1_000);
      assert.deepEqual(await shownEstimates.allInnerTexts(), [], `no estimate lens in view at ${fn}`);
    }
  } catch (error) {
    throw await failureReport(workbench, 'failure-static-gas', error);
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

/** The lens's text, as the editor shows it (code lenses render spaces as no-break spaces). */
async function assertText(lens: Locator, expected: string): Promise<void> {
  assert.equal((await lens.innerText()).replace(/\u00a0/g, ' ').trim(), expected);
}
