// The Solidity side of the server: syntax diagnostics on every edit (on the request thread, they take
// milliseconds), compiler diagnostics from the worker (debounced), and the navigation features answered
// from each document's last good analysis.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity, DocumentSymbol, SymbolKind,
  type CodeLens, type CompletionItem, type Diagnostic, type Hover, type Location, type Position, type Range, type SymbolInformation,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CheckResult, CompilerDiagnostic } from '../../language/solidity/check.ts';
import { scanImports } from '../../language/solidity/imports.ts';
import { discoverProject, importedUnitName, unitNameOf, type SolidityProject } from '../../language/solidity/workspace.ts';
import type { DiagnosticStore } from '../diagnostic-store.ts';
import { TextDrift } from '../text-drift.ts';
import { parseSrc, SolidityAnalysis, type AstNode, type Occurrence } from './analysis.ts';
import { SolidityCompiler } from './compiler.ts';
import { chainBeforeDot, membersOfChain, namesInScope } from './completion.ts';
import { hoverMarkdown, signatureOf } from './describe.ts';
import { estimateTitle, functionEstimates } from './static-gas.ts';
import { SyntaxChecker } from './syntax-checker.ts';
import { hasFoundryConfig, readFoundryConfig } from '../../language/solidity/foundry-config.ts';
import type { SyntaxError } from './syntax.ts';

/** Files larger than this get compiler diagnostics only: parsing them on every keystroke would stall answers. */
export const MAX_SYNTAX_CHECK_CHARS = 1_000_000;

export interface SoliditySettings {
  /** Milliseconds after the last edit before the compiler runs. */
  compileDelay: number;
  /** Show solc's static gas estimate on each function (`chainstep.gas.staticEstimates`, off by default). */
  staticGasEstimates: boolean;
}

interface DocumentState {
  project: SolidityProject;
  path: string;
  unit: string;
  timer?: NodeJS.Timeout;
  analysis?: SolidityAnalysis;
  /** Files the last check read (also a failed one): saving one of them checks this document again. */
  reads: Set<string>;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export class SolidityService {
  private readonly states = new Map<string, DocumentState>();
  private readonly syntaxErrorCount = new Map<string, number>();
  readonly compiler: SolidityCompiler;
  readonly syntax: SyntaxChecker;
  settings: SoliditySettings = { compileDelay: 150, staticGasEstimates: false };
  /** Called after a check brings new gas estimates, so the editor asks for the lenses again. */
  onEstimates: () => void = () => {};

  constructor(
    private readonly store: DiagnosticStore,
    private readonly documents: { get(uri: string): TextDocument | undefined; all(): TextDocument[] },
    private readonly log: (message: string) => void,
  ) {
    this.syntax = new SyntaxChecker((uri, version, errors) => this.onSyntax(uri, version, errors), log);
    this.compiler = new SolidityCompiler({
      result: (uri, result) => this.onChecked(uri, result),
      failure: (uri, message) => {
        this.log(`solc check of ${uri} failed: ${message}`);
        this.store.set(uri, 'compiler', [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Warning, source: 'solc', message: `The compiler could not check this file: ${message.split('\n')[0]}` }]);
      },
    });
  }

  private state(document: TextDocument): DocumentState | undefined {
    let state = this.states.get(document.uri);
    if (!state) {
      if (!document.uri.startsWith('file:')) return undefined;
      const path = fileURLToPath(document.uri);
      const project = discoverProject(path);
      state = { project, path, unit: unitNameOf(project, path), reads: new Set() };
      this.states.set(document.uri, state);
    }
    return state;
  }

  opened(document: TextDocument): void {
    this.syntaxCheck(document);
    this.scheduleCheck(document, 0);
  }

  changed(document: TextDocument): void {
    this.syntaxCheck(document);
    this.scheduleCheck(document, this.settings.compileDelay);
  }

  saved(document: TextDocument): void {
    this.scheduleCheck(document, 0);
    // Open files that import the saved one see its new content.
    const path = fileURLToPath(document.uri);
    for (const [uri, state] of this.states) {
      if (uri === document.uri || !state.reads.has(path)) continue;
      const other = this.documents.get(uri);
      if (other) this.scheduleCheck(other, 0);
    }
  }

  closed(uri: string): void {
    const state = this.states.get(uri);
    if (state?.timer) clearTimeout(state.timer);
    this.states.delete(uri);
    this.syntaxErrorCount.delete(uri);
    this.compiler.forget(uri);
    this.syntax.forget(uri);
    this.store.clearOwner(`import:${uri}`);
    this.store.clearUri(uri);
  }

  /** Syntax diagnostics as soon as the parser worker has them (it parses the newest text first). */
  syntaxCheck(document: TextDocument): void {
    const text = document.getText();
    if (text.length > MAX_SYNTAX_CHECK_CHARS) {
      this.store.set(document.uri, 'syntax', []);
      return;
    }
    this.syntax.check(document.uri, document.version, text);
  }

  private onSyntax(uri: string, version: number, errors: SyntaxError[]): void {
    const document = this.documents.get(uri);
    // Only for the text it was parsed from; a newer version is already queued.
    if (!document || document.version !== version) return;
    const diagnostics: Diagnostic[] = errors.map((e) => ({
      range: { start: document.positionAt(e.start), end: document.positionAt(e.end) },
      severity: DiagnosticSeverity.Error,
      source: 'solidity',
      message: e.message,
    }));
    this.syntaxErrorCount.set(uri, diagnostics.length);
    this.store.set(uri, 'syntax', diagnostics);
  }

  private scheduleCheck(document: TextDocument, delay: number): void {
    const state = this.state(document);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      const overlay: [string, string][] = [];
      for (const d of this.documents.all()) if (d.uri.startsWith('file:') && d.languageId === 'solidity') overlay.push([fileURLToPath(d.uri), d.getText()]);
      const gasEstimates = this.settings.staticGasEstimates ? { optimizerRuns: optimizerRunsOf(state.project.root) } : undefined;
      this.compiler.check(document.uri, { project: state.project, target: state.unit, targetPath: state.path, overlay, ...(gasEstimates ? { gasEstimates } : {}) });
    }, delay);
  }

  private onChecked(uri: string, result: CheckResult): void {
    const document = this.documents.get(uri);
    const state = this.states.get(uri);
    if (!document || !state) return;
    const analysis = new SolidityAnalysis(result);
    state.reads = new Set(result.sources.map((x) => x.path));
    const target = analysis.target;
    if (target?.source.ast) state.analysis = analysis;
    if (result.gasEstimates) this.onEstimates();
    const drift = new TextDrift(target?.source.content ?? '', document.getText());
    const own: Diagnostic[] = [];
    const elsewhere = new Map<string, CompilerDiagnostic[]>();
    for (const d of result.diagnostics) {
      if (d.unit === undefined || d.unit === result.target) {
        const range = d.unit === undefined ? undefined : this.targetRange(analysis, drift, document, d.start, d.end);
        // A parser error the tolerant parser already reports would be a duplicate squiggle.
        if (d.type === 'ParserError' && (this.syntaxErrorCount.get(uri) ?? 0) > 0) continue;
        own.push(this.toDiagnostic(d, range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }));
      } else if (d.severity === 'error') {
        let list = elsewhere.get(d.unit);
        if (!list) elsewhere.set(d.unit, (list = []));
        list.push(d);
      }
    }
    own.push(...this.importDiagnostics(analysis, state, document, drift, elsewhere));
    this.store.set(uri, 'compiler', own);
    // Index for navigation after the diagnostics are out, in slices so that syntax diagnostics and requests
    // arriving meanwhile are not held up (a request needing the index sooner completes it).
    const slice = () => { if (!analysis.indexSome(5)) setImmediate(slice); };
    setImmediate(slice);
    // Errors of imported files that are not open show on those files too (open ones have their own check).
    const owner = `import:${uri}`;
    const published = new Set<string>();
    for (const [unit, list] of elsewhere) {
      const source = analysis.sources.get(unit);
      if (!source || !source.source.path.startsWith('/')) continue;
      const otherUri = pathToFileURL(source.source.path).href;
      if (this.documents.get(otherUri)) continue;
      published.add(otherUri);
      this.store.set(otherUri, owner, list.map((d) => {
        const s = source.text.positionAt(d.start);
        const e = source.text.positionAt(d.end);
        return this.toDiagnostic(d, { start: s, end: e });
      }));
    }
    for (const stale of this.store.urisOf(owner)) if (!published.has(stale)) this.store.set(stale, owner, []);
  }

  private toDiagnostic(d: CompilerDiagnostic, range: Range): Diagnostic {
    return { range, severity: SEVERITY[d.severity], source: 'solc', ...(d.code ? { code: d.code } : {}), message: `${d.type}: ${d.message}` };
  }

  /** A byte range of the analysed target as a range in the current document (undefined inside an edit). */
  private targetRange(analysis: SolidityAnalysis, drift: TextDrift, document: TextDocument, start: number, end: number): Range | undefined {
    const text = analysis.target?.text;
    if (!text) return undefined;
    const s = drift.toNow(text.offsetAt(start));
    const e = drift.toNow(text.offsetAt(end));
    if (s === undefined || e === undefined) return undefined;
    return { start: document.positionAt(s), end: document.positionAt(e) };
  }

  /** "This import brings in a file with errors", on each import directive leading to such a file. */
  private importDiagnostics(analysis: SolidityAnalysis, state: DocumentState, document: TextDocument, drift: TextDrift,
    broken: Map<string, CompilerDiagnostic[]>): Diagnostic[] {
    if (broken.size === 0) return [];
    const edges = new Map<string, string[]>();
    const importsOf = (unit: string): string[] => {
      let list = edges.get(unit);
      if (!list) {
        const content = analysis.sources.get(unit)?.source.content ?? '';
        edges.set(unit, (list = scanImports(content).map((i) => importedUnitName(state.project, unit, i.path))));
      }
      return list;
    };
    const reachable = (from: string): Set<string> => {
      const seen = new Set<string>([from]);
      const queue = [from];
      while (queue.length) for (const next of importsOf(queue.pop()!)) if (!seen.has(next)) { seen.add(next); queue.push(next); }
      return seen;
    };
    const targetText = analysis.target?.source.content ?? '';
    const result: Diagnostic[] = [];
    for (const directive of scanImports(targetText)) {
      const unit = importedUnitName(state.project, state.unit, directive.path);
      const closure = reachable(unit);
      const errors = [...broken].filter(([u]) => closure.has(u)).flatMap(([u, list]) => list.map((d) => ({ u, d })));
      if (errors.length === 0) continue;
      const s = drift.toNow(directive.start);
      const e = drift.toNow(directive.end);
      if (s === undefined || e === undefined) continue;
      const first = errors[0]!;
      const firstSource = analysis.sources.get(first.u);
      const at = firstSource ? firstSource.text.positionAt(first.d.start) : { line: 0, character: 0 };
      result.push({
        range: { start: document.positionAt(s), end: document.positionAt(e) },
        severity: DiagnosticSeverity.Error,
        source: 'solc',
        message: `Imported ${first.u} has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${first.d.type}: ${first.d.message} (${first.u}:${at.line + 1}:${at.character + 1})`,
        relatedInformation: errors.slice(0, 20).flatMap(({ u, d }) => {
          const source = analysis.sources.get(u);
          if (!source || !source.source.path.startsWith('/')) return [];
          return [{ location: { uri: this.uriOf(source.source.path), range: { start: source.text.positionAt(d.start), end: source.text.positionAt(d.end) } }, message: `${d.type}: ${d.message}` }];
        }),
      });
    }
    return result;
  }

  private uriOf(path: string): string {
    for (const d of this.documents.all()) if (d.uri.startsWith('file:') && fileURLToPath(d.uri) === path) return d.uri;
    return pathToFileURL(path).href;
  }

  /** The document's analysis and the byte offset in its analysed text of an editor position. */
  private locate(document: TextDocument, position: Position): { analysis: SolidityAnalysis; unit: string; offset: number; drift: TextDrift } | undefined {
    const analysis = this.states.get(document.uri)?.analysis;
    const target = analysis?.target;
    if (!analysis || !target) return undefined;
    const drift = new TextDrift(target.source.content, document.getText());
    const before = drift.toBefore(document.offsetAt(position));
    if (before === undefined) return undefined;
    return { analysis, unit: analysis.result.target, offset: target.text.byteOffsetOf(before), drift };
  }

  private locationOf(analysis: SolidityAnalysis, document: TextDocument, drift: TextDrift, o: { unit: string; start: number; end: number }): Location | undefined {
    const source = analysis.sources.get(o.unit);
    if (!source) return undefined;
    if (o.unit === analysis.result.target) {
      const s = drift.toNow(source.text.offsetAt(o.start));
      const e = drift.toNow(source.text.offsetAt(o.end));
      if (s === undefined || e === undefined) return undefined;
      return { uri: document.uri, range: { start: document.positionAt(s), end: document.positionAt(e) } };
    }
    if (!source.source.path.startsWith('/')) return undefined;
    return { uri: this.uriOf(source.source.path), range: { start: source.text.positionAt(o.start), end: source.text.positionAt(o.end) } };
  }

  hover(document: TextDocument, position: Position): Hover | null {
    const at = this.locate(document, position);
    if (!at) return null;
    const occurrence = at.analysis.occurrenceAt(at.unit, at.offset);
    if (!occurrence) return null;
    const declaration = at.analysis.nodes.get(occurrence.declaration)?.node;
    if (!declaration) return null;
    const range = this.locationOf(at.analysis, document, at.drift, occurrence)?.range;
    return {
      contents: { kind: 'markdown', value: hoverMarkdown(declaration, at.analysis.storage.get(declaration.id), occurrence.isDeclaration ? undefined : occurrence.node) },
      ...(range ? { range } : {}),
    };
  }

  definition(document: TextDocument, position: Position): Location[] {
    const at = this.locate(document, position);
    if (!at) return [];
    const occurrence = at.analysis.occurrenceAt(at.unit, at.offset);
    if (occurrence) {
      const declaration = at.analysis.declarations.get(occurrence.declaration);
      const location = declaration && this.locationOf(at.analysis, document, at.drift, declaration);
      return location ? [location] : [];
    }
    // On an import path: the imported file.
    const directive = at.analysis.nodesAt(at.unit, at.offset).find((n) => n.nodeType === 'ImportDirective');
    const imported = directive && at.analysis.sources.get(String(directive['absolutePath']));
    if (imported?.source.path.startsWith('/')) return [{ uri: this.uriOf(imported.source.path), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
    return [];
  }

  references(document: TextDocument, position: Position, includeDeclaration: boolean): Location[] {
    const at = this.locate(document, position);
    if (!at) return [];
    const occurrence = at.analysis.occurrenceAt(at.unit, at.offset);
    if (!occurrence) return [];
    const all: Occurrence[] = [...(at.analysis.referencesTo.get(occurrence.declaration) ?? [])];
    const declaration = at.analysis.declarations.get(occurrence.declaration);
    if (includeDeclaration && declaration) all.unshift(declaration);
    return all.map((o) => this.locationOf(at.analysis, document, at.drift, o)).filter((l): l is Location => l !== undefined);
  }

  documentSymbols(document: TextDocument): DocumentSymbol[] {
    const analysis = this.states.get(document.uri)?.analysis;
    const target = analysis?.target;
    if (!analysis || !target?.source.ast) return [];
    const drift = new TextDrift(target.source.content, document.getText());
    const toSymbol = (node: AstNode): DocumentSymbol | undefined => {
      const kind = symbolKind(node);
      const whole = parseSrc(node.src);
      const name = parseSrc(node.nameLocation);
      if (kind === undefined || !whole || !node.name) return undefined;
      const range = this.locationOf(analysis, document, drift, { unit: target.source.unit, start: whole[0], end: whole[1] })?.range;
      const selection = name ? this.locationOf(analysis, document, drift, { unit: target.source.unit, start: name[0], end: name[1] })?.range : range;
      if (!range || !selection) return undefined;
      const children = [...(node.nodes ?? []), ...((node['members'] as AstNode[] | undefined) ?? [])].map(toSymbol).filter((s): s is DocumentSymbol => !!s);
      return DocumentSymbol.create(node.name, signatureOf(node), kind, range, selection, children);
    };
    return ((target.source.ast as AstNode).nodes ?? []).map(toSymbol).filter((s): s is DocumentSymbol => !!s);
  }

  workspaceSymbols(query: string): SymbolInformation[] {
    const q = query.toLowerCase();
    // Open files share their imports (OpenZeppelin's ERC20 in every token file): each file on disk is searched
    // once, in the first analysis that has it, and URIs are looked up once.
    const searched = new Set<string>();
    const uris = new Map<string, string>();
    for (const d of this.documents.all()) if (d.uri.startsWith('file:')) uris.set(fileURLToPath(d.uri), d.uri);
    const result: SymbolInformation[] = [];
    for (const state of this.states.values()) {
      const analysis = state.analysis;
      if (!analysis) continue;
      analysis.index(); // normally done already, in slices after the check
      for (const source of analysis.sources.values()) {
        const path = source.source.path;
        if (!path.startsWith('/') || searched.has(path)) continue;
        searched.add(path);
        for (const d of source.occurrences) {
          if (!d.isDeclaration) continue;
          const node = d.node;
          const kind = symbolKind(node);
          if (kind === undefined || !node.name || !fuzzy(node.name.toLowerCase(), q)) continue;
          const container = analysis.nodes.get(analysis.nodes.get(d.declaration)?.parent ?? -1)?.node;
          result.push({ name: node.name, kind, location: { uri: uris.get(path) ?? pathToFileURL(path).href, range: { start: source.text.positionAt(d.start), end: source.text.positionAt(d.end) } },
            ...(container?.nodeType === 'ContractDefinition' && container.name ? { containerName: container.name } : {}) });
          if (result.length >= 500) return result;
        }
      }
    }
    return result;
  }

  completion(document: TextDocument, position: Position): CompletionItem[] {
    const analysis = this.states.get(document.uri)?.analysis;
    const target = analysis?.target;
    if (!analysis || !target) return [];
    const text = document.getText();
    const offset = document.offsetAt(position);
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const before = text.slice(lineStart, offset);
    // Where to look things up in the analysed text: the start of the word being typed, or the nearest point
    // before the edit that still maps (typing inside a new function body still finds the contract).
    const drift = new TextDrift(target.source.content, text);
    let mapped: number | undefined;
    for (let o = offset; o >= 0 && mapped === undefined; o = o > lineStart ? lineStart : o - 200) mapped = drift.toBefore(Math.max(0, o));
    const byte = target.text.byteOffsetOf(mapped ?? 0);
    const chain = chainBeforeDot(before);
    if (chain) return membersOfChain(analysis, analysis.result.target, byte, chain);
    if (/\.\s*[\w$]*$/.test(before)) return []; // after a dot that follows no name we can follow
    return namesInScope(analysis, analysis.result.target, byte);
  }

  /** Re-checks every open Solidity document (a setting that changes what a check computes was changed). */
  recheckAll(): void {
    for (const d of this.documents.all()) if (this.states.has(d.uri)) this.scheduleCheck(d, 0);
  }

  /** solc's static estimate on each function of the last good analysis, when the setting asks for them. */
  codeLenses(document: TextDocument): CodeLens[] {
    const analysis = this.states.get(document.uri)?.analysis;
    const estimates = analysis?.result.gasEstimates;
    if (!this.settings.staticGasEstimates || !analysis?.target || !estimates) return [];
    const drift = new TextDrift(analysis.target.source.content, document.getText());
    const optimized = optimizerRunsOf(this.states.get(document.uri)!.project.root) !== undefined;
    return functionEstimates(analysis, estimates, optimized).flatMap((e) => {
      const range = this.locationOf(analysis, document, drift, e.name)?.range;
      return range ? [{ range, command: { title: estimateTitle(e), command: '' } }] : [];
    });
  }

  dispose(): void {
    for (const state of this.states.values()) if (state.timer) clearTimeout(state.timer);
    this.compiler.dispose();
    this.syntax.dispose();
  }
}

/** The optimizer runs of the project's build (foundry.toml), or undefined when it builds unoptimized (solc's default). */
function optimizerRunsOf(root: string): number | undefined {
  try {
    if (!hasFoundryConfig(root)) return undefined;
    const config = readFoundryConfig(root);
    return config.optimizer ? config.optimizerRuns : undefined;
  } catch {
    return undefined; // a foundry.toml that does not parse: the debugger reports it; estimates go unoptimized
  }
}

function fuzzy(name: string, query: string): boolean {
  let i = 0;
  for (const c of name) if (c === query[i]) i++;
  return i === query.length;
}

function symbolKind(node: AstNode): SymbolKind | undefined {
  switch (node.nodeType) {
    case 'ContractDefinition': return node['contractKind'] === 'interface' ? SymbolKind.Interface : node['contractKind'] === 'library' ? SymbolKind.Module : SymbolKind.Class;
    case 'FunctionDefinition': return node['kind'] === 'constructor' ? SymbolKind.Constructor : SymbolKind.Function;
    case 'ModifierDefinition': return SymbolKind.Method;
    case 'EventDefinition': return SymbolKind.Event;
    case 'ErrorDefinition': return SymbolKind.Object;
    case 'StructDefinition': return SymbolKind.Struct;
    case 'EnumDefinition': return SymbolKind.Enum;
    case 'EnumValue': return SymbolKind.EnumMember;
    case 'UserDefinedValueTypeDefinition': return SymbolKind.TypeParameter;
    case 'VariableDeclaration': return node['constant'] ? SymbolKind.Constant : SymbolKind.Field;
    default: return undefined;
  }
}
