// The VM-agnostic debug session: DAP requests over a recorded Execution from any Backend. It never imports a
// backend and knows no opcode. Launch records the call once (with progress, cancellable); every later
// request (stepping both ways, breakpoints, frames, variables, evaluate, disassembly, memory) navigates the
// recording, so answers are immediate and "pause" has nothing to interrupt.

import {
  BreakpointEvent,
  CapabilitiesEvent,
  DebugSession,
  Event,
  ExitedEvent,
  InitializedEvent,
  OutputEvent,
  ProgressEndEvent,
  ProgressStartEvent,
  ProgressUpdateEvent,
  Response,
  StoppedEvent,
  TerminatedEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { PassThrough } from 'node:stream';
import { resolve as resolvePath } from 'node:path';
import type { Backend, ExceptionFilter, Execution, LaunchConfig, ValueFormat } from '../core/execution.ts';
import { EvaluationError, UserError } from '../core/errors.ts';
import type { GasReport } from '../core/line-gas.ts';
import { recordingFile } from '../core/launch-fields.ts';
import { openRecordingFile, writeRecordingFile } from '../core/recording-file.ts';
import { InstructionAddresses, memoryAddress, padAddress } from './addresses.ts';
import { StopHandles } from './handles.ts';
import { Navigator, type Granularity, type Move, type Stop } from './navigator.ts';
import { SourceTable } from './sources.ts';
import { BreakpointRequests, toDapFilters } from './breakpoint-requests.ts';
import { lowerBound } from './triggers.ts';
import { page, toDapEvaluation, toDapScope, toDapVariable } from './values.ts';
import { FrameReader } from './framing.ts';
import { wrapText } from './wrap.ts';
import { checkRequest, requestParts } from './request-shape.ts';

const THREAD_ID = 1;

/**
 * Requests DAP defines that Chainstep does not do (a recording cannot be changed or jumped into): answered
 * with an error, never with the success the base class would send.
 */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  goto: 'jumping to a line would change the recorded execution; set a breakpoint and continue or reverse-continue instead',
  gotoTargets: 'jumping to a line would change the recorded execution',
  restartFrame: 'use step back or reverse continue to return to an earlier moment',
  setVariable: 'values are recorded and cannot be changed',
  setExpression: 'values are recorded and cannot be changed',
  writeMemory: 'memory is recorded and cannot be changed',
  terminateThreads: 'there is one thread; use terminate',
  completions: 'completions are not available',
};

/** One recorded execution being navigated. */
interface Run {
  readonly config: LaunchConfig;
  readonly execution: Execution;
  /** The exception filters of the backend that recorded it. */
  readonly filters: readonly ExceptionFilter[];
  readonly navigator: Navigator;
  readonly sources: SourceTable;
  readonly addresses: InstructionAddresses;
  /** Steps of execution.output (in step order), for binary search. */
  readonly outputSteps: Int32Array;
  /** Current stop, or undefined before the first stop and after the end. */
  stop?: Stop;
  handles: StopHandles;
  ended: boolean;
  /** How the call ended was said in the Debug Console (once, at the end or at a stopAtEnd stop). */
  outcomeSaid?: boolean;
}

let progressCounter = 0;

export class ChainstepSession extends DebugSession {
  private run: Run | undefined;
  private launching: AbortController | undefined;
  private launchProgressId: string | undefined;
  private clientSupportsProgress = false;
  private configurationDone: (() => void) | undefined;
  /** From a launch request until it is answered. */
  private launchUnderWay = false;
  private readonly breakpoints: BreakpointRequests;
  /** The exception filters announced in `initialize`. */
  private readonly offered: readonly ExceptionFilter[];

  /**
   * `expected`: the launch configuration the client is going to send, when the process that starts the
   * adapter knows it (the extension does). DAP asks for exception filters in `initialize`, before `launch`
   * names the program, and VS Code builds its Breakpoints view from that answer only; knowing the backend
   * then lets a Solidity session list Solidity's filters and a Move session Move's.
   */
  constructor(
    private readonly backends: readonly Backend[],
    options: { readonly expected?: LaunchConfig } = {},
  ) {
    super();
    const expected = options.expected && backends.find((b) => b.accepts(options.expected!));
    this.offered = expected ? expected.exceptionFilters : unionOfFilters(backends);
    this.breakpoints = new BreakpointRequests(this.offered);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- errors -------------------------------------------------------------------------------------------

  /** Runs a request handler: user errors become their message, anything else an internal error. */
  private guard(response: DebugProtocol.Response, handler: () => void): void {
    try {
      handler();
    } catch (e) {
      this.fail(response, e);
    }
  }

  private fail(response: DebugProtocol.Response, e: unknown): void {
    // Already answered (the failure came while reporting the move): the Debug Console is all that is left.
    const answered = response.seq > 0;
    if (answered) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.sendEvent(new OutputEvent(`Chainstep internal error: ${err.stack ?? err.message}\n`, 'stderr'));
      return;
    }
    if (e instanceof UserError || e instanceof EvaluationError) {
      this.sendErrorResponse(response, { id: 1001, format: e.message, showUser: e instanceof UserError });
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    this.sendEvent(new OutputEvent(`Chainstep internal error: ${err.stack ?? err.message}\n`, 'stderr'));
    this.sendErrorResponse(response, {
      id: 1002,
      format: `Chainstep internal error: ${err.message} (details in the Debug Console)`,
      showUser: true,
    });
  }

  /** Lines and columns are 1-based in Chainstep; the client says how it counts (initialize). */
  private lineOut(line: number): number {
    return this.convertDebuggerLineToClient(line);
  }
  private columnOut(column: number): number {
    return this.convertDebuggerColumnToClient(column);
  }
  private clientLines(bps: DebugProtocol.Breakpoint[]): DebugProtocol.Breakpoint[] {
    return bps.map((bp) => (bp.line !== undefined ? { ...bp, line: this.lineOut(bp.line) } : bp));
  }

  /**
   * The run at its current stop, or undefined when there is no stop: before the first one, after the end,
   * during a restart. A request needing a stop that arrives then is late, not wrong: the client was
   * refreshing its views (threads, stack, variables) while a step or Continue was under way. Such requests
   * are answered with empty results, or for an evaluation with an error shown in place, never with an
   * error notification.
   */
  private stopped(): (Run & { stop: Stop }) | undefined {
    const run = this.run;
    if (!run || run.ended || !run.stop) return undefined;
    return run as Run & { stop: Stop };
  }

  /** A late request (see `stopped`): answered successfully with an empty body. */
  private late(response: DebugProtocol.Response, body?: DebugProtocol.Response['body']): void {
    if (body !== undefined) response.body = body;
    this.sendResponse(response);
  }

  /** A failure the client shows where the request came from (watch, hover, REPL), not as a notification. */
  private failQuietly(response: DebugProtocol.Response, message: string): void {
    this.sendErrorResponse(response, { id: 1003, format: message, showUser: false });
  }

  // ---- messages -----------------------------------------------------------------------------------------

  /**
   * Reads DAP from `input` with our own framing (see framing.ts): a malformed message is reported in the
   * Debug Console and skipped, and the session keeps answering.
   */
  override start(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
    // The base class keeps `output` for sending; it reads nothing from this stream.
    const unused = new PassThrough();
    super.start(unused, output);
    const reader = new FrameReader();
    input.on('data', (chunk: Buffer | string) => {
      for (const frame of reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        if (frame.kind === 'problem') this.reportBadMessage(frame.message);
        else this.receive(frame.value);
      }
    });
    input.on('close', () => unused.destroy());
    input.on('end', () => unused.destroy());
    input.on('error', () => unused.destroy());
  }

  private receive(message: unknown): void {
    const request = requestParts(message);
    if (!request) {
      const m = message as { type?: unknown } | null;
      // Responses to our own requests go to the base class; events from a client mean nothing to us.
      if (m && typeof m === 'object' && !Array.isArray(m) && m.type === 'response') return this.handleMessage(m as DebugProtocol.Response);
      if (m && typeof m === 'object' && !Array.isArray(m) && m.type === 'event') return;
      return this.reportBadMessage(`a message that is not a DAP request was ignored: ${JSON.stringify(message)?.slice(0, 120)}`);
    }
    try {
      this.handleMessage(message as DebugProtocol.Request);
    } catch (e) {
      this.fail(new Response(message as DebugProtocol.Request), e);
    }
  }

  private reportBadMessage(message: string): void {
    this.sendEvent(new OutputEvent(`Chainstep: ${message}\n`, 'stderr'));
  }

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const unsupported = UNSUPPORTED[request.command];
    const problem = unsupported ? `Chainstep does not support "${request.command}": ${unsupported}.` : checkRequest(request);
    if (problem !== undefined) {
      this.sendErrorResponse(new Response(request), { id: 1004, format: problem, showUser: false });
      return;
    }
    super.dispatchRequest(request);
  }

  // ---- lifecycle ----------------------------------------------------------------------------------------

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    args: DebugProtocol.InitializeRequestArguments,
  ): void {
    this.clientSupportsProgress = args.supportsProgressReporting === true;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsStepBack: true,
      supportsSteppingGranularity: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsReadMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsExceptionInfoRequest: true,
      supportsValueFormattingOptions: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsEvaluateForHovers: true,
      supportsBreakpointLocationsRequest: true,
      supportsDelayedStackTraceLoading: true,
      supportsFunctionBreakpoints: true,
      supportsStepInTargetsRequest: true,
      supportsCancelRequest: true,
      exceptionBreakpointFilters: toDapFilters(this.offered),
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    // One launch per session (DAP): a second one while the first records or awaits its configuration would
    // leave one of them unanswered. The client restarts with `restart`, or a new session.
    if (this.launchUnderWay) {
      this.fail(response, new UserError('A launch is already under way in this session; use restart to record again.'));
      return;
    }
    this.launchUnderWay = true;
    void this.launch(response, args as unknown as LaunchConfig & { noDebug?: boolean }).finally(() => (this.launchUnderWay = false));
  }

  private async launch(response: DebugProtocol.Response, config: LaunchConfig & { noDebug?: boolean }): Promise<void> {
    this.run = undefined;
    let run: Run;
    try {
      run = await this.record(config);
    } catch (e) {
      this.fail(response, e);
      return;
    }
    try {
      this.run = run;
      this.announceFilters(run);
      // Breakpoints already set on this adapter hold for the new recording until the client sends others.
      this.resolveAll(this.run, false);
      // Configuration (breakpoints, filters) comes after `initialized`, resolved against this recording.
      const done = new Promise<void>((resolve) => (this.configurationDone = resolve));
      this.sendEvent(new InitializedEvent());
      await done;
      this.sendResponse(response);
      if (config.noDebug) {
        // The gas report is what a run without debugging is for: it goes out before `terminated`.
        await this.announceLineGas(this.run);
        this.finish(this.run);
        return;
      }
      this.apply(this.run, this.run.navigator.start(config.stopOnEntry === true), -1);
      // After the first stop, and in slices between requests: measuring a long recording delays nothing.
      void this.announceLineGas(this.run);
    } catch (e) {
      this.fail(response, e);
    }
  }

  /**
   * Gas per line, measured from the recording, for the client's hints (`chainstep/lineGas`, a custom DAP
   * event other clients ignore). Sent once per launch, after the response, also for "run without debugging".
   * The measurement runs a slice at a time and yields to the event loop in between, so requests that
   * arrive meanwhile are answered first; a new launch abandons it.
   */
  private async announceLineGas(run: Run): Promise<void> {
    let report: GasReport;
    try {
      const measurement = run.execution.lineGas?.();
      if (!measurement) return;
      for (;;) {
        const slice = measurement.next();
        if (slice.done) { report = slice.value; break; }
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.run !== run) return;
      }
    } catch (e) {
      // Nobody awaits this while debugging: a failure here must cost the hints, not the session.
      this.sendEvent(new OutputEvent(`Chainstep: gas per line is unavailable for this run: ${e instanceof Error ? e.message : String(e)}\n`, 'stderr'));
      return;
    }
    const gasUsed = run.execution.outcome.gasUsed;
    this.sendEvent(new Event('chainstep/lineGas', {
      vm: run.execution.vm,
      program: run.config.program,
      function: run.config.function,
      gasUsed: gasUsed === undefined ? undefined : Number(gasUsed),
      ...report,
    }));
  }

  /**
   * Picks the backend, records the call (or opens a saved recording, `recording`) and indexes it, with
   * progress; `terminate` or `cancel` stops it.
   */
  private async record(config: LaunchConfig): Promise<Run> {
    const saved = recordingFile(config);
    let backend: Backend | undefined;
    if (saved === undefined) {
      if (typeof config.program !== 'string' || config.program === '') {
        throw new UserError(`The launch configuration needs "program": ${this.programs()}.`);
      }
      backend = this.backends.find((b) => b.accepts(config));
      if (!backend) {
        throw new UserError(`Chainstep cannot debug "${config.program}": expected ${this.programs()}.`);
      }
    }
    this.launching?.abort();
    const abort = new AbortController();
    this.launching = abort;
    const progressId = `chainstep-launch-${++progressCounter}`;
    const progress = this.clientSupportsProgress;
    this.launchProgressId = progressId;
    if (progress) {
      const start = new ProgressStartEvent(progressId, 'Chainstep', `Preparing ${saved ?? config.program}`) as DebugProtocol.ProgressStartEvent;
      start.body.cancellable = true; // the client's cancel button sends `cancel` with this id
      this.sendEvent(start);
    }
    const report = (message: string, fraction?: number) => {
      if (!progress || abort.signal.aborted) return;
      const event = new ProgressUpdateEvent(progressId, message) as DebugProtocol.ProgressUpdateEvent;
      if (fraction !== undefined) event.body.percentage = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      this.sendEvent(event);
    };
    try {
      // What the backend did before the call (compiled, deployed, set up, warnings) goes to the Debug Console.
      const say = (line: string, kind?: 'info' | 'warning') => {
        if (!abort.signal.aborted) this.sendEvent(new OutputEvent(`${kind === 'warning' ? 'Warning: ' : ''}${line}\n`, kind === 'warning' ? 'stderr' : 'console'));
      };
      let execution: Execution;
      if (saved !== undefined) ({ execution, backend } = await this.openSaved(saved, report, say));
      else execution = await backend!.launch(config, report, abort.signal, say);
      // A backend may finish its work without looking at the signal: cancelled is cancelled.
      if (abort.signal.aborted) throw new UserError('Launch cancelled.');
      report('Indexing statements for stepping');
      return this.newRun(config, execution, backend!.exceptionFilters);
    } catch (e) {
      if (abort.signal.aborted) throw new UserError('Launch cancelled.');
      throw e;
    } finally {
      if (this.launching === abort) this.launching = undefined;
      if (progress) this.sendEvent(new ProgressEndEvent(progressId));
    }
  }

  /** A recording file opened by the backend that saved it: the same steps, sources from the file. */
  private async openSaved(file: string, progress: (message: string, fraction?: number) => void, say: (line: string) => void): Promise<{ execution: Execution; backend: Backend }> {
    progress('Reading the recording', 0);
    const opened = openRecordingFile(file);
    const { vm, title, steps, created } = opened.header;
    const backend = this.backends.find((b) => b.vm === vm && b.openRecording);
    if (!backend) throw new UserError(`recording: ${file} holds a "${vm}" recording, which this Chainstep cannot open`);
    say(`Opened the recording ${file}: ${title} (${steps} steps, saved ${created}); its sources are in ${opened.sourceRoot}`);
    let execution: Execution;
    try {
      execution = await backend.openRecording!(opened, progress, say);
    } catch (e) {
      // The digest matched, so this is a file written wrongly (or by hand): say so, never crash on it.
      if (e instanceof UserError) throw e;
      throw new UserError(`recording: ${file} is damaged (${(e as Error).message})`);
    }
    if (execution.stepCount !== steps) throw new UserError(`recording: ${file} is damaged (its header says ${steps} steps, it holds ${execution.stepCount})`);
    return { execution, backend };
  }

  /** `chainstep/saveRecording` { path }: saves the current recording to a file; answers { path, bytes, steps, title }. */
  private saveRecording(response: DebugProtocol.Response, args: { path: string }): void {
    const run = this.run;
    if (!run) throw new UserError('There is no recording to save yet: launch first.');
    const saved = run.execution.saveRecording?.();
    if (!saved) throw new UserError(`Recordings of ${run.execution.vm} sessions cannot be saved yet.`);
    const file = resolvePath(typeof run.config.cwd === 'string' ? run.config.cwd : process.cwd(), args.path);
    const bytes = writeRecordingFile(file, run.execution.vm, run.execution.stepCount, saved);
    response.body = { path: file, bytes, steps: run.execution.stepCount, title: saved.title };
    this.sendResponse(response);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === 'chainstep/saveRecording') return this.guard(response, () => this.saveRecording(response, args as { path: string }));
    super.customRequest(command, response, args);
  }

  /** What the backends debug, for messages: "a .sol file ..., or a Move package ...". */
  private programs(): string {
    const all = this.backends.map((b) => b.programs);
    return all.length > 1 ? `${all.slice(0, -1).join(', ')}, or ${all[all.length - 1]}` : (all[0] ?? 'nothing');
  }

  private newRun(config: LaunchConfig, execution: Execution, filters: readonly ExceptionFilter[]): Run {
    const run: Run = {
      config,
      execution,
      filters,
      navigator: new Navigator(execution),
      sources: new SourceTable(execution),
      addresses: new InstructionAddresses(execution),
      outputSteps: Int32Array.from(execution.output, (o) => o.step),
      handles: new StopHandles(),
      ended: false,
    };
    return run;
  }

  /**
   * When `initialize` offered other filters than this recording's backend has (the adapter did not know the
   * program then), the client hears the right ones before it configures them. VS Code keeps the Breakpoints
   * view it built from `initialize`, but stops only ever follow the backend's own filters (see filterKinds).
   */
  private announceFilters(run: Run): void {
    const same = run.filters.length === this.offered.length && run.filters.every((f, i) => f.id === this.offered[i]!.id);
    if (!same) this.sendEvent(new CapabilitiesEvent({ exceptionBreakpointFilters: toDapFilters(run.filters) }));
  }

  protected override attachRequest(response: DebugProtocol.AttachResponse): void {
    this.fail(response, new UserError('Chainstep debugs by running the call itself: use "request": "launch".'));
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    const done = this.configurationDone;
    this.configurationDone = undefined;
    done?.();
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): void {
    void (async () => {
      const config = ((args.arguments as LaunchConfig | undefined) ?? this.run?.config) as LaunchConfig | undefined;
      if (!config) {
        this.fail(response, new UserError('Nothing to restart: no launch has succeeded yet.'));
        return;
      }
      try {
        const run = await this.record(config);
        this.run = run;
        this.announceFilters(run);
        this.resolveAll(run, true);
        this.sendResponse(response);
        this.apply(run, run.navigator.start(config.stopOnEntry === true), -1);
      } catch (e) {
        this.fail(response, e);
      }
    })();
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    if (args.progressId !== undefined && args.progressId === this.launchProgressId) this.launching?.abort();
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.launching?.abort();
    if (this.run) this.run.ended = true;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    args: DebugProtocol.DisconnectArguments,
  ): void {
    this.launching?.abort();
    this.run = undefined;
    super.disconnectRequest(response, args);
  }

  // ---- moving -------------------------------------------------------------------------------------------

  /** Reports a move: logpoint and program output on the way, then the stop or the end. */
  private apply(run: Run, move: Move, from: number): void {
    const x = run.execution;
    const to = move.kind === 'stop' ? move.stop.step : x.stepCount - 1;
    // Program output and logpoint messages on the way, in execution order.
    const lines: { step: number; event: DebugProtocol.OutputEvent }[] = [];
    if (to > from) {
      const output = x.output;
      for (let i = lowerBound(run.outputSteps, from + 1); i < output.length && output[i]!.step <= to; i++) {
        lines.push({ step: output[i]!.step, event: new OutputEvent(`${output[i]!.text}\n`, 'stdout') });
      }
    }
    for (const log of move.logs) {
      const event = new OutputEvent(`${log.text}\n`, 'console') as DebugProtocol.OutputEvent;
      const loc = x.location(log.step);
      if (loc) {
        event.body.source = run.sources.toDap(loc.source);
        event.body.line = this.lineOut(loc.line);
        event.body.column = this.columnOut(loc.column);
      }
      lines.push({ step: log.step, event });
    }
    lines.sort((a, b) => a.step - b.step); // stable: program output first at the same step
    for (const line of lines) this.sendEvent(line.event);
    if (move.logsTruncated) this.sendEvent(new OutputEvent('(more logpoint output was left out)\n', 'console'));
    if (move.kind === 'end') {
      // `stopAtEnd`: stay at the last step with source (or the very last step) so the user can still
      // step back, instead of ending the session. Never a step behind where the move started.
      let last = -1;
      for (let s = x.stepCount - 1; s > from && s > x.stepCount - 100_000; s--) {
        if (x.lineId(s) >= 0) {
          last = s;
          break;
        }
      }
      if (last < 0 && x.stepCount - 1 > from) last = x.stepCount - 1;
      if (run.config['stopAtEnd'] === true && last >= 0 && run.stop?.reason !== 'end') {
        const o = x.outcome;
        this.sayOutcome(run);
        move = { kind: 'stop', stop: { step: last, reason: 'end', text: `End of the call: ${o.summary}` }, logs: [], logsTruncated: false };
      } else {
        this.finish(run);
        return;
      }
    }
    run.stop = move.stop;
    run.handles = new StopHandles();
    const event = new StoppedEvent(move.stop.reason, THREAD_ID) as DebugProtocol.StoppedEvent;
    event.body.allThreadsStopped = true;
    if (move.stop.hitBreakpointIds) event.body.hitBreakpointIds = [...move.stop.hitBreakpointIds];
    if (move.stop.exception) {
      event.body.description = `Exception: ${move.stop.exception.summary}`;
      event.body.text = move.stop.exception.summary;
    } else if (move.stop.text) {
      event.body.description = move.stop.text;
      event.body.text = move.stop.text;
      if (move.stop.reason !== 'end') this.sendEvent(new OutputEvent(`${move.stop.text}\n`, 'stderr'));
    }
    this.sendEvent(event);
  }

  /** The recording ended: report how the call ended, then exit and terminate. */
  private finish(run: Run): void {
    run.ended = true;
    run.stop = undefined;
    this.sayOutcome(run);
    this.sendEvent(new ExitedEvent(run.execution.outcome.success ? 0 : 1));
    this.sendEvent(new TerminatedEvent());
  }

  /** How the call ended, in the Debug Console, once per recording. */
  private sayOutcome(run: Run): void {
    if (run.outcomeSaid) return;
    run.outcomeSaid = true;
    const o = run.execution.outcome;
    const gas = o.gasUsed !== undefined ? ` (gas used: ${o.gasUsed})` : '';
    const lines = [`Call ${o.summary}${gas}`, ...(o.details ?? []).map((d) => `  ${d}`)];
    this.sendEvent(new OutputEvent(`${lines.join('\n')}\n`, o.success ? 'console' : 'stderr'));
  }

  private step(
    response: DebugProtocol.Response,
    move: (nav: Navigator, step: number) => Move,
    body?: DebugProtocol.Response['body'],
  ): void {
    this.guard(response, () => {
      const run = this.stopped();
      // A second click on Step or Continue that lands after the end: nothing is left to move.
      if (!run) return this.late(response, body);
      const from = run.stop.step;
      const result = move(run.navigator, from);
      if (body) response.body = body;
      this.sendResponse(response);
      this.apply(run, result, from);
    });
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.step(response, (nav, s) => nav.continue(s), { allThreadsContinued: true });
  }
  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, (nav, s) => nav.next(s, granularity(args.granularity)));
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    if (args.targetId !== undefined) {
      const entry = args.targetId;
      this.step(response, (nav, s) => {
        if (!nav.stepInTargets(s).includes(entry)) throw new UserError('That call is not made by the current statement.');
        return nav.stepInto(s, entry);
      });
      return;
    }
    this.step(response, (nav, s) => nav.stepIn(s, granularity(args.granularity)));
  }

  protected override stepInTargetsRequest(
    response: DebugProtocol.StepInTargetsResponse,
    args: DebugProtocol.StepInTargetsArguments,
  ): void {
    this.guard(response, () => {
      const run = this.stopped();
      const frame = run && this.frameOf(run, args.frameId);
      if (!run || !frame) return this.late(response, { targets: [] });
      const from = run.stop.step;
      // Targets of the innermost frame's statement only: for a caller frame the call is already under way.
      const entries = frame.frameIndex === 0 ? run.navigator.stepInTargets(from) : [];
      response.body = {
        targets: entries.map((entry) => {
          const frame = run.execution.frames(entry)[0];
          const loc = frame?.location;
          return {
            id: entry,
            label: frame?.name ?? `call at step ${entry}`,
            ...(loc ? { line: this.lineOut(loc.line), column: this.columnOut(loc.column) } : {}),
          };
        }),
      };
      this.sendResponse(response);
    });
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.step(response, (nav, s) => nav.stepOut(s, granularity(args.granularity)));
  }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.step(response, (nav, s) => nav.stepBack(s, granularity(args.granularity)));
  }
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.step(response, (nav, s) => nav.reverseContinue(s));
  }
  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    // Execution is recorded, so there is never anything running: stop again where we are.
    this.step(response, (_nav, s) => ({ kind: 'stop', stop: { step: s, reason: 'pause' }, logs: [], logsTruncated: false }));
  }

  // ---- breakpoints --------------------------------------------------------------------------------------

  /** A new recording: install every breakpoint on it; after a restart, tell the client what moved. */
  private resolveAll(run: Run, notify: boolean): void {
    const resolved = this.clientLines(this.breakpoints.installAll(run));
    if (notify) for (const bp of resolved) this.sendEvent(new BreakpointEvent('changed', bp as DebugProtocol.Breakpoint));
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      // Breakpoint bookkeeping is 1-based like the backends; the client may count from 0.
      const specs = (args.breakpoints ?? []).map((b) => ({ ...b, line: this.convertClientLineToDebugger(b.line) }));
      response.body = { breakpoints: this.clientLines(this.breakpoints.setLines(args.source, specs, this.run)) };
      this.sendResponse(response);
    });
  }

  protected override breakpointLocationsRequest(
    response: DebugProtocol.BreakpointLocationsResponse,
    args: DebugProtocol.BreakpointLocationsArguments,
  ): void {
    this.guard(response, () => {
      const run = this.run;
      const source = run ? run.sources.find(args.source) : -1;
      const first = this.convertClientLineToDebugger(args.line);
      const end = args.endLine !== undefined ? this.convertClientLineToDebugger(args.endLine) : first;
      const lines = run && source >= 0 ? run.execution.breakableLines(source).filter((l) => l >= first && l <= end) : [];
      response.body = { breakpoints: lines.map((line) => ({ line: this.lineOut(line) })) };
      this.sendResponse(response);
    });
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      this.breakpoints.setExceptionFilters([...args.filters, ...(args.filterOptions ?? []).map((o) => o.filterId)], this.run);
      this.sendResponse(response);
    });
  }

  protected override setInstructionBreakpointsRequest(
    response: DebugProtocol.SetInstructionBreakpointsResponse,
    args: DebugProtocol.SetInstructionBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      response.body = { breakpoints: this.breakpoints.setInstructions(args.breakpoints, this.run) };
      this.sendResponse(response);
    });
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      response.body = { breakpoints: this.breakpoints.setFunctions(args.breakpoints, this.run) };
      this.sendResponse(response);
    });
  }

  protected override dataBreakpointInfoRequest(
    response: DebugProtocol.DataBreakpointInfoResponse,
    args: DebugProtocol.DataBreakpointInfoArguments,
  ): void {
    this.guard(response, () => {
      const run = this.stopped();
      // Asked for while the views refresh after a move (or after the end): nothing to watch, said quietly.
      const unavailable = (description: string) => this.late(response, { dataId: null, description });
      if (!run) return unavailable('The program is not stopped.');
      let step = run.stop.step;
      let frameIndex = 0;
      let container: string | undefined;
      if (args.variablesReference) {
        const entry = run.handles.childrenOf(args.variablesReference);
        if (!entry) return unavailable('That variable is from an earlier stop; refresh the Variables view.');
        ({ step, frameIndex, container } = entry);
      } else if (args.frameId !== undefined) {
        const frame = run.handles.frame(args.frameId);
        if (frame) ({ step, frameIndex } = frame);
      }
      const target = run.execution.dataTarget(step, frameIndex, args.name, container);
      response.body = target
        ? { dataId: target.dataId, description: target.description, accessTypes: ['write'], canPersist: false }
        : { dataId: null, description: `Chainstep cannot watch writes to ${args.name}.` };
      this.sendResponse(response);
    });
  }

  protected override setDataBreakpointsRequest(
    response: DebugProtocol.SetDataBreakpointsResponse,
    args: DebugProtocol.SetDataBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      response.body = { breakpoints: this.breakpoints.setData(args.breakpoints, this.run) };
      this.sendResponse(response);
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    this.guard(response, () => {
      const run = this.stopped();
      if (!run) return this.failQuietly(response, 'The program is not stopped.');
      const e = run.stop.exception;
      if (!e) throw new UserError('The program did not stop on an exception.');
      response.body = {
        exceptionId: e.kind,
        description: e.summary,
        breakMode: e.caught ? 'always' : 'unhandled',
        details: { message: e.summary, typeName: e.kind, ...(e.details ? { stackTrace: wrapText(e.details) } : {}) },
      };
      this.sendResponse(response);
    });
  }

  // ---- inspecting ---------------------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const fn = this.run?.config.function;
    response.body = { threads: [{ id: THREAD_ID, name: typeof fn === 'string' && fn ? fn : 'call' }] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    this.guard(response, () => {
      const run = this.stopped();
      if (!run) return this.late(response, { stackFrames: [], totalFrames: 0 });
      const step = run.stop.step;
      const frames = run.execution.frames(step);
      const start = args.startFrame ?? 0;
      const end = args.levels ? Math.min(frames.length, start + args.levels) : frames.length;
      const stackFrames: DebugProtocol.StackFrame[] = [];
      for (let i = start; i < end; i++) {
        const f = frames[i]!;
        const loc = f.location;
        stackFrames.push({
          id: run.handles.addFrame({ step, frameIndex: i }),
          name: f.name,
          line: loc ? this.lineOut(loc.line) : 0,
          column: loc ? this.columnOut(loc.column) : 0,
          ...(loc
            ? { source: run.sources.toDap(loc.source), endLine: this.lineOut(loc.endLine), endColumn: this.columnOut(loc.endColumn) }
            : {}),
          instructionPointerReference: run.addresses.address(f.instructionRef),
          ...(f.hint === 'subtle' ? { presentationHint: 'subtle' as const } : {}),
        });
      }
      response.body = { stackFrames, totalFrames: frames.length };
      this.sendResponse(response);
    });
  }

  /** The frame a request names (the innermost one when it names none); undefined for a frame of an earlier stop. */
  private frameOf(run: Run & { stop: Stop }, frameId: number | undefined): { step: number; frameIndex: number } | undefined {
    if (frameId === undefined) return { step: run.stop.step, frameIndex: 0 };
    return run.handles.frame(frameId);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      const run = this.stopped();
      const frame = run && this.frameOf(run, args.frameId);
      // A frame clicked while the Call Stack refreshes after a move, or after the end.
      if (!run || !frame) return this.late(response, { scopes: [] });
      const { step, frameIndex } = frame;
      const ctx = { handles: run.handles, step, frameIndex };
      response.body = { scopes: run.execution.scopes(step, frameIndex).map((s) => toDapScope(s, ctx)) };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    this.guard(response, () => {
      const run = this.stopped();
      // References are valid for one stop: one from an earlier stop (the Variables view clicked while it
      // refreshes after a move) names nothing now, so it gets nothing rather than something else.
      const entry = run?.handles.childrenOf(args.variablesReference);
      if (!run || !entry) return this.late(response, { variables: [] });
      const ctx = { handles: run.handles, step: entry.step, frameIndex: entry.frameIndex };
      const values = page(entry, args, formatOf(args.format));
      response.body = { variables: values.map((v) => toDapVariable(v, ctx)) };
      this.sendResponse(response);
    });
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => {
      const run = this.stopped();
      if (!run) return this.failQuietly(response, 'The program is not stopped.');
      const frame = this.frameOf(run, args.frameId);
      if (!frame) return this.failQuietly(response, 'That stack frame is from an earlier stop.');
      const { step, frameIndex } = frame;
      const value = run.execution.evaluate(step, frameIndex, args.expression, formatOf(args.format));
      response.body = toDapEvaluation(value, { handles: run.handles, step, frameIndex });
      this.sendResponse(response);
    });
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => {
      // DAP offsets are relative to the reference and may be negative (the memory view scrolls up from a
      // value to its length word); the backend answers fewer or no bytes outside its memory.
      const offset = args.offset ?? 0;
      const address = memoryAddress(args.memoryReference, offset);
      const run = this.stopped();
      if (!run) return this.late(response, { address, unreadableBytes: args.count });
      const bytes = run.execution.readMemory(run.stop.step, args.memoryReference, offset, args.count);
      response.body = {
        address,
        data: Buffer.from(bytes).toString('base64'),
        unreadableBytes: Math.max(0, args.count - bytes.length),
      };
      this.sendResponse(response);
    });
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.guard(response, () => {
      const run = this.stopped();
      if (!run) return this.late(response, { instructions: [] });
      const ref = run.addresses.ref(args.memoryReference);
      if (ref === undefined) throw new UserError(`Unknown instruction reference ${args.memoryReference}.`);
      const offset = args.instructionOffset ?? 0;
      const count = args.instructionCount;
      const found = run.execution.disassemble(ref, offset, count);
      const instructions: DebugProtocol.DisassembledInstruction[] = found.map((ins) => ({
        address: run.addresses.address(ins.ref),
        instruction: ins.text,
        ...(ins.bytes !== undefined ? { instructionBytes: ins.bytes } : {}),
        ...(ins.symbol !== undefined && args.resolveSymbols !== false ? { symbol: ins.symbol } : {}),
        ...(ins.location
          ? {
              location: run.sources.toDap(ins.location.source),
              line: this.lineOut(ins.location.line),
              column: this.columnOut(ins.location.column),
              endLine: this.lineOut(ins.location.endLine),
              endColumn: this.columnOut(ins.location.endColumn),
            }
          : {}),
      }));
      // The client expects exactly `count` rows aligned to the request: pad where the code has no more.
      let before = 0;
      if (offset < 0) {
        const wanted = Math.min(-offset, count);
        before = wanted - run.execution.disassemble(ref, offset, wanted).length;
      }
      const pad = (address: bigint): DebugProtocol.DisassembledInstruction => ({
        address: padAddress(address),
        instruction: '',
        presentationHint: 'invalid',
      });
      const first = instructions[0] ? BigInt(instructions[0].address) : 0n;
      const head = Array.from({ length: before }, (_, i) => pad(first - BigInt(before - i)));
      const rows = [...head, ...instructions];
      const last = rows.length ? BigInt(rows[rows.length - 1]!.address) : 0n;
      for (let i = 1; rows.length < count; i++) rows.push(pad(last + BigInt(i)));
      response.body = { instructions: rows.slice(0, count) };
      this.sendResponse(response);
    });
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    this.guard(response, () => {
      const run = this.run;
      if (!run) throw new UserError('No program is loaded.');
      const content = run.sources.content(args.sourceReference || (args.source?.sourceReference ?? 0), args.source?.path);
      if (content === undefined) throw new UserError('This source is not available.');
      response.body = { content, mimeType: 'text/plain' };
      this.sendResponse(response);
    });
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: this.run ? this.run.sources.all() : [] };
    this.sendResponse(response);
  }
}

/** Every backend's filters, each id once (the first backend's wording wins). */
function unionOfFilters(backends: readonly Backend[]): ExceptionFilter[] {
  const byId = new Map<string, ExceptionFilter>();
  for (const b of backends) for (const f of b.exceptionFilters) if (!byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()];
}

function granularity(g: DebugProtocol.SteppingGranularity | undefined): Granularity {
  return g === 'instruction' ? 'instruction' : 'statement';
}

function formatOf(format: DebugProtocol.ValueFormat | undefined): ValueFormat {
  return { hex: format?.hex === true };
}
