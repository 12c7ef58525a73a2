// Every mistake in a launch configuration is a UserError that names the field and says what was expected.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchEvm, evmBackend } from '../../debug-adapter/evm/backend.ts';
import { UserError } from '../../debug-adapter/core/errors.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const program = path.join(here, 'contracts', 'Pair.sol');
const signal = new AbortController().signal;
const launch = (config: Record<string, unknown>) => launchEvm({ program, ...config } as never, () => {}, signal);

async function userError(config: Record<string, unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(launch(config), (e: unknown) => {
    assert.ok(e instanceof UserError, `a UserError, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-evm-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('compile errors list every error as file:line:col', async () => {
  const dir = project({ 'Bad.sol': 'pragma solidity ^0.8.0;\ncontract Bad {\n  function f() public { uint x = ; }\n  function g() public { undefinedThing(); }\n}\n' });
  await assert.rejects(launchEvm({ program: path.join(dir, 'Bad.sol'), function: 'f' }, () => {}, signal), (e: Error) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, new RegExp(`${path.join(dir, 'Bad.sol').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: ParserError`));
    return true;
  });
  const dir2 = project({ 'Two.sol': 'pragma solidity ^0.8.0;\ncontract Two {\n  function f() public { a(); }\n  function g() public { b(); }\n}\n' });
  await assert.rejects(launchEvm({ program: path.join(dir2, 'Two.sol'), function: 'f' }, () => {}, signal), (e: Error) => {
    assert.match(e.message, /Two\.sol:3:\d+: DeclarationError: Undeclared identifier/);
    assert.match(e.message, /Two\.sol:4:\d+: DeclarationError: Undeclared identifier/);
    return true;
  });
});

test('missing program, unknown contract and unknown or ambiguous functions', async () => {
  await assert.rejects(launchEvm({ program: '/nonexistent/X.sol', function: 'f' }, () => {}, signal), /program: .*does not exist/);
  await userError({ contract: 'Nope', function: 'run' }, /contract: no contract "Nope"; compiled: .*Caller/);
  await userError({ function: 'withdraw' }, /function: Caller has no function "withdraw"; available: .*run\(uint256\)/);
  await userError({}, /function: which function of Caller should run\? Available: .*fail\(uint256\)/);
  const dir = project({ 'O.sol': 'pragma solidity ^0.8.0;\ncontract O {\n  function f(uint a) public pure returns (uint) { return a; }\n  function f(bool b) public pure returns (bool) { return b; }\n}\n' });
  await assert.rejects(launchEvm({ program: path.join(dir, 'O.sol'), function: 'f', args: [1] }, () => {}, signal), /"f" is ambiguous in O; use a signature: (f\(uint256\), f\(bool\)|f\(bool\), f\(uint256\))$/);
  const ex = await launchEvm({ program: path.join(dir, 'O.sol'), function: 'f(bool)', args: [true] }, () => {}, signal);
  assert.equal(ex.outcome.summary, 'returned (true)');
});

test('a constructor that reverts is reported with its reason', async () => {
  const dir = project({ 'C.sol': 'pragma solidity ^0.8.0;\ncontract C {\n  constructor(uint x) { require(x > 10, "x too small"); }\n  function f() public {}\n}\n' });
  await assert.rejects(launchEvm({ program: path.join(dir, 'C.sol'), function: 'f', constructorArgs: [3] }, () => {}, signal),
    /Deploying C failed: the constructor reverted: Error\("x too small"\)/);
  await assert.rejects(launchEvm({ program: path.join(dir, 'C.sol'), function: 'f' }, () => {}, signal),
    /constructorArgs: C's constructor takes 1 argument \(uint256 x\), got 0/);
});

test('argument count and types are checked against the ABI', async () => {
  await userError({ function: 'run', args: [] }, /args: run\(uint256\) takes 1 argument \(uint256 n\), got 0/);
  await userError({ function: 'run', args: ['ten'] }, /args\[0\] \(n\): expected an integer .* for type uint256, got "ten"/);
  await userError({ function: 'overflow', args: [300] }, /args\[0\] \(x\): expected an integer in \[0, 255\] for type uint8/);
  await userError({ function: 'run', args: [1], from: '0x123' }, /from: expected a 0x-prefixed 20-byte address/);
  await userError({ function: 'run', args: [1], value: 'lots' }, /value: expected an amount of wei/);
  await userError({ function: 'run', args: [1], value: '5', from: '0x1111111111111111111111111111111111111111' }, /value: 5 wei is more than the balance of 0x1111111111111111111111111111111111111111 \(0 wei\)/);
  await userError({ function: 'run', args: [1], gasLimit: 5 }, /gasLimit: expected a number between 21000/);
  await userError({ function: 'run', args: [1], setup: [{ function: 'nope' }] }, /setup\[0\]\.function: Caller has no function "nope"/);
  await userError({ function: 'run', args: [1], setup: [{ function: 'fail', args: [1] }] }, /setup\[0\]: fail\(uint256\) failed: NotEnough\(requested: 1, available: 0\)/);
});

test('arguments of every JSON form, set-up calls and the caller all reach the call', async () => {
  const dir = project({
    'Args.sol': `pragma solidity ^0.8.0;
contract Args {
  struct P { uint a; address b; }
  uint public stored;
  function set(uint v) public { stored = v; }
  function scalars(uint a, int8 b, bool c, address d, bytes4 e) public view returns (uint) {
    require(msg.sender == 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, "sender");
    return a + uint(int(b) + 10) + (c ? 1 : 0) + uint160(d) + uint32(e) + stored;
  }
  function refs(bytes memory f, string memory g, uint[2] memory h, P memory p) public pure returns (uint) {
    return f.length + bytes(g).length + h[0] + h[1] + p.a + uint160(p.b);
  }
}`,
  });
  const scalars = await launchEvm({
    program: path.join(dir, 'Args.sol'), function: 'scalars', from: '0x70997970C51812dc3A010C7d01b50e0d17dC79C8',
    setup: [{ function: 'set', args: ['1000'] }],
    args: ['0x10', -3, true, '0x0000000000000000000000000000000000000007', '0x00000001'],
  }, () => {}, signal);
  // 16 + 7 + 1 + 7 + 1 + 1000
  assert.equal(scalars.outcome.summary, 'returned (1032)');
  const refs = await launchEvm({
    program: path.join(dir, 'Args.sol'), function: 'refs',
    args: ['0xabcd', 'hé', [1, '2'], ['5', '0x0000000000000000000000000000000000000001']],
  }, () => {}, signal);
  // 2 + 3 (UTF-8 bytes) + 3 + 5 + 1
  assert.equal(refs.outcome.summary, 'returned (14)');
  await assert.rejects(launchEvm({ program: path.join(dir, 'Args.sol'), function: 'refs', args: ['0xabc', 'x', [1, 2], [1, '0x0000000000000000000000000000000000000001']] }, () => {}, signal),
    /args\[0\] \(f\): expected a 0x-prefixed hex string of whole bytes for type bytes/);
  await assert.rejects(launchEvm({ program: path.join(dir, 'Args.sol'), function: 'refs', args: ['0x', 'x', [1], [1, '0x0000000000000000000000000000000000000001']] }, () => {}, signal),
    /args\[2\] \(h\): expected an array of 2 elements for type uint256\[2\]/);
  await assert.rejects(launchEvm({ program: path.join(dir, 'Args.sol'), function: 'refs', args: ['0x', 'x', [1, 2], [1, 'nope']] }, () => {}, signal),
    /args\[3\] \(p\)\.b: expected a 0x-prefixed 20-byte address for type address/);
});

test('imports resolve from the project, node_modules, remappings.txt and the remappings field', async () => {
  const dir = project({
    'package.json': '{}',
    'remappings.txt': '@oz/=lib/oz/\n',
    'lib/oz/Math.sol': 'pragma solidity ^0.8.0;\nlibrary OzMath { function add(uint a, uint b) internal pure returns (uint) { return a + b; } }\n',
    'node_modules/@pkg/util/Util.sol': 'pragma solidity ^0.8.0;\nlibrary Util { function one() internal pure returns (uint) { return 1; } }\n',
    'vendor/two/Two.sol': 'pragma solidity ^0.8.0;\nlibrary Two { function two() internal pure returns (uint) { return 2; } }\n',
    'src/Main.sol': 'pragma solidity ^0.8.0;\nimport "@oz/Math.sol";\nimport "@pkg/util/Util.sol";\nimport "two/Two.sol";\nimport "./Local.sol";\n'
      + 'contract Main { function f() public pure returns (uint) { return OzMath.add(Util.one(), Two.two()) + Local.three(); } }\n',
    'src/Local.sol': 'pragma solidity ^0.8.0;\nlibrary Local { function three() internal pure returns (uint) { return 3; } }\n',
  });
  const ex = await launchEvm({ program: path.join(dir, 'src/Main.sol'), function: 'f', remappings: ['two/=vendor/two/'] }, () => {}, signal);
  assert.equal(ex.outcome.summary, 'returned (6)');
  assert.ok(ex.sources.some((s) => s.path === path.join(dir, 'node_modules/@pkg/util/Util.sol')));
  await assert.rejects(launchEvm({ program: path.join(dir, 'src/Main.sol'), function: 'f' }, () => {}, signal), /Main\.sol:4:1: ParserError: Source "two\/Two\.sol" not found: File not found/);
  await assert.rejects(launchEvm({ program: path.join(dir, 'src/Main.sol'), function: 'f', remappings: 'x' }, () => {}, signal), /remappings: expected an array of strings/);
});

test('the backend accepts .sol files and Solidity folders only', () => {
  assert.equal(evmBackend.accepts({ program }), true);
  assert.equal(evmBackend.accepts({ program: path.join(here, 'contracts') }), true);
  assert.equal(evmBackend.accepts({ program: 'x.move' }), false);
});
