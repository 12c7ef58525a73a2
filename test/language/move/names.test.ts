// Wrong programs: each gives the right message at the right range (unknown names, ability and type
// argument errors, wrong argument counts, duplicate and unused items). Programs are checked together
// with a small std package so imports resolve.
import test from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, type SourceFile } from '../../../language/move/program.ts';

const STD = `module std::option;
public struct Option<Element> has copy, drop, store { vec: vector<Element> }
public fun none<Element>(): Option<Element> { Option { vec: vector[] } }
public fun is_some<Element>(o: &Option<Element>): bool { o.vec.length() != 0 }
fun secret() {}
public(package) fun internal_only() {}
`;

function check(src: string) {
  const files: SourceFile[] = [
    { path: 'std/option.move', source: Buffer.from(STD), isDependency: true, packageName: 'MoveStdlib' },
    { path: 'm.move', source: Buffer.from(src), isDependency: false, packageName: 'App' },
  ];
  const program = buildProgram(files, { addresses: new Map([['std', '0x1'], ['app', '0x42']]) });
  return program.diagnostics.filter((d) => d.file === 'm.move');
}

interface Case {
  name: string;
  src: string;
  /** The source text the diagnostic's range covers. */
  at: string;
  /** Text just before the range (default: the range is the first `at` after the first line). */
  after?: string;
  message: RegExp;
  severity?: 'error' | 'warning';
  /** The diagnostic code, when the case pins it. */
  code?: string;
}

const cases: Case[] = [
  { name: 'unknown type', src: 'module app::m;\npublic struct S { x: Coin }', at: 'Coin', message: /Unknown type 'Coin': declare it or import it with 'use'/ },
  { name: 'unknown module in use', src: 'module app::m;\nuse std::nope;', at: 'nope', message: /Unknown module 'std::nope'/ },
  { name: 'unknown member in use', src: 'module app::m;\nuse std::option::Optional;', at: 'Optional', message: /Module 'std::option' has no member 'Optional'/ },
  { name: 'unknown address', src: 'module nowhere::m;', at: 'nowhere', message: /Unknown address 'nowhere': give it a value in the \[addresses\] section of Move.toml/ },
  { name: 'unknown function', src: 'module app::m;\nfun f() { g(); }', at: 'g', message: /Unknown function 'g'/ },
  { name: 'unbound variable', src: 'module app::m;\nfun f(): u64 { let a = 1; b }', at: 'b', after: '1; ', message: /Unbound variable 'b'/ },
  { name: 'variable out of scope', src: 'module app::m;\nfun f(): u64 { { let a = 1; }; a }', at: 'a', after: '}; ', message: /Unbound variable 'a'/ },
  { name: 'wrong argument count', src: 'module app::m;\nfun g(x: u64): u64 { x }\nfun f(): u64 { g(1, 2) }', at: 'g(1, 2)', message: /'g' takes 1 argument, but 2 were given/ },
  { name: 'wrong argument count across modules', src: 'module app::m;\nuse std::option;\nfun f(): bool { option::is_some() }', at: 'option::is_some()', message: /'is_some' takes 1 argument, but 0 were given/ },
  { name: 'private function of another module', src: 'module app::m;\nuse std::option;\nfun f() { option::secret() }', at: 'secret', message: /'0x1::option::secret' is private/ },
  { name: 'package function of another package', src: 'module app::m;\nuse std::option;\nfun f() { option::internal_only() }', at: 'internal_only', message: /public\(package\)/ },
  { name: 'missing ability for type argument', src: 'module app::m;\nuse std::option::Option;\npublic struct R {}\npublic struct S has drop { o: Option<R> }', at: 'Option<R>', message: /Field 'o' of 'S' must have 'drop' because 'S' has 'drop'/ },
  { name: 'constraint not satisfied', src: 'module app::m;\npublic struct Box<T: copy> has drop { t: T }\npublic struct R has drop {}\nfun f(_b: Box<R>) {}', at: 'Box<R>', message: /Type argument 1 of 'Box' must have copy/ },
  { name: 'wrong type argument count', src: 'module app::m;\nuse std::option::Option;\nfun f(_o: Option<u8, u8>) {}', at: 'Option<u8, u8>', message: /'Option' takes 1 type argument, found 2/ },
  { name: 'phantom used as field', src: 'module app::m;\npublic struct S<phantom T> { t: T }', at: 'T', after: 't: ', message: /Phantom type parameter 'T' cannot be used as a field type/ },
  { name: 'key struct with non-store field', src: 'module app::m;\npublic struct R {}\npublic struct S has key { r: R }', at: 'R', after: 'r: ', message: /Field 'r' of 'S' must have 'store' because 'S' has 'key'/ },
  { name: 'unknown ability', src: 'module app::m;\npublic struct S has copy, clone {}', at: 'clone', message: /Unknown ability 'clone'/ },
  { name: 'duplicate function', src: 'module app::m;\nfun f() {}\nfun f() {}', at: 'f', after: '}\nfun ', message: /Duplicate function 'f' in module 'm'/ },
  { name: 'duplicate field', src: 'module app::m;\npublic struct S { a: u8, a: u64 }', at: 'a', after: 'u8, ', message: /Duplicate field 'a'/ },
  { name: 'duplicate parameter', src: 'module app::m;\nfun f(x: u8, x: u8) {}', at: 'x', after: 'u8, ', message: /Duplicate parameter 'x'/ },
  { name: 'missing field in pack', src: 'module app::m;\npublic struct S has drop { a: u8, b: u8 }\nfun f(): S { S { a: 1 } }', at: 'S { a: 1 }', message: /Missing field 'b' of the struct 'S'/ },
  { name: 'unknown field in pack', src: 'module app::m;\npublic struct S has drop { a: u8 }\nfun f(): S { S { a: 1, c: 2 } }', at: 'c', after: '1, ', message: /The struct 'S' has no field 'c'/ },
  { name: 'pack of another module\'s struct', src: 'module app::m;\nuse std::option::Option;\nfun f(): Option<u8> { Option { vec: vector[] } }', at: 'Option', after: '> { ', message: /Struct 'Option' can only be created or destroyed in its own module/ },
  { name: 'unknown enum variant', src: 'module app::m;\npublic enum E has drop { A, B(u8) }\nfun f(): E { E::C }', at: 'C', after: 'E::', message: /Enum 'E' has no variant 'C'/ },
  { name: 'positional variant with wrong arity', src: 'module app::m;\npublic enum E has drop { A, B(u8) }\nfun f(): E { E::B(1, 2) }', at: 'E::B(1, 2)', message: /'E::B' has 1 field, 2 given/ },
  { name: 'macro called without !', src: 'module app::m;\nmacro fun twice($x: u64): u64 { $x * 2 }\nfun f(): u64 { twice(1) }', at: 'twice', after: 'f(): u64 { ', message: /'twice' is a macro: call it as 'twice!\(...\)'/ },
  { name: 'function called with !', src: 'module app::m;\nfun g() {}\nfun f() { g!() }', at: 'g', after: 'f() { ', message: /'g' is a function, not a macro/ },
  { name: 'unused alias', src: 'module app::m;\nuse std::option::Option;\nfun f() {}', at: 'Option', message: /Unused alias 'Option'/, severity: 'warning' },
  { name: 'let annotation mismatch', src: 'module app::m;\nfun f() { let _x: u64 = true; }', at: 'true', message: /Expected 'u64', found 'bool'/ },
  { name: 'integer condition', src: 'module app::m;\nfun f() { if (1) () }', at: '1', after: 'if (', message: /The condition: expected 'bool', found an integer/ },
  { name: 'argument type', src: 'module app::m;\nfun g(_x: u64) {}\nfun f() { g(true) }', at: 'true', message: /Argument 1 of 'g': expected 'u64', found 'bool'/ },
  { name: 'return type', src: 'module app::m;\nfun f(): u64 { true }', at: 'true', message: /The function returns the wrong type: expected 'u64', found 'bool'/ },
  { name: 'unknown field', src: 'module app::m;\npublic struct S has drop { a: u64 }\nfun f(s: S): u64 { s.b }', at: 'b', after: 's.', message: /Struct 'S' has no field 'b'/ },
  { name: 'unknown method', src: 'module app::m;\npublic struct S has drop { a: u64 }\nfun f(s: S): u64 { s.total() }', at: 'total', message: /No method 'total' for type 'S'/ },
  { name: 'method argument count', src: 'module app::m;\npublic struct S has drop { a: u64 }\nfun get(s: &S): u64 { s.a }\nfun f(s: S): u64 { s.get(1) }', at: 's.get(1)', message: /'get' takes 0 arguments after the receiver, but 1 was given/ },
  { name: 'dereferencing a value', src: 'module app::m;\nfun f(x: u64): u64 { *x }', at: '*x', message: /Only a reference can be dereferenced/ },
  { name: 'writing through an immutable reference', src: 'module app::m;\nfun f(r: &u64) { *r = 1; }', at: '*r', message: /Cannot write through an immutable reference/ },
  { name: 'if branches differ', src: 'module app::m;\nfun f(c: bool): u64 { if (c) 1 else false }', at: 'false', message: /The branches of this 'if' have different types/ },
  { name: 'arithmetic on bool', src: 'module app::m;\nfun f(): bool { true + false }', at: 'true', after: '{ ', message: /'\+' needs integers, found 'bool'/ },
  { name: 'reference in a field', src: 'module app::m;\npublic struct S { r: &u64 }', at: '&u64', message: /A field cannot hold a reference/ },
  // Aptos global storage: only the resource's own module, only structs with `key`, `move_to` takes `&signer`.
  { name: 'global storage of a struct without key', src: 'module app::m;\npublic struct S has store { a: u8 }\nfun f(a: address): bool { exists<S>(a) }', at: 'exists<S>(a)', message: /'exists' needs 'S' to have the 'key' ability/ },
  { name: 'global storage of another module\'s struct', src: 'module app::m;\nuse std::option::Option;\nfun f(a: address): bool { exists<Option<u8>>(a) }', at: 'exists<Option<u8>>(a)', message: /only its own module \(0x1::option\) can use it in global storage/ },
  { name: 'global storage of a non-struct', src: 'module app::m;\nfun f(a: address): u64 { move_from<u64>(a) }', at: 'move_from<u64>(a)', message: /'move_from' works on structs with the 'key' ability, not 'u64'/ },
  { name: 'borrow_global without its type', src: 'module app::m;\nfun f(a: address) { borrow_global(a); }', at: 'borrow_global(a)', message: /'borrow_global' needs the resource type/ },
  { name: 'move_to to an address', src: 'module app::m;\npublic struct R has key { a: u8 }\nfun f(a: address) { move_to(a, R { a: 1 }) }', at: 'a', after: 'move_to(', message: /The first argument of 'move_to'.*'&signer'/ },
  // Exhaustiveness of match, abilities of values in bodies, references to locals returned.
  { name: 'match missing a variant', code: 'E03016', src: 'module app::m;\npublic enum E has drop { A, B(u8), C { x: u64 } }\nfun f(e: E): u64 { match (e) { E::A => 1, E::B(_) => 2 } }', at: 'e', after: 'match (', message: /This 'match' does not cover every value: E::C \{ x: _ \} is not matched/ },
  { name: 'match missing a nested variant', code: 'E03016', src: 'module app::m;\npublic enum In has drop { X, Y }\npublic enum E has drop { A(In), B }\nfun f(e: &E): u64 { match (e) { E::A(In::X) => 1, E::B => 2 } }', at: 'e', after: 'match (', message: /E::A\(In::Y\) is not matched/ },
  { name: 'match on an integer without a wildcard', code: 'E03016', src: 'module app::m;\nfun f(x: u8): u64 { match (x) { 0 => 1, 1 => 2 } }', at: 'x', after: 'match (', message: /_ is not matched/ },
  { name: 'guarded arm does not make a match exhaustive', code: 'E03016', src: 'module app::m;\npublic enum E has drop { A(u8), B }\nfun f(e: E): u64 { match (e) { E::A(n) if (n > 1) => 1, E::B => 2 } }', at: 'e', after: 'match (', message: /E::A\(_\) is not matched/ },
  { name: 'discarding a value without drop', code: 'E03017', src: 'module app::m;\npublic struct Ticket { id: u64 }\nfun make(): Ticket { Ticket { id: 1 } }\nfun f() { make(); }', at: 'make()', after: 'f() { ', message: /discarded, but its type 'Ticket' does not have 'drop'/ },
  { name: 'let _ on a value without drop', code: 'E03017', src: 'module app::m;\npublic struct Ticket { id: u64 }\nfun f(t: Ticket) { let _ = t; }', at: '_', message: /'_' discards the value, but its type 'Ticket' does not have 'drop'/ },
  { name: 'copy of a value without copy', code: 'E03019', src: 'module app::m;\npublic struct Ticket has drop { id: u64 }\nfun f(t: Ticket): Ticket { copy t }', at: 'copy t', message: /'t' cannot be copied: its type 'Ticket' does not have 'copy'/ },
  { name: 'returning a reference to a local', code: 'E03018', src: 'module app::m;\nfun f(): &u64 { let x = 1; &x }', at: '&x', message: /Cannot return a reference to the local 'x'/ },
  { name: 'returning a reference into a local struct', code: 'E03018', src: 'module app::m;\npublic struct S has drop { v: u64 }\nfun f(s: S): &u64 { return &s.v }', at: '&s.v', message: /Cannot return a reference to the local 's'/ },
];


for (const c of cases) {
  test(`wrong program: ${c.name}`, () => {
    const diagnostics = check(c.src);
    assert.equal(diagnostics.length, 1, `exactly one diagnostic: ${JSON.stringify(diagnostics.map((d) => d.message))}`);
    const d = diagnostics[0];
    assert.match(d.message, c.message);
    assert.equal(d.severity, c.severity ?? 'error');
    if (c.code) assert.equal(d.code, c.code);
    const bytes = Buffer.from(c.src);
    const firstLine = c.at === 'nowhere' ? 0 : bytes.indexOf('\n');
    const start = c.after ? bytes.indexOf(c.after, firstLine) + c.after.length : bytes.indexOf(c.at, firstLine);
    assert.equal(bytes.subarray(d.range.start, d.range.end).toString(), c.at, 'the range covers the offending text');
    assert.equal(d.range.start, start);
  });
}

test('a correct program has no diagnostics', () => {
  const src = `module app::m;
use std::option::{Self, Option};
public enum Shape has copy, drop { Circle(u64), Rect { w: u64, h: u64 }, Empty }
public struct Pair<T: copy + drop> has copy, drop { a: T, b: T }
public struct Wrapper<phantom T> has store { value: u64 }
const EBad: u64 = 1;
macro fun apply<$T>($x: $T, $f: |$T| -> $T): $T { $f($x) }
public fun area(s: Shape): u64 {
    match (s) { Shape::Circle(r) => r * r * 3, Shape::Rect { w, h } => w * h, Shape::Empty => 0 }
}
public fun first<T: copy + drop>(p: &Pair<T>): T { p.a }
public fun none_u8(): Option<u8> { option::none() }
public fun twice(x: u64): u64 {
    let y = apply!(x, |v| v * 2);
    let Pair { a, b: _ } = Pair { a: y, b: 0 };
    assert!(a >= x, EBad);
    'outer: loop { if (a > 0) break 'outer; };
    a
}
`;
  assert.deepEqual(check(src), []);
});

test('exhaustive matches, dropped values with drop and references to parameters are accepted', () => {
  const src = `module app::m;
public enum E has drop { A(bool), B { x: u64 } }
public struct Ticket has drop { id: u64 }
fun f(e: &E): u64 { match (e) { E::A(true) => 1, E::A(false) => 2, E::B { .. } => 3 } }
fun g(b: bool): u64 { match (b) { true => 1, false => 0 } }
fun h(t: &Ticket): &u64 { &t.id }
fun k() { Ticket { id: 1 }; let _ = Ticket { id: 2 }; }
`;
  assert.deepEqual(check(src).map((d) => d.message), []);
});
