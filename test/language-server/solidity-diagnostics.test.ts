// Diagnostics over LSP as a user sees them in Problems: a syntax error at once, a compiler error after the
// check, both on the exact characters (UTF-16 columns, also after multi-byte characters), moving with edits
// above them, cleared when fixed; errors of imported files on the import line; remappings from
// remappings.txt and foundry.toml.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { eventually, LspClient, positionOf } from './lsp-client.ts';

let client: LspClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'chainstep-lsp-diag-'));
  client = await LspClient.start({ rootPath: dir, initializationOptions: { languageServer: { compileDelay: 50 } } });
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const SPDX = '// SPDX-License-Identifier: MIT\n';
const fromSolc = (d: Diagnostic[]) => d.filter((x) => x.source === 'solc');

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Counter {
    uint256 public count;

    function add(uint256 by) external {
        count += by;
    }
}
`;

test('a compiler error appears on its characters, moves with lines added above, and clears when fixed', async () => {
  const file = write('counter/Counter.sol', COUNTER);
  const uri = client.open(file);
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
  const broken = COUNTER.replace('count += by;', 'count += byy;');
  client.change(uri, broken);
  const [error] = fromSolc(await client.waitForDiagnostics(uri, (d) => fromSolc(d).length > 0));
  assert.equal(error!.severity, DiagnosticSeverity.Error);
  assert.match(String(error!.message), /Undeclared identifier/);
  assert.deepEqual(error!.range, { start: positionOf(broken, 'byy;'), end: positionOf(broken, 'byy;', 3) });

  const moved = broken.replace('contract Counter {', '// one\n// two\ncontract Counter {');
  client.change(uri, moved);
  const [again] = fromSolc(await client.waitForDiagnostics(uri, (d) => fromSolc(d)[0]?.range.start.line === error!.range.start.line + 2));
  assert.deepEqual(again!.range.start, positionOf(moved, 'byy;'));

  client.change(uri, COUNTER);
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
  client.close(uri);
});

test('a syntax error shows at once from the tolerant parser, without waiting for solc', async () => {
  const file = write('counter/Syntax.sol', COUNTER.replace('Counter', 'Syntax'));
  const uri = client.open(file);
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
  const broken = COUNTER.replace('Counter', 'Syntax').replace('count += by;', 'count += by');
  client.change(uri, broken);
  const diagnostics = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  // The first publish after the edit is the parser's (solc runs after the compile delay, in the worker).
  assert.equal(diagnostics[0]!.source, 'solidity');
  assert.match(String(diagnostics[0]!.message), /Syntax error/);
  assert.equal(diagnostics[0]!.range.start.line, positionOf(broken, 'count += by\n').line + 1);
  client.change(uri, COUNTER.replace('Counter', 'Syntax'));
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
  client.close(uri);
});

test('ranges after multi-byte characters are in UTF-16 columns', async () => {
  const text = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Wide {
    function f() external pure returns (uint256) {
        string memory s = unicode"héllo 😀 wörld"; uint256 x = missing + 1;
        return x + bytes(s).length;
    }
}
`;
  const file = write('wide/Wide.sol', text);
  const uri = client.open(file);
  const [error] = fromSolc(await client.waitForDiagnostics(uri, (d) => fromSolc(d).length > 0));
  assert.deepEqual(error!.range, { start: positionOf(text, 'missing'), end: positionOf(text, 'missing', 'missing'.length) });
  // The same line with a syntax error after the emoji: the parser's range is UTF-16 too.
  const broken = text.replace('uint256 x = missing + 1;', 'uint256 x = 1 +;');
  client.change(uri, broken);
  const syntax = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.source === 'solidity'));
  assert.deepEqual(syntax.find((x) => x.source === 'solidity')!.range.start, positionOf(broken, '+;', 1));
  client.close(uri);
});

test('an error in an imported file shows on the import line and on that file; fixing it clears both', async () => {
  const lib = write('imports/src/Lib.sol', SPDX + 'pragma solidity ^0.8.20;\nlibrary Lib {\n    function one() internal pure returns (uint256) { return 1 }\n}\n');
  const mid = write('imports/src/Mid.sol', SPDX + 'pragma solidity ^0.8.20;\nimport "./Lib.sol";\ncontract Mid { function m() external pure returns (uint256) { return Lib.one(); } }\n');
  void mid;
  const mainText = SPDX + 'pragma solidity ^0.8.20;\nimport {Mid} from "./Mid.sol";\ncontract Main is Mid {}\n';
  const uri = client.open(write('imports/src/Main.sol', mainText));
  const diagnostics = await client.waitForDiagnostics(uri, (d) => fromSolc(d).length > 0);
  const onImport = fromSolc(diagnostics)[0]!;
  assert.deepEqual(onImport.range.start, positionOf(mainText, '"./Mid.sol"'));
  assert.match(String(onImport.message), /Imported Lib\.sol has 1 error: ParserError: Expected ';' but got '}'/);
  assert.equal(onImport.relatedInformation?.[0]?.location.uri, pathToFileURL(lib).href);
  const libUri = pathToFileURL(lib).href;
  await client.waitForDiagnostics(libUri, (d) => d.length === 1 && d[0]!.range.start.line === 3);

  // Fixed on disk and saved in the editor: the importer is checked again and both clear.
  writeFileSync(lib, SPDX + 'pragma solidity ^0.8.20;\nlibrary Lib {\n    function one() internal pure returns (uint256) { return 1; }\n}\n');
  const libOpen = client.open(lib);
  assert.equal(libOpen, libUri);
  client.save(libUri);
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
  await client.waitForDiagnostics(libUri, (d) => d.length === 0);
  client.close(uri);
  client.close(libUri);
});

test('imports through remappings.txt, foundry.toml remappings and Foundry lib folders resolve', async () => {
  write('foundry/foundry.toml', '[profile.default]\nsrc = "src"\nlibs = ["lib"]\nremappings = ["@tools/=vendor/tools/"]\n');
  write('foundry/remappings.txt', 'mylib/=lib/mylib/contracts/\n');
  write('foundry/lib/mylib/contracts/A.sol', SPDX + 'pragma solidity ^0.8.20;\ncontract A { function a() public pure returns (uint256) { return 1; } }\n');
  write('foundry/lib/auto/src/B.sol', SPDX + 'pragma solidity ^0.8.20;\ncontract B { function b() public pure returns (uint256) { return 2; } }\n');
  write('foundry/vendor/tools/C.sol', SPDX + 'pragma solidity ^0.8.20;\ncontract C { function c() public pure returns (uint256) { return 3; } }\n');
  const text = SPDX + 'pragma solidity ^0.8.20;\nimport "mylib/A.sol";\nimport "auto/B.sol";\nimport "@tools/C.sol";\ncontract All is A, B, C { function all() public pure returns (uint256) { return a() + b() + c(); } }\n';
  const uri = client.open(write('foundry/src/All.sol', text));
  const [def] = await eventually(async () => (await client.definition(uri, positionOf(text, 'c()', 0))).at(0) && client.definition(uri, positionOf(text, 'c()', 0)), 60_000, 'All.sol analysis');
  assert.deepEqual(client.diagnostics.get(uri), []);
  assert.ok(def?.uri.endsWith('/foundry/vendor/tools/C.sol'), JSON.stringify(def));
  // A missing import is an error on its directive.
  const missing = text.replace('"@tools/C.sol"', '"@tools/Nope.sol"');
  client.change(uri, missing);
  const [error] = fromSolc(await client.waitForDiagnostics(uri, (d) => fromSolc(d).length > 0));
  assert.match(String(error!.message), /not found|File not found/i);
  assert.equal(error!.range.start.line, 4);
  client.close(uri);
});

test('closing a file clears its diagnostics', async () => {
  const text = COUNTER.replace('Counter', 'Closed').replace('count += by;', 'count += nope;');
  const uri = client.open(write('counter/Closed.sol', text));
  await client.waitForDiagnostics(uri, (d) => fromSolc(d).length > 0);
  client.close(uri);
  await client.waitForDiagnostics(uri, (d) => d.length === 0, 10_000, false);
});
