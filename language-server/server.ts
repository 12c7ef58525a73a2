// The Chainstep language server: LSP over a connection (stdio when run as `chainstep lsp --stdio` or
// started by the VS Code extension). It answers `initialize` at once and loads the parser and the compiler in
// the background, so the editor is never kept waiting for them.
import {
  CodeLensRefreshRequest, TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MoveFrontEnd } from '../language/move/front-end.ts';
import { DiagnosticStore } from './diagnostic-store.ts';
import { MoveService } from './move/service.ts';
import { SolidityService } from './solidity/service.ts';

export interface ServerOptions {
  /** The Move front end giving .move diagnostics; without one, .move files get outlines only. */
  readonly moveFrontEnd?: MoveFrontEnd;
}

interface Settings {
  languageServer?: { compileDelay?: number };
  gasHints?: { staticEstimates?: boolean };
}

const isSolidity = (d: TextDocument): boolean => d.languageId === 'solidity' || d.uri.endsWith('.sol');
const isMove = (d: TextDocument): boolean => d.languageId === 'move' || d.uri.endsWith('.move');

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const store = new DiagnosticStore(connection);
  const log = (message: string) => connection.console.log(message);
  const solidity = new SolidityService(store, documents, log);
  const move = new MoveService(store, documents, options.moveFrontEnd, log);
  // A bug in one handler must not take the server down; the request fails and the next one is answered.
  const guard = <A extends unknown[], R>(what: string, fallback: R, f: (...args: A) => R) => (...args: A): R => {
    try {
      return f(...args);
    } catch (e) {
      log(`${what} failed: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };
  const applySettings = (settings: unknown): void => {
    const chainstep = (settings as { chainstep?: Settings } | undefined)?.chainstep;
    const delay = chainstep?.languageServer?.compileDelay;
    if (typeof delay === 'number' && delay >= 0) {
      solidity.settings = { ...solidity.settings, compileDelay: delay };
      move.compileDelay = delay;
    }
    const estimates = chainstep?.gasHints?.staticEstimates;
    if (typeof estimates === 'boolean' && estimates !== solidity.settings.staticGasEstimates) {
      solidity.settings = { ...solidity.settings, staticGasEstimates: estimates };
      // Estimates need a check that generates code: the open files are checked again with (or without) them.
      solidity.recheckAll();
      refreshLenses();
    }
  };
  let lensRefresh = false; // the client can be asked to refresh lenses, and has been initialized
  const refreshLenses = (): void => { if (lensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined); };
  solidity.onEstimates = refreshLenses;

  let canRefreshLenses = false;
  connection.onInitialize((params): InitializeResult => {
    canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    applySettings({ chainstep: (params.initializationOptions as Settings | undefined) ? params.initializationOptions : undefined });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        completionProvider: { triggerCharacters: ['.'] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'chainstep-language-server', version: '0.1.0' },
    };
  });
  // Start the parser and compiler threads once the client has the answer to `initialize` (it says so with
  // `initialized`): starting a worker costs ~15 ms of the main thread, which must not delay that answer.
  // Without that notification they start with the first check.
  connection.onInitialized(() => {
    lensRefresh = canRefreshLenses;
    solidity.syntax.warmUp();
    solidity.compiler.warmUp();
  });
  connection.onDidChangeConfiguration((change) => applySettings(change.settings));

  // TextDocuments fires a content change right after each open; the open handler already did that work.
  const justOpened = new Set<string>();
  documents.onDidOpen(guard('open', undefined, (e) => {
    justOpened.add(e.document.uri);
    if (isSolidity(e.document)) solidity.opened(e.document);
    else if (isMove(e.document)) move.changed(e.document, 0);
  }));
  documents.onDidChangeContent(guard('change', undefined, (e) => {
    if (justOpened.delete(e.document.uri)) return;
    if (isSolidity(e.document)) solidity.changed(e.document);
    else if (isMove(e.document)) move.changed(e.document);
  }));
  documents.onDidSave(guard('save', undefined, (e) => {
    if (isSolidity(e.document)) solidity.saved(e.document);
    else if (isMove(e.document)) move.changed(e.document, 0);
  }));
  documents.onDidClose(guard('close', undefined, (e) => {
    justOpened.delete(e.document.uri);
    if (isSolidity(e.document)) solidity.closed(e.document.uri);
    else if (isMove(e.document)) move.closed(e.document.uri);
  }));

  const doc = (uri: string) => documents.get(uri);
  connection.onHover(guard('hover', null, (p) => {
    const d = doc(p.textDocument.uri);
    return d && isSolidity(d) ? solidity.hover(d, p.position) : d && isMove(d) ? move.hover(d, p.position) : null;
  }));
  connection.onDefinition(guard('definition', [], (p) => {
    const d = doc(p.textDocument.uri);
    return d && isSolidity(d) ? solidity.definition(d, p.position) : d && isMove(d) ? move.definition(d, p.position) : [];
  }));
  connection.onReferences(guard('references', [], (p) => {
    const d = doc(p.textDocument.uri);
    return d && isSolidity(d) ? solidity.references(d, p.position, p.context.includeDeclaration) : [];
  }));
  connection.onDocumentSymbol(guard('documentSymbol', [], (p) => {
    const d = doc(p.textDocument.uri);
    if (!d) return [];
    return isSolidity(d) ? solidity.documentSymbols(d) : isMove(d) ? move.documentSymbols(d) : [];
  }));
  connection.onWorkspaceSymbol(guard('workspaceSymbol', [], (p) => solidity.workspaceSymbols(p.query)));
  connection.onCompletion(guard('completion', [], (p) => {
    const d = doc(p.textDocument.uri);
    return d && isSolidity(d) ? solidity.completion(d, p.position) : [];
  }));
  connection.onCodeLens(guard('codeLens', [], (p) => {
    const d = doc(p.textDocument.uri);
    return d && isSolidity(d) ? solidity.codeLenses(d) : [];
  }));
  connection.onShutdown(() => solidity.dispose());

  documents.listen(connection);
  connection.listen();
}
