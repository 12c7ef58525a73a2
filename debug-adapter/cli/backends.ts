// The VM backends the command line (and so the extension's adapter process) debugs with. The only place
// that names backends: add a VM here. Each backend's `accepts` decides by the launch configuration
// (a .sol file or Solidity folder; a Move build or package folder); the first that accepts wins.

import type { Backend } from '../core/execution.ts';
import { evmBackend } from '../evm/backend.ts';
import { moveBackend } from '../move/backend.ts';

export const backends: readonly Backend[] = [evmBackend, moveBackend];
