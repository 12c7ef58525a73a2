// Flavour-specific parts of the format that the fixtures barely exercise, on hand-assembled modules:
// Sui v7 enums (variant handles, VariantSwitch jump tables), Aptos v7 struct variants and access
// specifiers, Aptos v8 closures and function types.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  MoveFormatError,
  deserialize,
  disassembleModule,
  instructionText,
  opcodeByte,
  opcodeName,
  typeText,
} from '../../../debug-adapter/move/binary/index.ts';
import { build, name } from './assemble.ts';

const T = { moduleHandles: 0x1, datatypeHandles: 0x2, functionHandles: 0x3, signatures: 0x5, identifiers: 0x7, addresses: 0x8, structDefs: 0xa, functionDefs: 0xc };
const SUI_V7 = [7, 0, 0, 5];
const APTOS_V7 = [7, 0, 0, 0x0a];
const APTOS_V8 = [8, 0, 0, 0x0a];
const u64 = (n: number) => [0x06, n, 0, 0, 0, 0, 0, 0, 0];

const common = (idents: string[]): [number, number[]][] => [
  [T.identifiers, idents.flatMap(name)],
  [T.addresses, new Array(32).fill(0)],
  [T.moduleHandles, [0, 0]],
];

function suiEnumModule(jumpTable: number[], switchIndex = 0) {
  const code = [
    ...u64(7), 0x4e, 0, 0x0c, 0, 0x0e, 0, 0x56, switchIndex, // LdU64 7; PackVariant E::A; StLoc 0; ImmBorrowLoc 0; VariantSwitch
    0x0b, 0, 0x50, 0, 0x01, 0x02, // 5: MoveLoc 0; UnpackVariant E::A; Pop; Ret
    0x0b, 0, 0x50, 1, 0x02, // 9: MoveLoc 0; UnpackVariant E::B; Ret
  ];
  return build([
    ...common(['m', 'f', 'E', 'A', 'B', 'x']),
    [T.datatypeHandles, [0, 2, 3, 0]], // E has copy, drop
    [T.signatures, [0, 1, 0x08, 0]], // (), (E)
    [T.functionHandles, [0, 1, 0, 0, 0]],
    [0x11, [0, 0x02, 2, 3, 1, 5, 0x03, 4, 0]], // enum E { A { x: u64 }, B {} }
    [0x13, [0, 0, 0, 1]], // variant handles E::A, E::B
    [T.functionDefs, [0, 1, 0, 0, 1, 12, ...code, ...jumpTable]],
  ], [0], SUI_V7).bytes;
}

test('Sui v7: enums, variant handles and VariantSwitch jump tables', () => {
  const module = deserialize(suiEnumModule([1, 0, 2, 0x01, 5, 9]), 'enum.mv');
  assert.equal(module.flavour, 'sui');
  assert.deepEqual(module.variantHandles, [{ enumDef: 0, variant: 0 }, { enumDef: 0, variant: 1 }]);
  const code = module.functionDefs[0]!.code!;
  assert.deepEqual(code.jumpTables, [{ headEnum: 0, offsets: [5, 9] }]);
  assert.deepEqual(code.code[4], { op: 'VariantSwitch', jumpTable: 0 });
  assert.equal(instructionText(module, 0, 1), 'PackVariant(E::A)');
  assert.equal(instructionText(module, 0, 4), 'VariantSwitch[0](E: A => 5, B => 9)');
  assert.equal(instructionText(module, 0, 10), 'UnpackVariant(E::B)');
  assert.equal(opcodeName(code.code[4]!, 'sui'), 'VARIANT_SWITCH');
  assert.equal(opcodeByte(code.code[1]!, 'sui'), 0x4e);
  assert.match(disassembleModule(module), /enum E has copy, drop \{\n\s+A \{ x: u64 \},\n\s+B \{  \},/);
});

test('Sui v7: damaged jump tables are caught', () => {
  const expect = (bytes: Uint8Array, detail: RegExp) =>
    assert.throws(() => deserialize(bytes, 'enum.mv'), (e: unknown) => e instanceof MoveFormatError && e.table === 'function definitions' && detail.test(e.detail));
  expect(suiEnumModule([1, 0, 3, 0x01, 5, 9, 9]), /jump table has 3 branches for an enum of 2 variants/);
  expect(suiEnumModule([1, 0, 2, 0x01, 5, 40]), /branch target 40 is past the end of the code/);
  expect(suiEnumModule([1, 0, 2, 0x02, 5, 9]), /unknown jump table kind 0x2/);
  expect(suiEnumModule([1, 0, 2, 0x01, 5, 9], 1), /jump table index 1 is out of range \(1 jump tables in f\)/);
  expect(suiEnumModule([]), /unexpected end of function definitions/);
  // Aptos-only opcodes are unknown to Sui.
  const closure = build([...common(['m', 'f']), [T.signatures, [0]], [T.functionHandles, [0, 1, 0, 0, 0]], [T.functionDefs, [0, 1, 0, 0, 0, 1, 0x58, 0]]], [0], SUI_V7);
  assert.throws(() => deserialize(closure.bytes, 'c.mv'), (e: unknown) => e instanceof MoveFormatError && /unknown opcode 0x58/.test(e.detail));
});

function aptosVariantModule(accessSpecifier: number[]) {
  const code = [
    ...u64(1), 0x52, 0, 0x0c, 0, 0x0e, 0, 0x56, 1, 0x01, // LdU64 1; PackVariant S::A; StLoc 0; ImmBorrowLoc 0; TestVariant S::B; Pop
    0x0e, 0, 0x4e, 0, 0x01, // ImmBorrowLoc 0; ImmBorrowVariantField S::A|B.x; Pop
    0x0b, 0, 0x54, 0, 0x01, 0x02, // MoveLoc 0; UnpackVariant S::A; Pop; Ret
  ];
  return build([
    ...common(['m', 'f', 'S', 'A', 'B', 'x']),
    [T.datatypeHandles, [0, 2, 3, 0]],
    [T.signatures, [0, 1, 0x08, 0]],
    [T.functionHandles, [0, 1, 0, 0, 0, ...accessSpecifier]],
    [T.structDefs, [0, 0x03, 2, 3, 1, 5, 0x03, 4, 1, 5, 0x03]], // struct S { A { x: u64 }, B { x: u64 } }
    [0x11, [0, 0, 2, 0, 1]], // variant field handle: S::A|B field 0
    [0x13, [0, 0, 0, 1]], // struct variant handles S::A, S::B
    [T.functionDefs, [0, 1, 0, 0, 1, 13, ...code]],
  ], [0], APTOS_V7).bytes;
}

test('Aptos v7: struct variants, variant fields and access specifiers', () => {
  // reads S at the address in parameter 0
  const module = deserialize(aptosVariantModule([0x02, 1, 0x01, 0x01, 0x04, 0, 0x03, 0, 0x01]), 'variants.mv');
  assert.equal(module.flavour, 'aptos');
  assert.deepEqual(module.functionHandles[0]!.accessSpecifiers, [
    { kind: 'reads', negated: false, resource: { kind: 'resource', handle: 0 }, address: { kind: 'parameter', parameter: 0 } },
  ]);
  const info = module.structDefs[0]!.fieldInformation;
  assert.equal(info.kind, 'declaredVariants');
  assert.deepEqual(module.variantFieldHandles, [{ struct: 0, variants: [0, 1], field: 0 }]);
  assert.equal(instructionText(module, 0, 1), 'PackStructVariant(S::A)');
  assert.equal(instructionText(module, 0, 4), 'TestStructVariant(S::B)');
  assert.equal(instructionText(module, 0, 7), 'ImmBorrowVariantField[0](S::A|B.x: u64)');
  assert.equal(instructionText(module, 0, 10), 'UnpackStructVariant(S::A)');
  assert.equal(opcodeName(module.functionDefs[0]!.code!.code[4]!, 'aptos'), 'TEST_VARIANT');
  assert.equal(opcodeByte(module.functionDefs[0]!.code!.code[1]!, 'aptos'), 0x52);
  assert.match(disassembleModule(module), /enum S has copy, drop \{\n\s+A \{ x: u64 \},\n\s+B \{ x: u64 \},/);
  // No access specifiers at all.
  assert.equal(deserialize(aptosVariantModule([0x01]), 'variants.mv').functionHandles[0]!.accessSpecifiers, undefined);
  // A malformed option tag and a malformed access kind.
  for (const [bytes, detail] of [[[0x03], /malformed option tag 0x3/], [[0x02, 1, 0x07, 0x01, 0x01, 0x01], /unknown access kind 0x7/]] as const) {
    assert.throws(() => deserialize(aptosVariantModule([...bytes]), 'variants.mv'),
      (e: unknown) => e instanceof MoveFormatError && e.table === 'function handles' && detail.test(e.detail));
  }
});

test('Aptos v8: function types, closures, function attributes', () => {
  const bytes = build([
    ...common(['m', 'f']),
    [T.signatures, [0, 1, 0x10, 0x02, 1, 1, 0x03, 0x01]], // (), (|u64|bool has drop)
    [T.functionHandles, [0, 1, 0, 0, 0, 0x01, 1, 0x01]], // no access specifiers; attributes [persistent]
    [T.functionDefs, [0, 1, 0, 0, 0, 3, 0x58, 0, 0x01, 0x5a, 1, 0x02]], // PackClosure f mask 1; CallClosure; Ret
  ], [0], APTOS_V8).bytes;
  const module = deserialize(bytes, 'closures.mv');
  assert.equal(module.version, 8);
  assert.deepEqual(module.functionHandles[0]!.attributes, [{ kind: 'persistent' }]);
  assert.equal(typeText(module, module.signatures[1]![0]!), '|u64|bool has drop');
  assert.deepEqual(module.functionDefs[0]!.code!.code[0], { op: 'PackClosure', handle: 0, mask: 1n });
  assert.equal(instructionText(module, 0, 0), 'PackClosure(m::f, mask 0b1)');
  assert.equal(instructionText(module, 0, 1), 'CallClosure(|u64|bool has drop)');
  // The same closure opcode in a v7 module is rejected.
  const v7 = build([...common(['m', 'f']), [T.signatures, [0]], [T.functionHandles, [0, 1, 0, 0, 0, 0x01]], [T.functionDefs, [0, 1, 0, 0, 0, 1, 0x58, 0, 1]]], [0], APTOS_V7).bytes;
  assert.throws(() => deserialize(v7, 'c.mv'), (e: unknown) => e instanceof MoveFormatError && /closure instructions need bytecode version 8/.test(e.detail));
});
