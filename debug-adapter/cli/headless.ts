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
  /** Print one JSON object per line (schema in README, "JSON output of chainstep debug") instead of text. */
  readonly json?: boolean;
  /** Save the recording to this file (absolute) once launched. */
  readonly saveRecording?: string;
}

/** What a script sees, in the order it happens; `--json` prints each as one line (a stable, documented schema). */
export type ScriptEvent =
  | { readonly type: 'progress'; readonly message: string }
  | { readonly type: 'output'; readonly category: string; readonly text: string }
  | { readonly type: 'breakpoint'; readonly file: string; readonly line: number; readonly verified: boolean; readonly actualLine: number | null; readonly message: string | null }
  | StopRecord
  | { readonly type: 'end'; readonly completed: boolean }
  | { readonly type: 'recording'; readonly path: string; readonly bytes: number; readonly steps: number }
  | { readonly type: 'error'; readonly message: string };

/** One stop: where, why, the call stack and the values of the focused frame. */
export interface StopRecord {
  readonly type: 'stop';
  /** 1-based, in the order shown. */
  readonly index: number;
  /** entry, step, breakpoint, exception, end, or "step back". */
  readonly reason: string;
  /** The focused frame's source position (the frame VS Code shows), or null without source. */
  readonly location: { readonly file: string; readonly name: string; readonly line: number; readonly column: number; readonly text: string | null } | null;
  /** Without source: the instruction, e.g. { "pc": 12, "address": "0x100000000c", "text": "PUSH1 0x80" }. */
  readonly instruction: { readonly pc: number | null; readonly address: string; readonly text: string } | null;
  readonly function: string | null;
  /** The end summary, the exception's description, or the stop's note. */
  readonly description: string | null;
  /** Innermost first. */
  readonly frames: readonly { readonly name: string; readonly file: string | null; readonly source: string | null; readonly line: number | null }[];
  /** Arguments, locals and the top of the stack (first 8 / 4 entries), as the Variables view shows them. */
  readonly scopes: readonly { readonly name: string; readonly variables: readonly { readonly name: string; readonly value: string; readonly type: string | null }[] }[];
}

const WIDTH = 160;
const clip = (s: string) => (s.length > WIDTH ? `${s.slice(0, WIDTH - 1)}…` : s);

export async function runHeadless(
  backends: readonly Backend[],
  config: LaunchConfig,
  script: Script,
  printLine: (line: string) => void,
): Promise<number> {
  const emit = script.json ? (e: ScriptEvent) => printLine(JSON.stringify(e)) : (e: ScriptEvent) => renderText(e, printLine);
  const print = (line: string) => {
    if (!script.json) printLine(line);
  };
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
      emit({ type: 'progress', message: m });
    }
  });
  client.on('output', (e: DebugProtocol.OutputEvent) => {
    emit({ type: 'output', category: e.body.category ?? 'console', text: e.body.output.replace(/\n$/, '') });
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
    await configure(client, script, emit, filters);
    let stop = waitStop(client);
    await client.request('configurationDone');
    await launched;
    if (script.saveRecording !== undefined) {
      const saved = await client.request<DebugProtocol.Response>('chainstep/saveRecording', { path: script.saveRecording });
      const body = saved.body as { path: string; bytes: number; steps: number };
      emit({ type: 'recording', path: body.path, bytes: body.bytes, steps: body.steps });
    }

    const view = new StopPrinter(client, emit);
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
    emit({ type: 'end', completed: ended });
    await client.request('disconnect', {});
    return 0;
  } catch (e) {
    emit({ type: 'error', message: (e as Error).message });
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
  emit: (e: ScriptEvent) => void,
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
      emit({ type: 'breakpoint', file, line: lines[i]!, verified: bp.verified, actualLine: bp.line ?? null, message: bp.message ?? null });
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

/** The text form of an event, as `chainstep debug` prints it without --json. */
function renderText(e: ScriptEvent, print: (line: string) => void): void {
  switch (e.type) {
    case 'progress':
      return print(`… ${e.message}`);
    case 'output': {
      const prefix = e.category === 'stderr' ? '! ' : e.category === 'stdout' ? '> ' : '';
      for (const line of e.text.split('\n')) print(clip(`${prefix}${line}`));
      return;
    }
    case 'breakpoint': {
      const where = `${path.basename(e.file)}:${e.line}`;
      if (!e.verified) print(`breakpoint ${where}: not set (${e.message ?? 'no reason given'})`);
      else if (e.actualLine !== null && e.actualLine !== e.line) print(`breakpoint ${where}: moved to line ${e.actualLine}, the next line with code`);
      else print(`breakpoint ${where}`);
      return;
    }
    case 'stop': {
      const where = e.location ? `${e.location.name}:${e.location.line}` : 'no source';
      print(`── stop ${e.index}: ${e.reason} at ${where} in ${e.function ?? '?'}`);
      if (e.location?.text != null) print(clip(`   ${String(e.location.line).padStart(4)} | ${e.location.text}`));
      else if (!e.location && e.instruction) print(clip(`   ${e.instruction.pc !== null ? `pc ${e.instruction.pc}` : e.instruction.address}: ${e.instruction.text}`));
      if (e.description !== null) print(clip(`   ${e.reason === 'exception' ? 'exception: ' : ''}${e.description}`));
      if (e.frames.length > 1) {
        print(clip(`   call stack: ${e.frames.map((f) => `${f.name}${f.source ? ` (${f.source}:${f.line})` : ''}`).join(' ← ')}`));
      }
      for (const scope of e.scopes) {
        const isStack = /stack/i.test(scope.name);
        const label = isStack ? `${scope.name.toLowerCase()} top` : scope.name.toLowerCase();
        print(clip(`   ${label}: ${scope.variables.map((v) => `${v.name} = ${isStack ? compactWord(v.value) : v.value}`).join(', ')}`));
      }
      return;
    }
    case 'end':
      if (!e.completed) print('(stopped showing stops; the call did not end within the script)');
      return;
    case 'error':
      return print(`error: ${e.message}`);
    case 'recording':
      return print(`Saved the recording to ${e.path} (${e.bytes} bytes, ${e.steps} steps); open it with chainstep debug --recording ${e.path}`);
  }
}

class StopPrinter {
  private readonly files = new Map<string, string[] | undefined>();

  constructor(
    private readonly client: DapClient,
    private readonly emit: (e: ScriptEvent) => void,
  ) {}

  /** Shows a stop; true when it has a source location. */
  async show(event: DebugProtocol.StoppedEvent, index: number, label?: string): Promise<boolean> {
    const trace = await this.client.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
    const frames = trace.body.stackFrames;
    const top = focusedFrame(frames);
    const file = top?.source ? top.source.path ?? top.source.name ?? '' : undefined;
    let instruction: StopRecord['instruction'] = null;
    if (!top?.source && top?.instructionPointerReference) {
      const dis = await this.client.request<DebugProtocol.DisassembleResponse>('disassemble', {
        memoryReference: top.instructionPointerReference,
        instructionCount: 1,
      });
      const ins = dis.body?.instructions[0];
      // Addresses are codeUnit << 32 | offset (see session/addresses.ts): show the offset.
      const pc = /^0x[0-9a-f]+$/i.test(ins?.address ?? '') ? Number(BigInt(ins!.address) & 0xffffffffn) : null;
      if (ins?.instruction) instruction = { pc, address: ins.address, text: ins.instruction };
    }
    let description: string | null = null;
    if (event.body.reason === 'end') description = event.body.text ?? 'end of the call';
    else if (event.body.reason === 'exception') {
      const info = await this.client.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
      description = info.body.description ?? info.body.exceptionId;
    } else if (event.body.text) description = event.body.text;
    const scopes: { name: string; variables: { name: string; value: string; type: string | null }[] }[] = [];
    if (top) {
      for (const scope of (await this.client.request<DebugProtocol.ScopesResponse>('scopes', { frameId: top.id })).body.scopes) {
        const isValues = scope.presentationHint === 'arguments' || scope.presentationHint === 'locals';
        const isStack = /stack/i.test(scope.name);
        if (!isValues && !isStack) continue;
        const vars = (
          await this.client.request<DebugProtocol.VariablesResponse>('variables', {
            variablesReference: scope.variablesReference,
            start: 0,
            count: isStack ? 4 : 8,
          })
        ).body.variables;
        if (vars.length > 0) scopes.push({ name: scope.name, variables: vars.map((v) => ({ name: v.name, value: v.value, type: v.type ?? null })) });
      }
    }
    this.emit({
      type: 'stop',
      index,
      reason: label ?? event.body.reason,
      location: top?.source && file !== undefined
        ? { file, name: top.source.name ?? path.basename(file), line: top.line, column: top.column, text: (await this.lineText(top.source, top.line)) ?? null }
        : null,
      instruction,
      function: top?.name ?? null,
      description,
      frames: frames.map((f) => ({
        name: f.name,
        file: f.source ? f.source.path ?? f.source.name ?? null : null,
        source: f.source ? f.source.name ?? null : null,
        line: f.source ? f.line : null,
      })),
      scopes,
    });
    return top?.source !== undefined;
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
