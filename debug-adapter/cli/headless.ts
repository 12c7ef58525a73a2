// `chainstep debug`: a scripted session that prints what a user would see in VS Code. It drives the same
// DAP session in-process (over a pair of streams), so what it shows is what the editor gets.

import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Backend, LaunchConfig } from '../core/execution.ts';
import { ChainstepSession } from '../session/session.ts';
import { DapClient } from './dap-client.ts';

export interface Script {
  /** Breakpoints as absolute file and 1-based line. With none, the session stops on entry and steps. */
  readonly breakpoints: readonly { file: string; line: number }[];
  /** Forward steps (or breakpoint stops) to show. */
  readonly steps: number;
  /** Step backs to show after them. */
  readonly stepBack: number;
}

const WIDTH = 160;
const clip = (s: string) => (s.length > WIDTH ? `${s.slice(0, WIDTH - 1)}…` : s);

export async function runHeadless(
  backends: readonly Backend[],
  config: LaunchConfig,
  script: Script,
  print: (line: string) => void,
): Promise<number> {
  const toSession = new PassThrough();
  const fromSession = new PassThrough();
  const session = new ChainstepSession(backends, { expected: config });
  session.setRunAsServer(true);
  session.start(toSession, fromSession);
  const client = new DapClient(toSession, fromSession);
  const lastProgress = new Set<string>();
  client.on('progressUpdate', (e: DebugProtocol.ProgressUpdateEvent) => {
    const m = e.body.message;
    if (m && !lastProgress.has(m)) {
      lastProgress.add(m);
      print(`… ${m}`);
    }
  });
  client.on('output', (e: DebugProtocol.OutputEvent) => {
    const prefix = e.body.category === 'stderr' ? '! ' : e.body.category === 'stdout' ? '> ' : '';
    for (const line of e.body.output.replace(/\n$/, '').split('\n')) print(clip(`${prefix}${line}`));
  });
  let ended = false;
  client.on('terminated', () => (ended = true));

  try {
    const init = await client.request<DebugProtocol.InitializeResponse>('initialize', {
      adapterID: 'chainstep',
      clientName: 'chainstep debug',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
      supportsProgressReporting: true,
    });
    let filters = init.body?.exceptionBreakpointFilters ?? [];
    client.on('capabilities', (e: DebugProtocol.CapabilitiesEvent) => (filters = e.body.capabilities.exceptionBreakpointFilters ?? filters));
    const stopOnEntry = script.breakpoints.length === 0;
    const initialized = client.next('initialized');
    // Stay at the end of the recording when the script gets there, so it can still show step backs.
    const launched = client.request('launch', { ...config, stopOnEntry, stopAtEnd: true });
    const first = await Promise.race([initialized.then(() => 'configure'), launched.then(() => 'launched')]);
    if (first !== 'configure') throw new Error('the adapter did not ask for configuration');
    await configure(client, script, print, filters);
    let stop = waitStop(client);
    await client.request('configurationDone');
    await launched;

    const view = new StopPrinter(client, print);
    let shown = 0;
    let event = await stop;
    while (event) {
      const hasSource = await view.show(event, ++shown);
      if (shown >= script.steps || event.body.reason === 'end' || event.body.reason === 'exception') break;
      stop = waitStop(client);
      // Without source (e.g. Move bytecode without its .move files) statements mean nothing: step instructions.
      await client.request(stopOnEntry ? 'stepIn' : 'continue', { threadId: 1, ...(hasSource ? {} : { granularity: 'instruction' }) });
      event = await stop;
    }
    for (let i = 0; i < script.stepBack && event; i++) {
      stop = waitStop(client);
      await client.request('stepBack', { threadId: 1 });
      event = await stop;
      if (event) await view.show(event, ++shown, 'step back');
    }
    if (event) print('── continue to the end');
    for (let guard = 0; event && guard < 20; guard++) {
      stop = waitStop(client);
      await client.request('continue', { threadId: 1 });
      event = await stop;
      if (event) await view.show(event, ++shown);
    }
    if (!ended) print('(stopped showing stops; the call did not end within the script)');
    await client.request('disconnect', {});
    return 0;
  } catch (e) {
    print(`error: ${(e as Error).message}`);
    return 1;
  } finally {
    toSession.end();
  }
}

/** The next stop, or undefined when the session terminates first. */
function waitStop(client: DapClient): Promise<DebugProtocol.StoppedEvent | undefined> {
  return new Promise((resolve) => {
    const onStop = (e: DebugProtocol.StoppedEvent) => {
      client.off('terminated', onEnd);
      resolve(e);
    };
    const onEnd = () => {
      client.off('stopped', onStop);
      resolve(undefined);
    };
    client.once('stopped', onStop);
    client.once('terminated', onEnd);
  });
}

/** 32-byte words with leading zeros, as `0xfa`; anything else unchanged. */
function compactWord(value: string): string {
  return /^0x[0-9a-f]{64}$/i.test(value) ? `0x${value.slice(2).replace(/^0+(?=.)/, '')}` : value;
}

async function configure(
  client: DapClient,
  script: Script,
  print: (line: string) => void,
  defaultFilters: readonly DebugProtocol.ExceptionBreakpointsFilter[],
): Promise<void> {
  const byFile = new Map<string, number[]>();
  for (const b of script.breakpoints) byFile.set(b.file, [...(byFile.get(b.file) ?? []), b.line]);
  for (const [file, lines] of byFile) {
    const r = await client.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', {
      source: { path: file },
      breakpoints: lines.map((line) => ({ line })),
    });
    r.body.breakpoints.forEach((bp, i) => {
      const where = `${path.basename(file)}:${lines[i]}`;
      if (!bp.verified) print(`breakpoint ${where}: not set (${bp.message ?? 'no reason given'})`);
      else if (bp.line !== lines[i]) print(`breakpoint ${where}: moved to line ${bp.line}, the next line with code`);
      else print(`breakpoint ${where}`);
    });
  }
  // As VS Code does: the filters on by default among those the adapter offers.
  await client.request('setExceptionBreakpoints', { filters: defaultFilters.filter((f) => f.default).map((f) => f.filter) });
}

/**
 * The frame a stop is shown at: the first that is not de-emphasized, as VS Code focuses it (a panic raised in a
 * generated Yul helper shows on the Solidity line that called the helper). When every frame is de-emphasized
 * (e.g. Move bytecode without its sources) it is the innermost one.
 */
function focusedFrame(frames: readonly DebugProtocol.StackFrame[]): DebugProtocol.StackFrame | undefined {
  const deemphasized = (f: DebugProtocol.StackFrame) => f.presentationHint === 'subtle' || f.source?.presentationHint === 'deemphasize';
  return frames.find((f) => !deemphasized(f)) ?? frames[0];
}

class StopPrinter {
  private readonly files = new Map<string, string[] | undefined>();

  constructor(
    private readonly client: DapClient,
    private readonly print: (line: string) => void,
  ) {}

  /** Prints a stop; true when it has a source location. */
  async show(event: DebugProtocol.StoppedEvent, index: number, label?: string): Promise<boolean> {
    const trace = await this.client.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    const frames = trace.body.stackFrames;
    const top = focusedFrame(frames);
    const where = top?.source ? `${top.source.name}:${top.line}` : 'no source';
    this.print(`── stop ${index}: ${label ?? event.body.reason} at ${where} in ${top?.name ?? '?'}`);
    if (top?.source) {
      const text = await this.lineText(top.source, top.line);
      if (text !== undefined) this.print(clip(`   ${String(top.line).padStart(4)} | ${text}`));
    } else if (top?.instructionPointerReference) {
      const dis = await this.client.request<DebugProtocol.DisassembleResponse>('disassemble', {
        memoryReference: top.instructionPointerReference,
        instructionCount: 1,
      });
      const ins = dis.body?.instructions[0];
      // Addresses are codeUnit << 32 | offset (see session/addresses.ts): show the offset.
      const offset = /^0x[0-9a-f]+$/i.test(ins?.address ?? '') ? `pc ${Number(BigInt(ins!.address) & 0xffffffffn)}` : ins?.address;
      if (ins?.instruction) this.print(clip(`   ${offset}: ${ins.instruction}`));
    }
    if (event.body.reason === 'end') {
      this.print(clip(`   ${event.body.text ?? 'end of the call'}`));
    } else if (event.body.reason === 'exception') {
      const info = await this.client.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
      this.print(clip(`   exception: ${info.body.description ?? info.body.exceptionId}`));
    } else if (event.body.text) this.print(clip(`   ${event.body.text}`));
    if (frames.length > 1) {
      this.print(
        clip(`   call stack: ${frames.map((f) => `${f.name}${f.source ? ` (${f.source.name}:${f.line})` : ''}`).join(' ← ')}`),
      );
    }
    if (!top) return false;
    const scopes = (await this.client.request<DebugProtocol.ScopesResponse>('scopes', { frameId: top.id })).body.scopes;
    for (const scope of scopes) {
      const isValues = scope.presentationHint === 'arguments' || scope.presentationHint === 'locals';
      const isStack = /stack/i.test(scope.name);
      if (!isValues && !isStack) continue;
      const count = isStack ? 4 : 8;
      const vars = (
        await this.client.request<DebugProtocol.VariablesResponse>('variables', {
          variablesReference: scope.variablesReference,
          start: 0,
          count,
        })
      ).body.variables;
      if (vars.length === 0) continue;
      const label = isStack ? `${scope.name.toLowerCase()} top` : scope.name.toLowerCase();
      this.print(clip(`   ${label}: ${vars.map((v) => `${v.name} = ${isStack ? compactWord(v.value) : v.value}`).join(', ')}`));
    }
    return top.source !== undefined;
  }

  private async lineText(source: DebugProtocol.Source, line: number): Promise<string | undefined> {
    const key = source.sourceReference ? `ref:${source.sourceReference}` : source.path ?? '';
    if (!this.files.has(key)) {
      let text: string | undefined;
      try {
        text = source.sourceReference
          ? (await this.client.request<DebugProtocol.SourceResponse>('source', { source, sourceReference: source.sourceReference })).body.content
          : readFileSync(source.path!, 'utf8');
      } catch {
        text = undefined;
      }
      this.files.set(key, text?.split(/\r?\n/));
    }
    return this.files.get(key)?.[line - 1]?.trimEnd();
  }
}
