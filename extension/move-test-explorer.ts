// Move tests in VS Code's Test Explorer, next to the Foundry ones: one item per package, module and
// #[test] function, kept current as .move files change. "Run" runs a package's tests with
// `chainstep move test --json` (our compiler and interpreter, `sui move test`'s semantics) and shows a
// failure at the line that aborted; "Debug" starts a Chainstep debug session on the test.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { movePackageOf } from './launch-config.ts';
import { buildErrors, movePackageName, moveTestLaunch, moveTests, parseMoveTestJson, type MoveTest } from './move-tests.ts';
import { ensureTrusted } from './trust.ts';

interface TestData { readonly packageDir: string; readonly test: MoveTest }

export function registerMoveTests(context: vscode.ExtensionContext): void {
  const controller = vscode.tests.createTestController('chainstep.move', 'Move (Chainstep)');
  const data = new WeakMap<vscode.TestItem, TestData>();
  context.subscriptions.push(controller);

  const refreshPackage = (packageDir: string): void => {
    const id = vscode.Uri.file(packageDir).toString();
    const tests = moveTests(packageDir);
    if (tests.length === 0) { controller.items.delete(id); return; }
    // Named as Move.toml names it, with its folder beside (unless it is the workspace folder itself, whose
    // "relative" path VS Code gives as the absolute one).
    const folder = vscode.workspace.asRelativePath(packageDir);
    const pkg = controller.createTestItem(id, movePackageName(packageDir) ?? folder, vscode.Uri.file(packageDir));
    if (folder !== packageDir) pkg.description = folder;
    for (const module of [...new Set(tests.map((t) => t.module))]) {
      const m = controller.createTestItem(`${id}#${module}`, module);
      for (const t of tests.filter((x) => x.module === module)) {
        const item = controller.createTestItem(`${id}#${module}::${t.name}`, t.name, vscode.Uri.file(t.file));
        item.range = new vscode.Range(t.line, 0, t.line, 0);
        data.set(item, { packageDir, test: t });
        m.children.add(item);
      }
      pkg.children.add(m);
    }
    controller.items.add(pkg);
  };
  const refreshFile = (uri: vscode.Uri): void => {
    if (uri.fsPath.split(path.sep).includes('build')) return;
    const pkg = movePackageOf(path.dirname(uri.fsPath));
    if (pkg) refreshPackage(pkg);
  };
  controller.resolveHandler = async () => {
    for (const manifest of await vscode.workspace.findFiles('**/Move.toml', '**/{build,node_modules}/**')) refreshPackage(path.dirname(manifest.fsPath));
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.move');
  watcher.onDidChange(refreshFile);
  watcher.onDidCreate(refreshFile);
  watcher.onDidDelete(refreshFile);
  context.subscriptions.push(watcher);

  const leaves = (items: readonly vscode.TestItem[]): vscode.TestItem[] =>
    items.flatMap((i) => (data.has(i) ? [i] : leaves(collect(i.children))));

  controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, async (request, token) => {
    if (!ensureTrusted()) return;
    const run = controller.createTestRun(request);
    const chosen = leaves(request.include ? [...request.include] : collect(controller.items));
    const byPackage = new Map<string, vscode.TestItem[]>();
    for (const item of chosen) {
      run.enqueued(item);
      const dir = data.get(item)!.packageDir;
      byPackage.set(dir, [...(byPackage.get(dir) ?? []), item]);
    }
    for (const [packageDir, items] of byPackage) {
      if (token.isCancellationRequested) break;
      for (const item of items) run.started(item);
      // One test: filtered by its name; several: the whole package once (the build is the slow part).
      const only = items.length === 1 ? `${data.get(items[0]!)!.test.module}::${data.get(items[0]!)!.test.name}` : undefined;
      const { stdout, stderr } = await runMoveTest(context.extensionPath, packageDir, only, token);
      const results = parseMoveTestJson(stdout);
      const errors = buildErrors(stdout);
      for (const item of items) {
        const { test } = data.get(item)!;
        const r = results?.get(`${test.module}::${test.name}`);
        if (!r) {
          run.errored(item, new vscode.TestMessage(errors.length ? `The package does not compile:\n${errors.join('\n')}` : stderr.trim() || `${test.name} did not run`));
          continue;
        }
        for (const line of r.output) run.appendOutput(`${line}\r\n`, undefined, item);
        if (r.status === 'pass') run.passed(item);
        else {
          const message = new vscode.TestMessage(r.reason ?? 'failed');
          // The abort shows where it happened (the assert! that failed), else at the test.
          if (r.abortAt) message.location = new vscode.Location(vscode.Uri.file(r.abortAt.file), new vscode.Position(r.abortAt.line, r.abortAt.character));
          else if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
          if (r.status === 'cannot-run') run.errored(item, message);
          else run.failed(item, message);
        }
      }
    }
    run.end();
  }, true);

  controller.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, async (request) => {
    if (!ensureTrusted()) return;
    const item = leaves(request.include ? [...request.include] : [])[0];
    if (!item) {
      void vscode.window.showInformationMessage('Chainstep: pick one Move test to debug.');
      return;
    }
    const { packageDir, test } = data.get(item)!;
    await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(packageDir)), moveTestLaunch(packageDir, test));
  }, true);
}

/** The items of a collection (iterable as [id, item] pairs since VS Code 1.83). */
const collect = (items: vscode.TestItemCollection): vscode.TestItem[] => Array.from(items, ([, item]) => item);

/** Runs `chainstep move test <package> [filter] --json` with the extension's bundle. */
function runMoveTest(extensionPath: string, packageDir: string, filter: string | undefined, token: vscode.CancellationToken): Promise<{ stdout: string; stderr: string }> {
  const configured = vscode.workspace.getConfiguration('chainstep').get<string>('nodePath', '').trim();
  const args = [path.join(extensionPath, 'dist', 'chainstep.mjs'), 'move', 'test', packageDir, ...(filter ? [filter] : []), '--json'];
  return new Promise((resolve) => {
    const child = spawn(configured || process.execPath, args, { cwd: packageDir, env: { ...process.env, ...(configured ? {} : { ELECTRON_RUN_AS_NODE: '1' }) } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    token.onCancellationRequested(() => child.kill());
    child.on('close', () => resolve({ stdout, stderr }));
    child.on('error', (e) => resolve({ stdout, stderr: e.message }));
  });
}
