// `chainstep test <project> [--match-test RE] [--match-contract RE] [--no-match-test RE] [--json]`: runs a
// Foundry project's tests in our EVM as `forge test` does and prints forge's lines (or forge's --json shape).
// Artifacts come from the project's out/ when it is newer than every source; otherwise each test file is
// compiled with the bundled compiler and the project's remappings.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { parseFlags, type BackendCommand } from '../../core/command-line.ts';
import { compile } from '../../../language/solidity/compile.ts';
import { artifactsOf, launchFoundryTest } from './launch.ts';
import { RECORDING_EXTENSION, writeRecordingFile } from '../../core/recording-file.ts';
import { findFoundryRoot, loadFoundryConfig, newestSource, readArtifacts, type FoundryArtifact, type FoundryConfig } from './project.ts';
import { runSuite, testContracts, type SuiteResult, type TestResult } from './runner.ts';
import { failureLocation, type FailureLocation } from './failure-location.ts';

export const TEST_HELP = `  chainstep test [<Foundry project>] [--match-test <regex>] [--match-contract <regex>] [--no-match-test <regex>]
          [--fuzz-seed <n>] [--json] [--save-recording <folder>]
      Run the project's Foundry tests in Chainstep's EVM, as \`forge test\` does (same sender, addresses,
      balances, block, cheatcodes and gas figures), printing forge's [PASS]/[FAIL: reason] lines and a
      summary; exits 1 when a test fails. --json prints forge's JSON shape (suite id -> test_results).
      --save-recording saves each failing test's recording to <folder>/<Contract>.<test>.chainstep (a CI
      artifact: \`chainstep debug --recording <file>\` or the launch field "recording" opens it offline).
`;

function regex(flag: string, text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (e) {
    throw new UserError(`--${flag}: not a regular expression: ${(e as Error).message}`);
  }
}

/** Artifacts to run: forge's out/ when fresh, else our own compilation of each test file. */
export function projectArtifacts(foundry: FoundryConfig, say: (line: string) => void = () => {}): FoundryArtifact[] {
  const fromOut = readArtifacts(foundry);
  let outTime = 0;
  try { outTime = statSync(join(foundry.root, foundry.out)).mtimeMs; } catch { /* no out/ */ }
  if (fromOut.length > 0 && outTime >= newestSource(foundry)) return fromOut;
  say(`Compiling the test files of ${foundry.root} with the bundled solc (no fresh out/ from forge build)...`);
  const files: string[] = [];
  const walk = (d: string): void => {
    let entries: string[] = [];
    try { entries = readdirSync(d).sort(); } catch { return; }
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p); else if (e.endsWith('.sol')) files.push(p);
    }
  };
  walk(join(foundry.root, foundry.test));
  const seen = new Map<string, FoundryArtifact>();
  for (const f of files) {
    const project = compile({ program: relative(foundry.root, f).split(sep).join('/'), cwd: foundry.root, remappings: foundry.remappings, optimizer: foundry.raw.optimizer === true });
    for (const a of artifactsOf(project)) seen.set(`${a.sourceUnit}:${a.name}`, a);
  }
  return [...seen.values()];
}

const gasText = (t: TestResult): string => t.fuzz ? `(runs: ${t.fuzz.runs}, μ: ${t.fuzz.mean}, ~: ${t.fuzz.median})` : t.gas !== undefined ? `(gas: ${t.gas})` : '';

/** One forge-style line for a test. */
export function testLine(t: TestResult): string {
  if (t.status === 'Skipped') return `[SKIP] ${t.signature}`;
  if (t.status === 'Success') return `[PASS] ${t.signature} ${gasText(t)}`.trimEnd();
  const counter = t.counterexample ? `; counterexample: calldata=${t.counterexample.calldata} args=[${t.counterexample.args.map(String).join(', ')}]` : '';
  return `[FAIL${t.reason !== undefined || counter ? `: ${t.reason ?? ''}${counter}` : ''}] ${t.signature} ${gasText(t)}`.trimEnd();
}

/**
 * forge's --json shape for one suite, plus (ours) where in the test file a failure happened and `recording`:
 * the file a failing test was saved to, or null.
 */
function suiteJson(s: SuiteResult, locations: ReadonlyMap<TestResult, FailureLocation>, recordings: ReadonlyMap<TestResult, string>): unknown {
  return {
    duration: `${s.durationMs.toFixed(2)}ms`,
    test_results: Object.fromEntries(s.tests.map((t) => [t.signature, {
      recording: recordings.get(t) ?? null,
      status: t.status, reason: t.reason ?? null,
      counterexample: t.counterexample ? { Single: { calldata: t.counterexample.calldata, args: t.counterexample.args.map(String).join(', ') } } : null,
      logs: [], decoded_logs: t.logs,
      kind: t.fuzz ? { Fuzz: { runs: t.fuzz.runs, mean_gas: Number(t.fuzz.mean), median_gas: Number(t.fuzz.median) } } : { Unit: { gas: Number(t.gas ?? 0n) } },
      ...(locations.has(t) ? { location: locations.get(t) } : {}),
    }])),
  };
}

export async function runTestCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    'match-test': { type: 'string' }, 'match-contract': { type: 'string' }, 'no-match-test': { type: 'string' },
    'fuzz-seed': { type: 'string' }, json: { type: 'boolean' }, 'save-recording': { type: 'string' },
  }, `usage:\n${TEST_HELP}`, true);
  const start = resolve(positionals[0] ?? '.');
  const root = findFoundryRoot(start);
  if (!root) throw new UserError(`no foundry.toml at or above ${start}`);
  const foundry = loadFoundryConfig(root);
  const say = values.json ? () => {} : out;
  const all = projectArtifacts(foundry, say);
  const matchContract = regex('match-contract', values['match-contract']);
  const seedText = values['fuzz-seed'];
  if (seedText !== undefined && !/^(0x[0-9a-fA-F]+|\d+)$/.test(seedText)) throw new UserError(`--fuzz-seed: expected a number, got ${seedText}`);
  const options = {
    matchTest: regex('match-test', values['match-test']), noMatchTest: regex('no-match-test', values['no-match-test']),
    fuzzSeed: seedText === undefined ? undefined : BigInt(seedText),
  };
  const started = performance.now();
  const suites: SuiteResult[] = [];
  for (const artifact of testContracts(foundry, all)) {
    if (matchContract && !matchContract.test(artifact.name)) continue;
    const suite = await runSuite(foundry, artifact, all, options);
    if (suite.tests.length === 0) continue;
    suites.push(suite);
    if (values.json) continue;
    const failed = suite.tests.filter((t) => t.status === 'Failure').length;
    const passed = suite.tests.filter((t) => t.status === 'Success').length;
    const skipped = suite.tests.length - failed - passed;
    say('');
    say(`Ran ${suite.tests.length} test${suite.tests.length === 1 ? '' : 's'} for ${suite.id}`);
    for (const t of suite.tests) {
      say(testLine(t));
      if (t.status === 'Failure' && t.logs.length > 0) { say('Logs:'); for (const l of t.logs) say(`  ${l}`); }
    }
    say(`Suite result: ${failed > 0 ? 'FAILED' : 'ok'}. ${passed} passed; ${failed} failed; ${skipped} skipped; finished in ${suite.durationMs.toFixed(2)}ms`);
  }
  const tests = suites.flatMap((s) => s.tests);
  const failed = tests.filter((t) => t.status === 'Failure').length;
  const recordings = values['save-recording'] === undefined ? new Map<TestResult, string>() : await saveFailures(root, suites, resolve(values['save-recording']), say);
  if (values.json) {
    const locations = new Map<TestResult, FailureLocation>();
    for (const s of suites) {
      for (const t of s.tests) {
        // A fuzz failure is located with the debugger's seed and runs, so only unit tests are placed.
        if (t.status !== 'Failure' || t.fuzz) continue;
        const at = await failureLocation(foundry.root, s.contract, t.name, s.sourceUnit);
        if (at) locations.set(t, at);
      }
    }
    out(JSON.stringify(Object.fromEntries(suites.map((s) => [s.id, suiteJson(s, locations, recordings)]))));
  } else {
    const passed = tests.filter((t) => t.status === 'Success').length;
    say('');
    say(`Ran ${suites.length} test suite${suites.length === 1 ? '' : 's'} in ${(performance.now() - started).toFixed(2)}ms: ${passed} tests passed, ${failed} failed, ${tests.length - passed - failed} skipped (${tests.length} total tests)`);
    if (tests.length === 0) say('No tests match the provided pattern');
  }
  return failed > 0 ? 1 : 0;
}

/**
 * Records each failing test again for the debugger (as the "Debug test" lens does) and saves it to
 * `<folder>/<Contract>.<test>.chainstep`; returns the file of each test saved.
 */
async function saveFailures(root: string, suites: readonly SuiteResult[], folder: string, say: (line: string) => void): Promise<Map<TestResult, string>> {
  const saved = new Map<TestResult, string>();
  for (const suite of suites) {
    const contract = suite.id.slice(suite.id.lastIndexOf(':') + 1);
    for (const t of suite.tests) {
      if (t.status !== 'Failure') continue;
      const test = `${contract}.${t.signature.slice(0, t.signature.indexOf('('))}`;
      const execution = await launchFoundryTest({ program: root, test }, () => {}, new AbortController().signal);
      const file = join(folder, `${test}${RECORDING_EXTENSION}`);
      const bytes = writeRecordingFile(file, execution.vm, execution.stepCount, execution.saveRecording());
      say(`Saved the recording of ${test} to ${file} (${bytes} bytes, ${execution.stepCount} steps)`);
      saved.set(t, file);
    }
  }
  return saved;
}

/** `chainstep test`, as the EVM backend brings it to the command line. */
export const foundryTestCommand: BackendCommand = {
  name: 'test',
  help: TEST_HELP,
  run: (argv, io) => (argv.includes('-h') || argv.includes('--help') ? (io.out(TEST_HELP.trimEnd()), Promise.resolve(0)) : runTestCommand(argv, io.out)),
};
