// The Move backend's door: a Move launch configuration checked once, typed, before any module is loaded or
// trace read, so a mistyped field is reported by name at once (see package.json for each field).
import { UserError } from '../core/errors.ts';
import type { LaunchConfig } from '../core/execution.ts';
import { maxSteps, optionalArray, optionalString, optionalStrings } from '../core/launch-fields.ts';

/**
 * Instructions a debug run may execute: every one is kept (about 100 bytes each), so the default is lower
 * than the interpreter's own; `maxSteps` (or its older name `stepLimit`) raises it.
 */
export const DEBUG_STEP_LIMIT = 5_000_000;

export interface MoveLaunchOptions {
  readonly program: string;
  readonly cwd?: string;
  /** `<address>::<module>::<function>` or `<module>::<function>`; absent with a trace. */
  readonly function?: string;
  readonly args?: readonly unknown[];
  readonly typeArgs?: readonly string[];
  readonly trace?: string;
  readonly frameworks: readonly string[];
  readonly maxSteps: number;
}

export function parseMoveLaunch(config: LaunchConfig): MoveLaunchOptions {
  if (typeof config.program !== 'string' || config.program === '') throw new UserError('program: expected a Move package folder or its build folder');
  const trace = optionalString(config, 'trace');
  if (trace === '') throw new UserError('trace: expected the path of a Sui trace file (.json, .jsonl or .json.zst)');
  const cwd = optionalString(config, 'cwd');
  const fn = optionalString(config, 'function');
  const args = optionalArray(config, 'args', 'an array of arguments');
  const typeArgs = optionalStrings(config, 'typeArgs', 'an array of Move type strings, e.g. ["u64", "0x2::sui::SUI"]');
  const frameworks = optionalStrings(config, 'frameworks', 'an array of Sui framework snapshot files (0x1.bcs, 0x2.bcs) or folders holding them') ?? [];
  return {
    program: config.program,
    ...(cwd !== undefined ? { cwd } : {}),
    ...(fn !== undefined ? { function: fn } : {}),
    ...(args !== undefined ? { args } : {}),
    ...(typeArgs !== undefined ? { typeArgs } : {}),
    ...(trace !== undefined ? { trace } : {}),
    frameworks,
    maxSteps: maxSteps(config, DEBUG_STEP_LIMIT),
  };
}
