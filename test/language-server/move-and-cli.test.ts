// `chainstep lsp --stdio` (the command other editors run) serves LSP; .move files get an outline (document
// symbols) of their modules, structs and functions. The outline is checked against the Sui framework sources
// in the shared fixtures, counted there with a separate line-based scan.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SymbolKind } from 'vscode-languageserver/node';
import { LspClient, positionOf, repoRoot } from './lsp-client.ts';

const coin = path.join(repoRoot, '../shared/fixtures/move/sui-framework-src/sui-framework/sources/coin.move');

let client: LspClient;
before(async () => {
  client = await LspClient.start({ command: [process.execPath, '--import', 'tsx', path.join(repoRoot, 'debug-adapter/cli/main.ts'), 'lsp', '--stdio'] });
});
after(() => client.stop());

test('chainstep lsp --stdio answers and reports a syntax error', async () => {
  const text = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\ncontract C { function f() external { uint x = ; } }\n';
  const uri = client.open(path.join(repoRoot, 'samples/solidity/token/Scratch.sol'), text);
  const [d] = await client.waitForDiagnostics(uri, (x) => x.length > 0);
  assert.equal(d!.range.start.line, 2);
  assert.deepEqual(d!.range.start, positionOf(text, '; } }'));
  client.close(uri);
});

test('a Move module written with braces: module, struct, functions, constant', async () => {
  const text = [
    'module 0x42::counter {',
    '    use std::vector;',
    '    const E_TOO_BIG: u64 = 1;',
    '    /// A counter.',
    '    struct Counter has key, store { value: u64 }',
    '    #[test_only]',
    '    public fun new(): Counter { Counter { value: 0 } }',
    '    public entry fun increment(c: &mut Counter) {',
    '        if (c.value > 10) { abort E_TOO_BIG };',
    '        c.value = c.value + 1;',
    '    }',
    '    fun helper(v: vector<u64>): u64 { vector::length(&v) }',
    '}',
    '',
  ].join('\n');
  const uri = client.open(path.join(repoRoot, 'samples/counter.move'), text, 'move');
  const [module] = await client.documentSymbols(uri);
  assert.equal(module!.name, '0x42::counter');
  assert.equal(module!.kind, SymbolKind.Module);
  assert.deepEqual(module!.children!.map((c) => [c.name, c.kind]), [
    ['E_TOO_BIG', SymbolKind.Constant], ['Counter', SymbolKind.Struct], ['new', SymbolKind.Function],
    ['increment', SymbolKind.Function], ['helper', SymbolKind.Function],
  ]);
  const increment = module!.children!.find((c) => c.name === 'increment')!;
  assert.equal(increment.detail, 'public entry fun increment(c: &mut Counter)');
  assert.deepEqual(increment.selectionRange.start, positionOf(text, 'increment('));
  assert.equal(increment.range.end.line, 10);
  client.close(uri);
});

test('the Sui framework coin.move: every function and struct of the file', { skip: existsSync(coin) ? undefined : `${coin} not found (shared fixtures absent)` }, async () => {
  const text = readFileSync(coin, 'utf8');
  const uri = client.open(coin, text, 'move');
  const [module] = await client.documentSymbols(uri);
  assert.equal(module!.name, 'sui::coin');
  // An independent count: declarations at the start of a line, after optional visibility / entry / macro.
  const functions = [...text.matchAll(/^\s*(?:public(?:\([a-z]+\))?\s+)?(?:entry\s+)?(?:macro\s+)?fun\s+(\w+)/gm)].map((m) => m[1]);
  const structs = [...text.matchAll(/^\s*(?:public\s+)?struct\s+(\w+)/gm)].map((m) => m[1]);
  const outline = module!.children!;
  assert.deepEqual(outline.filter((c) => c.kind === SymbolKind.Function).map((c) => c.name), functions);
  assert.deepEqual(outline.filter((c) => c.kind === SymbolKind.Struct).map((c) => c.name), structs);
  assert.ok(functions.length > 30);
  client.close(uri);
});
