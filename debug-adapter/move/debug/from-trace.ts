// A Sui trace file (with its package's build output) as a MoveExecution.
import type { LoadedPackage } from '../package/load-package.ts';
import type { Trace } from '../trace/format.ts';
import { CodeTable } from './code.ts';
import { MoveExecution } from './execution.ts';
import { RecordingBuilder, type MoveRecording } from './recording.ts';

/** Feeds every event of a trace to a recording. */
export function recordTrace(trace: Trace): MoveRecording {
  const builder = new RecordingBuilder({ resync: true });
  for (const event of trace.events) builder.add(event);
  return builder.finish();
}

export function executionFromTrace(trace: Trace, pkg: LoadedPackage | undefined): MoveExecution {
  return new MoveExecution(recordTrace(trace), new CodeTable(pkg));
}
