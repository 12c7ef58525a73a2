// Tokenizes Solidity and Move with our TextMate grammars through VS Code's own engine (vscode-textmate +
// Oniguruma), and checks the scopes a theme colours: what a user sees as highlighting.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

const registry = (async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const file = { 'source.solidity': 'solidity', 'source.move': 'move' }[scopeName];
      if (!file) return null;
      const path = join(root, 'syntaxes', `${file}.tmLanguage.json`);
      return textmate.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
})();

/** Every token of `source` as "text => innermost scope" (whitespace-only tokens left out). */
async function tokenize(scopeName: string, source: string): Promise<Map<string, string[]>> {
  const grammar = await (await registry).loadGrammar(scopeName);
  assert.ok(grammar, scopeName);
  const scopes = new Map<string, string[]>();
  let state = textmate.INITIAL;
  for (const line of source.split('\n')) {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const text = line.slice(token.startIndex, token.endIndex).trim();
      if (text === '') continue;
      const list = scopes.get(text) ?? [];
      list.push(token.scopes.join(' '));
      scopes.set(text, list);
    }
    state = result.ruleStack;
  }
  return scopes;
}

function scopeOf(tokens: Map<string, string[]>, text: string, index = 0): string {
  const found = tokens.get(text);
  assert.ok(found && found[index] !== undefined, `no token "${text}" (#${index}); tokens: ${[...tokens.keys()].join(' | ')}`);
  return found[index];
}

const solidity = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {Math} from "./Math.sol";

/// @notice Holds deposits.
/// @param owner the owner
/** @dev multi-line NatSpec */
contract Vault is Base {
    error InsufficientBalance(uint256 requested, uint256 available);
    event Deposited(address indexed who, uint256 amount);
    mapping(address => uint256) public balances;
    uint256 constant LIMIT = 1_000_000;
    bytes32 constant TAG = 0xdead_beef;

    modifier onlyOwner() { _; }

    function withdraw(uint256 amount) external onlyOwner {
        if (amount > balances[msg.sender]) revert InsufficientBalance(amount, 0);
        emit Deposited(msg.sender, 1 ether);
        string memory s = "a \\"quoted\\" string";
        bool ok = true;
    }
}
`;

test('Solidity grammar: declarations, types, numbers, strings, comments and NatSpec', async () => {
  const t = await tokenize('source.solidity', solidity);
  assert.match(scopeOf(t, 'contract'), /storage\.type\.contract\.solidity/);
  assert.match(scopeOf(t, 'Vault'), /entity\.name\.type\.contract\.solidity/);
  assert.match(scopeOf(t, 'is'), /storage\.modifier\.is\.solidity/);
  assert.match(scopeOf(t, 'InsufficientBalance'), /entity\.name\.type\.error\.solidity/);
  assert.match(scopeOf(t, 'Deposited'), /entity\.name\.type\.event\.solidity/);
  assert.match(scopeOf(t, 'onlyOwner'), /entity\.name\.function\.modifier\.solidity/);
  assert.match(scopeOf(t, 'withdraw'), /entity\.name\.function\.solidity/);
  assert.match(scopeOf(t, 'uint256'), /support\.type\.primitive\.solidity/);
  assert.match(scopeOf(t, 'bytes32'), /support\.type\.primitive\.solidity/);
  assert.match(scopeOf(t, '1_000_000'), /constant\.numeric\.decimal\.solidity/);
  assert.match(scopeOf(t, '0xdead_beef'), /constant\.numeric\.hex\.solidity/);
  assert.match(scopeOf(t, 'ether'), /keyword\.other\.unit\.solidity/);
  assert.match(scopeOf(t, 'revert'), /keyword\.control\.flow\.solidity/);
  assert.match(scopeOf(t, 'emit'), /keyword\.control\.flow\.solidity/);
  assert.match(scopeOf(t, 'external'), /storage\.modifier\.solidity/);
  assert.match(scopeOf(t, 'msg'), /support\.variable\.global\.solidity/);
  assert.match(scopeOf(t, 'true'), /constant\.language\.boolean\.solidity/);
  assert.match(scopeOf(t, '\\"'), /string\.quoted\.double\.solidity constant\.character\.escape/);
  assert.match(scopeOf(t, './Math.sol'), /string\.quoted\.double\.solidity/);
  assert.match(scopeOf(t, 'pragma'), /keyword\.other\.pragma\.solidity/);
  assert.match(scopeOf(t, 'SPDX-License-Identifier: MIT'), /comment\.line\.double-slash\.solidity/);
  assert.match(scopeOf(t, '@notice'), /comment\.line\.triple-slash\.documentation\.natspec\.solidity storage\.type\.class\.natspec/);
  assert.match(scopeOf(t, 'owner'), /variable\.parameter\.natspec\.solidity/);
  assert.match(scopeOf(t, '@dev'), /comment\.block\.documentation\.natspec\.solidity storage\.type\.class\.natspec/);
  assert.match(scopeOf(t, '=>'), /keyword\.operator\.arrow\.solidity/);
});

const move = `module 0x42::vault {
    use std::signer;
    use sui::coin::{Self, Coin};

    /// Not enough balance.
    const E_INSUFFICIENT: u64 = 1;

    public struct Vault has key, store { id: UID, amount: u128 }

    public entry fun deposit(account: &signer, amount: u64) acquires Vault {
        let v = borrow_global_mut<Vault>(signer::address_of(account));
        v.amount = v.amount + (amount as u128);
        assert!(amount > 0x10_u64, E_INSUFFICIENT);
        let bytes = b"hi";
        let hex = x"beef";
    }

    #[test(account = @0x1)]
    #[expected_failure(abort_code = E_INSUFFICIENT)]
    fun test_deposit(account: signer) { deposit(&account, 1_000); abort 7 }
    /* a /* nested */ comment */
}
`;

test('Move grammar: modules with addresses, attributes, abilities, numbers, byte strings, doc comments', async () => {
  const t = await tokenize('source.move', move);
  assert.match(scopeOf(t, 'module'), /storage\.type\.module\.move/);
  assert.match(scopeOf(t, '0x42'), /constant\.other\.address\.move/);
  assert.match(scopeOf(t, 'vault'), /entity\.name\.type\.module\.move/);
  assert.match(scopeOf(t, 'std'), /entity\.name\.namespace\.move/);
  assert.match(scopeOf(t, 'E_INSUFFICIENT'), /variable\.other\.constant\.move/);
  assert.match(scopeOf(t, 'Not enough balance.'), /comment\.line\.documentation\.move/);
  assert.match(scopeOf(t, 'struct'), /storage\.type\.struct\.move/);
  assert.match(scopeOf(t, 'key'), /storage\.modifier\.ability\.move/);
  assert.match(scopeOf(t, 'u128'), /support\.type\.primitive\.move/);
  assert.match(scopeOf(t, 'entry'), /storage\.modifier\.move/);
  assert.match(scopeOf(t, 'deposit'), /entity\.name\.function\.move/);
  assert.match(scopeOf(t, 'borrow_global_mut'), /support\.function\.builtin\.move/);
  assert.match(scopeOf(t, 'assert'), /support\.function\.macro\.move/);
  assert.match(scopeOf(t, '0x10_u64'), /constant\.numeric\.hex\.move/);
  assert.match(scopeOf(t, '1_000'), /constant\.numeric\.decimal\.move/);
  assert.match(scopeOf(t, 'b"'), /string\.quoted\.byte\.move/);
  assert.match(scopeOf(t, 'x"beef"'), /string\.quoted\.hex\.move/);
  assert.match(scopeOf(t, 'test'), /meta\.attribute\.move entity\.name\.tag\.attribute\.move/);
  assert.match(scopeOf(t, 'expected_failure'), /entity\.name\.tag\.attribute\.move/);
  assert.match(scopeOf(t, '0x1'), /meta\.attribute\.move constant\.other\.address\.move/);
  assert.match(scopeOf(t, 'abort'), /keyword\.control\.flow\.move/);
  assert.match(scopeOf(t, 'comment'), /comment\.block\.move/);
});
