// Move tests for the Test Explorer: the #[test] functions of a Move package (sources/ and tests/), what
// `chainstep move test --json` says about each, and the launch configuration that debugs one. No vscode
// import (unit-testable); extension/move-test-explorer.ts is the VS Code side.
import { declaredPackageName } from '../language/move/manifest.ts';
import { scanMove } from './function-scan.ts';
import { DEBUG_TYPE, movePackageFunctions } from './launch-config.ts';

export interface MoveTest {
  readonly file: string;
  readonly module: string;
  readonly name: string;
  /** 0-based line of the function's name. */
  readonly line: number;
}

/** The #[test] functions of the package at `packageDir`. */
export function moveTests(packageDir: string): MoveTest[] {
  return movePackageFunctions(packageDir, scanMove)
    .filter((p) => p.fn.kind === 'test')
    .map((p) => ({ file: p.file, module: p.fn.container, name: p.fn.name, line: p.fn.line }));
}

/**
 * The package's name as its Move.toml gives it (`[package] name`): what the Test Explorer calls the package
 * (its folder's path says nothing when the package is the workspace folder). Undefined when unreadable.
 */
export const movePackageName = declaredPackageName;

/** A place in a file: 0-based line and character, as VS Code counts them. */
export interface TestPosition {
  readonly file: string;
  readonly line: number;
  readonly character: number;
}

export interface MoveTestResult {
  readonly status: 'pass' | 'fail' | 'cannot-run';
  /** Why it failed or could not run, in `sui move test`'s words. */
  readonly reason?: string;
  /** Where it aborted (the line that aborted), when it did and the module was compiled from source. */
  readonly abortAt?: TestPosition;
  /** What it printed (debug::print). */
  readonly output: readonly string[];
}

interface JsonPosition { file: string; line: number; column: number }
interface JsonTest { name: string; status: MoveTestResult['status']; reason?: string; abort?: { location?: JsonPosition }; output?: string[] }

/**
 * Results of `chainstep move test --json` keyed `module::function` (the address is left out: a test item
 * knows its module by name). Undefined when the output is not that JSON (a build error, a crash).
 */
export function parseMoveTestJson(stdout: string): Map<string, MoveTestResult> | undefined {
  let json: { tests?: JsonTest[] };
  try {
    json = JSON.parse(stdout) as { tests?: JsonTest[] };
  } catch {
    return undefined;
  }
  if (!Array.isArray(json.tests)) return undefined;
  const out = new Map<string, MoveTestResult>();
  for (const t of json.tests) {
    const key = t.name.split('::').slice(-2).join('::');
    const at = t.abort?.location;
    out.set(key, {
      status: t.status,
      ...(t.reason ? { reason: t.reason } : {}),
      // The CLI counts lines from 1 and columns in UTF-16 units from 1; VS Code from 0.
      ...(at ? { abortAt: { file: at.file, line: at.line - 1, character: at.column - 1 } } : {}),
      output: t.output ?? [],
    });
  }
  return out;
}

/** The build errors `chainstep move test --json` reports (as `file:line:col: error[code]: message`). */
export function buildErrors(stdout: string): string[] {
  try {
    const json = JSON.parse(stdout) as { diagnostics?: { severity: string; at: string }[] };
    return (json.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => d.at);
  } catch {
    return [];
  }
}

/** The launch configuration that debugs one Move test. */
export function moveTestLaunch(packageDir: string, test: Pick<MoveTest, 'module' | 'name'>): { type: typeof DEBUG_TYPE; request: 'launch'; name: string; program: string; function: string } {
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${test.module}::${test.name}`, program: packageDir, function: `${test.module}::${test.name}` };
}
