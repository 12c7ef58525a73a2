// An independent run of a sample call in plain @ethereumjs/evm (compiled here with solc-js, no Chainstep
// code involved), recording what the EVM had at each step of the call: the reference the DAP tests compare
// the adapter's raw views against.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { createEVM } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString } from '@ethereumjs/util';
import { encodeDeployData, encodeFunctionData, hexToBytes, type Abi } from 'viem';

const require = createRequire(import.meta.url);
const solc = require('solc') as { compile(input: string): string };

export interface IndependentStep {
  readonly pc: number;
  readonly depth: number;
  readonly opcode: string;
  /** Bottom first, as the EVM holds it. */
  readonly stack: readonly bigint[];
  readonly memory: Uint8Array;
}

const DEPLOYER = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';

/** Deploys `contract` from `file`, deposits `deposit` wei, then records withdraw(`withdraw`). */
export async function independentRun(
  file: string,
  contract: string,
  call: { constructorArgs: readonly bigint[]; deposit: bigint; withdraw: bigint },
): Promise<{ steps: IndependentStep[] }> {
  const name = path.basename(file);
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { [name]: { content: readFileSync(file, 'utf8') } },
        settings: { optimizer: { enabled: false }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  ) as { contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>> };
  const compiled = output.contracts[name]![contract]!;
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const evm = await createEVM({ common, stateManager: new SimpleStateManager() });
  const sender = createAddressFromString(DEPLOYER);
  await evm.stateManager.putAccount(sender, new Account(0n, 10n ** 22n));
  const run = (to: ReturnType<typeof createAddressFromString> | undefined, data: `0x${string}`, value = 0n) =>
    evm.runCall({ caller: sender, origin: sender, to, data: hexToBytes(data), value, gasLimit: 30_000_000n, gasPrice: 0n });

  const deployed = await run(
    undefined,
    encodeDeployData({ abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}`, args: [...call.constructorArgs] }),
  );
  const address = deployed.createdAddress!;
  await run(address, encodeFunctionData({ abi: compiled.abi, functionName: 'deposit', args: [] }), call.deposit);

  const steps: IndependentStep[] = [];
  evm.events!.on('step', (s, resolve) => {
    steps.push({ pc: s.pc, depth: s.depth, opcode: s.opcode.name, stack: [...s.stack], memory: Uint8Array.from(s.memory) });
    resolve?.();
  });
  await run(address, encodeFunctionData({ abi: compiled.abi, functionName: 'withdraw', args: [call.withdraw] }));
  return { steps };
}
