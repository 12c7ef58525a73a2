// Compiler choice and solc-bin handling: pragma ranges, the newest matching release, checksums, the cache
// and what is said offline. Against a loopback mirror of real soljson files.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseRange, parseVersion, satisfies, versionPragmas } from '../../language/solidity/pragma.ts';
import { chooseCompiler, compileProject } from '../../language/solidity/compile-project.ts';
import { SolidityProjectError } from '../../language/solidity/errors.ts';
import { startSolcMirror, type SolcMirror } from '../support/solc-mirror.ts';

test('pragma ranges as solc reads them', () => {
  const cases: [string, string, boolean][] = [
    ['^0.8.0', '0.8.30', true], ['^0.8.0', '0.9.0', false], ['^0.4.24', '0.4.26', true], ['^0.4.24', '0.5.0', false],
    ['>=0.6.0 <0.7.0', '0.6.12', true], ['>=0.6.0 <0.7.0', '0.7.0', false], ['=0.5.16', '0.5.16', true], ['=0.5.16', '0.5.17', false],
    ['0.7.6', '0.7.6', true], ['~0.8.4', '0.8.30', true], ['~0.8.4', '0.8.3', false], ['0.8', '0.8.19', true], ['0.8.x', '0.9.0', false],
    ['>= 0.4.22 < 0.6.0', '0.5.16', true], ['^0.5.0 || ^0.7.0', '0.6.12', false], ['^0.5.0 || ^0.7.0', '0.7.6', true],
    ['0.6.0 - 0.6.8', '0.6.8', true], ['0.6.0 - 0.6.8', '0.6.9', false], ['>0.8', '0.8.30', false], ['>0.8', '0.9.0', true], ['*', '0.4.26', true],
  ];
  for (const [range, version, expected] of cases) assert.equal(satisfies(parseVersion(version)!, parseRange(range)!), expected, `${version} in ${range}`);
  assert.equal(parseRange('^abc'), undefined);
  assert.deepEqual(versionPragmas('// pragma solidity ^0.4.0;\n/* pragma solidity 0.5.0; */ pragma solidity >=0.6.0 <0.8.0;\nstring s = "pragma solidity 1.0.0;";'), ['>=0.6.0 <0.8.0']);
  // Arbitrary text never throws: a pragma the parser cannot read is left to the compiler to report.
  for (let i = 0; i < 2000; i++) {
    const text = Array.from({ length: 1 + (i % 12) }, () => '^~<>=|-. 0123456789xX*v'[Math.floor(Math.random() * 24)]).join('');
    const range = parseRange(text);
    if (range) satisfies([0, 8, 0], range);
  }
});

let mirror: SolcMirror;
let work: string;
before(async () => {
  mirror = await startSolcMirror(['0.5.16', '0.6.12', '0.8.4', '0.8.19']);
  work = mkdtempSync(path.join(tmpdir(), 'chainstep-solcv-'));
});
after(async () => {
  await mirror.close();
  rmSync(work, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

test('every pragma of the compilation counts, imports included: the newest release satisfying all of them', async () => {
  const dir = project('imports', {
    'A.sol': 'pragma solidity >=0.5.0 <0.9.0;\nimport "./lib/B.sol";\ncontract A is B { function f() public pure returns (uint) { return 1; } }\n',
    'lib/B.sol': 'pragma solidity >=0.6.0 <0.8.5;\ncontract B {}\n',
  });
  const cacheDir = path.join(work, 'cache1');
  const compiled = await compileProject({ program: path.join(dir, 'A.sol'), binUrl: mirror.url, cacheDir });
  assert.equal(compiled.compilerVersion, '0.8.4');
});

test('a version a launch configuration or foundry.toml names wins over the pragmas; the bundled compiler needs no download', async () => {
  const dir = project('pinned', { 'foundry.toml': '[profile.default]\nsolc_version = "0.8.19"\n', 'src/C.sol': 'pragma solidity ^0.8.0;\ncontract C {}\n' });
  const cacheDir = path.join(work, 'cache2');
  assert.equal((await compileProject({ program: dir, binUrl: mirror.url, cacheDir })).compilerVersion, '0.8.19');
  assert.equal((await compileProject({ program: dir, binUrl: mirror.url, cacheDir, solcVersion: '0.8.4' })).compilerVersion, '0.8.4');
  const plain = project('plain', { 'P.sol': 'pragma solidity ^0.8.0;\ncontract P {}\n' });
  const before = mirror.requests.length;
  assert.equal(await chooseCompiler({ program: path.join(plain, 'P.sol'), binUrl: mirror.url, cacheDir }), undefined, 'bundled');
  assert.equal(mirror.requests.length, before, 'nothing fetched');
});

test('the cache serves offline; offline without it says which release, from where and to where; a bad checksum is refused', async () => {
  const dir = project('offline', { 'O.sol': 'pragma solidity ^0.6.0;\ncontract O { uint public x; }\n' });
  const program = path.join(dir, 'O.sol');
  const cacheDir = path.join(work, 'cache3');
  assert.equal((await compileProject({ program, binUrl: mirror.url, cacheDir })).compilerVersion, '0.6.12');
  // A dead mirror: the cached list and file answer.
  const dead = 'http://127.0.0.1:9';
  assert.equal((await chooseCompiler({ program, binUrl: dead, cacheDir }))?.version.join('.'), '0.6.12');
  const empty = path.join(work, 'empty-cache');
  await assert.rejects(chooseCompiler({ program, binUrl: dead, cacheDir: empty }), (e: Error) => {
    assert.ok(e instanceof SolidityProjectError);
    assert.match(e.message, /pragma solidity \^0\.6\.0 \(O\.sol\)/);
    assert.ok(e.message.includes(`${dead}/list.json cannot be fetched`), e.message);
    assert.ok(e.message.includes(empty), e.message);
    return true;
  });
  mirror.corrupt('soljson-v0.5.16+commit.9c3226ce.js');
  const five = project('five', { 'F.sol': 'pragma solidity ^0.5.0;\ncontract F {}\n' });
  await assert.rejects(chooseCompiler({ program: path.join(five, 'F.sol'), binUrl: mirror.url, cacheDir: path.join(work, 'cache4') }),
    /Refusing http:\/\/127\.0\.0\.1:\d+\/soljson-v0\.5\.16\+commit\.9c3226ce\.js: its sha256 is 0x[0-9a-f]{64}, the list says 0x/);
  await assert.rejects(compileProject({ program, solcVersion: '0.6' }), /solcVersion in the launch configuration: expected a solc release such as "0\.8\.19"/);
});
