// The editor-facing API on the real Sui framework: diagnostics of an edited (unsaved) module, go to
// definition across modules and packages, and the outline of a file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MoveWorkspace, documentSymbols, typeAt } from '../../../language/move/workspace.ts';
import { parse } from '../../../language/move/parser.ts';
import { frameworkSrc } from './corpus.ts';

const coin = path.join(frameworkSrc, 'sui-framework/sources/coin.move');

test('an unsaved edit gets its diagnostics; the saved file has none', (t) => {
  if (!existsSync(coin)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const ws = new MoveWorkspace();
  assert.deepEqual(ws.diagnostics(coin), []);
  const text = readFileSync(coin, 'utf8');
  const edited = text.replace('balance::supply_value(&cap.total_supply)', 'balance::supply_valu(&cap.total_supply)');
  ws.setDocument(coin, edited);
  const ds = ws.diagnostics(coin);
  assert.equal(ds.length, 1);
  assert.match(ds[0].message, /Module '0x2::balance' has no function 'supply_valu'/);
  const bytes = Buffer.from(edited);
  assert.equal(bytes.subarray(ds[0].range.start, ds[0].range.end).toString(), 'supply_valu');
  ws.closeDocument(coin);
  assert.deepEqual(ws.diagnostics(coin), []);
});

test('go to definition: a call into another module, a type from MoveStdlib, a local', (t) => {
  if (!existsSync(coin)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const ws = new MoveWorkspace();
  const bytes = readFileSync(coin);
  const call = bytes.indexOf('balance::supply_value(') + 'balance::'.length + 2;
  const fn = ws.definitionAt(coin, call)!;
  assert.equal(fn.name, '0x2::balance::supply_value');
  assert.equal(fn.targetFile, path.join(frameworkSrc, 'sui-framework/sources/balance.move'));
  const target = readFileSync(fn.targetFile);
  assert.equal(target.subarray(fn.targetLoc.start, fn.targetLoc.end).toString(), 'supply_value');

  const str = bytes.indexOf('name: string::String') + 'name: string::'.length;
  const ty = ws.definitionAt(coin, str)!;
  assert.equal(ty.name, '0x1::string::String');
  assert.equal(ty.targetFile, path.join(frameworkSrc, 'move-stdlib/sources/string.move'));

  const useOfCap = bytes.indexOf('&cap.total_supply') + 1;
  const local = ws.definitionAt(coin, useOfCap)!;
  assert.equal(local.kind, 'local');
  assert.equal(bytes.subarray(local.targetLoc.start, local.targetLoc.end).toString(), 'cap');
  assert.ok(local.targetLoc.start < useOfCap, 'the parameter is declared before its use');
});

test('document symbols list the module members with their ranges', (t) => {
  if (!existsSync(coin)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const bytes = readFileSync(coin);
  const [module] = documentSymbols(parse(bytes).unit);
  assert.equal(module.name, 'sui::coin');
  const coinStruct = module.children.find((c) => c.name === 'Coin')!;
  assert.equal(coinStruct.kind, 'struct');
  assert.deepEqual(coinStruct.children.map((f) => f.name), ['id', 'balance']);
  assert.ok(module.children.some((c) => c.kind === 'function' && c.name === 'mint' && c.detail === 'public'));
  assert.equal(bytes.subarray(coinStruct.selectionRange.start, coinStruct.selectionRange.end).toString(), 'Coin');
});

test('hover types: inferred types of locals in the framework', (t) => {
  if (!existsSync(coin)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const ws = new MoveWorkspace();
  const bytes = readFileSync(coin);
  // `let TreasuryCap { id, total_supply } = treasury;` in treasury_into_supply<T>
  const at = bytes.indexOf('let TreasuryCap { id, total_supply } = treasury;');
  assert.ok(at > 0);
  assert.equal(typeAt(ws, coin, at + 'let TreasuryCap { '.length)?.text, 'UID');
  assert.equal(typeAt(ws, coin, at + 'let TreasuryCap { id, '.length)?.text, 'Supply<T>');
  assert.equal(typeAt(ws, coin, bytes.indexOf('cap: &TreasuryCap<T>'))?.text, '&TreasuryCap<T>');
});
