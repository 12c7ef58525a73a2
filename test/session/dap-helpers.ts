// Shared helpers for DAP tests: a session served in-process over TCP (for backends defined in the test),
// the launch handshake, and collecting output.

import * as net from 'node:net';
import * as path from 'node:path';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Backend } from '../../debug-adapter/core/execution.ts';
import { ChainstepSession } from '../../debug-adapter/session/session.ts';

export interface Served {
  readonly dc: DebugClient;
  readonly output: string[];
  close(): Promise<void>;
}

/** A ChainstepSession over the given backends, one per connection, and a connected client. */
export async function serve(backends: readonly Backend[], options: ConstructorParameters<typeof ChainstepSession>[1] = {}): Promise<Served> {
  const server = net.createServer((socket) => {
    const session = new ChainstepSession(backends, options);
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const dc = new DebugClient('node', 'unused', 'chainstep');
  await dc.start(port);
  const output = collectOutput(dc);
  return {
    dc,
    output,
    async close() {
      await dc.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function collectOutput(dc: DebugClient): string[] {
  const output: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  return output;
}

/**
 * The launch handshake as VS Code does it: initialize, launch, and once the adapter says `initialized`
 * (after recording), the configuration (`configure`), then configurationDone. Resolves with the launch
 * response; rejects with the launch error.
 */
export async function launch(
  dc: DebugClient,
  config: Record<string, unknown>,
  configure: () => Promise<unknown> = async () => {},
): Promise<DebugProtocol.LaunchResponse> {
  await dc.initializeRequest({ adapterID: 'chainstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsProgressReporting: true });
  const launched = dc.launchRequest(config as DebugProtocol.LaunchRequestArguments);
  const initialized = nextEvent(dc, 'initialized');
  const first = await Promise.race([launched.then(() => 'launched' as const), initialized.then(() => 'initialized' as const)]);
  if (first === 'initialized') {
    await configure();
    await dc.configurationDoneRequest();
  }
  return launched;
}

/** The line and frame name of the innermost frame at the current stop. */
export async function where(dc: DebugClient): Promise<{ line: number; name: string; path?: string; frames: DebugProtocol.StackFrame[] }> {
  const trace = await dc.stackTraceRequest({ threadId: 1 });
  const top = trace.body.stackFrames[0]!;
  return { line: top.line, name: top.name, ...(top.source?.path ? { path: top.source.path } : {}), frames: trace.body.stackFrames };
}

/** Sends a stepping request and waits for the stop it causes. */
export async function move(
  dc: DebugClient,
  request: (args: { threadId: number }) => Promise<unknown>,
  reason?: string,
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
  await request({ threadId: 1 });
  const event = await stopped;
  if (reason) {
    if (event.body.reason !== reason) throw new Error(`expected a stop for ${reason}, got ${event.body.reason}`);
  }
  return event;
}

/** The next event of a type, without a timer (the test runner bounds the test). */
export function nextEvent(dc: DebugClient, type: string): Promise<DebugProtocol.Event> {
  return new Promise((resolve) => dc.once(type, resolve));
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A DebugClient talking to `node bin/chainstep.js dap` over its stdio. */
export class AdapterClient extends DebugClient {
  readonly process: ChildProcessWithoutNullStreams;
  stderr = '';
  /** `dapArgs`: what follows `chainstep dap` (the extension names the program it launches). */
  constructor(dapArgs: readonly string[] = []) {
    super('node', 'unused', 'chainstep');
    this.process = spawn(process.execPath, [path.join(repoRoot, 'bin/chainstep.js'), 'dap', ...dapArgs], {
      cwd: repoRoot,
      env: { ...process.env, CHAINSTEP_FROM_SOURCE: '1' },
    });
    this.process.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connect(this.process.stdout, this.process.stdin);
  }
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    try {
      await this.disconnectRequest({});
    } catch {
      // already gone
    }
    this.process.kill();
    await exited;
  }
}
