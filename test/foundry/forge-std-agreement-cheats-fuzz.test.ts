// forge-std's StdCheats fuzz tests against real forge test (see forge-std-agreement.ts), but for
// testFuzz_AssumeNotPrecompile, which has its own file: each of its 256 runs sets up StdChains (~10M gas),
// which alone takes minutes of the per-file limit on a loaded machine.
import { agreementTest } from './forge-std-agreement.ts';

agreementTest('StdCheats fuzz tests but AssumeNotPrecompile', { match: '^StdCheats', matchTest: '^testFuzz_Assume(AddressIsNot|NotForgeAddress|NotBlacklisted)' }, 5, 5);
