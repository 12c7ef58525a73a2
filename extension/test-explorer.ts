// Foundry tests in VS Code's Test Explorer: one item per test file, contract and test function, found in the
// workspace's Foundry projects and kept current as files change. "Run" runs them with `chainstep test --json`
// (our EVM, forge's semantics) and shows each failure's decoded reason at its test; "Debug" starts a
// Chainstep debug session on the test.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { foundryRootOf, foundryTestLaunch, foundryTests, isFoundryTestFile } from './foundry-tests.ts';
import { ensureTrusted } from './trust.ts';

interface TestData { readonly root: string; readonly contract: string; readonly name: string }

export function registerFoundryTests(context: vscode.ExtensionContext): void {
  const controller = vscode.tests.createTestController('chainstep.foundry', 'Foundry (Chainstep)');
  const data = new WeakMap<vscode.TestItem, TestData>();
  context.subscriptions.push(controller);

  const refreshFile = async (uri: vscode.Uri): Promise<void> => {
    const root = foundryRootOf(uri.fsPath);
    if (!isFoundryTestFile(uri.fsPath, root) || uri.fsPath.includes(`${path.sep}lib${path.sep}`)) return;
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      controller.items.delete(uri.toString());
      return;
    }
    const tests = foundryTests(text);
    if (tests.length === 0) { controller.items.delete(uri.toString()); return; }
    const file = controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    for (const contract of [...new Set(tests.map((t) => t.contract))]) {
      const c = controller.createTestItem(`${uri.toString()}#${contract}`, contract, uri);
      for (const t of tests.filter((x) => x.contract === contract)) {
        const item = controller.createTestItem(`${uri.toString()}#${contract}.${t.name}`, t.name, uri);
        item.range = new vscode.Range(t.line, 0, t.line, 0);
        data.set(item, { root: root!, contract, name: t.name });
        c.children.add(item);
      }
      file.children.add(c);
    }
    controller.items.add(file);
  };
  controller.resolveHandler = async () => {
    for (const uri of await vscode.workspace.findFiles('**/*.sol', '**/{lib,node_modules,out}/**')) await refreshFile(uri);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.sol');
  watcher.onDidChange(refreshFile);
  watcher.onDidCreate(refreshFile);
  watcher.onDidDelete((uri) => controller.items.delete(uri.toString()));
  context.subscriptions.push(watcher);

  const leaves = (items: readonly vscode.TestItem[]): vscode.TestItem[] =>
    items.flatMap((i) => (data.has(i) ? [i] : leaves([...collect(i.children)])));

  controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, async (request, token) => {
    if (!ensureTrusted()) return;
    const run = controller.createTestRun(request);
    const chosen = leaves(request.include ? [...request.include] : [...collect(controller.items)]);
    for (const item of chosen) run.enqueued(item);
    // One `chainstep test` per project and contract: setUp runs once per contract, as with forge.
    const groups = new Map<string, vscode.TestItem[]>();
    for (const item of chosen) {
      const d = data.get(item)!;
      const key = `${d.root}\n${d.contract}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const [key, items] of groups) {
      if (token.isCancellationRequested) break;
      const [root, contract] = key.split('\n') as [string, string];
      for (const item of items) run.started(item);
      const names = items.map((i) => data.get(i)!.name);
      const result = await runChainstepTest(context.extensionPath, root, contract, names, token);
      for (const item of items) {
        const d = data.get(item)!;
        const r = result.tests.get(`${contract}.${d.name}`);
        if (!r) run.errored(item, new vscode.TestMessage(result.error ?? `${d.name} did not run`));
        else if (r.status === 'Success') run.passed(item);
        else if (r.status === 'Skipped') run.skipped(item);
        else {
          const message = new vscode.TestMessage(`[FAIL: ${r.reason ?? 'failed'}] ${d.contract}.${d.name}`);
          // At the test file's line that failed (the assertion, the reverting call), else at the test.
          const at = r.location;
          if (at) message.location = new vscode.Location(vscode.Uri.file(at.file), new vscode.Position(at.line - 1, Math.max(0, at.column - 1)));
          else if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
          run.failed(item, message);
        }
      }
    }
    run.end();
  }, true);

  controller.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, async (request) => {
    if (!ensureTrusted()) return;
    const item = leaves(request.include ? [...request.include] : [])[0];
    if (!item) {
      void vscode.window.showInformationMessage('Chainstep: pick one Foundry test to debug.');
      return;
    }
    const d = data.get(item)!;
    await vscode.debug.startDebugging(item.uri ? vscode.workspace.getWorkspaceFolder(item.uri) : undefined, foundryTestLaunch(d.root, d));
  }, true);
}

function collect(items: vscode.TestItemCollection): vscode.TestItem[] {
  const out: vscode.TestItem[] = [];
  items.forEach((i) => out.push(i));
  return out;
}

interface JsonTest { status: string; reason: string | null; location?: { file: string; line: number; column: number } }

/** Runs `chainstep test --json` for some tests of one contract; results keyed "Contract.name". */
function runChainstepTest(extensionPath: string, root: string, contract: string, names: readonly string[], token: vscode.CancellationToken): Promise<{ tests: Map<string, JsonTest>; error?: string }> {
  const configured = vscode.workspace.getConfiguration('chainstep').get<string>('nodePath', '').trim();
  const escape = (s: string): string => s.replace(/[$]/g, '\\$');
  const args = [path.join(extensionPath, 'dist', 'chainstep.mjs'), 'test', root, '--json',
    '--match-contract', `^${escape(contract)}$`, '--match-test', `^(${names.map(escape).join('|')})$`];
  return new Promise((resolve) => {
    const child = spawn(configured || process.execPath, args, { cwd: root, env: { ...process.env, ...(configured ? {} : { ELECTRON_RUN_AS_NODE: '1' }) } });
    let out = '', err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    token.onCancellationRequested(() => child.kill());
    child.on('close', () => {
      const tests = new Map<string, JsonTest>();
      try {
        const json = JSON.parse(out) as Record<string, { test_results: Record<string, JsonTest> }>;
        for (const [id, suite] of Object.entries(json)) {
          const c = id.slice(id.lastIndexOf(':') + 1);
          for (const [sig, r] of Object.entries(suite.test_results)) tests.set(`${c}.${sig.slice(0, sig.indexOf('('))}`, r);
        }
        resolve({ tests });
      } catch {
        resolve({ tests, error: err.trim() || out.trim() || 'chainstep test printed nothing' });
      }
    });
  });
}
