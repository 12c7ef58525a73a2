// Which variables a frame shows at a step and where their values are: parameters, return variables and
// locals in scope (by source offset) at their stack positions; in optimized builds the same names, read
// from calldata where provably unchanged and otherwise unavailable; state variables from solc's layouts.
import type { AstNode, CompiledContract, CompiledProject } from '../../../language/solidity/compile.ts';
import { localSlotRule, type StackVariable } from '../build/ast.ts';
import {
  isValueType, stateVariablesFromLayout, type Location, type SolcStorageLayout, type SolType, type StateVariable, type TypeRegistry,
} from '../decode/index.ts';
import { rebuildState } from '../record/state.ts';
import type { FrameRecord, FrameTable } from './frames.ts';
import { immutableVariables } from './immutables.ts';
import { argumentLocations, UNAVAILABLE, writtenDeclarations } from './optimized.ts';
import type { Steps } from './steps.ts';

/** A variable with its stack position, or (optimized builds) where else its value is known to be. */
export type PlacedVariable =
  | { readonly v: StackVariable; readonly index: number }
  | { readonly v: StackVariable; readonly location: Location };

export interface FrameVariables {
  readonly params: PlacedVariable[];
  readonly locals: PlacedVariable[];
  /** Stack words above the top still readable: index -> word (see `of`). */
  readonly popped: Map<number, bigint>;
}

export class VariablePlacer {
  /** Whether locals' stack slots follow the rule build/ast.ts implements, for the compiler of this build. */
  private readonly localsKnown: boolean;

  constructor(
    private readonly steps: Steps, private readonly frames: FrameTable, private readonly registry: TypeRegistry, private readonly project: CompiledProject,
  ) {
    this.localsKnown = localSlotRule(project.compilerVersion) !== undefined;
  }

  /**
   * Variables of the frame at `at`, with stack positions: parameters, then return variables and the locals
   * in scope at the current source offset (declared before it, in a block not yet finished). Nothing once
   * an external frame's body has returned to the dispatcher: the stack no longer holds them.
   */
  of(rec: FrameRecord, at: number): FrameVariables | undefined {
    const steps = this.steps;
    if (steps.units.units[steps.codeOfCtx[rec.ctx]!]?.contract?.optimized) return this.optimized(rec, at);
    if (!rec.fn || !rec.ast || rec.entryStep > at || at >= rec.exitStep) return undefined;
    const layout = rec.ast.layoutOf(rec.fn.node);
    // The stack height after the jump into the body, measured once by rebuilding that step.
    if (rec.entryHeight < 0) rec.entryHeight = rebuildState(steps.rec, steps.rec.contexts[rec.ctx]!, rec.entryStep).stack.length;
    const base = rec.entryHeight - layout.paramSlots;
    const retBase = rec.entryHeight;
    const localBase = rec.entryHeight + layout.returnSlots + layout.localsOffset;
    const unit = steps.unitAt(at);
    const e = unit.entries?.[unit.indexByPc[steps.pcs[at]!]!];
    const size = steps.stateAt(at).stack.length;
    const fnFile = rec.fn.src.file;
    const offset = e && e.file === fnFile ? e.start : -1;
    // After the body began, code mapped to the function's header is its return path, which reorders the
    // stack for the jump back: no stack position means what it did.
    if (e && rec.ast.headerRanges.get(`${e.start}:${e.length}`) === rec.fn && at > this.frames.bodyStep(rec)) return undefined;
    // A variable still in scope whose word a `return` already popped (the cleanup is part of the return
    // statement) is read where it was last on the stack (`popped`: index -> word); anything else off the
    // stack is not shown.
    const popped = new Map<number, bigint>();
    const stacks = new Map<number, readonly bigint[]>(); // one rebuild per earlier step
    const place = (v: StackVariable, index: number, local = false): PlacedVariable | undefined => {
      if (local && !this.localsKnown) return { v, location: { kind: 'unavailable', reason: `stack layout of locals not known for solc ${this.project.compilerVersion ?? '(unknown version)'}` } };
      if (index + v.slots <= size) return { v, index };
      const step = steps.lastStepHolding(at, index + v.slots, rec.entryStep);
      if (step === undefined) return undefined;
      let stack = stacks.get(step);
      if (!stack) stacks.set(step, (stack = rebuildState(steps.rec, steps.rec.contexts[rec.ctx]!, step).stack));
      for (let k = index; k < index + v.slots; k++) if (k >= size) popped.set(k, stack[k]!);
      return { v, index };
    };
    const locals: PlacedVariable[] = [];
    const add = (p: PlacedVariable | undefined): void => { if (p) locals.push(p); };
    for (const r of layout.returns) add(place(r, retBase + r.slot));
    for (const l of layout.locals) if (offset >= l.visibleFrom && offset < l.visibleTo) add(place(l, localBase + l.slot, true));
    // Inside an (inlined) modifier: its arguments and locals, placed after the return variables.
    for (const m of layout.modifiers) {
      if (!e || e.file !== m.src.file || e.start < m.src.start || e.start >= m.src.start + m.src.length) continue;
      const mBase = rec.entryHeight + layout.returnSlots + m.base;
      for (const v of m.variables) if (v.visibleFrom <= e.start && e.start < v.visibleTo) add(place(v, mBase + v.slot, true));
    }
    return { params: layout.params.map((p) => ({ v: p, index: base + p.slot })), locals, popped };
  }

  /**
   * Variables of a frame of optimized code: the same names as unoptimized code shows (parameters, return
   * variables, locals in scope at the current source offset, an inlined modifier's variables), none read
   * from the stack. An external call's parameters that the function never writes are read from calldata
   * for as long as the call runs; everything else is unavailable.
   */
  private optimized(rec: FrameRecord, at: number): FrameVariables | undefined {
    const steps = this.steps;
    const ctx = steps.rec.contexts[rec.ctx]!;
    const called = rec.external ? this.frames.calledDefinition(ctx) : undefined;
    // The optimizer may inline the body into the dispatcher: then no jump marks the call's function.
    const fn = rec.fn ?? called?.fn, ast = rec.ast ?? called?.ast;
    if (!fn || !ast) return undefined;
    const layout = ast.layoutOf(fn.node);
    const declarations = ((fn.node.parameters as { parameters?: AstNode[] } | undefined)?.parameters) ?? [];
    let fromCalldata = new Map<AstNode, Location>();
    if (called?.fn.node === fn.node) {
      const types = declarations.map((d) => this.registry.fromVariableDeclaration(d));
      const locations = argumentLocations(types.map((t) => t.type), ctx.calldata);
      const writes = writtenDeclarations(fn.node);
      fromCalldata = new Map(declarations.flatMap((d, i) => {
        const { type, dataLocation } = types[i]!;
        const readable = (dataLocation === 'calldata' || (isValueType(type) && type.kind !== 'function')) && !writes.has(d.id);
        return readable ? [[d, locations[i]!] as const] : [];
      }));
    }
    const params = layout.params.map((p): PlacedVariable => ({ v: p, location: fromCalldata.get(p.declaration) ?? UNAVAILABLE }));
    const unit = steps.unitAt(at);
    const e = unit.entries?.[unit.indexByPc[steps.pcs[at]!]!];
    const offset = e && e.file === fn.src.file ? e.start : -1;
    const locals: PlacedVariable[] = layout.returns.map((v) => ({ v, location: UNAVAILABLE }));
    for (const l of layout.locals) if (offset >= l.visibleFrom && offset < l.visibleTo) locals.push({ v: l, location: UNAVAILABLE });
    for (const m of layout.modifiers) {
      if (!e || e.file !== m.src.file || e.start < m.src.start || e.start >= m.src.start + m.src.length) continue;
      for (const v of m.variables) if (v.visibleFrom <= e.start && e.start < v.visibleTo) locals.push({ v, location: UNAVAILABLE });
    }
    return { params, locals, popped: new Map() };
  }

  /** A frame variable's type and where its value is (a stack position, calldata, or unavailable). */
  placedValue(p: PlacedVariable): { type: SolType; location: Location } {
    const { type, dataLocation } = this.registry.fromVariableDeclaration(p.v.declaration);
    return { type, location: 'location' in p ? p.location : { kind: 'stack', index: p.index, pointsTo: dataLocation } };
  }

  /** The state variables of the contract whose code runs at `step`: persistent, transient, then immutables. */
  stateVariables(step: number): StateVariable[] {
    const unit = this.steps.unitAt(step);
    const layout = unit.contract?.storageLayout as SolcStorageLayout | undefined;
    const transient = unit.contract?.transientStorageLayout as SolcStorageLayout | undefined;
    const immutables = unit.contract ? immutableVariables(unit.contract, this.definition(unit.contract), this.registry, unit.isCreation ? undefined : unit.code) : [];
    if (!layout || !layout.storage) return immutables;
    try {
      // Transient variables after the persistent ones, then immutables: all are state the user declared.
      return [
        ...stateVariablesFromLayout(layout, this.registry),
        ...(transient?.storage?.length ? stateVariablesFromLayout(transient, this.registry, true) : []),
        ...immutables,
      ];
    } catch {
      return immutables;
    }
  }

  private definition(contract: CompiledContract): AstNode | undefined {
    return this.project.sources.find((s) => s.unit === contract.sourceUnit)?.ast.nodes
      ?.find((n) => n.nodeType === 'ContractDefinition' && n.name === contract.name);
  }
}
