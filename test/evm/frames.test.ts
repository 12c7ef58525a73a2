// Lines, call stacks and decoded parameters/locals on a small contract with a modifier, an internal
// function, an internal library function, a loop and an external call into another contract.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';
import type { EvmExecution } from '../../debug-adapter/evm/debug/execution.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const program = path.join(here, 'contracts', 'Pair.sol');

/** Each arrival at a new line: [line, frames "name@line" innermost first, parameters, locals]. */
function stops(ex: EvmExecution): { step: number; line: number; frames: string; params: string; locals: string }[] {
  const out = [];
  let last = -2;
  for (let s = 0; s < ex.stepCount; s++) {
    const id = ex.lineId(s);
    if (id >= 0 && id !== last) {
      const scopes = ex.scopes(s, 0);
      const show = (name: string): string => scopes.find((x) => x.name === name)?.children.get(undefined, 0, 50, { hex: false }).map((v) => `${v.name}=${v.value}`).join(',') ?? '';
      out.push({
        step: s, line: ex.location(s)!.line, frames: ex.frames(s).map((f) => `${f.name}@${f.location?.line}`).join(' < '),
        params: show('Parameters'), locals: show('Locals'),
      });
    }
    last = id;
  }
  return out;
}

test('lines, internal and external frames, parameters and locals follow the source', async () => {
  const ex = await launchEvm({ program, function: 'run', args: [2] }, () => {}, new AbortController().signal);
  const seen = stops(ex);
  const lines = seen.map((s) => s.line);
  // Modifier, loop, helper, library, helper, loop..., mapping write, external call, Counter.bump. Function
  // headers (argument decoding, the return path) are not stops: their functions have statements.
  assert.deepEqual(lines.slice(0, 5), [35, 45, 46, 40, 6]);
  assert.ok(!lines.includes(44) && !lines.includes(39) && !lines.includes(5), 'no stop on a function header line');
  const inLibrary = seen.find((s) => s.line === 6)!;
  assert.equal(inLibrary.frames, 'MathLib.double@6 < Caller.helper@40 < Caller.run@46');
  assert.equal(inLibrary.params, 'x=0');
  const secondHelper = seen.filter((s) => s.line === 41)[2]!;
  assert.equal(secondHelper.frames, 'Caller.helper@41 < Caller.run@46');
  assert.equal(secondHelper.params, 'a=1');
  assert.equal(secondHelper.locals, 'b=2');
  const loopIncrement = seen.filter((s) => s.line === 45)[1]!;
  assert.equal(loopIncrement.locals, 'total=1,i=0');
  const bump = seen.find((s) => s.line === 16)!;
  assert.equal(bump.frames, 'Counter.bump@16 < Caller.run@49');
  assert.equal(bump.params, 'amount=4');
  assert.equal(bump.locals, 'before=0');
  // Depth counts external and internal frames alike.
  assert.equal(ex.depth(inLibrary.step), 2);
  assert.equal(ex.depth(bump.step), 1);
  assert.equal(ex.frames(bump.step)[1]!.step, ex.context(bump.step).callStep);
  // After the call returns, we are back in Caller.run on the call's line.
  assert.equal(seen[seen.length - 1]!.frames, 'Caller.run@49');
});

test('breakable lines and line ids agree with the source map', async () => {
  const ex = await launchEvm({ program, function: 'run', args: [1] }, () => {}, new AbortController().signal);
  const source = ex.sources.findIndex((s) => s.path === program);
  const lines = ex.breakableLines(source);
  for (const line of [6, 15, 16, 40, 41, 45, 46, 48, 49, 53, 54]) assert.ok(lines.includes(line), `line ${line} has code`);
  for (const line of [1, 2, 3, 9, 28]) assert.ok(!lines.includes(line), `line ${line} has no code`);
  assert.equal(ex.lineIdOf(source, 28), -1);
  const id = ex.lineIdOf(source, 41);
  assert.ok(id >= 0);
  const step = [...Array(ex.stepCount).keys()].find((s) => ex.lineId(s) === id)!;
  assert.equal(ex.location(step)!.line, 41);
  // Generated Yul helpers are read-only sources with their text, and never stops.
  const generated = ex.sources.filter((s) => s.readOnly);
  assert.ok(generated.length > 0 && generated.every((s) => typeof s.content === 'string' && s.content.length > 0));
});

test('disassembly around an instruction, raw scopes and memory references', async () => {
  const ex = await launchEvm({ program, function: 'run', args: [1] }, () => {}, new AbortController().signal);
  const step = stops(ex).find((s) => s.line === 41)!.step;
  const ref = ex.instructionRef(step);
  assert.deepEqual(ex.parseInstructionRef(ref), { codeId: ex.codeId(step), pc: ex.pc(step) });
  const around = ex.disassemble(ref, -5, 11);
  assert.equal(around.length, 11);
  assert.equal(around[5]!.pc, ex.pc(step));
  assert.ok(around.every((i, k) => k === 0 || i.pc > around[k - 1]!.pc));
  assert.match(around[0]!.text, /^[A-Z]+[0-9]*( 0x[0-9a-f]+)?$/);
  const scopes = ex.scopes(step, 0);
  assert.deepEqual(scopes.map((s) => s.name), ['Parameters', 'Locals', 'State', 'Stack', 'Memory', 'Calldata', 'Returndata', 'Storage', 'EVM']);
  const stack = scopes.find((s) => s.name === 'Stack')!.children.get(undefined, 0, 1000, { hex: true });
  const state = ex.stateAt(step);
  assert.equal(stack.length, state.stack.length);
  assert.equal(BigInt(stack[0]!.value), state.stack[state.stack.length - 1]);
  const memory = scopes.find((s) => s.name === 'Memory')!.children.get(undefined, 0, 1000, { hex: true });
  assert.equal(memory[2]!.memoryReference !== undefined, true);
  const bytes = ex.readMemory(step, memory[2]!.memoryReference!, 0, 32);
  assert.deepEqual([...bytes], [...state.memory.subarray(64, 96)]);
  const evm = scopes.find((s) => s.name === 'EVM')!.children.get(undefined, 0, 100, { hex: false });
  assert.equal(evm.find((v) => v.name === 'pc')!.value, String(ex.pc(step)));
  assert.equal(evm.find((v) => v.name === 'gas left')!.value, String(ex.gasLeft(step)));
});

test('evaluate resolves parameters, locals and state variables', async () => {
  const ex = await launchEvm({ program, function: 'run', args: [2] }, () => {}, new AbortController().signal);
  const seen = stops(ex);
  const at = seen.filter((s) => s.line === 41)[2]!.step;
  assert.equal(ex.evaluate(at, 0, 'a', { hex: false }).value, '1');
  assert.equal(ex.evaluate(at, 0, 'b', { hex: false }).value, '2');
  assert.equal(ex.evaluate(at, 1, 'n', { hex: false }).value, '2');
  assert.throws(() => ex.evaluate(at, 0, 'nosuchthing', { hex: false }), { name: 'EvaluationError' });
});

test('modifier arguments and locals sit between return variables and the function locals', async () => {
  const ex = await launchEvm({ program: path.join(here, 'contracts', 'Modifiers.sol'), function: 'spend', args: [30] }, () => {}, new AbortController().signal);
  const seen = stops(ex);
  assert.equal(seen.find((s) => s.line === 9)!.locals, 'left=0,max=60,margin=6');
  assert.equal(seen.filter((s) => s.line === 20)[0]!.locals, 'left=0,doubled=60,rest=40');
  assert.ok(seen.every((s) => s.frames === 'Guarded.spend@' + s.line));
  assert.equal(ex.outcome.summary, 'returned (left: 41)');
});

test('dynamic calldata parameters take two stack words; signed and small types decode', async () => {
  const ex = await launchEvm({ program: path.join(here, 'contracts', 'Alu.sol'), function: 'mix', args: ['-9', '0xabcdef', '0x0102'] }, () => {}, new AbortController().signal);
  const seen = stops(ex);
  const last = seen.filter((s) => s.line === 25)[0]!;
  assert.equal(last.params, 'x=-9,y=11259375,data=0x0102');
  assert.match(last.locals, /,s=4,u=\d+,small=-17,b=205,lt=false,m=\d+$/);
});
