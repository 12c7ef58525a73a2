// The measure of issue 8's Foundry test runner: forge-std's own test suite, run by real `forge test` (the
// oracle) and by Chainstep's runner on the same writable copy and the same out/ artifacts (forge builds
// them in the temp copy, kept between runs). Every test that needs no network must have the same verdict,
// and every passing unit test the same gas. The count that agrees is printed; the assertion holds it at
// least at the figure measured when this was written, so a regression fails. The suite is checked in two
// test files (StdCheats' unit tests, its fuzz tests, and the rest) so each stays within the runner's per-file time limit.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadFoundryConfig, readArtifacts } from '../../debug-adapter/evm/foundry/project.ts';
import { runSuite, testContracts } from '../../debug-adapter/evm/foundry/runner.ts';
import { root } from '../session/dap-issue3-helpers.ts';
import { FORGE, FORGE_STD, forgeStdPresent, SKIP_FORGE_STD, SKIP_FOUNDRY, SOLC_SHIM } from '../support/foundry-tools.ts';

/** Needs a live RPC fork (forge fails it offline too; the recipe leaves it out). */
const NETWORK_ONLY = /^test_loadConfigAndForks$/;

function makeWritable(dir: string): void {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    const st = statSync(p);
    chmodSync(p, st.mode | 0o200);
    if (st.isDirectory()) makeWritable(p);
  }
}

/**
 * A writable copy of the fixture in the temp folder, kept between runs (named by the fixture's files, sizes
 * and times): forge's out/ and cache/ there make later runs take seconds instead of a full solc-js build.
 */
function writableCopy(): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p); else h.update(`${path.relative(FORGE_STD, p)}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  walk(FORGE_STD);
  const dir = path.join(tmpdir(), `chainstep-forge-std-${h.digest('hex').slice(0, 16)}`);
  if (!existsSync(path.join(dir, 'foundry.toml'))) {
    const staging = mkdtempSync(`${dir}-`);
    cpSync(FORGE_STD, staging, { recursive: true });
    makeWritable(staging);
    renameSync(staging, dir);
  }
  return dir;
}

/** forge's environment for the copy: offline, with the solc-js shim and the solc-js release it loads. */
function forgeEnv(): NodeJS.ProcessEnv {
  return { ...process.env, FOUNDRY_OFFLINE: 'true', SOLC_JS_DIR: path.join(root, 'node_modules/solc-0.8.30') };
}

/**
 * Builds the copy with forge once, without the per-test time limit (`npm run test:all` calls this through
 * scripts/prepare-forge-std.ts before the tests): a clean solc-js build of forge-std takes over a minute, and
 * the agreement tests, two at a time, would otherwise both build it within their limit.
 */
export function prepareForgeStd(): string {
  if (!forgeStdPresent) return SKIP_FORGE_STD;
  if (!FORGE) return SKIP_FOUNDRY;
  const dir = writableCopy();
  const built = spawnSync(FORGE, ['build', '--use', SOLC_SHIM], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, env: forgeEnv() });
  return built.status === 0 ? `forge-std built in ${dir}` : `forge build failed in ${dir}: ${(built.stderr || built.stdout).slice(-2000)}`;
}

interface ForgeTest { status: string; reason: string | null; kind: { Unit?: { gas: number }; Fuzz?: { runs: number } } }

/**
 * Compares the suites whose contract name matches `contracts`; `agreedAtLeast` is the count that agreed
 * when this was written (README "Foundry tests"): raise it as cheatcodes are added.
 */
export function agreementTest(part: string, contracts: { readonly match?: string; readonly noMatch?: string; readonly matchTest?: string; readonly fuzzRuns?: number }, agreedAtLeast: number, forgeTests: number): void {
const selected = (name: string): boolean => (!contracts.match || new RegExp(contracts.match).test(name)) && !(contracts.noMatch && new RegExp(contracts.noMatch).test(name));
const forgeFilter = [
  ...(contracts.match ? ['--match-contract', contracts.match] : contracts.noMatch ? ['--no-match-contract', contracts.noMatch] : []),
  ...(contracts.matchTest ? ['--match-test', contracts.matchTest] : []),
];
test(`forge-std's own suite (${part}): chainstep test agrees with forge test (verdicts, and gas of passing unit tests)`, {
  skip: (!forgeStdPresent && SKIP_FORGE_STD) || (!FORGE && SKIP_FOUNDRY),
}, async (t) => {
  const dir = writableCopy();
  t.diagnostic(`forge-std copy (forge's out/ cached here between runs): ${dir}`);
  const forge = spawnSync(FORGE!, ['test', '--use', SOLC_SHIM, '--no-match-test', NETWORK_ONLY.source.slice(1, -1), ...forgeFilter, '--json'], {
    cwd: dir, encoding: 'utf8', timeout: 230_000, maxBuffer: 64 << 20,
    env: { ...forgeEnv(), ...(contracts.fuzzRuns ? { FOUNDRY_FUZZ_RUNS: String(contracts.fuzzRuns) } : {}) },
  });
  assert.ok(forge.stdout.trim().startsWith('{'), forge.error
    ? `forge test did not finish (${forge.error.message}): a clean build of forge-std with solc-js takes minutes on a busy machine; it is cached in ${dir}, so the next run is fast`
    : `forge test --json: ${forge.stderr.slice(-2000)}`);
  const oracle = JSON.parse(forge.stdout) as Record<string, { test_results: Record<string, ForgeTest> }>;

  const loaded = loadFoundryConfig(dir);
  // Both runners take the same number of fuzz runs (forge from FOUNDRY_FUZZ_RUNS).
  const config = contracts.fuzzRuns ? { ...loaded, fuzzRuns: contracts.fuzzRuns } : loaded;
  const artifacts = readArtifacts(config);
  let total = 0, agreed = 0, gasCompared = 0;
  const disagreements: string[] = [];
  for (const [id, suite] of Object.entries(oracle)) for (const _ of Object.keys(suite.test_results)) total++;
  for (const artifact of testContracts(config, artifacts).filter((a) => selected(a.name))) {
    const ours = await runSuite(config, artifact, artifacts, { noMatchTest: NETWORK_ONLY, matchTest: contracts.matchTest ? new RegExp(contracts.matchTest) : undefined });
    const theirs = oracle[ours.id]?.test_results ?? {};
    const seen = new Set<string>();
    for (const r of ours.tests) {
      seen.add(r.signature);
      const f = theirs[r.signature];
      if (!f) { disagreements.push(`${ours.id} ${r.signature}: forge did not run it`); continue; }
      const sameVerdict = f.status === r.status;
      const gas = f.kind.Unit?.gas;
      const sameGas = f.status !== 'Success' || gas === undefined || BigInt(gas) === r.gas;
      if (gas !== undefined && f.status === 'Success' && sameVerdict && sameGas) gasCompared++;
      if (sameVerdict && sameGas) agreed++;
      else disagreements.push(`${ours.id} ${r.signature}: ours ${r.status}${r.reason ? ` (${r.reason})` : ''} gas ${r.gas ?? '-'}; forge ${f.status} gas ${gas ?? '-'}`);
    }
    for (const sig of Object.keys(theirs)) if (!seen.has(sig)) disagreements.push(`${ours.id} ${sig}: not run by Chainstep`);
  }
  t.diagnostic(`forge-std (${part}): ${agreed} of ${total} tests agree with forge test (same verdict; same gas for ${gasCompared} passing unit tests)`);
  for (const d of disagreements) t.diagnostic(`differs: ${d}`);
  assert.ok(total >= forgeTests, `forge ran ${total} tests (expected ${forgeTests})`);
  assert.ok(agreed >= agreedAtLeast, `${agreed} of ${total} agree (expected at least ${agreedAtLeast})`);
});
}
