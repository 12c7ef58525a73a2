// Locates the real Foundry binaries (installed by scripts/install-foundry.sh outside the repository) and the
// shared Foundry fixtures, for tests that compare Chainstep against forge and anvil. Tests skip with
// SKIP_* messages when they are absent (a machine without the tools or without ../shared).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const toolsDir = process.env.CHAINSTEP_FOUNDRY_TOOLS ?? join(homedir(), '.cache/chainstep-foundry');

function tool(name: 'forge' | 'anvil' | 'cast'): string | undefined {
  const path = join(toolsDir, 'node_modules/@foundry-rs', `${name}-linux-amd64`, 'bin', name);
  return existsSync(path) ? path : undefined;
}

export const FORGE = tool('forge');
export const ANVIL = tool('anvil');
export const CAST = tool('cast');
export const SKIP_FOUNDRY = `Foundry binaries not found under ${toolsDir} (run scripts/install-foundry.sh)`;

export const SHARED = resolve(repoRoot, '../shared');
export const FORGE_STD = join(SHARED, 'fixtures/foundry/forge-std');
export const forgeStdPresent = existsSync(join(FORGE_STD, 'src/Test.sol'));
export const SKIP_FORGE_STD = `forge-std fixture not found at ${FORGE_STD}`;
/** The verified solc-js stand-in that forge calls as its compiler (see ../shared/recipes). */
export const SOLC_SHIM = join(SHARED, 'recipes/solc-shim.js');
