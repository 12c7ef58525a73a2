// Our Move compiler end to end: a package with structs, generics, vectors, loops, constants and
// assert! compiled from source to Sui bytecode, run in our interpreter (results checked against values
// computed by hand from the source), written in the real toolchain's build layout and loaded back by
// the debugger's package loader with working source locations and local names.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage } from '../../../debug-adapter/move/build/compile.ts';
import { loadPackage } from '../../../debug-adapter/move/package/index.ts';
import { parseFrameworkSnapshot } from '../../../debug-adapter/move/package/framework.ts';
import { MoveVM } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../../../debug-adapter/move/vm/loader.ts';
import type { CompiledModule } from '../../../debug-adapter/move/binary/index.ts';
import { frameworkSrc, moveFixtures } from '../../language/move/corpus.ts';

const SOURCE = `module demo::m;

const EBad: u64 = 7;
const NAME: vector<u8> = b"demo";

public struct Point has copy, drop { x: u64, y: u64 }
public struct Box<T: copy + drop> has copy, drop { value: T }

fun add(p: &Point): u64 { p.x + p.y }

fun sum_odd(n: u64): u64 {
    let mut i = 0;
    let mut total = 0;
    while (i < n) {
        i = i + 1;
        if (i % 2 == 0) continue;
        total = total + i;
    };
    total
}

fun unbox<T: copy + drop>(b: &Box<T>): T { b.value }

fun total(v: &vector<u64>): u64 {
    let mut s = 0;
    v.do_ref!(|x| s = s + *x);
    s
}

public fun run(n: u64): u64 {
    let mut p = Point { y: 2, x: 1 };
    p.x = p.x + n;
    let b = Box { value: p };
    let q = unbox(&b);
    let v = vector[1u64, 2, 3];
    let s = add(&q) + sum_odd(n) + v[1] + (NAME.length() as u64) + total(&v) - 6;
    assert!(s > 0 && n != 99, EBad);
    let r = loop { if (s > 10) break s * 2 else break s };
    r
}
`;

function makePackage(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-build-'));
  mkdirSync(path.join(dir, 'sources'));
  writeFileSync(
    path.join(dir, 'Move.toml'),
    `[package]\nname = "Demo"\nedition = "2024.beta"\n\n[dependencies]\nMoveStdlib = { local = ${JSON.stringify(path.join(frameworkSrc, 'move-stdlib'))} }\n\n[addresses]\ndemo = "0x42"\n`,
  );
  writeFileSync(path.join(dir, 'sources', 'm.move'), SOURCE);
  return dir;
}

function stdlib(): readonly CompiledModule[] {
  return parseFrameworkSnapshot(readFileSync(path.join(moveFixtures, 'sui-framework/v124/0x1.bcs')), '0x1.bcs').modules;
}

test('a package compiled by us runs in our interpreter with the results the source implies', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = makePackage();
  try {
    const result = buildPackage(dir);
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
    const vm = new MoveVM(new ModuleSet([...result.units.map((u) => u.module), ...stdlib()]), {});
    const run = (n: bigint) => vm.run(vm.resolveFunction('0x42::m::run'), [], [n]);
    // n = 5: p = (6, 2) -> add 8; odd numbers up to 5 -> 9; v[1] = 2; "demo" -> 4; s = 23 > 10 -> 46.
    assert.deepEqual(run(5n), { ...run(5n), kind: 'returned', values: [46n] });
    // n = 0: add 3 + 0 + 2 + 4 = 9, not > 10 -> 9.
    assert.deepEqual((run(0n) as { values: unknown[] }).values, [9n]);
    // n = 99 fails the assert! with EBad = 7.
    const aborted = run(99n);
    assert.equal(aborted.kind, 'aborted');
    assert.equal((aborted as { code: bigint }).code, 7n);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the build directory loads in the debugger like a real build: source lines and local names', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = makePackage();
  try {
    const result = buildPackage(dir);
    assert.equal(result.outputDir, path.join(dir, 'build', 'Demo'));
    for (const f of ['bytecode_modules/m.mv', 'debug_info/m.json', 'sources/m.move']) assert.ok(existsSync(path.join(dir, 'build', 'Demo', f)), f);
    const pkg = loadPackage(path.join(dir, 'build', 'Demo'), { frameworks: [path.join(moveFixtures, 'sui-framework/v124')], findSources: false });
    const own = pkg.ownModules.find((m) => m.name === 'm')!;
    assert.ok(own.sourceMap, 'our debug_info is read as the module source map');
    const runIndex = own.module.functionDefs.findIndex((f) => own.module.identifiers[own.module.functionHandles[f.function].name] === 'run');
    const fnMap = own.sourceMap!.functions.get(runIndex)!;
    assert.deepEqual(fnMap.parameters.map((p) => p.name), ['n']);
    // Numbered by name, as the Move compiler numbers them. `r` is gone as in the real build: `let r = loop
    // {...}; r` stores the loop's value only to move it straight back out, which the compiler's clean-up drops.
    assert.deepEqual(fnMap.locals.map((l) => l.name).filter((n) => !n.startsWith('%')), ['b', 'p', 'q', 's', 'v']);
    // The first instruction of `run` belongs to line 31 (`let mut p = Point { y: 2, x: 1 };`).
    const loc = fnMap.locationAt(0)!;
    const line = SOURCE.slice(0, loc.start).split('\n').length;
    assert.equal(line, 31);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

const ENUMS = `module demo::m;

public enum Op has copy, drop { Add(u64), Mul(u64), Neg, Chain { first: u64, then: Inner } }
public enum Inner has copy, drop { Twice, Plus(u64) }
public struct Holder has drop { op: Op }

fun apply(x: u64, op: Op): u64 {
    match (op) {
        Op::Add(n) => x + n,
        Op::Mul(0) => 0,
        Op::Mul(n) => x * n,
        Op::Neg => 1000 - x,
        Op::Chain { first, then: Inner::Twice } => (x + first) * 2,
        Op::Chain { first, then: Inner::Plus(k) } => x + first + k,
    }
}

fun first_over(v: &vector<u64>, limit: u64): u64 {
    let mut i = 0;
    'found: {
        while (i < 4) {
            if (v[i] > limit) return 'found v[i];
            i = i + 1;
        };
        0
    }
}

fun bump(h: &mut Holder) {
    match (&mut h.op) {
        Op::Add(n) => *n = *n + 1,
        _ => (),
    }
}

macro fun twice($x: u64): u64 { $x * 2 }
// A local named like the macro it calls: 'twice!' is still the macro.
macro fun apply_twice($x: u64): u64 { let twice = $x; twice!(twice) }

// A lambda whose parameter type only the macro's call decides ('_'): 'x.max(2)' is u8's max.
macro fun each3($f: |_|) { $f(1u8); $f(5u8); $f(3u8) }
fun lambda_types(): u64 { let mut total = 0; each3!(|x| total = total + (x.max(2) as u64)); total }

public fun run(): u64 {
    let a = apply(5, Op::Add(3)) + apply(5, Op::Mul(0)) + apply(5, Op::Mul(2)) + apply(5, Op::Neg);
    let b = apply(1, Op::Chain { first: 2, then: Inner::Twice }) + apply(1, Op::Chain { first: 2, then: Inner::Plus(10) });
    let c = first_over(&vector[1, 5, 9, 12], 6) + first_over(&vector[1, 2, 3, 4], 6);
    let mut h = Holder { op: Op::Add(40) };
    bump(&mut h);
    let d = match (h.op) { Op::Add(n) => n, _ => 0 };
    a + b + c + d + apply_twice!(3) + lambda_types()
}
`;

test('enums, match (nested, literal, by value and by mutable reference) and labelled blocks run as the source says', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = makePackage();
  try {
    writeFileSync(path.join(dir, 'sources', 'm.move'), ENUMS);
    const result = buildPackage(dir);
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
    const vm = new MoveVM(new ModuleSet([...result.units.map((u) => u.module), ...stdlib()]), {});
    const r = vm.run(vm.resolveFunction('0x42::m::run'), [], []);
    // a = 8 + 0 + 10 + 995 = 1013; b = (1 + 2) * 2 + (1 + 2 + 10) = 19; c = 9 + 0; d = 41; twice 3 = 6;
    // lambda_types: max(1, 2) + max(5, 2) + max(3, 2) = 10.
    assert.deepEqual(r.kind === 'returned' ? r.values : r, [1013n + 19n + 9n + 41n + 6n + 10n]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('code the compiler cannot translate is a diagnostic, not a wrong build', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = makePackage();
  try {
    writeFileSync(path.join(dir, 'sources', 'm.move'), 'module demo::m;\npublic struct P has drop { a: u64 }\npublic fun f(p: P): u64 { match (p) { whole @ P { a } => a } }\n');
    const result = buildPackage(dir);
    assert.equal(result.outputDir, undefined);
    const messages = result.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => /Cannot compile 'f' yet: '@' around a pattern that binds names/.test(m)), messages.join('\n'));
    assert.ok(!existsSync(path.join(dir, 'build')), 'nothing is written');
  } finally {
    rmSync(dir, { recursive: true });
  }
});
