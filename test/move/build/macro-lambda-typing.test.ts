// Macro bodies and lambdas typed per expansion, as the Move compiler types them: a lambda passed to a macro
// parameter `|_, _|` learns its parameter types only where the expansion calls it, so a method called on one
// (`c.checked_add(..)`, as MoveStdlib's integer tests do inside `cases!`) resolves to the function of the
// expansion's type: `u8::checked_add` for u8 cases, `u64::checked_add` for u64 ones; and a macro declared
// `): _` yields the type its body gives for the call's arguments. Also the type_name
// native's string (move-core-types' `TypeTag::to_canonical_string`), which tests compare byte for byte.
// Each package is compiled by us and its tests run in our interpreter, as `chainstep move test` does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { frameworkSrc } from '../../language/move/corpus.ts';
import { runPackageTests } from '../../../debug-adapter/move/build/test-runner.ts';

const MACROS = `module tst::m;

use std::unit_test::assert_eq;

/// Calls \`$f(pred, c)\` for every case: the lambda's parameter types are \`_\`, decided by this expansion.
macro fun each($cases: vector<_>, $f: |_, _|) {
    let cases = $cases;
    cases.do!(|c| {
        let pred = c.max(1) - 1;
        $f(pred, c);
    });
}

/// A macro over \`$T\` that hands its lambda to another macro, as integer_tests::test_checked_add does.
macro fun check_add<$T>($max: $T, $cases: vector<$T>) {
    let max = $max;
    each!($cases, |p, c| {
        // Methods on both parameters before anything in the lambda says what they are.
        assert!(c.checked_add(max).is_none() == (c > 0), 2);
        assert!(p.checked_add(1) == option::some(c), 3);
    });
}

/** Like \`each!\`, with the neighbours bounded by \`$max\` (integer_tests::cases). */
macro fun around($max: _, $cases: vector<_>, $f: |_, _, _|) {
    let cases = $cases;
    let below_max = $max - 1;
    cases.destroy!(|c| {
        let pred = c.max(1) - 1;
        let succ = c.min(below_max) + 1;
        $f(pred, c, succ);
    });
}

/**
 * As integer_tests::test_sqrt: \`p * p\` only says "an integer", the expansion says which; the method call
 * is an argument of another macro (\`assert_eq!\`), evaluated where that macro's body uses it.
 */
macro fun check_sqrt<$T>($max: $T, $cases: vector<$T>) {
    let max = $max;
    let cases: vector<$T> = $cases;
    around!(max, cases, |p, c, s| {
        assert_eq!((p * p).sqrt(), p);
        assert_eq!((c * c).sqrt(), c);
        assert_eq!((s * s).sqrt(), s);
    });
}

#[test]
fun sqrt_in_a_generic_macro() {
    check_sqrt!(255u8, vector[3u8, 14]);
}

#[test]
fun method_before_the_parameter_is_constrained() {
    // \`p.diff(c)\` comes first; only the later \`c - p\` would tell the lambda body that p is a u8.
    each!(vector[3u8, 200], |p, c| {
        assert!(p.diff(c) == c - p, 0);
    });
}

#[test]
fun method_typed_only_by_the_expansion() {
    // Nothing in the lambda fixes p's and c's types: \`p * p\` only says "an integer" (not u64), and
    // 200 + 100 overflows only because c is the expansion's u8.
    each!(vector[200u8], |p, c| {
        assert!((p * 1).sqrt() == 14, 4);
        assert!(c.checked_add(100).is_none(), 1);
    });
}

#[test]
fun nested_macros_at_u8() {
    check_add!(255u8, vector[1u8, 7, 255]);
}

#[test]
fun nested_macros_at_u64() {
    check_add!(18446744073709551615u64, vector[1u64, 9]);
}

/** Results the signature leaves open: what the body yields for the call's arguments. */
macro fun double($x: _): _ { $x + $x }
macro fun first($v: vector<_>): _ { let v = $v; v[0] }
macro fun apply($x: _, $f: |_| -> _): _ { $f($x) }

#[test]
fun macro_result_typed_by_its_expansion() {
    let d = double!(100u8);
    assert!(d.checked_add(100).is_none(), 7);
    assert!(first!(vector[250u8]).checked_add(10).is_none(), 8);
    assert!(double!(100u8).checked_add(100).is_none(), 9);
    // Through a lambda: what \`|x| x + 50\` yields for the u8 the body gives it.
    let r = apply!(200u8, |x| x + 50);
    assert!(r.checked_add(10).is_none(), 10);
}

#[test]
fun lambda_result_typed_by_the_call_site() {
    // The literal in the lambda is a u8: \`map!\`'s \`$U\` is u8 here, so 255 + 1 overflows.
    let r: vector<u8> = vector[1u64, 2].map!(|_| 255);
    assert!(r[0].checked_add(1).is_none(), 5);
}
`;

const TYPE_NAMES = `module tst::names;

use std::type_name;

public struct Pair<phantom A, phantom B, phantom C> has drop {}
public struct Boxed<phantom T> has drop {}
public enum Choice<phantom A, phantom B> has drop { One }

fun name<T>(): vector<u8> { *type_name::with_defining_ids<T>().as_string().as_bytes() }

#[test]
fun canonical_strings() {
    // Type arguments separated by a bare comma; addresses as 64 hex digits, leading zeros kept.
    assert!(name<Pair<bool, u64, u128>>() == b"0000000000000000000000000000000000000000000000000000000000000000::names::Pair<bool,u64,u128>", 0);
    assert!(name<Pair<bool, vector<u64>, Boxed<u128>>>() == b"0000000000000000000000000000000000000000000000000000000000000000::names::Pair<bool,vector<u64>,0000000000000000000000000000000000000000000000000000000000000000::names::Boxed<u128>>", 1);
    assert!(name<Choice<std::string::String, vector<vector<u8>>>>() == b"0000000000000000000000000000000000000000000000000000000000000000::names::Choice<0000000000000000000000000000000000000000000000000000000000000001::string::String,vector<vector<u8>>>", 2);
    assert!(name<vector<Boxed<address>>>() == b"vector<0000000000000000000000000000000000000000000000000000000000000000::names::Boxed<address>>", 3);
    assert!(name<std::option::Option<u256>>() == b"0000000000000000000000000000000000000000000000000000000000000001::option::Option<u256>", 4);
    assert!(name<u16>() == b"u16" && name<bool>() == b"bool" && name<vector<address>>() == b"vector<address>", 5);
    // The other entry points give the same string for a package that was never upgraded.
    assert!(*type_name::with_original_ids<Pair<u8, u16, u32>>().as_string().as_bytes() == name<Pair<u8, u16, u32>>(), 6);
    assert!(type_name::get<Boxed<u8>>() == type_name::with_defining_ids<Boxed<u8>>(), 7);
    assert!(type_name::get_with_original_ids<Boxed<u8>>() == type_name::with_original_ids<Boxed<u8>>(), 8);
}
`;

function withPackage<T>(files: Record<string, string>, body: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-macro-typing-'));
  try {
    mkdirSync(path.join(dir, 'sources'));
    writeFileSync(path.join(dir, 'Move.toml'), `[package]\nname = "Tst"\nedition = "2024.beta"\n\n[dependencies]\nMoveStdlib = { local = ${JSON.stringify(path.join(frameworkSrc, 'move-stdlib'))} }\n\n[addresses]\ntst = "0x0"\n`);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, 'sources', name), text);
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

test('a method on a lambda parameter that only the macro expansion types resolves to that type', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  withPackage({ 'm.move': MACROS }, (dir) => {
    const run = runPackageTests(dir);
    assert.deepEqual(run.diagnostics.filter((d) => d.severity === 'error'), []);
    const got = Object.fromEntries(run.tests.map((x) => [x.name, `${x.status}${x.reason ? `: ${x.reason}` : ''}`]));
    assert.deepEqual(got, {
      '0x0::m::sqrt_in_a_generic_macro': 'pass',
      '0x0::m::method_before_the_parameter_is_constrained': 'pass',
      '0x0::m::method_typed_only_by_the_expansion': 'pass',
      '0x0::m::nested_macros_at_u8': 'pass',
      '0x0::m::nested_macros_at_u64': 'pass',
      '0x0::m::macro_result_typed_by_its_expansion': 'pass',
      '0x0::m::lambda_result_typed_by_the_call_site': 'pass',
    });
  });
});

test('type_name gives the canonical type string of move-core-types, nested generics included', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  withPackage({ 'names.move': TYPE_NAMES }, (dir) => {
    const run = runPackageTests(dir);
    assert.deepEqual(run.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(run.tests.map((x) => [x.name, x.status, x.reason]), [['0x0::names::canonical_strings', 'pass', undefined]]);
  });
});
