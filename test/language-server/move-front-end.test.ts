// The seam for the Move front end: a server started with a `MoveFrontEnd` publishes what it reports for
// .move files (UTF-16 ranges, other files of the package too), passes the editor's unsaved text, drops the
// result of a check a newer edit superseded, and clears diagnostics when fixed or closed. The front end here
// is a small checker written for this test (the real one plugs into the same interface).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import type { MoveDiagnostic, MoveFrontEnd } from '../../language/move/front-end.ts';
import { startServer } from '../../language-server/server.ts';
import { LspClient, positionOf, repoRoot } from './lsp-client.ts';

/** Reports every `todo!` as an error; a text marked "slow" finishes only after the next check has started. */
const checked: string[] = [];
let nextCheckStarted: () => void = () => {};
const frontEnd: MoveFrontEnd = {
  name: 'test-move',
  async check(file, openFiles) {
    const text = openFiles.get(file) ?? '';
    checked.push(text);
    nextCheckStarted();
    if (text.includes('slow')) await new Promise<void>((r) => (nextCheckStarted = r));
    else await new Promise((r) => setTimeout(r, 10));
    const found: MoveDiagnostic[] = [];
    for (let at = text.indexOf('todo!'); at >= 0; at = text.indexOf('todo!', at + 1)) {
      found.push({ path: file, start: at, end: at + 5, severity: 'error', message: 'not implemented', code: 'T1' });
    }
    return found;
  },
};

let client: LspClient;
before(async () => {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(toServer, toClient), { moveFrontEnd: frontEnd });
  client = await LspClient.over(toClient, toServer);
});
after(() => client.stop());

test('front-end diagnostics are published with UTF-16 ranges and cleared when fixed', async () => {
  const file = path.join(repoRoot, 'samples/m.move');
  const text = 'module 0x1::m {\n    // déjà 😀\n    fun f() { todo! }\n}\n';
  const uri = client.open(file, text, 'move');
  const [d] = await client.waitForDiagnostics(uri, (x) => x.length === 1);
  assert.deepEqual(d!.range.start, positionOf(text, 'todo!'));
  assert.equal(d!.source, 'test-move');
  assert.equal(checked.at(-1), text, 'the unsaved editor text is what is checked');
  assert.equal(fileURLToPath(uri), file);

  // A slow check overtaken by a newer edit: only the newer result shows.
  client.change(uri, text.replace('fun f() { todo! }', 'fun f() { todo! todo! } // slow'));
  while (!checked.at(-1)!.includes('slow')) await new Promise((r) => setTimeout(r, 20)); // the slow check runs
  const fixedAt = client.events.length;
  client.change(uri, text.replace('fun f() { todo! }', 'fun f() { }'));
  await client.waitForDiagnostics(uri, (x) => x.length === 0, 10_000, false);
  await new Promise((r) => setTimeout(r, 300)); // the slow check ended when the newer one started
  assert.deepEqual(client.diagnostics.get(uri), []);
  assert.ok(client.events.slice(fixedAt).every((e) => e.diagnostics.length !== 2), 'the superseded result was never shown');

  client.change(uri, text);
  await client.waitForDiagnostics(uri, (x) => x.length === 1, 10_000, false);
  client.close(uri);
  await client.waitForDiagnostics(uri, (x) => x.length === 0, 10_000, false);
});
