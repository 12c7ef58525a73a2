// Move parser: recursive descent over the lexer's tokens, for Move 2024 (Sui) and the Aptos forms
// (`acquires`, global storage builtins are ordinary calls, `script`, `spec` blocks skipped).
//
// Error recovery: a syntax error inside a statement skips to the end of that statement (`;` or the
// enclosing `}`); inside a module member it skips to the next member keyword. So one typo gives one
// diagnostic and the rest of the file is still parsed (the language server shows everything at once).
// Every loop consumes at least one token per round and nesting is bounded, so no input hangs or
// overflows the stack (test/language/move/fuzz.test.ts checks that on mutated sources).

import type * as A from './ast.ts';
import type { Diagnostic } from './diagnostics.ts';
import { lex, type Token } from './lexer.ts';

export interface ParseResult {
  readonly unit: A.CompilationUnit;
  readonly diagnostics: Diagnostic[];
}

class ParseError extends Error {
  constructor(readonly diagnostic: Diagnostic | undefined) {
    super(diagnostic?.message ?? 'backtrack');
  }
}

const MAX_DEPTH = 256;

/** Words that can never be a name in an expression. */
const RESERVED = new Set([
  'abort', 'as', 'break', 'continue', 'else', 'false', 'if', 'let', 'loop', 'return', 'true', 'while',
  'fun', 'struct', 'const', 'use', 'module', 'public', 'native', 'copy', 'move', 'mut', 'match', 'enum',
]);
const MEMBER_START = new Set(['fun', 'public', 'struct', 'const', 'use', 'entry', 'native', 'enum', 'friend', 'macro', 'spec', 'inline']);

// Binary operator precedence (higher binds tighter), as in the Move reference.
const BINARY_PRECEDENCE: Record<string, number> = {
  '==>': 1, '<==>': 1,
  '||': 2,
  '&&': 3,
  '==': 4, '!=': 4, '<': 4, '>': 4, '<=': 4, '>=': 4,
  '..': 5,
  '|': 6,
  '^': 7,
  '&': 8,
  '<<': 9, '>>': 9,
  '+': 10, '-': 10,
  '*': 11, '/': 11, '%': 11,
};
/**
 * `e as T` binds like a binary operator, between the comparisons and `..` (as in the Move compiler): `a + b as
 * u64` is `(a + b) as u64`, `x as u8 == y` is `(x as u8) == y`.
 */
const CAST_PRECEDENCE = 4.5;
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

export function parse(source: Uint8Array | string): ParseResult {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const lexed = lex(bytes);
  const parser = new Parser(lexed.tokens.filter((t) => t.kind !== 'error'));
  const unit = parser.parseUnit();
  return { unit, diagnostics: [...lexed.diagnostics, ...parser.diagnostics] };
}

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private pos = 0;
  private depth = 0;
  private speculating = 0;
  constructor(all: Token[]) {
    // Doc comments are kept aside (attached to the next member), not seen by the grammar.
    this.tokens = [];
    for (const t of all) {
      if (t.kind === 'docComment') this.docTokens.set(this.tokens.length, [...(this.docTokens.get(this.tokens.length) ?? []), t.text.slice(3).trim()]);
      else this.tokens.push(t);
    }
  }
  private readonly tokens: Token[];
  private readonly docTokens = new Map<number, string[]>();

  // ---- token helpers

  private get tok(): Token {
    return this.tokens[this.pos];
  }
  private peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }
  private is(text: string): boolean {
    const t = this.tok;
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }
  private isAt(k: number, text: string): boolean {
    const t = this.peek(k);
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }
  /** Loop condition for lists: not at `close` and not at the end of the file (which would loop forever). */
  private until(close: string): boolean {
    return !this.is(close) && this.tok.kind !== 'eof';
  }
  private next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private eat(text: string): boolean {
    if (this.is(text)) {
      this.pos++;
      return true;
    }
    return false;
  }
  private prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1].end : 0;
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'the end of the file';
    return `'${t.text.length > 30 ? t.text.slice(0, 30) + '…' : t.text}'`;
  }
  private fail(message: string, t: Token = this.tok, code = 'E01002'): never {
    if (this.speculating) throw new ParseError(undefined);
    throw new ParseError({ range: { start: t.start, end: Math.max(t.end, t.start + (t.kind === 'eof' ? 0 : 1)) }, code, message, severity: 'error' });
  }
  private expect(text: string, what?: string): Token {
    if (this.is(text)) return this.next();
    // `>` closing a type list may be glued to `=` (`vector<u8>=`): not produced by the lexer; plain error.
    this.fail(`Expected '${text}'${what ? ` ${what}` : ''}, found ${this.describe(this.tok)}.`);
  }
  private report(e: unknown): void {
    if (e instanceof ParseError && e.diagnostic) this.diagnostics.push(e.diagnostic);
    else if (!(e instanceof ParseError)) throw e;
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('This expression is nested too deeply to compile.', this.tok, 'E01003');
  }
  private leave(): void {
    this.depth--;
  }
  private identifier(what: string): A.Name {
    const t = this.tok;
    if (t.kind === 'ident' || t.kind === 'macroIdent') {
      this.pos++;
      return { value: t.text, loc: { start: t.start, end: t.end } };
    }
    this.fail(`Expected ${what}, found ${this.describe(t)}.`);
  }
  private takeDoc(): string {
    const lines: string[] = [];
    // Doc comments directly before the current token position (attributes may sit in between).
    for (let p = this.pos; p >= 0; p--) {
      const d = this.docTokens.get(p);
      if (d) {
        lines.unshift(...d);
        this.docTokens.delete(p);
      }
      if (p < this.pos && !(this.tokens[p].kind === 'punct' && (this.tokens[p].text === ']' || this.tokens[p].text === '#'))) break;
      if (p < this.pos - 64) break;
    }
    return lines.join('\n');
  }

  /** Skip to a token satisfying `stop` at nesting depth 0 (balanced brackets; after at least one token), or to an unmatched closer. */
  private skipUntil(stop: (t: Token) => boolean): void {
    const start = this.pos;
    let depth = 0;
    while (this.tok.kind !== 'eof') {
      const t = this.tok;
      if (depth === 0 && stop(t) && this.pos > start) return;
      if (t.kind === 'punct') {
        if (t.text === '{' || t.text === '(' || t.text === '[') depth++;
        else if (t.text === '}' || t.text === ')' || t.text === ']') {
          // A closer at depth 0 belongs to the enclosing construct: never consume it.
          if (depth === 0) return;
          depth--;
        }
      }
      this.pos++;
    }
  }

  // ---- compilation unit

  parseUnit(): A.CompilationUnit {
    const modules: A.ModuleDecl[] = [];
    while (this.tok.kind !== 'eof') {
      const before = this.pos;
      try {
        const attrs = this.attributes();
        if (this.is('module')) modules.push(this.module(attrs, undefined));
        else if (this.is('address')) this.addressBlock(modules);
        else if (this.is('script')) modules.push(this.script(attrs));
        else if (this.is('spec')) this.specBlock();
        else this.fail(`Expected 'module', found ${this.describe(this.tok)}.`);
      } catch (e) {
        this.report(e);
        this.skipUntil((t) => t.text === 'module' || t.text === 'address' || t.text === 'script' || t.text === '#');
      }
      if (this.pos === before) this.next();
    }
    return { modules };
  }

  private addressBlock(out: A.ModuleDecl[]): void {
    this.expect('address');
    const address = this.addressName();
    this.expect('{');
    while (!this.is('}') && this.tok.kind !== 'eof') {
      const before = this.pos;
      try {
        const attrs = this.attributes();
        if (this.is('module')) out.push(this.module(attrs, address));
        else if (this.is('spec')) this.specBlock();
        else this.fail(`Expected 'module', found ${this.describe(this.tok)}.`);
      } catch (e) {
        this.report(e);
        this.skipUntil((t) => t.text === 'module' || t.text === '#' || t.text === '}');
      }
      if (this.pos === before) this.next();
    }
    this.expect('}');
  }

  /** A named or numeric address: `std`, `0x1`. */
  private addressName(): A.Name {
    const t = this.tok;
    if (t.kind === 'ident' || t.kind === 'number') {
      this.pos++;
      return { value: t.text, loc: { start: t.start, end: t.end } };
    }
    this.fail(`Expected an address (a name such as 'std' or a number such as '0x1'), found ${this.describe(t)}.`);
  }

  private module(attributes: A.Attribute[], blockAddress: A.Name | undefined): A.ModuleDecl {
    const doc = this.takeDoc();
    const start = this.expect('module').start;
    let address = blockAddress;
    let name: A.Name;
    if (this.isAt(1, '::')) {
      address = this.addressName();
      this.expect('::');
      name = this.identifier('a module name');
    } else name = this.identifier('a module name');
    const members: A.ModuleMember[] = [];
    if (this.eat(';')) {
      // Move 2024 file form: the module extends to the next `module` or the end of the file.
      this.members(members, () => this.tok.kind === 'eof' || this.is('module'));
      return { kind: 'module', attributes, doc, address, name, members, loc: { start, end: this.prevEnd() }, isScript: false };
    }
    this.expect('{', 'to start the module body');
    this.members(members, () => this.is('}') || this.tok.kind === 'eof');
    this.expect('}', 'to close the module');
    return { kind: 'module', attributes, doc, address, name, members, loc: { start, end: this.prevEnd() }, isScript: false };
  }

  private script(attributes: A.Attribute[]): A.ModuleDecl {
    const start = this.expect('script').start;
    this.expect('{');
    const members: A.ModuleMember[] = [];
    this.members(members, () => this.is('}') || this.tok.kind === 'eof');
    this.expect('}');
    const loc = { start, end: this.prevEnd() };
    return { kind: 'module', attributes, doc: '', address: undefined, name: { value: 'main', loc }, members, loc, isScript: true };
  }

  private members(out: A.ModuleMember[], atEnd: () => boolean): void {
    while (!atEnd()) {
      const before = this.pos;
      try {
        out.push(this.member());
      } catch (e) {
        this.report(e);
        const isMemberStart = (t: Token) => (t.kind === 'ident' && MEMBER_START.has(t.text)) || t.text === '#' || t.text === 'module';
        this.skipUntil(isMemberStart);
        // A stray `)` or `]` cannot close the module: drop it and keep looking for the next member.
        while (this.is(')') || this.is(']')) {
          this.next();
          if (!isMemberStart(this.tok)) this.skipUntil(isMemberStart);
        }
        // A `}` at depth 0 closes the module: leave it for the caller.
      }
      if (this.pos === before) {
        if (this.is('}') && atEnd()) break;
        this.next();
      }
    }
  }

  private member(): A.ModuleMember {
    const attributes = this.attributes();
    const doc = this.takeDoc();
    const start = this.tok.start;
    if (this.is('use')) return this.use(attributes, false, start);
    if (this.is('friend')) {
      this.next();
      const path = this.path();
      this.expect(';');
      return { kind: 'friend', attributes, path, loc: { start, end: this.prevEnd() } };
    }
    if (this.is('spec')) {
      this.specBlock();
      return { kind: 'spec', attributes, loc: { start, end: this.prevEnd() } };
    }
    if (this.is('const')) return this.constant(attributes, doc, start);
    let visibility: A.Visibility = 'private';
    let entry = false;
    let native = false;
    let macro = false;
    for (;;) {
      if (this.is('public')) {
        this.next();
        visibility = 'public';
        if (this.is('(')) {
          this.next();
          const v = this.identifier("'package', 'friend' or 'script'");
          if (v.value === 'package') visibility = 'package';
          else if (v.value === 'friend') visibility = 'friend';
          else if (v.value === 'script') entry = true;
          else this.fail(`Unknown visibility 'public(${v.value})': use 'public(package)'.`, this.tokens[this.pos - 1]);
          this.expect(')');
        }
        if (this.is('use')) return this.use(attributes, true, start);
      } else if (this.is('entry')) {
        this.next();
        entry = true;
      } else if (this.is('native')) {
        this.next();
        native = true;
      } else if (this.is('macro')) {
        this.next();
        macro = true;
      } else if (this.is('inline')) {
        this.next();
      } else break;
    }
    if (this.is('fun')) return this.function(attributes, doc, start, visibility, entry, native, macro);
    if (this.is('struct')) return this.struct(attributes, doc, start, visibility !== 'private', native);
    if (this.is('enum')) return this.enum(attributes, doc, start, visibility !== 'private');
    this.fail(`Expected a module member ('fun', 'struct', 'enum', 'const' or 'use'), found ${this.describe(this.tok)}.`);
  }

  private specBlock(): void {
    this.expect('spec');
    // `spec module {}`, `spec foo {}`, `spec schema S<T> {}`, `spec fun f() {}`: skip to the braces.
    while (!this.is('{') && !this.is(';') && this.tok.kind !== 'eof') this.next();
    if (this.eat(';')) return;
    this.balanced('{', '}');
  }

  /** Skip a balanced `open ... close` group starting at the current token. */
  private balanced(open: string, close: string): void {
    this.expect(open);
    let depth = 1;
    while (depth > 0 && this.tok.kind !== 'eof') {
      const t = this.next();
      if (t.kind === 'punct' && t.text === open) depth++;
      else if (t.kind === 'punct' && t.text === close) depth--;
    }
    if (depth > 0) this.fail(`Expected '${close}', found the end of the file.`);
  }

  // ---- attributes

  private attributes(): A.Attribute[] {
    const out: A.Attribute[] = [];
    while (this.is('#')) {
      this.next();
      this.expect('[', "after '#'");
      do {
        if (this.is(']')) break;
        out.push(this.attribute());
      } while (this.eat(','));
      this.expect(']', 'to close the attribute');
    }
    return out;
  }

  private attribute(): A.Attribute {
    this.enter();
    try {
      const name = this.identifier('an attribute name');
      const args: A.AttributeArg[] = [];
      if (this.eat('(')) {
        while (!this.is(')')) {
          if (this.isAt(1, '=')) {
            const key = this.identifier('an attribute name');
            this.expect('=');
            const value: A.Exp | A.Path = this.tok.kind === 'ident' || (this.tok.kind === 'number' && this.isAt(1, '::')) ? this.path() : this.value();
            args.push({ kind: 'assign', name: key, value, loc: { start: key.loc.start, end: this.prevEnd() } });
          } else args.push({ kind: 'nested', attribute: this.attribute() });
          if (!this.eat(',')) break;
        }
        this.expect(')', 'to close the attribute arguments');
      }
      return { name, args, loc: { start: name.loc.start, end: this.prevEnd() } };
    } finally {
      this.leave();
    }
  }

  // ---- declarations

  private use(attributes: A.Attribute[], isPublic: boolean, start: number): A.UseDecl | A.UseFunDecl {
    this.expect('use');
    if (this.is('fun')) {
      this.next();
      const fn = this.path();
      this.expect('as', "in 'use fun' (use fun <function> as <Type>.<method>)");
      const typeSegments: A.Name[] = [this.identifier('a type name')];
      while (this.eat('::')) typeSegments.push(this.identifier('a name'));
      const type: A.Path = { kind: 'path', segments: typeSegments, loc: { start: typeSegments[0].loc.start, end: this.prevEnd() } };
      this.expect('.', "between the type and the method name in 'use fun'");
      const method = this.identifier('a method name');
      this.expect(';');
      return { kind: 'useFun', attributes, public: isPublic, function: fn, type, method, loc: { start, end: this.prevEnd() } };
    }
    const imports: A.UseImport[] = [];
    const address = this.addressName();
    this.expect('::', 'after the address in a use declaration');
    if (this.is('{')) {
      // use a::{m, n::{Self, T}}
      this.next();
      while (this.until('}')) {
        const module = this.identifier('a module name');
        this.useModuleTail(address, module, imports);
        if (!this.eat(',')) break;
      }
      this.expect('}');
    } else {
      const module = this.identifier('a module name');
      this.useModuleTail(address, module, imports);
    }
    this.expect(';', 'after the use declaration');
    return { kind: 'use', attributes, imports, loc: { start, end: this.prevEnd() } };
  }

  private useModuleTail(address: A.Name, module: A.Name, out: A.UseImport[]): void {
    const start = address.loc.start;
    if (this.eat('::')) {
      if (this.eat('{')) {
        while (this.until('}')) {
          const member = this.identifier('a member name');
          const alias = this.eat('as') ? this.identifier('an alias') : undefined;
          out.push({ address, module, member: member.value === 'Self' ? undefined : member, alias, loc: { start: member.loc.start, end: this.prevEnd() } });
          if (!this.eat(',')) break;
        }
        this.expect('}');
      } else {
        const member = this.identifier('a member name');
        const alias = this.eat('as') ? this.identifier('an alias') : undefined;
        out.push({ address, module, member: member.value === 'Self' ? undefined : member, alias, loc: { start, end: this.prevEnd() } });
      }
    } else {
      const alias = this.eat('as') ? this.identifier('an alias') : undefined;
      out.push({ address, module, member: undefined, alias, loc: { start, end: this.prevEnd() } });
    }
  }

  private constant(attributes: A.Attribute[], doc: string, start: number): A.ConstDecl {
    this.expect('const');
    const name = this.identifier('a constant name');
    this.expect(':', 'and the constant type');
    const type = this.type();
    this.expect('=', 'and the constant value');
    const value = this.exp();
    this.expect(';', 'after the constant');
    return { kind: 'const', attributes, doc, name, type, value, loc: { start, end: this.prevEnd() } };
  }

  private typeParams(): A.TypeParam[] {
    const out: A.TypeParam[] = [];
    if (!this.eat('<')) return out;
    while (this.until('>')) {
      const start = this.tok.start;
      const phantom = this.eat('phantom');
      const name = this.identifier('a type parameter name');
      const constraints: A.Name[] = [];
      if (this.eat(':')) {
        do constraints.push(this.identifier('an ability (copy, drop, store, key)'));
        while (this.eat('+'));
      }
      out.push({ name, phantom, constraints, loc: { start, end: this.prevEnd() } });
      if (!this.eat(',')) break;
    }
    this.expect('>', 'to close the type parameters');
    return out;
  }

  private abilities(): A.Name[] {
    const out: A.Name[] = [];
    if (!this.eat('has')) return out;
    do out.push(this.identifier('an ability (copy, drop, store, key)'));
    while (this.eat(',') && this.tok.kind === 'ident' && !MEMBER_START.has(this.tok.text));
    return out;
  }

  private function(attributes: A.Attribute[], doc: string, start: number, visibility: A.Visibility, entry: boolean, native: boolean, macro: boolean): A.FunctionDecl {
    this.expect('fun');
    const name = this.identifier('a function name');
    const typeParams = this.typeParams();
    this.expect('(', 'to start the parameter list');
    const params: A.Param[] = [];
    while (!this.is(')')) {
      const pstart = this.tok.start;
      const mut = this.eat('mut');
      const pname = this.identifier('a parameter name');
      this.expect(':', `and the type of parameter '${pname.value}'`);
      const type = this.type();
      params.push({ name: pname, type, mut, loc: { start: pstart, end: this.prevEnd() } });
      if (!this.eat(',')) break;
    }
    this.expect(')', 'to close the parameter list');
    const ret = this.eat(':') ? this.type() : undefined;
    const acquires: A.Path[] = [];
    if (this.eat('acquires')) {
      do acquires.push(this.path());
      while (this.eat(','));
    }
    const signatureLoc = { start, end: this.prevEnd() };
    let body: A.Block | undefined;
    if (this.is(';')) this.next();
    else body = this.block();
    return { kind: 'function', attributes, doc, name, visibility, entry, native, macro, typeParams, params, ret, acquires, body, loc: { start, end: this.prevEnd() }, signatureLoc };
  }

  private fields(close: string, positional: boolean): A.FieldDecl[] {
    const out: A.FieldDecl[] = [];
    while (this.until(close)) {
      const before = this.pos;
      try {
        this.attributes();
        const fstart = this.tok.start;
        if (positional) {
          const type = this.type();
          out.push({ name: { value: String(out.length), loc: type.loc }, type, loc: { start: fstart, end: this.prevEnd() } });
        } else {
          const name = this.identifier('a field name');
          this.expect(':', `and the type of field '${name.value}'`);
          const type = this.type();
          out.push({ name, type, loc: { start: fstart, end: this.prevEnd() } });
        }
        if (!this.eat(',')) break;
      } catch (e) {
        this.report(e);
        this.skipUntil((t) => t.text === ',' || t.text === close);
        this.eat(',');
        if (this.pos === before) this.next();
      }
    }
    this.expect(close, positional ? 'to close the positional fields' : 'to close the fields');
    return out;
  }

  private struct(attributes: A.Attribute[], doc: string, start: number, isPublic: boolean, native: boolean): A.StructDecl {
    this.expect('struct');
    const name = this.identifier('a struct name');
    const typeParams = this.typeParams();
    let abilities = this.abilities();
    let positional = false;
    let fields: A.FieldDecl[] = [];
    if (native) this.expect(';');
    else if (this.eat('(')) {
      positional = true;
      fields = this.fields(')', true);
      if (abilities.length === 0) abilities = this.abilities();
      this.eat(';');
    } else if (this.eat('{')) {
      fields = this.fields('}', false);
      if (abilities.length === 0 && this.is('has')) {
        abilities = this.abilities();
        this.expect(';');
      }
    } else if (!this.eat(';')) this.fail(`Expected '{' or '(' to declare the fields of '${name.value}', found ${this.describe(this.tok)}.`);
    return { kind: 'struct', attributes, doc, name, public: isPublic, native, typeParams, abilities, positional, fields, loc: { start, end: this.prevEnd() } };
  }

  private enum(attributes: A.Attribute[], doc: string, start: number, isPublic: boolean): A.EnumDecl {
    this.expect('enum');
    const name = this.identifier('an enum name');
    const typeParams = this.typeParams();
    let abilities = this.abilities();
    this.expect('{', `to list the variants of '${name.value}'`);
    const variants: A.VariantDecl[] = [];
    while (this.until('}')) {
      this.attributes();
      const vname = this.identifier('a variant name');
      let positional = false;
      let fields: A.FieldDecl[] = [];
      if (this.eat('(')) {
        positional = true;
        fields = this.fields(')', true);
      } else if (this.eat('{')) fields = this.fields('}', false);
      variants.push({ name: vname, positional, fields, loc: { start: vname.loc.start, end: this.prevEnd() } });
      if (!this.eat(',')) break;
    }
    this.expect('}', 'to close the variants');
    if (abilities.length === 0 && this.is('has')) {
      abilities = this.abilities();
      this.expect(';');
    }
    return { kind: 'enum', attributes, doc, name, public: isPublic, typeParams, abilities, variants, loc: { start, end: this.prevEnd() } };
  }

  // ---- paths and types

  /** `a::b::c`; the first segment may be a numeric address (`0x2::coin::Coin`). */
  private path(): A.Path {
    const start = this.tok.start;
    const segments: A.Name[] = [];
    if (this.tok.kind === 'number' && this.isAt(1, '::')) {
      const t = this.next();
      segments.push({ value: t.text, loc: { start: t.start, end: t.end } });
      this.next();
    }
    segments.push(this.identifier('a name'));
    while (this.is('::') && (this.peek().kind === 'ident' || this.peek().kind === 'macroIdent')) {
      this.next();
      segments.push(this.identifier('a name'));
    }
    return { kind: 'path', segments, loc: { start, end: this.prevEnd() } };
  }

  type(): A.Type {
    this.enter();
    try {
      const start = this.tok.start;
      if (this.eat('&')) {
        const mut = this.eat('mut');
        const inner = this.type();
        return { kind: 'ref', mut, inner, loc: { start, end: this.prevEnd() } };
      }
      if (this.is('&&')) this.fail("A reference to a reference is not a Move type: remove one '&'.");
      if (this.eat('(')) {
        const elems: A.Type[] = [];
        while (!this.is(')')) {
          elems.push(this.type());
          if (!this.eat(',')) break;
        }
        this.expect(')', 'to close the tuple type');
        if (elems.length === 1) return elems[0];
        return { kind: 'tuple', elems, loc: { start, end: this.prevEnd() } };
      }
      if (this.is('|') || this.is('||')) {
        const params: A.Type[] = [];
        if (!this.eat('||')) {
          this.next();
          while (this.until('|')) {
            params.push(this.type());
            if (!this.eat(',')) break;
          }
          this.expect('|', 'to close the function type parameters');
        }
        const ret = this.eat('->') ? this.type() : undefined;
        return { kind: 'fun', params, ret, loc: { start, end: this.prevEnd() } };
      }
      if (this.is('_') && !this.isAt(1, '::')) {
        this.next();
        return { kind: 'any', loc: { start, end: this.prevEnd() } };
      }
      const path = this.path();
      const args = this.is('<') ? this.typeArgs() : [];
      return { kind: 'apply', path, args, loc: { start, end: this.prevEnd() } };
    } finally {
      this.leave();
    }
  }

  private typeArgs(): A.Type[] {
    this.expect('<');
    const out: A.Type[] = [];
    while (this.until('>')) {
      out.push(this.type());
      if (!this.eat(',')) break;
    }
    this.expect('>', 'to close the type arguments');
    return out;
  }

  /** Type arguments after a name in an expression, when they are type arguments and not `a < b`. */
  private maybeTypeArgs(): A.Type[] | undefined {
    if (!this.is('<')) return undefined;
    const save = this.pos;
    const saveDepth = this.depth;
    this.speculating++;
    try {
      const args = this.typeArgs();
      // A type list is followed by a call, a pack, a path continuation, a macro bang, or ends the
      // expression; `a < b > c` is not Move either way.
      const t = this.tok;
      if (t.kind === 'punct' && ['(', '{', '::', '!', ')', ',', ';', '}', ']', '.', '['].includes(t.text) || t.kind === 'eof') return args;
      this.pos = save;
      return undefined;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.pos = save;
      this.depth = saveDepth;
      return undefined;
    } finally {
      this.speculating--;
    }
  }

  // ---- statements and blocks

  block(label?: A.Name): A.Block {
    this.enter();
    try {
      const start = this.expect('{').start;
      const statements: A.Statement[] = [];
      let result: A.Exp | undefined;
      while (!this.is('}') && this.tok.kind !== 'eof') {
        const before = this.pos;
        try {
          const s = this.statement();
          if (s.kind === 'exp' && !s.semicolon) {
            if (this.is('}')) {
              result = s.exp;
              break;
            }
            if (!endsWithBlock(s.exp)) this.fail(`Expected ';' or '}' after the expression, found ${this.describe(this.tok)}.`);
          }
          statements.push(s);
        } catch (e) {
          this.report(e);
          this.skipUntil((t) => t.kind === 'punct' && (t.text === ';' || t.text === '}'));
          this.eat(';');
        }
        if (this.pos === before) this.next();
      }
      this.expect('}', 'to close the block');
      void label;
      return { statements, result, loc: { start, end: this.prevEnd() } };
    } finally {
      this.leave();
    }
  }

  private statement(): A.Statement {
    const start = this.tok.start;
    if (this.is('let')) {
      this.next();
      const bind = this.bind();
      const type = this.eat(':') ? this.type() : undefined;
      const value = this.eat('=') ? this.exp() : undefined;
      this.expect(';', 'after the let statement');
      return { kind: 'let', bind, type, value, loc: { start, end: this.prevEnd() } };
    }
    if (this.is('use')) {
      const decl = this.use([], false, start);
      return { kind: 'use', decl, loc: decl.loc };
    }
    const exp = this.exp();
    const semicolon = this.eat(';');
    return { kind: 'exp', exp, semicolon, loc: { start, end: this.prevEnd() } };
  }

  private bind(): A.Bind {
    this.enter();
    try {
      const start = this.tok.start;
      if (this.eat('(')) {
        const elems: A.Bind[] = [];
        while (!this.is(')')) {
          elems.push(this.bind());
          if (!this.eat(',')) break;
        }
        this.expect(')', 'to close the tuple');
        return { kind: 'tuple', elems, loc: { start, end: this.prevEnd() } };
      }
      const mut = this.eat('mut');
      const path = this.path();
      const typeArgs = this.is('<') ? this.typeArgs() : undefined;
      if (!mut && (this.is('{') || this.is('('))) {
        const positional = this.is('(');
        const { fields, rest } = this.destructure(() => this.bind(), (name, fmut): A.Bind => ({ kind: 'var', mut: fmut, name, loc: name.loc }), 'to close the unpacking');
        return { kind: 'unpack', path, typeArgs, positional, fields: fields.map((f) => ({ name: f.name, bind: f.item })), rest, loc: { start, end: this.prevEnd() } };
      }
      if (path.segments.length !== 1 || typeArgs) this.fail('Expected a variable name to bind.', this.tokens[this.pos - 1]);
      return { kind: 'var', mut, name: path.segments[0], loc: { start, end: this.prevEnd() } };
    } finally {
      this.leave();
    }
  }

  // ---- expressions

  exp(): A.Exp {
    this.enter();
    try {
      const start = this.tok.start;
      if (this.is('|') || this.is('||')) return this.lambda();
      const left = this.binary(0);
      const t = this.tok;
      if (t.kind === 'punct' && ASSIGN_OPS.has(t.text) || this.isJoinedShiftAssign()) {
        let op = t.text;
        if (this.isJoinedShiftAssign()) {
          op = '>>=';
          this.next();
          this.next();
        } else this.next();
        const value = this.exp();
        return { kind: 'assign', op, target: left, value, loc: { start, end: this.prevEnd() } };
      }
      return left;
    } finally {
      this.leave();
    }
  }

  private isJoinedShiftAssign(): boolean {
    return this.is('>') && this.isAt(1, '>') && this.peek(1).joined && this.isAt(2, '=') && this.peek(2).joined;
  }

  private lambda(): A.Exp {
    const start = this.tok.start;
    const params: { pattern: A.Bind; type: A.Type | undefined }[] = [];
    if (!this.eat('||')) {
      this.expect('|');
      while (this.until('|')) {
        const pattern = this.bind();
        const type = this.eat(':') ? this.type() : undefined;
        params.push({ pattern, type });
        if (!this.eat(',')) break;
      }
      this.expect('|', 'to close the lambda parameters');
    }
    let ret: A.Type | undefined;
    if (this.eat('->')) {
      ret = this.type();
      // With a return type, the body must be a block.
      const block = this.block();
      return { kind: 'lambda', params, ret, body: { kind: 'block', block, label: undefined, loc: block.loc }, loc: { start, end: this.prevEnd() } };
    }
    const body = this.exp();
    return { kind: 'lambda', params, ret, body, loc: { start, end: this.prevEnd() } };
  }

  /** The binary operator at the current token (rejoining `>` `>` and `>` `=`), with its token count. */
  private binaryOp(): [string, number] | undefined {
    const t = this.tok;
    if (t.kind !== 'punct') return undefined;
    if (t.text === '>') {
      const n = this.peek();
      if (n.kind === 'punct' && n.joined && n.text === '>') {
        const n2 = this.peek(2);
        if (n2.kind === 'punct' && n2.joined && n2.text === '=') return undefined; // `>>=` assignment
        return ['>>', 2];
      }
      if (n.kind === 'punct' && n.joined && n.text === '=') {
        // `>=` (but `>==` is not a thing); `x >= y`
        return ['>=', 2];
      }
      return ['>', 1];
    }
    if (t.text === '<' && this.isAt(1, '==>')) return undefined;
    return t.text in BINARY_PRECEDENCE ? [t.text, 1] : undefined;
  }

  private binary(minPrec: number): A.Exp {
    this.enter();
    try {
      const start = this.tok.start;
      let left = this.unary();
      for (;;) {
        if (this.is('as')) {
          if (CAST_PRECEDENCE <= minPrec) break;
          this.next();
          const type = this.type();
          left = { kind: 'cast', exp: left, type, loc: { start, end: this.prevEnd() } };
          continue;
        }
        const op = this.binaryOp();
        if (!op) break;
        const prec = BINARY_PRECEDENCE[op[0]];
        if (prec <= minPrec) break;
        for (let k = 0; k < op[1]; k++) this.next();
        const right = this.binary(prec);
        left = { kind: 'binary', op: op[0], left, right, loc: { start, end: this.prevEnd() } };
      }
      return left;
    } finally {
      this.leave();
    }
  }

  private unary(): A.Exp {
    this.enter();
    try {
      const start = this.tok.start;
      if (this.eat('!')) return { kind: 'unary', op: '!', operand: this.unary(), loc: { start, end: this.prevEnd() } };
      if (this.eat('*')) return { kind: 'unary', op: '*', operand: this.unary(), loc: { start, end: this.prevEnd() } };
      if (this.eat('&')) {
        const op = this.eat('mut') ? '&mut' : '&';
        return { kind: 'unary', op, operand: this.unary(), loc: { start, end: this.prevEnd() } };
      }
      if (this.is('&&')) {
        // `&&x`: a reference to a reference; parse as two borrows and let the type checker reject it.
        this.next();
        const inner: A.Exp = { kind: 'unary', op: '&', operand: this.unary(), loc: { start: start + 1, end: this.prevEnd() } };
        return { kind: 'unary', op: '&', operand: inner, loc: { start, end: this.prevEnd() } };
      }
      if ((this.is('move') || this.is('copy')) && (this.peek().kind === 'ident' || this.peek().kind === 'macroIdent')) {
        const op = this.next().text as 'move' | 'copy';
        const name = this.identifier('a variable name');
        return { kind: 'name', path: { kind: 'path', segments: [name], loc: name.loc }, typeArgs: undefined, moveOrCopy: op, loc: { start, end: this.prevEnd() } };
      }
      return this.dotChain();
    } finally {
      this.leave();
    }
  }

  private dotChain(): A.Exp {
    const start = this.tok.start;
    let e = this.term();
    for (;;) {
      if (this.is('.')) {
        this.next();
        const t = this.tok;
        let field: A.Name;
        if (t.kind === 'number') {
          this.next();
          field = { value: t.text, loc: { start: t.start, end: t.end } };
        } else field = this.identifier('a field or method name after "."');
        const macro = this.is('!') && (this.isAt(1, '(') || this.isAt(1, '<')) && this.eat('!');
        const typeArgs = this.is('<') ? this.maybeTypeArgs() : undefined;
        if (this.is('(')) {
          const args = this.args('(', ')');
          e = { kind: 'methodCall', receiver: e, method: field, typeArgs, args, macro, loc: { start, end: this.prevEnd() } };
        } else {
          if (macro || typeArgs) this.fail(`Expected '(' to call method '${field.value}'.`);
          e = { kind: 'field', base: e, field, loc: { start, end: this.prevEnd() } };
        }
      } else if (this.is('[')) {
        const index = this.args('[', ']');
        e = { kind: 'index', base: e, index, loc: { start, end: this.prevEnd() } };
      } else break;
    }
    return e;
  }

  private args(open: string, close: string): A.Exp[] {
    this.expect(open);
    const out: A.Exp[] = [];
    while (this.until(close)) {
      out.push(this.exp());
      if (!this.eat(',')) break;
    }
    this.expect(close, open === '(' ? 'to close the arguments' : undefined);
    return out;
  }

  private value(): A.Value {
    const t = this.tok;
    const loc = { start: t.start, end: t.end };
    if (t.kind === 'number') {
      this.next();
      return { kind: 'number', text: t.text, loc };
    }
    if (t.kind === 'byteString') {
      this.next();
      return { kind: 'byteString', text: t.text, loc };
    }
    if (t.kind === 'hexString') {
      this.next();
      return { kind: 'hexString', text: t.text, loc };
    }
    if (this.is('true') || this.is('false')) {
      this.next();
      return { kind: 'bool', value: t.text === 'true', loc };
    }
    if (this.is('@')) {
      this.next();
      const a = this.tok;
      if (a.kind !== 'number' && a.kind !== 'ident') this.fail(`Expected an address after '@', found ${this.describe(a)}.`);
      this.next();
      return { kind: 'address', text: a.text, loc: { start: t.start, end: a.end } };
    }
    this.fail(`Expected a value, found ${this.describe(t)}.`);
  }

  private optionalLabel(): A.Name | undefined {
    if (this.tok.kind !== 'label') return undefined;
    const t = this.next();
    return { value: t.text, loc: { start: t.start, end: t.end } };
  }

  /** Whether the current token can start an expression (for `return`/`abort`/`break` operands). */
  private startsExp(): boolean {
    const t = this.tok;
    if (t.kind === 'eof') return false;
    if (t.kind === 'punct') return ['(', '{', '!', '*', '&', '&&', '@', '|', '||'].includes(t.text);
    if (t.kind === 'ident') return !['else'].includes(t.text);
    return true;
  }

  private term(): A.Exp {
    const t = this.tok;
    const start = t.start;
    const end = () => ({ start, end: this.prevEnd() });
    if (t.kind === 'label') {
      // `'a: loop {}`, `'a: while (..) {}`, `'a: { ... }`
      const label = this.optionalLabel();
      this.expect(':', 'after the label');
      if (this.is('loop') || this.is('while')) return this.loopLike(label, start);
      const block = this.block(label);
      return { kind: 'block', block, label, loc: end() };
    }
    if (t.kind === 'punct') {
      switch (t.text) {
        case '(': {
          this.next();
          if (this.eat(')')) return { kind: 'tuple', elems: [], loc: end() };
          const first = this.exp();
          if (this.eat(':')) {
            const type = this.type();
            this.expect(')', 'to close the type annotation');
            return { kind: 'annotate', exp: first, type, loc: end() };
          }
          if (this.is('as')) {
            // Legacy `(e as T)`; also handled by castExp, kept for clarity in errors.
            this.next();
            const type = this.type();
            this.expect(')');
            return { kind: 'cast', exp: first, type, loc: end() };
          }
          const elems = [first];
          while (this.eat(',')) {
            if (this.is(')')) break;
            elems.push(this.exp());
          }
          this.expect(')', 'to close the parenthesis');
          if (elems.length === 1) return first;
          return { kind: 'tuple', elems, loc: end() };
        }
        case '{': {
          const block = this.block();
          return { kind: 'block', block, label: undefined, loc: end() };
        }
        case '@':
          return this.value();
      }
      this.fail(`Expected an expression, found ${this.describe(t)}.`);
    }
    if (t.kind === 'number') {
      if (this.isAt(1, '::')) return this.nameExp();
      return this.value();
    }
    if (t.kind === 'byteString' || t.kind === 'hexString') return this.value();
    if (t.kind === 'macroIdent') return this.nameExp();
    if (t.kind !== 'ident') this.fail(`Expected an expression, found ${this.describe(t)}.`);
    switch (t.text) {
      case 'true':
      case 'false':
        return this.value();
      case 'if': {
        this.next();
        this.expect('(', "after 'if'");
        const cond = this.exp();
        this.expect(')', 'to close the condition');
        const then = this.exp();
        const els = this.eat('else') ? this.exp() : undefined;
        return { kind: 'if', cond, then, else: els, loc: end() };
      }
      case 'while':
      case 'loop':
        return this.loopLike(undefined, start);
      case 'break': {
        this.next();
        const label = this.optionalLabel();
        const value = this.startsExp() && !this.is(';') && !this.is('}') && !this.is(')') && !this.is(',') ? this.exp() : undefined;
        return { kind: 'break', label, value, loc: end() };
      }
      case 'continue': {
        this.next();
        return { kind: 'continue', label: this.optionalLabel(), loc: end() };
      }
      case 'return': {
        this.next();
        const label = this.optionalLabel();
        const value = this.startsExp() && !this.is(';') && !this.is('}') && !this.is(')') && !this.is(',') ? this.exp() : undefined;
        return { kind: 'return', label, value, loc: end() };
      }
      case 'abort': {
        this.next();
        const code = this.startsExp() && !this.is(';') && !this.is('}') && !this.is(')') && !this.is(',') ? this.exp() : undefined;
        return { kind: 'abort', code, loc: end() };
      }
      case 'match':
        if (this.isAt(1, '(')) return this.match();
        break;
      case 'vector':
        if (this.isAt(1, '[') || this.isAt(1, '<')) {
          this.next();
          const elemType = this.is('<') ? this.typeArgs() : undefined;
          if (this.is('[')) {
            const elems = this.args('[', ']');
            if (elemType && elemType.length !== 1) this.fail('A vector literal takes exactly one element type: vector<T>[...].');
            return { kind: 'vector', elemType: elemType?.[0], elems, loc: end() };
          }
          this.fail(`Expected '[' to start the vector literal, found ${this.describe(this.tok)}.`);
        }
        break;
      case 'spec':
        if (this.isAt(1, '{')) {
          this.next();
          this.balanced('{', '}');
          return { kind: 'spec', loc: end() };
        }
        break;
    }
    if (RESERVED.has(t.text)) this.fail(`Expected an expression, found the keyword '${t.text}'.`);
    return this.nameExp();
  }

  private loopLike(label: A.Name | undefined, start: number): A.Exp {
    if (this.eat('loop')) {
      const body = this.exp();
      return { kind: 'loop', label, body, loc: { start, end: this.prevEnd() } };
    }
    this.expect('while');
    this.expect('(', "after 'while'");
    const cond = this.exp();
    this.expect(')', 'to close the condition');
    const body = this.exp();
    return { kind: 'while', label, cond, body, loc: { start, end: this.prevEnd() } };
  }

  private nameExp(): A.Exp {
    const start = this.tok.start;
    const path = this.path();
    const macro = this.is('!') && (this.isAt(1, '(') || this.isAt(1, '<')) && this.eat('!');
    const typeArgs = this.maybeTypeArgs();
    if (this.is('(')) {
      const args = this.args('(', ')');
      return { kind: 'call', path, typeArgs, args, macro, loc: { start, end: this.prevEnd() } };
    }
    if (macro) this.fail(`Expected '(' to call macro '${path.segments.at(-1)!.value}!'.`);
    if (this.is('{') && !RESERVED.has(path.segments[0].value)) {
      this.next();
      const fields: { name: A.Name; value: A.Exp }[] = [];
      while (this.until('}')) {
        const name = this.identifier('a field name');
        const value: A.Exp = this.eat(':') ? this.exp() : { kind: 'name', path: { kind: 'path', segments: [name], loc: name.loc }, typeArgs: undefined, loc: name.loc };
        fields.push({ name, value });
        if (!this.eat(',')) break;
      }
      this.expect('}', 'to close the struct value');
      return { kind: 'pack', path, typeArgs, fields, loc: { start, end: this.prevEnd() } };
    }
    return { kind: 'name', path, typeArgs, loc: { start, end: this.prevEnd() } };
  }

  private match(): A.Exp {
    const start = this.expect('match').start;
    this.expect('(', "after 'match'");
    const subject = this.exp();
    this.expect(')', 'to close the matched value');
    this.expect('{', 'to start the match arms');
    const arms: A.MatchArm[] = [];
    while (!this.is('}') && this.tok.kind !== 'eof') {
      const before = this.pos;
      try {
        const astart = this.tok.start;
        const pattern = this.pattern();
        let guard: A.Exp | undefined;
        if (this.eat('if')) {
          this.expect('(', "after 'if' in a match guard");
          guard = this.exp();
          this.expect(')', 'to close the guard');
        }
        this.expect('=>', 'after the pattern');
        const body = this.exp();
        arms.push({ pattern, guard, body, loc: { start: astart, end: this.prevEnd() } });
        if (!this.eat(',') && !this.is('}') && !endsWithBlock(body)) this.fail(`Expected ',' or '}' after the match arm, found ${this.describe(this.tok)}.`);
      } catch (e) {
        this.report(e);
        this.skipUntil((t) => t.kind === 'punct' && (t.text === ',' || t.text === '}'));
        this.eat(',');
      }
      if (this.pos === before) this.next();
    }
    this.expect('}', 'to close the match');
    return { kind: 'match', subject, arms, loc: { start, end: this.prevEnd() } };
  }

  /**
   * The fields of an unpacking (`S { a, b: mut x, .. }` or `S(x, _)`), starting at `{` or `(`; `item` parses a
   * field's sub-pattern, `shorthand` makes the one of `{ a }` / `{ mut a }`.
   */
  private destructure<T extends { loc: A.Loc }>(item: () => T, shorthand: (name: A.Name, mut: boolean) => T, closing: string): { fields: { name: A.Name; item: T }[]; rest: boolean } {
    const close = this.is('(') ? ')' : '}';
    const positional = close === ')';
    this.next();
    const fields: { name: A.Name; item: T }[] = [];
    let rest = false;
    while (this.until(close)) {
      if (this.eat('..')) {
        rest = true;
        break;
      }
      if (positional) {
        const x = item();
        fields.push({ name: { value: String(fields.length), loc: x.loc }, item: x });
      } else {
        const fmut = this.eat('mut');
        const name = this.identifier('a field name');
        fields.push({ name, item: this.eat(':') ? item() : shorthand(name, fmut) });
      }
      if (!this.eat(',')) break;
    }
    this.expect(close, closing);
    return { fields, rest };
  }

  private pattern(): A.Pattern {
    this.enter();
    try {
      const start = this.tok.start;
      const first = this.atomPattern();
      if (!this.is('|')) return first;
      const alts = [first];
      while (this.eat('|')) alts.push(this.atomPattern());
      return { kind: 'or', alts, loc: { start, end: this.prevEnd() } };
    } finally {
      this.leave();
    }
  }

  private atomPattern(): A.Pattern {
    const start = this.tok.start;
    const t = this.tok;
    if (this.is('(')) {
      this.next();
      const p = this.pattern();
      this.expect(')');
      return p;
    }
    if (t.kind === 'number' && !this.isAt(1, '::') || t.kind === 'byteString' || t.kind === 'hexString' || this.is('true') || this.is('false') || this.is('@')) {
      const value = this.value();
      return { kind: 'literal', value, loc: value.loc };
    }
    if (this.is('_') && !this.isAt(1, '::')) {
      this.next();
      return { kind: 'wildcard', loc: { start, end: this.prevEnd() } };
    }
    const mut = this.eat('mut');
    const path = this.path();
    if (mut || (path.segments.length === 1 && this.is('@'))) {
      if (this.eat('@')) {
        const pattern = this.atomPattern();
        return { kind: 'at', name: path.segments[0], mut, pattern, loc: { start, end: this.prevEnd() } };
      }
      return { kind: 'binder', mut, name: path.segments[0], loc: { start, end: this.prevEnd() } };
    }
    const typeArgs = this.is('<') ? this.typeArgs() : undefined;
    if (this.is('(') || this.is('{')) {
      const positional = this.is('(');
      const { fields, rest } = this.destructure(() => this.pattern(), (name, fmut): A.Pattern => ({ kind: 'binder', mut: fmut, name, loc: name.loc }), 'to close the pattern');
      return { kind: 'ctor', path, typeArgs, positional, fields: fields.map((f) => ({ name: f.name, pattern: f.item })), rest, loc: { start, end: this.prevEnd() } };
    }
    // A single lowercase-or-any name is ambiguous (variant without fields or binder): resolution decides.
    if (path.segments.length === 1 && !typeArgs) return { kind: 'binder', mut: false, name: path.segments[0], loc: { start, end: this.prevEnd() } };
    return { kind: 'ctor', path, typeArgs, positional: undefined, fields: [], rest: false, loc: { start, end: this.prevEnd() } };
  }
}

/** Expressions ending in a block may be followed by another statement without `;`. */
function endsWithBlock(e: A.Exp): boolean {
  switch (e.kind) {
    case 'block':
    case 'match':
      return true;
    case 'if':
      return endsWithBlock(e.else ?? e.then);
    case 'while':
    case 'loop':
      return endsWithBlock(e.body);
    default:
      return false;
  }
}
