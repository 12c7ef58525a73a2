// The Move parser on real code (zero errors on the Sui framework, MoveStdlib and the trace-test
// packages) and on wrong code (one clear diagnostic at the right place, the rest still parsed).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from '../../../language/move/parser.ts';
import type * as A from '../../../language/move/ast.ts';
import { corpusFiles } from './corpus.ts';

test('every .move file of the Sui framework, MoveStdlib and the trace tests parses without errors', (t) => {
  const files = corpusFiles();
  if (files.length === 0) return t.skip('../shared/fixtures/move not found');
  assert.ok(files.length > 150, `${files.length} files`);
  const problems: string[] = [];
  let modules = 0;
  for (const f of files) {
    const src = readFileSync(f);
    const r = parse(src);
    modules += r.unit.modules.length;
    for (const d of r.diagnostics) problems.push(`${f}@${d.range.start}: ${d.message}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(modules >= files.length, 'every file declares a module');
});

function only<T extends { kind: string }>(items: readonly T[], kind: string): T[] {
  return items.filter((m) => m.kind === kind);
}

test('Move 2024 forms produce the expected tree', () => {
  const src = `module a::m;
use std::string::{Self, String as Str};
public use fun foo as S.bar;
#[error]
const EBad: vector<u8> = b"bad";
public struct S<phantom T: store> has key, store { id: u64, v: vector<vector<u8>> }
public struct P(u64, bool) has copy, drop;
public enum E<T> has drop { A, B(T), C { x: u64 } }
public(package) macro fun m<$T>($x: $T, $f: |$T| -> u64): u64 { $f($x) }
#[test, expected_failure(abort_code = a::m::EBad)]
entry fun foo(mut s: S<u8>): u64 {
    let mut x = 1u64 << 3 >> 1;
    'outer: loop { if (x >= 3) break 'outer x; x = x + 1 };
    let v = vector<u64>[1, 2];
    let P(a, _) = P(1, true);
    let y = match (E::B(3)) { E::A => 0, E::B(n) if (n > 2) => n, E::C { x } => x, _ => 1 };
    v.do!(|e| x = x + e);
    s.id = (x as u64) + (y: u64);
    abort
}
`;
  const r = parse(src);
  assert.deepEqual(r.diagnostics, []);
  const m = r.unit.modules[0];
  assert.equal(m.name.value, 'm');
  assert.equal(m.address?.value, 'a');
  const uses = only(m.members, 'use') as A.UseDecl[];
  assert.deepEqual(uses[0].imports.map((i) => [i.module.value, i.member?.value, i.alias?.value]), [['string', undefined, undefined], ['string', 'String', 'Str']]);
  const s = m.members.find((x): x is A.StructDecl => x.kind === 'struct' && x.name.value === 'S')!;
  assert.deepEqual(s.abilities.map((a) => a.value), ['key', 'store']);
  assert.equal(s.typeParams[0].phantom, true);
  const v = s.fields[1].type;
  assert.ok(v.kind === 'apply' && v.args[0].kind === 'apply' && v.args[0].args.length === 1, 'vector<vector<u8>> closes both lists');
  const p = m.members.find((x): x is A.StructDecl => x.kind === 'struct' && x.name.value === 'P')!;
  assert.equal(p.positional, true);
  assert.deepEqual(p.abilities.map((a) => a.value), ['copy', 'drop']);
  const e = only(m.members, 'enum')[0] as A.EnumDecl;
  assert.deepEqual(e.variants.map((x) => [x.name.value, x.fields.length, x.positional]), [['A', 0, false], ['B', 1, true], ['C', 1, false]]);
  const fns = only(m.members, 'function') as A.FunctionDecl[];
  assert.deepEqual(fns.map((f) => [f.name.value, f.visibility, f.macro, f.entry]), [['m', 'package', true, false], ['foo', 'private', false, true]]);
  const foo = fns[1];
  assert.equal(foo.params[0].mut, true);
  assert.deepEqual(foo.attributes.map((a) => a.name.value), ['test', 'expected_failure']);
  const first = foo.body!.statements[0];
  assert.ok(first.kind === 'let' && first.value?.kind === 'binary' && first.value.op === '>>', '`>>` is rejoined into a shift');
  // Byte ranges point at the source text.
  assert.equal(src.slice(foo.name.loc.start, foo.name.loc.end), 'foo');
});

test('block-form modules, address blocks, scripts and Aptos forms parse', () => {
  const src = `address 0x42 {
module example {
    use std::signer;
    struct Counter has key { value: u64 }
    public entry fun bump(account: &signer) acquires Counter {
        let addr = signer::address_of(account);
        if (!exists<Counter>(addr)) move_to(account, Counter { value: 0 });
        let c = borrow_global_mut<Counter>(addr);
        c.value = c.value + 1;
    }
    spec bump { aborts_if false; }
    inline fun twice(x: u64): u64 { x * 2 }
}
}
script { fun main(s: signer) { let _ = s; } }
module 0x1::other { friend 0x42::example; public(friend) fun f() {} }
`;
  const r = parse(src);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.unit.modules.map((m) => [m.address?.value, m.name.value, m.isScript]), [['0x42', 'example', false], [undefined, 'main', true], ['0x1', 'other', false]]);
  const bump = r.unit.modules[0].members.find((x): x is A.FunctionDecl => x.kind === 'function' && x.name.value === 'bump')!;
  assert.deepEqual(bump.acquires.map((p) => p.segments.map((s) => s.value).join('::')), ['Counter']);
});

interface Case {
  name: string;
  src: string;
  /** The text the diagnostic's range starts at. */
  at: string;
  message: RegExp;
}

const wrong: Case[] = [
  { name: 'missing semicolon', src: 'module a::m;\nfun f() { let x = 1\n let y = 2; }', at: 'let y', message: /Expected ';' after the let statement, found 'let'/ },
  { name: 'missing closing paren', src: 'module a::m;\nfun f() { g(1, 2; }', at: '; }', message: /Expected '\)' to close the arguments, found ';'/ },
  { name: 'missing field type', src: 'module a::m;\npublic struct S { x }', at: '}', message: /Expected ':' and the type of field 'x', found '}'/ },
  { name: 'unknown visibility', src: 'module a::m;\npublic(crate) fun f() {}', at: 'crate', message: /public\(crate\)/ },
  { name: 'keyword as expression', src: 'module a::m;\nfun f() { let x = fun; }', at: 'fun;', message: /found the keyword 'fun'/ },
  { name: 'unexpected character', src: 'module a::m;\nfun f() { let x = 1 ☃ 2; }', at: '☃', message: /Unexpected character '☃'/ },
  { name: 'unclosed string', src: 'module a::m;\nconst C: vector<u8> = b"abc', at: 'b"', message: /never closed/ },
  { name: 'not a member', src: 'module a::m;\nlet x = 1;', at: 'let', message: /Expected a module member/ },
  { name: 'missing module', src: 'fun f() {}', at: 'fun', message: /Expected 'module'/ },
];

for (const c of wrong) {
  test(`syntax error: ${c.name}`, () => {
    const r = parse(c.src);
    assert.ok(r.diagnostics.length >= 1, 'a diagnostic');
    const d = r.diagnostics[0];
    assert.match(d.message, c.message);
    const bytes = Buffer.from(c.src);
    assert.equal(bytes.indexOf(Buffer.from(c.at)), d.range.start, `range starts at ${JSON.stringify(c.at)}`);
    assert.ok(d.code.startsWith('E01'));
  });
}

test('after a syntax error the rest of the module is still parsed', () => {
  const r = parse('module a::m;\nfun f() { let = ; g(); }\nfun g() { 1 + }\npublic struct S has drop { x: u64 }\nfun h(): u64 { 2 }');
  assert.equal(r.diagnostics.length, 2);
  const names = r.unit.modules[0].members.map((m) => ('name' in m ? m.name.value : m.kind));
  assert.deepEqual(names, ['f', 'g', 'S', 'h']);
  const f = r.unit.modules[0].members[0] as A.FunctionDecl;
  assert.equal(f.body!.statements.length, 1, 'the statement after the broken one is kept');
});

test('`as` binds like a binary operator between the comparisons and `..`, as in the Move compiler', () => {
  // Sui's random::uint_in_range writes `min + (rand % range_size as $T)`: the remainder is cast, not
  // range_size (which made the framework's random tests fail with a cast overflow).
  const shape = (e: A.Exp): string =>
    e.kind === 'binary' ? `(${shape(e.left)} ${e.op} ${shape(e.right)})`
    : e.kind === 'cast' ? `(${shape(e.exp)} as _)`
    : e.kind === 'name' ? e.path.segments.map((s) => s.value).join('::')
    : e.kind;
  const cases: [string, string][] = [
    ['rand % range_size as u128', '((rand % range_size) as _)'],
    ['a + b as u64', '((a + b) as _)'],
    ['x as u64 + 1', '((x as _) + number)'],
    ['x as u8 == y', '((x as _) == y)'],
    ['a as u8 as u16', '((a as _) as _)'],
  ];
  for (const [src, want] of cases) {
    const r = parse(`module a::m;\nfun f() { ${src}; }`);
    assert.deepEqual(r.diagnostics, [], src);
    const fn = r.unit.modules[0]!.members[0] as Extract<A.ModuleMember, { kind: 'function' }>;
    const st = fn.body!.statements[0] as { exp?: A.Exp };
    assert.equal(shape(st.exp as A.Exp), want, src);
  }
});
