// Differential test of our Move compiler against the real one: every framework function whose
// parameters can be given as values (integers, bool, address, vectors, String, Option, references to
// those; generics instantiated with u64) runs on the same inputs twice in our interpreter, once with the
// framework compiled by us and once with the real compiler's bytecode (../shared/.../compiled), and must
// give the same results: the same returned values, the same abort codes (Sui clever errors: the same
// source line), the same runtime errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkPackage } from '../../../language/move/check-package.ts';
import { compileModulesPartially } from '../../../debug-adapter/move/build/compile.ts';
import { MoveVM, type RunResult } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../../../debug-adapter/move/vm/loader.ts';
import { parseArgs } from '../../../debug-adapter/move/vm/args.ts';
import { T, type RuntimeType } from '../../../debug-adapter/move/vm/types.ts';
import { valuesEqual } from '../../../debug-adapter/move/vm/values.ts';
import type { CompiledModule } from '../../../debug-adapter/move/binary/index.ts';
import { readCompiledPackage } from '../../language/move/compiled-api.ts';
import { frameworkSrc } from '../../language/move/corpus.ts';

const MAX: Record<string, bigint> = { u8: 255n, u16: 65535n, u32: (1n << 32n) - 1n, u64: (1n << 64n) - 1n, u128: (1n << 128n) - 1n, u256: (1n << 256n) - 1n };

/** Candidate JSON inputs for a parameter type, or undefined when it cannot be given from JSON. */
function candidates(t: RuntimeType, depth = 0): unknown[] | undefined {
  switch (t.kind) {
    case 'bool':
      return [true, false];
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64':
    case 'u128':
    case 'u256': {
      const max = MAX[t.kind];
      return [0n, 1n, 2n, 3n, 7n, 10n, 16n, 100n, 255n, 256n, 1000n, 12345n, max / 2n, max - 1n, max].filter((v) => v <= max).map(String);
    }
    case 'address':
      return ['0x0', '0x1', '0x2a', `0x${'f'.repeat(64)}`];
    case 'vector': {
      if (depth > 1) return undefined;
      const inner = candidates(t.element, depth + 1);
      if (!inner) return undefined;
      return [[], [inner[1]], [inner[0], inner[1], inner[2 % inner.length]], inner.slice(0, 6), [inner[inner.length - 1], inner[0]]];
    }
    case 'reference':
      return t.mutable ? undefined : candidates(t.to, depth);
    case 'datatype': {
      const d = t.def;
      if (/^0+1$/.test(d.address) && d.module === 'string' && d.name === 'String') return ['', 'abc', 'héllo wörld', '12345'];
      if (/^0+1$/.test(d.address) && d.module === 'ascii' && d.name === 'String') return ['', 'abc', 'Hello, World'];
      if (/^0+1$/.test(d.address) && d.module === 'option' && d.name === 'Option') {
        const inner = candidates(t.typeArgs[0]!, depth + 1);
        return inner ? [null, inner[1], inner[inner.length - 1]] : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function outcome(r: RunResult): string {
  if (r.kind === 'returned') return 'returned';
  if (r.kind === 'aborted') {
    // A clever error carries identifier/constant indices of its module's tables: compare its line only.
    return r.code >> 63n ? `aborted at line ${(r.code >> 32n) & 0xffffn}` : `aborted ${r.code}`;
  }
  return `error ${r.status}`;
}

test('framework functions compiled by us compute what the real compiler\'s bytecode computes', (t) => {
  if (!existsSync(path.join(frameworkSrc, 'compiled'))) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const real: CompiledModule[] = [];
  const ours: CompiledModule[] = [];
  for (const [pkg, file] of [['move-stdlib', 'move-stdlib.bcs'], ['sui-framework', 'sui-framework.bcs']]) {
    real.push(...readCompiledPackage(readFileSync(path.join(frameworkSrc, 'compiled', file))));
    const { program } = checkPackage(path.join(frameworkSrc, pkg));
    const { units, diagnostics } = compileModulesPartially(program);
    assert.deepEqual(diagnostics.map((d) => d.message), [], `${pkg} compiles`);
    ours.push(...units.map((u) => u.module));
  }
  const options = { stepLimit: 200_000 };
  const vmReal = new MoveVM(new ModuleSet(real), options);
  const vmOurs = new MoveVM(new ModuleSet(ours), options);
  let functions = 0;
  let runs = 0;
  const mismatches: string[] = [];
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const m of real) {
    const h = m.moduleHandles[m.selfHandle];
    const moduleName = m.identifiers[h.name];
    const address = Buffer.from(m.addressIdentifiers[h.address]).toString('hex').replace(/^0+/, '') || '0';
    for (const def of m.functionDefs) {
      if (!def.code) continue;
      const fh = m.functionHandles[def.function];
      const name = `0x${address}::${moduleName}::${m.identifiers[fh.name]}`;
      const fnReal = vmReal.resolveFunction(name);
      const fnOurs = vmOurs.resolveFunction(name);
      // Generic functions run with u64 for every type parameter that allows it (not `key`).
      if (fh.typeParameters.some((c) => (c & 8) !== 0)) continue;
      const typeArgs = fh.typeParameters.map(() => T.u64);
      const params = fnReal.parameters.map((p) => (p.kind === 'typeParameter' ? T.u64 : p.kind === 'reference' && p.to.kind === 'typeParameter' ? { ...p, to: T.u64 } : p));
      const cands = params.map((p) => candidates(p));
      if (cands.some((c) => !c)) continue;
      functions++;
      const inputs = new Set<string>();
      for (let k = 0; k < 16; k++) inputs.add(JSON.stringify(cands.map((c) => c![k < c!.length && params.length === 1 ? k : random(c!.length)])));
      for (const input of inputs) {
        const json = JSON.parse(input);
        const a = vmReal.run(fnReal, typeArgs, parseArgs(fnReal, typeArgs, json));
        const b = vmOurs.run(fnOurs, typeArgs, parseArgs(fnOurs, typeArgs, json));
        runs++;
        const same = outcome(a) === outcome(b) && (a.kind !== 'returned' || (b.kind === 'returned' && a.values.length === b.values.length && a.values.every((v, i) => valuesEqual(v, b.values[i]))));
        if (!same) mismatches.push(`${name}(${input}): real ${outcome(a)}, ours ${outcome(b)}`);
      }
    }
  }
  t.diagnostic(`${functions} functions, ${runs} runs, ${mismatches.length} mismatches`);
  assert.ok(functions > 150, `${functions} functions could be run`);
  assert.deepEqual(mismatches.slice(0, 20), []);
});
