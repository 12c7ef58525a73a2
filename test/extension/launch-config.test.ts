import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanMove, scanSolidity } from '../../extension/function-scan.ts';
import {
  argumentParams,
  configForFunction,
  findNamedFunction,
  isEmptyConfig,
  parseArgs,
  programFor,
  resolvePaths,
} from '../../extension/launch-config.ts';

const source = `contract Vault {
  function deposit() external payable {}
  function withdraw(uint256 amount) external {}
  function withdraw(uint256 amount, address to) public {}
}`;

test('a Solidity function config names the contract, the function (signature only when overloaded) and args', () => {
  const fns = scanSolidity(source);
  const deposit = configForFunction('solidity', '/w/Vault.sol', fns[0], fns, []);
  assert.deepEqual(deposit, {
    type: 'chainstep',
    request: 'launch',
    name: 'Debug Vault.deposit',
    program: '/w/Vault.sol',
    function: 'deposit',
    contract: 'Vault',
    args: [],
  });
  assert.equal(configForFunction('solidity', '/w/Vault.sol', fns[2], fns, ['1', '0x01']).function, 'withdraw(uint256,address)');
  assert.equal(configForFunction('solidity', '/w/Vault.sol', fns[1], fns).args, undefined);
});

test('a configuration finds its function again (by name, signature, or Move module::name)', () => {
  const fns = scanSolidity(source);
  const launch = { type: 'chainstep', request: 'launch', name: 'x', contract: 'Vault' };
  assert.equal(findNamedFunction('solidity', { ...launch, function: 'withdraw(uint256,address)' }, fns)?.params.length, 2);
  assert.equal(findNamedFunction('solidity', { ...launch, function: 'deposit' }, fns)?.name, 'deposit');
  assert.equal(findNamedFunction('solidity', { ...launch, contract: 'Other', function: 'deposit' }, fns), undefined);
  const moveFns = scanMove('module 0x1::m { public entry fun go(n: u64) {} }');
  assert.equal(findNamedFunction('move', { ...launch, function: 'm::go' }, moveFns)?.name, 'go');
  assert.equal(configForFunction('move', '/pkg', moveFns[0], moveFns).function, 'm::go');
});

test('arguments typed by the user: JSON array with one element per parameter, or a message', () => {
  assert.deepEqual(parseArgs('["0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2", 5]', ['address to', 'uint256 n']), [
    '0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2',
    5,
  ]);
  assert.deepEqual(parseArgs('  ', []), []);
  assert.match(parseArgs('[1', ['uint256 a']) as string, /^Not JSON/);
  assert.match(parseArgs('{"a":1}', ['uint256 a']) as string, /JSON array/);
  assert.equal(parseArgs('[1, 2]', ['uint256 a']), 'Expected 1 argument (uint256 a), got 2');
});

test('relative program, trace and cwd resolve against the workspace folder', () => {
  const resolved = resolvePaths(
    { type: 'chainstep', request: 'launch', name: 'x', program: 'contracts/A.sol', cwd: 'sub', trace: 't.json' },
    '/ws',
  );
  assert.equal(resolved.cwd, '/ws/sub');
  assert.equal(resolved.program, '/ws/sub/contracts/A.sol');
  assert.equal(resolved.trace, '/ws/sub/t.json');
  const absolute = resolvePaths({ type: 'chainstep', request: 'launch', name: 'x', program: '/abs/B.sol' }, '/ws');
  assert.equal(absolute.program, '/abs/B.sol');
  assert.equal(absolute.cwd, '/ws');
});

test('F5 without launch.json hands over an empty configuration', () => {
  assert.equal(isEmptyConfig({}), true);
  assert.equal(isEmptyConfig({ type: 'chainstep', request: 'launch', name: 'n' }), false);
});

test('program for a Move file is its package folder (nearest Move.toml), for Solidity the file', () => {
  const root = mkdtempSync(join(tmpdir(), 'chainstep-ext-'));
  mkdirSync(join(root, 'pkg', 'sources', 'nested'), { recursive: true });
  writeFileSync(join(root, 'pkg', 'Move.toml'), '[package]\nname = "pkg"\n');
  writeFileSync(join(root, 'loose.move'), 'module 0x1::m {}');
  assert.equal(programFor('move', join(root, 'pkg', 'sources', 'nested', 'm.move')), join(root, 'pkg'));
  assert.equal(programFor('move', join(root, 'loose.move')), join(root, 'loose.move'));
  assert.equal(programFor('solidity', join(root, 'A.sol')), join(root, 'A.sol'));
});

test('Move: a trailing TxContext parameter is supplied by the VM, so it is not asked for', () => {
  const fns = scanMove(`module 0x2::shop {
    public entry fun buy(amount: u64, ctx: &mut TxContext) {}
    public entry fun peek(ctx: &sui::tx_context::TxContext) {}
    public entry fun give(to: address, n: u64) {}
  }`);
  assert.deepEqual(argumentParams('move', fns[0]), ['amount: u64']);
  assert.deepEqual(argumentParams('move', fns[1]), []);
  assert.deepEqual(argumentParams('move', fns[2]), ['to: address', 'n: u64']);
  const sol = scanSolidity('contract C { function f(uint256 ctx) public {} }');
  assert.deepEqual(argumentParams('solidity', sol[0]), ['uint256 ctx']);
});

test('F5 in a Move package without a Move file open: its #[test] and entry functions, from the package\'s own sources', async () => {
  const { movePackageFunctions, movePackageOf } = await import('../../extension/launch-config.ts');
  const { existsSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const fixtures = resolve(import.meta.dirname, '../../../shared/fixtures/move/sui-trace-tests');
  if (!existsSync(fixtures)) return;
  // Real packages: macro_same_file has `#[test] public fun test()` and `public fun foo()` (not a test, not entry).
  const pkg = join(fixtures, 'macro_same_file');
  assert.equal(movePackageOf(join(pkg, 'sources')), pkg);
  const found = movePackageFunctions(pkg, scanMove);
  assert.deepEqual(found.map((f) => [f.fn.container, f.fn.name, f.fn.kind, f.file]), [['m', 'test', 'test', join(pkg, 'sources', 'm.move')]]);
  // A package with several modules in several files (macro_different_files: m.move, m_dep.move).
  const several = movePackageFunctions(join(fixtures, 'macro_different_different_files'), scanMove);
  assert.deepEqual(several.map((f) => `${f.fn.container}::${f.fn.name}`), ['m::test']);
  // An entry function counts; a build's copy of the sources does not.
  const dir = mkdtempSync(join(tmpdir(), 'chainstep-move-pkg-'));
  writeFileSync(join(dir, 'Move.toml'), '[package]\nname = "p"\n');
  mkdirSync(join(dir, 'sources'));
  mkdirSync(join(dir, 'build', 'p', 'sources'), { recursive: true });
  const text = 'module p::q {\n  public entry fun go(x: u64) {}\n  public fun helper() {}\n}\n';
  writeFileSync(join(dir, 'sources', 'q.move'), text);
  writeFileSync(join(dir, 'build', 'p', 'sources', 'q.move'), text);
  assert.deepEqual(movePackageFunctions(dir, scanMove).map((f) => [f.fn.name, f.fn.kind]), [['go', 'entry']]);
  assert.equal(movePackageOf(join(dir, 'build', 'p')), dir);
});
