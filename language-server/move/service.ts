// The Move side of the server: outlines now, and diagnostics from a Move front end when one is registered
// (see language/move/front-end.ts). Checks run after the same delay as Solidity's and a newer edit wins.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DocumentSymbol, SymbolKind, type Diagnostic, type Hover, type Location, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { MoveFrontEnd } from '../../language/move/front-end.ts';
import { moveOutline, type MoveSymbol } from '../../language/move/outline.ts';
import type { DiagnosticStore } from '../diagnostic-store.ts';

const KIND: Record<MoveSymbol['kind'], SymbolKind> = {
  module: SymbolKind.Module, struct: SymbolKind.Struct, enum: SymbolKind.Enum, function: SymbolKind.Function, constant: SymbolKind.Constant,
};
const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export class MoveService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generation = new Map<string, number>();
  compileDelay = 150;

  constructor(
    private readonly store: DiagnosticStore,
    private readonly documents: { get(uri: string): TextDocument | undefined; all(): TextDocument[] },
    private frontEnd: MoveFrontEnd | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Plugs in (or replaces) the front end; open Move files are checked with it right away. */
  setFrontEnd(frontEnd: MoveFrontEnd | undefined): void {
    this.frontEnd = frontEnd;
    for (const d of this.documents.all()) if (d.languageId === 'move') this.schedule(d, 0);
  }

  /** From the front end's last check of this text (nothing while a newer edit waits for its check). */
  hover(document: TextDocument, position: Position): Hover | null {
    if (!document.uri.startsWith('file:')) return null;
    const value = this.frontEnd?.hover?.(fileURLToPath(document.uri), document.offsetAt(position), document.getText());
    return value ? { contents: { kind: 'markdown', value } } : null;
  }

  definition(document: TextDocument, position: Position): Location[] {
    if (!document.uri.startsWith('file:')) return [];
    const found = this.frontEnd?.definition?.(fileURLToPath(document.uri), document.offsetAt(position), document.getText());
    return found ? [{ uri: pathToFileURL(found.path).href, range: { start: found.start, end: found.end } }] : [];
  }

  documentSymbols(document: TextDocument): DocumentSymbol[] {
    const convert = (s: MoveSymbol): DocumentSymbol => DocumentSymbol.create(s.name, s.detail, KIND[s.kind],
      { start: document.positionAt(s.start), end: document.positionAt(s.end) },
      { start: document.positionAt(s.nameStart), end: document.positionAt(s.nameEnd) }, s.children.map(convert));
    return moveOutline(document.getText()).map(convert);
  }

  changed(document: TextDocument, delay = this.compileDelay): void {
    this.schedule(document, delay);
  }

  closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.generation.set(uri, (this.generation.get(uri) ?? 0) + 1);
    this.store.clearOwner(`move:${uri}`);
    this.store.clearUri(uri);
  }

  private schedule(document: TextDocument, delay: number): void {
    const frontEnd = this.frontEnd;
    if (!frontEnd || !document.uri.startsWith('file:')) return;
    clearTimeout(this.timers.get(document.uri));
    const generation = (this.generation.get(document.uri) ?? 0) + 1;
    this.generation.set(document.uri, generation);
    this.timers.set(document.uri, setTimeout(() => void this.check(frontEnd, document.uri, generation), delay));
  }

  private async check(frontEnd: MoveFrontEnd, uri: string, generation: number): Promise<void> {
    const open = new Map<string, string>();
    for (const d of this.documents.all()) if (d.uri.startsWith('file:') && d.languageId === 'move') open.set(fileURLToPath(d.uri), d.getText());
    let diagnostics: readonly import('../../language/move/front-end.ts').MoveDiagnostic[];
    try {
      diagnostics = await frontEnd.check(fileURLToPath(uri), open);
    } catch (e) {
      this.log(`${frontEnd.name} failed on ${uri}: ${(e as Error).message}`);
      return;
    }
    if (this.generation.get(uri) !== generation) return; // a newer edit is being checked
    const byUri = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      const target = [...this.documents.all()].find((x) => x.uri.startsWith('file:') && fileURLToPath(x.uri) === d.path);
      const targetUri = target?.uri ?? pathToFileURL(d.path).href;
      const range = target
        ? { start: target.positionAt(d.start), end: target.positionAt(d.end) }
        : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      let list = byUri.get(targetUri);
      if (!list) byUri.set(targetUri, (list = []));
      list.push({ range, severity: SEVERITY[d.severity], source: frontEnd.name, message: d.message, ...(d.code ? { code: d.code } : {}) });
    }
    const owner = `move:${uri}`;
    for (const stale of this.store.urisOf(owner)) if (!byUri.has(stale)) this.store.set(stale, owner, []);
    if (!byUri.has(uri)) this.store.set(uri, owner, []);
    for (const [target, list] of byUri) this.store.set(target, owner, list);
  }
}
