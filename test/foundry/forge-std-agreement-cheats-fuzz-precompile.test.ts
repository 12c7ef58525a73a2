// forge-std's testFuzz_AssumeNotPrecompile against real forge test (see forge-std-agreement.ts).
import { agreementTest } from './forge-std-agreement.ts';

agreementTest('StdCheats testFuzz_AssumeNotPrecompile', { match: '^StdCheats', matchTest: '^testFuzz_AssumeNotPrecompile' }, 1, 1);
