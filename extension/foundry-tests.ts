// Foundry tests in a Solidity file: the `test*` functions of contracts in `*.t.sol` files (or under a Foundry
// project's test folder), and the launch configuration that debugs one. No vscode import (unit-testable);
// the code lens and the Test Explorer are built on it.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { scanSolidity } from './function-scan.ts';
import { DEBUG_TYPE } from './launch-config.ts';

export interface FoundryTest {
  readonly contract: string;
  readonly name: string;
  /** 0-based line of the function's name. */
  readonly line: number;
  /** Has parameters: forge fuzzes it. */
  readonly fuzz: boolean;
}

/** The folder with foundry.toml at or above `file`, if any. */
export function foundryRootOf(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'foundry.toml'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function isFoundryTestFile(file: string, root: string | undefined): boolean {
  if (!root || !file.endsWith('.sol')) return false;
  const rel = path.relative(root, file).split(path.sep);
  return file.endsWith('.t.sol') || rel[0] === 'test';
}

/** The test functions forge runs in `source` (public/external functions named test*). */
export function foundryTests(source: string): FoundryTest[] {
  return scanSolidity(source)
    .filter((fn) => /^test/.test(fn.name))
    .map((fn) => ({ contract: fn.container, name: fn.name, line: fn.line, fuzz: fn.params.length > 0 }));
}

export interface FoundryTestLaunch {
  readonly type: typeof DEBUG_TYPE;
  readonly request: 'launch';
  readonly name: string;
  readonly program: string;
  readonly test: string;
  readonly stopOnEntry: boolean;
}

/** Debugs one test: the adapter deploys and sets up the test contract as forge does, then records the test. */
export function foundryTestLaunch(root: string, test: { contract: string; name: string }): FoundryTestLaunch {
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${test.contract}.${test.name}`, program: root, test: `${test.contract}.${test.name}`, stopOnEntry: false };
}
