// Gas you can see, in the real VS Code (code-server), on the caller-callee sample: before a run the
// function lens offers to measure; debugging `Caller: run(4)` shows, while stopped at entry, the gas each
// line spent and how often it ran (`⛽ gas · count×`); hovering a hint gives the breakdown (the first write
// of `lastResult` is a cold SSTORE from zero: 22,100); after the run the lens shows the call's gas; the gas
// profile's flame graph opens and a click on a box opens that function's source; editing the file clears
// its hints. The same for Move on samples/move/generics (built by our compiler on launch, run in our
// interpreter under the Sui gas schedule).
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cursorLine, goToLine, missingPrerequisites, openFile, openWorkbench, repoRoot, resultsDir, runCommand } from './workbench.ts';

const missing = missingPrerequisites();
const sample = join(repoRoot, 'samples', 'solidity', 'caller-callee');

test('gas hints: measure lens, per-line hints while debugging a sample, hover breakdown, flame graph linked to sources, cleared on edit', { skip: missing, timeout: 300_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-gas-'));
  cpSync(sample, folder, { recursive: true });
  const callerText = readFileSync(join(folder, 'Caller.sol'), 'utf8').split('\n');
  const workbench = await openWorkbench({ folder, trust: false });
  const { page } = workbench;
  try {
    await openFile(page, 'Caller.sol');
    const lens = page.locator('.codelens-decoration', { hasText: '⛽' }).first();
    await lens.waitFor({ timeout: 60_000 });
    assert.match(await lens.innerText(), /Measure gas/);

    // F5 debugs the first configuration, `Caller: run(4)`, which stops on entry: the hints come while stopped.
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ timeout: 90_000 });
    await page.locator('.view-line', { hasText: 'require(msg.sender == owner' }).filter({ hasText: '⛽' }).waitFor({ timeout: 90_000 });
    // The editor renders only the lines in view: bring the loop and the callback into it.
    await goToLine(page, callerText.findIndex((l) => l.includes('function square(')) + 1);
    const loop = page.locator('.view-line', { hasText: 'sum += square(i);' });
    await loop.filter({ hasText: '⛽' }).waitFor({ timeout: 30_000 });
    assert.match(await loop.innerText(), /⛽\s*[\d,]+\s·\s4×/); // the loop body ran four times (no-break spaces)
    const write = page.locator('.view-line', { hasText: 'lastResult = value;' });
    await write.filter({ hasText: '⛽' }).waitFor({ timeout: 30_000 });

    // Continue to the end: the lens now shows the call's gas.
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 90_000 });
    // The lens sits above `run`; bring it into view (a lens scrolled out of view is hidden), then back to the write.
    await goToLine(page, callerText.findIndex((l) => l.includes('function run(')) + 1);
    await page.locator('.codelens-decoration', { hasText: /⛽ [\d,]+ gas/ }).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await goToLine(page, callerText.findIndex((l) => l.includes('lastResult = value;')) + 1);
    await workbench.screenshot('gas-hints');
    // Hover on the hint (after the session: while debugging, VS Code's debug hover replaces the editor's):
    // where the line's gas went.
    await write.locator('span', { hasText: '⛽' }).last().hover();
    const hover = page.locator('.monaco-hover', { hasText: 'spent on' });
    await hover.waitFor({ timeout: 30_000 });
    const breakdown = await hover.innerText();
    assert.match(breakdown, /storage write \(cold, set from zero\)\s+1\s+22,100/);
    await workbench.screenshot('gas-hover');
    // A small picture for the README: the hover and the lines around the hinted one.
    const [h, l] = [await hover.boundingBox(), await write.boundingBox()];
    if (h && l) {
      const top = Math.max(0, Math.min(h.y, l.y) - 90), bottom = Math.max(h.y + h.height, l.y + l.height) + 40;
      const left = Math.max(0, Math.min(h.x, l.x) - 60);
      await page.screenshot({ path: join(resultsDir, 'gas-hover-readme.png'), clip: { x: left, y: top, width: Math.min(860, 1400 - left), height: bottom - top } });
    }
    await page.mouse.move(5, 5);

    // The flame graph: external calls and internal functions; a box opens its function's source.
    await runCommand(page, 'Chainstep: Show Gas Profile');
    await page.locator('.tab', { hasText: 'Gas profile' }).waitFor({ timeout: 30_000 });
    const graph = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await graph.locator('.box', { hasText: 'Callee.scale' }).waitFor({ timeout: 30_000 });
    const square = graph.locator('.box.linked', { hasText: 'Caller.square' }).first();
    const squareLine = Number(await square.getAttribute('data-line'));
    const declared = callerText.findIndex((l) => l.includes('function square(')) + 1;
    assert.ok(squareLine >= declared && squareLine <= declared + 2, `square's box points at line ${squareLine} (declared on ${declared})`);
    await workbench.screenshot('gas-profile');
    await square.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Caller.sol' }).waitFor({ timeout: 30_000 });
    for (let i = 0; i < 50 && (await cursorLine(page)) !== squareLine; i++) await page.waitForTimeout(200);
    assert.equal(await cursorLine(page), squareLine);

    // An edit clears the file's hints: they described the text before it.
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

test('Move gas hints: per-line hints and counts after running a sample, hover by instruction kind, lens and flame graph of Move calls', { skip: missing, timeout: 300_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-e2e-move-gas-'));
  cpSync(join(repoRoot, 'samples', 'move', 'generics'), folder, { recursive: true });
  const text = readFileSync(join(folder, 'sources', 'generics.move'), 'utf8').split('\n');
  const lineOf = (code: string): number => text.findIndex((l) => l.includes(code)) + 1;
  const workbench = await openWorkbench({ folder, trust: false });
  const { page } = workbench;
  try {
    await openFile(page, 'generics.move');
    await goToLine(page, lineOf('public fun sum('));
    // F5: the first configuration, `within_limit`, runs to its end (sum runs twice: over 2 then 4 values).
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ timeout: 120_000 }).catch(() => undefined);
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 120_000 });
    const body = page.locator('.view-line', { hasText: 'total = total + values[i];' });
    await body.filter({ hasText: '⛽' }).waitFor({ timeout: 60_000 });
    assert.match(await body.innerText(), /⛽\s*[\d,]+\s·\s6×/);
    assert.match(await page.locator('.view-line', { hasText: 'while (i < count)' }).innerText(), /·\s8×/);
    // The lens of an internal function: its gas over both calls.
    await page.locator('.codelens-decoration', { hasText: /⛽ [\d,]+ gas/ }).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await body.locator('span', { hasText: '⛽' }).last().hover();
    const hover = page.locator('.monaco-hover', { hasText: 'spent on' });
    await hover.waitFor({ timeout: 30_000 });
    const breakdown = await hover.innerText();
    assert.match(breakdown, /gas units \(Sui schedule\)/);
    assert.match(breakdown, /instructions: vector operations\s+6\s+/);
    await workbench.screenshot('gas-move-hover');
    await page.mouse.move(5, 5);

    await goToLine(page, 3); // the cursor away from sum: the click on its box must bring it there
    await runCommand(page, 'Chainstep: Show Gas Profile');
    await page.locator('.tab', { hasText: 'Gas profile' }).waitFor({ timeout: 30_000 });
    const graph = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await graph.locator('.box', { hasText: '0x0::generics::checked_total' }).waitFor({ timeout: 30_000 });
    const sum = graph.locator('.box.linked', { hasText: '0x0::generics::sum' }).first();
    assert.match((await sum.getAttribute('title')) ?? '', /2× called/);
    const sumLine = Number(await sum.getAttribute('data-line'));
    assert.ok(sumLine >= lineOf('public fun sum(') && sumLine < lineOf('public fun checked_total('), `sum's box points at line ${sumLine}`);
    await workbench.screenshot('gas-move-profile');
    await sum.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'generics.move' }).waitFor({ timeout: 30_000 });
    for (let i = 0; i < 50 && (await cursorLine(page)) !== sumLine; i++) await page.waitForTimeout(200);
    assert.equal(await cursorLine(page), sumLine);
  } catch (error) {
    await workbench.screenshot('failure-move-gas').catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- code-server log (tail) ---\n${workbench.log().split('\n').slice(-40).join('\n')}`, { cause: error });
  } finally {
    await workbench.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
