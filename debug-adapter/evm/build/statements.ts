// The statement a source-map range belongs to, for where a stop is shown and which line it is on: solc maps
// an instruction to the sub-expression it computes (`available` in `if (amount > available)`), but a user
// stops at statements. Simple statements show whole; compound ones (if, loops, try) show their header
// (`if (amount > available)`), never their body. Code mapped to a whole `if` statement only joins its
// branches after one ran (or jumps over them): it is not a place to stop.
import type { AstNode } from '../../../language/solidity/compile.ts';
import { parseSrc } from './ast.ts';

export interface Range {
  readonly start: number;
  readonly length: number;
}

/** What a stop shows (`range`), and whether the instruction only joins branches (no stop). */
export interface StatementRange {
  readonly range: Range;
  readonly join: boolean;
}

interface StatementNode {
  readonly start: number;
  readonly end: number;
  /** What a stop on this statement highlights. */
  readonly shown: Range;
  readonly kind: string;
  /** Instructions mapped to exactly this range only join branches (an `if`). */
  readonly joinsBranches: boolean;
}

const COMPOUND = new Set(['IfStatement', 'ForStatement', 'WhileStatement', 'DoWhileStatement', 'TryStatement']);
/** Containers of statements, never a statement a user stops at. */
const NOT_STATEMENTS = new Set(['Block', 'UncheckedBlock']);

export class StatementRanges {
  private readonly statements: StatementNode[] = [];
  private readonly cache = new Map<string, StatementRange | undefined>();

  constructor(ast: AstNode, private readonly text: string) {
    this.collect(ast);
    // Innermost first when searching: shorter ranges win among those containing an offset.
    this.statements.sort((a, b) => (a.end - a.start) - (b.end - b.start));
  }

  /**
   * The statement shown for an instruction mapped to `start:length`; undefined when it is in no statement
   * (function headers, modifier invocations, state variable initialisers) or inside inline assembly, where
   * solc's own ranges are already statements.
   */
  rangeOf(start: number, length: number): StatementRange | undefined {
    const key = `${start}:${length}`;
    if (this.cache.has(key)) return this.cache.get(key);
    let found: StatementRange | undefined;
    const s = this.statements.find((n) => n.start <= start && start + length <= n.end);
    if (s && s.kind !== 'InlineAssembly') {
      found = { range: s.shown, join: s.joinsBranches && s.start === start && s.end === start + length };
    }
    this.cache.set(key, found);
    return found;
  }

  private collect(node: AstNode): void {
    const type = node.nodeType;
    if (typeof type === 'string' && (type.endsWith('Statement') || type === 'Return' || type === 'Break' || type === 'Continue'
      || type === 'Throw' || type === 'InlineAssembly') && !NOT_STATEMENTS.has(type) && typeof node.src === 'string') {
      const src = parseSrc(node.src);
      const end = src.start + src.length;
      this.statements.push({
        start: src.start, end, kind: type, joinsBranches: type === 'IfStatement',
        shown: COMPOUND.has(type) ? this.header(node, src.start, end) : { start: src.start, length: src.length },
      });
      if (type === 'InlineAssembly') return; // Yul inside: its ranges stand as they are
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && typeof (v as AstNode).nodeType === 'string') this.collect(v as AstNode);
      } else if (value && typeof value === 'object' && typeof (value as AstNode).nodeType === 'string') {
        this.collect(value as AstNode);
      }
    }
  }

  /** `if (…)`, `for (…)`, `while (…)`, `try … returns (…)`: up to the body; a do-while's `while (…)` after it. */
  private header(node: AstNode, start: number, end: number): Range {
    const bodyOf = (n: unknown): Range | undefined => {
      const src = (n as { src?: unknown } | undefined)?.src;
      return typeof src === 'string' ? parseSrc(src) : undefined;
    };
    if (node.nodeType === 'DoWhileStatement') {
      const body = bodyOf(node.body);
      const from = body ? body.start + body.length : start;
      return this.trimmed(from, end);
    }
    const body = node.nodeType === 'IfStatement' ? bodyOf(node.trueBody)
      : node.nodeType === 'TryStatement' ? bodyOf((node.clauses as AstNode[] | undefined)?.[0]?.block)
      : bodyOf(node.body);
    return this.trimmed(start, body && body.start > start ? body.start : end);
  }

  /** `from..to` without surrounding whitespace (UTF-8 offsets; the text is ASCII around statements). */
  private trimmed(from: number, to: number): Range {
    const bytes = this.bytes ??= Buffer.from(this.text, 'utf8');
    let a = from, b = to;
    while (a < b && isSpace(bytes[a]!)) a++;
    while (b > a && isSpace(bytes[b - 1]!)) b--;
    return { start: a, length: b - a };
  }
  private bytes?: Buffer;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}
