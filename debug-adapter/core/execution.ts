// The contract between a VM backend and the debug session.
//
// A backend (EVM, Move) runs a call once and hands the session a recorded Execution: every step of the
// call, addressable by index, from which any moment can be rebuilt. The session (stepping, breakpoints,
// reverse execution, frames, variable paging, DAP) is written once against this interface and never
// knows opcodes; a backend never imports DAP or VS Code types. Everything here is plain data.

import type { BackendCommand } from './command-line.ts';
import type { GasMeasurement } from './line-gas.ts';

/** A source file a backend can map steps to. Generated sources (e.g. Yul helpers) carry their text. */
export interface SourceFile {
  /** Absolute path on disk, or a stable pseudo-path for generated sources (e.g. "generated/#utility.yul"). */
  readonly path: string;
  /** Short name shown in the editor tab and the call stack. */
  readonly name: string;
  /** The text, when the source is not a file on disk (generated code, or sources embedded in build output). */
  readonly content?: string;
  /** Generated or embedded sources are shown read-only. */
  readonly readOnly: boolean;
  /** Other files with the same text (a build's copy of a package source): a breakpoint set in one binds here. */
  readonly copies?: readonly string[];
}

/** 1-based lines and columns; columns count UTF-16 code units as editors do. */
export interface SourceRange {
  readonly source: number; // index into Execution.sources
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** One instruction of code, for the disassembly view. */
export interface Instruction {
  /** Instruction reference understood by the same backend (see Execution.instructionRef). */
  readonly ref: string;
  /** Offset of the instruction in its code (EVM pc, Move code offset). */
  readonly pc: number;
  /** Human-readable text, e.g. "PUSH1 0x80" or "CALL 0x1::vector::length<u64>". */
  readonly text: string;
  /** Raw bytes as hex, when meaningful. */
  readonly bytes?: string;
  /** Name of the code unit it belongs to ("Token.transfer", "0x2::coin"), shown as a symbol. */
  readonly symbol?: string;
  readonly location?: SourceRange;
}

/** How numbers are rendered (DAP `format.hex`). */
export interface ValueFormat {
  readonly hex: boolean;
}

/** Children of a structured value, fetched page by page so huge arrays and maps never load at once. */
export interface Children {
  /** Number of named children (struct fields, mapping entries, scope members). */
  readonly named: number;
  /** Number of indexed children (array or vector elements). */
  readonly indexed: number;
  /** Named children come first; `start` counts within the chosen kind (all named, then all indexed, when kind is absent). */
  get(kind: 'named' | 'indexed' | undefined, start: number, count: number, format: ValueFormat): Variable[];
}

/** A value as the user sees it: a name, its rendering, and maybe children. */
export interface Variable {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
  /** An expression that evaluates to this value, for "Add to watch" / "Copy as expression". */
  readonly evaluateName?: string;
  /**
   * Reference for readMemory (the memory view), when the value lives in byte-addressable memory. A numeric
   * reference ("0x80") is the address of the value's first byte: the session reports addresses relative to it.
   */
  readonly memoryReference?: string;
  /** Rendering hints: "readOnly", "virtual" (computed, not stored), "unavailable" (cannot be decoded truthfully). */
  readonly hint?: 'readOnly' | 'virtual' | 'unavailable';
  readonly children?: Children;
}

/** A group of variables in the Variables view: Parameters, Locals, State, Stack, Memory, ... */
export interface Scope {
  readonly name: string;
  /** DAP presentation hint: "arguments", "locals", "registers", or none. */
  readonly kind?: 'arguments' | 'locals' | 'registers';
  /** Expensive scopes are collapsed by default (VS Code does not fetch them until opened). */
  readonly expensive: boolean;
  readonly children: Children;
}

/** A frame of the call stack at a step. Frames are innermost first. */
export interface Frame {
  /** "Token.transfer", "0x2::coin::split<0x2::sui::SUI>", "0xabc…(unknown code)". */
  readonly name: string;
  /** Where this frame currently is: for the innermost frame the step itself; for callers, their call site. */
  readonly location?: SourceRange;
  /** The instruction this frame is at (for callers: the call instruction). */
  readonly instructionRef: string;
  /** The step at which this frame's location holds (the call step for callers). */
  readonly step: number;
  /** "subtle" frames are de-emphasised (e.g. code without sources, generated helpers). */
  readonly hint?: 'normal' | 'subtle';
}

/**
 * A kind of failure, named by the backend that reports it ("revert", "abort", ...): one of the `kinds` of
 * the backend's exception filters, so the session knows which filter stops on it without knowing the VM.
 */
export type ExceptionKind = string;

/** A kind of failure a user can choose to stop on: a DAP exception breakpoint filter a backend offers. */
export interface ExceptionFilter {
  /** The DAP filter id; stable, as editors remember which filters a user turned on. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** On unless the user turns it off. */
  readonly default: boolean;
  /**
   * The ExceptionEvent kinds this filter stops on. A filter without kinds widens the others: with it on,
   * failures a caller catches (`ExceptionEvent.caught`) stop too; without it, only uncaught ones do.
   */
  readonly kinds?: readonly ExceptionKind[];
}

/** A failure that happened during the recorded execution. */
export interface ExceptionEvent {
  /** The step of the failing instruction. */
  readonly step: number;
  readonly kind: ExceptionKind;
  /** True when a caller caught it (try/catch, low-level call): such events stop only when asked. */
  readonly caught: boolean;
  /** One line: `InsufficientBalance(requested: 100, available: 5)`, `Panic(0x11): arithmetic overflow`. */
  readonly summary: string;
  /** Longer text: raw data, the frame it came from, ... */
  readonly details?: string;
}

/** How the recorded call ended, reported even when no exception filter is set. */
export interface Outcome {
  readonly success: boolean;
  /** One line: "returned (true)", "reverted: InsufficientBalance(requested: 100, available: 5)". */
  readonly summary: string;
  /** Gas the call's execution used (EVM: without the transaction's intrinsic cost and refunds). */
  readonly gasUsed?: bigint;
  /** Decoded return values or further explanation, one per line. */
  readonly details?: readonly string[];
}

/** A value a data breakpoint can watch. */
export interface DataTarget {
  readonly dataId: string;
  readonly description: string;
}

/** Text the program produced (logs, events, debug prints), shown in the Debug Console. */
export interface OutputLine {
  readonly step: number;
  readonly text: string;
}

/**
 * A recorded execution. Steps are numbered 0..stepCount-1; a step is one instruction about to execute
 * (its state is the state before that instruction). Per-step queries used by stepping and breakpoint
 * scans (lineId, depth, codeId, pc) must be O(1) and allocation-free: the session scans millions of them.
 */
export interface Execution {
  /** Which backend recorded it ("evm", "move"), for messages. */
  readonly vm: string;
  readonly sources: readonly SourceFile[];
  readonly stepCount: number;

  /**
   * A dense id for the (source, line) of the statement at a step; steps with the same id are on the same
   * line. -1 where a user should not stop (no source mapping, dispatcher code, whole-function ranges).
   */
  lineId(step: number): number;
  /** Call depth at a step, counting external and internal (source-level) frames; 0 for the outermost. */
  depth(step: number): number;
  /** Dense id of the code unit being executed (a contract's runtime code, a Move function). */
  codeId(step: number): number;
  /** Offset of the instruction within its code unit. */
  pc(step: number): number;

  /** Exact source range at a step (may be finer than its line), or undefined without source mapping. */
  location(step: number): SourceRange | undefined;
  /** "codeId:pc" style reference of the instruction at a step, for the disassembly view. */
  instructionRef(step: number): string;
  /** Parse an instruction reference back; undefined when it is not one of ours. */
  parseInstructionRef(ref: string): { codeId: number; pc: number } | undefined;

  /** Lines of a source that have code (sorted, 1-based): breakpoints snap to the nearest following one. */
  breakableLines(source: number): readonly number[];
  /** The lineId of (source, line), or -1 when no step maps there. */
  lineIdOf(source: number, line: number): number;
  /**
   * The function (or other body of code) around a line, when the backend knows it: a breakpoint on a line
   * without code moves to the next line with code only within it, never into the next function.
   */
  enclosingFunction?(source: number, line: number): { readonly name: string; readonly lastLine: number } | undefined;

  frames(step: number): Frame[];
  scopes(step: number, frameIndex: number): Scope[];
  /** `instructionOffset` counts instructions (negative: before); returns exactly `count` entries where code allows. */
  disassemble(ref: string, instructionOffset: number, count: number): Instruction[];

  readonly exceptions: readonly ExceptionEvent[];
  readonly outcome: Outcome;
  readonly output: readonly OutputLine[];

  /**
   * Evaluate an expression in the context of a frame at a step (watch, hover, conditional breakpoints,
   * logpoints). Throws EvaluationError with a user-facing message on a bad expression.
   */
  evaluate(step: number, frameIndex: number, expression: string, format: ValueFormat): Variable;

  /** What a data breakpoint on `name` (inside `container`, a variable's evaluateName, when given) would watch. */
  dataTarget(step: number, frameIndex: number, name: string, container?: string): DataTarget | undefined;
  /** Steps (sorted) at which the watched value is written; undefined for a dataId this backend never gives out. */
  writeSteps(dataId: string): readonly number[] | undefined;

  /**
   * Gas per source line measured from the recording (see line-gas.ts), when the VM recorded gas: a
   * generator doing a slice of the recording per `next()`, so a session runs it between requests. Sent to
   * the client after launch for per-line hints, the hover breakdown, the function lens and the flame graph.
   */
  lineGas?(): GasMeasurement;

  /** Bytes of a memory reference as they were at a step; fewer bytes (or none) past the end. */
  readMemory(step: number, memoryReference: string, offset: number, count: number): Uint8Array;

  /**
   * This recording as plain data, for a recording file (core/recording-file.ts) that the same backend's
   * `openRecording` turns back into an identical Execution on another machine. Absent: cannot be saved.
   */
  saveRecording?(): SavedRecording;
}

/** A recording as a file holds it: its source texts and whatever its backend needs, as JSON data. */
export interface SavedRecording {
  /** One line naming what was recorded: "Vault.withdraw(uint256): reverted: ...". */
  readonly title: string;
  /**
   * Every source the recording maps to, by its absolute path on the recording machine; also other files
   * the backend needs placed beside them (a Move build), `base64` for bytes that are not text.
   */
  readonly sources: readonly { readonly path: string; readonly content: string; readonly base64?: boolean }[];
  /** The backend's own data (JSON: no bigints, no typed arrays). */
  readonly data: unknown;
}

/** A recording file's data handed back to its backend, with where its sources are on this machine. */
export interface RecordingToOpen {
  readonly data: unknown;
  /** The path on this machine of a source recorded at `original`. */
  sourcePath(original: string): string;
}

/** Reports progress while compiling and recording; `fraction` is 0..1 when known. */
export type Progress = (message: string, fraction?: number) => void;

/**
 * Tells the user what the launch did, one line each, in the Debug Console: what was compiled, deployed, set
 * up, and anything they should know (`warning`: e.g. a contract too large for a real chain).
 */
export type Report = (line: string, kind?: 'info' | 'warning') => void;

/** A VM backend: turns a launch configuration into a recorded execution. */
export interface Backend {
  /** What `program` it debugs, completing "expected ...": "a .sol file or a folder of Solidity sources". */
  readonly programs: string;
  /** The failures a user can choose to stop on in its recordings. */
  readonly exceptionFilters: readonly ExceptionFilter[];
  /** Commands it adds to the `chainstep` command line. */
  readonly commands?: readonly BackendCommand[];
  /** True when this backend handles the configuration (e.g. by file type of `program`). */
  accepts(config: LaunchConfig): boolean;
  /** Compile/load, run and record. Throws UserError with a clear message for anything the user can fix. */
  launch(config: LaunchConfig, progress: Progress, cancel: AbortSignal, report?: Report): Promise<Execution>;
  /** The `vm` of the Executions it records: recording files saved from them name it. */
  readonly vm?: string;
  /** Rebuilds an Execution from a recording file this backend's `saveRecording` wrote. UserError on bad data. */
  openRecording?(saved: RecordingToOpen, progress: Progress, report: Report): Promise<Execution>;
}

/** Launch configuration fields shared by both VMs (see package.json for their documentation). */
export interface LaunchConfig {
  readonly program: string;
  /** Working folder: relative paths resolve against it. */
  readonly cwd?: string;
  readonly function?: string;
  readonly args?: readonly unknown[];
  readonly stopOnEntry?: boolean;
  readonly [field: string]: unknown;
}
