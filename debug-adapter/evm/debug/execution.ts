// The recorded EVM call as the session sees it (core/execution.ts). This class only wires the parts:
// per-step columns (steps.ts), frames (frames.ts), storage over time (storage.ts), variables and where
// they are (variables.ts), scopes (scopes.ts), evaluation (evaluate.ts), data breakpoints
// (data-targets.ts), disassembly, and how the call ended (outcome.ts, events.ts).
import type {
  DataTarget, ExceptionEvent, Execution, Frame, Instruction, Outcome, OutputLine, SavedRecording, Scope, SourceFile, SourceRange, ValueFormat, Variable,
} from '../../core/execution.ts';
import { saveEvmRecording } from './saved.ts';
import type { AbiItem, CompiledContract, CompiledProject } from '../../../language/solidity/compile.ts';
import { CodeUnits, SourceTable } from '../build/units.ts';
import { parseMemoryReference, TypeRegistry } from '../decode/index.ts';
import type { CallContext, Recording } from '../record/recording.ts';
import type { FrameState } from '../record/state.ts';
import { dataTarget, writeSteps } from './data-targets.ts';
import { disassemble, parseInstructionRef } from './disassembly.ts';
import { Evaluator } from './evaluate.ts';
import { eventOutput } from './events.ts';
import { FrameTable } from './frames.ts';
import { evmLineGas } from './gas.ts';
import type { GasMeasurement } from '../../core/line-gas.ts';
import { callExceptions, callOutcome, stepLimitText } from './outcome.ts';
import { PreimageIndex } from './preimages.ts';
import { ScopeBuilder } from './scopes.ts';
import { Steps } from './steps.ts';
import { StorageIndex, type InitialStorage } from './storage.ts';
import type { GlobalValues } from './evaluate.ts';
import { VariablePlacer } from './variables.ts';

export interface EvmCallInfo {
  readonly project: CompiledProject;
  readonly recording: Recording;
  /** The function called, for decoding its return value. */
  readonly fn?: AbiItem;
  /** Storage as it was before the call: a function reading it (undefined: not known). */
  readonly initialStorage: InitialStorage;
  /** The block and transaction globals (`block.number`, `tx.gasprice`…); the embedded chain's by default. */
  readonly globals?: GlobalValues;
  /** Names given to addresses (Foundry's vm.label): shown with their frames. Lowercase hex keys. */
  readonly labels?: ReadonlyMap<string, string>;
  /** What was called, for the title of a saved recording: "Vault.withdraw(uint256)", "VaultTest.test_WithdrawAll". */
  readonly title?: string;
}

export class EvmExecution implements Execution {
  readonly vm = 'evm' as const;
  readonly sources: readonly SourceFile[];
  readonly stepCount: number;
  readonly exceptions: ExceptionEvent[];
  readonly outcome: Outcome;
  readonly output: OutputLine[];

  private readonly steps: Steps;
  private readonly frameTable: FrameTable;
  private readonly storage: StorageIndex;
  private readonly scopeBuilder: ScopeBuilder;
  private readonly evaluator: Evaluator;

  constructor(private readonly info: EvmCallInfo) {
    const rec = info.recording;
    const table = new SourceTable(info.project);
    this.steps = new Steps(rec, table, new CodeUnits(info.project, table));
    this.stepCount = rec.stepCount;
    this.sources = table.files;
    const registry = new TypeRegistry(Object.fromEntries(info.project.sources.map((s) => [s.unit, { ast: s.ast }])));
    this.frameTable = new FrameTable(this.steps, info.project, info.labels);
    const abis = info.project.contracts.map((c) => c.abi);
    this.outcome = callOutcome(rec, info.fn, abis);
    this.exceptions = callExceptions(rec, abis, (ctx) => this.frameTable.externalName(ctx));
    this.output = eventOutput(rec, this.steps.revertedAt, abis);
    if (rec.stepLimit !== undefined) this.output.unshift({ step: 0, text: stepLimitText(rec.stepLimit) });
    this.storage = new StorageIndex(rec, this.steps.revertedAt, info.initialStorage);
    const variables = new VariablePlacer(this.steps, this.frameTable, registry, info.project);
    // Indexed now rather than on the first variables request (100,000s of hashes take a moment).
    const recorded = { storage: this.storage, preimages: new PreimageIndex(rec).build(), labels: info.labels };
    this.scopeBuilder = new ScopeBuilder(this.steps, this.frameTable, variables, recorded, info.project.compilerVersion);
    this.evaluator = new Evaluator(this.steps, this.frameTable, variables, recorded, registry, info.globals);
  }

  // ---- per-step columns (O(1), allocation-free) ----

  get frameOf(): Uint32Array {
    return this.frameTable.frameOf;
  }
  lineId(step: number): number {
    return this.steps.lineId(step);
  }
  depth(step: number): number {
    return this.frameTable.depth(step);
  }
  codeId(step: number): number {
    return this.steps.codeId(step);
  }
  pc(step: number): number {
    return this.steps.pcs[step]!;
  }
  /** Gas left before the instruction at `step`. */
  gasLeft(step: number): number {
    return this.steps.gasLeft(step);
  }
  context(step: number): CallContext {
    return this.steps.context(step);
  }
  opcode(step: number): number {
    return this.steps.unitAt(step).code[this.steps.pcs[step]!] ?? 0;
  }
  location(step: number): SourceRange | undefined {
    return this.steps.location(step);
  }
  instructionRef(step: number): string {
    return this.steps.instructionRef(step);
  }
  parseInstructionRef(ref: string): { codeId: number; pc: number } | undefined {
    return parseInstructionRef(this.steps.units, ref);
  }
  breakableLines(source: number): readonly number[] {
    return this.steps.table.breakableLines(source);
  }
  lineIdOf(source: number, line: number): number {
    return this.steps.table.lineIdOf(source, line);
  }
  enclosingFunction(source: number, line: number): { name: string; lastLine: number } | undefined {
    return this.steps.table.enclosingFunction(source, line);
  }
  /** (source, line) of a line id. */
  lineOf(lineId: number): { source: number; line: number } {
    return { source: this.steps.table.lineSource[lineId]!, line: this.steps.table.lineNumber[lineId]! };
  }

  // ---- frames, state, scopes ----

  /** The compiled contract whose code runs at `step` (undefined for code not in the build). */
  contractAt(step: number): CompiledContract | undefined {
    return this.steps.unitAt(step).contract;
  }
  /** The ABI function a context's calldata selects, if its code is a compiled contract. */
  calledFunction(ctx: CallContext): AbiItem | undefined {
    return this.frameTable.calledFunction(ctx);
  }
  frames(step: number): Frame[] {
    return this.frameTable.frames(step);
  }
  stateAt(step: number): FrameState {
    return this.steps.stateAt(step);
  }
  /** Returndata buffer before `step`: the output of the last call the context made that had ended. */
  returnDataAt(step: number): Uint8Array {
    return this.steps.returnDataAt(step);
  }
  /** A storage word of `address` before `step`, with writes of reverted calls undone. */
  storageAt(address: string, slot: bigint, step: number, transient = false): bigint {
    return this.storage.storageAt(address, slot, step, transient);
  }
  scopes(step: number, frameIndex: number): Scope[] {
    return this.scopeBuilder.scopes(step, frameIndex);
  }
  disassemble(ref: string, instructionOffset: number, count: number): Instruction[] {
    return disassemble(this.steps.units, ref, instructionOffset, count);
  }

  // ---- evaluate, data breakpoints, memory ----

  evaluate(step: number, frameIndex: number, expression: string, format: ValueFormat): Variable {
    return this.evaluator.evaluate(step, frameIndex, expression, format);
  }
  dataTarget(step: number, frameIndex: number, name: string, container?: string): DataTarget | undefined {
    return dataTarget(this.steps, this.frameTable, this.evaluator, step, frameIndex, name, container);
  }
  writeSteps(dataId: string): readonly number[] | undefined {
    return writeSteps(this.storage, dataId);
  }
  readMemory(step: number, memoryRef: string, offset: number, count: number): Uint8Array {
    const base = parseMemoryReference(memoryRef);
    if (base === undefined || step < 0 || step >= this.stepCount) return new Uint8Array(0);
    const memory = this.steps.stateAt(step).memory;
    const start = base + offset;
    if (start < 0 || start >= memory.length) return new Uint8Array(0);
    return memory.slice(start, Math.min(memory.length, start + count));
  }

  /** The whole recording as a file holds it (debug/saved.ts), with the Debug Console lines as they are now. */
  saveRecording(): SavedRecording {
    return saveEvmRecording(this.info, this.output, `${this.info.title ?? this.info.fn?.name ?? 'call'}: ${this.outcome.summary}`);
  }

  /** Gas per source line, measured from the recording in slices (the session runs it between requests). */
  lineGas(): GasMeasurement {
    return evmLineGas(this, this.steps);
  }

  /** Forgets the cached state of the last rebuilt step (the benchmark measures rebuilds from scratch). */
  dropCaches(): void {
    this.steps.dropCaches();
  }
  /** Retained bytes of the recording (for the benchmark). */
  retainedBytes(): number {
    return this.steps.rec.retainedBytes() + this.frameTable.retainedBytes();
  }
}
