// `chainstep move build [<package dir>] [--test]`: compiles a Move package with Chainstep's own compiler
// and writes build/<pkg>/ as `sui move build` does. Prints each diagnostic as `file:line:col: error[code]:
// message` (columns in UTF-16 code units, as editors count) and one summary line. Exit 0 when the build was written, 1 on errors.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { UserError } from '../../core/errors.ts';
import { LineIndex } from '../../../language/text/line-index.ts';
import { parseFlags, type BackendCommand } from '../../core/command-line.ts';
import { ManifestError } from '../../../language/move/manifest.ts';
import type { Diagnostic } from '../../../language/move/diagnostics.ts';
import { buildPackage } from './compile.ts';
import { reportJson, reportLines, runPackageTests } from './test-runner.ts';

export type { CommandIO as MoveCommandIO } from '../../core/command-line.ts';
import type { CommandIO as MoveCommandIO } from '../../core/command-line.ts';

export const MOVE_USAGE =
  'usage: chainstep move build [<package dir>] [--test] [--dependency <name>=<dir>]... | chainstep move test [<package dir>] [<filter>] [--json] [--dependency <name>=<dir>]... [--framework <0x1.bcs>]...';

/** `file:line:col` of a byte offset, the column in UTF-16 code units as editors count them. */
function position(file: string, offset: number): string {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch {
    return `${file}:?`;
  }
  const at = new LineIndex(text).position(offset);
  return `${path.relative(process.cwd(), file) || file}:${at.line}:${at.column}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file ? position(d.file, d.range.start) : '?'}: ${d.severity}[${d.code}]: ${d.message}`;
}

/** `--dependency Name=dir`: a Move.toml dependency taken from a local folder (offline, or a local checkout). */
function dependencyFlags(given: readonly string[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const flag of given) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UserError(`--dependency ${flag}: expected <name>=<package dir>, e.g. Sui=../sui/crates/sui-framework/packages/sui-framework`);
    paths.set(flag.slice(0, eq), path.resolve(flag.slice(eq + 1)));
  }
  return paths;
}

export async function runMoveCommand(argv: readonly string[], io: MoveCommandIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'test') return moveTest(rest, io);
  if (sub !== 'build') throw new UserError(sub === undefined ? MOVE_USAGE : `unknown move command "${sub}" (${MOVE_USAGE})`);
  const { values, positionals } = parseFlags(rest, { test: { type: 'boolean' }, dependency: { type: 'string', multiple: true } }, MOVE_USAGE, true);
  const dir = path.resolve(positionals[0] ?? '.');
  let result;
  try {
    result = buildPackage(dir, { test: values.test, dependencyPaths: dependencyFlags(values.dependency ?? []) });
  } catch (e) {
    if (e instanceof ManifestError) throw new UserError(e.message);
    throw e;
  }
  for (const d of result.diagnostics) (d.severity === 'error' ? io.err : io.out)(formatDiagnostic(d));
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  if (!result.outputDir) {
    io.err(`Build failed: ${errors} error${errors === 1 ? '' : 's'}.`);
    return 1;
  }
  io.out(`Built ${result.units.length} module${result.units.length === 1 ? '' : 's'} into ${path.relative(process.cwd(), result.outputDir) || result.outputDir}`);
  return 0;
}

/** `chainstep move test [<dir>] [<filter>] [--json] [--framework <snapshot.bcs>]...`: exit 1 when a test fails. */
function moveTest(argv: string[], io: MoveCommandIO): number {
  const flags = { framework: { type: 'string', multiple: true }, json: { type: 'boolean' }, dependency: { type: 'string', multiple: true } } as const;
  const { values, positionals } = parseFlags(argv, flags, MOVE_USAGE, true);
  const dir = path.resolve(positionals[0] ?? '.');
  let run;
  try {
    run = runPackageTests(dir, { filter: positionals[1], frameworks: (values.framework ?? []).map((f) => path.resolve(f)), dependencyPaths: dependencyFlags(values.dependency ?? []) });
  } catch (e) {
    if (e instanceof ManifestError) throw new UserError(e.message);
    throw e;
  }
  if (values.json) {
    // Diagnostics go into the JSON too (with positions), so the Test Explorer can show a build failure.
    const diagnostics = run.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, at: formatDiagnostic(d) }));
    io.out(JSON.stringify({ ...reportJson(run), diagnostics }));
    return run.diagnostics.some((d) => d.severity === 'error') || !run.tests.every((t) => t.passed) ? 1 : 0;
  }
  for (const d of run.diagnostics) (d.severity === 'error' ? io.err : io.out)(formatDiagnostic(d));
  if (run.diagnostics.some((d) => d.severity === 'error')) {
    io.err('Build failed: the tests were not run.');
    return 1;
  }
  for (const line of reportLines(run)) io.out(line);
  return run.tests.every((t) => t.passed) ? 0 : 1;
}

/** `chainstep move build|test`, as the Move backend brings it to the command line. */
export const moveCommand: BackendCommand = {
  name: 'move',
  help: `  chainstep move build [<package dir>] [--test] [--dependency <name>=<dir>]...
      Compile a Move package (Move.toml, local and git dependencies) with Chainstep's own compiler and write
      build/<package>/ (bytecode_modules, debug_info, sources) as \`sui move build\` does. Git dependencies
      are fetched once into the Move toolchain's cache ($MOVE_HOME, default ~/.move); --dependency takes one
      from a local folder instead. Errors are printed as file:line:col: error[code]: message; exit code 1
      when the package has errors.

  chainstep move test [<package dir>] [<filter>] [--json] [--dependency <name>=<dir>]... [--framework <0x1.bcs>]...
      Compile the package and its dependencies in test mode and run every #[test] (whose name contains
      <filter>) in Chainstep's interpreter with the test natives (test_scenario, test_utils, debug::print),
      printing [ PASS    ] / [ FAIL    ] lines (failures with the abort code, its constant and source
      location) and the Test result summary as \`sui move test\` does; exit code 1 when a test fails.
      --json prints one JSON object instead: tests (name, status pass|fail|cannot-run, reason, source
      position, abort with code/constant/location, output) and a summary. --dependency as for build;
      --framework adds bytecode for dependency modules that are not compiled from source.
`,
  run: (argv, io) => runMoveCommand(argv, io),
};
