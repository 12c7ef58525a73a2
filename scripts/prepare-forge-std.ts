// Before the tests (`npm run test:all`): builds the writable copy of forge-std with real forge once, so the
// forge-std agreement tests find forge's out/ cached instead of each building it within its time limit.
// Never fails the run: without forge or the fixture the tests themselves skip with a message.
import { prepareForgeStd } from '../test/foundry/forge-std-agreement.ts';

const started = Date.now();
console.log(`prepare-forge-std: ${prepareForgeStd()} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
