// Entry of the language server process: `node dist/language-server.mjs --stdio` (what the VS Code extension
// starts) and `chainstep lsp --stdio`. LSP owns stdout, so console output goes to stderr.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.ts';
import { chainstepMoveFrontEnd } from './move/front-end.ts';

export function runLanguageServer(): void {
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  process.on('uncaughtException', (e) => process.stderr.write(`chainstep lsp: uncaught ${e.stack ?? e}\n`));
  process.on('unhandledRejection', (e) => process.stderr.write(`chainstep lsp: unhandled ${(e as Error)?.stack ?? e}\n`));
  // createConnection reads the transport from argv (--stdio, --node-ipc, --socket=N).
  startServer(createConnection(ProposedFeatures.all), { moveFrontEnd: chainstepMoveFrontEnd() });
}
