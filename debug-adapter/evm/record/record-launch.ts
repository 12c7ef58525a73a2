// Recording the debugged call of a launch: progress shown as steps and gas spent, cancellation and the step
// limit of the launch configuration, a cancelled recording turned into the launch's "cancelled".
import type { EVM } from '@ethereumjs/evm';
import { UserError } from '../../core/errors.ts';
import type { Progress } from '../../core/execution.ts';
import { Cancelled, record } from './recorder.ts';
import type { Recording } from './recording.ts';

export async function recordLaunchCall(
  evm: EVM, run: () => Promise<unknown>, o: { cancel: AbortSignal; maxSteps: number; gasLimit: bigint; progress: Progress },
): Promise<Recording> {
  try {
    const recorded = await record(evm, run, {
      cancel: o.cancel,
      maxSteps: o.maxSteps,
      onProgress: (steps, gasLeft) => o.progress(`Recording: ${(steps / 1e6).toFixed(1)}M steps`, 0.3 + 0.6 * Number(o.gasLimit - gasLeft) / Number(o.gasLimit)),
    });
    return recorded.recording;
  } catch (e) {
    if (e instanceof Cancelled) throw new UserError('cancelled');
    throw e;
  }
}
