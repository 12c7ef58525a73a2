// A Move launch run to its end over DAP, continuing past every stop: the stops it made, everything it
// printed, and the launch error if it failed to start. For tests that compare whole runs.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, nextEvent, serve } from '../../session/dap-helpers.ts';
import { backends } from '../../../debug-adapter/cli/backends.ts';

export interface RunToEnd {
  readonly stops: string[];
  readonly output: string;
  readonly error?: string;
}

export async function runToEnd(config: Record<string, unknown>): Promise<RunToEnd> {
  const served = await serve(backends);
  const { dc } = served;
  const stops: string[] = [];
  dc.on('stopped', (e: DebugProtocol.StoppedEvent) => {
    stops.push(`${e.body.reason}: ${e.body.text ?? ''}`);
    void dc.continueRequest({ threadId: 1 }).catch(() => undefined);
  });
  try {
    const ended = nextEvent(dc, 'terminated');
    try {
      await launch(dc, { type: 'chainstep', request: 'launch', ...config });
    } catch (e) {
      return { stops, output: served.output.join(''), error: (e as Error).message };
    }
    await ended;
    return { stops, output: served.output.join('') };
  } finally {
    await served.close();
  }
}
