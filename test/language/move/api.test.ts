// Our front end reads the Sui framework and MoveStdlib sources to the same public API as the real
// compiler's bytecode of exactly those sources (../shared/fixtures/move/sui-framework-src/compiled):
// every module, struct, enum and function with the same abilities, type parameters, field types,
// visibility and signatures.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkPackage } from '../../../language/move/check-package.ts';
import { compiledApi, compiledKey, readCompiledPackage, sourceApi } from './compiled-api.ts';
import { frameworkSrc } from './corpus.ts';

for (const [pkg, bcsFile] of [['move-stdlib', 'move-stdlib.bcs'], ['sui-framework', 'sui-framework.bcs']] as const) {
  test(`${pkg}: every module's API from source equals the real compiler's bytecode`, (t) => {
    const compiledPath = path.join(frameworkSrc, 'compiled', bcsFile);
    if (!existsSync(compiledPath)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
    const compiled = readCompiledPackage(readFileSync(compiledPath));
    const { program } = checkPackage(path.join(frameworkSrc, pkg));
    assert.deepEqual(program.diagnostics.filter((d) => d.severity === 'error'), []);
    const ours = [...program.modules.values()].filter((m) => !m.file.isDependency);
    assert.deepEqual(ours.map((m) => m.key).sort(), compiled.map(compiledKey).sort(), 'the same modules');
    let lines = 0;
    for (const c of compiled) {
      const m = program.modules.get(compiledKey(c))!;
      const expected = compiledApi(c);
      assert.deepEqual(sourceApi(m), expected, compiledKey(c));
      lines += expected.length;
    }
    assert.ok(lines > (pkg === 'move-stdlib' ? 200 : 900), `${lines} declarations compared`);
  });
}
