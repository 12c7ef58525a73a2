// forge-std's StdCheats unit tests against real forge test (see forge-std-agreement.ts).
import { agreementTest } from './forge-std-agreement.ts';

agreementTest('StdCheats unit tests', { match: '^StdCheats', matchTest: '^test_' }, 45, 45);
