// Our code generation next to the real Move compiler's on the Sui framework and MoveStdlib (the real
// bytecode of exactly these sources is in ../shared/fixtures/move/sui-framework-src/compiled): how many
// functions we compile, and how many compile to exactly the real instructions. The numbers are printed
// and guarded against regressions; `npm run bench -- move-compiler` reports them too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compareWithRealBytecode } from '../../../debug-adapter/move/build/compare-framework.ts';
import { readCompiledPackage } from '../../language/move/compiled-api.ts';
import { frameworkSrc } from '../../language/move/corpus.ts';

test('framework functions: compiled by us and equal to the real compiler\'s instructions', (t) => {
  if (!existsSync(path.join(frameworkSrc, 'compiled'))) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  let total = 0;
  let compiled = 0;
  let equal = 0;
  for (const [pkg, file] of [['move-stdlib', 'move-stdlib.bcs'], ['sui-framework', 'sui-framework.bcs']]) {
    const real = readCompiledPackage(readFileSync(path.join(frameworkSrc, 'compiled', file)));
    const r = compareWithRealBytecode(path.join(frameworkSrc, pkg), real);
    total += r.length;
    compiled += r.filter((x) => x.compiled).length;
    equal += r.filter((x) => x.equal).length;
    // Simple accessors come out instruction for instruction as the real compiler writes them.
    if (pkg === 'sui-framework') {
      // A `&mut` passed for a `&` parameter is frozen after it is pushed; a field is borrowed immutably
      // straight from a `&mut` (no freeze first).
      for (const fn of ['coin::value', 'balance::value', 'tx_context::sender', 'tx_context::digest', 'dynamic_field::remove_opt', 'vec_map::pop']) {
        assert.ok(r.find((x) => `${x.module}::${x.name}` === fn)?.equal, `${fn} equals the real bytecode`);
      }
    }
    // The compiler's clean-up: a value stored only to be moved straight back out stays on the stack, and
    // the local it would have used is dropped (`let Option { vec } = t; vec.destroy_empty()`).
    if (pkg === 'move-stdlib') {
      for (const fn of ['option::destroy_none', 'fixed_point32::multiply_u64', 'u64::checked_add']) {
        assert.ok(r.find((x) => `${x.module}::${x.name}` === fn)?.equal, `${fn} equals the real bytecode`);
      }
    }
  }
  t.diagnostic(`${total} functions with code: ${compiled} compiled (${((100 * compiled) / total).toFixed(1)}%), ${equal} equal to the real compiler's (${((100 * equal) / total).toFixed(1)}%)`);
  assert.equal(compiled, total, 'every framework function compiles');
  assert.ok(equal / total > 0.79, `${equal} of ${total} equal`);
});
