// forge-std's StdCheats fuzz tests against real forge test (see forge-std-agreement.ts).
import { agreementTest } from './forge-std-agreement.ts';

agreementTest('StdCheats fuzz tests', { match: '^StdCheats', matchTest: '^testFuzz_' }, 6, 6);
