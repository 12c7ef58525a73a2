// A tiny in-memory VM for the session tests: a script emits steps (line, depth, code unit) as a real backend
// would record them, with variables written at known steps, calls, exceptions and output. It implements the
// whole Execution contract so the session's stepping and breakpoint rules are pinned without the EVM.

import type {
  Backend,
  Children,
  DataTarget,
  ExceptionEvent,
  ExceptionKind,
  Execution,
  Frame,
  Instruction,
  LaunchConfig,
  Outcome,
  OutputLine,
  Scope,
  SourceFile,
  SourceRange,
  ValueFormat,
  Variable,
} from '../../debug-adapter/core/execution.ts';
import { EvaluationError, UserError } from '../../debug-adapter/core/errors.ts';

interface Activation {
  name: string;
  codeId: number;
  callStep: number; // step in the caller that made the call (-1 for the outermost)
  parent?: Activation;
}

const LINES_PER_SOURCE = 1000;
/** The fake's 64 bytes of memory live at this address; its memory reference is the address, as a hex number. */
export const FAKE_MEMORY_BASE = '0x1000';

export class Tracer {
  readonly lines: number[] = []; // encoded source*1000 + line, or 0 unmapped
  readonly depths: number[] = [];
  readonly codes: number[] = [];
  readonly pcs: number[] = [];
  readonly activations: Activation[] = [];
  readonly writes = new Map<string, { step: number; value: bigint }[]>();
  readonly exceptions: ExceptionEvent[] = [];
  readonly output: OutputLine[] = [];
  private current: Activation = { name: 'Main.main', codeId: 0, callStep: -1 };
  private depth = 0;
  private pcByCode = new Map<number, number>();

  /** `count` instructions of `line` (1-based) in `source` at the current depth. */
  line(line: number, count = 2, source = 0): this {
    for (let i = 0; i < count; i++) this.emit(source * LINES_PER_SOURCE + line);
    return this;
  }
  unmapped(count = 1): this {
    for (let i = 0; i < count; i++) this.emit(0);
    return this;
  }
  call(name: string, codeId: number, body: () => void): this {
    const caller = this.current;
    this.current = { name, codeId, callStep: this.lines.length - 1, parent: caller };
    this.depth++;
    body();
    this.depth--;
    this.current = caller;
    return this;
  }
  /** Writes `name` at the last emitted step (the value is visible from that step on). */
  set(name: string, value: number | bigint): this {
    const list = this.writes.get(name) ?? [];
    list.push({ step: this.lines.length - 1, value: BigInt(value) });
    this.writes.set(name, list);
    return this;
  }
  fail(kind: ExceptionKind, summary: string, caught = false, details?: string): this {
    this.exceptions.push({ step: this.lines.length - 1, kind, caught, summary, ...(details !== undefined ? { details } : {}) });
    return this;
  }
  print(text: string): this {
    this.output.push({ step: this.lines.length - 1, text });
    return this;
  }
  /** Many steps at once on one line (for long-call scans). */
  bulk(line: number, count: number): this {
    return this.line(line, count);
  }
  private emit(encodedLine: number): void {
    const pc = this.pcByCode.get(this.current.codeId) ?? 0;
    this.pcByCode.set(this.current.codeId, pc + 1);
    this.lines.push(encodedLine);
    this.depths.push(this.depth);
    this.codes.push(this.current.codeId);
    this.pcs.push(pc);
    this.activations.push(this.current);
  }
  get codeSizes(): Map<number, number> {
    return this.pcByCode;
  }
}

export interface FakeOptions {
  readonly sourcePath: string;
  readonly sourceText: string;
  readonly outcome?: Outcome;
}

export class FakeExecution implements Execution {
  readonly vm = 'evm' as const;
  readonly sources: SourceFile[];
  readonly stepCount: number;
  readonly exceptions: readonly ExceptionEvent[];
  readonly outcome: Outcome;
  readonly output: readonly OutputLine[];
  private readonly lineIds: Int32Array;
  private readonly depthArray: Int32Array;
  private readonly codeArray: Int32Array;
  private readonly pcArray: Int32Array;
  private readonly denseOf = new Map<number, number>();
  private readonly encodedOf: number[] = [];

  constructor(private readonly trace: Tracer, options: FakeOptions) {
    this.sources = [
      { path: options.sourcePath, name: options.sourcePath.split('/').pop()!, readOnly: false },
      {
        path: 'generated/helpers.fake',
        name: 'helpers.fake',
        readOnly: true,
        content: Array.from({ length: 20 }, (_, i) => `helper line ${i + 1}`).join('\n'),
      },
    ];
    this.stepCount = trace.lines.length;
    this.lineIds = new Int32Array(this.stepCount);
    const encodedSorted = [...new Set(trace.lines.filter((l) => l > 0))].sort((a, b) => a - b);
    encodedSorted.forEach((e, i) => {
      this.denseOf.set(e, i);
      this.encodedOf.push(e);
    });
    trace.lines.forEach((l, i) => (this.lineIds[i] = l > 0 ? this.denseOf.get(l)! : -1));
    this.depthArray = Int32Array.from(trace.depths);
    this.codeArray = Int32Array.from(trace.codes);
    this.pcArray = Int32Array.from(trace.pcs);
    this.exceptions = trace.exceptions;
    this.output = trace.output;
    this.outcome = options.outcome ?? { success: true, summary: 'returned (true)', gasUsed: 21000n, details: ['true'] };
  }

  lineId(step: number): number {
    return this.lineIds[step]!;
  }
  depth(step: number): number {
    return this.depthArray[step]!;
  }
  codeId(step: number): number {
    return this.codeArray[step]!;
  }
  pc(step: number): number {
    return this.pcArray[step]!;
  }
  location(step: number): SourceRange | undefined {
    const e = this.trace.lines[step]!;
    if (e === 0) return undefined;
    const line = e % LINES_PER_SOURCE;
    return { source: Math.floor(e / LINES_PER_SOURCE), line, column: 3, endLine: line, endColumn: 12 };
  }
  instructionRef(step: number): string {
    return `${this.codeId(step)}:${this.pc(step)}`;
  }
  parseInstructionRef(ref: string): { codeId: number; pc: number } | undefined {
    const m = /^(\d+):(\d+)$/.exec(ref);
    return m ? { codeId: Number(m[1]), pc: Number(m[2]) } : undefined;
  }
  breakableLines(source: number): readonly number[] {
    return this.encodedOf
      .filter((e) => Math.floor(e / LINES_PER_SOURCE) === source)
      .map((e) => e % LINES_PER_SOURCE);
  }
  lineIdOf(source: number, line: number): number {
    return this.denseOf.get(source * LINES_PER_SOURCE + line) ?? -1;
  }

  frames(step: number): Frame[] {
    const frames: Frame[] = [];
    let at = step;
    for (let a: Activation | undefined = this.trace.activations[step]; a; a = a.parent) {
      const location = this.location(at);
      frames.push({
        name: a.name,
        ...(location ? { location } : {}),
        instructionRef: this.instructionRef(at),
        step: at,
        hint: location ? 'normal' : 'subtle',
      });
      at = a.callStep;
      if (at < 0) break;
    }
    return frames;
  }

  private valueAt(name: string, step: number): bigint | undefined {
    let value: bigint | undefined;
    for (const w of this.trace.writes.get(name) ?? []) if (w.step <= step) value = w.value;
    return value;
  }

  private render(value: bigint, format: ValueFormat): string {
    return format.hex ? `0x${value.toString(16)}` : value.toString();
  }

  private variablesAt(step: number, format: ValueFormat): Variable[] {
    const out: Variable[] = [];
    for (const name of [...this.trace.writes.keys()].sort()) {
      const v = this.valueAt(name, step);
      if (v !== undefined) out.push({ name, value: this.render(v, format), type: 'uint256', evaluateName: name });
    }
    return out;
  }

  scopes(step: number, frameIndex: number): Scope[] {
    const self = this;
    const locals: Children = {
      get named() {
        return self.variablesAt(step, { hex: false }).length;
      },
      indexed: 0,
      get: (_kind, start, count, format) => self.variablesAt(step, format).slice(start, start + count),
    };
    // A big array so paging is exercised: element i holds i * (step + 1).
    const array: Children = {
      named: 0,
      indexed: 5000,
      get: (kind, start, count, format) => {
        if (kind === 'named') return [];
        const out: Variable[] = [];
        for (let i = start; i < Math.min(5000, start + count); i++)
          out.push({ name: `[${i}]`, value: this.render(BigInt(i * (step + 1)), format), type: 'uint256' });
        return out;
      },
    };
    const stack: Children = {
      named: 1,
      indexed: 0,
      get: (kind, start, count) =>
        kind === 'indexed' || start > 0 || count === 0
          ? []
          : [{ name: 'big', value: 'uint256[5000]', type: 'uint256[5000]', children: array }],
    };
    return [
      { name: 'Locals', kind: 'locals', expensive: false, children: locals },
      { name: `Frame ${frameIndex}`, kind: 'registers', expensive: true, children: stack },
      {
        name: 'Memory',
        expensive: false,
        children: {
          named: 1,
          indexed: 0,
          get: (_k, start) =>
            start > 0 ? [] : [{ name: 'memory', value: '64 bytes', memoryReference: FAKE_MEMORY_BASE, hint: 'readOnly' }],
        },
      },
    ];
  }

  disassemble(ref: string, instructionOffset: number, count: number): Instruction[] {
    const parsed = this.parseInstructionRef(ref);
    if (!parsed) return [];
    const size = this.trace.codeSizes.get(parsed.codeId) ?? 0;
    const out: Instruction[] = [];
    const first = parsed.pc + instructionOffset;
    for (let pc = Math.max(0, first); pc < first + count && pc < size; pc++) {
      out.push({ ref: `${parsed.codeId}:${pc}`, pc, text: `OP${pc}`, bytes: pc.toString(16).padStart(2, '0') });
    }
    return out;
  }

  evaluate(step: number, _frameIndex: number, expression: string, format: ValueFormat): Variable {
    const operand = (token: string): bigint => {
      if (/^\d+$/.test(token)) return BigInt(token);
      const v = this.valueAt(token, step);
      if (v === undefined) throw new EvaluationError(`unknown identifier '${token}'`);
      return v;
    };
    const parts = expression.trim().split(/\s+/);
    if (parts.length === 1) {
      if (parts[0] === 'big') return { name: expression, value: 'uint256[5000]', children: this.scopes(step, 0)[1]!.children.get('named', 0, 1, format)[0]!.children! };
      return { name: expression, value: this.render(operand(parts[0]!), format), type: 'uint256' };
    }
    if (parts.length === 3) {
      const a = operand(parts[0]!);
      const b = operand(parts[2]!);
      switch (parts[1]) {
        case '+':
          return { name: expression, value: this.render(a + b, format), type: 'uint256' };
        case '==':
          return { name: expression, value: String(a === b), type: 'bool' };
        case '>':
          return { name: expression, value: String(a > b), type: 'bool' };
      }
    }
    throw new EvaluationError(`cannot evaluate '${expression}'`);
  }

  dataTarget(_step: number, _frameIndex: number, name: string): DataTarget | undefined {
    return this.trace.writes.has(name) ? { dataId: `var:${name}`, description: `${name} (written)` } : undefined;
  }
  writeSteps(dataId: string): readonly number[] | undefined {
    const writes = dataId.startsWith('var:') ? this.trace.writes.get(dataId.slice(4)) : undefined;
    return writes?.map((w) => w.step);
  }
  readMemory(step: number, memoryReference: string, offset: number, count: number): Uint8Array {
    if (memoryReference !== FAKE_MEMORY_BASE) return new Uint8Array(0);
    const size = 64;
    const n = Math.max(0, Math.min(count, size - offset));
    return new Uint8Array(n).map((_, i) => (offset + i + step) & 0xff);
  }
}

/**
 * The sample program used by the tests (line numbers are what the assertions refer to):
 *
 *  1 function main() {
 *  2   x = 1;
 *  3
 *  4   y = add(x, 2);
 *  5   for (i = 0; i < 3; i++) {
 *  6     total += i;
 *  7   }
 *  8   other.poke();
 *  9   return;
 * 10 }
 * 11 function add(a, b) {
 * 12   return a + b;
 * 13 }
 * 14 contract Other {
 * 15   function poke() {
 * 16     z = 5;
 * 17   }
 * 18 }
 */
export const SAMPLE_SOURCE = [
  'function main() {',
  '  x = 1;',
  '',
  '  y = add(x, 2);',
  '  for (i = 0; i < 3; i++) {',
  '    total += i;',
  '  }',
  '  other.poke();',
  '  return;',
  '}',
  'function add(a, b) {',
  '  return a + b;',
  '}',
  'contract Other {',
  '  function poke() {',
  '    z = 5;',
  '  }',
  '}',
].join('\n');

export interface SampleOptions {
  /** Make the external call fail with an exception (caught or not). */
  readonly failure?: { kind: ExceptionKind; caught: boolean; details?: string };
}

export function sampleTrace(options: SampleOptions = {}): Tracer {
  const t = new Tracer();
  t.unmapped(3); // dispatcher
  t.line(2).set('x', 1);
  t.line(4, 2);
  t.call('Main.add', 0, () => {
    t.line(12, 3).unmapped(1);
  });
  t.line(4, 2).set('y', 3);
  t.set('total', 0);
  for (let i = 0; i < 3; i++) {
    t.line(5, 2).set('i', i);
    t.line(6, 2).set('total', [0, 0, 1][i]! + i).print(`total ${i}`);
  }
  t.line(5, 2);
  t.line(8, 2);
  t.call('Other.poke', 1, () => {
    t.unmapped(2);
    t.line(16, 2).set('z', 5);
    if (options.failure) t.line(17, 1).fail(options.failure.kind, `failed: ${options.failure.kind}`, options.failure.caught, options.failure.details);
  });
  t.line(8, 1);
  t.line(9, 2);
  t.unmapped(1);
  return t;
}

export function sampleExecution(sourcePath: string, options: SampleOptions = {}): FakeExecution {
  return new FakeExecution(sampleTrace(options), { sourcePath, sourceText: SAMPLE_SOURCE });
}

/** A backend over the fake VM: `program` ending in `.fake`; special program names fail in known ways. */
export const fakeBackend: Backend = {
  programs: 'a .fake program',
  exceptionFilters: [
    { id: 'revert', label: 'Reverts', description: 'fake reverts', default: true, kinds: ['revert'] },
    { id: 'panic', label: 'Panics', description: 'fake panics', default: true, kinds: ['panic'] },
    { id: 'outOfGas', label: 'Out of gas / invalid', description: 'fake gas', default: true, kinds: ['outOfGas', 'invalid'] },
    { id: 'abort', label: 'Aborts', description: 'fake aborts', default: true, kinds: ['abort'] },
    { id: 'caught', label: 'Also caught failures', description: 'also caught', default: false },
  ],
  accepts: (config: LaunchConfig) => config.program.endsWith('.fake'),
  async launch(config, progress, cancel) {
    progress('compiling', 0.1);
    if (config.program.includes('missing')) throw new UserError(`file not found: ${config.program}`);
    if (config.program.includes('crash')) throw new TypeError('boom inside the backend');
    if (config.program.includes('slow')) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 10_000);
        cancel.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new UserError('cancelled'));
        });
      });
    }
    if (config.program.includes('deaf')) await new Promise((resolve) => setTimeout(resolve, 300)); // ignores `cancel`
    progress('recording', 0.6);
    const failure = config['failure'] as SampleOptions['failure'];
    const execution = sampleExecution(config.program, failure ? { failure } : {});
    if (config.program.includes('brokenframes')) {
      execution.frames = () => {
        throw new RangeError('frames exploded');
      };
    }
    return execution;
  },
};
