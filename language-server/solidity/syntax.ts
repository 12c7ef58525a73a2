// Syntax errors as you type, from Slang's error-tolerant parser (measured against @solidity-parser/parser
// on OpenZeppelin: see README "Language server"). It parses with the grammar of the newest Solidity version the
// file's pragma allows, so a 0.5 file is not flagged for what 0.8 changed.
// Slang is WebAssembly compiled when its module loads (~150 ms), so it is imported after the server has
// answered `initialize`, never on the start-up path.
import { importModule } from '../import-module.ts';

type SlangParser = typeof import('@nomicfoundation/slang/parser');
type SlangUtils = typeof import('@nomicfoundation/slang/utils');
type SlangCst = typeof import('@nomicfoundation/slang/cst');
type Parser = import('@nomicfoundation/slang/parser').Parser;
type ParseError = import('@nomicfoundation/slang/parser').ParseError;

let slang: { Parser: SlangParser['Parser']; LanguageFacts: SlangUtils['LanguageFacts']; NonterminalKind: SlangCst['NonterminalKind'] } | undefined;
let loading: Promise<void> | undefined;

/** Loads the parser (once); syntax checks are possible when it resolves. */
export function loadSyntax(): Promise<void> {
  loading ??= Promise.all([
    importModule<SlangParser>('@nomicfoundation/slang/parser'),
    importModule<SlangUtils>('@nomicfoundation/slang/utils'),
    importModule<SlangCst>('@nomicfoundation/slang/cst'),
  ])
    .then(([p, u, c]) => { slang = { Parser: p.Parser, LanguageFacts: u.LanguageFacts, NonterminalKind: c.NonterminalKind }; });
  return loading;
}

export interface SyntaxError {
  /** UTF-16 offsets in the text. */
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/** Beyond this many errors a file is probably not Solidity (a binary opened as .sol); the rest are dropped. */
export const MAX_SYNTAX_ERRORS = 100;

const parsers = new Map<string, Parser>();

function parserFor(text: string): Parser {
  const { Parser, LanguageFacts } = slang!;
  let version: string;
  try {
    // Only the pragma decides the version; inferring from the whole text costs as much as a parse.
    const pragma = /pragma\s+solidity[^;]*;/.exec(text)?.[0] ?? '';
    const versions = LanguageFacts.inferLanguageVersions(pragma);
    version = versions.length > 0 ? versions[versions.length - 1]! : LanguageFacts.latestVersion();
  } catch {
    version = LanguageFacts.latestVersion();
  }
  let parser = parsers.get(version);
  if (!parser) {
    parser = Parser.create(version);
    parsers.set(version, parser);
  }
  return parser;
}

/** UTF-16 ranges of the contract members (functions, state variables, …) of a parse. */
export interface MemberRange { readonly start: number; readonly end: number }

export interface FileParse {
  readonly errors: SyntaxError[];
  readonly members: MemberRange[];
}

function convert(errors: ParseError[], text: string, base = 0): SyntaxError[] {
  return errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
    const start = base + e.textRange.start.utf16;
    let end = Math.max(base + e.textRange.end.utf16, start);
    // A missing token has an empty range; cover the next character so the squiggle can be seen.
    if (end === start && start < text.length && text[start] !== '\n') end = start + 1;
    return { start, end, message: readable(e.message, text.slice(start, Math.min(end, start + 40))) };
  });
}

/** The syntax errors and member ranges of a whole file; undefined while the parser is still loading. */
export function parseFile(text: string): FileParse | undefined {
  if (!slang) return undefined;
  const output = parserFor(text).parseFileContents(text);
  const members: MemberRange[] = [];
  const cursor = output.createTreeCursor();
  while (cursor.goToNextNonterminalWithKind(slang.NonterminalKind.ContractMember)) {
    members.push({ start: cursor.textRange.start.utf16, end: cursor.textRange.end.utf16 });
  }
  return { errors: convert(output.errors(), text), members };
}

/**
 * The syntax errors of one contract member, `text.slice(start, end)`, parsed alone (with the file's grammar
 * version); undefined when it does not parse as exactly one member (the edit reached beyond it).
 */
export function parseMember(text: string, start: number, end: number): SyntaxError[] | undefined {
  if (!slang) return undefined;
  const output = parserFor(text).parseNonterminal(slang.NonterminalKind.ContractMember, text.slice(start, end));
  if (output.tree.textLength.utf16 !== end - start) return undefined;
  return convert(output.errors(), text, start);
}

/** The syntax errors of a text; undefined while the parser is still loading (see loadSyntax). */
export function syntaxErrors(text: string): SyntaxError[] | undefined {
  return parseFile(text)?.errors;
}

/**
 * Slang lists every token kind that could have come next ("Expected AddressKeyword or BoolKeyword or … (30
 * more)"); past a few that is noise, so the message names what was found instead.
 */
function readable(message: string, found: string): string {
  const m = /^Expected (.*?)\.?$/.exec(message);
  if (!m) return message;
  const expected = m[1]!.split(' or ');
  const what = found.trim() ? `unexpected "${found.trim().split(/\s/)[0]}"` : 'unexpected end of input';
  if (expected.length <= 3) return `Syntax error: ${what}, expected ${expected.join(' or ')}.`;
  const kinds = expected.some((x) => /Literal|Identifier/.test(x)) ? 'an expression or identifier' : `one of ${expected.slice(0, 3).join(', ')} …`;
  return `Syntax error: ${what}, expected ${kinds}.`;
}
