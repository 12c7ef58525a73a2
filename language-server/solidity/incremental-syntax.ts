// Re-parses only what an edit touched. Typing happens inside one function almost always; parsing that
// contract member alone costs a fraction of the whole file (a 1,000-line contract: ~100 ms whole, a few ms
// per member), and the errors elsewhere are those of the previous parse, shifted. Anything else (an edit
// across members, at a member's edge, unbalanced braces, a first parse) parses the whole file.
import { MAX_SYNTAX_ERRORS, parseFile, parseMember, type FileParse, type MemberRange, type SyntaxError } from './syntax.ts';

interface Parsed {
  readonly text: string;
  readonly errors: SyntaxError[];
  readonly members: MemberRange[];
}

/** True when `{` and `}` balance outside comments and strings (else the edit may change the file's shape). */
function bracesBalance(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') { const nl = text.indexOf('\n', i); i = nl < 0 ? text.length : nl; }
    else if (c === '/' && text[i + 1] === '*') { const close = text.indexOf('*/', i + 2); if (close < 0) return false; i = close + 1; }
    else if (c === '"' || c === "'") { let j = i + 1; while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1; i = j; }
    else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

export class IncrementalSyntax {
  private readonly documents = new Map<string, Parsed>();
  /** How the last check was done (for tests and the benchmark). */
  lastMode: 'file' | 'member' | undefined;

  forget(key: string): void {
    this.documents.delete(key);
  }

  /** The syntax errors of `text`, the newest version of document `key`; undefined while the parser loads. */
  check(key: string, text: string): SyntaxError[] | undefined {
    const incremental = this.checkMember(key, text);
    if (incremental) return incremental;
    const parsed = parseFile(text);
    if (!parsed) return undefined;
    this.remember(key, text, parsed);
    this.lastMode = 'file';
    return parsed.errors;
  }

  /**
   * The syntax errors of `text` when the edit from the last text remembered for `key` lies inside one member
   * (a few milliseconds: the server does this on its own thread); undefined when a whole parse is needed.
   */
  checkMember(key: string, text: string): SyntaxError[] | undefined {
    const previous = this.documents.get(key);
    const incremental = previous && this.reparseMember(previous, text);
    if (!incremental) return undefined;
    this.documents.set(key, incremental);
    this.lastMode = 'member';
    return incremental.errors;
  }

  /** Takes a whole-file parse (made elsewhere, e.g. in the parser thread) as the base for member re-parses. */
  remember(key: string, text: string, parsed: FileParse): void {
    this.documents.set(key, { text, errors: parsed.errors, members: parsed.members });
  }

  private reparseMember(previous: Parsed, text: string): Parsed | undefined {
    const before = previous.text;
    const max = Math.min(before.length, text.length);
    let prefix = 0;
    while (prefix < max && before.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
    const editEnd = before.length - suffix; // end of the replaced region in the old text
    const delta = text.length - before.length;
    // Strictly inside one member: its first and last characters are untouched.
    const index = previous.members.findIndex((m) => m.start < prefix && editEnd < m.end);
    if (index < 0) return undefined;
    const member = previous.members[index]!;
    const end = member.end + delta;
    if (!bracesBalance(text.slice(member.start, end))) return undefined;
    const memberErrors = parseMember(text, member.start, end);
    if (!memberErrors) return undefined;
    const errors = [
      ...previous.errors.filter((e) => e.end <= member.start),
      ...memberErrors,
      ...previous.errors.filter((e) => e.start >= member.end).map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })),
    ].slice(0, MAX_SYNTAX_ERRORS);
    const members = previous.members.map((m, i) => (i < index ? m : i === index ? { start: m.start, end } : { start: m.start + delta, end: m.end + delta }));
    return { text, errors, members };
  }
}
