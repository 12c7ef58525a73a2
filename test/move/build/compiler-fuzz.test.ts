// Fuzzing the whole Move pipeline (parse, resolve, type check, code generation) with mutated MoveStdlib
// and Sui framework modules (fixed seed, reproducible): every mutant ends with diagnostics or bytecode,
// never an exception, and a compiled function never refers to a local it does not have.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildProgram } from '../../../language/move/program.ts';
import { compileModulesPartially } from '../../../debug-adapter/move/build/compile.ts';
import { prng } from '../binary/fixture-files.ts';
import { frameworkSrc, moveFiles } from '../../language/move/corpus.ts';
import { mutate } from '../../language/move/mutate.ts';

const SEED = 0x5eed_c0de;
const CASES = 2000;

test(`${CASES} mutated framework modules never crash the checker or the code generator`, (t) => {
  const files = [...moveFiles(path.join(frameworkSrc, 'move-stdlib/sources')), ...moveFiles(path.join(frameworkSrc, 'sui-framework/sources'))];
  if (files.length === 0) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const sources = files.map((f) => readFileSync(f)).filter((s) => s.length < 30_000);
  const random = prng(SEED);
  const addresses = new Map([['std', '0x1'], ['sui', '0x2']]);
  let compiledFunctions = 0;
  for (let i = 0; i < CASES; i++) {
    let src: Buffer = sources[Math.floor(random() * sources.length)];
    const rounds = 1 + Math.floor(random() * 2);
    for (let r = 0; r < rounds; r++) src = mutate(src, random);
    try {
      // One module alone: names from other modules do not resolve, which exercises the error paths too.
      const program = buildProgram([{ path: 'm.move', source: src, isDependency: false, packageName: 'Fuzz' }], { addresses });
      for (const d of program.diagnostics) assert.ok(d.range.start >= 0 && d.range.end <= src.length && d.range.start <= d.range.end, `case ${i}: range inside the text`);
      const { units } = compileModulesPartially(program);
      for (const u of units) {
        for (const f of u.module.functionDefs) {
          if (!f.code) continue;
          compiledFunctions++;
          const params = u.module.signatures[u.module.functionHandles[f.function].parameters].length;
          const locals = params + u.module.signatures[f.code.locals].length;
          for (const ins of f.code.code) if ('local' in ins) assert.ok(ins.local < locals, `case ${i}: local ${ins.local} of ${locals}`);
        }
      }
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.fail(`case ${i}: ${(e as Error).stack}`);
    }
  }
  t.diagnostic(`${CASES} mutants, ${compiledFunctions} functions compiled from them`);
});
