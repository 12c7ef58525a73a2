// The import rules of docs/ARCHITECTURE.md, checked on every source file: backends never import DAP, VS Code
// or each other; the session imports only the core contract (and the DAP library); the command line is the
// only place that knows both, and there only backends.ts names backends; the language folder is shared by
// the debugger and the language server, which never import each other; the extension is VS Code glue;
// `protocol/` holds the custom DAP events' shapes, imported type-only by the core and the extension.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED = ['debug-adapter', 'language', 'language-server', 'extension', 'protocol'];
/** Folders of debug-adapter/ that are not VM backends; any other folder there is a backend. */
const NOT_BACKENDS = new Set(['core', 'session', 'cli']);
const EDITOR_PACKAGES = /^(vscode$|@vscode\/|vscode-languageclient|vscode-languageserver)/;
const DAP_PACKAGES = /^@vscode\/debug(adapter|protocol)$/;

export interface SourceText {
  /** Path relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

/** Every module specifier a file imports: static, type-only, re-exports, dynamic imports and requires. */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const p of patterns) for (const m of text.matchAll(p)) found.push(m[1]!);
  return found;
}

/** Modules a file imports only with `import type` / `export type` (nothing of them exists at run time). */
export function typeOnlyImportsOf(text: string): Set<string> {
  const typed = [...text.matchAll(/\b(?:import|export)\s+type\s+[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const all = importsOf(text);
  return new Set(typed.filter((spec) => all.filter((s) => s === spec).length === typed.filter((s) => s === spec).length));
}

/** The part a repository path belongs to: "debug-adapter/evm", "language", "extension", ... */
function partOf(file: string): string {
  const [top, second] = file.split('/');
  return top === 'debug-adapter' ? `debug-adapter/${second}` : top!;
}

function isBackend(part: string): boolean {
  return part.startsWith('debug-adapter/') && !NOT_BACKENDS.has(part.slice('debug-adapter/'.length));
}

/** Which other parts a part may import (its own files always). */
function mayImport(from: string, to: string, file: string, typeOnly: boolean): boolean {
  if (from === to) return true;
  switch (from) {
    case 'debug-adapter/core':
      // The custom DAP events' shapes, type-only, shared with the extension (the other end of the wire).
      return to === 'protocol' && typeOnly;
    case 'debug-adapter/session':
      return to === 'debug-adapter/core';
    case 'debug-adapter/cli':
      // Wires backends into the session; only backends.ts names the backends ("a third VM is one line").
      if (isBackend(to)) return file === 'debug-adapter/cli/backends.ts';
      // The `chainstep` command starts either program: `chainstep lsp` loads the server's entry on demand,
      // and nothing else of the debugger touches the language server.
      if (to === 'language-server') return file === 'debug-adapter/cli/main.ts';
      return to.startsWith('debug-adapter/') || to === 'language';
    case 'language':
    case 'protocol':
      return false;
    case 'language-server':
      return to === 'language';
    case 'extension':
      return to === 'language' || (to === 'protocol' && typeOnly);
    default:
      if (isBackend(from)) return to === 'debug-adapter/core' || to === 'language';
      return false;
  }
}

/** Which packages a part may import: backends and the language folder no editor or DAP packages, the core none. */
function mayImportPackage(from: string, pkg: string): boolean {
  if (pkg.startsWith('node:')) return true;
  if (from === 'debug-adapter/core') return false;
  if (from === 'debug-adapter/session' || from === 'debug-adapter/cli') return !EDITOR_PACKAGES.test(pkg) || DAP_PACKAGES.test(pkg);
  if (isBackend(from) || from === 'language') return !EDITOR_PACKAGES.test(pkg);
  return true;
}

/** Every import that breaks a rule, as "file: imports spec (why)". */
export function violations(files: readonly SourceText[]): string[] {
  const out: string[] = [];
  for (const { path: file, text } of files) {
    const from = partOf(file);
    const types = typeOnlyImportsOf(text);
    for (const spec of importsOf(text)) {
      const typeOnly = types.has(spec);
      if (spec.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (target.startsWith('..')) {
          out.push(`${file}: imports ${spec} (outside the repository)`);
          continue;
        }
        const to = partOf(target);
        if (!SCANNED.includes(target.split('/')[0]!)) out.push(`${file}: imports ${spec} (${to} is not part of the product)`);
        else if (!mayImport(from, to, file, typeOnly)) out.push(`${file}: imports ${spec} (${from} may not import ${to})`);
      } else if (!mayImportPackage(from, spec)) {
        out.push(`${file}: imports ${spec} (${from} may not import this package)`);
      }
    }
  }
  return out;
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(full).isDirectory()) yield* sources(full);
    else if (/\.(ts|mts|js|mjs|cjs)$/.test(entry)) yield full;
  }
}

test('every source file follows the import rules of docs/ARCHITECTURE.md', () => {
  const files: SourceText[] = [];
  for (const top of SCANNED) {
    const dir = path.join(root, top);
    if (!existsSync(dir)) continue;
    for (const file of sources(dir)) files.push({ path: path.relative(root, file).split(path.sep).join('/'), text: readFileSync(file, 'utf8') });
  }
  assert.ok(files.length > 50, `scanned ${files.length} files`);
  assert.deepEqual(violations(files), []);
});

test('one byte offset -> line/column index: language/text/line-index.ts, used by the debugger and the language server', () => {
  // A table of line starts built from bytes, or a class of its own, elsewhere would be a second index.
  const second = /===\s*0x0a\)\s*\w+\.push\(|class\s+LineIndex\b/;
  const found: string[] = [];
  for (const top of SCANNED) {
    const dir = path.join(root, top);
    if (!existsSync(dir)) continue;
    for (const file of sources(dir)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      if (rel !== 'language/text/line-index.ts' && second.test(readFileSync(file, 'utf8'))) found.push(rel);
    }
  }
  assert.deepEqual(found, []);
});

test('the check catches each kind of violation', () => {
  const found = violations([
    { path: 'debug-adapter/evm/x.ts', text: "import { DebugSession } from '@vscode/debugadapter';" },
    { path: 'debug-adapter/move/x.ts', text: "import type { Frame } from '../evm/execution.ts';" },
    { path: 'debug-adapter/session/x.ts', text: "import {\n  moveBackend,\n} from '../move/backend.ts';" },
    { path: 'debug-adapter/cli/main.ts', text: "const m = await import('../move/trace/command.ts');" },
    { path: 'debug-adapter/core/x.ts', text: "export { x } from '../session/session.ts';" },
    { path: 'language/x.ts', text: "import * as vscode from 'vscode';" },
    { path: 'language-server/x.ts', text: "import { Navigator } from '../debug-adapter/session/navigator.ts';" },
    { path: 'extension/x.ts', text: "import { backends } from '../debug-adapter/cli/backends.ts';" },
    { path: 'debug-adapter/wasm/x.ts', text: "import { languages } from 'vscode';" },
    { path: 'extension/x.ts', text: "import { SLICE } from '../protocol/gas.ts';" },
    { path: 'protocol/x.ts', text: "import type { Frame } from '../debug-adapter/core/execution.ts';" },
    { path: 'debug-adapter/evm/x.ts', text: "import type { GasReport } from '../../protocol/gas.ts';" },
  ]);
  assert.equal(found.length, 12, found.join('\n'));
  // And what is allowed passes.
  assert.deepEqual(
    violations([
      { path: 'debug-adapter/cli/backends.ts', text: "import { evmBackend } from '../evm/backend.ts';" },
      { path: 'debug-adapter/evm/x.ts', text: "import type { Execution } from '../core/execution.ts';\nimport { x } from '../../language/text/line-index.ts';" },
      { path: 'language-server/x.ts', text: "import { LineIndex } from '../language/text/line-index.ts';" },
      { path: 'extension/x.ts', text: "import type { LineGasEvent } from '../protocol/gas.ts';\nexport type { GasItem } from '../protocol/gas.ts';" },
      { path: 'debug-adapter/core/x.ts', text: "import type { GasReport } from '../../protocol/gas.ts';" },
    ]),
    [],
  );
});
