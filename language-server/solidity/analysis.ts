// An index over the last good check of a document: every declaration and every reference to one (by solc's
// `referencedDeclaration`), by source unit and byte range, so hover, definition, references, symbols and
// completion are lookups, answered in microseconds on the request thread.
import type { CheckResult, CheckedSource, SolcAstNode, StorageSlot } from '../../language/solidity/check.ts';
import { SourceText } from '../../language/text/source-text.ts';

export type AstNode = SolcAstNode & {
  readonly name?: string;
  readonly nameLocation?: string;
  readonly referencedDeclaration?: number;
  readonly typeDescriptions?: { typeString?: string | null };
  readonly nodes?: AstNode[];
};

export interface Occurrence {
  readonly unit: string;
  /** UTF-8 byte range of the name. */
  readonly start: number;
  readonly end: number;
  readonly declaration: number;
  /** The referencing node (Identifier, MemberAccess, IdentifierPath) or the declaration itself. */
  readonly node: AstNode;
  readonly isDeclaration: boolean;
}

export interface IndexedSource {
  readonly source: CheckedSource;
  readonly text: SourceText;
  /** Sorted by start. */
  readonly occurrences: Occurrence[];
}

/** `start:length:file` → [start, end]; undefined for missing or negative locations. */
export function parseSrc(src: unknown): [number, number] | undefined {
  if (typeof src !== 'string') return undefined;
  const [s, l] = src.split(':').map(Number);
  if (!Number.isInteger(s) || !Number.isInteger(l) || s! < 0 || l! < 0) return undefined;
  return [s!, s! + l!];
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).nodeType === 'string' && typeof (value as AstNode).id === 'number';
}

/** The byte range of the name a reference node uses (a member access's member, a path's last segment). */
function referenceRange(node: AstNode): [number, number] | undefined {
  const range = parseSrc(node.src);
  if (!range) return undefined;
  if (node.nodeType === 'MemberAccess') {
    const member = parseSrc(node['memberLocation']);
    if (member) return member;
    const name = String(node['memberName'] ?? '');
    return [range[1] - new TextEncoder().encode(name).length, range[1]];
  }
  if (node.nodeType === 'IdentifierPath') {
    const locations = node['nameLocations'];
    if (Array.isArray(locations) && locations.length > 0) return parseSrc(locations[locations.length - 1]);
  }
  return range;
}

export class SolidityAnalysis {
  readonly sources = new Map<string, IndexedSource>();
  private readonly nodeIndex = new Map<number, { node: AstNode; unit: string; parent?: number }>();
  private readonly declarationIndex = new Map<number, Occurrence>();
  private readonly referenceIndex = new Map<number, Occurrence[]>();
  readonly storage = new Map<number, StorageSlot>();

  constructor(readonly result: CheckResult) {
    for (const slot of result.storage) this.storage.set(slot.astId, slot);
    for (const source of result.sources) this.sources.set(source.unit, { source, text: new SourceText(source.content), occurrences: [] });
    const target = this.sources.get(result.target);
    this.unwalked = [...(target ? [target] : []), ...[...this.sources.values()].filter((x) => x !== target)];
  }

  /** Sources not walked yet, the target first (its answers are asked for first). */
  private readonly unwalked: IndexedSource[];
  /** The walk in progress over one source: nodes still to visit, with their parents. */
  private walking: { source: IndexedSource; stack: [AstNode, number | undefined][] } | undefined;

  /**
   * Walks all the ASTs (hundreds of milliseconds with OpenZeppelin imported, on a loaded machine). Done on
   * first use; until then `indexSome` does it in slices between other work.
   */
  index(): void {
    while (!this.indexSome(Infinity));
  }

  /**
   * Walks for about `budgetMs` (at least one node) and returns true when the index is complete. The server
   * calls it between events, so a check's index never holds up syntax diagnostics or requests.
   */
  indexSome(budgetMs: number): boolean {
    const until = performance.now() + budgetMs;
    for (;;) {
      if (!this.walking) {
        const source = this.unwalked.shift();
        if (!source) return true;
        const ast = source.source.ast as AstNode | undefined; // parsed here, one file at a time
        this.walking = { source, stack: ast ? [[ast, undefined]] : [] };
      }
      const { source, stack } = this.walking;
      let n = 0;
      while (stack.length > 0) {
        const [node, parent] = stack.pop()!;
        this.visit(node, source.source.unit, parent, source.occurrences, stack);
        if (++n % 256 === 0 && performance.now() > until) return false;
      }
      source.occurrences.sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
      this.walking = undefined;
      if (performance.now() > until) return this.unwalked.length === 0;
    }
  }

  get nodes(): Map<number, { node: AstNode; unit: string; parent?: number }> {
    this.index();
    return this.nodeIndex;
  }

  get declarations(): Map<number, Occurrence> {
    this.index();
    return this.declarationIndex;
  }

  get referencesTo(): Map<number, Occurrence[]> {
    this.index();
    return this.referenceIndex;
  }

  get target(): IndexedSource | undefined {
    return this.sources.get(this.result.target);
  }

  private visit(node: AstNode, unit: string, parent: number | undefined, into: Occurrence[], stack: [AstNode, number | undefined][]): void {
    this.nodeIndex.set(node.id, { node, unit, ...(parent !== undefined ? { parent } : {}) });
    const name = parseSrc(node.nameLocation);
    if (name && typeof node.name === 'string' && node.name !== '' && name[1] > name[0]) {
      const occurrence: Occurrence = { unit, start: name[0], end: name[1], declaration: node.id, node, isDeclaration: true };
      this.declarationIndex.set(node.id, occurrence);
      into.push(occurrence);
    }
    const target = node.referencedDeclaration;
    // A UserDefinedTypeName with a path node is referenced through the path; count it once.
    if (typeof target === 'number' && target >= 0 && !(node.nodeType === 'UserDefinedTypeName' && node['pathNode'])) {
      const range = referenceRange(node);
      if (range) {
        const occurrence: Occurrence = { unit, start: range[0], end: range[1], declaration: target, node, isDeclaration: false };
        into.push(occurrence);
        let list = this.referenceIndex.get(target);
        if (!list) this.referenceIndex.set(target, (list = []));
        list.push(occurrence);
      }
    }
    // Children go on the stack last first, so they are visited in source order.
    const children: AstNode[] = [];
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) children.push(child);
      } else if (isNode(value)) children.push(value);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, node.id]);
  }

  /** The innermost occurrence whose name covers the byte offset (the end counts, for a cursor after a name). */
  occurrenceAt(unit: string, offset: number): Occurrence | undefined {
    this.index();
    const occurrences = this.sources.get(unit)?.occurrences ?? [];
    let best: Occurrence | undefined;
    for (const o of occurrences) {
      if (o.start > offset) break;
      if (offset <= o.end && (!best || o.end - o.start <= best.end - best.start)) best = o;
    }
    return best;
  }

  /** The chain of AST nodes containing the byte offset of a unit, outermost first. */
  nodesAt(unit: string, offset: number): AstNode[] {
    const ast = this.sources.get(unit)?.source.ast as AstNode | undefined;
    const chain: AstNode[] = [];
    let current: AstNode | undefined = ast;
    while (current) {
      chain.push(current);
      let next: AstNode | undefined;
      for (const value of Object.values(current)) {
        const children = Array.isArray(value) ? value : [value];
        for (const child of children) {
          if (!isNode(child)) continue;
          const r = parseSrc(child.src);
          if (r && r[0] <= offset && offset <= r[1]) { next = child; break; }
        }
        if (next) break;
      }
      current = next;
    }
    return chain;
  }

  unitOfPath(path: string): string | undefined {
    for (const [unit, s] of this.sources) if (s.source.path === path) return unit;
    return undefined;
  }
}
