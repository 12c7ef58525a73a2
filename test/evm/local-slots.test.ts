// Locals are read from the stack only for compilers whose slot rule is known (solc 0.4 and >= 0.5.0, see
// build/ast.ts): a build whose compiler is older, or not recorded, shows them as unavailable with the
// reason rather than a guess. Parameters keep their (known) positions.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { localSlotRule } from '../../debug-adapter/evm/build/ast.ts';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';
import { root } from '../session/dap-issue3-helpers.ts';

test('the slot rule: block scoping from solc 0.5.0 on, function scoping for 0.4, nothing known otherwise', () => {
  assert.deepEqual(['0.8.37+commit.abc', '0.5.16+commit.9c3226ce.Emscripten.clang', 'v0.5.0', '0.4.26+commit.4563c3fc', '0.4.26', '0.3.6', '', undefined].map(localSlotRule),
    ['block', 'block', 'block', 'function', 'function', undefined, undefined, undefined]);
});

test('a build-info that does not name its compiler: parameters shown, locals unavailable with the reason', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-noversion-'));
  try {
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'foundry.toml'), '[profile.default]\n');
    const source = readFileSync(path.join(root, 'test/evm/contracts/Issue7.sol'), 'utf8');
    writeFileSync(path.join(dir, 'src/Issue7.sol'), source);
    const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
    const input = {
      language: 'Solidity', sources: { 'src/Issue7.sol': { content: source } },
      settings: { optimizer: { enabled: false }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode', 'evm.deployedBytecode', 'storageLayout'], '': ['ast'] } } },
    };
    const output = JSON.parse(solc.compile(JSON.stringify(input)));
    mkdirSync(path.join(dir, 'out/build-info'), { recursive: true });
    writeFileSync(path.join(dir, 'out/build-info/b.json'), JSON.stringify({ id: 'b', input, output }));
    const ex = await launchEvm({ program: dir, contract: 'Tuples', function: 'run', args: ['21'] }, () => {}, new AbortController().signal);
    const emit = readFileSync(path.join(dir, 'src/Issue7.sol'), 'utf8').split('\n').findIndex((l) => l.includes('emit Seen(x, a, c, e, d, f);')) + 1;
    let seen = false;
    for (let s = 0; s < ex.stepCount && !seen; s++) {
      if (ex.lineId(s) < 0 || ex.location(s)?.line !== emit) continue;
      seen = true;
      const scopes = ex.scopes(s, 0);
      const shown = (name: string) => scopes.find((x) => x.name === name)!.children.get(undefined, 0, 50, { hex: false });
      assert.deepEqual(shown('Parameters').map((v) => `${v.name}=${v.value}`), ['x=21']);
      const locals = shown('Locals');
      assert.deepEqual(locals.map((v) => v.name), ['a', 'c', 'e', 'd', 'f']);
      for (const v of locals) {
        assert.equal(v.hint, 'unavailable', v.name);
        assert.match(v.value, /stack layout of locals not known for solc \(unknown version\)/);
      }
      assert.throws(() => ex.evaluate(s, 0, 'a + 1', { hex: false }), /unavailable/);
    }
    assert.ok(seen, 'stopped at the emit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
