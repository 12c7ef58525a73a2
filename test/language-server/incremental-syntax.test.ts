// Re-parsing only the edited contract member gives the same syntax errors as parsing the whole file (the
// oracle), through a session of edits inside OpenZeppelin's Governor: breaking and fixing statements,
// typing character by character, multi-byte text, edits across members (which fall back to a whole parse).
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IncrementalSyntax } from '../../language-server/solidity/incremental-syntax.ts';
import { loadSyntax, parseFile } from '../../language-server/solidity/syntax.ts';
import { repoRoot } from './lsp-client.ts';

const governor = readFileSync(path.join(repoRoot, 'node_modules/@openzeppelin/contracts/governance/Governor.sol'), 'utf8');

before(() => loadSyntax());

function replaceAt(text: string, needle: string, replacement: string): string {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return text.slice(0, at) + replacement + text.slice(at + needle.length);
}

test('member re-parses agree with whole-file parses through a session of edits', () => {
  const syntax = new IncrementalSyntax();
  let text = governor;
  assert.deepEqual(syntax.check('g', text), parseFile(text)!.errors);
  assert.equal(syntax.lastMode, 'file');
  const edits: [string, string][] = [
    ['return address(this);', 'return address(this)'], // missing semicolon
    ['return address(this)\n', 'return address(this);\n'], // fixed
    ['uint256 snapshot = proposalSnapshot(proposalId);', 'uint256 snapshot = proposalSnapshot(proposalId) +;'],
    ['return _name;', 'return _name; // naïve 😀 comment'],
    ['uint256 snapshot = proposalSnapshot(proposalId) +;', 'uint256 snapshot = proposalSnapshot(proposalId);'],
    ['return _name; // naïve 😀 comment', 'return unicode"naïve 😀" ; return _name;'],
  ];
  for (const [from, to] of edits) {
    text = replaceAt(text, from, to);
    assert.deepEqual(syntax.check('g', text), parseFile(text)!.errors, `after ${to}`);
    assert.equal(syntax.lastMode, 'member', `after ${to}`);
  }
  // Typing a statement one character at a time inside a function.
  const statement = 'uint256 typed = 1 + 2;';
  const at = text.indexOf('uint256 snapshot = proposalSnapshot(proposalId);');
  for (let i = 1; i <= statement.length; i++) {
    const typed = text.slice(0, at) + statement.slice(0, i) + text.slice(at);
    assert.deepEqual(syntax.check('g', typed), parseFile(typed)!.errors, `typed ${statement.slice(0, i)}`);
  }
  // An edit across two members, and one opening a brace: whole-file parses.
  const across = replaceAt(text, 'return _name;\n    }\n', 'return _name;\n');
  assert.deepEqual(syntax.check('g', across), parseFile(across)!.errors);
  assert.equal(syntax.lastMode, 'file');
  const brace = replaceAt(text, 'return _name;', 'return _name; {');
  assert.deepEqual(syntax.check('g', brace), parseFile(brace)!.errors);
  assert.equal(syntax.lastMode, 'file');
});
