// Runs the real VS Code workbench for end-to-end tests: code-server (VS Code's own workbench and extension
// host, served over HTTP) with the packaged .vsix installed, driven by Debian's Chromium through
// playwright-core. See scripts/e2e/tools.sh for how these are installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const vsixPath = join(repoRoot, 'chainstep.vsix');
export const resultsDir = join(repoRoot, 'test-results');
const toolsDir = process.env.CHAINSTEP_E2E_TOOLS ?? join(homedir(), '.cache', 'chainstep-e2e');
export const codeServerBin = join(toolsDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.CHAINSTEP_CHROMIUM ?? '/usr/bin/chromium';

/** What is missing to run the end-to-end test, as a sentence, or undefined when all is there. */
export function missingPrerequisites(): string | undefined {
  if (!existsSync(vsixPath)) return `${vsixPath} not found (run \`npm run package\`)`;
  if (!existsSync(codeServerBin)) return `code-server not found in ${toolsDir} (run \`bash scripts/e2e/tools.sh\`)`;
  if (!existsSync(chromiumPath)) return `${chromiumPath} not found (apt-get install chromium)`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Workbench {
  readonly page: Page;
  /** Takes a screenshot into test-results/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** The user settings.json (written before start; rewriting it changes settings while the workbench runs). */
  readonly settingsPath: string;
  /** The code-server log so far (for failure messages). */
  log(): string;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  readonly folder: string;
  /** Workspace trust on (the folder then opens untrusted, in Restricted Mode). Default: trust disabled. */
  readonly trust?: boolean;
  readonly settings?: Record<string, unknown>;
  /** Settings of the machine the extension host runs on (where `machine`-scoped settings live in code-server). */
  readonly machineSettings?: Record<string, unknown>;
  /** Extra environment of code-server, and so of the extension host and what it starts (e.g. MOVE_HOME). */
  readonly env?: Record<string, string>;
}

/** Starts code-server with the .vsix installed, opens `folder` in Chromium and waits for the workbench. */
export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const home = mkdtempSync(join(tmpdir(), 'chainstep-e2e-'));
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': options.trust ?? false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'editor.minimap.enabled': false,
        'window.restoreWindows': 'none',
        'git.enabled': false,
        ...options.settings,
      },
      null,
      2,
    ),
  );
  if (options.machineSettings) {
    mkdirSync(join(userData, 'Machine'), { recursive: true });
    writeFileSync(join(userData, 'Machine', 'settings.json'), JSON.stringify(options.machineSettings, null, 2));
  }
  const install = spawnSync(
    process.execPath,
    [codeServerBin, '--install-extension', vsixPath, '--extensions-dir', extensions, '--user-data-dir', userData],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`installing the .vsix into code-server failed:\n${install.stdout}\n${install.stderr}`);

  const port = await freePort();
  let output = '';
  const server: ChildProcess = spawn(
    process.execPath,
    [
      codeServerBin,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      options.folder,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  server.stdout?.on('data', (chunk) => (output += chunk));
  server.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 60_000, () => output);

  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(options.folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  mkdirSync(resultsDir, { recursive: true });

  return {
    page,
    settingsPath: join(userData, 'User', 'settings.json'),
    async screenshot(name) {
      const path = join(resultsDir, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    log: () => output,
    async close() {
      await browser.close().catch(() => undefined);
      server.kill('SIGTERM');
      await new Promise((resolve) => {
        if (server.exitCode !== null) resolve(undefined);
        else server.once('exit', resolve);
        setTimeout(resolve, 5_000).unref();
      });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function waitForHttp(url: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms:\n${log()}`);
}

/** Quick input helpers: the command palette / quick open is one input box; its text decides the mode. */
export async function quickInput(page: Page, text: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await quickInput(page, `>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

export async function openFile(page: Page, name: string): Promise<void> {
  await quickInput(page, name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

export async function goToLine(page: Page, line: number): Promise<void> {
  await quickInput(page, `:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The cursor line shown in the status bar ("Ln 12, Col 5"). */
export async function cursorLine(page: Page): Promise<number> {
  const text = await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText();
  return Number(/Ln (\d+)/.exec(text)![1]);
}

/**
 * The error to throw when a step failed: its message with what a reader of a CI log needs to see why, the
 * screenshot (test-results/<name>.png), the notifications shown and the tail of code-server's log.
 */
export async function failureReport(workbench: Workbench, name: string, error: unknown): Promise<Error> {
  const shot = await workbench.screenshot(name).catch(() => 'no screenshot');
  const notices = await workbench.page.locator('.notification-list-item-message').allInnerTexts().catch(() => []);
  const log = workbench.log().split('\n').slice(-40).join('\n');
  return new Error(
    `${(error as Error).message}\n--- screenshot: ${shot}\n--- notifications ---\n${notices.join('\n')}\n--- code-server log (tail) ---\n${log}`,
    { cause: error },
  );
}

/**
 * Repeats `attempt` (which opens something: a menu, a view, a command) until it succeeds, for what appears only
 * once the extension has activated; the last failure is thrown.
 */
export async function retry<T>(page: Page, attempt: () => Promise<T>, times = 12, pauseMs = 5_000): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= times) throw e;
      await page.keyboard.press('Escape').catch(() => undefined);
      await page.waitForTimeout(pauseMs);
    }
  }
}
