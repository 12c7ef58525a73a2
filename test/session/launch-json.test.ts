// Reading chainstep configurations from a launch.json as VS Code writes them (comments, trailing commas,
// ${workspaceFolder}), for `chainstep debug <launch.json>`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readLaunchJson, stripJsonComments } from '../../debug-adapter/cli/launch-json.ts';

test('comments and trailing commas are removed, strings are left alone', () => {
  const text = '{ // note\n "a": "http://x/*y*/", /* block */ "b": [1, 2,], }';
  assert.deepEqual(JSON.parse(stripJsonComments(text)), { a: 'http://x/*y*/', b: [1, 2] });
});

test('chainstep configurations with variables resolved against the workspace folder', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-launch-'));
  try {
    mkdirSync(path.join(dir, '.vscode'));
    process.env['CHAINSTEP_TEST_ARG'] = '42';
    writeFileSync(
      path.join(dir, '.vscode/launch.json'),
      `{
        "version": "0.2.0",
        "configurations": [
          { "type": "node", "request": "launch", "name": "other" },
          // the one we want
          { "type": "chainstep", "request": "launch", "name": "A", "program": "\${workspaceFolder}/src/A.sol",
            "args": ["\${env:CHAINSTEP_TEST_ARG}"], },
          { "type": "chainstep", "request": "launch", "name": "B", "program": "B.sol", "cwd": "sub" },
        ],
      }`,
    );
    const configs = readLaunchJson(path.join(dir, '.vscode/launch.json'));
    assert.deepEqual(configs.map((c) => c.name), ['A', 'B']);
    assert.equal(configs[0]!.config.program, path.join(dir, 'src/A.sol'));
    assert.equal(configs[0]!.config.cwd, dir);
    assert.deepEqual(configs[0]!.config.args, ['42']);
    assert.equal(configs[1]!.config.program, path.join(dir, 'sub/B.sol'), 'relative to cwd');
    assert.throws(() => readLaunchJson(path.join(dir, 'missing.json')), /Cannot read/);
    writeFileSync(path.join(dir, 'bad.json'), '{ "configurations": [ }');
    assert.throws(() => readLaunchJson(path.join(dir, 'bad.json')), /not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
