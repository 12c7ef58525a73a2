// Contract state decoded from solc's storageLayout, checked against what the contract's own getters
// return (ABI-decoded by viem) and against storage read back from the EVM after the calls.

import test from 'node:test';
import assert from 'node:assert/strict';
import { getAddress } from 'viem';
import { decodeStateVariables, stateVariablesFromLayout, type SolcStorageLayout } from '../../../debug-adapter/evm/decode/index.ts';
import { SENDER } from './harness.ts';
import { setUp } from './store-fixture.ts';
import { child, plain, plainChildren } from './tree.ts';

function num(value: unknown): string {
  return String(value);
}

test('state variables of every kind decode to what the getters return', async () => {
  const { chain, address, store, variables } = await setUp();
  const read = (name: string, args: unknown[] = []) => chain.read(address, store.abi, name, args);
  const value = (name: string) => {
    const variable = variables.get(name);
    assert.ok(variable, `state variable ${name} is listed`);
    return variable;
  };

  // Value types, several packed into slot 0 (small, negative, flag, owner, tag, color).
  assert.equal(value('small').value, num(await read('small')));
  assert.equal(value('negative').value, num(await read('negative')));
  assert.equal(value('negative').value, '-300');
  assert.equal(value('flag').value, String(await read('flag')));
  assert.equal(value('owner').value, await read('owner'));
  assert.equal(value('owner').value, getAddress(SENDER.toString()));
  assert.equal(value('tag').value, await read('tag'));
  assert.equal(value('color').value, `Color.${['Red', 'Green', 'Blue'][Number(await read('color'))]}`);
  assert.equal(value('price').value, num(await read('getPrice')));
  assert.equal(value('price').type, 'Price');
  assert.equal(value('big').value, num(await read('big')));
  assert.equal(value('minInt').value, num(await read('minInt')));
  assert.equal(value('hash').value, await read('hash'));
  assert.equal(value('self').value, getAddress(address.toString()));
  assert.equal(value('self').type, 'Store');

  // Strings and bytes: short (in the slot), long (at keccak(slot)), escapes, empty.
  assert.equal(value('shortText').value, JSON.stringify(await read('shortText')));
  assert.equal(value('longText').value, JSON.stringify(await read('longText')));
  assert.equal(value('unicodeText').value, JSON.stringify(await read('unicodeText')));
  assert.equal(value('blob').value, await read('blob'));
  assert.equal(value('emptyBlob').value, '0x');

  // Arrays: dynamic, packed dynamic (32 uint8 per slot), fixed, fixed of structs.
  assert.deepEqual(plain(value('numbers')), ((await read('getNumbers')) as bigint[]).map(num));
  assert.equal(value('numbers').value, '[10, 20, 30]');
  assert.equal(value('numbers').children?.indexed, 3);
  assert.deepEqual(plain(value('packed')), ((await read('getPacked')) as number[]).map(num));
  assert.deepEqual(plain(value('triple')), ((await read('getTriple')) as number[]).map(num));
  assert.deepEqual(
    plain(value('corners')),
    ((await read('getCorners')) as { x: number; y: number }[]).map((p) => ({ x: num(p.x), y: num(p.y) })),
  );

  // Structs with a nested struct, an array and a long string; arrays of such structs.
  type Order = { id: bigint; owner: string; filled: boolean; at: { x: number; y: number }; fills: bigint[]; note: string };
  const expectOrder = (o: Order) => ({
    id: num(o.id),
    owner: o.owner,
    filled: String(o.filled),
    at: { x: num(o.at.x), y: num(o.at.y) },
    fills: o.fills.map(num),
    note: JSON.stringify(o.note),
  });
  assert.deepEqual(plain(value('order')), expectOrder((await read('getOrder')) as Order));
  assert.deepEqual(plain(value('orders')), ((await read('getOrders')) as Order[]).map(expectOrder));
  assert.equal(child(value('order'), 'fills').evaluateName, 'order.fills');
  assert.equal(child(child(value('orders'), '[1]'), 'owner').evaluateName, 'orders[1].owner');
});

test('mappings list the entries whose keys were hashed, nested too, with values from the getters', async () => {
  const { chain, address, store, variables } = await setUp();
  const read = (name: string, args: unknown[] = []) => chain.read(address, store.abi, name, args);
  const sender = getAddress(SENDER.toString());
  const beef = getAddress('0x000000000000000000000000000000000000beef');

  assert.deepEqual(plain(variables.get('balances')!), {
    [`[${sender}]`]: num(await read('balances', [sender])),
    [`[${beef}]`]: num(await read('balances', [beef])),
  });
  assert.equal(variables.get('balances')!.value, 'mapping (2 keys seen: 2 in this call)');
  assert.deepEqual(plain(variables.get('allowance')!), {
    [`[${sender}]`]: { [`[${beef}]`]: num(await read('allowance', [sender, beef])) },
    [`[${beef}]`]: { [`[${sender}]`]: num(await read('allowance', [beef, sender])) },
  });
  const longKey = 'a key that is longer than thirty-two bytes, for sure';
  assert.deepEqual(plain(variables.get('byName')!), {
    '["alice"]': num(await read('byName', ['alice'])),
    [`[${JSON.stringify(longKey)}]`]: num(await read('byName', [longKey])),
  });
  const point = (await read('points', [3n])) as [number, number];
  assert.deepEqual(plain(variables.get('points')!), { '[3]': { x: num(point[0]), y: num(point[1]) } });
  const entry = child(child(variables.get('allowance')!, `[${sender}]`), `[${beef}]`);
  assert.equal(entry.evaluateName, `allowance[${sender}][${beef}]`);
});

test('the state layout follows the storageLayout of solc, packed slot offsets included', async () => {
  const { store, registry, storage } = await setUp();
  const layout = store.storageLayout as SolcStorageLayout;
  const variables = stateVariablesFromLayout(layout, registry);
  assert.deepEqual(
    variables.map((v) => v.name),
    layout.storage.map((entry) => entry.label),
  );
  // Packed slot 0 holds six variables at increasing byte offsets.
  assert.deepEqual(
    variables.filter((v) => v.slot === 0n).map((v) => [v.name, v.byteOffset]),
    [['small', 0], ['negative', 1], ['flag', 3], ['owner', 4], ['tag', 24], ['color', 28]],
  );
  assert.ok(storage.size > 20, 'the contract wrote its state');
});

test('transient state decodes at a step while the transaction runs', async () => {
  const { store, registry, ctx } = await setUp();
  const layout = store.transientStorageLayout as SolcStorageLayout;
  const state = decodeStateVariables(stateVariablesFromLayout(layout, registry, true), ctx);
  assert.deepEqual(plainChildren(state), { lock: '99', lastCaller: getAddress(SENDER.toString()) });
});

test('hex format shows numbers in hex, addresses and bytes unchanged', async () => {
  const { variables } = await setUp();
  const hex = { hex: true };
  const numbers = variables.get('numbers')!.children!.get('indexed', 0, 3, hex).map((v) => v.value);
  assert.deepEqual(numbers, ['0xa', '0x14', '0x1e']);
  assert.deepEqual(plain(variables.get('corners')!, true), [{ x: '0x0', y: '0x0' }, { x: '-0x5', y: '0x6' }]);
});
