// Fuzz: modules from the fixtures (Sui test packages, some Aptos framework modules), mutated (bytes and decoded instructions) with a fixed seed, run
// through the interpreter. Every case must end in a result, an abort or a clear error (a VMError status
// with a message); never an uncaught exception, never a hang (a small step limit ends loops).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixtureFiles, prng } from '../binary/fixture-files.ts';
import { deserialize } from '../../../debug-adapter/move/binary/deserializer.ts';
import { MoveFormatError } from '../../../debug-adapter/move/binary/errors.ts';
import type { CompiledModule, Instruction } from '../../../debug-adapter/move/binary/model.ts';
import { loadFrameworkSnapshot } from '../../../debug-adapter/move/package/index.ts';
import { MoveVM } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet, moduleIdOf, type LoadedFunction } from '../../../debug-adapter/move/vm/loader.ts';
import { StatusCode, VMError } from '../../../debug-adapter/move/vm/status.ts';
import { substitute, T, type RuntimeType } from '../../../debug-adapter/move/vm/types.ts';
import { Reference, Signer, VectorValue, makeInt, type Value } from '../../../debug-adapter/move/vm/values.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');
const CASES = 3000;

/** A plain value of a type, for calling functions with parameters. */
function defaultValue(t: RuntimeType): Value {
  switch (t.kind) {
    case 'bool':
      return false;
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64':
    case 'u128':
    case 'u256':
      return makeInt(Number(t.kind.slice(1)) as 8, 1n);
    case 'address':
      return '0'.repeat(64);
    case 'signer':
      return new Signer('0'.repeat(63) + '1');
    case 'vector':
      return new VectorValue(t.element, []);
    case 'reference':
      return new Reference([defaultValue(t.to)], 0, t.mutable, null, null, -1);
    default:
      return undefined; // structs: the interpreter must cope (invariant error) rather than crash
  }
}

function mutateInstruction(ins: Instruction, pool: readonly Instruction[], next: () => number): Instruction {
  const r = next();
  if (r < 0.4) return pool[Math.floor(next() * pool.length)]!;
  const copy: Record<string, unknown> = { ...ins };
  for (const [k, v] of Object.entries(copy)) {
    if (k === 'op') continue;
    if (typeof v === 'number') copy[k] = next() < 0.5 ? v + Math.floor(next() * 5) - 2 : Math.floor(next() * 300);
    if (typeof v === 'bigint') copy[k] = next() < 0.5 ? v + 1n : BigInt(Math.floor(next() * 2 ** 32)) * (next() < 0.2 ? 1n << 40n : 1n);
  }
  return copy as unknown as Instruction;
}

function mutateModule(m: CompiledModule, pool: readonly Instruction[], next: () => number): CompiledModule {
  const clone = structuredClone(m) as { -readonly [K in keyof CompiledModule]: CompiledModule[K] };
  const defs = clone.functionDefs.filter((f) => f.code && f.code.code.length > 0);
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits && defs.length; e++) {
    const f = defs[Math.floor(next() * defs.length)]!;
    const code = f.code!.code as Instruction[];
    if (code.length === 0) continue;
    const at = Math.floor(next() * code.length);
    const kind = next();
    if (kind < 0.6) code[at] = mutateInstruction(code[at]!, pool, next);
    else if (kind < 0.75) code.splice(at, 1);
    else if (kind < 0.9) code.splice(at, 0, pool[Math.floor(next() * pool.length)]!);
    else [code[at], code[code.length - 1 - at]] = [code[code.length - 1 - at]!, code[at]!];
  }
  return clone;
}

test('mutated modules end in a result, an abort or a clear error', (t) => {
  const traceTests = path.join(fixtures, 'sui-trace-tests');
  if (!existsSync(traceTests)) return t.skip('../shared/fixtures/move not found');
  const files = fixtureFiles('sui-trace-tests', (f) => f.endsWith('.mv')).sort();
  const sui = files.map((f) => ({ file: f, bytes: readFileSync(f), module: deserialize(readFileSync(f), f), aptos: false }));
  const framework = ['0x1.bcs', '0x2.bcs'].flatMap((f) => loadFrameworkSnapshot(path.join(fixtures, 'sui-framework/v124', f)).modules);
  // Aptos: the hello-blockchain package and its framework (global storage instructions, v6 Aptos code).
  const aptosFiles = fixtureFiles('aptos-hello-blockchain/build/hello_blockchain/bytecode_modules', (f) => f.endsWith('.mv')).sort();
  const aptosModules = aptosFiles.map((f) => deserialize(readFileSync(f), f, { flavour: 'aptos' }));
  const aptos = aptosFiles
    .filter((_, i) => i % 5 === 0 || aptosFiles[i]!.endsWith('message.mv'))
    .map((f) => ({ file: f, bytes: readFileSync(f), module: deserialize(readFileSync(f), f, { flavour: 'aptos' }), aptos: true }));
  const originals = [...sui, ...aptos];
  const pool = originals.flatMap((o) => o.module.functionDefs.flatMap((f) => f.code?.code ?? []));
  assert.ok(aptos.length > 0 || aptosFiles.length === 0);
  const next = prng(0x5eed);
  const counts: Record<string, number> = {};
  const tally = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  for (let i = 0; i < CASES; i++) {
    const original = originals[Math.floor(next() * originals.length)]!;
    let module: CompiledModule;
    if (next() < 0.25) {
      // Byte-level: flip a few bytes; most fail in the reader with a MoveFormatError (its own fuzz covers that).
      const bytes = Uint8Array.from(original.bytes);
      for (let k = 0; k < 1 + Math.floor(next() * 3); k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      try {
        module = deserialize(bytes, original.file, original.aptos ? { flavour: 'aptos' } : {});
      } catch (e) {
        assert.ok(e instanceof MoveFormatError, `case ${i}: reader threw ${String(e)}`);
        tally('rejected by the reader');
        continue;
      }
    } else module = mutateModule(original.module, pool, next);
    const base = original.aptos ? aptosModules : [...framework, ...sui.map((o) => o.module)];
    const vm = new MoveVM(new ModuleSet([...base, module]), { stepLimit: 5_000, gasBudget: 1_000_000n });
    const { address, name } = moduleIdOf(module);
    const loaded = vm.loader.module(address, name);
    // At most 8 functions per case (framework modules have dozens), picked by the seeded generator.
    const names = loaded.functionNames();
    const picked = names.length <= 8 ? names : Array.from({ length: 8 }, () => names[Math.floor(next() * names.length)]!);
    for (const fname of picked) {
      let fn: LoadedFunction;
      try {
        fn = vm.resolveFunction(`0x${address}::${name}::${fname}`);
      } catch (e) {
        assert.ok(e instanceof VMError, `case ${i}: resolving ${fname} threw ${String(e)}`);
        tally('unresolvable');
        continue;
      }
      const typeArgs = Array.from({ length: fn.typeParameterCount }, () => T.u64);
      let args: Value[];
      try {
        args = fn.parameters.map((p) => defaultValue(substitute(p, typeArgs)));
      } catch (e) {
        assert.ok(e instanceof VMError || e instanceof RangeError, `case ${i}: ${String(e)}`);
        tally('bad signature');
        continue;
      }
      let result;
      try {
        result = vm.run(fn, typeArgs, args);
      } catch (e) {
        assert.fail(`case ${i} (${path.basename(original.file)} ${fname}): run threw ${e instanceof Error ? e.stack : String(e)}`);
      }
      if (result.kind === 'error') {
        assert.ok(result.message.length > 0 && StatusCode[result.status] === result.statusCode, `case ${i}: unclear error ${JSON.stringify(result.message)}`);
        tally(`error ${result.status}`);
      } else tally(result.kind);
    }
  }
  console.log(`fuzzed ${CASES} mutated modules:`, counts);
  assert.ok((counts.returned ?? 0) > 0 && Object.keys(counts).some((k) => k.startsWith('error')), 'the cases reach both results and errors');
});
