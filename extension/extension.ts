// Chainstep's VS Code entry point: thin glue that registers the debug adapter, the launch-configuration
// provider and the "Debug" code lenses. All debugging happens in the adapter process (dist/chainstep.mjs).
import * as vscode from 'vscode';
import { ChainstepAdapterFactory } from './adapter-factory.ts';
import { DEBUG_FOUNDRY_TEST_COMMAND, DEBUG_FUNCTION_COMMAND, DebugCodeLensProvider, type LensTarget } from './code-lens.ts';
import { foundryTestLaunch } from './foundry-tests.ts';
import { registerFoundryTests } from './test-explorer.ts';
import { registerMoveTests } from './move-test-explorer.ts';
import { ChainstepConfigurationProvider, ChainstepDynamicConfigurations } from './configuration-provider.ts';
import { configForDocument, documentLanguage } from './function-picker.ts';
import { DEBUG_TYPE } from './launch-config.ts';
import { ensureTrusted } from './trust.ts';
import { startLanguageClient, stopLanguageClient } from './language-client.ts';
import { registerGasView } from './gas-view.ts';
import { DEBUG_TRANSACTION_COMMAND, debugTransaction } from './debug-transaction.ts';
import { registerRecordings } from './recordings.ts';

export function activate(context: vscode.ExtensionContext): void {
  const provider = new ChainstepConfigurationProvider(context.globalStorageUri.fsPath);
  const lenses = new DebugCodeLensProvider();
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new ChainstepAdapterFactory(context.extensionPath)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      new ChainstepDynamicConfigurations(),
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.languages.registerCodeLensProvider([{ language: 'solidity' }, { language: 'move' }], lenses),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('chainstep.codeLens')) lenses.refresh();
    }),
    vscode.commands.registerCommand(DEBUG_FUNCTION_COMMAND, (target?: LensTarget) => debugFunction(target)),
    vscode.commands.registerCommand(DEBUG_TRANSACTION_COMMAND, () => debugTransaction(context)),
    vscode.commands.registerCommand(DEBUG_FOUNDRY_TEST_COMMAND, async (root: string, contract: string, name: string) => {
      if (!ensureTrusted()) return;
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root)), foundryTestLaunch(root, { contract, name }));
    }),
  );
  // Measured gas: per-line inlay hints after a debug session, and a lens with each function's last gas.
  registerGasView(context);
  // Diagnostics, hover, F12 and symbols for .sol/.move come from the language server (language-server/).
  startLanguageClient(context).catch((e: unknown) => {
    void vscode.window.showWarningMessage(`Chainstep: the language server did not start: ${(e as Error).message}`);
  });
  registerFoundryTests(context);
  registerMoveTests(context);
  // Save a session's recording to a file; open such a file as a session.
  registerRecordings(context);
}

export function deactivate(): Promise<void> {
  return stopLanguageClient();
}

/** The code lens / command palette action: debug a function of a file (the lens's, or one picked). */
async function debugFunction(target: LensTarget | undefined): Promise<void> {
  if (!ensureTrusted()) return;
  const document = target
    ? await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri))
    : vscode.window.activeTextEditor?.document;
  if (!document || !documentLanguage(document)) {
    void vscode.window.showErrorMessage('Chainstep: open a .sol or .move file to debug one of its functions.');
    return;
  }
  const config = await configForDocument(document, target);
  if (!config) return;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  await vscode.debug.startDebugging(folder, config);
}
