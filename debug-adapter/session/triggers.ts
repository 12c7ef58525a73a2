// Everything that can stop a run through the recording besides the step rules: line, instruction and data
// breakpoints (with conditions, hit conditions, logpoints) and exceptions chosen by the exception filters.
//
// Because the execution is recorded, the steps at which each breakpoint is reached are computed once when it
// is set (one pass over the statement starts or the steps) and kept sorted; continue and reverse continue
// then binary-search them instead of walking millions of steps. A hit's number is its position in the whole
// recording (the 3rd time the line is reached is hit 3 whichever direction the user came from).

import type { ExceptionEvent, ExceptionKind, Execution } from '../core/execution.ts';
import { EvaluationError } from '../core/errors.ts';

export type TriggerKind = 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint';

export interface Trigger {
  readonly id: number;
  readonly kind: TriggerKind;
  /** Sorted steps at which the breakpoint is reached. */
  readonly hits: ArrayLike<number>;
  readonly condition?: string;
  readonly hitCondition?: HitCondition;
  /** A logpoint: prints instead of stopping. */
  readonly logMessage?: string;
}

export interface HitCondition {
  readonly text: string;
  matches(hit: number): boolean;
}

/** `N` (the Nth hit and later), `== N`, `> N`, `>= N`, `< N`, `<= N`, `% N` (every Nth hit). */
export function parseHitCondition(text: string): HitCondition {
  const m = /^\s*(==|=|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new EvaluationError(`hit count must be a number, optionally after ==, >, >=, <, <= or %: "${text}"`);
  const n = Number(m[2]);
  const op = m[1] ?? '>=';
  if (op === '%' && n === 0) throw new EvaluationError('hit count "% 0" divides by zero');
  const test: (hit: number) => boolean =
    op === '==' || op === '='
      ? (h) => h === n
      : op === '>'
        ? (h) => h > n
        : op === '>='
          ? (h) => h >= n
          : op === '<'
            ? (h) => h < n
            : op === '<='
              ? (h) => h <= n
              : (h) => h % n === 0;
  return { text, matches: test };
}

/** Truth of a rendered value, for conditions: booleans and numbers (non-zero is true). */
export function isTruthy(value: string): boolean {
  const v = value.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+$/.test(v)) return BigInt(v) !== 0n;
  if (/^0x[0-9a-fA-F]+$/.test(v)) return BigInt(v) !== 0n;
  throw new EvaluationError(`the condition must give a boolean or a number, not ${v}`);
}

export interface ExceptionFilters {
  readonly kinds: ReadonlySet<ExceptionKind>;
  /** Also stop on failures a caller catches (try/catch, low-level call). */
  readonly caught: boolean;
}

/** Something found in a range of steps. */
export type Event =
  | { readonly type: 'trigger'; readonly step: number; readonly triggers: Trigger[]; readonly error?: string }
  | { readonly type: 'exception'; readonly step: number; readonly exception: ExceptionEvent };

export interface LogLine {
  readonly step: number;
  readonly text: string;
  readonly trigger: Trigger;
}

/** First index in sorted `a` with a[i] >= value. */
export function lowerBound(a: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Triggers {
  private lines = new Map<string, Trigger[]>(); // per source key
  private instructions: Trigger[] = [];
  private functions: Trigger[] = [];
  private data: Trigger[] = [];
  private exceptions: readonly ExceptionEvent[];
  private exceptionSteps: number[];
  filters: ExceptionFilters = { kinds: new Set(), caught: false };

  constructor(private readonly execution: Execution) {
    this.exceptions = [...execution.exceptions].sort((a, b) => a.step - b.step);
    this.exceptionSteps = this.exceptions.map((e) => e.step);
  }

  setLineBreakpoints(sourceKey: string, triggers: Trigger[]): void {
    this.lines.set(sourceKey, triggers);
  }
  setInstructionBreakpoints(triggers: Trigger[]): void {
    this.instructions = triggers;
  }
  setFunctionBreakpoints(triggers: Trigger[]): void {
    this.functions = triggers;
  }
  setDataBreakpoints(triggers: Trigger[]): void {
    this.data = triggers;
  }

  private all(): Trigger[] {
    const out: Trigger[] = [];
    for (const list of this.lines.values()) out.push(...list);
    out.push(...this.functions, ...this.instructions, ...this.data);
    return out;
  }

  private stoppingException(e: ExceptionEvent): boolean {
    return this.filters.kinds.has(e.kind) && (!e.caught || this.filters.caught);
  }

  /** Does this hit of the trigger stop (or log)? Throws EvaluationError from the condition. */
  private qualifies(trigger: Trigger, hitIndex: number, step: number): boolean {
    if (trigger.hitCondition && !trigger.hitCondition.matches(hitIndex + 1)) return false;
    if (trigger.condition === undefined || trigger.condition.trim() === '') return true;
    const value = this.execution.evaluate(step, 0, trigger.condition, { hex: false });
    return isTruthy(value.value);
  }

  /**
   * The earliest event with from < step <= to (forwards) or the latest with to <= step < from (backwards).
   * A condition that cannot be evaluated stops, with its error.
   */
  find(from: number, to: number, forward: boolean): Event | undefined {
    let best: Event | undefined;
    const better = (step: number) =>
      best === undefined ? true : forward ? step <= best.step : step >= best.step;
    const inRange = (step: number) => (forward ? step > from && step <= to : step >= to && step < from);
    for (const trigger of this.all()) {
      if (trigger.logMessage !== undefined) continue;
      const hits = trigger.hits;
      let i = forward ? lowerBound(hits, from + 1) : lowerBound(hits, from) - 1;
      for (; i >= 0 && i < hits.length; i += forward ? 1 : -1) {
        const step = hits[i]!;
        if (!inRange(step) || !better(step)) break;
        let error: string | undefined;
        let stops: boolean;
        try {
          stops = this.qualifies(trigger, i, step);
        } catch (e) {
          stops = true;
          error = e instanceof Error ? e.message : String(e);
        }
        if (!stops) continue;
        if (best && best.step === step && best.type === 'trigger') best.triggers.push(trigger);
        else best = { type: 'trigger', step, triggers: [trigger], ...(error ? { error } : {}) };
        break;
      }
    }
    const ex = this.exceptions;
    let i = forward ? lowerBound(this.exceptionSteps, from + 1) : lowerBound(this.exceptionSteps, from) - 1;
    for (; i >= 0 && i < ex.length; i += forward ? 1 : -1) {
      const e = ex[i]!;
      if (!inRange(e.step)) break;
      if (!this.stoppingException(e)) continue;
      // At the same step an exception wins: it says more about why execution stopped there.
      if (best === undefined || (forward ? e.step <= best.step : e.step >= best.step)) {
        best = { type: 'exception', step: e.step, exception: e };
      }
      break;
    }
    return best;
  }

  /** Logpoint messages for steps in from < step <= to, in execution order, at most `limit`. */
  logs(from: number, to: number, limit: number): { lines: LogLine[]; truncated: boolean } {
    const lines: LogLine[] = [];
    let truncated = false;
    for (const trigger of this.all()) {
      if (trigger.logMessage === undefined) continue;
      const hits = trigger.hits;
      for (let i = lowerBound(hits, from + 1); i < hits.length && hits[i]! <= to; i++) {
        const step = hits[i]!;
        let text: string;
        try {
          if (!this.qualifies(trigger, i, step)) continue;
          text = this.interpolate(trigger.logMessage, step);
        } catch (e) {
          text = `logpoint: ${e instanceof Error ? e.message : String(e)}`;
        }
        if (lines.length >= limit) {
          truncated = true;
          break;
        }
        lines.push({ step, text, trigger });
      }
    }
    lines.sort((a, b) => a.step - b.step);
    return { lines, truncated };
  }

  /** `{expr}` parts are evaluated at the step; `{{` and `}}` are literal braces. */
  interpolate(message: string, step: number): string {
    return message.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, expr: string | undefined) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      try {
        return this.execution.evaluate(step, 0, expr!, { hex: false }).value;
      } catch (e) {
        return `<${e instanceof Error ? e.message : String(e)}>`;
      }
    });
  }
}
