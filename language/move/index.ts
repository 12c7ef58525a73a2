// The Move front end, shared by the language server (diagnostics, symbols) and the debugger/compiler.
// It has no dependency on the bytecode backend: importing it pulls in no VM or serializer code.
export { parse, type ParseResult } from './parser.ts';
export { lex, type Token, type TokenKind } from './lexer.ts';
export type { Diagnostic, ByteRange, Severity } from './diagnostics.ts';
export type * as Ast from './ast.ts';
