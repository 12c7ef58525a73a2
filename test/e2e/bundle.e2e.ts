// The packaged adapter stands alone: a copy of dist/ outside the repository (so no node_modules of the
// repository can be found) prints its help and compiles, deploys and debugs a contract headless, with solc
// loaded from dist/node_modules. This is what the installed extension runs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './workbench.ts';

const dist = join(repoRoot, 'dist');

test('dist/chainstep.mjs runs from a copy outside the repository', {
  skip: existsSync(join(dist, 'chainstep.mjs')) ? undefined : `${dist}/chainstep.mjs not found (run \`npm run build\`)`,
  timeout: 120_000,
}, () => {
  const home = mkdtempSync(join(tmpdir(), 'chainstep-bundle-'));
  try {
    cpSync(dist, join(home, 'dist'), { recursive: true });
    const bundle = join(home, 'dist', 'chainstep.mjs');
    const help = spawnSync(process.execPath, [bundle, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /chainstep dap/);

    writeFileSync(
      join(home, 'Double.sol'),
      'pragma solidity ^0.8.24;\ncontract Double {\n    function twice(uint256 x) public pure returns (uint256) {\n        uint256 y = x * 2;\n        return y;\n    }\n}\n',
    );
    const run = spawnSync(
      process.execPath,
      [bundle, 'debug', '--program', 'Double.sol', '--function', 'twice', '--args', '["21"]', '--break', 'Double.sol:4'],
      { cwd: home, encoding: 'utf8', timeout: 90_000 },
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /Double\.sol:4/);
    assert.match(run.stdout, /x = 21/);
    assert.match(run.stdout, /\b42\b/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
