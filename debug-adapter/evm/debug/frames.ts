// Call frames of an EVM recording: one per call context, plus internal frames between solc's jump-in and
// jump-out markers (the dispatcher's jump into the called function is absorbed into the external frame;
// Yul helpers are de-emphasised frames), named after the contract and the function the calldata selects.
import { toFunctionSelector } from 'viem';
import type { Frame } from '../../core/execution.ts';
import type { FunctionInfo, SourceAst } from '../build/ast.ts';
import type { AbiItem, CompiledProject } from '../../../language/solidity/compile.ts';
import { JUMP_IN, JUMP_OUT, type CodeUnit } from '../build/units.ts';
import type { CallContext } from '../record/recording.ts';
import { bytesToHex, signatureOf } from '../run/abi.ts';
import { short, type Steps } from './steps.ts';

export interface FrameRecord {
  readonly ctx: number;
  readonly parent: number;
  readonly depth: number;
  readonly callStep: number;
  entryStep: number;
  /** Stack height (in the context) when the function's body was entered: its parameters are just below. */
  entryHeight: number;
  /**
   * For an external frame, the first step after its function's body returned to the dispatcher (Infinity
   * while it runs): from there on its parameters and locals are gone from the stack.
   */
  exitStep: number;
  /** The first step of this frame on a statement (computed when first needed; Infinity: none). */
  bodyStep?: number;
  fn?: FunctionInfo;
  ast?: SourceAst;
  name: string;
  readonly external: boolean;
  /** A compiler-generated helper (Yul): shown de-emphasised. */
  readonly generated: boolean;
}

export class FrameTable {
  /** Per step: the index of its frame in `records`. */
  readonly frameOf: Uint32Array;
  readonly records: FrameRecord[] = [];
  private readonly frameDepth: Uint16Array;
  private readonly selectors = new Map<AbiItem[] | readonly AbiItem[], Map<string, AbiItem>>();

  constructor(private readonly steps: Steps, private readonly project: CompiledProject, private readonly labels?: ReadonlyMap<string, string>) {
    this.frameOf = new Uint32Array(steps.stepCount);
    this.build();
    this.frameDepth = Uint16Array.from(this.records.map((f) => f.depth));
  }

  depth(step: number): number {
    return this.frameDepth[this.frameOf[step]!]!;
  }

  private selectorMap(abi: readonly AbiItem[]): Map<string, AbiItem> {
    let map = this.selectors.get(abi);
    if (!map) {
      map = new Map();
      for (const item of abi) if (item.type === 'function') map.set(toFunctionSelector(signatureOf(item)), item);
      // Public library functions taking storage references have selectors over "T storage" types that the
      // ABI does not spell: take those from the AST.
      const contract = this.project.contracts.find((c) => c.abi === abi);
      if (contract?.kind === 'library') {
        for (const info of this.steps.table.info) {
          for (const f of info.ast?.functions ?? []) {
            const selector = f.node.functionSelector;
            if (f.contract === contract.name && typeof selector === 'string' && !map.has(`0x${selector}`)) {
              map.set(`0x${selector}`, { type: 'function', name: String(f.node.name), inputs: [], outputs: [] });
            }
          }
        }
      }
      this.selectors.set(abi, map);
    }
    return map;
  }

  /** The ABI function a context's calldata selects, if its code is a compiled contract. */
  calledFunction(ctx: CallContext): AbiItem | undefined {
    const unit = this.steps.units.units[ctx.codeId];
    if (!unit?.contract || ctx.isCreate || ctx.calldata.length < 4) return undefined;
    return this.selectorMap(unit.contract.abi).get(bytesToHex(ctx.calldata.subarray(0, 4)));
  }

  /** The function definition (in the contract or a base) an external call's selector names, from the AST. */
  calledDefinition(ctx: CallContext): { fn: FunctionInfo; ast: SourceAst } | undefined {
    const contract = this.steps.units.units[ctx.codeId]?.contract;
    if (!contract || ctx.isCreate || ctx.calldata.length < 4) return undefined;
    const selector = bytesToHex(ctx.calldata.subarray(0, 4)).slice(2);
    const definition = this.project.sources.find((s) => s.unit === contract.sourceUnit)?.ast.nodes
      ?.find((n) => n.nodeType === 'ContractDefinition' && n.name === contract.name);
    const bases = (definition?.linearizedBaseContracts as number[] | undefined) ?? [];
    let best: { fn: FunctionInfo; ast: SourceAst; rank: number } | undefined;
    for (const info of this.steps.table.info) {
      for (const fn of info.ast?.functions ?? []) {
        const rank = bases.indexOf(fn.node.scope as number);
        // Most derived first: an override shadows the function it overrides.
        if (rank >= 0 && fn.node.functionSelector === selector && (!best || rank < best.rank)) best = { fn, ast: info.ast!, rank };
      }
    }
    return best;
  }

  externalName(ctx: CallContext): string {
    const unit = this.steps.units.units[ctx.codeId];
    const label = this.labels?.get(ctx.address);
    if (!unit?.contract) return `${label ?? short(ctx.codeAddress || ctx.address)} (unknown code)`;
    const named = (name: string): string => (label ? `${name} [${label}]` : name);
    if (ctx.isCreate) return named(`${unit.contract.name}.constructor`);
    const fn = this.calledFunction(ctx);
    if (fn) return named(`${unit.contract.name}.${fn.name}`);
    return named(`${unit.contract.name}.${ctx.calldata.length === 0 ? 'receive' : 'fallback'}`);
  }

  private functionAtPc(unit: CodeUnit, pc: number): { fn?: FunctionInfo; ast?: SourceAst; helper?: string } {
    const e = unit.entries?.[unit.indexByPc[pc]!];
    if (!e || e.file < 0) return {};
    const source = unit.fileToSource.get(e.file);
    if (source === undefined) return {};
    const info = this.steps.table.info[source]!;
    if (info.generated) return { helper: this.steps.table.yulFunctionAt(source, e.start) ?? info.file.name };
    return { fn: info.ast?.functionAt(e.start), ast: info.ast };
  }

  /**
   * One pass over the steps: a frame per call context, plus internal frames between jump-in and jump-out
   * markers. Per step it only reads the context and the unit's jump table (the scan that must stay fast).
   */
  private build(): void {
    const rec = this.steps.rec;
    const n = this.steps.stepCount;
    const ctxFrame = new Int32Array(rec.contexts.length).fill(-1);
    const absorbed = new Uint8Array(rec.contexts.length);
    const pcs = this.steps.pcs, ctxOf = this.steps.ctxOf, frameOf = this.frameOf;
    const frames = this.records;
    const units = this.steps.units.units;
    let c = -1, f = -1;
    let jumps: Uint8Array = new Uint8Array(0);
    let unit: CodeUnit | undefined;
    for (let s = 0; s < n; s++) {
      const cs = ctxOf[s]!;
      if (cs !== c) {
        if (c >= 0) ctxFrame[c] = f;
        c = cs;
        f = ctxFrame[c]!;
        if (f < 0) {
          const ctx = rec.contexts[c]!;
          const parent = ctx.callStep >= 0 ? frameOf[ctx.callStep]! : -1;
          frames.push({
            ctx: c, parent, depth: parent >= 0 ? frames[parent]!.depth + 1 : 0, callStep: ctx.callStep, entryStep: s,
            entryHeight: 0, exitStep: Infinity, name: this.externalName(ctx), external: true, generated: false,
          });
          f = frames.length - 1;
        }
        unit = units[this.steps.codeOfCtx[c]!]!;
        jumps = unit.jumps;
      }
      frameOf[s] = f;
      const jump = jumps[pcs[s]!]!;
      // Legacy maps (solc < 0.5): the dispatcher's JUMP onto a function's entry enters it (internal calls are
      // marked; later jumps onto such a JUMPDEST are the wrapper's return path).
      const legacyIn = unit!.legacyEntries !== undefined && !absorbed[c] && frames[f]!.external && s + 1 < n && ctxOf[s + 1] === c && unit!.code[pcs[s]!] === 0x56 && unit!.legacyEntries[pcs[s + 1]!] === 1;
      if (jump === 0 && !legacyIn) continue;
      if ((jump === JUMP_IN || legacyIn) && s + 1 < n && ctxOf[s + 1] === c) {
        const { fn, ast, helper } = this.functionAtPc(unit!, pcs[s + 1]!);
        const frame = frames[f]!;
        if (frame.external && !absorbed[c] && fn) {
          const selected = this.calledFunction(rec.contexts[c]!);
          if (selected && fn.node.name === selected.name && frame.name.endsWith(`.${selected.name}`)) {
            // The dispatcher entering the called function's body: same frame, now with its parameters.
            absorbed[c] = 1;
            frame.fn = fn; frame.ast = ast; frame.entryHeight = -1; frame.entryStep = s + 1;
            continue;
          }
        }
        frames.push({
          ctx: c, parent: f, depth: frame.depth + 1, callStep: s, entryStep: s + 1, entryHeight: -1, exitStep: Infinity, fn, ast,
          name: fn?.name ?? helper ?? `${unit!.name} (compiler code)`, external: false, generated: !fn,
        });
        f = frames.length - 1;
      } else if (jump === JUMP_OUT) {
        const frame = frames[f]!;
        if (!frame.external) f = frame.parent;
        else if (absorbed[c] && frame.exitStep === Infinity) frame.exitStep = s + 1;
      }
    }
  }

  /** The call stack at `step`, innermost first. */
  frames(step: number): Frame[] {
    const out: Frame[] = [];
    if (step < 0 || step >= this.steps.stepCount) return out;
    let f = this.frameOf[step]!;
    let at = step;
    while (f >= 0 && at >= 0) {
      const rec = this.records[f]!;
      const unit = this.steps.unitAt(at);
      out.push({ name: rec.name, location: this.steps.location(at), instructionRef: this.steps.instructionRef(at), step: at, hint: unit.contract && !rec.generated ? 'normal' : 'subtle' });
      at = rec.callStep;
      f = rec.parent;
    }
    return out;
  }

  /** The `frameIndex`-th frame of the stack at `step`, with the step it is at. */
  frameAt(step: number, frameIndex: number): { rec: FrameRecord; at: number } | undefined {
    let f = this.frameOf[step]!;
    let at = step;
    for (let i = 0; f >= 0 && at >= 0; i++) {
      const rec = this.records[f]!;
      if (i === frameIndex) return { rec, at };
      at = rec.callStep;
      f = rec.parent;
    }
    return undefined;
  }

  /** The first step of a frame on a statement (Infinity: none). */
  bodyStep(rec: FrameRecord): number {
    if (rec.bodyStep === undefined) {
      rec.bodyStep = Infinity;
      for (let t = rec.entryStep; t < this.steps.stepCount && this.depth(t) >= rec.depth; t++) {
        if (this.records[this.frameOf[t]!] === rec && this.steps.lineId(t) >= 0) { rec.bodyStep = t; break; }
      }
    }
    return rec.bodyStep;
  }

  /** Approximate retained bytes (for the benchmark). */
  retainedBytes(): number {
    return this.frameOf.byteLength + this.records.length * 120;
  }
}
