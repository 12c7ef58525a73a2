// The breakpoints a client asked for (line, function, instruction, data, exception filters), kept across
// launches and restarts, and resolved against a recording into Triggers. Ids stay the same while a
// breakpoint stays put, so the editor's breakpoint identities hold.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExceptionFilter, ExceptionKind, Execution } from '../core/execution.ts';
import type { InstructionAddresses } from './addresses.ts';
import type { Navigator } from './navigator.ts';
import { sourceKey, type SourceTable } from './sources.ts';
import { parseHitCondition, type HitCondition, type Trigger } from './triggers.ts';

/** A backend's exception filters as DAP presents them. */
export function toDapFilters(filters: readonly ExceptionFilter[]): DebugProtocol.ExceptionBreakpointsFilter[] {
  return filters.map((f) => ({ filter: f.id, label: f.label, description: f.description, default: f.default }));
}

/**
 * Which failures stop, from the filter ids the client turned on: the kinds of those filters that the
 * recording's backend offers (an id of another backend names nothing here), and whether caught failures stop too.
 */
function filterKinds(enabled: readonly string[], offered: readonly ExceptionFilter[]): { kinds: Set<ExceptionKind>; caught: boolean } {
  const kinds = new Set<ExceptionKind>();
  let caught = false;
  for (const f of offered) {
    if (!enabled.includes(f.id)) continue;
    if (f.kinds) for (const k of f.kinds) kinds.add(k);
    else caught = true;
  }
  return { kinds, caught };
}

/** What breakpoints resolve against: one recording and its tables. */
export interface BreakpointTarget {
  readonly execution: Execution;
  /** The exception filters of the backend that recorded it. */
  readonly filters: readonly ExceptionFilter[];
  readonly navigator: Navigator;
  readonly sources: SourceTable;
  readonly addresses: InstructionAddresses;
}

interface Requested<S> {
  readonly id: number;
  readonly spec: S;
}

let counter = 0;

/** Reuses the id of an earlier request that `same` considers the same breakpoint. */
function withIds<S>(specs: readonly S[], previous: readonly Requested<S>[], same: (a: S, b: S) => boolean): Requested<S>[] {
  return specs.map((spec) => ({ id: previous.find((p) => same(p.spec, spec))?.id ?? ++counter, spec }));
}

/** Parses a hit condition, or returns the unverified breakpoint that explains why it cannot. */
function hitConditionOf(text: string | undefined): HitCondition | undefined | { error: string } {
  if (!text) return undefined;
  try {
    return parseHitCondition(text);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function optional(spec: { condition?: string }, hit: HitCondition | undefined): Partial<Trigger> {
  return { ...(spec.condition ? { condition: spec.condition } : {}), ...(hit ? { hitCondition: hit } : {}) };
}

export class BreakpointRequests {
  private readonly lines = new Map<string, { source: DebugProtocol.Source; breakpoints: Requested<DebugProtocol.SourceBreakpoint>[] }>();
  private instructions: Requested<DebugProtocol.InstructionBreakpoint>[] = [];
  private data: Requested<DebugProtocol.DataBreakpoint>[] = [];
  private functions: Requested<DebugProtocol.FunctionBreakpoint>[] = [];
  /** Until the client says otherwise: the filters on by default. */
  private exceptionFilters: string[];

  constructor(offered: readonly ExceptionFilter[]) {
    this.exceptionFilters = offered.filter((f) => f.default).map((f) => f.id);
  }

  setLines(source: DebugProtocol.Source, specs: readonly DebugProtocol.SourceBreakpoint[], target: BreakpointTarget | undefined): DebugProtocol.Breakpoint[] {
    const key = sourceKey(source);
    const breakpoints = withIds(specs, this.lines.get(key)?.breakpoints ?? [], (a, b) => a.line === b.line);
    this.lines.set(key, { source, breakpoints });
    return this.installLines(key, target);
  }

  setInstructions(specs: readonly DebugProtocol.InstructionBreakpoint[], target: BreakpointTarget | undefined): DebugProtocol.Breakpoint[] {
    this.instructions = withIds(specs, this.instructions, (a, b) => a.instructionReference === b.instructionReference && a.offset === b.offset);
    return target ? this.installInstructions(target) : [];
  }

  setData(specs: readonly DebugProtocol.DataBreakpoint[], target: BreakpointTarget | undefined): DebugProtocol.Breakpoint[] {
    this.data = withIds(specs, this.data, (a, b) => a.dataId === b.dataId);
    return target ? this.installData(target) : [];
  }

  setFunctions(specs: readonly DebugProtocol.FunctionBreakpoint[], target: BreakpointTarget | undefined): DebugProtocol.Breakpoint[] {
    this.functions = withIds(specs, this.functions, (a, b) => a.name === b.name);
    return target ? this.installFunctions(target) : [];
  }

  setExceptionFilters(filters: readonly string[], target: BreakpointTarget | undefined): void {
    this.exceptionFilters = [...filters];
    if (target) target.navigator.triggers.filters = filterKinds(this.exceptionFilters, target.filters);
  }

  /** Installs everything on a new recording; returns the line breakpoints as now resolved. */
  installAll(target: BreakpointTarget): DebugProtocol.Breakpoint[] {
    target.navigator.triggers.filters = filterKinds(this.exceptionFilters, target.filters);
    const resolved = [...this.lines.keys()].flatMap((key) => this.installLines(key, target));
    this.installInstructions(target);
    this.installData(target);
    this.installFunctions(target);
    return resolved;
  }

  /** Line breakpoints snap to the next line with code; none there, or a file not in the program: unverified. */
  private installLines(key: string, target: BreakpointTarget | undefined): DebugProtocol.Breakpoint[] {
    const request = this.lines.get(key)!;
    if (!target) {
      return request.breakpoints.map(({ id, spec }) => ({ id, verified: false, line: spec.line, message: 'Waiting for the program to be compiled.' }));
    }
    const x = target.execution;
    const source = target.sources.find(request.source);
    const triggers: Trigger[] = [];
    const result = request.breakpoints.map(({ id, spec }): DebugProtocol.Breakpoint => {
      const unverified = (message: string): DebugProtocol.Breakpoint => ({ id, verified: false, line: spec.line, message });
      if (source < 0) return unverified('This file is not part of the program being debugged.');
      const line = x.breakableLines(source).find((l) => l >= spec.line);
      if (line === undefined) return unverified('No code at or after this line.');
      const hit = hitConditionOf(spec.hitCondition);
      if (hit && 'error' in hit) return unverified(hit.error);
      triggers.push({
        id,
        kind: 'breakpoint',
        hits: target.navigator.lineHits([x.lineIdOf(source, line)]),
        ...optional(spec, hit),
        ...(spec.logMessage !== undefined ? { logMessage: spec.logMessage } : {}),
      });
      return { id, verified: true, line, source: target.sources.toDap(source) };
    });
    target.navigator.triggers.setLineBreakpoints(key, triggers);
    return result;
  }

  private installInstructions(target: BreakpointTarget): DebugProtocol.Breakpoint[] {
    const triggers: Trigger[] = [];
    const result = this.instructions.map(({ id, spec }): DebugProtocol.Breakpoint => {
      const at = target.addresses.decode(spec.instructionReference, spec.offset ?? 0);
      if (!at) return { id, verified: false, message: `Unknown instruction reference ${spec.instructionReference}.` };
      const hit = hitConditionOf(spec.hitCondition);
      if (hit && 'error' in hit) return { id, verified: false, message: hit.error };
      triggers.push({ id, kind: 'instruction breakpoint', hits: target.navigator.instructionHits(at.codeId, at.pc), ...optional(spec, hit) });
      return { id, verified: true, instructionReference: spec.instructionReference, offset: spec.offset ?? 0 };
    });
    target.navigator.triggers.setInstructionBreakpoints(triggers);
    return result;
  }

  private installData(target: BreakpointTarget): DebugProtocol.Breakpoint[] {
    const triggers: Trigger[] = [];
    const result = this.data.map(({ id, spec }): DebugProtocol.Breakpoint => {
      if (spec.accessType === 'read') return { id, verified: false, message: 'Chainstep watches writes only.' };
      const hit = hitConditionOf(spec.hitCondition);
      if (hit && 'error' in hit) return { id, verified: false, message: hit.error };
      const hits = target.execution.writeSteps(spec.dataId);
      if (!hits) return { id, verified: false, message: `Unknown data breakpoint ${JSON.stringify(spec.dataId)}: it does not name a value of this program.` };
      triggers.push({ id, kind: 'data breakpoint', hits, ...optional(spec, hit) });
      return { id, verified: true };
    });
    target.navigator.triggers.setDataBreakpoints(triggers);
    return result;
  }

  /** A function breakpoint names a frame exactly ("Token.transfer", "0x2::coin::split") or by its last part. */
  private installFunctions(target: BreakpointTarget): DebugProtocol.Breakpoint[] {
    const triggers: Trigger[] = [];
    const result = this.functions.map(({ id, spec }): DebugProtocol.Breakpoint => {
      const hit = hitConditionOf(spec.hitCondition);
      if (hit && 'error' in hit) return { id, verified: false, message: hit.error };
      const wanted = spec.name.trim();
      const hits = target.navigator.functionHits((frame) => {
        const name = frame.replace(/<.*$/, '');
        return name === wanted || name.endsWith(`.${wanted}`) || name.endsWith(`::${wanted}`);
      });
      triggers.push({ id, kind: 'function breakpoint', hits, ...optional(spec, hit) });
      return hits.length > 0 ? { id, verified: true } : { id, verified: false, message: `${wanted} is not called in this recording.` };
    });
    target.navigator.triggers.setFunctionBreakpoints(triggers);
    return result;
  }
}
