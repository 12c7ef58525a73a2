import test from 'node:test';
import assert from 'node:assert/strict';
import { blankCommentsAndStrings, languageOfPath, scanMove, scanSolidity } from '../../extension/function-scan.ts';

const token = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20 {
    function transfer(address to, uint256 amount) external returns (bool);
}

/// @notice function fake() public {} inside NatSpec is not a function
contract Token is IERC20 {
    mapping(address => uint256) public balanceOf;
    string public name = "function notReal() public {";

    constructor(uint256 supply) { balanceOf[msg.sender] = supply; }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transfer(address to, uint256 amount, bytes calldata data)
        public
        returns (bool)
    {
        return true;
    }

    function _move(address from, address to, uint256 amount) internal {}
    function total() public view virtual returns (uint256);
    /* function hidden() external {} */
    function mint(uint256[] memory amounts, (uint256) ) external {}
}

library Math {
    function max(uint256 a, uint256 b) public pure returns (uint256) { return a > b ? a : b; }
}
`;

test('Solidity: public and external functions with a body, by contract, with parameters and name position', () => {
  const found = scanSolidity(token);
  assert.deepEqual(
    found.map((f) => `${f.container}.${f.name}/${f.params.length}@${f.line}:${f.character} ${f.kind}`),
    [
      'Token.transfer/2@14:13 external',
      'Token.transfer/3@19:13 public',
      'Token.mint/2@29:13 external',
      'Math.max/2@33:13 public',
    ],
  );
  assert.deepEqual(found[1].params, ['address to', 'uint256 amount', 'bytes calldata data']);
});

test('Solidity: interfaces, internal functions, declarations without body, comments and strings are skipped', () => {
  const names = scanSolidity(token).map((f) => f.name);
  for (const absent of ['_move', 'total', 'hidden', 'fake', 'notReal']) assert.ok(!names.includes(absent), absent);
});

const counter = `module 0x42::counter {
    use std::signer;

    /// Error: counter exists
    const E_EXISTS: u64 = 1;

    struct Counter has key { value: u64 }

    public entry fun create(account: &signer) { move_to(account, Counter { value: 0 }) }

    public fun increment(c: &mut Counter, by: u64) { c.value = c.value + by; }

    public(friend) fun reset(c: &mut Counter) { c.value = 0; }

    fun helper(): u64 { 7 }

    native fun native_thing(): u64;

    #[test]
    fun test_increment() {
        let c = Counter { value: 1 };
        increment(&mut c, 2);
        let Counter { value: _ } = c;
    }

    #[test(account = @0x1)]
    #[expected_failure(abort_code = E_EXISTS)]
    fun test_create_twice(account: signer) { create(&account); create(&account); }
}

module shop::market {
    /* fun commented_out() {} */
    entry fun buy<T: store>(amount: u64, items: vector<T>) {}
}
`;

test('Move: tests (with attributes), entry and public functions per module; friend, private and native skipped', () => {
  const found = scanMove(counter);
  assert.deepEqual(
    found.map((f) => `${f.container}::${f.name} ${f.kind} (${f.params.join('; ')}) @${f.line}`),
    [
      'counter::create entry (account: &signer) @8',
      'counter::increment public (c: &mut Counter; by: u64) @10',
      'counter::test_increment test () @19',
      'counter::test_create_twice test (account: signer) @27',
      'market::buy entry (amount: u64; items: vector<T>) @32',
    ],
  );
});

test('blanking keeps offsets and line breaks', () => {
  const source = 'a /* x\ny */ "s//t" // c\nb';
  const blanked = blankCommentsAndStrings(source);
  assert.equal(blanked.length, source.length);
  assert.equal(blanked.split('\n').length, 3);
  assert.equal(blanked.replace(/\s+/g, ''), 'a""b');
});

test('languageOfPath', () => {
  assert.equal(languageOfPath('/a/Token.sol'), 'solidity');
  assert.equal(languageOfPath('/a/sources/counter.move'), 'move');
  assert.equal(languageOfPath('/a/Move.toml'), undefined);
});

test('Solidity: modifiers with arguments, multi-line headers, free functions and special functions', () => {
  const found = scanSolidity(`pragma solidity ^0.8.0;
function freeHelper(uint256 a) pure returns (uint256) { return a; }
abstract contract Base {
    function hook() public virtual;
    function ping() external virtual returns (bytes4) { return this.ping.selector; }
}
contract Shop is Base {
    receive() external payable {}
    fallback() external {}
    function buy(
        uint256 id,
        function (uint256) external returns (bool) callback
    )
        external
        payable
        whenOpen(id, "shop")
        returns (bool ok)
    {
        ok = callback(id);
    }
}`);
  assert.deepEqual(
    found.map((f) => `${f.container}.${f.name}(${f.params.join(' | ')}) ${f.kind}`),
    ['Base.ping() external', 'Shop.buy(uint256 id | function (uint256) external returns (bool) callback) external'],
  );
});
