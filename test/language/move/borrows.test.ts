// Borrow and locals safety: wrong programs each get the right message at the right range, and valid
// programs (borrows whose reference is never used again, disjoint fields, moves on one branch only,
// references returned from parameters) get none, and neither does any real package we have.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildProgram, type SourceFile } from '../../../language/move/program.ts';
import { checkPackage } from '../../../language/move/check-package.ts';
import { frameworkSrc, moveFixtures, repoRoot } from './corpus.ts';

const STD = `module std::vector;
#[syntax(index)]
native public fun borrow<Element>(v: &vector<Element>, i: u64): &Element;
#[syntax(index)]
native public fun borrow_mut<Element>(v: &mut vector<Element>, i: u64): &mut Element;
native public fun push_back<Element>(v: &mut vector<Element>, e: Element);
native public fun length<Element>(v: &vector<Element>): u64;
public macro fun do_ref<$T>($v: &vector<$T>, $f: |&$T|) {
    let v = $v;
    let mut i = 0;
    while (i < v.length()) { $f(v.borrow(i)); i = i + 1 }
}
`;

function check(src: string) {
  const files: SourceFile[] = [
    { path: 'std/vector.move', source: Buffer.from(STD), isDependency: true, packageName: 'MoveStdlib' },
    { path: 'm.move', source: Buffer.from(src), isDependency: false, packageName: 'App' },
  ];
  const program = buildProgram(files, { addresses: new Map([['std', '0x1'], ['app', '0x42']]) });
  return program.diagnostics.filter((d) => d.file === 'm.move');
}

const HEADER = `module app::m;
public struct S { v: u64 }
public struct P has copy, drop { a: u64, b: u64 }
fun eat(s: S): u64 { let S { v } = s; v }
fun two(_x: &mut u64, _y: &mut u64) {}
fun both(_x: &mut P, _y: &P) {}
fun field_a(p: &mut P): &mut u64 { &mut p.a }
`;

interface Case {
  name: string;
  /** The function(s) after HEADER. */
  body: string;
  /** The text the diagnostic covers, and text just before it when `at` occurs earlier too. */
  at: string;
  after?: string;
  code: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'use after move', body: 'fun f(s: S): u64 { eat(s) + eat(s) }', at: 's', after: 'eat(s) + eat(', code: 'E06002', message: /^Invalid usage of local 's': it was moved at line 8\.$/ },
  { name: 'moved in one branch, used after the join', body: 'fun f(s: S, c: bool): u64 {\n    if (c) { eat(s); };\n    eat(s)\n}', at: 's', after: '};\n    eat(', code: 'E06002', message: /^Invalid usage of local 's': it might have been moved at line 9 on some paths to here\.$/ },
  { name: 'moved in a loop', body: 'fun f(s: S): u64 {\n    let mut n = 0;\n    loop { n = n + eat(s); if (n > 10) abort n }\n}', at: 's', after: 'n + eat(', code: 'E06002', message: /^Invalid usage of local 's': it was moved at line 10, in an earlier iteration of the loop\.$/ },
  { name: 'explicit move of a copyable local', body: 'fun f(): u64 { let x = 1; let y = move x; x + y }', at: 'x', after: 'move x; ', code: 'E06002', message: /it was moved at line 8/ },
  { name: 'unassigned local', body: 'fun f(): u64 {\n    let x: u64;\n    x\n}', at: 'x', after: ';\n    ', code: 'E06002', message: /^Invalid usage of local 'x': it has no value here \(declared without one at line 9\)\.$/ },
  { name: 'assigned on one path only', body: 'fun f(c: bool): u64 { let x: u64; if (c) x = 1; x }', at: 'x', after: '= 1; ', code: 'E06002', message: /might not have a value here/ },
  { name: 'a value without drop left in a parameter', body: 'fun f(s: S): u64 {\n    s.v\n}', at: '}', after: 's.v\n', code: 'E06001', message: /^The local 's' still holds a value of type 'S', which does not have 'drop', when the function returns: move it somewhere or destroy it \(declared at line 8\)\.$/ },
  { name: 'a value without drop left on one path', body: 'fun f(c: bool): u64 { let s = S { v: 1 }; if (c) return eat(s); 0 }', at: '}', after: ' 0 ', code: 'E06001', message: /^The local 's' still holds a value of type 'S'/ },
  { name: 'a value without drop overwritten', body: 'fun f(): u64 { let mut s = S { v: 1 }; s = S { v: 2 }; eat(s) }', at: 's', after: '1 }; ', code: 'E06001', message: /^Invalid assignment to 's': it still holds a value of type 'S', which does not have 'drop'\. Move it somewhere or destroy it first\.$/ },
  { name: 'copy while mutably borrowed', body: 'fun f(): u64 {\n    let mut x = 1;\n    let r = &mut x;\n    let y = x;\n    *r = 2;\n    y\n}', at: 'x', after: 'let y = ', code: 'E07002', message: /^Invalid copy of local 'x': it is still being mutably borrowed by the reference taken at line 10, which is used later\.$/ },
  { name: 'writing through a new &mut while an older borrow is used later', body: 'fun f(): u64 { let mut x = 1; let r = &x; let w = &mut x; *w = 2; *r }', at: '*w', code: 'E07003', message: /^Invalid write through 'w': it is still being borrowed by the reference taken at line 8, which is used later\.$/ },
  { name: 'reading through a new &mut while an older &mut is used later', body: 'fun f(): u64 { let mut x = 1; let a = &mut x; let b = &mut x; let v = *b; *a = v; x }', at: '*b', code: 'E07002', message: /^Invalid read through 'b': it is still being mutably borrowed/ },
  { name: 'a field borrowed mutably through a parameter while an older borrow of it is used later', body: 'fun f(p: &mut P): u64 { let a = &p.a; let b = &mut p.a; *b = 1; *a }', at: '*b', code: 'E07003', message: /^Invalid write through 'b': it is still being borrowed by the reference taken at line 8, which is used later\.$/ },
  { name: 'immutable borrow while mutably borrowed', body: 'fun f(): u64 { let mut p = P { a: 1, b: 2 }; let a = &mut p.a; let q = &p; *a = 3; q.b }', at: '&p', code: 'E07001', message: /^Invalid borrow of 'p': it is still being mutably borrowed/ },
  { name: 'the same field borrowed mutably twice for one call', body: 'fun f() { let mut p = P { a: 1, b: 2 }; two(&mut p.a, &mut p.a); }', at: 'two(&mut p.a, &mut p.a)', code: 'E07004', message: /^Invalid argument to 'two': a mutable reference cannot be passed while it is still being borrowed/ },
  { name: 'a value and its mutable borrow given to one call', body: 'fun f() { let mut p = P { a: 1, b: 2 }; both(&mut p, &p); }', at: '&p', code: 'E07001', message: /Invalid borrow of 'p'/ },
  { name: 'a reference parameter passed along with a frozen copy of it', body: 'fun f(p: &mut P) { let q = freeze(p); both(p, q); }', at: 'both(p, q)', code: 'E07004', message: /Invalid argument to 'both'/ },
  { name: 'assignment to a field while the struct is borrowed', body: 'fun f(): u64 { let mut p = P { a: 1, b: 2 }; let r = &mut p; p.a = 5; r.b }', at: 'p.a', code: 'E07003', message: /^Invalid assignment to 'p.a': it is still being borrowed/ },
  { name: 'assignment to a borrowed local', body: 'fun f(): u64 { let mut x = 1; let r = &x; x = 2; *r }', at: 'x', after: '&x; ', code: 'E07003', message: /Invalid assignment to local 'x'/ },
  { name: 'move while borrowed', body: 'fun f(s: S): u64 { let r = &s; let t = s; let v = r.v; eat(t) + v }', at: 's', after: 'let t = ', code: 'E07003', message: /^Invalid move of local 's': it is still being borrowed/ },
  { name: 'read through a reference while a field is mutably borrowed', body: 'fun f(p: &mut P): P { let a = &mut p.a; let c = *p; *a = 1; c }', at: '*p', code: 'E07002', message: /^Invalid read through 'p': it is still being mutably borrowed/ },
  { name: 'write through a reference while a field is borrowed', body: 'fun f(p: &mut P) { let a = &mut p.a; *p = P { a: 0, b: 0 }; *a = 1; }', at: '*p', code: 'E07003', message: /^Invalid write through 'p': it is still being borrowed/ },
  { name: 'freeze while mutably borrowed', body: 'fun f(p: &mut P): u64 { let a = field_a(p); let q = freeze(p); *a = 1; q.b }', at: 'freeze(p)', code: 'E07002', message: /^Invalid freeze: the reference is still being mutably borrowed/ },
  { name: 'passing a mutable reference that is still borrowed', body: 'fun f(p: &mut P) { let a = &mut p.a; let _b = field_a(p); *a = 1; }', at: 'field_a(p)', code: 'E07004', message: /^Invalid argument to 'field_a': a mutable reference cannot be passed while it is still being borrowed/ },
  { name: 'vector element borrowed while the vector is changed', body: 'fun f(v: &mut vector<u64>) { let e = &mut v[0]; v.push_back(1); *e = 2; }', at: 'v.push_back(1)', code: 'E07004', message: /Invalid argument to 'push_back'/ },
  { name: 'returning a reference to a local', body: 'fun f(): &u64 { let x = 1; &x }', at: '&x', code: 'E03018', message: /^Cannot return a reference to the local 'x': it no longer exists when the function returns\.$/ },
  { name: 'returning a reference held in a local', body: 'fun f(p: P): &u64 { let r = &p.a; r }', at: 'r', after: '&p.a; ', code: 'E03018', message: /Cannot return a reference to the local 'p'/ },
  { name: 'returning a reference from a call on a local', body: 'fun f(): &mut u64 { let mut p = P { a: 1, b: 2 }; return field_a(&mut p) }', at: 'field_a(&mut p)', code: 'E03018', message: /Cannot return a reference to the local 'p'/ },
];

for (const c of cases) {
  test(`borrow rules: ${c.name}`, () => {
    const src = HEADER + c.body;
    const diagnostics = check(src);
    assert.equal(diagnostics.length, 1, `exactly one diagnostic: ${JSON.stringify(diagnostics.map((d) => d.message))}`);
    const d = diagnostics[0];
    assert.equal(d.code, c.code);
    assert.match(d.message, c.message);
    const bytes = Buffer.from(src);
    const from = HEADER.length;
    const start = c.after ? bytes.indexOf(c.after, from) + c.after.length : bytes.indexOf(c.at, from);
    assert.equal(bytes.subarray(d.range.start, d.range.end).toString(), c.at, 'the range covers the offending text');
    assert.equal(d.range.start, start);
  });
}

test('valid borrows and moves are accepted (liveness, disjoint fields, branches, loops, parameters)', () => {
  const src = `${HEADER}
// A borrow whose reference is not used again does not count.
fun dead_ref(): u64 { let mut x = 1; let r = &mut x; *r = 2; let y = x; let _w = &mut x; y }
fun dead_ref2(): u64 { let mut x = 1; let _r = &x; x = 3; x }
// Two borrows of one local: using the older while the newer is alive is allowed (as in Move).
fun older_first(): u64 { let mut x = 1; let a = &mut x; let b = &mut x; *a = 2; *b = 3; x }
fun imm_then_mut(): u64 { let mut x = 1; let a = &x; let b = &mut x; let v = *b; let w = *a; v + w + *b }
// Different fields of one local.
fun disjoint(): u64 { let mut p = P { a: 1, b: 2 }; let a = &mut p.a; let b = p.b; *a = b; two(&mut p.a, &mut p.b); p.a }
// Values without drop consumed on every path that returns (aborting paths need not).
fun consumed(s: S, c: bool): u64 { if (s.v > 9) abort 1; let t = S { v: 2 }; if (c) { eat(t); return eat(s) }; eat(t) + eat(s) }
fun consumed_in_loop(): u64 { let mut n = 0; while (n < 3) { let s = S { v: n }; n = n + eat(s) }; n }
// Moved on one branch, returned or aborted on it.
fun branch(s: S, c: bool): u64 { if (c) return eat(s); eat(s) }
fun branch2(s: S, c: bool): u64 { if (c) { eat(s); abort 1 }; eat(s) }
// Reassigned after the move, inside a loop.
fun reloop(mut s: S): u64 { let mut n = 0; while (n < 3) { n = n + eat(s); s = S { v: n } }; eat(s) + n }
// A reference used on one branch only, the local written on the other.
fun split(c: bool): u64 { let mut x = 1; let r = &mut x; if (c) { x = 2 } else { *r = 3 }; x }
// A reference moved around a loop.
fun walk(v: &mut vector<u64>): u64 { let mut i = 0; while (i < v.length()) { let e = &mut v[i]; *e = *e + 1; i = i + 1 }; v.length() }
// References derived from parameters may be returned; copies of a parameter reference may be used alike.
fun param_ref(p: &mut P, c: bool): &mut u64 { let q = p; if (c) &mut q.a else field_a(q) }
fun fields_of_param(p: &mut P): u64 { let a = &mut p.a; let b = &mut p.b; *a = 1; *b = 2; let c = &p.a; *c + p.b }
fun read_both(p: &P): u64 { let a = &p.a; let b = &p.b; *a + *b + p.a }
fun freeze_ok(p: &mut P): u64 { let q: &P = p; q.a }
// A macro's lambda borrows what the macro's argument borrows.
fun sum(v: &vector<u64>): u64 { let mut n = 0; v.do_ref!(|e| n = n + *e); n }
// Labelled blocks, match, assignment of a later-declared local.
public enum E has drop { A { x: u64 }, B(u64) }
fun m(e: &mut E): u64 { match (e) { E::A { x } => { *x = 1; *x }, E::B(y) => *y } }
fun later(c: bool): u64 { let x; if (c) x = 1 else x = 2; 'b: { if (x > 1) return 'b x; 0 } }
`;
  assert.deepEqual(check(src).map((d) => `${d.code} ${d.message}`), []);
});

// The hard requirement: real code that the Move compiler accepts gets no borrow or locals error. MoveStdlib
// and the Sui framework with their tests (test mode), the trace-test packages and our samples.
test('no borrow or locals errors on the framework (test mode), the trace-test packages and the samples', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dependencyPaths = new Map([['MoveStdlib', path.join(frameworkSrc, 'move-stdlib')], ['Sui', path.join(frameworkSrc, 'sui-framework')]]);
  const traceTests = path.join(moveFixtures, 'sui-trace-tests');
  const samples = path.join(repoRoot, 'samples/move');
  const packages = [
    path.join(frameworkSrc, 'sui-framework'), // includes MoveStdlib as its dependency
    ...readdirSync(traceTests).map((d) => path.join(traceTests, d)),
    ...readdirSync(samples).map((d) => path.join(samples, d)),
  ].filter((dir) => existsSync(path.join(dir, 'Move.toml')));
  assert.ok(packages.length >= 20, `${packages.length} packages`);
  const found: string[] = [];
  for (const dir of packages) {
    const { program } = checkPackage(dir, { test: true, dependencyPaths });
    for (const d of program.diagnostics) if (/^E0[67]|^E03018$/.test(d.code)) found.push(`${d.file}: ${d.code} ${d.message}`);
  }
  assert.deepEqual(found, []);
});
