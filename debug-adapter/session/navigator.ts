// Moves the current position through a recorded execution: the step rules (Stepper) combined with what
// stops a run (Triggers). It knows nothing of DAP: each move returns where to stop and why, or that the
// recording ended, plus the logpoint output produced on the way.

import type { ExceptionEvent, Execution } from '../core/execution.ts';
import { StatementIndex } from './statement-index.ts';
import { Stepper } from './stepping.ts';
import { Triggers, type Event, type LogLine, type Trigger } from './triggers.ts';

export type StopReason =
  | 'entry'
  | 'step'
  | 'breakpoint'
  | 'exception'
  | 'pause'
  | 'data breakpoint'
  | 'function breakpoint'
  | 'instruction breakpoint'
  /** The last step of the recording (with the `stopAtEnd` launch option). */
  | 'end';

export interface Stop {
  readonly step: number;
  readonly reason: StopReason;
  readonly hitBreakpointIds?: readonly number[];
  readonly exception?: ExceptionEvent;
  /** Shown with the stop, e.g. the error of a breakpoint condition. */
  readonly text?: string;
}

export type Move =
  | { readonly kind: 'stop'; readonly stop: Stop; readonly logs: readonly LogLine[]; readonly logsTruncated: boolean }
  | { readonly kind: 'end'; readonly logs: readonly LogLine[]; readonly logsTruncated: boolean };

export type Granularity = 'statement' | 'instruction';

const LOG_LIMIT = 1000;
const HISTORY_LIMIT = 10_000;

export class Navigator {
  readonly index: StatementIndex;
  readonly stepper: Stepper;
  readonly triggers: Triggers;
  /** Steps over / into taken, so a step back returns exactly to where the last one started. */
  private history: { from: number; to: number }[] = [];

  constructor(readonly execution: Execution) {
    this.index = new StatementIndex(execution);
    this.stepper = new Stepper(execution, this.index);
    this.triggers = new Triggers(execution);
  }

  get entryStep(): number {
    return this.index.entryStep;
  }

  /** Where a launch stops: on entry, or at the first breakpoint/exception, or the end. */
  start(stopOnEntry: boolean): Move {
    this.history = [];
    if (stopOnEntry) return this.stopAt({ step: this.entryStep, reason: 'entry' });
    return this.forward(-1, undefined, 'step');
  }

  continue(from: number): Move {
    return this.forward(from, undefined, 'step');
  }

  /** Without any source mapping, statements mean nothing: every step is by instruction. */
  private effective(granularity: Granularity): Granularity {
    return this.index.maxLineId < 0 ? 'instruction' : granularity;
  }

  next(from: number, granularity: Granularity = 'statement'): Move {
    if (this.effective(granularity) === 'instruction') return this.instructionForward(from);
    return this.recorded(from, this.forward(from, this.stepper.next(from), 'step'));
  }

  stepIn(from: number, granularity: Granularity = 'statement'): Move {
    if (this.effective(granularity) === 'instruction') return this.instructionForward(from);
    return this.recorded(from, this.forward(from, this.stepper.stepIn(from), 'step'));
  }

  stepOut(from: number, granularity: Granularity = 'statement'): Move {
    // Out of the current frame is the same at both granularities; without source, to any caller step.
    void granularity;
    // Not undone exactly by a step back: that would skip the callee's statements after `from`, which
    // stepping forward visits (step back retraces them instead).
    return this.forward(from, this.stepper.stepOut(from, this.index.maxLineId >= 0), 'step');
  }

  stepBack(from: number, granularity: Granularity = 'statement'): Move {
    if (this.effective(granularity) === 'instruction') {
      if (from <= 0) return this.stopAt({ step: 0, reason: 'entry' });
      return this.backward(from, from - 1);
    }
    const last = this.history[this.history.length - 1];
    let target: number;
    if (last && last.to === from) {
      this.history.pop();
      target = last.from;
    } else {
      target = this.stepper.stepBack(from) ?? this.entryStep;
    }
    if (target >= from) return this.stopAt({ step: from, reason: 'entry' });
    return this.backward(from, target);
  }

  /** Steps where the current statement calls into a function (one per call, in order, at most `limit`). */
  stepInTargets(from: number, limit = 50): number[] {
    const x = this.execution;
    const depth = x.depth(from);
    const end = this.stepper.next(from) ?? x.stepCount;
    const entries: number[] = [];
    for (let t = from + 1; t < end && entries.length < limit; t++) {
      if (x.depth(t) === depth + 1 && x.depth(t - 1) === depth) entries.push(t);
    }
    return entries;
  }

  /** Step into the call entered at `entry` (from stepInTargets): its first step with source, else its entry. */
  stepInto(from: number, entry: number): Move {
    const x = this.execution;
    const depth = x.depth(entry);
    let target = entry;
    for (let t = entry; t < x.stepCount && x.depth(t) >= depth; t++) {
      if (x.lineId(t) >= 0) {
        target = t;
        break;
      }
    }
    return this.recorded(from, this.forward(from, target, 'step'));
  }

  reverseContinue(from: number): Move {
    const event = from > 0 ? this.triggers.find(from, 0, false) : undefined;
    if (event) return this.stopAt(this.eventStop(event));
    return this.stopAt({ step: Math.min(from, this.entryStep), reason: 'entry' });
  }

  /** Steps where execution arrives at any of these lines (statement starts), sorted. */
  lineHits(lineIds: readonly number[]): Int32Array {
    const { startSteps, startLines, maxLineId } = this.index;
    const wanted = new Uint8Array(maxLineId + 1);
    for (const id of lineIds) if (id >= 0 && id <= maxLineId) wanted[id] = 1;
    // Two passes over the typed arrays: count, then fill (no intermediate arrays).
    let count = 0;
    for (let i = 0; i < startLines.length; i++) count += wanted[startLines[i]!]!;
    const hits = new Int32Array(count);
    for (let i = 0, j = 0; j < count; i++) if (wanted[startLines[i]!]) hits[j++] = startSteps[i]!;
    return hits;
  }

  /**
   * Steps where a function whose frame name `matches` starts (its first step with source, else its entry),
   * sorted. Call entries are found once per recording; names once per distinct entry instruction.
   */
  functionHits(matches: (frameName: string) => boolean): Int32Array {
    const x = this.execution;
    if (!this.callEntries) {
      let entries = new Int32Array(256);
      let n = 0;
      let previous = -1;
      for (let step = 0; step < x.stepCount; step++) {
        const depth = x.depth(step);
        if (depth > previous) {
          if (n === entries.length) {
            const grown = new Int32Array(n * 2);
            grown.set(entries);
            entries = grown;
          }
          entries[n++] = step;
        }
        previous = depth;
      }
      this.callEntries = entries.slice(0, n);
    }
    const names = new Map<string, string>();
    const hits: number[] = [];
    for (const entry of this.callEntries) {
      const key = `${x.codeId(entry)}:${x.pc(entry)}`;
      let name = names.get(key);
      if (name === undefined) {
        name = x.frames(entry)[0]?.name ?? '';
        names.set(key, name);
      }
      if (!matches(name)) continue;
      const depth = x.depth(entry);
      let target = entry;
      for (let t = entry; t < x.stepCount && x.depth(t) >= depth && t < entry + 10_000; t++) {
        if (x.lineId(t) >= 0) {
          target = t;
          break;
        }
      }
      hits.push(target);
    }
    return Int32Array.from(new Set(hits)).sort();
  }
  private callEntries: Int32Array | undefined;

  /** Steps executing the instruction at (codeId, pc), sorted. */
  instructionHits(codeId: number, pc: number): Int32Array {
    const x = this.execution;
    const out: number[] = [];
    for (let step = 0; step < x.stepCount; step++) if (x.pc(step) === pc && x.codeId(step) === codeId) out.push(step);
    return Int32Array.from(out);
  }

  private instructionForward(from: number): Move {
    const to = from + 1;
    if (to >= this.execution.stepCount) return this.forward(from, undefined, 'step');
    return this.forward(from, to, 'step');
  }

  /**
   * Run forwards from `from` (exclusive) to `target` (or the end), stopping earlier at a breakpoint or a
   * chosen exception. Logpoints on the way print.
   */
  private forward(from: number, target: number | undefined, reason: StopReason): Move {
    const end = this.execution.stepCount - 1;
    const limit = target ?? end;
    const event = limit > from ? this.triggers.find(from, limit, true) : undefined;
    const stopStep = event ? event.step : target;
    const { lines, truncated } = this.triggers.logs(from, stopStep ?? end, LOG_LIMIT);
    if (event) return { kind: 'stop', stop: this.eventStop(event), logs: lines, logsTruncated: truncated };
    if (target === undefined) return { kind: 'end', logs: lines, logsTruncated: truncated };
    return { kind: 'stop', stop: { step: target, reason }, logs: lines, logsTruncated: truncated };
  }

  /** Run backwards from `from` (exclusive) to `target`, stopping later at a breakpoint or exception. */
  private backward(from: number, target: number): Move {
    const event = this.triggers.find(from, target, false);
    if (event) return this.stopAt(this.eventStop(event));
    return this.stopAt({ step: target, reason: 'step' });
  }

  private recorded(from: number, move: Move): Move {
    if (move.kind === 'stop') {
      this.history.push({ from, to: move.stop.step });
      if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    }
    return move;
  }

  private stopAt(stop: Stop): Move {
    return { kind: 'stop', stop, logs: [], logsTruncated: false };
  }

  private eventStop(event: Event): Stop {
    if (event.type === 'exception') return { step: event.step, reason: 'exception', exception: event.exception };
    const kinds = new Set(event.triggers.map((t: Trigger) => t.kind));
    const reason: StopReason = kinds.has('breakpoint')
      ? 'breakpoint'
      : kinds.has('function breakpoint')
        ? 'function breakpoint'
        : kinds.has('data breakpoint')
        ? 'data breakpoint'
        : 'instruction breakpoint';
    return {
      step: event.step,
      reason,
      hitBreakpointIds: event.triggers.map((t) => t.id),
      ...(event.error ? { text: `Breakpoint condition failed: ${event.error}` } : {}),
    };
  }
}
