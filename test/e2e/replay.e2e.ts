// End to end in the real VS Code workbench (code-server + Chromium): "Chainstep: Debug Transaction…" on a
// transaction mined on anvil. The Failures sample is deployed from a copy built elsewhere (another metadata
// hash), chain(7) reverts two calls deep; the command asks for the node's URL and the hash and the session
// stops (the Reverts filter is on by default) on Bottom's revert line in the workspace's Failures.sol, with
// the decoded custom error in the exception widget. Screenshots land in test-results/replay-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cursorLine, missingPrerequisites, openFile, openWorkbench, repoRoot, runCommand } from './workbench.ts';
import { ANVIL, SKIP_FOUNDRY } from '../support/foundry-tools.ts';
import { sendTransaction, startAnvil } from '../support/anvil.ts';
import { calldata, compileCopy, deployContract, DEV } from '../support/replay-node.ts';

const skip = missingPrerequisites() ?? (ANVIL ? undefined : `anvil is not available: ${SKIP_FOUNDRY}`);

test('Debug Transaction… replays a reverted transaction from anvil and stops on the revert in the workspace source', { skip, timeout: 600_000 }, async () => {
  const sample = join(repoRoot, 'samples/solidity/failures');
  const folder = mkdtempSync(join(tmpdir(), 'chainstep-replay-e2e-'));
  cpSync(sample, folder, { recursive: true });
  const node = await startAnvil();
  const { contracts, folder: built } = await compileCopy(join(sample, 'Failures.sol'));
  const workbench = await openWorkbench({ folder });
  const { page } = workbench;
  try {
    const failures = contracts.find((c) => c.name === 'Failures')!;
    const address = await deployContract(node, failures);
    const sent = await sendTransaction(node, { from: DEV, to: address, data: calldata(failures, 'chain', [7n]), gas: 1_000_000n });
    assert.equal(sent.status, false, 'the transaction reverted on the node');
    const revertLine = readFileSync(join(folder, 'Failures.sol'), 'utf8').split('\n').findIndex((l) => l.includes('revert InsufficientBalance(amount, reserve);')) + 1;

    // As a user would: the contract open in the editor (its folder is the program), then the command.
    await openFile(page, 'Failures.sol');
    await runCommand(page, 'Chainstep: Debug Transaction…');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(node.url);
    await workbench.screenshot('replay-1-url');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Hash of the mined transaction' }).waitFor({ timeout: 30_000 });
    await input.fill(sent.hash);
    await page.keyboard.press('Enter');
    const widget = page.locator('.exception-widget').first();
    await widget.waitFor({ timeout: 300_000 });
    await workbench.screenshot('replay-2-exception');
    assert.match(await widget.innerText(), /InsufficientBalance\(requested: 7, available: 5\)/);
    await page.locator('.tabs-container .tab.active', { hasText: 'Failures.sol' }).waitFor({ timeout: 30_000 });
    assert.equal(await cursorLine(page), revertLine);
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'Middle.forward' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 60_000 });
  } catch (error) {
    await workbench.screenshot('replay-failure').catch(() => undefined);
    const log = workbench.log().split('\n').slice(-40).join('\n');
    throw new Error(`${(error as Error).message}\n--- code-server log (tail) ---\n${log}`, { cause: error });
  } finally {
    await workbench.close();
    await node.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(built, { recursive: true, force: true });
  }
});
