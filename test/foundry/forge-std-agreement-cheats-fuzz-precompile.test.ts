// forge-std's testFuzz_AssumeNotPrecompile against real forge test (see forge-std-agreement.ts). Each run sets
// up StdChains (~10M gas), so both runners take 64 runs instead of 256 to stay within the per-file time limit.
import { agreementTest } from './forge-std-agreement.ts';

agreementTest('StdCheats testFuzz_AssumeNotPrecompile', { match: '^StdCheats', matchTest: '^testFuzz_AssumeNotPrecompile', fuzzRuns: 64 }, 1, 1);
