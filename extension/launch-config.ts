// Builds and completes `chainstep` launch configurations. Pure functions (no vscode import) so the rules
// that decide what a code lens or F5 launches are unit-tested; extension.ts only wires them to the UI.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DebuggableFunction, Language } from './function-scan.ts';

export const DEBUG_TYPE = 'chainstep';

/** The launch fields the extension reads or fills; the adapter validates the rest. */
export interface ChainstepLaunch {
  type: string;
  request: string;
  name: string;
  program?: string;
  cwd?: string;
  trace?: string;
  contract?: string;
  function?: string;
  args?: unknown[];
  stopOnEntry?: boolean;
  [field: string]: unknown;
}

/**
 * The parameters the user gives values for. Move: a trailing `&TxContext` / `&mut TxContext` is supplied
 * by the VM (as on chain), so it is not asked for.
 */
export function argumentParams(language: Language, fn: DebuggableFunction): readonly string[] {
  if (language !== 'move' || fn.params.length === 0) return fn.params;
  const last = fn.params[fn.params.length - 1];
  return /:\s*&\s*(?:mut\s+)?(?:[A-Za-z_0-9]+\s*::\s*)*TxContext\s*$/.test(last) ? fn.params.slice(0, -1) : fn.params;
}

/** The type written in a Solidity parameter declaration: `uint256[] memory xs` -> `uint256[]`. */
export function solidityParamType(param: string): string {
  return param.split(' ')[0];
}

/**
 * How `function` names the chosen function: its bare name when that is unique in the container, else its
 * signature (overloads need it). Move functions are named `module::function`.
 */
export function functionReference(language: Language, fn: DebuggableFunction, all: readonly DebuggableFunction[]): string {
  if (language === 'move') return `${fn.container}::${fn.name}`;
  const overloaded = all.filter((f) => f.container === fn.container && f.name === fn.name).length > 1;
  return overloaded ? `${fn.name}(${fn.params.map(solidityParamType).join(',')})` : fn.name;
}

/** A launch configuration that debugs one function; `program` is the file (Solidity) or package (Move). */
export function configForFunction(
  language: Language,
  program: string,
  fn: DebuggableFunction,
  all: readonly DebuggableFunction[],
  args?: unknown[],
): ChainstepLaunch {
  const reference = functionReference(language, fn, all);
  const config: ChainstepLaunch = {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Debug ${language === 'solidity' ? `${fn.container}.${fn.name}` : reference}`,
    program,
    function: reference,
  };
  if (language === 'solidity') config.contract = fn.container;
  if (args !== undefined) config.args = args;
  return config;
}

/** The function a configuration names, if the scan of its program file finds it. */
export function findNamedFunction(
  language: Language,
  config: ChainstepLaunch,
  all: readonly DebuggableFunction[],
): DebuggableFunction | undefined {
  const wanted = config.function;
  if (typeof wanted !== 'string') return undefined;
  return all.find((fn) => {
    if (language === 'solidity' && typeof config.contract === 'string' && fn.container !== config.contract) return false;
    return functionReference(language, fn, all) === wanted || fn.name === wanted || `${fn.container}::${fn.name}` === wanted;
  });
}

/**
 * Parses what the user typed as arguments: a JSON array with one element per parameter. Returns the array,
 * or a message saying what is wrong (shown under the input box).
 */
export function parseArgs(text: string, params: readonly string[]): unknown[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch (error) {
    return `Not JSON: ${(error as Error).message}`;
  }
  if (!Array.isArray(value)) return 'Arguments are a JSON array, e.g. ["0x5B38Da6a701c568545dCfcB03FcB875f56beddC4", "100"]';
  if (value.length !== params.length) {
    return `Expected ${params.length} argument${params.length === 1 ? '' : 's'} (${params.join(', ')}), got ${value.length}`;
  }
  return value;
}

/**
 * Makes `program`, `trace` and `cwd` absolute. Relative paths resolve against `cwd`, which itself defaults
 * to the workspace folder (VS Code has already substituted `${workspaceFolder}` by this point).
 */
export function resolvePaths(config: ChainstepLaunch, workspaceFolder: string | undefined): ChainstepLaunch {
  const base = workspaceFolder ?? process.cwd();
  const cwd = typeof config.cwd === 'string' && config.cwd !== '' ? path.resolve(base, config.cwd) : base;
  const resolved: ChainstepLaunch = { ...config, cwd };
  if (typeof config.program === 'string' && config.program !== '') resolved.program = path.resolve(cwd, config.program);
  if (typeof config.trace === 'string' && config.trace !== '') resolved.trace = path.resolve(cwd, config.trace);
  return resolved;
}

/** True when VS Code handed over no configuration at all (F5 with no launch.json). */
export function isEmptyConfig(config: Partial<ChainstepLaunch>): boolean {
  return !config.type && !config.request && !config.name;
}

/**
 * What `program` is for a source file: the file itself for Solidity; for Move the package folder (the
 * nearest folder above with a `Move.toml`), since a module is built and run as part of its package, or the
 * file when it belongs to no package.
 */
export function programFor(language: Language, file: string): string {
  if (language === 'solidity') return file;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'Move.toml'))) return dir;
    if (path.dirname(dir) === dir) return file;
  }
}

/** A function of a Move package offered by F5 when no Move file is open: where it is and what it is. */
export interface PackageFunction {
  readonly file: string;
  readonly fn: DebuggableFunction;
}

/**
 * The `#[test]` and `entry` functions of a Move package (its `sources/` and `tests/`, not the build's copy),
 * for F5 in a package folder without a launch.json and without a `.move` file in the editor.
 */
export function movePackageFunctions(packageDir: string, scan: (source: string) => DebuggableFunction[]): PackageFunction[] {
  const out: PackageFunction[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry);
      let isDir = false;
      try {
        isDir = statSync(file).isDirectory();
      } catch {
        continue;
      }
      if (isDir && depth < 8) walk(file, depth + 1);
      else if (entry.endsWith('.move')) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          continue;
        }
        for (const fn of scan(text)) if (fn.kind === 'test' || fn.kind === 'entry') out.push({ file, fn });
      }
    }
  };
  for (const folder of ['sources', 'tests']) walk(path.join(packageDir, folder), 0);
  return out;
}

/** The Move package (folder with Move.toml) a folder is, or is inside; undefined when none. */
export function movePackageOf(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'Move.toml'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}
