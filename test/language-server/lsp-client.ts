// A real LSP client for tests and the benchmark: starts `chainstep lsp --stdio` (from sources, as
// bin/chainstep.js does in a checkout) and talks JSON-RPC to it with the protocol library (vscode-jsonrpc) that VS Code's client uses.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  CodeLensRequest, CompletionRequest, DefinitionRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification, DidSaveTextDocumentNotification, DocumentSymbolRequest, ExitNotification, HoverRequest,
  InitializedNotification, InitializeRequest, LogMessageNotification, PublishDiagnosticsNotification, ReferencesRequest, ShutdownRequest, WorkspaceSymbolRequest,
  type CodeLens, type CompletionItem, type CompletionList, type Diagnostic, type DocumentSymbol, type Hover, type Location, type Position,
  type ProtocolConnection, type SymbolInformation,
} from 'vscode-languageserver/node';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface DiagnosticsEvent {
  readonly uri: string;
  readonly diagnostics: Diagnostic[];
  readonly at: number;
}

export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: { uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  private readonly versions = new Map<string, number>();
  readonly events: DiagnosticsEvent[] = [];
  /** The server's window/logMessage texts (its own reports of what failed). */
  readonly logs: string[] = [];
  stderr = '';

  private constructor(readonly process: ChildProcess | undefined, readonly connection: ProtocolConnection) {
    connection.onNotification(LogMessageNotification.type, (p) => { this.logs.push(p.message); });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.events.push({ uri: p.uri, diagnostics: p.diagnostics, at: performance.now() });
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
  }

  /** Spawns the server; `command` defaults to the CLI from sources. */
  static async start(options: { command?: string[]; rootPath?: string; initializationOptions?: unknown } = {}): Promise<LspClient> {
    const command = options.command ?? [process.execPath, '--import', 'tsx', path.join(repoRoot, 'language-server/bin.ts'), '--stdio'];
    const child = spawn(command[0]!, command.slice(1), { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    child.stderr!.on('data', (d: Buffer) => (client.stderr += d.toString()));
    connection.listen();
    await client.initialize(options.rootPath ?? repoRoot, options.initializationOptions);
    return client;
  }

  /** A client over given streams (a server started in this process). */
  static async over(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, rootPath = repoRoot): Promise<LspClient> {
    const client = new LspClient(undefined, createProtocolConnection(new StreamMessageReader(input), new StreamMessageWriter(output)));
    client.connection.listen();
    await client.initialize(rootPath);
    return client;
  }

  async initialize(rootPath: string, initializationOptions?: unknown): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(rootPath).href,
      capabilities: { textDocument: { hover: { contentFormat: ['markdown'] }, documentSymbol: { hierarchicalDocumentSymbolSupport: true } } },
      workspaceFolders: null,
      ...(initializationOptions ? { initializationOptions } : {}),
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** Opens a file (its disk content unless text is given); returns its URI. */
  open(file: string, text?: string, languageId?: string): string {
    const uri = pathToFileURL(file).href;
    this.versions.set(uri, 1);
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: languageId ?? (file.endsWith('.move') ? 'move' : 'solidity'), version: 1, text: text ?? readFileSync(file, 'utf8') },
    });
    return uri;
  }

  /** Replaces the whole text. */
  change(uri: string, text: string): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  save(uri: string): void {
    void this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  close(uri: string): void {
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Resolves with the first diagnostics published for `uri` (from now on, or already there) that pass `test`. */
  waitForDiagnostics(uri: string, test: (d: Diagnostic[]) => boolean, timeoutMs = 60_000, includeCurrent = true): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (includeCurrent && current && test(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} in ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri))}\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri, test, resolve: (d) => { clearTimeout(timer); resolve(d); } });
    });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async definition(uri: string, position: Position): Promise<Location[]> {
    const r = await this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
    return (Array.isArray(r) ? r : r ? [r] : []) as Location[];
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  /** Settings changed in the editor (`workspace/didChangeConfiguration` with the `chainstep` section). */
  configure(chainstep: unknown): void {
    void this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { chainstep } });
  }

  async references(uri: string, position: Position, includeDeclaration = true): Promise<Location[]> {
    return (await this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration } })) ?? [];
  }

  async documentSymbols(uri: string): Promise<DocumentSymbol[]> {
    return ((await this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ?? []) as DocumentSymbol[];
  }

  async workspaceSymbols(query: string): Promise<SymbolInformation[]> {
    return ((await this.connection.sendRequest(WorkspaceSymbolRequest.type, { query })) ?? []) as SymbolInformation[];
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = (await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionItem[] | CompletionList | null;
    return Array.isArray(r) ? r : r?.items ?? [];
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.process && this.process.exitCode === null) {
      const child = this.process;
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill();
    }
  }
}

/** The position (0-based line, UTF-16 column) of the n-th occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not found`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Polls `probe` until it returns something truthy (e.g. a hover once the first check is in). */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 60_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
