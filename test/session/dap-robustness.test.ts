// An adapter nothing can knock over (issue 7, item 16): malformed frames, bodies that are not requests,
// requests with missing or mistyped arguments, requests DAP has but Chainstep does not do, a second launch,
// and a fuzz run of random messages in any order. After each, the adapter must still answer.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Backend } from '../../debug-adapter/core/execution.ts';
import { ChainstepSession } from '../../debug-adapter/session/session.ts';
import { evmBackend } from '../../debug-adapter/evm/backend.ts';
import { moveBackend } from '../../debug-adapter/move/backend.ts';
import { fakeBackend } from './fake-vm.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A DAP peer that writes raw bytes, and reads what the adapter sends with a parser of its own. */
class RawPeer {
  private buffer = Buffer.alloc(0);
  private seq = 1000;
  readonly messages: DebugProtocol.ProtocolMessage[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly out: Writable,
    input: Readable,
  ) {
    input.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) break;
        const length = Number(/Content-Length: (\d+)/.exec(this.buffer.toString('latin1', 0, end))![1]);
        if (this.buffer.length < end + 4 + length) break;
        this.messages.push(JSON.parse(this.buffer.toString('utf8', end + 4, end + 4 + length)));
        this.buffer = this.buffer.subarray(end + 4 + length);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  raw(bytes: string | Buffer): void {
    this.out.write(bytes);
  }

  frame(body: string): void {
    this.raw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  /** Sends a request and waits for its response (success or not). */
  async request(command: string, args?: unknown, timeout = 10_000): Promise<DebugProtocol.Response> {
    const seq = ++this.seq;
    this.frame(JSON.stringify({ seq, type: 'request', command, ...(args !== undefined ? { arguments: args } : {}) }));
    return this.waitFor((m): m is DebugProtocol.Response => m.type === 'response' && (m as DebugProtocol.Response).request_seq === seq, timeout, command);
  }

  async waitFor<T extends DebugProtocol.ProtocolMessage>(match: (m: DebugProtocol.ProtocolMessage) => m is T, timeout: number, what: string): Promise<T> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no answer to ${what} within ${timeout} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  outputs(): string[] {
    return this.messages.filter((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'output').map((m) => (m as DebugProtocol.OutputEvent).body.output);
  }

  /** The adapter answers a plain request: it is alive and its reading is in step. */
  async alive(): Promise<void> {
    const r = await this.request('threads', {});
    assert.equal(r.success, true, JSON.stringify(r));
  }
}

/** A session in this process over a socket, and a raw peer on the other end. */
async function inProcess(backends: readonly Backend[]): Promise<{ peer: RawPeer; close(): Promise<void> }> {
  let socketOfServer: net.Socket | undefined;
  const server = net.createServer((socket) => {
    socketOfServer = socket;
    const session = new ChainstepSession(backends);
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    peer: new RawPeer(socket, socket),
    async close() {
      socket.destroy();
      socketOfServer?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The real adapter process (`chainstep dap`), as VS Code starts it. */
function adapterProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'debug-adapter/cli/main.ts'), 'dap'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  return { child, peer: new RawPeer(child.stdin, child.stdout), exited: () => exited };
}

test('the adapter process keeps answering after bodies that are not JSON, null, and broken Content-Length headers', async () => {
  const { child, peer, exited } = adapterProcess();
  try {
    const init = await peer.request('initialize', { adapterID: 'chainstep', pathFormat: 'path' }, 60_000);
    assert.equal(init.success, true);
    peer.frame('this is not json');
    await peer.alive();
    peer.frame('null');
    await peer.alive();
    peer.frame('[1, 2, 3]');
    await peer.alive();
    peer.raw('Content-Length: abc\r\n\r\n');
    await peer.alive();
    peer.raw('Content-Length: -5\r\n\r\n');
    await peer.alive();
    peer.raw('Content-Length: 99999999999999\r\n\r\n');
    await peer.alive();
    // A length larger than its message, then one smaller: both messages still arrive.
    const big = JSON.stringify({ seq: 1, type: 'request', command: 'threads' });
    peer.raw(`Content-Length: ${big.length + 50}\r\n\r\n${big}`);
    await peer.alive();
    peer.raw(`Content-Length: ${big.length - 10}\r\n\r\n${big}`);
    await peer.alive();
    peer.raw('garbage without any header at all\r\n\r\n');
    await peer.alive();
    assert.equal(exited(), undefined, 'the adapter is still running');
    const said = peer.outputs().join('');
    assert.match(said, /not JSON/);
    assert.match(said, /not a DAP request/);
    assert.match(said, /invalid Content-Length/);
    // Both mis-sized messages were answered as requests (seq 1), not dropped.
    const answered = peer.messages.filter((m) => m.type === 'response' && (m as DebugProtocol.Response).request_seq === 1);
    assert.equal(answered.length, 2);
  } finally {
    child.kill();
  }
});

test('initialize without pathFormat is accepted (DAP: "path" is the default)', async () => {
  const { peer, close } = await inProcess([fakeBackend]);
  try {
    const r = await peer.request('initialize', { adapterID: 'chainstep' });
    assert.equal(r.success, true, r.message);
    assert.ok((r.body as DebugProtocol.Capabilities).supportsStepBack);
  } finally {
    await close();
  }
});

test('requests with missing or mistyped arguments get an error naming the field, not an internal error', async () => {
  const { peer, close } = await inProcess([fakeBackend]);
  try {
    await peer.request('initialize', { adapterID: 'chainstep' });
    const cases: [string, unknown, RegExp][] = [
      ['setBreakpoints', { breakpoints: [{ line: 3 }] }, /setBreakpoints\.source is missing/],
      ['setBreakpoints', { source: { path: '/x.sol' }, breakpoints: [{ line: 'three' }] }, /breakpoints\[0\]\.line must be a number/],
      ['scopes', {}, /scopes\.frameId is missing/],
      ['variables', { variablesReference: 'x' }, /variablesReference must be a number/],
      ['readMemory', { memoryReference: '0x0', count: 1e15 }, /count is too large/],
      ['evaluate', 42, /arguments must be an object/],
    ];
    for (const [command, args, message] of cases) {
      const r = await peer.request(command, args);
      assert.equal(r.success, false, command);
      assert.match(r.message ?? '', message, command);
      assert.doesNotMatch(r.message ?? '', /internal error/i);
    }
    await peer.alive();
  } finally {
    await close();
  }
});

test('goto and other requests Chainstep does not do are refused, not answered with success', async () => {
  const { peer, close } = await inProcess([fakeBackend]);
  try {
    await peer.request('initialize', { adapterID: 'chainstep' });
    for (const [command, args] of [
      ['goto', { threadId: 1, targetId: 1 }],
      ['setVariable', { variablesReference: 1, name: 'x', value: '1' }],
      ['restartFrame', { frameId: 1 }],
      ['writeMemory', { memoryReference: '0x0', data: '' }],
      ['noSuchRequest', {}],
    ] as const) {
      const r = await peer.request(command, args);
      assert.equal(r.success, false, command);
    }
  } finally {
    await close();
  }
});

test('a second launch while the first is recording is answered at once; a garbage dataId is not verified', async () => {
  const { peer, close } = await inProcess([fakeBackend]);
  try {
    await peer.request('initialize', { adapterID: 'chainstep' });
    const first = peer.request('launch', { program: '/tmp/slow.fake' }, 30_000);
    const second = await peer.request('launch', { program: '/tmp/a.fake' });
    assert.equal(second.success, false);
    assert.match(second.message ?? '', /already under way/);
    await peer.request('terminate', {});
    assert.equal((await first).success, false, 'the first launch is answered too (cancelled)');
  } finally {
    await close();
  }
  const again = await inProcess([fakeBackend]);
  try {
    const peer2 = again.peer;
    await peer2.request('initialize', { adapterID: 'chainstep' });
    const launched = peer2.request('launch', { program: '/tmp/a.fake' });
    await peer2.waitFor((m): m is DebugProtocol.Event => m.type === 'event' && (m as DebugProtocol.Event).event === 'initialized', 10_000, 'initialized');
    const set = await peer2.request('setDataBreakpoints', { breakpoints: [{ dataId: 'garbage' }, { dataId: 'var:total' }] });
    const bps = (set.body as { breakpoints: DebugProtocol.Breakpoint[] }).breakpoints;
    assert.equal(bps[0]!.verified, false);
    assert.match(bps[0]!.message ?? '', /Unknown data breakpoint/);
    assert.equal(bps[1]!.verified, true, 'a dataId the backend gave out still works');
    await peer2.request('configurationDone', {});
    assert.equal((await launched).success, true);
  } finally {
    await again.close();
  }
});

/** A small deterministic generator (mulberry32), so a failing fuzz run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMANDS = [
  'initialize', 'launch', 'configurationDone', 'setBreakpoints', 'setExceptionBreakpoints', 'setFunctionBreakpoints',
  'setInstructionBreakpoints', 'setDataBreakpoints', 'dataBreakpointInfo', 'breakpointLocations', 'threads', 'stackTrace',
  'scopes', 'variables', 'evaluate', 'continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'pause',
  'stepInTargets', 'exceptionInfo', 'readMemory', 'disassemble', 'source', 'loadedSources', 'restart', 'cancel', 'goto',
  'setVariable', 'completions', 'attach', 'bogus',
];

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * (depth > 2 ? 6 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return Math.floor(r() * 2 ** 31) - 2 ** 30;
    case 2: return r() < 0.5 ? -1 : 1e300;
    case 3: return ['', 'x', '0x1000', '/tmp/a.fake', 'var:total', '0:0', 'Main.main', '${}', '\u0000'][Math.floor(r() * 9)];
    case 4: return r() < 0.5;
    case 5: return undefined;
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const keys = ['source', 'path', 'line', 'breakpoints', 'threadId', 'frameId', 'variablesReference', 'expression', 'program', 'filters',
        'memoryReference', 'count', 'offset', 'instructionCount', 'name', 'dataId', 'targetId', 'sourceReference', 'start', 'levels'];
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 5); i > 0; i--) o[keys[Math.floor(r() * keys.length)]!] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** A message a buggy or hostile client might send: random framing, random JSON, random requests. */
function randomMessage(r: () => number, seq: number): string | Buffer {
  const kind = r();
  if (kind < 0.05) return Buffer.from(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
  if (kind < 0.1) return `Content-Length: ${Math.floor(r() * 40) - 5}\r\n\r\n{"seq":`;
  const body =
    kind < 0.2
      ? JSON.stringify(randomValue(r))
      : JSON.stringify({ seq, type: r() < 0.95 ? 'request' : 'event', command: COMMANDS[Math.floor(r() * COMMANDS.length)], arguments: randomValue(r) });
  return `Content-Length: ${Buffer.byteLength(body ?? '')}\r\n\r\n${body ?? ''}`;
}

test('fuzz: random and malformed messages, requests in any order, leave the adapter alive and answering', async () => {
  const { peer, close } = await inProcess([fakeBackend, evmBackend, moveBackend]);
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => crashes.push(e);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    for (let round = 0; round < 40; round++) {
      const r = random(round + 1);
      await peer.request('initialize', { adapterID: 'chainstep' });
      // A well-formed launch now and then, so stepping and inspection requests meet a recording.
      if (round % 4 === 0) void peer.request('launch', { program: '/tmp/a.fake', stopOnEntry: true });
      for (let i = 0; i < 60; i++) {
        peer.raw(randomMessage(r, 10 * round + i));
        if (i % 10 === 9) await peer.alive();
      }
      // Garbage may leave a partial header behind: a blank message ends it before the check.
      peer.raw('\r\n\r\n');
      await peer.alive();
    }
    assert.deepEqual(crashes, []);
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await close();
  }
});

test('an unknown command-line flag prints the usage, not an internal error with a stack', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'debug-adapter/cli/main.ts'), ...args], { cwd: root });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  for (const args of [['debug', '--bogus'], ['dap', '--bogus'], ['debug', '--program']]) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /chainstep: (unknown option --bogus|--program needs a value)/, args.join(' '));
    assert.match(r.stderr, /Usage:/);
    assert.doesNotMatch(r.stderr, /internal error|    at /);
  }
});
