// Move diagnostics as you type, from Chainstep's own Move front end (language/move) wired into the server as
// `chainstep lsp` runs it: on MoveStdlib's real sources (../shared), an unsaved type error shows at its
// characters with the front end's message, a syntax error shows at once, and both clear when fixed.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from '../../language-server/server.ts';
import { chainstepMoveFrontEnd } from '../../language-server/move/front-end.ts';
import { LspClient, positionOf } from './lsp-client.ts';
import { frameworkSrc } from '../language/move/corpus.ts';

const stdlib = path.join(frameworkSrc, 'move-stdlib');
const present = existsSync(path.join(stdlib, 'Move.toml'));
const skip = present ? false : `MoveStdlib sources not found at ${stdlib}`;

let client: LspClient;
before(async () => {
  if (!present) return;
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(toServer, toClient), { moveFrontEnd: chainstepMoveFrontEnd() });
  client = await LspClient.over(toClient, toServer);
});
after(() => client?.stop());

test('a type error typed into MoveStdlib option.move shows at its characters and clears when fixed', { skip }, async () => {
  const file = path.join(stdlib, 'sources/option.move');
  const original = readFileSync(file, 'utf8');
  const uri = client.open(file, original, 'move');
  // The real package checks clean.
  assert.deepEqual(await client.waitForDiagnostics(uri, (d) => d.length === 0, 120_000), []);
  // `is_none` returns bool: make its body a number (unsaved edit, with a multi-byte comment above it).
  const broken = original.replace('    t.vec.is_empty()\n}', '    // é😀\n    42\n}');
  assert.notEqual(broken, original);
  client.change(uri, broken);
  const [d, ...rest] = await client.waitForDiagnostics(uri, (x) => x.length > 0, 120_000);
  assert.equal(rest.length, 0, `one diagnostic, got ${JSON.stringify([d, ...rest])}`);
  assert.equal(d!.source, 'chainstep-move');
  assert.match(typeof d!.message === 'string' ? d!.message : d!.message.value, /bool/);
  const at = positionOf(broken, '42');
  assert.equal(d!.range.start.line, at.line, `on the line of 42: ${JSON.stringify(d)}`);
  client.change(uri, original);
  assert.deepEqual(await client.waitForDiagnostics(uri, (x) => x.length === 0, 120_000), []);
  client.close(uri);
});

test('hover gives the type of a variable and go to definition finds the declaration, in MoveStdlib option.move', { skip }, async () => {
  const file = path.join(stdlib, 'sources/option.move');
  const text = readFileSync(file, 'utf8');
  const uri = client.open(file, text, 'move');
  assert.deepEqual(await client.waitForDiagnostics(uri, (d) => d.length === 0, 120_000), []);
  const isSome = text.indexOf('public fun is_some<Element>(t: &Option<Element>)');
  assert.ok(isSome > 0);
  // The parameter `t` of is_some.
  const tAt = positionOf(text.slice(0, isSome) + text.slice(isSome).replace('(t: &', '(@: &'), '@');
  const hover = await client.hover(uri, tAt);
  const shown = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover);
  assert.match(shown, /t: &(std::option::)?Option<Element>/);
  // `Option` in that signature goes to `public struct Option` (line 9 of the file).
  const optionAt = positionOf(text.slice(0, isSome) + text.slice(isSome).replace('&Option<', '&@ption<'), '@');
  const [def] = await client.definition(uri, optionAt);
  assert.ok(def, 'a definition');
  assert.equal(path.resolve(new URL(def!.uri).pathname), file);
  assert.equal(def!.range.start.line, text.slice(0, text.indexOf('public struct Option')).split('\n').length - 1);
  client.close(uri);
});

test('a syntax error in a Move file outside any package is reported by the parser', { skip }, async () => {
  const file = path.join(path.dirname(stdlib), 'scratch-not-a-package.move');
  const text = 'module 0x1::m {\n    fun f( { }\n}\n';
  const uri = client.open(file, text, 'move');
  const [d] = await client.waitForDiagnostics(uri, (x) => x.length > 0, 60_000);
  assert.equal(d!.severity, 1);
  assert.equal(d!.range.start.line, 1, JSON.stringify(d));
  client.close(uri);
});

test('a use after move typed into MoveStdlib option.move shows where the value is used again, with the line it moved at', { skip }, async () => {
  const file = path.join(stdlib, 'sources/option.move');
  const original = readFileSync(file, 'utf8');
  const uri = client.open(file, original, 'move');
  assert.deepEqual(await client.waitForDiagnostics(uri, (d) => d.length === 0, 120_000), []);
  // `e: Element` (no `copy`) is pushed twice: the second push uses a moved value.
  const broken = original.replace('    vec_ref.push_back(e);\n    old_value\n}', '    vec_ref.push_back(e);\n    vec_ref.push_back(e /* again */);\n    old_value\n}');
  assert.notEqual(broken, original);
  client.change(uri, broken);
  const [d, ...rest] = await client.waitForDiagnostics(uri, (x) => x.length > 0, 120_000);
  assert.equal(rest.length, 0, `one diagnostic, got ${JSON.stringify([d, ...rest])}`);
  const movedLine = positionOf(broken, 'vec_ref.push_back(e);').line + 1;
  assert.equal(typeof d!.message === 'string' ? d!.message : d!.message.value, `Invalid usage of local 'e': it was moved at line ${movedLine}.`);
  assert.deepEqual(d!.range.start, positionOf(broken, 'e /* again */'));
  client.change(uri, original);
  assert.deepEqual(await client.waitForDiagnostics(uri, (x) => x.length === 0, 120_000), []);
  client.close(uri);
});
