// The Move front end, shared by the language server (diagnostics, symbols) and the debugger/compiler.
// It has no dependency on the bytecode backend: importing it pulls in no VM or serializer code.
export { parse, type ParseResult } from './parser.ts';
export { lex, type Token, type TokenKind } from './lexer.ts';
export type { Diagnostic, ByteRange, Severity } from './diagnostics.ts';
export type * as Ast from './ast.ts';
export { MoveWorkspace, documentSymbols, typeAt, type DocumentSymbol } from './workspace.ts';
export { checkPackage, type CheckedPackage, type CheckOptions } from './check-package.ts';
export { buildProgram, type Program, type ModuleInfo, type Reference, type SourceFile, type TypeAt } from './program.ts';
export { loadPackageGraph, readManifest, ManifestError, type Manifest, type PackageGraph } from './manifest.ts';
export { typeToString, type Ty } from './types.ts';
