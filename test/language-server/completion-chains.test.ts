// Completion after member chains of any depth, over LSP: `a.b.`, `s.field.`, mapping and array elements,
// a function's result, `this.`, `msg.sender.`, and the library functions `using … for` attaches to a type.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { eventually, LspClient, positionOf } from './lsp-client.ts';

const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

library Amounts {
    struct Range { uint256 low; uint256 high; }
    function clamp(uint256 x, Range memory r) internal pure returns (uint256) { return x < r.low ? r.low : x > r.high ? r.high : x; }
    function twice(uint256 x) internal pure returns (uint256) { return 2 * x; }
    function isEmpty(Range memory r) internal pure returns (bool) { return r.low == r.high; }
}

interface IPriced { function quote() external view returns (Quote memory); }
struct Quote { uint256 price; address by; }

contract Book {
    using Amounts for uint256;
    using Amounts for Amounts.Range;

    struct Inner { uint256 amount; Amounts.Range range; }
    struct Position { Inner inner; address owner; uint64[] marks; }

    mapping(address => Position) public positions;
    Position[] public history;
    IPriced public oracle;

    function read(address who) external view returns (uint256) {
        Position storage p = positions[who];
        uint256 a = p.inner.amount;
        uint256 b = positions[who].inner.range.low;
        uint256 c = history[0].marks.length;
        uint256 d = oracle.quote().price;
        uint256 e = this.total();
        uint256 f = a.twice();
        bool g = p.inner.range.isEmpty();
        uint256 h = msg.sender.balance;
        return a + b + c + d + e + f + h + (g ? 1 : 0);
    }

    function total() external pure returns (uint256) { return 1; }
}
`;

let dir: string;
let client: LspClient;
let uri: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'chainstep-lsp-chains-'));
  writeFileSync(path.join(dir, 'Book.sol'), source);
  client = await LspClient.start({ rootPath: dir, initializationOptions: { languageServer: { compileDelay: 0 } } });
  uri = client.open(path.join(dir, 'Book.sol'));
  await eventually(() => client.hover(uri, positionOf(source, 'total() external', 1)), 120_000, 'analysis');
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Labels offered with the cursor right after `chain` (its first occurrence after `from`). */
async function after_(chain: string): Promise<string[]> {
  const at = source.indexOf(chain, source.indexOf('function read'));
  assert.ok(at > 0, chain);
  return (await client.completion(uri, positionOf(source, chain, chain.length, source.slice(0, at).split(chain).length - 1))).map((c) => c.label).sort();
}

test('a struct field of a struct: p.inner. and positions[who].inner.range.', async () => {
  assert.deepEqual(await after_('p.inner.'), ['amount', 'range']);
  assert.deepEqual(await after_('positions[who].inner.range.'), ['high', 'isEmpty', 'low']);
  assert.deepEqual(await after_('positions[who].'), ['inner', 'marks', 'owner']);
});

test('array elements and their members: history[0]. and history[0].marks.', async () => {
  assert.deepEqual(await after_('history[0].'), ['inner', 'marks', 'owner']);
  assert.deepEqual(await after_('history[0].marks.'), ['length', 'pop', 'push']);
});

test('a function result, this., msg.sender.', async () => {
  assert.deepEqual(await after_('oracle.quote().'), ['by', 'price']);
  const self = await after_('this.');
  for (const name of ['total', 'positions', 'history', 'oracle', 'read']) assert.ok(self.includes(name), `${name} in ${self}`);
  assert.ok(!self.includes('Inner'), 'this. lists what can be called on the contract');
  assert.deepEqual(await after_('msg.sender.'), ['balance', 'call', 'code', 'codehash', 'delegatecall', 'send', 'staticcall', 'transfer']);
});

test('using for: library functions taking the value\'s type', async () => {
  // `a` is a uint256: clamp and twice take a uint256 first; isEmpty takes a Range.
  assert.deepEqual(await after_('a.'), ['clamp', 'twice']);
});
