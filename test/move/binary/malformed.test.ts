// Malformed bytecode: each kind of damage ends in a MoveFormatError that names the module, the table and
// the byte offset, built here from a minimal hand-assembled module so offsets are known exactly.
import test from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../debug-adapter/core/errors.ts';
import { MoveFormatError, deserialize, deserializeScript, disassembleModule } from '../../../debug-adapter/move/binary/index.ts';
import { build, name, uleb, type Built } from './assemble.ts';

const IDENTIFIERS = 0x7;
const ADDRESSES = 0x8;
const MODULE_HANDLES = 0x1;
const SIGNATURES = 0x5;
const FUNCTION_HANDLES = 0x3;
const FUNCTION_DEFS = 0xc;

const baseTables = (): [number, number[]][] => [
  [IDENTIFIERS, [...name('m'), ...name('f')]],
  [ADDRESSES, new Array(32).fill(0)],
  [MODULE_HANDLES, [0, 0]],
];

/** A module `0x0::m` with one public function `f(): ()` whose body is `code`, locals signature 0 (empty). */
function withFunction(code: number[], count: number, signatures: number[] = [0]): Built {
  return build([
    ...baseTables(),
    [SIGNATURES, signatures],
    [FUNCTION_HANDLES, [0, 1, 0, 0, 0]],
    [FUNCTION_DEFS, [0, 1, 0, 0, 0, ...uleb(count), ...code]],
  ]);
}

function expectFormatError(bytes: Uint8Array, table: string, offset: number | undefined, detail: RegExp, kind: 'module' | 'script' = 'module'): MoveFormatError {
  let error: unknown;
  try {
    if (kind === 'script') deserializeScript(bytes, 'bad.mv');
    else deserialize(bytes, 'bad.mv');
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof MoveFormatError, `expected a MoveFormatError, got ${String(error)}`);
  assert.ok(error instanceof UserError);
  assert.equal(error.moduleName, 'bad.mv');
  assert.equal(error.table, table);
  if (offset !== undefined) assert.equal(error.offset, offset);
  assert.match(error.detail, detail);
  assert.match(error.message, /bad\.mv/);
  assert.match(error.message, new RegExp(`${table}, byte offset ${error.offset}`));
  return error;
}

test('the hand-assembled baseline modules are valid', () => {
  const empty = deserialize(build(baseTables()).bytes, 'ok.mv');
  assert.equal(empty.identifiers.join(','), 'm,f');
  assert.equal(empty.moduleHandles.length, 1);
  const fn = deserialize(withFunction([0x02], 1).bytes, 'ok.mv');
  assert.deepEqual(fn.functionDefs[0]!.code!.code, [{ op: 'Ret' }]);
  assert.match(disassembleModule(fn), /public fun m::f\(\) \{\n\s+0: Ret/);
});

test('header damage: magic, length, version, flavour', () => {
  const good = build(baseTables()).bytes;
  expectFormatError(Uint8Array.from([0xca, 0xfe, 0xba, 0xbe, ...good.slice(4)]), 'header', 0, /bad magic cafebabe/);
  expectFormatError(good.slice(0, 6), 'header', 0, /too short/);
  const v4 = good.slice();
  v4[4] = 4;
  expectFormatError(v4, 'header', 4, /unsupported sui bytecode version 4/);
  const sui8 = good.slice();
  sui8.set([8, 0, 0, 5], 4);
  expectFormatError(sui8, 'header', 4, /unsupported sui bytecode version 8/);
  const flavour = good.slice();
  flavour.set([7, 0, 0, 0x33], 4);
  expectFormatError(flavour, 'header', 4, /unknown bytecode flavour 0x33/);
});

test('table header damage: unknown kind, gaps, overlaps, duplicates, empty tables, lengths past the end', () => {
  const ident = [...name('m')];
  const addr = new Array(32).fill(0);
  const raw = (headers: number[], content: number[]) => Uint8Array.from([0xa1, 0x1c, 0xeb, 0x0b, 6, 0, 0, 0, ...headers, ...content, 0]);
  expectFormatError(raw([1, 0x09, 0, 2], ident), 'table headers', 9, /unknown table kind 0x9/);
  expectFormatError(raw([2, IDENTIFIERS, 0, 2, ADDRESSES, 1, 32], [...ident, ...addr]), 'table headers', undefined, /overlap or leave a gap/);
  expectFormatError(raw([2, IDENTIFIERS, 0, 2, ADDRESSES, 3, 32], [...ident, 0, ...addr]), 'table headers', undefined, /overlap or leave a gap/);
  expectFormatError(raw([2, IDENTIFIERS, 0, 2, IDENTIFIERS, 2, 2], [...ident, ...ident]), 'table headers', undefined, /duplicate identifiers table/);
  expectFormatError(raw([1, IDENTIFIERS, 0, 0], []), 'table headers', 9, /empty identifiers table/);
  expectFormatError(raw([1, IDENTIFIERS, 0, 200], ident), 'table headers', 9, /past the end of the binary/);
  // Enum tables need version 7.
  expectFormatError(raw([1, 0x11, 0, 2], ident), 'table headers', 9, /enum definitions need bytecode version 7/);
});

test('ULEB128 damage: 64-bit overflow, non-canonical encodings, values over the limit', () => {
  const tooLong = Uint8Array.from([0xa1, 0x1c, 0xeb, 0x0b, 6, 0, 0, 0, ...new Array(11).fill(0xff), 0x01]);
  expectFormatError(tooLong, 'table headers', 8, /overflows 64 bits/);
  const nonCanonical = Uint8Array.from([0xa1, 0x1c, 0xeb, 0x0b, 6, 0, 0, 0, 0x81, 0x00]);
  expectFormatError(nonCanonical, 'table headers', 8, /non-canonical ULEB128 table count/);
  const overMax = Uint8Array.from([0xa1, 0x1c, 0xeb, 0x0b, 6, 0, 0, 0, ...uleb(300)]);
  expectFormatError(overMax, 'table headers', 8, /table count 300 exceeds the maximum 255/);
});

test('indices into the wrong table or past its end name the table and byte', () => {
  // Module handle naming identifier 5 of 2.
  const tables = baseTables();
  tables[2] = [MODULE_HANDLES, [0, 5]];
  const built = build(tables);
  expectFormatError(built.bytes, 'module handles', built.tableStart.get(MODULE_HANDLES)! + 1, /identifier index 5 is out of range \(2 identifiers\)/);
  // Self handle past the module handles.
  const self = build(baseTables(), [3]);
  expectFormatError(self.bytes, 'module trailer', self.trailerStart, /self module handle index 3 is out of range/);
  // Address table not a multiple of 32 bytes.
  const shortAddr = baseTables();
  shortAddr[1] = [ADDRESSES, new Array(31).fill(0)];
  expectFormatError(build(shortAddr).bytes, 'address identifiers', undefined, /not a multiple of 32/);
  // Identifier length running past its table.
  const longName = baseTables();
  longName[0] = [IDENTIFIERS, [...uleb(60000), 0x6d]];
  expectFormatError(build(longName).bytes, 'identifiers', undefined, /unexpected end of identifiers/);
  // Invalid UTF-8 and invalid identifier characters.
  const badUtf8 = baseTables();
  badUtf8[0] = [IDENTIFIERS, [2, 0xc3, 0x28, ...name('f')]];
  expectFormatError(build(badUtf8).bytes, 'identifiers', undefined, /not valid UTF-8/);
  const badIdent = baseTables();
  badIdent[0] = [IDENTIFIERS, [...name('a-b'), ...name('f')]];
  expectFormatError(build(badIdent).bytes, 'identifiers', undefined, /invalid identifier/);
});

test('signature damage: unknown tags, missing type arguments, runaway nesting', () => {
  const sig = (bytes: number[]) => build([...baseTables(), [SIGNATURES, bytes]]);
  const unknown = sig([1, 0x42]);
  expectFormatError(unknown.bytes, 'signatures', unknown.tableStart.get(SIGNATURES)! + 1, /unknown type tag 0x42/);
  expectFormatError(sig([1, 0x08, 0]).bytes, 'signatures', undefined, /datatype handle index 0 is out of range/);
  expectFormatError(sig([1, 0x0a]).bytes, 'signatures', undefined, /unexpected end of signatures/);
  expectFormatError(sig([1, ...new Array(300).fill(0x0a), 0x02]).bytes, 'signatures', undefined, /type nesting is too deep/);
  // u16 needs v6: the same bytes at v5 fail.
  const v5 = build([...baseTables(), [SIGNATURES, [1, 0x0d]]], [0], [5, 0, 0, 0]);
  expectFormatError(v5.bytes, 'signatures', undefined, /u16\/u32\/u256 types need bytecode version 6/);
  // Aptos function types need v8.
  expectFormatError(sig([1, 0x10, 0, 0, 0]).bytes, 'signatures', undefined, /function types need Aptos bytecode version 8/);
});

test('code damage: branch targets, locals, opcodes, truncated immediates, definitions of other modules', () => {
  const codeStart = (b: Built) => b.tableStart.get(FUNCTION_DEFS)! + 6;
  const branch = withFunction([0x05, 7], 1);
  expectFormatError(branch.bytes, 'function definitions', codeStart(branch) + 1, /branch target 7 is past the end of the code \(1 instructions\)/);
  const local = withFunction([0x0a, 0, 0x02], 2);
  expectFormatError(local.bytes, 'function definitions', codeStart(local) + 1, /local index 0 is out of range \(f has 0 locals\)/);
  const opcode = withFunction([0xee], 1);
  expectFormatError(opcode.bytes, 'function definitions', codeStart(opcode), /unknown opcode 0xee/);
  const immediate = withFunction([0x06, 1, 2, 3], 1);
  expectFormatError(immediate.bytes, 'function definitions', undefined, /unexpected end of function definitions/);
  const call = withFunction([0x11, 4, 0x02], 2);
  expectFormatError(call.bytes, 'function definitions', codeStart(call) + 1, /function handle index 4 is out of range/);
  const constant = withFunction([0x07, 0, 0x02], 2);
  expectFormatError(constant.bytes, 'function definitions', undefined, /constant index 0 is out of range \(0 constants\)/);
  const count = withFunction([0x02], 70000);
  expectFormatError(count.bytes, 'function definitions', count.tableStart.get(FUNCTION_DEFS)! + 5, /instruction count 70000 exceeds the maximum 65535/);
  const flags = build([...baseTables(), [SIGNATURES, [0]], [FUNCTION_HANDLES, [0, 1, 0, 0, 0]], [FUNCTION_DEFS, [0, 1, 0x10, 0]]]);
  expectFormatError(flags.bytes, 'function definitions', undefined, /unknown function flag bits 0x10/);
  const visibility = build([...baseTables(), [SIGNATURES, [0]], [FUNCTION_HANDLES, [0, 1, 0, 0, 0]], [FUNCTION_DEFS, [0, 2, 0, 0]]]);
  expectFormatError(visibility.bytes, 'function definitions', undefined, /invalid visibility 0x2/);
  // A definition for a function handle of another module (0x0::f).
  const foreign = build([
    [IDENTIFIERS, [...name('m'), ...name('f')]],
    [ADDRESSES, new Array(32).fill(0)],
    [MODULE_HANDLES, [0, 0, 0, 1]],
    [SIGNATURES, [0]],
    [FUNCTION_HANDLES, [1, 1, 0, 0, 0]],
    [FUNCTION_DEFS, [0, 1, 0, 0, 0, 1, 0x02]],
  ]);
  expectFormatError(foreign.bytes, 'function definitions', foreign.tableStart.get(FUNCTION_DEFS)!, /function definition for a function of another module/);
  // A vector instruction whose signature holds two types.
  const vec = withFunction([0x41, 1, 0x02], 2, [0, 2, 0x03, 0x03]);
  expectFormatError(vec.bytes, 'function definitions', undefined, /vector instruction signature must hold one type/);
});

test('scripts: module-only tables are rejected; a script body is read', () => {
  const body = [0, 0, 0, 1, 0x02]; // no type parameters, parameters = signature 0, locals 0, [Ret]
  const script = build([...baseTables(), [SIGNATURES, [0]]], body);
  const parsed = deserializeScript(script.bytes, 'script.mv', { flavour: 'aptos' });
  assert.equal(parsed.kind, 'script');
  assert.deepEqual(parsed.script!.code.code, [{ op: 'Ret' }]);
  const withDefs = build([...baseTables(), [SIGNATURES, [0]], [FUNCTION_HANDLES, [0, 1, 0, 0, 0]], [FUNCTION_DEFS, [0, 1, 0, 0, 0, 1, 0x02]]], body);
  expectFormatError(withDefs.bytes, 'table headers', undefined, /a script cannot have a function definitions table/, 'script');
});
