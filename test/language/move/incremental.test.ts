// A recheck after an edit that reuses the unchanged modules' body results (as the language server does)
// reports exactly what a full check of the edited package reports: the same diagnostics, references (with
// targets in the edited file moved by the edit) and hover types, on the Sui framework's real sources. An
// edit that changes a declaration is checked in full.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkPackage } from '../../../language/move/check-package.ts';
import type { Program } from '../../../language/move/program.ts';
import { MoveWorkspace } from '../../../language/move/workspace.ts';
import { frameworkSrc } from './corpus.ts';

const sui = path.join(frameworkSrc, 'sui-framework');
const coin = path.join(sui, 'sources/coin.move');
const skip = existsSync(coin) ? false : '../shared/fixtures/move/sui-framework-src not found';

/** What a user sees of a check, in a stable order. */
function seen(p: Program) {
  const sort = (xs: string[]) => xs.sort();
  return {
    diagnostics: sort(p.diagnostics.map((d) => `${d.file}:${d.range.start}-${d.range.end} ${d.severity} ${d.code} ${d.message}`)),
    references: sort(p.references.map((r) => `${r.file}:${r.loc.start}-${r.loc.end} ${r.kind} ${r.name} -> ${r.targetFile}:${r.targetLoc.start}-${r.targetLoc.end}`)),
    types: sort(p.types.map((t) => `${t.file}:${t.loc.start}-${t.loc.end} ${t.text}`)),
  };
}

const original = existsSync(coin) ? readFileSync(coin, 'utf8') : '';

/** Each edit of coin.move, applied to the original text. */
const edits: Record<string, (text: string) => string> = {
  'a doc comment (shifts every later declaration)': (t) => t.replace('Trying to split', 'Trying, as it happens, to split'),
  'a type error inside a function body': (t) => t.replace(/(public fun value<T>\(self: &Coin<T>\): u64 \{\s*)self\.balance\.value\(\)/, '$1self.balance.value() + true'),
  'a new local in the first function body (shifts what follows)': (t) => t.replace(/(public fun total_supply<T>\(cap: &TreasuryCap<T>\): u64 \{)/, '$1\n    let _unused_here = 40 + 2;'),
  'two places at once (a comment and a body, as one debounced recheck)': (t) => t.replace('Trying, as it happens, to split', 'Trying to split').replace(/(public fun value<T>\(self: &Coin<T>\): u64 \{)/, '$1 let _e = 7;'),
  'a changed signature (checked in full)': (t) => t.replace('public fun value<T>(self: &Coin<T>): u64', 'public fun value<T>(self: &Coin<T>): u128'),
};

test('incremental recheck of the Sui framework equals a full check, edit after edit', { skip }, () => {
  const cache = new Map();
  let previous = checkPackage(sui, { test: true, parseCache: cache }).program;
  let text = original;
  for (const [what, edit] of Object.entries(edits)) {
    const next = edit(text);
    assert.notEqual(next, text, `the edit "${what}" applies`);
    text = next;
    const overlays = new Map([[coin, Buffer.from(text)]]);
    const incremental = checkPackage(sui, { test: true, parseCache: cache, overlays, reuseBodiesFrom: previous }).program;
    const full = checkPackage(sui, { test: true, overlays }).program;
    assert.deepEqual(seen(incremental), seen(full), `after ${what}`);
    const retyped = incremental.expTypes.size / full.expTypes.size;
    if (what.includes('checked in full')) assert.equal(retyped, 1, 'a declaration changed: every module typed again');
    else assert.ok(retyped < 0.2, `after ${what}: only the edited module typed again (${(100 * retyped).toFixed(1)}% of the expressions)`);
    previous = incremental;
  }
  assert.ok(seen(previous).diagnostics.some((d) => d.includes('coin.move')), 'the edits left errors in coin.move to report');
});

test('the editor view rechecks incrementally and answers for the edited text', { skip }, () => {
  const ws = new MoveWorkspace();
  const errorsIn = (file: string) => ws.diagnostics(file).filter((d) => d.severity === 'error' && d.file === file);
  assert.deepEqual(errorsIn(coin), []);
  ws.setDocument(coin, edits['a type error inside a function body']!(original));
  const errors = errorsIn(coin);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  ws.setDocument(coin, original);
  assert.deepEqual(errorsIn(coin), [], 'cleared when fixed');
});
