// A Move run saved to a recording file and opened again: the package as it was (Move.toml, sources and
// its build: bytecode, debug info, source maps), the framework snapshots the run loaded, and the run as a
// Sui trace (version 3, from our trace writer). Opening loads that package from the file's folder (never
// rebuilding it) and replays the trace, the launch mode a trace file from `sui` uses, so no compiler and
// no network are needed; the Debug Console lines and the failure are kept as the run gave them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { OutputLine, RecordingToOpen, SavedRecording } from '../../core/execution.ts';
import { loadPackage, type LoadedPackage } from '../package/index.ts';
import { parseTrace, readTraceFile } from '../trace/reader.ts';
import { CodeTable } from './code.ts';
import { MoveExecution, type MoveExecutionOptions } from './execution.ts';
import { recordTrace } from './from-trace.ts';

/** A package larger than this is not copied into a recording (a folder with unrelated data in it). */
const MAX_PACKAGE_BYTES = 256 * 1024 * 1024;
const TEXT_FILE = /\.(move|toml|json|lock|md|yaml|yml)$/;

/** What a run needs to be saved: where it came from and how to run it again with a trace writer. */
export interface MoveRun {
  readonly title: string;
  /** The folder launched (the package, or its build folder) and the package it belongs to. */
  readonly program: string;
  readonly pkg: LoadedPackage;
  /** Framework snapshot files the run loaded (`.bcs`). */
  readonly frameworks: readonly string[];
  readonly options: MoveExecutionOptions;
  /**
   * The run as a Sui trace: the trace file it was launched with (saved as it is), or the call run again
   * in the interpreter with a trace writer.
   */
  readonly trace: { readonly file: string } | (() => { readonly text: string; readonly steps: number });
}

interface MoveRecordingData {
  readonly kind: 'move-trace';
  readonly packageDir: string;
  /** A file of the package (relative to it): where it is placed tells where the package is. */
  readonly anchor: string;
  readonly program: string;
  readonly frameworks: readonly string[];
  /** The trace's text, or null when the trace file is among the saved files (`traceFile`). */
  readonly trace: string | null;
  readonly traceFile: string | null;
  readonly output: readonly OutputLine[];
  readonly failure: { readonly status: string; readonly message: string } | null;
  readonly abortCode: string | null;
}

/** The `save` option of a MoveExecution of `run`. */
export function saverOf(run: MoveRun): (execution: MoveExecution) => SavedRecording {
  return (execution) => saveMoveRecording(run, execution.stepCount, execution.output, execution.outcome.summary);
}

function saveMoveRecording(run: MoveRun, steps: number, output: readonly OutputLine[], summary: string): SavedRecording {
  const trace = typeof run.trace === 'function' ? run.trace() : undefined;
  // The interpreter is deterministic: a second run that differs means state the first run did not have.
  if (trace && trace.steps !== steps) throw new UserError(`This Move run could not be saved: running it again gave ${trace.steps} instructions instead of ${steps}.`);
  const traceFile = typeof run.trace === 'function' ? null : run.trace.file;
  const files = packageFiles(run.pkg.packageDir);
  const sources = [...files, ...run.frameworks, ...(traceFile !== null ? [traceFile] : [])].map((path) => {
    const bytes = readFileSync(path);
    return TEXT_FILE.test(path) ? { path, content: bytes.toString('utf8') } : { path, content: bytes.toString('base64'), base64: true };
  });
  const data: MoveRecordingData = {
    kind: 'move-trace', packageDir: run.pkg.packageDir, anchor: relative(run.pkg.packageDir, files[0]!), program: run.program, frameworks: run.frameworks, trace: trace?.text ?? null, traceFile, output,
    failure: run.options.failure ?? null, abortCode: run.options.abortCode === undefined ? null : run.options.abortCode.toString(),
  };
  return { title: `${run.title}: ${summary}`, sources, data };
}

/** Every file of the package folder, without hidden folders (.git) and node_modules. */
function packageFiles(dir: string): string[] {
  const files: string[] = [];
  let total = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      if (e.startsWith('.') || e === 'node_modules') continue;
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        total += st.size;
        if (total > MAX_PACKAGE_BYTES) throw new UserError(`This Move run could not be saved: its package folder ${dir} holds more than ${MAX_PACKAGE_BYTES / 1024 / 1024} MB.`);
        files.push(p);
      }
    }
  };
  walk(dir);
  return files;
}

export function openMoveRecording(saved: RecordingToOpen): MoveExecution {
  const d = saved.data as Partial<Record<keyof MoveRecordingData, unknown>> | null;
  const damaged = (what: string): never => {
    throw new UserError(`recording: the file is damaged (${what})`);
  };
  if (!d || typeof d !== 'object' || d.kind !== 'move-trace') damaged('data.kind');
  if (typeof d!.packageDir !== 'string' || typeof d!.program !== 'string') damaged('data');
  if (typeof d!.trace !== 'string' && typeof d!.traceFile !== 'string') damaged('data.trace');
  if (!Array.isArray(d!.frameworks) || !d!.frameworks.every((f) => typeof f === 'string')) damaged('data.frameworks');
  const output = Array.isArray(d!.output) && d!.output.every((o) => o && typeof o.text === 'string' && Number.isSafeInteger(o.step) && o.step >= 0)
    ? (d!.output as OutputLine[]) : damaged('data.output');
  const failure = d!.failure === null ? undefined : d!.failure as { status: string; message: string };
  if (failure !== undefined && (typeof failure?.status !== 'string' || typeof failure.message !== 'string')) damaged('data.failure');
  if (d!.abortCode !== null && (typeof d!.abortCode !== 'string' || !/^\d+$/.test(d!.abortCode))) damaged('data.abortCode');
  // The package's folder here: where one of its files was placed.
  const packageDir = d!.packageDir as string;
  if (typeof d!.anchor !== 'string' || d!.anchor === '') damaged('data.anchor');
  const anchor = join(packageDir, d!.anchor as string);
  const placedAnchor = saved.sourcePath(anchor);
  const here = placedAnchor === anchor ? damaged('data.anchor') : placedAnchor.slice(0, placedAnchor.length - (d!.anchor as string).length - 1);
  const program = join(here, relative(packageDir, d!.program as string).split(/[\\/]/).filter((p) => p !== '..').join(sep));
  const pkg = loadPackage(program, { frameworks: (d!.frameworks as string[]).map((f) => saved.sourcePath(f)) });
  const trace = typeof d!.trace === 'string' ? parseTrace(d!.trace, 'the recording\'s trace') : readTraceFile(saved.sourcePath(d!.traceFile as string));
  const recording = recordTrace(trace);
  const execution = new MoveExecution(recording, new CodeTable(pkg), {
    ...(failure ? { failure } : {}),
    ...(d!.abortCode !== null ? { abortCode: BigInt(d!.abortCode as string) } : {}),
  });
  // The Debug Console lines as the run printed them (debug::print, setup notes).
  (execution as { output: readonly OutputLine[] }).output = output;
  return execution;
}
