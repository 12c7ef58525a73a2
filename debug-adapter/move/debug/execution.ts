// The recorded Move execution as the debug session sees it (core/execution.ts): per-step columns
// (frame depth, function, pc, line), frames with type arguments, scopes rebuilt from the recording
// (parameters and locals by debug-info names, operand stack, objects touched, VM registers), the
// disassembly, aborts explained, and expressions over decoded values.
import { isDeepStrictEqual } from 'node:util';
import type {
  Children, DataTarget, ExceptionEvent, Execution, Frame, Instruction, Outcome, OutputLine, SavedRecording, Scope, SourceFile, SourceRange,
  ValueFormat, Variable,
} from '../../core/execution.ts';
import { listChildren } from '../../core/children.ts';
import type { GasMeasurement } from '../../core/line-gas.ts';
import { moveLineGas } from './gas.ts';
import { EvaluationError } from '../../core/errors.ts';
import { shortAddress } from '../binary/names.ts';
import type { TraceLocation, TraceMoveValue, TraceValue } from '../trace/format.ts';
import { CodeTable, type CodeUnit } from './code.ts';
import { childObjectEvents, childObjectsAt, objectEvents, objectsAt, ownerText, type ChildObjectEvent, type ObjectEvent } from './objects.ts';
import type { FunctionSourceMap } from '../package/source-map.ts';
import { evaluateExpression, exprText, isPath, parseExpression } from './evaluate.ts';
import { localNamesOf, shownLocals, type LocalName, type ShownLocal } from './locals.ts';
import { explainEnd } from './outcome.ts';
import { locationRoot, type MoveRecording, type MoveState, type RecordedFrame } from './recording.ts';
import { ValueRenderer, preview, typeTagText, type ReferenceTarget } from './values.ts';

export interface MoveExecutionOptions {
  /** A failure the recording itself does not carry (our interpreter's status with its message). */
  readonly failure?: { readonly status: string; readonly message: string };
  /** The abort code when the recording lacks it (a native aborted: traces do not record its code). */
  readonly abortCode?: bigint;
  /** Debug prints and other program output. */
  readonly output?: readonly OutputLine[];
  /** Saves this run to a recording file's data (debug/saved.ts), when it can be run again. */
  readonly save?: (execution: MoveExecution) => SavedRecording;
}

export class MoveExecution implements Execution {
  readonly vm = 'move' as const;
  readonly sources: readonly SourceFile[];
  readonly stepCount: number;
  readonly exceptions: ExceptionEvent[] = [];
  readonly outcome: Outcome;
  readonly output: readonly OutputLine[];

  readonly saveRecording?: () => SavedRecording;

  private readonly unitOfFrame: Int32Array;
  private readonly lineIds: Int32Array;
  /** Per step: 1 when it runs a macro body inlined into its function (one more frame on the stack). */
  private readonly inlined: Uint8Array;
  /** Per frame record: macro frames of its callers (a call made from a macro body sits one deeper). */
  private readonly extraDepth: Int32Array;
  /** Sui dynamic fields created and removed during the run, in call order. */
  private readonly childEvents: readonly ChildObjectEvent[];
  private readonly objectEvents: readonly ObjectEvent[];

  constructor(
    readonly recording: MoveRecording,
    readonly code: CodeTable,
    options: MoveExecutionOptions = {},
  ) {
    const rec = recording;
    this.stepCount = rec.stepCount;
    this.unitOfFrame = new Int32Array(rec.frames.length);
    for (const f of rec.frames) this.unitOfFrame[f.index] = code.unit(f.address, f.module, f.function, f.definitionIndex).id;
    // Code known only from the trace: its instructions are those the trace ran.
    const fromTrace = code.units.map((u) => !u.compiled && !u.disassembly);
    this.lineIds = new Int32Array(rec.stepCount);
    this.inlined = new Uint8Array(rec.stepCount);
    for (let s = 0; s < rec.stepCount; s++) {
      const unit = this.unitAt(s);
      if (fromTrace[unit.id]) unit.observed.set(rec.pc(s), rec.opcode(s));
      this.lineIds[s] = code.lineIdAt(unit, rec.pc(s));
      if (code.inlinedAt(unit, rec.pc(s))) this.inlined[s] = 1;
    }
    this.childEvents = childObjectEvents(rec.frames);
    this.objectEvents = objectEvents(rec.frames);
    this.extraDepth = new Int32Array(rec.frames.length);
    for (const f of rec.frames) {
      if (f.parent >= 0 && f.callStep >= 0) this.extraDepth[f.index] = this.extraDepth[f.parent]! + this.inlined[f.callStep]!;
    }
    this.sources = code.sources;
    const save = options.save;
    if (save) this.saveRecording = () => save(this);
    // Events a trace should not contain (a close of a frame never opened, ...) were skipped: say so.
    this.output = [...(options.output ?? []), ...rec.warnings.slice(0, 20).map((text) => ({ step: 0, text: `trace: ${text}` }))];
    const ended = explainEnd({
      recording: rec,
      frameName: (f) => this.frameName(f),
      where: (f, pc) => {
        const unit = this.unitOfRecord(f.index);
        const range = this.code.rangeAt(unit, pc);
        return { ...(unit.loaded ? { module: unit.loaded.module } : {}), ...(unit.loaded?.sourceMap ? { sourceMap: unit.loaded.sourceMap } : {}), ...(range ? { line: `${this.sources[range.source]!.name}:${range.line}` } : {}) };
      },
    }, options.failure, options.abortCode);
    this.outcome = ended.outcome;
    if (ended.exception) this.exceptions.push(ended.exception);
  }

  private unitAt(step: number): CodeUnit {
    return this.code.units[this.unitOfFrame[this.recording.frameOf(step)]!]!;
  }

  private unitOfRecord(frame: number): CodeUnit {
    return this.code.units[this.unitOfFrame[frame]!]!;
  }

  // ---- per-step columns ----

  lineId(step: number): number {
    return this.lineIds[step]!;
  }
  depth(step: number): number {
    const f = this.recording.frameOf(step);
    return this.recording.frames[f]!.depth + this.extraDepth[f]! + this.inlined[step]!;
  }
  codeId(step: number): number {
    return this.unitOfFrame[this.recording.frameOf(step)]!;
  }
  pc(step: number): number {
    return this.recording.pc(step);
  }
  location(step: number): SourceRange | undefined {
    return this.code.rangeAt(this.unitAt(step), this.recording.pc(step));
  }
  instructionRef(step: number): string {
    return `${this.codeId(step)}:${this.pc(step)}`;
  }
  parseInstructionRef(ref: string): { codeId: number; pc: number } | undefined {
    const m = /^(\d+):(\d+)$/.exec(ref);
    if (!m) return undefined;
    const codeId = Number(m[1]);
    if (codeId >= this.code.units.length) return undefined;
    return { codeId, pc: Number(m[2]) };
  }
  breakableLines(source: number): readonly number[] {
    return this.code.breakableLines(source);
  }
  lineIdOf(source: number, line: number): number {
    return this.code.lineIdOf(source, line);
  }

  // ---- frames ----

  /**
   * Frames of a step, innermost first, with the step each is at. A frame record running a macro body is
   * two frames: the macro's (`macro`) and the function's own at the line that invoked the macro.
   */
  private chain(step: number): ChainEntry[] {
    const rec = this.recording;
    const out: ChainEntry[] = [];
    let f: RecordedFrame | undefined = rec.frames[rec.frameOf(step)];
    let at = step;
    while (f) {
      if (at >= 0 && this.inlined[at]) {
        out.push({ frame: f, step: at, part: 'macro' });
        out.push({ frame: f, step: at, part: 'caller' });
      } else {
        out.push({ frame: f, step: at });
      }
      at = f.callStep;
      f = f.parent >= 0 ? rec.frames[f.parent] : undefined;
    }
    // A native that failed is the innermost frame at the failing CALL.
    const err = rec.error;
    if (err && err.step === step && err.frame >= 0 && rec.frames[err.frame]!.isNative && rec.frames[err.frame]!.parent === rec.frameOf(step)) {
      out.unshift({ frame: rec.frames[err.frame]!, step });
    }
    return out;
  }

  frameName(f: RecordedFrame): string {
    const args = f.typeArgs.length ? `<${f.typeArgs.map(typeTagText).join(', ')}>` : '';
    return `${shortAddress(f.address)}::${f.module}::${f.function}${args}`;
  }

  /** The last step before `step` at which a frame record ran its own (not a macro's) code, or -1. */
  private macroCallSite(frame: RecordedFrame, step: number): number {
    const rec = this.recording;
    for (let s = step - 1, budget = 1_000_000; s >= 0 && budget > 0; s--, budget--) {
      const f = rec.frameOf(s);
      if (f === frame.index && !this.inlined[s] && this.lineIds[s]! >= 0) return s;
      // Before the frame was opened: it started in the macro.
      if (rec.frames[f]!.depth < frame.depth) return -1;
    }
    return -1;
  }

  frames(step: number): Frame[] {
    return this.chain(step).map(({ frame, step: at, part }) => {
      const unit = this.unitOfRecord(frame.index);
      const native = frame.isNative;
      let pc = native ? 0 : this.recording.pc(at);
      let location = native ? undefined : this.code.rangeAt(unit, pc);
      if (part === 'macro') {
        const name = this.code.macroNameAt(unit, pc);
        return { name: `${name ? `${name}!` : 'macro'} (inlined in ${frame.function})`, ...(location ? { location } : {}), instructionRef: `${unit.id}:${pc}`, step: at, hint: 'normal' as const };
      }
      if (part === 'caller') {
        // The line that invoked the macro; the function's name when the macro is its first statement.
        const site = this.macroCallSite(frame, at);
        if (site >= 0) pc = this.recording.pc(site);
        location = site >= 0 ? this.code.rangeAt(unit, pc) : this.code.definitionRange(unit);
      }
      return {
        name: native ? `${this.frameName(frame)} (native)` : this.frameName(frame),
        ...(location ? { location } : {}),
        instructionRef: `${unit.id}:${pc}`,
        step: at,
        // Without any sources (bytecode-only builds, traces) every frame is the user's code at instruction
        // level: only natives, and code without source next to code with it, are de-emphasised.
        hint: native || (!location && this.sources.length > 0) ? 'subtle' : 'normal',
      };
    });
  }

  // ---- names and values ----

  private localNames(frame: RecordedFrame): LocalName[] {
    return localNamesOf(frame, this.unitOfRecord(frame.index).sourceMap);
  }

  /** The frame record at a frame index of a step's stack (and the step it is at), when there is one. */
  private frameAt(step: number, frameIndex: number): ChainEntry | undefined {
    if (step < 0 || step >= this.stepCount) return undefined;
    return this.chain(step)[frameIndex];
  }

  private renderer(state: MoveState, inspected: RecordedFrame): ValueRenderer {
    return new ValueRenderer((loc) => this.resolve(state, inspected, loc));
  }

  /** The current value and a readable path of a reference's target. */
  private resolve(state: MoveState, inspected: RecordedFrame, loc: TraceLocation): ReferenceTarget {
    const offsets: number[] = [];
    let l = loc;
    while ('Indexed' in l) {
      offsets.unshift(l.Indexed[1]);
      l = l.Indexed[0];
    }
    const root = locationRoot(l);
    let value: TraceMoveValue | undefined;
    let path: string;
    let where = '';
    let evaluateName: string | undefined;
    if ('global' in root) {
      value = state.globals.get(root.global);
      path = `object #${root.global}`;
    } else {
      const fi = this.recording.frameByTraceId(root.frameTraceId);
      const frame = fi >= 0 ? this.recording.frames[fi] : undefined;
      const stored = frame ? state.locals.get(frame.index)?.[root.local] : undefined;
      value = stored && 'RuntimeValue' in stored ? stored.RuntimeValue.value : undefined;
      const local = frame ? this.localNames(frame)[root.local] : undefined;
      // Compiler temporaries have no name a user could type: show their slot.
      path = local && !local.hidden ? local.name : `temporary local ${root.local}`;
      if (frame && frame.index !== inspected.index) where = ` in ${this.frameName(frame)}`;
      if (frame && frame.index === inspected.index && local && !local.hidden) evaluateName = path;
    }
    for (const offset of offsets) {
      let step: string;
      if (value?.type === 'Struct' || value?.type === 'Variant') {
        const field = value.value.fields[offset];
        step = `.${field?.[0] ?? offset}`;
        value = field?.[1];
      } else {
        step = `[${offset}]`;
        value = value?.type === 'Vector' ? value.value[offset] : undefined;
      }
      path += step;
      if (evaluateName) evaluateName += step;
    }
    path += where;
    return { ...(value ? { value } : {}), path, ...(evaluateName ? { evaluateName } : {}) };
  }

  scopes(step: number, frameIndex: number): Scope[] {
    const at = this.frameAt(step, frameIndex);
    if (!at) return [];
    const { frame, part } = at;
    const state = this.recording.state(step);
    const renderer = this.renderer(state, frame);
    const locals = state.locals.get(frame.index);
    const names = this.localNames(frame);
    const format = { hex: false };
    // A local moved out keeps showing the value it passed on, marked as moved (it can no longer be read);
    // not a local of an inlined macro body: once moved, the macro it belongs to is over.
    const fmap = this.unitOfRecord(frame.index).sourceMap;
    const movedAll = state.moved.get(frame.index);
    const moved = movedAll?.map((v, i) => (v !== undefined && declaredInBody(fmap, i) ? v : undefined));
    // A macro's frame shows the locals its body declares; the function's frame, its own.
    const inPart = (i: number) => part === undefined || (part === 'macro') !== declaredInBody(fmap, i);
    const shown = shownLocals(names, (i) => locals?.[i] !== undefined || moved?.[i] !== undefined).filter((n) => inPart(n.index));
    const variable = (n: ShownLocal, fmt: ValueFormat): Variable => {
      const last = locals?.[n.index] === undefined ? moved?.[n.index] : undefined;
      if (last === undefined) return renderer.variable(n.display, locals?.[n.index], fmt, frame.localTypes[n.index], n.shadowed ? undefined : n.name);
      const v = renderer.variable(n.display, last, fmt, frame.localTypes[n.index]);
      return { ...v, value: `${v.value} (moved)`, hint: 'readOnly' };
    };
    const paramNames = shown.filter((n) => n.parameter);
    const localNames = shown.filter((n) => !n.parameter);
    const lazy = (items: readonly ShownLocal[]): Children => ({
      named: items.length,
      indexed: 0,
      get: (kind, start, count, fmt) => (kind === 'indexed' ? [] : items.slice(start, start + count).map((n) => variable(n, fmt ?? format))),
    });
    const scopes: Scope[] = [];
    if (!frame.isNative) {
      scopes.push({ name: 'Parameters', kind: 'arguments', expensive: false, children: lazy(paramNames) });
      scopes.push({ name: 'Locals', kind: 'locals', expensive: false, children: lazy(localNames) });
    } else {
      const params = frame.parameters.map((p, i) => renderer.variable(`arg${i}`, p, format, frame.localTypes[i]));
      scopes.push({ name: 'Parameters', kind: 'arguments', expensive: false, children: listChildren(params) });
    }
    // The operand stack is shared by all frames: this frame's part lies between its base and its callee's.
    const chain = this.chain(step);
    // The function's frame under its own macro frame has no callee of its own.
    const below = frameIndex > 0 ? chain[frameIndex - 1]!.frame : undefined;
    const callee = below === frame ? undefined : below;
    const top = callee && !(callee.isNative && frameIndex === 1 && this.recording.error?.step === step) ? callee.stackBase : state.stack.length;
    const stack = state.stack.slice(frame.stackBase, Math.max(frame.stackBase, top));
    scopes.push({
      name: 'Operand stack',
      kind: 'registers',
      expensive: false,
      children: {
        named: stack.length,
        indexed: 0,
        get: (kind, start, count, fmt) => {
          if (kind === 'indexed') return [];
          const out: Variable[] = [];
          // Top of the stack first, as the VM pops it.
          for (let i = start; i < Math.min(stack.length, start + count); i++) {
            const pos = stack.length - 1 - i;
            out.push(renderer.variable(i === 0 ? `[${pos}] (top)` : `[${pos}]`, stack[pos], fmt ?? format));
          }
          return out;
        },
      },
    });
    const globals = [...state.globals.entries()];
    if (globals.length > 0) {
      scopes.push({
        name: 'Globals / objects touched',
        expensive: false,
        children: {
          named: globals.length,
          indexed: 0,
          get: (kind, start, count, fmt) =>
            kind === 'indexed' ? [] : globals.slice(start, start + count).map(([id, v]) => renderer.moveValue(`#${id} ${objectLabel(v)}`, v, fmt ?? format)),
        },
      });
    }
    // Values named by a label each (dynamic fields; Sui objects by owner), paged as the client asks.
    const valueScope = (name: string, items: readonly { label: string; value: TraceMoveValue }[]): void => {
      if (items.length === 0) return;
      scopes.push({
        name,
        expensive: false,
        children: {
          named: items.length,
          indexed: 0,
          get: (kind, start, count, fmt) =>
            kind === 'indexed' ? [] : items.slice(start, start + count).map((x) => renderer.moveValue(x.label, x.value, fmt ?? format)),
        },
      });
    };
    valueScope('Dynamic fields', childObjectsAt(this.childEvents, step, state.globals).map((c) => ({
      label: `${objectLabel(c.value)} 0x${c.id.slice(0, 8)}… of 0x${c.parent.replace(/^0+(?=.)/, '').slice(0, 8)}…`, value: c.value,
    })));
    // Sui objects by owner: what transfers, shares and freezes put in the object pool (test_scenario's
    // inventories in a test), as each was when it entered.
    valueScope('Objects', objectsAt(this.objectEvents, step).map((o) => ({ label: `${objectLabel(o.value)} 0x${o.id.slice(0, 8)}… (${ownerText(o)})`, value: o.value })));
    scopes.push({ name: 'Move VM', kind: 'registers', expensive: false, children: listChildren(this.registers(at.step, frame)) });
    return scopes;
  }

  private registers(step: number, frame: RecordedFrame): Variable[] {
    const rec = this.recording;
    const unit = this.unitOfRecord(frame.index);
    const ro = 'readOnly' as const;
    const out: Variable[] = [{ name: 'function', value: this.frameName(frame), hint: ro }];
    if (!frame.isNative) {
      const pc = rec.pc(step);
      out.push({ name: 'pc', value: String(pc), type: 'u16', hint: ro });
      out.push({ name: 'instruction', value: this.code.instruction(unit, pc).text, hint: ro });
    }
    out.push({ name: 'gas left', value: String(rec.gasBefore(step)), type: 'u64', hint: ro });
    out.push({ name: 'gas used', value: String(rec.initialGas - rec.gasBefore(step)), type: 'u64', hint: ro });
    if (!frame.isNative) {
      // What this instruction itself costs (for a call: the call, not the callee's instructions).
      out.push({ name: 'instruction gas', value: String(rec.gasBefore(step) - rec.gasAfter(step)), type: 'u64', hint: ro });
    }
    out.push({ name: 'call depth', value: String(frame.depth), hint: ro });
    out.push({ name: 'step', value: `${step} of ${rec.stepCount}`, hint: ro });
    return out;
  }

  disassemble(ref: string, instructionOffset: number, count: number): Instruction[] {
    const p = this.parseInstructionRef(ref);
    if (!p) return [];
    return this.code.disassemble(this.code.units[p.codeId]!, p.pc, instructionOffset, count);
  }

  // ---- evaluate, data breakpoints ----

  evaluate(step: number, frameIndex: number, expression: string, format: ValueFormat): Variable {
    const at = this.frameAt(step, frameIndex);
    if (!at) throw new EvaluationError('No frame at this point.');
    const expr = parseExpression(expression);
    const state = this.recording.state(step);
    const locals = state.locals.get(at.frame.index);
    const names = this.localNames(at.frame);
    const renderer = this.renderer(state, at.frame);
    const find = (name: string): LocalName => {
      // The latest declaration holding a value wins (shadowing); raw arg/loc names always work.
      const match = [...names].reverse().find((n) => n.name === name && !n.hidden && locals?.[n.index] !== undefined) ??
        [...names].reverse().find((n) => n.name === name && !n.hidden) ??
        names.find((n) => (n.parameter ? `arg${n.index}` : `loc${n.index - at.frame.parameters.length}`) === name);
      if (!match) throw new EvaluationError(`No local or parameter named ${name} in ${this.frameName(at.frame)}.`);
      return match;
    };
    if (expr.kind === 'name') {
      // A bare local keeps its reference-ness (`&mut Counter { … }` pointing somewhere).
      const n = find(expr.name);
      return renderer.variable(expression, locals?.[n.index], format, at.frame.localTypes[n.index], expr.name);
    }
    const lookup = (name: string): TraceMoveValue => {
      const stored = locals?.[find(name).index];
      if (stored === undefined) throw new EvaluationError(`${name} has no value here (not yet assigned, or moved).`);
      const v = this.deref(state, at.frame, stored);
      if (!v) throw new EvaluationError(`${name} points to a value that is no longer available.`);
      return v;
    };
    const value = evaluateExpression(expr, lookup);
    if (value.type === 'Int') return { name: expression, value: format.hex ? `0x${value.value.toString(16)}` : value.value.toString(), hint: 'virtual' };
    if (isPath(expr)) return renderer.moveValue(expression, value, format, undefined, exprText(expr));
    return { ...renderer.moveValue(expression, value, format), hint: 'virtual' };
  }

  private deref(state: MoveState, frame: RecordedFrame, v: TraceValue): TraceMoveValue | undefined {
    if ('RuntimeValue' in v) return v.RuntimeValue.value;
    const r = 'MutRef' in v ? v.MutRef : v.ImmRef;
    return this.resolve(state, frame, r.location).value ?? r.snapshot;
  }

  dataTarget(step: number, frameIndex: number, name: string, container?: string): DataTarget | undefined {
    const at = this.frameAt(step, frameIndex);
    if (!at || at.frame.isNative) return undefined;
    const state = this.recording.state(step);
    const locals = state.locals.get(at.frame.index);
    const shown = shownLocals(this.localNames(at.frame), (i) => locals?.[i] !== undefined);
    const where = this.frameName(at.frame);
    if (container === undefined) {
      const n = shown.find((l) => l.display === name);
      if (!n) return undefined;
      return { dataId: `local:${at.frame.index}:${n.index}`, description: `${name} in ${where}` };
    }
    // A field or element: watched through the local it lives in (or the one a reference points into),
    // at the path of field / element offsets to it.
    const text = name.startsWith('[') ? `${container}${name}` : `${container}.${name}`;
    let expr;
    try {
      expr = parseExpression(text);
    } catch {
      return undefined;
    }
    if (!isPath(expr)) return undefined;
    const names: (string | number)[] = [];
    let e = expr;
    while (e.kind !== 'name') {
      if (e.kind === 'field') names.unshift(e.field);
      else if (e.kind === 'index' && e.index.kind === 'int') names.unshift(Number(e.index.value));
      else return undefined;
      e = (e as { of: typeof e }).of;
    }
    const n = shown.find((l) => l.display === (e as { name: string }).name);
    const stored = n ? locals?.[n.index] : undefined;
    if (!n || !stored) return undefined;
    let frame = at.frame.index;
    let local = n.index;
    const offsets: number[] = [];
    let value: TraceMoveValue | undefined;
    if ('RuntimeValue' in stored) value = stored.RuntimeValue.value;
    else {
      const ref = 'MutRef' in stored ? stored.MutRef : stored.ImmRef;
      let l = ref.location;
      const prefix: number[] = [];
      while ('Indexed' in l) {
        prefix.unshift(l.Indexed[1]);
        l = l.Indexed[0];
      }
      if (!('Local' in l)) return undefined;
      frame = this.recording.frameByTraceId(l.Local[0]);
      local = l.Local[1];
      if (frame < 0) return undefined;
      offsets.push(...prefix);
      value = this.deref(state, at.frame, stored);
    }
    for (const step of names) {
      if (typeof step === 'string') {
        if (value?.type !== 'Struct' && value?.type !== 'Variant') return undefined;
        const i = value.value.fields.findIndex(([f]) => f === step);
        if (i < 0) return undefined;
        offsets.push(i);
        value = value.value.fields[i]![1];
      } else {
        if (value?.type !== 'Vector' || step >= value.value.length) return undefined;
        offsets.push(step);
        value = value.value[step];
      }
    }
    return { dataId: `local:${frame}:${local}:${offsets.join(',')}`, description: `${text} in ${where}` };
  }

  writeSteps(dataId: string): readonly number[] | undefined {
    const m = /^local:(\d+):(\d+)(?::([\d,]*))?$/.exec(dataId);
    if (!m) return undefined;
    const writes = this.recording.writeStepsOfLocal(Number(m[1]), Number(m[2]));
    if (m[3] === undefined) return writes;
    // A part of the local: only the writes that change that part.
    const frame = Number(m[1]);
    const local = Number(m[2]);
    const offsets = m[3] === '' ? [] : m[3].split(',').map(Number);
    const partAt = (step: number): TraceMoveValue | undefined => {
      const stored = this.recording.state(step).locals.get(frame)?.[local];
      let v = stored && 'RuntimeValue' in stored ? stored.RuntimeValue.value : undefined;
      for (const o of offsets) {
        if (v?.type === 'Struct' || v?.type === 'Variant') v = v.value.fields[o]?.[1];
        else if (v?.type === 'Vector') v = v.value[o];
        else return undefined;
      }
      return v;
    };
    return writes.filter((w) => !isDeepStrictEqual(partAt(w), partAt(w + 1)));
  }

  readMemory(): Uint8Array {
    return new Uint8Array(0);
  }

  /** Gas per line, in slices (see gas.ts). */
  lineGas(): GasMeasurement {
    return moveLineGas(this, this.recording);
  }
}

function objectLabel(v: TraceMoveValue): string {
  if (v.type === 'Struct' || v.type === 'Variant') return v.value.type_.name;
  return preview(v, { hex: false }, 20);
}

/** Whether local `index` is declared in the function's own body (not in a macro body inlined into it). */
function declaredInBody(fmap: FunctionSourceMap | undefined, index: number): boolean {
  const at = fmap?.local(index)?.location;
  const whole = fmap?.location;
  if (!at || !whole) return true;
  return at.fileHash === whole.fileHash && at.start >= whole.start && at.end <= whole.end;
}

/** A frame of the call stack: a frame record, or one of the two parts of a record running a macro body. */
interface ChainEntry {
  readonly frame: RecordedFrame;
  readonly step: number;
  readonly part?: 'macro' | 'caller';
}
