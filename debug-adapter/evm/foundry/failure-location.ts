// Where a failing Foundry test failed, as a user means it: the line of the test file that was executing
// last — the failing assertion, the call that reverted, the `revert`/`require` itself — rather than the
// test function's first line. The runner does not record steps (it runs whole suites), so a failed test
// is recorded once more, exactly as the debugger records it, and the recording is searched backwards for
// the last step mapped to the test's own file.
import { resolve } from 'node:path';
import { launchFoundryTest } from './launch.ts';

export interface FailureLocation {
  /** Absolute path of the test file. */
  readonly file: string;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
}

/** The last line of `testFile` the failing test `contract.fn` executed, or undefined when it cannot tell. */
export async function failureLocation(root: string, contract: string, fn: string, testFile: string): Promise<FailureLocation | undefined> {
  const file = resolve(root, testFile);
  let execution;
  try {
    execution = await launchFoundryTest({ program: root, test: `${contract}.${fn}` }, () => {}, new AbortController().signal);
  } catch {
    return undefined; // not compilable on its own here: the failure is still reported, at its test
  }
  const source = execution.sources.findIndex((s) => resolve(s.path) === file);
  if (source < 0) return undefined;
  for (let step = execution.stepCount - 1; step >= 0; step--) {
    if (execution.lineId(step) < 0) continue;
    const at = execution.location(step);
    if (at?.source === source) return { file, line: at.line, column: at.column };
  }
  return undefined;
}
