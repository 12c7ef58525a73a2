// VS Code glue for measured gas: inlay hints at the end of each line the last debug session ran
// (`⛽ 44,200 · 2×`, hover for the breakdown), and a lens on each function with the gas of its last run and
// the change since the run before, persisted in workspace state. The numbers come from the debug adapter's
// `chainstep/lineGas` event; what the hints say is decided in gas-hints.ts.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { flameHtml } from './gas-flame.ts';
import type { LensTarget } from './code-lens.ts';
import { configForDocument, documentLanguage } from './function-picker.ts';
import { scanFunctions } from './function-scan.ts';
import {
  declarationLine, functionKey, hintText, hintTooltip, lensTitle, LineGasStore, measuredFunctions, recordRun, type FunctionGas, type LineGasEvent,
} from './gas-hints.ts';
import { DEBUG_TYPE } from './launch-config.ts';
import { ensureTrusted } from './trust.ts';

export const MEASURE_GAS_COMMAND = 'chainstep.measureGas';
export const GAS_PROFILE_COMMAND = 'chainstep.showGasProfile';
const setting = (name: string): boolean => vscode.workspace.getConfiguration('chainstep').get<boolean>(`gasHints.${name}`, true);

class GasInlayHints implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;
  constructor(readonly store: LineGasStore) {}

  refresh(): void {
    this.changed.fire();
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    if (!setting('inlay')) return [];
    const file = this.store.linesOf(document.uri.fsPath);
    if (!file) return [];
    const hints: vscode.InlayHint[] = [];
    for (const l of file.lines) {
      const line = l.line - 1;
      if (line < range.start.line || line > range.end.line || line >= document.lineCount) continue;
      const hint = new vscode.InlayHint(document.lineAt(line).range.end, hintText(l));
      hint.paddingLeft = true;
      hint.tooltip = new vscode.MarkdownString(hintTooltip(l, file.vm));
      hints.push(hint);
    }
    return hints;
  }
}

class GasCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  constructor(private readonly state: vscode.Memento) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!setting('codeLens')) return [];
    const language = documentLanguage(document);
    if (!language) return [];
    const path = document.uri.fsPath;
    const text = document.getText();
    const lenses: vscode.CodeLens[] = [];
    const shown = new Set<string>();
    // Functions a user can run: the last gas, or a lens that measures it.
    for (const fn of scanFunctions(language, text).filter((f) => language === 'solidity' || f.kind === 'test' || f.kind === 'entry')) {
      shown.add(`${fn.container}.${fn.name}`);
      const gas = this.state.get<FunctionGas>(functionKey(path, fn.container, fn.name));
      const target: LensTarget = { uri: document.uri.toString(), container: fn.container, name: fn.name, line: fn.line };
      const title = lensTitle(gas);
      lenses.push(new vscode.CodeLens(new vscode.Range(fn.line, 0, fn.line, 0), {
        title: title ?? '⛽ Measure gas',
        tooltip: title
          ? `Gas the call used the last time it ran in Chainstep${gas?.previous !== undefined ? ` (the run before: ${gas.previous.toLocaleString('en-US')})` : ''}. Click to measure again.`
          : 'Run this function in Chainstep\'s VM (without debugging) and show the gas it used.',
        command: MEASURE_GAS_COMMAND,
        arguments: [target],
      }));
    }
    // Internal functions a run went through: their inclusive gas over all their calls in that run.
    for (const qualified of this.state.get<string[]>(indexKey(path), [])) {
      if (shown.has(qualified)) continue;
      const [container, name] = qualified.split('.') as [string, string];
      const line = declarationLine(text, name);
      const title = lensTitle(this.state.get<FunctionGas>(functionKey(path, container, name)));
      if (line < 0 || !title) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title,
        tooltip: 'Gas of this function and what it called, over all its calls, in the last Chainstep run that called it.',
        command: '',
      }));
    }
    return lenses;
  }

  /** Remembers the gas of every function the run went through, per file. */
  async remember(event: LineGasEvent, config: vscode.DebugConfiguration): Promise<void> {
    const program = typeof config.program === 'string' ? config.program : undefined;
    for (const fn of measuredFunctions(event, program)) {
      const key = functionKey(fn.path, fn.container, fn.name);
      await this.state.update(key, recordRun(this.state.get<FunctionGas>(key), fn.gas));
      const index = this.state.get<string[]>(indexKey(fn.path), []);
      const qualified = `${fn.container}.${fn.name}`;
      if (!index.includes(qualified)) await this.state.update(indexKey(fn.path), [...index, qualified]);
    }
    this.refresh();
  }
}

const indexKey = (path: string): string => `chainstep.gasIndex:${path}`;

/** Registers the hints, the lens, and the listener for the adapter's gas report. */
export function registerGasView(context: vscode.ExtensionContext): void {
  const store = new LineGasStore();
  const inlay = new GasInlayHints(store);
  const lenses = new GasCodeLenses(context.workspaceState);
  const profile = new GasProfile();
  const selector = [{ language: 'solidity' }, { language: 'move' }];
  context.subscriptions.push(
    vscode.languages.registerInlayHintsProvider(selector, inlay),
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE || e.event !== 'chainstep/lineGas') return;
      const report = e.body as LineGasEvent;
      store.set(report);
      inlay.refresh();
      profile.update(report);
      void lenses.remember(report, e.session.configuration);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && store.clear(e.document.uri.fsPath)) inlay.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('chainstep.gasHints')) {
        inlay.refresh();
        lenses.refresh();
      }
    }),
    vscode.commands.registerCommand(MEASURE_GAS_COMMAND, (target?: LensTarget) => measure(target)),
    vscode.commands.registerCommand(GAS_PROFILE_COMMAND, () => profile.show()),
    { dispose: () => profile.dispose() },
  );
}

/** The gas profile: a flame graph of the last run's call tree, updated by each new run while open. */
class GasProfile {
  private panel?: vscode.WebviewPanel;
  private last?: LineGasEvent;

  update(event: LineGasEvent): void {
    this.last = event;
    if (this.panel) this.render(this.panel);
  }

  show(): void {
    if (!this.last?.calls) {
      void vscode.window.showInformationMessage('Chainstep: no gas profile yet. Debug or run a function first (the "⛽ Measure gas" lens).');
      return;
    }
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel('chainstep.gasProfile', 'Gas profile', vscode.ViewColumn.Beside, { enableScripts: true });
    this.panel = panel;
    panel.onDidDispose(() => (this.panel = undefined));
    panel.webview.onDidReceiveMessage(async (m: { path?: unknown; line?: unknown }) => {
      if (typeof m.path !== 'string' || typeof m.line !== 'number') return;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(m.path));
      const at = new vscode.Position(Math.max(0, m.line - 1), 0);
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(at, at), viewColumn: vscode.ViewColumn.One });
    });
    this.render(panel);
  }

  private render(panel: vscode.WebviewPanel): void {
    if (!this.last?.calls) return;
    const nonce = randomBytes(16).toString('hex');
    panel.webview.html = flameHtml(this.last.calls, this.last.vm, panel.webview.cspSource, nonce);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** Runs the lens's function without debugging: the adapter still reports the gas, which updates the lens. */
async function measure(target: LensTarget | undefined): Promise<void> {
  if (!target || !ensureTrusted()) return;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
  const config = await configForDocument(document, target);
  if (!config) return;
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(document.uri), config, { noDebug: true });
}
