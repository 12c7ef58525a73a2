// forge-std's suites other than StdCheats against real forge test (see forge-std-agreement.ts).
import { agreementTest } from './forge-std-agreement.ts';

agreementTest('all but StdCheats', { noMatch: '^StdCheats' }, 80, 80);
