// The extension manifest is what VS Code reads to offer languages, grammars, breakpoints and the launch
// configuration schema; these checks catch a broken path or an undocumented launch field before packaging.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readJson = (relative: string) => JSON.parse(readFileSync(join(root, relative), 'utf8'));

test('every launch field is documented in the schema', () => {
  const [debuggerContribution] = pkg.contributes.debuggers;
  assert.equal(debuggerContribution.type, 'chainstep');
  assert.equal(debuggerContribution.label, 'Chainstep');
  const properties = debuggerContribution.configurationAttributes.launch.properties;
  const fields = ['program', 'contract', 'constructorArgs', 'setup', 'function', 'args', 'typeArgs', 'trace', 'from', 'value', 'gasLimit', 'stopOnEntry', 'cwd'];
  for (const field of fields) {
    assert.ok(properties[field], `launch.${field} missing`);
    assert.ok(properties[field].description?.length > 20, `launch.${field} has no description`);
  }
  for (const [field, schema] of Object.entries<{ description?: string }>(properties.setup.items.properties)) {
    assert.ok(schema.description, `setup.${field} has no description`);
  }
});

test('configuration snippets cover Solidity, setup, Move function, Move test and Sui trace', () => {
  const labels = pkg.contributes.debuggers[0].configurationSnippets.map((s: { label: string }) => s.label);
  assert.deepEqual(labels, [
    'Chainstep: Solidity function',
    'Chainstep: Solidity function with setup',
    'Chainstep: Move function',
    'Chainstep: Move test',
    'Chainstep: Sui trace',
  ]);
  for (const snippet of pkg.contributes.debuggers[0].configurationSnippets) {
    assert.equal(snippet.body.type, 'chainstep');
    assert.ok(snippet.body.program, `${snippet.label} has no program`);
  }
});

test('languages, grammars, snippets and language configurations exist and parse', () => {
  const { languages, grammars, snippets, breakpoints } = pkg.contributes;
  assert.deepEqual(languages.map((l: { id: string }) => l.id), ['solidity', 'move']);
  assert.deepEqual(breakpoints, [{ language: 'solidity' }, { language: 'move' }]);
  for (const language of languages) assert.ok(readJson(language.configuration).comments.lineComment === '//');
  for (const grammar of grammars) {
    const parsed = readJson(grammar.path);
    assert.equal(parsed.scopeName, grammar.scopeName);
    // Every `include` of a repository rule names a rule that exists.
    const text = JSON.stringify(parsed);
    for (const [, name] of text.matchAll(/"include":"#([^"]+)"/g)) assert.ok(parsed.repository[name], `${grammar.path}: #${name}`);
    // Every regex compiles (Oniguruma syntax used here is a subset JavaScript understands, named groups aside).
    for (const [, source] of text.matchAll(/"(?:match|begin|end)":"((?:[^"\\]|\\.)*)"/g)) {
      assert.doesNotThrow(() => new RegExp(JSON.parse(`"${source}"`)), `${grammar.path}: ${source}`);
    }
  }
  for (const snippet of snippets) assert.ok(Object.keys(readJson(snippet.path)).length > 3);
});

test('activation, trust and packaging fields', () => {
  assert.deepEqual(pkg.activationEvents, [
    'onLanguage:solidity',
    'onLanguage:move',
    'onDebugResolve:chainstep',
    'onDebugDynamicConfigurations:chainstep',
    'workspaceContains:**/foundry.toml',
    // The Move tests of a package appear in the Test Explorer without opening a .move file first.
    'workspaceContains:**/Move.toml',
  ]);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.equal(pkg.main, './dist/extension.cjs');
  assert.ok(existsSync(join(root, 'LICENSE')));
  assert.ok(existsSync(join(root, pkg.icon)), 'icon');
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^\*\*$/m, '.vscodeignore starts from excluding everything');
  for (const kept of ['extension/icon.png', 'dist/*.cjs', 'dist/*.mjs', 'dist/node_modules/**', 'syntaxes/**', 'snippets/**', 'language-configuration/**']) assert.ok(ignore.includes(`!${kept}`), kept);
});
