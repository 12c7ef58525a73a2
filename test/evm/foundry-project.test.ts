// Foundry projects as they are: foundry.toml profiles, lib/ auto-remappings, remappings.txt, out/ artifacts
// (reused when fresh and carrying ASTs), `forge build` when forge is there and the artifacts are stale, and
// compiling here with the project's own settings otherwise. Real forge (with the solc-js shim) writes the
// artifacts; the bytecode we debug with is checked against forge's.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { loadFoundryProject } from '../../language/solidity/foundry.ts';
import { launch, nextEvent, where } from '../session/dap-helpers.ts';
import { AdapterClient, lineOf, scopeVariables } from '../session/dap-issue3-helpers.ts';
import { FORGE, SKIP_FOUNDRY, SOLC_SHIM } from '../support/foundry-tools.ts';

const require = createRequire(import.meta.url);
let work: string;
before(() => { work = mkdtempSync(path.join(tmpdir(), 'chainstep-foundry-')); });
after(() => rmSync(work, { recursive: true, force: true }));

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.13;
import {Helper} from "mylib/Helper.sol";
import {Shared} from "shared/Shared.sol";
contract Counter {
    uint256 public number;
    uint256 public immutable start;
    constructor() { start = block.number; }
    function increment(uint256 by) public returns (uint256) {
        uint256 next = Helper.add(number, by) + Shared.ONE;
        number = next;
        return next;
    }
}
`;

/** A Foundry project: lib/mylib found by auto-remapping, lib/other through remappings.txt, two profiles. */
function project(name: string, extraToml = ''): string {
  const dir = path.join(work, name);
  const files: Record<string, string> = {
    'foundry.toml': `[profile.default]\nsolc = ${JSON.stringify(SOLC_SHIM)}\noffline = true\n${extraToml}\n[profile.opt]\noptimizer = true\noptimizer_runs = 1000\n`,
    'remappings.txt': 'shared/=lib/other/shared/\n',
    'src/Counter.sol': COUNTER,
    'lib/mylib/src/Helper.sol': '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nlibrary Helper { function add(uint256 a, uint256 b) internal pure returns (uint256) { return a + b; } }\n',
    'lib/other/shared/Shared.sol': '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nlibrary Shared { uint256 internal constant ONE = 1; }\n',
    'test/Counter.t.sol': '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.13;\nimport {Counter} from "../src/Counter.sol";\ncontract CounterTest { Counter c; function setUp() public { c = new Counter(); } function test_Increment() public { require(c.increment(2) == 3, "sum"); } }\n',
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const stripMetadata = (hex: string): string => {
  const h = hex.replace(/^0x/, '');
  const len = parseInt(h.slice(-4), 16);
  return h.slice(0, h.length - 4 - len * 2);
};

test('without forge: compiled here with the profile settings, auto-remappings and remappings.txt; src/test/script listed', async () => {
  const dir = project('plain');
  const loaded = await loadFoundryProject(dir, { forge: null });
  assert.equal(loaded.origin, 'compiled here');
  assert.deepEqual(loaded.files, { src: ['src/Counter.sol'], test: ['test/Counter.t.sol'], script: [] });
  assert.ok(loaded.remappings.includes('mylib/=lib/mylib/src/'), loaded.remappings.join(' '));
  assert.ok(loaded.remappings.includes('shared/=lib/other/shared/'));
  assert.deepEqual(loaded.compiled.contracts.map((c) => c.name).sort(), ['Counter', 'CounterTest', 'Helper', 'Shared']);
  assert.equal(loaded.compiled.contracts.find((c) => c.name === 'Counter')!.optimized, false);
  const opt = await loadFoundryProject(dir, { forge: null, profile: 'opt' });
  assert.equal(opt.config.optimizerRuns, 1000);
  assert.equal(opt.compiled.contracts.find((c) => c.name === 'Counter')!.optimized, true);
  await assert.rejects(loadFoundryProject(dir, { forge: null, profile: 'nope' }), /has no \[profile\.nope\] \(FOUNDRY_PROFILE=nope\); profiles: default, opt/);
});

test('stale artifacts are rebuilt by forge; without ASTs in them we compile the same code (bytecode equal to forge\'s)', { skip: !FORGE && SKIP_FOUNDRY }, async () => {
  process.env.SOLC_JS_DIR = path.dirname(require.resolve('solc/package.json'));
  const dir = project('forge');
  const loaded = await loadFoundryProject(dir, { forge: FORGE! });
  assert.equal(loaded.origin, 'forge build + compiled here');
  const artifact = loaded.artifacts.get('src/Counter.sol:Counter')!;
  assert.ok(artifact && artifact.ast === undefined, 'forge writes no AST by default');
  const ours = loaded.compiled.contracts.find((c) => c.name === 'Counter')!;
  assert.equal(stripMetadata(ours.deployedBytecode.object), stripMetadata(artifact.deployedBytecode.object));
  assert.equal(stripMetadata(ours.bytecode.object), stripMetadata(artifact.bytecode.object));
});

test('fresh artifacts with ASTs (ast = true) are used as they are; an edit makes them stale and the project is compiled here', { skip: !FORGE && SKIP_FOUNDRY }, async () => {
  process.env.SOLC_JS_DIR = path.dirname(require.resolve('solc/package.json'));
  const dir = project('ast', 'ast = true\nextra_output = ["storageLayout"]');
  const built = await loadFoundryProject(dir, { forge: FORGE! });
  assert.equal(built.origin, 'artifacts');
  const counter = built.compiled.contracts.find((c) => c.name === 'Counter')!;
  assert.equal(counter.storageLayout?.storage[0]?.label, 'number');
  assert.deepEqual(built.compiled.targets, ['src/Counter.sol']);
  // No rebuild when nothing changed (forge would be run again otherwise: a missing forge proves it is not).
  assert.equal((await loadFoundryProject(dir, { forge: path.join(work, 'no-forge') })).origin, 'artifacts');
  writeFileSync(path.join(dir, 'src/Counter.sol'), COUNTER.replace('Shared.ONE', 'Shared.ONE * 2'));
  assert.equal((await loadFoundryProject(dir, { forge: null })).origin, 'compiled here');
});

test('over DAP: a Foundry project folder debugs from its artifacts: breakpoint, frames, parameters, locals and state', { skip: !FORGE && SKIP_FOUNDRY }, async () => {
  process.env.SOLC_JS_DIR = path.dirname(require.resolve('solc/package.json'));
  const dir = project('dap', 'ast = true\nextra_output = ["storageLayout"]');
  assert.equal((await loadFoundryProject(dir, { forge: FORGE! })).origin, 'artifacts');
  const file = path.join(dir, 'src/Counter.sol');
  const line = lineOf(file, 'number = next;');
  const dc = new AdapterClient();
  try {
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { type: 'chainstep', request: 'launch', name: 'foundry', program: dir, function: 'increment', args: ['4'] }, () =>
      dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] }));
    await stopped;
    const here = await where(dc);
    assert.equal(here.line, line);
    assert.equal(here.name, 'Counter.increment');
    const frameId = here.frames[0]!.id;
    const values = async (scope: string): Promise<Record<string, string>> =>
      Object.fromEntries((await scopeVariables(dc, frameId, scope)).map((v) => [v.name, v.value]));
    assert.deepEqual(await values('Parameters'), { by: '4' });
    assert.equal((await values('Locals')).next, '5');
    assert.equal((await values('State')).number, '0');
  } finally {
    await dc.close();
  }
});
