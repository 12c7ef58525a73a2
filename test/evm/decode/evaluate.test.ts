// The expression evaluator over the Store contract's real state: names, members, indexes, mapping
// access (computed slots, so keys never hashed during the run work too), globals, arithmetic and
// comparisons, results checked against the contract's getters; bad expressions give EvaluationError
// with a clear message; a seeded fuzz never produces any other exception.

import test from 'node:test';
import assert from 'node:assert/strict';
import { getAddress } from 'viem';
import { EvaluationError } from '../../../debug-adapter/core/errors.ts';
import {
  evaluateExpression,
  evaluateToValue,
  isTruthy,
  parseExpression,
  stateVariablesFromLayout,
  type DecodeContext,
  type EvalEnvironment,
  type SolcStorageLayout,
} from '../../../debug-adapter/evm/decode/index.ts';
import { SENDER, addressBigInt } from './harness.ts';
import { setUp } from './store-fixture.ts';
import { plain } from './tree.ts';
import { Random } from './random.ts';

const BEEF = '0x000000000000000000000000000000000000bEEF';

async function environment(options: { forgetPreimages?: boolean } = {}) {
  const fixture = await setUp();
  const variables = stateVariablesFromLayout(fixture.store.storageLayout as SolcStorageLayout, fixture.registry);
  const ctx: DecodeContext = options.forgetPreimages
    ? { ...fixture.ctx, view: { ...fixture.ctx.view, keccakPreimages: () => [] } }
    : fixture.ctx;
  const globals: Record<string, bigint> = {
    'msg.sender': addressBigInt(SENDER),
    'msg.value': 0n,
    'block.number': 1234n,
    'block.timestamp': 1_700_000_000n,
    'tx.origin': addressBigInt(SENDER),
    this: addressBigInt(fixture.address),
  };
  const env: EvalEnvironment = {
    lookup(name) {
      const variable = variables.find((v) => v.name === name);
      return variable && { type: variable.type, location: { kind: 'storage', slot: variable.slot, byteOffset: variable.byteOffset } };
    },
    global: (name) => globals[name],
    typeByName: (name) => fixture.registry.byName(name),
  };
  const read = (name: string, args: unknown[] = []) => fixture.chain.read(fixture.address, fixture.store.abi, name, args);
  const evaluate = (text: string, hex = false) => evaluateExpression(text, env, ctx, { hex });
  return { env, ctx, read, evaluate, fixture };
}

test('names, members, indexes and mapping access evaluate to the values the getters return', async () => {
  const { evaluate, read } = await environment();
  const sender = getAddress(SENDER.toString());
  assert.equal(evaluate('balances[msg.sender]').value, String(await read('balances', [sender])));
  assert.equal(evaluate(`balances[${BEEF}]`).value, '5');
  assert.equal(evaluate(`allowance[msg.sender][${BEEF}]`).value, String(await read('allowance', [sender, BEEF])));
  assert.equal(evaluate('byName["alice"]').value, String(await read('byName', ['alice'])));
  assert.equal(evaluate("byName['a key that is longer than thirty-two bytes, for sure']").value, '2');
  assert.equal(evaluate('points[3].y').value, '2');
  assert.equal(evaluate('orders[1].owner').value, getAddress(BEEF));
  assert.equal(evaluate('orders[1].fills[0]').value, '9');
  assert.equal(evaluate('order.at.x').value, '-1');
  assert.equal(evaluate('order.note').value, JSON.stringify(((await read('getOrder')) as { note: string }).note));
  assert.equal(evaluate('numbers.length').value, '3');
  assert.equal(evaluate('shortText').value, '"hello"');
  assert.equal(evaluate('tag').value, '0xdeadbeef');
  assert.equal(evaluate('msg.sender').value, sender);
  assert.equal(evaluate('block.number').value, '1234');
  // An unknown key reads the (zero) value at its computed slot.
  assert.equal(evaluate('balances[address(0x1234)]').value, '0');
});

test('mapping access computes the slot: keys never hashed during the run still resolve', async () => {
  const { evaluate } = await environment({ forgetPreimages: true });
  assert.equal(evaluate('balances[msg.sender]').value, '100');
  assert.equal(evaluate(`allowance[msg.sender][${BEEF}]`).value, '42');
  assert.equal(evaluate('byName["alice"]').value, '1');
  assert.equal(evaluate('balances').value, 'mapping (0 keys seen)');
});

test('arithmetic and comparisons on decoded values', async () => {
  const { evaluate } = await environment();
  const cases: [string, string][] = [
    ['numbers[1] * 2 + 1', '41'],
    ['numbers[0] ** 2', '100'],
    ['2 ** 3 ** 2', '512'],
    ['-2 ** 2', '4'],
    ['(1 + 2) * 3', '9'],
    ['numbers[1] / 3', '6'],
    ['negative / 7', '-42'],
    ['7 % 3', '1'],
    ['0x10 + 1', '17'],
    ['1_000 + 1e3', '2000'],
    ['small - 7', '0'],
    ['-negative', '300'],
    ['small == 7 && flag', 'true'],
    ['negative < 0 || false', 'true'],
    ['!flag', 'false'],
    ['numbers[2] >= 30', 'true'],
    ['numbers[2] > 30', 'false'],
    ['shortText == "hello"', 'true'],
    ['longText == shortText', 'false'],
    ['owner == msg.sender', 'true'],
    [`orders[1].owner == ${BEEF}`, 'true'],
    ['color == 2', 'true'],
    ['tag == 0xdeadbeef', 'true'],
    ['self == this', 'true'],
    ['color == Color.Blue', 'true'],
    ['color != Store.Color.Red', 'true'],
    ['Color.Green', 'Color.Green'],
    ['uint8(big)', '255'],
    ['int8(small + 248)', '-1'],
    ['uint8(200)', '200'],
    ['balances[msg.sender] + balances[0xbeef] == 105', 'true'],
    ['big - 1 + 1 == big', 'true'],
    ['minInt', '-57896044618658097711785492504343953926634992332820282019728792003956564819968'],
  ];
  for (const [expression, expected] of cases) assert.equal(evaluate(expression).value, expected, expression);
  assert.equal(evaluate('numbers[1] * 2', true).value, '0x28');
  assert.equal(evaluate('numbers[1] * 2').hint, 'virtual');
  assert.equal(evaluate('numbers[1]').hint, undefined);
});

test("arithmetic follows Solidity's types: result types, literals typed by the compiler's rules, checked overflow as the Panic it raises", async () => {
  const { evaluate } = await environment();
  // [expression, value, type]: small is uint8 7, negative int16 -300, big uint256 max, minInt int256 min.
  const typed: [string, string, string][] = [
    ['small + 248', '255', 'uint8'],
    ['small * 2', '14', 'uint8'],
    ['small + negative', '-293', 'int16'],
    ['negative * small', '-2100', 'int16'],
    ['small + minInt', String(-(2n ** 255n) + 7n), 'int256'],
    ['300', '300', 'int_const 300'],
    ['-5 * 3', '-15', 'int_const -15'],
    ['2 ** small', '128', 'uint256'],
    ['small ** 2', '49', 'uint8'],
    ['-2 ** 2', '4', 'int_const 4'],
    ['small', '7', 'uint8'],
    ['small < 300 - 100', 'true', 'bool'],
  ];
  for (const [expression, value, type] of typed) {
    const result = evaluate(expression);
    assert.deepEqual([result.value, result.type], [value, type], expression);
  }
  const errors: [string, RegExp][] = [
    ['small + 249', /^arithmetic overflow: 7 \+ 249 = 256 does not fit uint8; the contract would revert with Panic\(0x11\)/],
    ['small - 8', /does not fit uint8; the contract would revert with Panic\(0x11\)/],
    ['-minInt', /does not fit int256; the contract would revert with Panic\(0x11\)/],
    ['big + 1', /does not fit uint256; the contract would revert with Panic\(0x11\)/],
    ['small ** 3', /343 does not fit uint8; .*Panic\(0x11\)/],
    ['small / 0', /^division by zero: the contract would revert with Panic\(0x12\)/],
    ['negative % 0', /^modulo by zero: the contract would revert with Panic\(0x12\)/],
    ['small + 256', /^type mismatch: operator '\+' not compatible with uint8 and int_const 256/],
    ['big + minInt', /^type mismatch: cannot apply '\+' to uint256 and int256$/],
    ['big == minInt', /^type mismatch: cannot apply '==' to uint256 and int256$/],
    ['small < 300', /^type mismatch: operator '<' not compatible with uint8 and int_const 300/],
    ['-small', /^type mismatch: unary '-' is only allowed for signed integers, got uint8$/],
    ['2 ** negative', /^type mismatch: the exponent must be unsigned, got int16$/],
    ['7 / 2', /rational constant 7\/2/],
    ['uint8(300)', /^type mismatch: explicit conversion from int_const 300 to uint8 is not allowed/],
    ['color + 1', /^type mismatch: operator '\+' needs integers, got Store\.Color$/],
  ];
  for (const [expression, message] of errors) {
    let got = 'no error';
    try {
      got = `value ${evaluate(expression).value}`;
    } catch (e) {
      got = e instanceof EvaluationError ? e.message : String(e);
    }
    assert.match(got, message, expression);
  }
});

test('results are expandable like variables, with evaluate names', async () => {
  const { evaluate } = await environment();
  const orders = evaluate('orders');
  assert.equal(orders.children?.indexed, 2);
  const second = orders.children!.get('indexed', 1, 1, { hex: false })[0]!;
  assert.equal(second.evaluateName, 'orders[1]');
  assert.deepEqual(plain(evaluate('orders[1]')), {
    id: '2',
    owner: getAddress(BEEF),
    filled: 'false',
    at: { x: '0', y: '0' },
    fills: ['9'],
    note: '""',
  });
  assert.deepEqual(plain(evaluate('allowance[msg.sender]')), { [`[${getAddress(BEEF)}]`]: '42' });
});

test('conditions: isTruthy on bools and numbers, refused for other types', async () => {
  const { env, ctx } = await environment();
  assert.equal(isTruthy(evaluateToValue('flag', env, ctx), ctx), true);
  assert.equal(isTruthy(evaluateToValue('numbers[0] - 10', env, ctx), ctx), false);
  assert.equal(isTruthy(evaluateToValue('balances[msg.sender] > 50', env, ctx), ctx), true);
  assert.throws(() => isTruthy(evaluateToValue('shortText', env, ctx), ctx), EvaluationError);
  // A data breakpoint can take the storage location of an evaluated path.
  const location = evaluateToValue('balances[msg.sender]', env, ctx).location;
  assert.equal(location.kind, 'storage');
});

test('bad expressions are EvaluationErrors with a clear message', async () => {
  const { evaluate } = await environment();
  const cases: [string, RegExp][] = [
    ['nosuch', /^unknown name 'nosuch'$/],
    ['numbers[5]', /^index 5 out of range \(length 3\)$/],
    ['numbers[-1]', /^index -1 out of range/],
    ['shortText + 1', /^type mismatch: the left operand of '\+' needs a number, got string$/],
    ['flag && 1', /^type mismatch: '&&' needs bool, got uint256$/],
    ['order.nope', /^Store\.Order has no member 'nope'$/],
    ['small.x', /^uint8 has no member 'x'$/],
    ['small[0]', /^cannot index a value of type uint8$/],
    ['balances["x"]', /^type mismatch: the mapping key is address, got string$/],
    ['balances[1 << 2]', /^parse error at column 13: unexpected '<'$/],
    ['1 +', /^parse error at column 4: unexpected end of expression$/],
    ['(1 + 2', /^parse error at column 7: expected '\)' but found end of expression$/],
    ['a..b', /^parse error at column 3: expected a member name after '.'/],
    ['"abc', /^parse error at column 1: unterminated string$/],
    ['12abc', /^parse error at column 3/],
    ['', /^parse error at column 1: empty expression$/],
    ['1 / 0', /^division by zero$/],
    ['2 ** 300', /^arithmetic overflow/],
    ['msg.foo', /^unknown member 'foo' of msg$/],
    ['Color.Purple', /^Store\.Color has no member 'Purple'$/],
    ['msg', /^'msg' needs a member/],
    ['keccak256(1)', /^unknown function 'keccak256'/],
    ['uint8(1, 2)', /takes one argument/],
    ['address(-1)', /^-1 does not fit address$/],
    ['(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))', /too deeply nested/],
  ];
  for (const [expression, message] of cases) {
    assert.throws(
      () => evaluate(expression),
      (error: unknown) => error instanceof EvaluationError && message.test(error.message),
      `${expression} -> ${(() => {
        try {
          return evaluate(expression).value;
        } catch (e) {
          return String(e);
        }
      })()}`,
    );
  }
});

test('parseExpression gives a tree with columns', () => {
  const tree = parseExpression('balances[msg.sender] + 1');
  assert.equal(tree.kind, 'binary');
  assert.equal(tree.column, 22);
});

test('fuzz: random expressions only ever fail with EvaluationError, and terminate', async () => {
  const { evaluate } = await environment();
  const random = new Random(20261125);
  const atoms = ['numbers', 'orders', 'balances', 'allowance', 'byName', 'order', 'small', 'negative', 'flag', 'shortText',
    'msg', 'sender', 'block', 'number', 'length', 'x', 'fills', 'owner', '0', '1', '3', '0xbeef', '"alice"', "'k'", '2e3',
    'address', 'uint8', 'true', 'Color', 'Red', 'self', 'this', 'tag', 'points', 'color', 'minInt', 'big', 'nosuch', '99999999999999999999'];
  const punctuation = ['.', '[', ']', '(', ')', '+', '-', '*', '/', '%', '**', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', ',', ' ', '"', '\\', '@', '{'];
  for (let i = 0; i < 4000; i++) {
    const parts: string[] = [];
    const n = random.int(1, 12);
    for (let j = 0; j < n; j++) parts.push(random.int(0, 2) === 0 ? random.pick(punctuation) : random.pick(atoms));
    const text = parts.join(random.int(0, 3) === 0 ? ' ' : '');
    try {
      evaluate(text);
    } catch (error) {
      assert.ok(error instanceof EvaluationError, `${JSON.stringify(text)} threw ${String(error)}`);
    }
  }
  // Raw random characters too.
  for (let i = 0; i < 1000; i++) {
    const text = String.fromCharCode(...random.bytes(random.int(0, 30)).map((b) => 32 + (b % 95)));
    try {
      evaluate(text);
    } catch (error) {
      assert.ok(error instanceof EvaluationError, `${JSON.stringify(text)} threw ${String(error)}`);
    }
  }
});

test('a value the backend cannot locate evaluates to unavailable; arithmetic on it is an error', async () => {
  const { ctx, env } = await environment();
  const withOptimized: EvalEnvironment = {
    ...env,
    lookup: (name) =>
      name === 'gone' ? { type: { kind: 'uint', bits: 256 }, location: { kind: 'unavailable', reason: 'optimized' } } : env.lookup(name),
  };
  const gone = evaluateExpression('gone', withOptimized, ctx, { hex: false });
  assert.equal(gone.value, 'unavailable (optimized)');
  assert.equal(gone.hint, 'unavailable');
  assert.throws(() => evaluateExpression('gone + 1', withOptimized, ctx, { hex: false }), /^EvaluationError: unavailable \(optimized\)$/);
});
