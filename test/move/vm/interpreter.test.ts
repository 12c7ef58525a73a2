// Interpreter semantics on small assembled modules: integer aborts with the real VM's status codes,
// casts and shifts, references and vectors, constants, step limit, gas, and launch arguments.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledModule, Instruction, SignatureToken } from '../../../debug-adapter/move/binary/model.ts';
import { UserError } from '../../../debug-adapter/core/errors.ts';
import { arithmeticLoopModule, assembleModule, type AssembledFunction } from '../../../debug-adapter/move/vm/assemble.ts';
import { parseArgs, parseType } from '../../../debug-adapter/move/vm/args.ts';
import { MoveVM, type RunResult } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../../../debug-adapter/move/vm/loader.ts';
import { T, typeToString } from '../../../debug-adapter/move/vm/types.ts';
import { StructValue, UInt, VectorValue, type Value } from '../../../debug-adapter/move/vm/values.ts';
import { TraceWriter } from '../../../debug-adapter/move/trace/writer.ts';
import { parseTrace } from '../../../debug-adapter/move/trace/reader.ts';

const u8: SignatureToken = { kind: 'u8' };
const u64: SignatureToken = { kind: 'u64' };
const u128: SignatureToken = { kind: 'u128' };
const u256: SignatureToken = { kind: 'u256' };

function run(fns: AssembledFunction[], args: Value[] = [], options = {}, extra: Partial<Parameters<typeof assembleModule>[0]> = {}): RunResult {
  const vm = new MoveVM(new ModuleSet([assembleModule({ name: 't', functions: fns, ...extra })]), options);
  return vm.run(vm.resolveFunction(`0x42::t::${fns[0]!.name}`), [], args);
}

const returned = (r: RunResult): Value[] => {
  assert.equal(r.kind, 'returned', JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  return (r as { values: Value[] }).values;
};

function binop(op: Instruction['op'], type: SignatureToken, a: Instruction, b: Instruction, ret: SignatureToken = type): RunResult {
  return run([{ name: 'f', parameters: [], returns: [ret], code: [a, b, { op } as Instruction, { op: 'Ret' }] }]);
}

test('u64 arithmetic and its aborts', () => {
  const ld = (v: bigint): Instruction => ({ op: 'LdU64', value: v });
  assert.deepEqual(returned(binop('Add', u64, ld(40n), ld(2n))), [42n]);
  const overflow = binop('Add', u64, ld(2n ** 64n - 1n), ld(1n));
  assert.equal(overflow.kind, 'error');
  assert.equal(overflow.kind === 'error' && overflow.statusCode, 4017);
  assert.equal(overflow.kind === 'error' && overflow.status, 'ARITHMETIC_ERROR');
  assert.equal(binop('Sub', u64, ld(1n), ld(2n)).kind, 'error');
  assert.equal(binop('Div', u64, ld(1n), ld(0n)).kind, 'error');
  assert.equal(binop('Mod', u64, ld(1n), ld(0n)).kind, 'error');
  assert.deepEqual(returned(binop('Mul', u64, ld(2n ** 32n), ld(2n ** 31n))), [2n ** 63n]);
  assert.equal(binop('Mul', u64, ld(2n ** 32n), ld(2n ** 32n)).kind, 'error');
  assert.deepEqual(returned(binop('Lt', u64, ld(1n), ld(2n), { kind: 'bool' })), [true]);
});

test('small and wide integers keep their width', () => {
  const l8 = (v: number): Instruction => ({ op: 'LdU8', value: v });
  assert.equal(binop('Add', u8, l8(255), l8(1)).kind, 'error');
  const r = returned(binop('Add', u8, l8(200), l8(55)))[0] as UInt;
  assert.equal(r.width, 8);
  assert.equal(r.v, 255n);
  const big = (v: bigint): Instruction => ({ op: 'LdU128', value: v });
  assert.equal(binop('Add', u128, big(2n ** 128n - 1n), big(1n)).kind, 'error');
  const wide = (v: bigint): Instruction => ({ op: 'LdU256', value: v });
  assert.equal((returned(binop('Mul', u256, wide(2n ** 200n), wide(2n ** 55n)))[0] as UInt).v, 2n ** 255n);
  // Shifts: by less than the width, bits fall off; by the width or more, the VM aborts.
  const shl = run([{ name: 'f', parameters: [], returns: [u8], code: [l8(0b1100_0001), l8(1), { op: 'Shl' }, { op: 'Ret' }] }]);
  assert.equal((returned(shl)[0] as UInt).v, 0b1000_0010n);
  assert.equal(run([{ name: 'f', parameters: [], returns: [u8], code: [l8(1), l8(8), { op: 'Shl' }, { op: 'Ret' }] }]).kind, 'error');
  // Casts abort when the value does not fit.
  const cast = (v: bigint, op: Instruction['op'], ret: SignatureToken) =>
    run([{ name: 'f', parameters: [], returns: [ret], code: [{ op: 'LdU64', value: v }, { op } as Instruction, { op: 'Ret' }] }]);
  assert.equal((returned(cast(255n, 'CastU8', u8))[0] as UInt).v, 255n);
  assert.equal(cast(256n, 'CastU8', u8).kind, 'error');
  assert.equal((returned(cast(2n ** 64n - 1n, 'CastU256', u256))[0] as UInt).width, 256);
});

test('abort reports its code and location', () => {
  const r = run([{ name: 'f', parameters: [], returns: [], code: [{ op: 'Nop' }, { op: 'LdU64', value: 7n }, { op: 'Abort' }] }]);
  assert.equal(r.kind, 'aborted');
  if (r.kind === 'aborted') {
    assert.equal(r.code, 7n);
    assert.deepEqual(r.location, { module: '0x42::t', function: 'f', functionIndex: 0, pc: 2 });
  }
});

test('references to locals and vector elements write through', () => {
  const vecU64 = { kind: 'vector', element: u64 } as const;
  // v = [1, 2]; *&mut v[1] = 9; swap(v, 0, 1); v
  const code: Instruction[] = [
    { op: 'LdU64', value: 1n },
    { op: 'LdU64', value: 2n },
    { op: 'VecPack', signature: 0, count: 2n },
    { op: 'StLoc', local: 0 },
    { op: 'LdU64', value: 9n },
    { op: 'MutBorrowLoc', local: 0 },
    { op: 'LdU64', value: 1n },
    { op: 'VecMutBorrow', signature: 0 },
    { op: 'WriteRef' },
    { op: 'MutBorrowLoc', local: 0 },
    { op: 'LdU64', value: 0n },
    { op: 'LdU64', value: 1n },
    { op: 'VecSwap', signature: 0 },
    { op: 'MoveLoc', local: 0 },
    { op: 'Ret' },
  ];
  const v = returned(run([{ name: 'f', parameters: [], returns: [vecU64], locals: [vecU64], code }], [], {}, { signatures: [[u64]] }))[0] as VectorValue;
  assert.deepEqual(v.items, [9n, 1n]);
  // Out of bounds: VECTOR_OPERATION_ERROR with sub-status INDEX_OUT_OF_BOUNDS.
  const oob = run([{ name: 'f', parameters: [], returns: [], locals: [vecU64], code: [
    { op: 'VecPack', signature: 0, count: 0n }, { op: 'StLoc', local: 0 }, { op: 'ImmBorrowLoc', local: 0 }, { op: 'LdU64', value: 0n },
    { op: 'VecImmBorrow', signature: 0 }, { op: 'Pop' }, { op: 'Ret' },
  ] }], [], {}, { signatures: [[u64]] });
  assert.equal(oob.kind === 'error' && `${oob.status} ${oob.statusCode} ${oob.subStatus}`, 'VECTOR_OPERATION_ERROR 4018 1');
});

test('structs: pack, borrow a field, write through it, unpack', () => {
  const point = { kind: 'datatype', handle: 0 } as const;
  const code: Instruction[] = [
    { op: 'LdU64', value: 1n },
    { op: 'LdU64', value: 2n },
    { op: 'Pack', def: 0 },
    { op: 'StLoc', local: 0 },
    { op: 'LdU64', value: 5n },
    { op: 'MutBorrowLoc', local: 0 },
    { op: 'MutBorrowField', handle: 1 },
    { op: 'WriteRef' },
    { op: 'CopyLoc', local: 0 },
    { op: 'MoveLoc', local: 0 },
    { op: 'Unpack', def: 0 },
    { op: 'Add' },
    { op: 'Ret' },
  ];
  const [s, sum] = returned(run([{ name: 'f', parameters: [], returns: [point, u64], locals: [point], code }], [], {}, {
    structs: [{ name: 'Point', fields: [{ name: 'x', type: u64 }, { name: 'y', type: u64 }] }],
  }));
  assert.ok(s instanceof StructValue);
  assert.deepEqual(s.fields, [1n, 5n]);
  assert.equal(sum, 6n);
});

test('constants decode from BCS by their type', () => {
  const vecU8 = { kind: 'vector', element: u8 } as const;
  const r = returned(run([{ name: 'f', parameters: [], returns: [vecU8], code: [{ op: 'LdConst', index: 0 }, { op: 'Ret' }] }], [], {}, {
    constants: [{ type: vecU8, data: Uint8Array.from([3, 104, 105, 33]) }],
  }))[0] as VectorValue;
  assert.deepEqual(r.items.map((x) => Number((x as UInt).v)), [104, 105, 33]);
});

test('an endless loop ends at the step limit with a clear message', () => {
  const r = run([{ name: 'f', parameters: [], returns: [], code: [{ op: 'Branch', offset: 0 }] }], [], { stepLimit: 10_000 });
  assert.equal(r.kind, 'error');
  assert.match(r.kind === 'error' ? r.message : '', /step limit/);
  assert.equal(r.steps, 10_000, 'the limit counts executed instructions');
});

test('gas: out of gas stops the run; the loop costs what the schedule says', () => {
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]), { gasBudget: 1000n });
  const r = vm.run(vm.resolveFunction('0x42::bench::loop'), [], [1000n]);
  assert.equal(r.kind === 'error' && r.status, 'OUT_OF_GAS');
  const vm2 = new MoveVM(new ModuleSet([arithmeticLoopModule()]));
  const ok = vm2.run(vm2.resolveFunction('0x42::bench::loop'), [], [10n]);
  assert.deepEqual(ok.kind === 'returned' && ok.values, [(0n + 3n + 6n + 2n + 5n + 1n + 4n + 0n + 3n + 6n)]);
  assert.equal(ok.steps, 4 + 10 * 17 + 4 + 2);
  assert.ok(ok.gasUsed > BigInt(ok.steps), 'every instruction costs at least one unit');
});

test('launch arguments and type arguments from JSON', () => {
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]));
  const fn = vm.resolveFunction('0x42::bench::loop');
  assert.deepEqual(parseArgs(fn, [], [5]), [5n]);
  assert.deepEqual(parseArgs(fn, [], ['18446744073709551615']), [2n ** 64n - 1n]);
  assert.throws(() => parseArgs(fn, [], ['-1']), (e: unknown) => e instanceof UserError && /args\[0\] \(u64\)/.test(e.message));
  assert.throws(() => parseArgs(fn, [], [2 ** 60]), /not an exact integer/);
  assert.throws(() => parseArgs(fn, [], []), /takes 1 argument/);
  assert.equal(typeToString(parseType('vector<vector<u8>>', vm.loader)), 'vector<vector<u8>>');
  assert.equal(parseType('u64', vm.loader), T.u64);
  assert.throws(() => parseType('0x2::sui::SUI', vm.loader), (e: unknown) => e instanceof UserError && /not loaded/.test(e.message));
  assert.throws(() => parseType('vector<u8', vm.loader), /bad type/);
  assert.throws(() => vm.resolveFunction('0x42::bench::nope'), /has no function nope \(it has: loop\)/);
});

test('the trace writer writes u128 bare and u256 as little-endian bytes', () => {
  const vm = new MoveVM(new ModuleSet([assembleModule({ name: 't', functions: [
    { name: 'f', parameters: [], returns: [u128, u256], code: [{ op: 'LdU128', value: 2n ** 100n }, { op: 'LdU256', value: 258n }, { op: 'Ret' }] },
  ] })]));
  const w = new TraceWriter();
  vm.run(vm.resolveFunction('0x42::t::f'), [], [], w);
  assert.match(w.lines[3]!, /"value":1267650600228229401496703205376\}/);
  assert.match(w.lines[5]!, /"type":"U256","value":\[2,1,0,0/);
  const back = parseTrace(w.text());
  assert.equal(back.version, 3);
  const close = back.events.at(-1)!;
  assert.ok('CloseFrame' in close);
});

test('enums: pack a variant, switch on it, unpack by reference and by value', () => {
  const shape = { kind: 'datatype', handle: 0 } as const;
  const enums = [{ name: 'Shape', variants: [
    { name: 'Circle', fields: [{ name: 'r', type: u64 }] },
    { name: 'Rect', fields: [{ name: 'w', type: u64 }, { name: 'h', type: u64 }] },
  ] }];
  // area(s): match s { Circle { r } => 3 * r * r, Rect { w, h } => w * h }, reading fields by reference first.
  const area: AssembledFunction = {
    name: 'area', parameters: [shape], returns: [u64], locals: [u64, u64],
    jumpTables: [{ headEnum: 0, offsets: [2, 11] }],
    code: [
      { op: 'ImmBorrowLoc', local: 0 }, // 0
      { op: 'VariantSwitch', jumpTable: 0 }, // 1
      { op: 'MoveLoc', local: 0 }, // 2: Circle
      { op: 'UnpackVariant', handle: 0 },
      { op: 'StLoc', local: 1 },
      { op: 'LdU64', value: 3n },
      { op: 'CopyLoc', local: 1 },
      { op: 'Mul' },
      { op: 'MoveLoc', local: 1 },
      { op: 'Mul' },
      { op: 'Ret' }, // 10
      { op: 'ImmBorrowLoc', local: 0 }, // 11: Rect
      { op: 'UnpackVariantImmRef', handle: 1 },
      { op: 'ReadRef' },
      { op: 'StLoc', local: 2 },
      { op: 'ReadRef' },
      { op: 'MoveLoc', local: 2 },
      { op: 'Mul' },
      { op: 'MoveLoc', local: 0 },
      { op: 'UnpackVariant', handle: 1 },
      { op: 'Pop' },
      { op: 'Pop' },
      { op: 'Ret' },
    ],
  };
  const make = (variant: number, fields: bigint[]): AssembledFunction => ({
    name: 'f', parameters: [], returns: [u64],
    code: [...fields.map((v): Instruction => ({ op: 'LdU64', value: v })), { op: 'PackVariant', handle: variant }, { op: 'Call', handle: 1 }, { op: 'Ret' }],
  });
  assert.deepEqual(returned(run([make(0, [2n]), area], [], {}, { enums })), [12n]);
  assert.deepEqual(returned(run([make(1, [4n, 5n]), area], [], {}, { enums })), [20n]);
  // Unpacking the wrong variant is a VARIANT_TAG_MISMATCH.
  const wrong: AssembledFunction = { name: 'f', parameters: [], returns: [], code: [{ op: 'LdU64', value: 1n }, { op: 'PackVariant', handle: 0 }, { op: 'UnpackVariant', handle: 1 }, { op: 'Pop' }, { op: 'Pop' }, { op: 'Ret' }] };
  const r = run([wrong], [], {}, { enums });
  assert.equal(r.kind === 'error' && `${r.status} ${r.statusCode}`, 'VARIANT_TAG_MISMATCH 2024');
});

test('generics: a type that grows with recursion stops at the VM type depth limit', () => {
  // grow<T>() calls grow<vector<T>>(): the type argument nests one level deeper per call.
  const grow: AssembledFunction = { name: 'grow', parameters: [], returns: [], typeParameters: 1, code: [{ op: 'CallGeneric', instantiation: 0 }, { op: 'Ret' }] };
  const entry: AssembledFunction = { name: 'f', parameters: [], returns: [], code: [{ op: 'CallGeneric', instantiation: 1 }, { op: 'Ret' }] };
  const r = run([entry, grow], [], {}, {
    functionInstantiations: [
      { function: 1, typeArguments: [{ kind: 'vector', element: { kind: 'typeParameter', index: 0 } }] },
      { function: 1, typeArguments: [u64] },
    ],
  });
  assert.equal(r.kind === 'error' && `${r.status} ${r.statusCode}`, 'VM_MAX_TYPE_DEPTH_REACHED 4024');
});

test('generics: vector<T> instructions use the frame type arguments', () => {
  // wrap<T>(x: T): vector<T> { vector[x] } called as wrap<u8>.
  const T0: SignatureToken = { kind: 'typeParameter', index: 0 };
  const wrap: AssembledFunction = { name: 'wrap', parameters: [T0], returns: [{ kind: 'vector', element: T0 }], typeParameters: 1, code: [
    { op: 'MoveLoc', local: 0 }, { op: 'VecPack', signature: 0, count: 1n }, { op: 'Ret' },
  ] };
  const entry: AssembledFunction = { name: 'f', parameters: [], returns: [{ kind: 'vector', element: u8 }], code: [
    { op: 'LdU8', value: 7 }, { op: 'CallGeneric', instantiation: 0 }, { op: 'Ret' },
  ] };
  const [v] = returned(run([entry, wrap], [], {}, { signatures: [[T0]], functionInstantiations: [{ function: 1, typeArguments: [u8] }] }));
  assert.ok(v instanceof VectorValue);
  assert.equal(v.elementType, T.u8, 'the element type is the instantiated u8');
  assert.equal((v.items[0] as UInt).v, 7n);
});

test('run-time borrow check: a borrowed container local cannot be moved or overwritten', () => {
  const vecU64 = { kind: 'vector', element: u64 } as const;
  const prefix: Instruction[] = [{ op: 'VecPack', signature: 0, count: 0n }, { op: 'StLoc', local: 0 }, { op: 'ImmBorrowLoc', local: 0 }];
  const move = run([{ name: 'f', parameters: [], returns: [], locals: [vecU64], code: [...prefix, { op: 'MoveLoc', local: 0 }, { op: 'Pop' }, { op: 'Pop' }, { op: 'Ret' }] }], [], {}, { signatures: [[u64]] });
  assert.equal(move.kind === 'error' && move.status, 'UNKNOWN_INVARIANT_VIOLATION_ERROR');
  assert.match(move.kind === 'error' ? move.message : '', /moving container with dangling references/);
  const overwrite = run([{ name: 'f', parameters: [], returns: [], locals: [vecU64], code: [
    ...prefix, { op: 'VecPack', signature: 0, count: 0n }, { op: 'StLoc', local: 0 }, { op: 'Pop' }, { op: 'Ret' },
  ] }], [], {}, { signatures: [[u64]] });
  assert.match(overwrite.kind === 'error' ? overwrite.message : '', /overwriting container with dangling references/);
  // Once the reference is gone, the move is fine.
  const fine = run([{ name: 'f', parameters: [], returns: [vecU64], locals: [vecU64], code: [...prefix, { op: 'Pop' }, { op: 'MoveLoc', local: 0 }, { op: 'Ret' }] }], [], {}, { signatures: [[u64]] });
  assert.equal(fine.kind, 'returned');
});

test('Aptos scripts run against the loaded modules', () => {
  const base = assembleModule({ name: 'unused', functions: [] });
  const script: CompiledModule = {
    ...base,
    kind: 'script',
    flavour: 'aptos',
    moduleHandles: [{ address: 0, name: 0 }],
    identifiers: ['bench', 'loop'],
    addressIdentifiers: [Uint8Array.from(Buffer.from('42'.padStart(64, '0'), 'hex'))],
    functionHandles: [{ module: 0, name: 1, parameters: 0, returns: 0, typeParameters: [] }],
    signatures: [[u64], []],
    functionDefs: [],
    script: { typeParameters: [], parameters: 0, code: { locals: 1, code: [{ op: 'MoveLoc', local: 0 }, { op: 'Call', handle: 0 }, { op: 'Ret' }], jumpTables: [] } },
  };
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]));
  const main = vm.loader.script(script);
  assert.equal(main.qualifiedName, '0x0::script::main');
  const main2 = vm.loader.script({ ...script, script: { ...script.script!, code: { ...script.script!.code, code: [{ op: 'MoveLoc', local: 0 }, { op: 'Call', handle: 0 }, { op: 'Pop' }, { op: 'Ret' }] } } });
  const ok = vm.run(main2, [], [10n]);
  assert.equal(ok.kind, 'returned');
  assert.ok(ok.steps > 100, 'the script ran the loop in the module');
});
