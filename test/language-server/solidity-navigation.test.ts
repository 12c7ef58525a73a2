// Hover, go to definition, references, symbols and completion over LSP, on the samples and on a contract
// built on OpenZeppelin from node_modules. Expected values come from the source text itself (where a name is
// declared), keccak256 of the signature (selectors) and the declaration order rules of storage (slots).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { eventually, LspClient, positionOf, repoRoot } from './lsp-client.ts';

const selector = (signature: string): string => `0x${bytesToHex(keccak_256(new TextEncoder().encode(signature))).slice(0, 8)}`;
const hoverText = (h: { contents: unknown } | null): string => (h?.contents as { value: string } | undefined)?.value ?? '';

let client: LspClient;
const tokenFile = path.join(repoRoot, 'samples/solidity/token/Token.sol');
const tokenText = readFileSync(tokenFile, 'utf8');
let tokenUri: string;

before(async () => {
  client = await LspClient.start();
  tokenUri = client.open(tokenFile);
  await eventually(() => client.hover(tokenUri, positionOf(tokenText, 'totalSupply = supply', 1)), 60_000, 'first analysis of Token.sol');
});
after(() => client.stop());

test('hover on a state variable: its declaration, getter selector and storage slot', async () => {
  const hover = await client.hover(tokenUri, positionOf(tokenText, 'balanceOf[from]', 2));
  const text = hoverText(hover);
  assert.match(text, /mapping\(address => uint256\) public balanceOf/);
  assert.ok(text.includes(selector('balanceOf(address)')), text);
  // name (0), symbol (1), totalSupply (2): decimals is a constant and takes no slot.
  assert.match(text, /storage slot `3` · offset `0`/);
  assert.deepEqual(hover!.range!.start, positionOf(tokenText, 'balanceOf[from]', 0));
  const supply = hoverText(await client.hover(tokenUri, positionOf(tokenText, 'totalSupply = supply', 3)));
  assert.match(supply, /storage slot `2`/);
});

test('hover on a function and an event shows the signature and selector / topic', async () => {
  const fn = hoverText(await client.hover(tokenUri, positionOf(tokenText, 'function transfer(', 10)));
  assert.match(fn, /function transfer\(address to, uint256 amount\) external returns \(bool\)/);
  assert.ok(fn.includes(selector('transfer(address,uint256)')), fn);
  const event = hoverText(await client.hover(tokenUri, positionOf(tokenText, 'emit Approval', 6)));
  assert.match(event, /event Approval\(address indexed owner, address indexed spender, uint256 value\)/);
  const topic = bytesToHex(keccak_256(new TextEncoder().encode('Approval(address,address,uint256)')));
  assert.ok(event.includes(topic), event);
});

test('definition and references of an internal function and of a parameter', async () => {
  const [def] = await client.definition(tokenUri, positionOf(tokenText, '_move(msg.sender', 2));
  assert.equal(def?.uri, tokenUri);
  assert.deepEqual(def!.range.start, positionOf(tokenText, 'function _move', 9));
  const refs = await client.references(tokenUri, positionOf(tokenText, 'function _move', 10));
  assert.deepEqual(refs.map((r) => r.range.start.line).sort((a, b) => a - b),
    [positionOf(tokenText, '_move(msg.sender').line, positionOf(tokenText, '_move(from, to').line, positionOf(tokenText, 'function _move').line].sort((a, b) => a - b));
  const amountRefs = await client.references(tokenUri, positionOf(tokenText, 'uint256 amount) internal', 9), false);
  // `amount` of _move: used in require, the subtraction, the addition and the event.
  assert.equal(amountRefs.length, 4);
});

test('document symbols list the contract and its members; workspace symbols find them', async () => {
  const symbols = await client.documentSymbols(tokenUri);
  assert.deepEqual(symbols.map((s) => s.name), ['Token']);
  const members = symbols[0]!.children!.map((c) => c.name);
  for (const name of ['name', 'balanceOf', 'Transfer', 'transfer', 'approve', 'transferFrom', '_move']) assert.ok(members.includes(name), name);
  assert.deepEqual(symbols[0]!.selectionRange.start, positionOf(tokenText, 'contract Token', 9));
  const found = await client.workspaceSymbols('transferFr');
  assert.ok(found.some((s) => s.name === 'transferFrom' && s.containerName === 'Token' && s.location.uri === tokenUri), JSON.stringify(found));
});

test('completion: names in scope inside a function, members after a dot', async () => {
  const inScope = (await client.completion(tokenUri, positionOf(tokenText, 'balanceOf[to] +=', 0))).map((c) => c.label);
  for (const name of ['from', 'to', 'amount', 'balance', 'totalSupply', '_move', 'msg']) assert.ok(inScope.includes(name), `${name} in ${inScope}`);
  assert.ok(!inScope.includes('allowed'), 'a local of another function is not in scope');
  const afterDot = (await client.completion(tokenUri, positionOf(tokenText, 'msg.sender, to, amount', 4))).map((c) => c.label);
  assert.deepEqual(afterDot.sort(), ['data', 'sender', 'sig', 'value']);
});

test('caller-callee sample: definition goes to the declaration in the imported file', async () => {
  const caller = path.join(repoRoot, 'samples/solidity/caller-callee/Caller.sol');
  const text = readFileSync(caller, 'utf8');
  const uri = client.open(caller);
  const importLine = text.split('\n').findIndex((l) => l.startsWith('import'));
  assert.ok(importLine >= 0);
  const calleeName = /import\s*(?:\{\s*(\w+)|"\.\/(\w+)\.sol")/.exec(text)!;
  const name = calleeName[1] ?? calleeName[2]!;
  const use = text.indexOf(name, text.indexOf('contract Caller'));
  const pos = positionOf(text, name, 1, text.slice(0, use).split(name).length - 1);
  const [def] = await eventually(async () => (await client.definition(uri, pos)).at(0) ? client.definition(uri, pos) : undefined, 60_000, 'Caller analysis');
  const calleeFile = path.join(repoRoot, `samples/solidity/caller-callee/${name}.sol`);
  assert.equal(def!.uri, `file://${calleeFile}`);
  const calleeText = readFileSync(calleeFile, 'utf8');
  assert.deepEqual(def!.range.start, positionOf(calleeText, `contract ${name}`, 9));
  client.close(uri);
});

test('OpenZeppelin-based contract: hover with NatSpec, F12 into node_modules, references', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-lsp-oz-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), '{}\n');
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const file = path.join(dir, 'MyToken.sol');
    const text = [
      '// SPDX-License-Identifier: MIT',
      'pragma solidity ^0.8.20;',
      'import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";',
      'import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";',
      '',
      'contract MyToken is ERC20, Ownable {',
      '    constructor() ERC20("My", "MY") Ownable(msg.sender) {}',
      '',
      '    function mint(address to, uint256 amount) external onlyOwner {',
      '        _mint(to, amount);',
      '    }',
      '}',
      '',
    ].join('\n');
    writeFileSync(file, text);
    const uri = client.open(file);
    const at = positionOf(text, '_mint(to', 2);
    const hover = await eventually(() => client.hover(uri, at), 90_000, 'MyToken analysis');
    assert.match(hoverText(hover), /function _mint\(address account, uint256 value\) internal/);
    assert.match(hoverText(hover), /Creates a `value` amount of tokens/);
    const [def] = await client.definition(uri, at);
    const ozFile = path.join(repoRoot, 'node_modules/@openzeppelin/contracts/token/ERC20/ERC20.sol');
    const ozText = readFileSync(ozFile, 'utf8');
    assert.ok(def!.uri.endsWith('/node_modules/@openzeppelin/contracts/token/ERC20/ERC20.sol'), def!.uri);
    assert.deepEqual(def!.range.start, positionOf(ozText, 'function _mint', 9));
    const owner = hoverText(await client.hover(uri, positionOf(text, 'onlyOwner {', 2)));
    assert.match(owner, /modifier onlyOwner\(\)/);
    // References of ERC20's _mint seen from this file: the declaration in OpenZeppelin and the call here.
    const refs = await client.references(uri, at);
    assert.ok(refs.some((r) => r.uri === uri && r.range.start.line === at.line));
    assert.ok(refs.some((r) => r.uri === def!.uri && r.range.start.line === def!.range.start.line));
    const members = (await client.completion(uri, positionOf(text, '_mint(to', 0))).map((c) => c.label);
    for (const name of ['_mint', 'balanceOf', 'owner', 'transferOwnership', 'to', 'amount']) assert.ok(members.includes(name), `${name} in completion`);
    client.close(uri);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
