// The Move binary reader on real compiler output: every fixture module (Sui packages, the Aptos package
// and its framework, both Sui framework snapshots) parses and disassembles, and the decoded instructions
// agree with the real toolchain's disassembly (.mvb) and with the real VM's execution traces.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import {
  deserialize,
  disassembleModule,
  functionHeader,
  identifier,
  instructionText,
  opcodeName,
  selfModuleKey,
  type CompiledModule,
} from '../../../debug-adapter/move/binary/index.ts';
import { parseFrameworkSnapshot } from '../../../debug-adapter/move/package/index.ts';
import { MOVE_FIXTURES, SKIP_MESSAGE, SUI_FRAMEWORK, fixtureFiles, fixturesPresent, suiTestPackages } from './fixture-files.ts';

function read(file: string, flavour?: 'sui' | 'aptos'): CompiledModule {
  return deserialize(readFileSync(file), relative(MOVE_FIXTURES, file), flavour ? { flavour } : {});
}

test('every .mv in the fixtures parses and disassembles', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const sui = fixtureFiles('sui-trace-tests', (p) => p.endsWith('.mv'));
  const aptos = fixtureFiles('aptos-hello-blockchain', (p) => p.endsWith('.mv'));
  let functions = 0;
  let instructions = 0;
  for (const [files, flavour] of [[sui, 'sui'], [aptos, 'aptos']] as const) {
    for (const file of files) {
      const module = read(file, flavour);
      assert.equal(module.kind, 'module');
      assert.equal(module.flavour, flavour, file);
      const text = disassembleModule(module);
      assert.match(text, new RegExp(`module \\S+::${basename(file, '.mv')} \\{`), file);
      functions += module.functionDefs.length;
      for (const def of module.functionDefs) instructions += def.code?.code.length ?? 0;
    }
  }
  assert.ok(sui.length >= 40, `expected the Sui packages' modules, found ${sui.length}`);
  assert.equal(aptos.length, 105);
  t.diagnostic(`parsed and disassembled ${sui.length} Sui + ${aptos.length} Aptos modules: ${functions} functions, ${instructions} instructions`);
});

test('both Sui framework snapshots parse and disassemble', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const counts: string[] = [];
  for (const [file, expectedModules, address] of [[SUI_FRAMEWORK[0]!, 22, '0x1'], [SUI_FRAMEWORK[1]!, 65, '0x2']] as const) {
    const snapshot = parseFrameworkSnapshot(readFileSync(file), file);
    assert.equal(snapshot.modules.length, expectedModules);
    assert.equal(snapshot.packageId, `0x${address.slice(2).padStart(64, '0')}`);
    for (const module of snapshot.modules) {
      assert.equal(module.version, 7);
      assert.equal(module.flavour, 'sui');
      assert.ok(selfModuleKey(module).startsWith(`${address}::`), selfModuleKey(module));
      assert.ok(disassembleModule(module).length > 0);
    }
    counts.push(`${basename(file)}: ${snapshot.modules.length} modules`);
  }
  t.diagnostic(counts.join(', '));
});

test('a Sui v7 module: flavour, enums and variant instructions', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const module = read(join(MOVE_FIXTURES, 'sui-trace-tests/compound/build/compound/bytecode_modules/m.mv'));
  assert.equal(module.flavour, 'sui');
  assert.equal(module.version, 7);
  assert.equal(module.testMode, false);
  assert.equal(selfModuleKey(module), '0x0::m');
  assert.equal(module.enumDefs.length, 1);
  const someEnum = module.enumDefs[0]!;
  assert.equal(identifier(module, module.datatypeHandles[someEnum.handle]!.name), 'SomeEnum');
  assert.deepEqual(someEnum.variants.map((v) => identifier(module, v.name)), ['PositionalVariant', 'NamedVariant']);
  const foo = module.functionDefs.findIndex((d) => identifier(module, module.functionHandles[d.function]!.name) === 'foo');
  assert.equal(functionHeader(module, foo), 'fun m::foo(arg0: SomeStruct<SimpleStruct<u64>, u64>, arg1: u64): SomeStruct<SimpleStruct<u64>, u64>');
  assert.equal(instructionText(module, foo, 2), 'PackVariantGeneric(SomeEnum<u64>::PositionalVariant)');
  assert.equal(instructionText(module, foo, 9), 'Call vector::singleton<u64>(u64): vector<u64>');
  assert.equal(instructionText(module, foo, 17), 'MutBorrowFieldGeneric[0](SomeStruct.simple_field: u64)');
  assert.equal(
    instructionText(module, foo, 16, { locals: ['some_struct', 'p'] }),
    'MutBorrowLoc[0](some_struct: SomeStruct<SimpleStruct<u64>, u64>)',
  );
});

test('test-mode (DEADC0DE) builds are read and flagged', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const testMode = fixtureFiles('sui-trace-tests', (p) => p.endsWith('.mv')).filter((p) => readFileSync(p)[0] === 0xde);
  assert.equal(testMode.length, 3);
  for (const file of testMode) assert.equal(read(file).testMode, true);
});

test('an Aptos v6 module: global storage, acquires, constants', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  const module = read(join(MOVE_FIXTURES, 'aptos-hello-blockchain/build/hello_blockchain/bytecode_modules/message.mv'), 'aptos');
  assert.equal(module.version, 6);
  assert.equal(module.flavour, 'aptos');
  const names = module.functionDefs.map((d) => identifier(module, module.functionHandles[d.function]!.name));
  const setMessage = names.indexOf('set_message');
  assert.ok(setMessage >= 0);
  assert.equal(functionHeader(module, setMessage), 'public entry fun message::set_message(arg0: signer, arg1: string::String) acquires MessageHolder');
  const ops = module.functionDefs[setMessage]!.code!.code.map((i) => i.op);
  assert.ok(ops.includes('MoveTo') && ops.includes('MutBorrowGlobal') && ops.includes('Exists'));
  assert.equal(opcodeName('MoveTo', 'aptos'), 'MOVE_TO');
  assert.equal(opcodeName('MoveTo', 'sui'), 'MOVE_TO_DEPRECATED');
  const getMessage = names.indexOf('get_message');
  assert.equal(instructionText(module, getMessage, 4), 'LdConst[0](u64: 0)');
});

/** Function name -> opcode names, from a `.mvb` disassembly written by the Sui toolchain. */
function mvbFunctions(text: string): Map<string, string[]> {
  const functions = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^(?:(?:entry|public|native|public\(package\)|public\(friend\)) )*(\w+)(?:<[^(]*>)?\(.*\{$/.exec(line);
    if (header) {
      current = [];
      functions.set(header[1]!, current);
      continue;
    }
    if (line.startsWith('}')) current = undefined;
    const ins = /^\t(\d+): ([A-Za-z0-9]+)/.exec(line);
    if (ins && current) current.push(ins[2]!);
  }
  return functions;
}

test('decoded instructions match the Sui toolchain disassembly (.mvb)', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  let compared = 0;
  for (const mvb of fixtureFiles('sui-trace-tests', (p) => p.endsWith('.mvb') && p.includes('/disassembly/'))) {
    const buildDir = dirname(mvb.slice(0, mvb.indexOf('/disassembly/') + '/disassembly'.length));
    const rel = relative(join(buildDir, 'disassembly'), mvb).replace(/\.mvb$/, '.mv');
    const mv = join(buildDir, 'bytecode_modules', rel);
    if (!existsSync(mv)) continue;
    const module = read(mv);
    const expected = mvbFunctions(readFileSync(mvb, 'utf8'));
    for (const def of module.functionDefs) {
      const name = identifier(module, module.functionHandles[def.function]!.name);
      const ops = expected.get(name);
      if (!ops || !def.code) continue;
      // The Sui disassembler prints generic calls as `Call f<T>(...)` too.
      assert.deepEqual(def.code.code.map((i) => (i.op === 'CallGeneric' ? 'Call' : i.op)), ops, `${rel} ${name}`);
      compared++;
    }
  }
  assert.ok(compared >= 30, `compared ${compared} functions`);
  t.diagnostic(`${compared} functions match their .mvb disassembly instruction by instruction`);
});

test('opcode names match the instructions of real Sui execution traces', (t) => {
  if (!fixturesPresent) return t.skip(SKIP_MESSAGE);
  let matched = 0;
  let traces = 0;
  for (const pkg of suiTestPackages()) {
    const modules = new Map<string, CompiledModule>();
    for (const file of fixtureFiles(relative(MOVE_FIXTURES, join(pkg, 'build')), (p) => p.endsWith('.mv') && p.includes('/bytecode_modules/'))) {
      const module = read(file);
      modules.set(selfModuleKey(module), module);
    }
    for (const trace of fixtureFiles(relative(MOVE_FIXTURES, join(pkg, 'traces')), (p) => p.endsWith('.jsonl'))) {
      traces++;
      const frames: (CompiledModule & { def: number } | undefined)[] = [];
      const lines = readFileSync(trace, 'utf8').split('\n').filter((l) => l.trim());
      for (const line of lines.slice(1)) {
        const event = JSON.parse(line) as Record<string, any>;
        if (event.OpenFrame) {
          const frame = event.OpenFrame.frame;
          const address = String(frame.module.address).replace(/^0+/, '') || '0';
          const module = modules.get(`0x${address.length <= 4 ? address : frame.module.address}::${frame.module.name}`);
          frames.push(module && !frame.is_native ? Object.assign(Object.create(module), { def: frame.binary_member_index }) : undefined);
        } else if (event.CloseFrame) {
          frames.pop();
        } else if (event.Instruction) {
          const frame = frames[frames.length - 1];
          if (!frame) continue;
          const code = frame.functionDefs[frame.def]!.code!.code;
          const { pc, instruction } = event.Instruction;
          assert.equal(opcodeName(code[pc]!, 'sui'), instruction, `${relative(MOVE_FIXTURES, trace)} pc ${pc}`);
          matched++;
        }
      }
    }
  }
  assert.ok(matched > 500, `matched ${matched} traced instructions`);
  t.diagnostic(`${matched} traced instructions in ${traces} traces match the decoded opcode at their pc`);
});
