// The VM backends the command line (and so the extension's adapter process) debugs with. The only place
// that names backends: add a VM here.

import type { Backend } from '../core/execution.ts';
import { evmBackend } from '../evm/backend.ts';
import { moveBackend } from '../move/backend.ts';

export const backends: readonly Backend[] = [evmBackend, moveBackend];
