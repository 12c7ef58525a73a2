// Starts the Chainstep language server (dist/language-server.mjs) as a child process and connects VS Code to
// it for .sol and .move files. Like the debug adapter, it runs outside the extension host: solc and the parser
// are CPU-heavy, and a crash must not take the editor's extensions down.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function settings(): { languageServer: { compileDelay: number }; gasHints: { staticEstimates: boolean } } {
  const config = vscode.workspace.getConfiguration('chainstep');
  return {
    languageServer: { compileDelay: config.get<number>('languageServer.compileDelay', 150) },
    gasHints: { staticEstimates: config.get<boolean>('gasHints.staticEstimates', false) },
  };
}

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.workspace.getConfiguration('chainstep').get<boolean>('languageServer.enabled', true)) return;
  const module = path.join(context.extensionPath, 'dist', 'language-server.mjs');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'solidity' }, { scheme: 'file', language: 'move' }],
    initializationOptions: settings(),
    synchronize: { configurationSection: 'chainstep' },
  };
  client = new LanguageClient('chainstep', 'Chainstep Language Server', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => void client?.stop() });
  await client.start();
}

export async function stopLanguageClient(): Promise<void> {
  const running = client;
  client = undefined;
  await running?.stop();
}
