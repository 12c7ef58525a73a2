// Syntax errors as you type, from Slang's error-tolerant parser (measured against @solidity-parser/parser
// on OpenZeppelin: see README "Language server"). It parses with the grammar of the newest Solidity version the
// file's pragma allows, so a 0.5 file is not flagged for what 0.8 changed.
// Slang is WebAssembly compiled when its module loads (~150 ms), so it is imported after the server has
// answered `initialize`, never on the start-up path.
type SlangParser = typeof import('@nomicfoundation/slang/parser');
type SlangUtils = typeof import('@nomicfoundation/slang/utils');
type Parser = import('@nomicfoundation/slang/parser').Parser;

let slang: { Parser: SlangParser['Parser']; LanguageFacts: SlangUtils['LanguageFacts'] } | undefined;
let loading: Promise<void> | undefined;

/** Loads the parser (once); syntax checks are possible when it resolves. */
export function loadSyntax(): Promise<void> {
  loading ??= Promise.all([import('@nomicfoundation/slang/parser'), import('@nomicfoundation/slang/utils')])
    .then(([p, u]) => { slang = { Parser: p.Parser, LanguageFacts: u.LanguageFacts }; });
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

/** The syntax errors of a text; undefined while the parser is still loading (see loadSyntax). */
export function syntaxErrors(text: string): SyntaxError[] | undefined {
  if (!slang) return undefined;
  const output = parserFor(text).parseFileContents(text);
  const errors = output.errors();
  return errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
    const start = e.textRange.start.utf16;
    let end = Math.max(e.textRange.end.utf16, start);
    // A missing token has an empty range; cover the next character so the squiggle can be seen.
    if (end === start && start < text.length && text[start] !== '\n') end = start + 1;
    return { start, end, message: readable(e.message, text.slice(start, Math.min(end, start + 40))) };
  });
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
