// Code generation for one function body: typed AST -> stack bytecode, plus the debug info the real
// toolchain writes (a source location per instruction, parameter and local names).
//
// Shape of the code follows the Move bytecode verifier's rules: the operand stack is empty at every
// branch and join, so values that flow out of `if`, `&&`/`||` and loops pass through locals. Every
// `let` binder gets its own local slot (as the Move compiler does), so the debugger shows each name.
// A local is copied when its type has `copy` (unless written `move x`), otherwise moved.
//
// Not compiled yet (reported as a diagnostic naming the construct): macro calls and lambdas, enums and
// `match`, labelled blocks, `#[syntax(index)]` on non-vectors. Global storage builtins (`move_to`,
// `borrow_global`, ...) compile for the Aptos target only (Sui has no global storage).
import type * as A from '../../../language/move/ast.ts';
import type { DatatypeInfo, FunctionInfo, MacroExpansionTypes, ModuleInfo, Program, TypeParamInfo } from '../../../language/move/program.ts';
import { typeSome, type Ty } from '../../../language/move/types.ts';
import type * as M from '../binary/model.ts';
import { CodegenError, type ModuleTables } from './module-tables.ts';
import { constantBytes, uleb } from './constants.ts';
import { substitute } from '../../../language/move/typing.ts';
import { ScopeStack } from '../../../language/move/scopes.ts';
import { forEachNode } from '../../../language/move/ast-walk.ts';
import { moveAtLastUse, releaseDeadReferences, removeUnreachable } from './last-use.ts';
import { cleanUp, usedLocals } from './peephole.ts';
import { MatchCodegen, type Label, type MatchHost } from './match-codegen.ts';

/** A source location in a given file (macro bodies inlined from other files keep their own file). */
export interface FileLoc {
  readonly file: string;
  readonly loc: A.Loc;
}

export interface FunctionOutput {
  readonly code: M.Instruction[];
  readonly locals: Ty[];
  /** Source location of each instruction (by pc). */
  readonly codeMap: FileLoc[];
  /** Names and declaration locations of the locals after the parameters. */
  readonly localNames: { name: string; loc: FileLoc }[];
  /** VariantSwitch targets (Sui enums). */
  readonly jumpTables: M.VariantJumpTable[];
}

/**
 * Where code is being generated from: the function itself, or a macro body / lambda inlined into it. Names
 * resolve in the context's module and scopes (macros are hygienic: a macro body does not see the caller's
 * locals, a lambda body sees its writer's), and types are in terms of the macro's type parameters until
 * substituted with the call's type arguments.
 */
interface Context {
  readonly module: ModuleInfo;
  readonly scopes: ScopeStack<number>;
  readonly subst: readonly Ty[] | undefined;
  /** `$x` parameters of the macro being inlined: the argument expression and the context it was written in. */
  readonly macroArgs: ReadonlyMap<string, { exp: A.Exp; ctx: Context }>;
  /** Where an unlabelled `return` goes: the end of the macro body or lambda being inlined (undefined: `Ret`). */
  readonly returnTarget: BlockTarget | undefined;
  /** Type parameters written types here refer to: the function's, or the macro's being inlined. */
  readonly typeParams: readonly TypeParamInfo[];
  /** Types of this expansion of a macro body (typed with the call's argument types), when it is one. */
  readonly expansion: MacroExpansionTypes | undefined;
}


/** The end of a block that values can leave early: a labelled block, a macro body, a lambda body. */
interface BlockTarget {
  readonly label: string | undefined;
  readonly end: Label;
  /** One local per value the block yields (none for `()` or a block that never yields). */
  readonly results: number[];
}

const COPY = 1;

/** std::vector functions marked `#[bytecode_instruction]` and the instruction each compiles to. */
const VECTOR_INSTRUCTIONS: Record<string, 'VecPack' | 'VecUnpack' | 'VecLen' | 'VecImmBorrow' | 'VecMutBorrow' | 'VecPushBack' | 'VecPopBack' | 'VecSwap'> = {
  empty: 'VecPack',
  destroy_empty: 'VecUnpack',
  length: 'VecLen',
  borrow: 'VecImmBorrow',
  borrow_mut: 'VecMutBorrow',
  push_back: 'VecPushBack',
  pop_back: 'VecPopBack',
  swap: 'VecSwap',
};


/** Places written by `place = value` (not plain locals), each with the offset its value ends at. */
function assignedPlaces(body: A.Block): { target: A.Loc; after: number }[] {
  const out: { target: A.Loc; after: number }[] = [];
  forEachNode(body, (node) => {
    const e = node as A.Exp;
    if (e.kind === 'assign' && e.target.kind !== 'name' && e.target.kind !== 'tuple') out.push({ target: e.target.loc, after: e.value.loc.end });
  });
  return out;
}

type GlobalStorageOp = 'MoveTo' | 'MoveFrom' | 'ImmBorrowGlobal' | 'MutBorrowGlobal' | 'Exists';

/** The global storage builtins (Aptos) and the instruction each compiles to. */
const GLOBAL_STORAGE_OPS: Readonly<Record<string, GlobalStorageOp>> = {
  move_to: 'MoveTo',
  move_from: 'MoveFrom',
  borrow_global: 'ImmBorrowGlobal',
  borrow_global_mut: 'MutBorrowGlobal',
  exists: 'Exists',
};

export class FunctionCodegen {
  private readonly code: M.Instruction[] = [];
  private readonly codeMap: FileLoc[] = [];
  private readonly locals: Ty[] = [];
  private readonly localNames: { name: string; loc: FileLoc }[] = [];
  private ctx: Context;
  private inlineDepth = 0;
  /** >0 while a macro argument is evaluated by name: it may run several times, so nothing is moved out. */
  private byName = 0;
  private readonly loops: { start: Label; end: Label; results: number[]; label: string | undefined }[] = [];
  private readonly blocks: BlockTarget[] = [];
  /** VariantSwitch tables, resolved to offsets when the function is done. */
  private readonly switches: { headEnum: number; targets: Label[] }[] = [];
  private temps = 0;
  /** Pcs of copies written `copy x` in the source (never turned into moves). */
  private readonly explicitCopies = new Set<number>();
  private loc: A.Loc;
  private readonly paramCount: number;
  /** Binder location (`start`) of each local use (`start`), and the last use of each binder. */
  private readonly useTarget = new Map<number, number>();
  private readonly lastUse = new Map<number, number>();
  /** Evaluation order of each local use (its offset, except in assigned places: see the constructor). */
  private readonly evalOrder = new Map<number, number>();
  /** Loop nesting depth at which each local slot was declared. */
  private readonly slotLoopDepth = new Map<number, number>();

  constructor(
    private readonly program: Program,
    private readonly m: ModuleInfo,
    private readonly t: ModuleTables,
    private readonly fn: FunctionInfo,
    /** Aptos: global storage ops, and plain abort codes (Sui's clever errors do not exist there). */
    private readonly target: 'sui' | 'aptos' = 'sui',
  ) {
    this.loc = fn.decl.loc;
    this.paramCount = fn.params.length;
    this.ctx = { module: m, scopes: new ScopeStack<number>(), subst: undefined, macroArgs: new Map(), returnTarget: undefined, expansion: undefined, typeParams: fn.typeParams };
    const placeTargets = fn.decl.body ? assignedPlaces(fn.decl.body) : [];
    for (const r of program.references) {
      if (r.kind !== 'local' || r.file !== m.file.path || r.loc.start < fn.decl.loc.start || r.loc.end > fn.decl.loc.end) continue;
      this.useTarget.set(r.loc.start, r.targetLoc.start);
      // `s.f = s.f + 1` evaluates the right side before the place written to: a use in the place counts
      // as coming after the assigned value (else the value's read would move `s` before the place uses it).
      const place = placeTargets.find((p) => r.loc.start >= p.target.start && r.loc.end <= p.target.end);
      const order = place ? place.after + (r.loc.start - place.target.start) / (place.target.end - place.target.start + 1) : r.loc.start;
      this.evalOrder.set(r.loc.start, order);
      const previous = this.lastUse.get(r.targetLoc.start);
      if (previous === undefined || order > (this.evalOrder.get(previous) ?? previous)) this.lastUse.set(r.targetLoc.start, r.loc.start);
    }
  }

  run(): FunctionOutput {
    const body = this.fn.decl.body!;
    this.ctx.scopes.reset(this.fn.params.map((p, i) => [p.name, i]));
    this.block(body, true);
    this.at(body.loc, () => this.emit({ op: 'Ret' }));
    const jumpTables = this.switches.map((sw) => ({ headEnum: sw.headEnum, offsets: sw.targets.map((l) => l.pc!) }));
    const reachable = removeUnreachable(this.code, jumpTables);
    const explicitCopies = new Set(reachable.origin.flatMap((old, pc) => (this.explicitCopies.has(old) ? [pc] : [])));
    moveAtLastUse(reachable.code, jumpTables, explicitCopies, (l) => l < this.paramCount || !this.localNames[l - this.paramCount].name.startsWith('%'));
    const released = releaseDeadReferences(reachable.code, jumpTables, (l) => this.localType(l).kind === 'ref');
    const cleaned = cleanUp(released.code, jumpTables, this.paramCount);
    const codeMap = cleaned.origin.map((pc) => this.codeMap[reachable.origin[released.origin[pc]]]);
    const used = usedLocals(cleaned.code);
    const order = this.localOrder().filter((i) => used.has(this.paramCount + i));
    // Checked on the final code: locals the clean-up dropped do not count, as in the Move compiler.
    if (this.paramCount + order.length > 256) throw new CodegenError(`this function needs ${this.paramCount + order.length} locals, more than the 256 bytecode allows`);
    return {
      code: renumberLocals(cleaned.code, this.paramCount, order),
      locals: order.map((i) => this.locals[i]),
      codeMap,
      localNames: order.map((i) => this.localNames[i]),
      jumpTables,
    };
  }

  /**
   * The order of the locals after the parameters, as the Move compiler numbers them: by name (its
   * locals live in a map sorted by name; temporaries are named `%#1`, `%#2`... and come first).
   * Same names keep their declaration order. Gives `old index - paramCount` per new position.
   */
  private localOrder(): number[] {
    const key = (i: number) => `${this.localNames[i].name}#`;
    return this.locals.map((_, i) => i).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a - b));
  }

  // ---- helpers

  private typeOf(e: A.Exp): Ty {
    const expanded = this.ctx.expansion?.expTypes.get(e);
    const expansion = expanded && !hasUnknown(expanded) ? expanded : undefined;
    const raw = expansion ?? this.program.expTypes.get(e);
    const t = raw && this.ctx.subst && !expansion ? substitute(raw, this.ctx.subst) : raw;
    if (!t || hasUnknown(t) || hasMacroParam(t)) throw new CodegenError('the type of this expression could not be inferred');
    return t;
  }

  private typeIfKnown(e: A.Exp): Ty | undefined {
    try {
      return this.typeOf(e);
    } catch (err) {
      if (err instanceof CodegenError) return undefined;
      throw err;
    }
  }

  private inContext<T>(ctx: Context, f: () => T): T {
    const saved = this.ctx;
    this.ctx = ctx;
    if (++this.inlineDepth > 64) throw new CodegenError('macros expand too deeply');
    try {
      return f();
    } finally {
      this.ctx = saved;
      this.inlineDepth--;
    }
  }

  private emit(i: M.Instruction): number {
    this.code.push(i);
    this.codeMap.push({ file: this.ctx.module.file.path, loc: this.loc });
    return this.code.length - 1;
  }

  private at<T>(loc: A.Loc, f: () => T): T {
    const saved = this.loc;
    this.loc = loc;
    try {
      return f();
    } finally {
      this.loc = saved;
    }
  }

  private label(): Label {
    return { pc: undefined, patches: [] };
  }
  private place(l: Label): void {
    l.pc = this.code.length;
    for (const p of l.patches) (this.code[p] as { offset: number }).offset = l.pc;
  }
  private jump(op: 'Branch' | 'BrTrue' | 'BrFalse', l: Label): void {
    const pc = this.emit({ op, offset: l.pc ?? 0 } as M.Instruction);
    if (l.pc === undefined) l.patches.push(pc);
  }

  private newLocal(t: Ty, name: string, loc: A.Loc): number {
    // Checked here (not when the signature is written) so the failure belongs to this function.
    this.t.token(t);
    this.locals.push(t);
    this.localNames.push({ name, loc: { file: this.ctx.module.file.path, loc } });
    const index = this.paramCount + this.locals.length - 1;
    this.slotLoopDepth.set(index, this.loops.length);
    return index;
  }
  private temp(t: Ty): number {
    return this.newLocal(t, `%#${++this.temps}`, this.loc);
  }

  private lookup(name: string): number | undefined {
    return this.ctx.scopes.lookup(name);
  }

  private localType(index: number): Ty {
    return index < this.paramCount ? this.fn.params[index].type : this.locals[index - this.paramCount];
  }

  private scoped<T>(f: () => T): T {
    return this.ctx.scopes.scoped(f);
  }

  private hasCopy(t: Ty): boolean {
    switch (t.kind) {
      case 'prim':
        return t.name !== 'signer';
      case 'ref':
        return true;
      case 'vector':
        return this.hasCopy(t.elem);
      case 'param':
        return (this.fn.typeParams[t.index].constraints & COPY) !== 0;
      case 'datatype': {
        const dt = this.program.modules.get(t.module)!.datatypes.get(t.name)!;
        return (dt.abilities & COPY) !== 0 && t.args.every((a, i) => dt.typeParams[i].phantom || this.hasCopy(a));
      }
      default:
        return false;
    }
  }

  /** Number of stack values an expression of type `t` leaves. */
  private width(t: Ty): number {
    return t.kind === 'tuple' ? t.elems.length : 1;
  }

  /** Locals that carry the value(s) of type `t` across a jump (none for `()` or a value that never comes). */
  private resultSlots(t: Ty): number[] {
    if (t.kind === 'any') return [];
    if (t.kind === 'tuple') return t.elems.map((x) => this.temp(x));
    return [this.temp(t)];
  }
  private storeResults(slots: readonly number[]): void {
    for (let i = slots.length - 1; i >= 0; i--) this.emit({ op: 'StLoc', local: slots[i] });
  }
  private loadResults(slots: readonly number[]): void {
    for (const s of slots) this.emit({ op: 'MoveLoc', local: s });
  }

  /**
   * A block that can be left early (`'a: { ... return 'a v ... }`, a macro body with `return`, a lambda
   * body with `return`). `body` compiles it and says whether it left its value on the stack. Without an
   * early exit the value simply stays on the stack; otherwise it goes through the block's result locals.
   */
  private targetBlock(label: string | undefined, t: Ty, body: (target: BlockTarget) => boolean): void {
    const target: BlockTarget & { results: number[]; type: Ty } = { label, end: this.label(), results: [], type: t };
    this.blocks.push(target);
    let yields: boolean;
    try {
      yields = body(target);
    } finally {
      this.blocks.pop();
    }
    if (target.end.patches.length === 0) return;
    this.ensureResults(target);
    if (yields) this.storeResults(target.results);
    this.place(target.end);
    this.loadResults(target.results);
  }

  private ensureResults(target: BlockTarget): void {
    const t = target as BlockTarget & { results: number[]; type: Ty; allocated?: boolean };
    if (t.allocated) return;
    t.allocated = true;
    t.results.push(...this.resultSlots(t.type));
  }

  /** `return 'a v`: v goes to the block's result locals, then control to the block's end. */
  private exitTo(target: BlockTarget, value: A.Exp | undefined): void {
    this.ensureResults(target);
    if (value) {
      this.exp(value);
      if (this.typeOf(value).kind !== 'any') this.storeResults(target.results);
    }
    this.jump('Branch', target.end);
  }

  private matchHost(): MatchHost {
    return {
      program: this.program,
      t: this.t,
      emit: (i) => this.emit(i),
      label: () => this.label(),
      place: (l) => this.place(l),
      jump: (op, l) => this.jump(op, l),
      temp: (t) => this.temp(t),
      declare: (name, t) => {
        const slot = this.newLocal(t, name.value, name.loc);
        this.ctx.scopes.declare(name.value, slot);
        return slot;
      },
      exp: (e) => this.exp(e),
      typeOf: (e) => this.typeOf(e),
      scoped: (f) => this.scoped(f),
      resultSlots: (t) => this.resultSlots(t),
      storeResults: (slots) => this.storeResults(slots),
      loadResults: (slots) => this.loadResults(slots),
      addSwitch: (headEnum, targets) => this.switches.push({ headEnum, targets }) - 1,
      literal: (v, t) => {
        if (v.kind === 'number') return this.number(v.text, t);
        if (v.kind === 'bool') {
          this.emit({ op: v.value ? 'LdTrue' : 'LdFalse' });
          return;
        }
        this.emit({ op: 'LdConst', index: this.t.constant(this.t.token(t), constantBytes(v, t, this.program, this.ctx.module)) });
      },
      unreachable: (at) => this.abortWith(undefined, at),
    };
  }

  // ---- statements and blocks

  /** Compiles a block; its value is left on the stack (`keep`) or dropped. */
  private block(b: A.Block, keep: boolean): void {
    this.scoped(() => {
      for (const s of b.statements) this.statement(s);
      if (b.result) {
        if (keep) this.exp(b.result);
        else this.effect(b.result);
      }
    });
  }

  private statement(s: A.Statement): void {
    this.at(s.loc, () => {
      if (s.kind === 'let') {
        if (s.value) {
          this.exp(s.value);
          this.bind(s.bind, this.typeOf(s.value));
        } else this.declareUninitialized(s.bind);
      } else if (s.kind === 'exp') this.effect(s.exp);
      // `use` inside a body only changes name resolution, which the front end has done.
    });
  }

  /** Evaluates for side effects only, dropping the value. */
  private effect(e: A.Exp): void {
    this.exp(e);
    const t = this.typeOf(e);
    if (t.kind === 'any') return;
    for (let i = 0; i < this.width(t); i++) this.at(e.loc, () => this.emit({ op: 'Pop' }));
  }

  private declareUninitialized(b: A.Bind): void {
    if (b.kind === 'var') {
      const t = this.binderType(b.name);
      this.ctx.scopes.declare(b.name.value, this.newLocal(t, b.name.value, b.name.loc));
    } else if (b.kind === 'tuple') b.elems.forEach((x) => this.declareUninitialized(x));
    else throw new CodegenError('a struct pattern needs a value');
  }

  private binderType(name: A.Name): Ty {
    const expanded = this.ctx.expansion?.binders.get(name.loc.start);
    if (expanded && !hasUnknown(expanded)) return expanded;
    const t = this.program.types.find((x) => x.file === this.ctx.module.file.path && x.loc.start === name.loc.start && x.loc.end === name.loc.end);
    const type = t && this.ctx.subst ? substitute(t.type, this.ctx.subst) : t?.type;
    if (!type || hasUnknown(type) || hasMacroParam(type)) throw new CodegenError(`the type of '${name.value}' could not be inferred`);
    return type;
  }

  /** Stores the value(s) on the stack into the pattern's locals. */
  private bind(b: A.Bind, t: Ty): void {
    switch (b.kind) {
      case 'var': {
        if (b.name.value === '_') {
          this.emit({ op: 'Pop' });
          return;
        }
        const slot = this.newLocal(t, b.name.value, b.name.loc);
        this.emit({ op: 'StLoc', local: slot });
        this.ctx.scopes.declare(b.name.value, slot);
        return;
      }
      case 'tuple': {
        if (t.kind !== 'tuple') throw new CodegenError('a tuple pattern needs a tuple value');
        // The last value is on top of the stack: bind right to left, declare left to right.
        const slots: [A.Bind, Ty][] = b.elems.map((x, i) => [x, t.elems[i]]);
        for (let i = slots.length - 1; i >= 0; i--) this.bind(slots[i][0], slots[i][1]);
        return;
      }
      case 'unpack': {
        if (t.kind === 'ref') return this.bindFieldsOfRef(b, t);
        if (t.kind !== 'datatype') throw new CodegenError('only a struct can be unpacked');
        const dt = this.program.modules.get(t.module)!.datatypes.get(t.name)!;
        if (dt.kind !== 'struct') throw new CodegenError('enums are not compiled yet');
        const def = this.t.structDefIndex.get(dt.name)!;
        this.emit(t.args.length ? { op: 'UnpackGeneric', instantiation: this.t.structInstantiation(def, t.args) } : { op: 'Unpack', def });
        const fieldTypes = dt.fields.map((f) => substitute(f.type, t.args));
        // Fields come out in declaration order; the last is on top.
        const binds = dt.fields.map((f) => b.fields.find((x) => x.name.value === f.name)?.bind);
        for (let i = dt.fields.length - 1; i >= 0; i--) {
          const fb = binds[i];
          if (!fb) this.emit({ op: 'Pop' });
          else this.bind(fb, fieldTypes[i]);
        }
      }
    }
  }

  /** `let S { f, .. } = &s;`: each named field is borrowed through the reference (held in a temporary). */
  private bindFieldsOfRef(b: Extract<A.Bind, { kind: 'unpack' }>, t: Extract<Ty, { kind: 'ref' }>): void {
    const st = t.to;
    if (st.kind !== 'datatype') throw new CodegenError('only a struct can be unpacked');
    const dt = this.program.modules.get(st.module)!.datatypes.get(st.name)!;
    if (dt.kind !== 'struct') throw new CodegenError('only a struct can be unpacked with let');
    const ref = this.temp(t);
    this.emit({ op: 'StLoc', local: ref });
    const bound = dt.fields.map((f, i) => ({ i, bind: b.fields.find((x) => x.name.value === f.name)?.bind })).filter((x) => x.bind);
    if (bound.length === 0) {
      this.emit({ op: 'MoveLoc', local: ref });
      this.emit({ op: 'Pop' });
      return;
    }
    bound.forEach(({ i, bind }, k) => {
      this.emit({ op: k === bound.length - 1 ? 'MoveLoc' : 'CopyLoc', local: ref });
      this.borrowField(dt.name, i, st.args, t.mut);
      this.bind(bind!, { kind: 'ref', mut: t.mut, to: substitute(dt.fields[i].type, st.args) });
    });
  }

  private borrowField(structName: string, index: number, args: readonly Ty[], mut: boolean): void {
    const handle = this.t.fieldHandle(structName, index);
    if (args.length) this.emit({ op: mut ? 'MutBorrowFieldGeneric' : 'ImmBorrowFieldGeneric', instantiation: this.t.fieldInstantiation(handle, args) });
    else this.emit({ op: mut ? 'MutBorrowField' : 'ImmBorrowField', handle });
  }

  // ---- expressions

  exp(e: A.Exp): void {
    this.at(e.loc, () => this.expInner(e));
  }

  private expInner(e: A.Exp): void {
    switch (e.kind) {
      case 'number':
        return this.number(e.text, this.typeOf(e));
      case 'bool':
        this.emit({ op: e.value ? 'LdTrue' : 'LdFalse' });
        return;
      case 'address':
      case 'byteString':
      case 'hexString': {
        const t = this.typeOf(e);
        this.emit({ op: 'LdConst', index: this.t.constant(this.t.token(t), constantBytes(e, t, this.program, this.m)) });
        return;
      }
      case 'name':
        return this.name(e);
      case 'call':
        return this.call(e);
      case 'methodCall':
        return this.methodCall(e);
      case 'pack':
        return this.pack(e);
      case 'vector': {
        const t = this.typeOf(e);
        if (t.kind !== 'vector') throw new CodegenError('vector literal without a vector type');
        // A vector of literals (`vector[]`, `vector[1, 2]`) is folded into a constant, as the Move
        // compiler's constant folding does, when its type can be a constant.
        if (isLiteralVector(e) && isConstantType(t)) {
          this.emit({ op: 'LdConst', index: this.t.constant(this.t.token(t), constantBytes(e, t, this.program, this.ctx.module)) });
          return;
        }
        for (const x of e.elems) this.exp(x);
        this.emit({ op: 'VecPack', signature: this.t.signature([t.elem]), count: BigInt(e.elems.length) });
        return;
      }
      case 'field':
      case 'index': {
        this.borrowPlace(e, false);
        this.emit({ op: 'ReadRef' });
        return;
      }
      case 'unary':
        return this.unary(e);
      case 'binary':
        return this.binary(e);
      case 'assign':
        return this.assign(e);
      case 'cast': {
        this.exp(e.exp);
        const to = this.typeOf(e);
        if (to.kind !== 'prim') throw new CodegenError('cast to a non-integer type');
        const op = ({ u8: 'CastU8', u16: 'CastU16', u32: 'CastU32', u64: 'CastU64', u128: 'CastU128', u256: 'CastU256' } as Record<string, string>)[to.name];
        if (!op) throw new CodegenError(`cannot cast to '${to.name}'`);
        this.emit({ op } as M.Instruction);
        return;
      }
      case 'annotate':
        return this.exp(e.exp);
      case 'if':
        return this.ifExp(e);
      case 'while': {
        const start = this.label();
        const end = this.label();
        this.place(start);
        // The condition runs on every iteration too: it is inside the loop for move/copy decisions.
        this.loops.push({ start, end, results: [], label: e.label?.value });
        this.exp(e.cond);
        this.jump('BrFalse', end);
        this.scoped(() => this.effect(e.body));
        this.loops.pop();
        this.jump('Branch', start);
        this.place(end);
        return;
      }
      case 'loop': {
        const t = this.typeOf(e);
        const results = this.resultSlots(t);
        const start = this.label();
        const end = this.label();
        this.place(start);
        this.loops.push({ start, end, results, label: e.label?.value });
        this.scoped(() => this.effect(e.body));
        this.loops.pop();
        this.jump('Branch', start);
        this.place(end);
        this.loadResults(results);
        return;
      }
      case 'block':
        if (!e.label) return this.block(e.block, true);
        return this.targetBlock(e.label.value, this.typeOf(e), () => {
          this.block(e.block, true);
          return e.block.result !== undefined && this.typeOf(e.block.result).kind !== 'any';
        });
      case 'break':
      case 'continue': {
        const target = e.label ? [...this.loops].reverse().find((l) => l.label === e.label!.value) : this.loops[this.loops.length - 1];
        if (!target) {
          // `break 'a v` out of a labelled block (Move allows both `break` and `return` there).
          const block = e.label && e.kind === 'break' ? [...this.blocks].reverse().find((b) => b.label === e.label!.value) : undefined;
          if (block && e.kind === 'break') return this.exitTo(block, e.value);
          throw new CodegenError(`'${e.kind}' outside a loop`);
        }
        if (e.kind === 'break' && e.value) {
          this.exp(e.value);
          this.storeResults(target.results);
        }
        this.jump('Branch', e.kind === 'break' ? target.end : target.start);
        return;
      }
      case 'return': {
        if (e.label) {
          const block = [...this.blocks].reverse().find((b) => b.label === e.label!.value);
          if (!block) throw new CodegenError(`no block labelled '${e.label.value}' encloses this 'return'`);
          return this.exitTo(block, e.value);
        }
        // Inside an inlined macro body or lambda, `return` leaves that body, not the function.
        if (this.ctx.returnTarget) return this.exitTo(this.ctx.returnTarget, e.value);
        if (e.value) this.exp(e.value);
        this.emit({ op: 'Ret' });
        return;
      }
      case 'abort':
        this.abortWith(e.code, e.loc);
        return;
      case 'tuple':
        for (const x of e.elems) this.exp(x);
        return;
      case 'lambda':
        throw new CodegenError('a lambda can only be passed to a macro');
      case 'match':
        return new MatchCodegen(this.matchHost(), e).run();
      case 'spec':
        return;
      case 'error':
        throw new CodegenError('this expression has a syntax error');
    }
  }

  private number(text: string, t: Ty): void {
    if (t.kind !== 'prim') throw new CodegenError('an integer literal without an integer type');
    const digits = text.replace(/_/g, '').replace(/(u8|u16|u32|u64|u128|u256)$/, '');
    const value = BigInt(digits);
    const bits = { u8: 8, u16: 16, u32: 32, u64: 64, u128: 128, u256: 256 }[t.name as 'u8'];
    if (bits === undefined) throw new CodegenError(`an integer literal of type '${t.name}'`);
    if (value >= 1n << BigInt(bits)) throw new CodegenError(`${text} does not fit in ${t.name}`);
    switch (t.name) {
      case 'u8':
        this.emit({ op: 'LdU8', value: Number(value) });
        return;
      case 'u16':
        this.emit({ op: 'LdU16', value: Number(value) });
        return;
      case 'u32':
        this.emit({ op: 'LdU32', value: Number(value) });
        return;
      case 'u64':
        this.emit({ op: 'LdU64', value });
        return;
      case 'u128':
        this.emit({ op: 'LdU128', value });
        return;
      default:
        this.emit({ op: 'LdU256', value });
    }
  }

  private name(e: Extract<A.Exp, { kind: 'name' }>): void {
    const segs = e.path.segments;
    if (segs.length === 1) {
      const slot = this.lookup(segs[0].value);
      if (slot !== undefined) {
        // Like the Move compiler, a copyable local is moved at its last use (not inside a loop that
        // would read it again on the next iteration).
        const at = segs[0].loc.start;
        const target = this.useTarget.get(at);
        // References are left to the liveness pass (moveAtLastUse): source order is not evaluation order
        // in `*r = *r + 1`, where the target's `r` is used last.
        const last = this.byName === 0 && target !== undefined && this.lastUse.get(target) === at && (this.slotLoopDepth.get(slot) ?? 0) === this.loops.length && this.localType(slot).kind !== 'ref';
        const copy = e.moveOrCopy === 'copy' || (e.moveOrCopy !== 'move' && !last && this.hasCopy(this.localType(slot)));
        const pc = this.emit(copy ? { op: 'CopyLoc', local: slot } : { op: 'MoveLoc', local: slot });
        if (e.moveOrCopy === 'copy') this.explicitCopies.add(pc);
        return;
      }
      const macroArg = this.ctx.macroArgs.get(segs[0].value);
      if (macroArg) {
        // Macro arguments are passed by name: each use evaluates the argument where it was written.
        if (macroArg.exp.kind === 'lambda') throw new CodegenError(`'${segs[0].value}' is a function: call it`);
        this.byName++;
        try {
          this.inContext(macroArg.ctx, () => this.exp(macroArg.exp));
        } finally {
          this.byName--;
        }
        return;
      }
      const c = this.ctx.module.constants.get(segs[0].value);
      if (c) {
        this.emit({ op: 'LdConst', index: this.t.constant(this.t.token(c.type), constantBytes(c.decl.value, c.type, this.program, this.ctx.module)) });
        return;
      }
    }
    const v = this.variantAt(e, e.path);
    if (v) return this.emitPackVariant(v.t, v.dt, v.variant);
    throw new CodegenError(`'${segs.map((s) => s.value).join('::')}' is not compiled yet here`);
  }

  /**
   * Pushes call arguments; with the parameters known, a `&mut` passed where `&` is expected is frozen right
   * after it is pushed, as the Move compiler does (the verifier rejects a `&mut` for a `&` parameter).
   */
  private callArgs(args: A.Exp[], params?: readonly { type: Ty }[]): void {
    args.forEach((a, i) => {
      this.exp(a);
      const param = params?.[i]?.type;
      if (param?.kind !== 'ref' || param.mut) return;
      const t = this.typeIfKnown(a);
      if (t?.kind === 'ref' && t.mut) this.emit({ op: 'FreezeRef' });
    });
  }

  private emitCall(fn: FunctionInfo, typeArgs: Ty[]): void {
    // `#[bytecode_instruction]` functions of std::vector are compiled to their instruction, as Move does.
    if (fn.module === '0x1::vector' && fn.decl.attributes.some((a) => a.name.value === 'bytecode_instruction')) {
      const signature = this.t.signature([typeArgs[0]]);
      const op = VECTOR_INSTRUCTIONS[fn.name];
      if (op === 'VecPack' || op === 'VecUnpack') this.emit({ op, signature, count: 0n });
      else if (op) this.emit({ op, signature } as M.Instruction);
      if (op) return;
    }
    const handle = this.t.functionHandle(fn.module, fn.name);
    if (fn.typeParams.length) this.emit({ op: 'CallGeneric', instantiation: this.t.functionInstantiation(handle, typeArgs) });
    else this.emit({ op: 'Call', handle });
  }

  /** The function a call resolved to during type checking, with its type arguments. */
  private resolved(e: A.Exp, what: string): { fn: FunctionInfo; typeArgs: Ty[] } {
    const expanded = this.ctx.expansion?.calls.get(e);
    if (expanded && !expanded.typeArgs.some(hasUnknown)) return expanded;
    const c = this.program.calls.get(e);
    if (!c) throw new CodegenError(`${what} could not be resolved`);
    if (this.ctx.subst) return { fn: c.fn, typeArgs: c.typeArgs.map((t) => substitute(t, this.ctx.subst!)) };
    if (c.typeArgs.some(hasUnknown)) throw new CodegenError(`the type arguments of '${c.fn.name}' could not be inferred: write them, as in '${c.fn.name}<...>(...)'`);
    return c;
  }

  private call(e: Extract<A.Exp, { kind: 'call' }>): void {
    const segs = e.path.segments;
    const call = this.ctx.expansion?.calls.get(e) ?? this.program.calls.get(e);
    if (!call && e.macro && segs.length === 1 && segs[0].value === 'assert') {
      // assert!(cond, code) is `if (cond) () else abort code`, laid out as the Move compiler does.
      const fail = this.label();
      const ok = this.label();
      this.exp(e.args[0]);
      // Both compilers' shape: `BrFalse fail; Branch ok; fail: code; Abort; ok:`.
      this.jump('BrFalse', fail);
      this.jump('Branch', ok);
      this.place(fail);
      this.abortWith(e.args[1], e.loc);
      this.place(ok);
      return;
    }
    if (segs.length === 1 && !call) {
      const lambda = this.ctx.macroArgs.get(segs[0].value);
      if (lambda) return this.callLambda(lambda, e.args, this.typeOf(e));
    }
    if (call?.fn.decl.macro) {
      const { fn, typeArgs } = this.resolved(e, 'this macro call');
      return this.inlineMacro(fn, typeArgs, e.args.map((a) => ({ exp: a, ctx: this.ctx })), this.typeOf(e));
    }
    if (e.macro) throw new CodegenError(`macro '${segs.map((s) => s.value).join('::')}!' is not compiled yet`);
    if (call) {
      const { fn, typeArgs } = this.resolved(e, 'this call');
      this.callArgs(e.args, fn.params);
      this.emitCall(fn, typeArgs);
      return;
    }
    if (segs.length === 1 && !call && GLOBAL_STORAGE_OPS[segs[0].value]) return this.globalStorage(e, GLOBAL_STORAGE_OPS[segs[0].value]);
    if (segs.length === 1 && segs[0].value === 'freeze') {
      this.callArgs(e.args);
      this.emit({ op: 'FreezeRef' });
      return;
    }
    // Positional variant or struct.
    const v = this.variantAt(e, e.path);
    if (v) {
      this.callArgs(e.args);
      return this.emitPackVariant(v.t, v.dt, v.variant);
    }
    const t = this.typeOf(e);
    if (t.kind === 'datatype' && t.module === this.m.key && this.m.datatypes.get(t.name)?.kind === 'struct') {
      this.callArgs(e.args);
      this.emitPack(t);
      return;
    }
    throw new CodegenError(`'${segs.map((s) => s.value).join('::')}(...)' is not compiled yet`);
  }

  /**
   * `abort code`. Without a code, or with an `#[error]` constant, the code is a Sui clever error as the
   * Move compiler writes it (its ErrorBitset, version 1): 0xC in the top four bits, the `#[error(code = N)]`
   * number in bits 48-55, the source line in bits 32-47, then the constant pool indices of the constant's
   * name (a `vector<u8>` constant) and of its value; 0xff / 0xffff each when absent.
   */
  private abortWith(code: A.Exp | undefined, at: A.Loc): void {
    const constant = code?.kind === 'name' && code.path.segments.length === 1 ? this.ctx.module.constants.get(code.path.segments[0].value) : undefined;
    const errorAttribute = constant?.decl.attributes.find((a) => a.name.value === 'error');
    // `abort`/`assert!(c)` without a code always need one made up; Aptos has no clever errors otherwise.
    const clever = !code || (this.target === 'sui' && errorAttribute !== undefined);
    if (!clever) {
      this.exp(code!);
      this.emit({ op: 'Abort' });
      return;
    }
    const source = this.ctx.module.file.source;
    let line = 1;
    for (let i = 0; i < at.start && i < source.length; i++) if (source[i] === 10) line++;
    let identifier = 0xffff;
    let index = 0xffff;
    let errorCode = 0xff;
    if (constant) {
      // The name first, then the value, as the Move compiler adds them to the constant pool.
      const name = new TextEncoder().encode(constant.name);
      identifier = this.t.constant({ kind: 'vector', element: { kind: 'u8' } }, Uint8Array.from([...uleb(name.length), ...name]));
      index = this.t.constant(this.t.token(constant.type), constantBytes(constant.decl.value, constant.type, this.program, this.ctx.module));
      const given = errorAttribute?.args.find((a) => a.kind === 'assign' && a.name.value === 'code');
      if (given?.kind === 'assign' && 'kind' in given.value && given.value.kind === 'number') {
        const n = Number(given.value.text.replace(/_/g, '').replace(/u(8|16|32|64|128|256)$/, ''));
        if (Number.isInteger(n) && n >= 0 && n < 0xff) errorCode = n;
      }
    }
    const value = (0xcn << 60n) | (BigInt(errorCode) << 48n) | (BigInt(line & 0xffff) << 32n) | (BigInt(identifier & 0xffff) << 16n) | BigInt(index & 0xffff);
    this.emit({ op: 'LdU64', value });
    this.emit({ op: 'Abort' });
  }

  /**
   * Expands a macro call: its body runs in the macro's module with its own scopes, `$x` parameters stand for
   * the argument expressions, `$T` for the call's type arguments.
   */
  private inlineMacro(fn: FunctionInfo, typeArgs: Ty[], args: { exp: A.Exp; ctx: Context }[], resultType: Ty): void {
    const body = fn.decl.body;
    if (!body) throw new CodegenError(`macro '${fn.name}' has no body`);
    const macroArgs = new Map<string, { exp: A.Exp; ctx: Context }>();
    fn.decl.params.forEach((p, i) => {
      if (args[i]) macroArgs.set(p.name.value, args[i]);
    });
    const module = this.program.modules.get(fn.module)!;
    const scopes = new ScopeStack<number>();
    scopes.reset();
    // The body is typed again for this call, with the argument types (lambdas are typed where written).
    const argTypes = args.map((a) => (a.exp.kind === 'lambda' ? undefined : this.inContext(a.ctx, () => this.typeIfKnown(a.exp))));
    const expansion = this.program.typeMacroExpansion(fn, typeArgs, argTypes);
    this.targetBlock(undefined, resultType, (returnTarget) =>
      this.inContext({ module, scopes, subst: typeArgs, macroArgs, returnTarget, expansion, typeParams: fn.typeParams }, () =>
        this.at(body.loc, () => {
          this.block(body, true);
          return body.result !== undefined && this.typeOf(body.result).kind !== 'any';
        }),
      ),
    );
  }

  /** Calls a lambda passed to a macro: its parameters are bound to the arguments, its body inlined. */
  private callLambda(lambda: { exp: A.Exp; ctx: Context }, args: A.Exp[], resultType: Ty): void {
    const l = lambda.exp;
    if (l.kind !== 'lambda') {
      // A function value that is not a literal lambda (a macro parameter passed on): expand it as a call.
      if (l.kind === 'name' && l.path.segments.length === 1) {
        const inner = lambda.ctx.macroArgs.get(l.path.segments[0].value);
        if (inner) return this.callLambda(inner, args, resultType);
      }
      throw new CodegenError('only lambdas can be called here');
    }
    // Arguments are evaluated where the call is written, then bound in the lambda's own context.
    const argTypes = args.map((a) => {
      this.exp(a);
      return this.typeOf(a);
    });
    const expansion = this.lambdaTypes(l, lambda.ctx, argTypes, resultType);
    this.targetBlock(undefined, resultType, (returnTarget) =>
      this.inContext({ ...lambda.ctx, returnTarget, expansion }, () =>
        this.scoped(() => {
          for (let i = l.params.length - 1; i >= 0; i--) this.bind(l.params[i].pattern, argTypes[i]);
          this.exp(l.body);
          return this.typeOf(l.body).kind !== 'any';
        }),
      ),
    );
  }

  /**
   * `move_to(&signer, value)`, `move_from<T>(a)`, `borrow_global[_mut]<T>(a)`, `exists<T>(a)`: one
   * instruction on a struct of this module (the type checker enforces that), generic when T has arguments.
   */
  private globalStorage(e: Extract<A.Exp, { kind: 'call' }>, op: GlobalStorageOp): void {
    if (this.target !== 'aptos') throw new CodegenError(`'${e.path.segments[0].value}' needs global storage, which Sui does not have (an Aptos package depends on AptosFramework or AptosStdlib)`);
    let t: Ty;
    if (op === 'MoveTo') t = this.typeOf(e.args[1]);
    else if (op === 'MoveFrom') t = this.typeOf(e);
    else if (op === 'Exists') {
      const written = e.typeArgs?.[0];
      if (!written) throw new CodegenError("'exists' needs its type argument: 'exists<T>(address)'");
      const resolved = this.program.typeOfWritten(this.ctx.module, written, this.fn.typeParams);
      t = this.ctx.subst ? substitute(resolved, this.ctx.subst) : resolved;
    } else {
      const r = this.typeOf(e);
      t = r.kind === 'ref' ? r.to : r;
    }
    const def = t.kind === 'datatype' && t.module === this.m.key ? this.t.structDefIndex.get(t.name) : undefined;
    if (t.kind !== 'datatype' || def === undefined) throw new CodegenError('global storage holds only structs declared in this module');
    this.callArgs(e.args);
    if (t.args.length) this.emit({ op: `${op}Generic`, instantiation: this.t.structInstantiation(def, t.args) } as M.Instruction);
    else this.emit({ op, def } as M.Instruction);
  }

  /**
   * The types of a lambda body at this call. Move types a lambda where the macro's expansion calls it,
   * with the arguments' types and the type the call site expects: a lambda passed to a macro parameter
   * `|_, _| ...` only learns its parameter types there, and a method called on one (`case.checked_add(1)`)
   * only resolves there. So the body is typed again for every call, seeing the types of the locals and
   * macro arguments around it; where that typing still leaves a part unknown, the context's types stand.
   */
  private lambdaTypes(l: Extract<A.Exp, { kind: 'lambda' }>, ctx: Context, argTypes: Ty[], resultType: Ty): MacroExpansionTypes {
    const outer = new Map<string, Ty>();
    for (const [name, slot] of ctx.scopes.visible()) outer.set(name, this.localType(slot));
    for (const [name, arg] of ctx.macroArgs) {
      const t = arg.exp.kind === 'lambda' ? undefined : this.inContext(arg.ctx, () => this.typeIfKnown(arg.exp));
      if (t) outer.set(name, t);
    }
    const fresh = this.program.typeLambdaBody(ctx.module, l, argTypes, resultType, outer, ctx.typeParams, ctx.subst ?? []);
    return {
      expTypes: preferKnown(ctx.expansion?.expTypes, fresh.expTypes, hasUnknown),
      calls: preferKnown(ctx.expansion?.calls, fresh.calls, (c) => c.typeArgs.some(hasUnknown)),
      binders: preferKnown(ctx.expansion?.binders, fresh.binders, hasUnknown),
    };
  }

  private emitPack(t: Extract<Ty, { kind: 'datatype' }>): void {
    const def = this.t.structDefIndex.get(t.name);
    if (def === undefined) throw new CodegenError(`'${t.name}' is not a struct of this module`);
    const dt = this.m.datatypes.get(t.name)!;
    if (dt.fields.length === 0) this.emit({ op: 'LdFalse' }); // the implicit `dummy_field: bool`
    this.emit(t.args.length ? { op: 'PackGeneric', instantiation: this.t.structInstantiation(def, t.args) } : { op: 'Pack', def });
  }

  private pack(e: Extract<A.Exp, { kind: 'pack' }>): void {
    const t = this.typeOf(e);
    if (t.kind !== 'datatype') throw new CodegenError('not a struct');
    const dt = this.program.modules.get(t.module)!.datatypes.get(t.name)!;
    const variant = dt.kind === 'enum' ? this.variantOf(dt, e.path) : undefined;
    const declared = variant === undefined ? dt.fields : dt.variants[variant].fields;
    const order = declared.map((f) => e.fields.findIndex((x) => x.name.value === f.name));
    const inOrder = order.every((o, i) => o === i);
    if (inOrder) for (const f of e.fields) this.exp(f.value);
    else {
      // Evaluate in source order (side effects), then push in declaration order.
      const slots = e.fields.map((f) => {
        this.exp(f.value);
        const slot = this.temp(this.typeOf(f.value));
        this.emit({ op: 'StLoc', local: slot });
        return slot;
      });
      for (const o of order) this.emit({ op: 'MoveLoc', local: slots[o] });
    }
    if (variant !== undefined) this.emitPackVariant(t, dt, variant);
    else this.emitPack(t);
  }

  private variantOf(dt: DatatypeInfo, path: A.Path): number {
    const name = path.segments[path.segments.length - 1].value;
    const i = dt.variants.findIndex((v) => v.name === name);
    if (i < 0) throw new CodegenError(`'${dt.name}' has no variant '${name}'`);
    return i;
  }

  private emitPackVariant(t: Extract<Ty, { kind: 'datatype' }>, dt: DatatypeInfo, variant: number): void {
    if (t.module !== this.m.key) throw new CodegenError(`'${dt.name}' can only be constructed in its own module`);
    const v = this.t.variant(dt.name, variant, t.args);
    this.emit(v.generic ? { op: 'PackVariantGeneric', instantiation: v.index } : { op: 'PackVariant', handle: v.index });
  }

  /** The enum and variant a path names (`E::V`), when the expression's type is an enum. */
  private variantAt(e: A.Exp, path: A.Path): { t: Extract<Ty, { kind: 'datatype' }>; dt: DatatypeInfo; variant: number } | undefined {
    if (path.segments.length < 2) return undefined;
    const t = this.typeOf(e);
    if (t.kind !== 'datatype') return undefined;
    const dt = this.program.modules.get(t.module)?.datatypes.get(t.name);
    if (dt?.kind !== 'enum') return undefined;
    return { t, dt, variant: this.variantOf(dt, path) };
  }

  private methodCall(e: Extract<A.Exp, { kind: 'methodCall' }>): void {
    const { fn, typeArgs } = this.resolved(e, `method '${e.method.value}'`);
    if (fn.decl.macro) return this.inlineMacro(fn, typeArgs, [this.eagerReceiver(this.macroReceiver(e.receiver, fn)), ...e.args].map((a) => ({ exp: a, ctx: this.ctx })), this.typeOf(e));
    const recvType = this.typeOf(e.receiver);
    const first = fn.params[0]?.type;
    // Auto-borrow / freeze / read the receiver as the first parameter needs.
    if (first?.kind === 'ref' && recvType.kind !== 'ref') this.borrowPlace(e.receiver, first.mut);
    else {
      this.exp(e.receiver);
      if (first?.kind === 'ref' && recvType.kind === 'ref' && recvType.mut && !first.mut) this.emit({ op: 'FreezeRef' });
      else if (first && first.kind !== 'ref' && recvType.kind === 'ref') this.emit({ op: 'ReadRef' });
    }
    this.callArgs(e.args, fn.params.slice(1));
    this.emitCall(fn, typeArgs);
  }

  /**
   * The receiver of a macro method call is evaluated once, before the macro body (as Move does), unless
   * it is a plain local: the body then refers to a temporary holding it.
   */
  private eagerReceiver(receiver: A.Exp): A.Exp {
    if (receiver.kind === 'name' && receiver.path.segments.length === 1 && this.lookup(receiver.path.segments[0].value) !== undefined) return receiver;
    const t = this.typeOf(receiver);
    this.exp(receiver);
    const slot = this.temp(t);
    this.emit({ op: 'StLoc', local: slot });
    const name = `%receiver${slot}`;
    this.ctx.scopes.declare(name, slot);
    const ref: A.Exp = { kind: 'name', path: { segments: [{ value: name, loc: receiver.loc }], loc: receiver.loc } as A.Path, typeArgs: undefined, loc: receiver.loc };
    this.program.expTypes.set(ref, t);
    return ref;
  }

  /**
   * The receiver of a macro method call as the macro's first parameter takes it: `s.bytes.all!(..)` with
   * `$v: &vector<T>` passes `&s.bytes` (the argument is substituted by name, so the borrow is written out).
   */
  private macroReceiver(receiver: A.Exp, fn: FunctionInfo): A.Exp {
    const first = fn.params[0]?.type;
    const recvType = this.typeOf(receiver);
    if (first?.kind === 'ref' && recvType.kind !== 'ref') {
      const borrow: A.Exp = { kind: 'unary', op: first.mut ? '&mut' : '&', operand: receiver, loc: receiver.loc };
      this.program.expTypes.set(borrow, { kind: 'ref', mut: first.mut, to: recvType });
      return borrow;
    }
    if (first && first.kind !== 'ref' && first.kind !== 'any' && recvType.kind === 'ref') {
      const read: A.Exp = { kind: 'unary', op: '*', operand: receiver, loc: receiver.loc };
      this.program.expTypes.set(read, recvType.to);
      return read;
    }
    return receiver;
  }

  /** Pushes a reference to a place: a local, a field path, a vector element, or a reference value. */
  private borrowPlace(e: A.Exp, mut: boolean): void {
    this.at(e.loc, () => {
      if (e.kind === 'name' && e.path.segments.length === 1) {
        const slot = this.lookup(e.path.segments[0].value);
        if (slot !== undefined) {
          const t = this.localType(slot);
          if (t.kind === 'ref') {
            this.emit({ op: 'CopyLoc', local: slot });
            if (t.mut && !mut) this.emit({ op: 'FreezeRef' });
          } else this.emit({ op: mut ? 'MutBorrowLoc' : 'ImmBorrowLoc', local: slot });
          return;
        }
      }
      if (e.kind === 'field') {
        const baseType = this.typeOf(e.base);
        const structType = baseType.kind === 'ref' ? baseType.to : baseType;
        if (structType.kind !== 'datatype' || structType.module !== this.m.key) throw new CodegenError('field access outside the struct\'s module');
        const dt = this.m.datatypes.get(structType.name)!;
        const index = dt.fields.findIndex((f) => f.name === e.field.value);
        // A mutable borrow of the base is needed only for a mutable field borrow.
        if (baseType.kind === 'ref') {
          // The Move compilers (Sui's and Aptos') borrow a field immutably straight from a `&mut`, which
          // the verifier allows: no FreezeRef (checked against the framework's real bytecode).
          this.exp(e.base);
        } else this.borrowPlace(e.base, mut);
        this.borrowField(dt.name, index, structType.args, mut);
        return;
      }
      if (e.kind === 'index') {
        const baseType = this.typeOf(e.base);
        const vec = baseType.kind === 'ref' ? baseType.to : baseType;
        if (vec.kind === 'datatype') return this.borrowIndexed(e, baseType, vec, mut);
        if (vec.kind !== 'vector') throw new CodegenError("'[]' on this type is not compiled");
        if (baseType.kind === 'ref') {
          this.exp(e.base);
          if (baseType.mut && !mut) this.emit({ op: 'FreezeRef' });
        } else this.borrowPlace(e.base, mut);
        this.exp(e.index[0]);
        this.emit({ op: mut ? 'VecMutBorrow' : 'VecImmBorrow', signature: this.t.signature([vec.elem]) });
        return;
      }
      if (e.kind === 'unary' && e.op === '*') {
        this.exp(e.operand);
        return;
      }
      // A temporary value: store it in a local and borrow that.
      const t = this.typeOf(e);
      if (t.kind === 'ref') {
        this.exp(e);
        if (t.mut && !mut) this.emit({ op: 'FreezeRef' });
        return;
      }
      this.exp(e);
      const slot = this.temp(t);
      this.emit({ op: 'StLoc', local: slot });
      this.emit({ op: mut ? 'MutBorrowLoc' : 'ImmBorrowLoc', local: slot });
    });
  }

  /** `x[i]` on a type whose module declares `#[syntax(index)]` functions: a call to the (mut) one. */
  private borrowIndexed(e: Extract<A.Exp, { kind: 'index' }>, baseType: Ty, dt: Extract<Ty, { kind: 'datatype' }>, mut: boolean): void {
    const owner = this.program.modules.get(dt.module)!;
    const fn = [...owner.functions.values()].find((f) => {
      const first = f.params[0]?.type;
      return f.decl.attributes.some((a) => a.name.value === 'syntax') && first?.kind === 'ref' && first.mut === mut && first.to.kind === 'datatype' && first.to.name === dt.name;
    });
    if (!fn) throw new CodegenError(`'${dt.name}' has no ${mut ? 'mutable ' : ''}index function`);
    const first = fn.params[0].type as Extract<Ty, { kind: 'ref' }>;
    const typeArgs: Ty[] = [];
    // Type arguments from the container, the index arguments and the element type.
    matchType(first.to, dt, typeArgs);
    e.index.forEach((x, i) => fn.params[i + 1] && matchType(fn.params[i + 1].type, this.typeOf(x), typeArgs));
    if (fn.returns[0]?.kind === 'ref') matchType(fn.returns[0].to, this.typeOf(e), typeArgs);
    if (fn.typeParams.some((_, i) => !typeArgs[i])) throw new CodegenError(`the type arguments of '${fn.name}' could not be inferred`);
    if (baseType.kind === 'ref') {
      this.exp(e.base);
      if (baseType.mut && !mut) this.emit({ op: 'FreezeRef' });
    } else this.borrowPlace(e.base, mut);
    for (const i of e.index) this.exp(i);
    this.emitCall(fn, typeArgs);
  }

  private unary(e: Extract<A.Exp, { kind: 'unary' }>): void {
    switch (e.op) {
      case '!':
        this.exp(e.operand);
        this.emit({ op: 'Not' });
        return;
      case '*':
        this.exp(e.operand);
        this.emit({ op: 'ReadRef' });
        return;
      case '&':
      case '&mut':
        this.borrowPlace(e.operand, e.op === '&mut');
        return;
      default:
        throw new CodegenError(`'${e.op}' is not compiled yet`);
    }
  }

  private binary(e: Extract<A.Exp, { kind: 'binary' }>): void {
    if (e.op === '&&' || e.op === '||') {
      // `a && b` is `if (a) b else false`, `a || b` is `if (a) true else b`, through a local: the stack
      // is empty at the join.
      const slot = this.temp({ kind: 'prim', name: 'bool' });
      const other = this.label();
      const end = this.label();
      this.exp(e.left);
      this.jump('BrFalse', other);
      if (e.op === '&&') this.exp(e.right);
      else this.emit({ op: 'LdTrue' });
      this.emit({ op: 'StLoc', local: slot });
      this.jump('Branch', end);
      this.place(other);
      if (e.op === '&&') this.emit({ op: 'LdFalse' });
      else this.exp(e.right);
      this.emit({ op: 'StLoc', local: slot });
      this.place(end);
      this.emit({ op: 'MoveLoc', local: slot });
      return;
    }
    const lt = this.typeOf(e.left);
    const rt = this.typeOf(e.right);
    this.exp(e.left);
    // Move 2024 compares a reference with a value: read the reference (comparison types have copy).
    if ((e.op === '==' || e.op === '!=') && lt.kind === 'ref' && rt.kind !== 'ref') this.emit({ op: 'ReadRef' });
    this.exp(e.right);
    if ((e.op === '==' || e.op === '!=') && rt.kind === 'ref' && lt.kind !== 'ref') this.emit({ op: 'ReadRef' });
    const ops: Record<string, M.Instruction['op']> = {
      '+': 'Add', '-': 'Sub', '*': 'Mul', '/': 'Div', '%': 'Mod', '&': 'BitAnd', '|': 'BitOr', '^': 'Xor',
      '<<': 'Shl', '>>': 'Shr', '==': 'Eq', '!=': 'Neq', '<': 'Lt', '>': 'Gt', '<=': 'Le', '>=': 'Ge',
    };
    const op = ops[e.op];
    if (!op) throw new CodegenError(`'${e.op}' is not compiled yet`);
    this.emit({ op } as M.Instruction);
  }

  private assign(e: Extract<A.Exp, { kind: 'assign' }>): void {
    if (e.op !== '=') {
      // `x += v` is `x = x + v`.
      const op = e.op.slice(0, -1);
      const value: A.Exp = { kind: 'binary', op, left: e.target, right: e.value, loc: e.loc };
      this.program.expTypes.set(value, this.typeOf(e.target));
      return this.assign({ kind: 'assign', op: '=', target: e.target, value, loc: e.loc });
    }
    const target = e.target;
    if (target.kind === 'name' && target.path.segments.length === 1) {
      const slot = this.lookup(target.path.segments[0].value);
      if (slot === undefined) throw new CodegenError('assignment to an unknown variable');
      this.exp(e.value);
      this.emit({ op: 'StLoc', local: slot });
      return;
    }
    if (target.kind === 'tuple') {
      this.exp(e.value);
      for (let i = target.elems.length - 1; i >= 0; i--) {
        const x = target.elems[i];
        if (x.kind === 'name' && x.path.segments.length === 1 && x.path.segments[0].value === '_') this.emit({ op: 'Pop' });
        else if (x.kind === 'name' && x.path.segments.length === 1) {
          const slot = this.lookup(x.path.segments[0].value);
          if (slot === undefined) throw new CodegenError('assignment to an unknown variable');
          this.emit({ op: 'StLoc', local: slot });
        } else throw new CodegenError('this assignment target is not compiled yet');
      }
      return;
    }
    this.exp(e.value);
    if (target.kind === 'unary' && target.op === '*') this.exp(target.operand);
    else this.borrowPlace(target, true);
    this.emit({ op: 'WriteRef' });
  }

  private ifExp(e: Extract<A.Exp, { kind: 'if' }>): void {
    const t = this.typeOf(e);
    const produces = e.else !== undefined && t.kind !== 'any' && !(t.kind === 'tuple' && t.elems.length === 0);
    const slots = produces ? this.resultSlots(t) : [];
    const elseL = this.label();
    const end = this.label();
    this.exp(e.cond);
    this.jump('BrFalse', elseL);
    const branch = (b: A.Exp) => {
      const bt = this.typeOf(b);
      if (slots.length && bt.kind !== 'any') {
        this.scoped(() => this.exp(b));
        this.storeResults(slots);
      } else this.scoped(() => this.effect(b));
    };
    branch(e.then);
    this.jump('Branch', end);
    this.place(elseL);
    if (e.else) branch(e.else);
    this.place(end);
    this.loadResults(slots);
  }
}

/** Rewrites local operands after the locals were reordered (`order[new] = old`, both after the parameters). */
function renumberLocals(code: M.Instruction[], paramCount: number, order: readonly number[]): M.Instruction[] {
  const newIndex = new Map(order.map((old, i) => [old + paramCount, i + paramCount]));
  return code.map((i) => {
    if (i.op === 'CopyLoc' || i.op === 'MoveLoc' || i.op === 'StLoc' || i.op === 'ImmBorrowLoc' || i.op === 'MutBorrowLoc') {
      const to = newIndex.get(i.local);
      return to === undefined ? i : { ...i, local: to };
    }
    return i;
  });
}

/** Matches a declared type (with type parameters) against an actual one, filling `out[param index]`. */
function matchType(pattern: Ty, actual: Ty, out: Ty[]): boolean {
  if (pattern.kind === 'param') {
    out[pattern.index] = actual;
    return true;
  }
  if (pattern.kind !== actual.kind) return false;
  if (pattern.kind === 'datatype' && actual.kind === 'datatype') return pattern.name === actual.name && pattern.args.every((p, i) => matchType(p, actual.args[i], out));
  if (pattern.kind === 'vector' && actual.kind === 'vector') return matchType(pattern.elem, actual.elem, out);
  if (pattern.kind === 'ref' && actual.kind === 'ref') return matchType(pattern.to, actual.to, out);
  return true;
}

/** A vector literal whose elements are all literals (or such vectors). */
function isLiteralVector(e: A.Exp): boolean {
  if (e.kind === 'vector') return e.elems.every(isLiteralVector);
  return e.kind === 'number' || e.kind === 'bool' || e.kind === 'address' || e.kind === 'byteString' || e.kind === 'hexString';
}

/** Types a constant can have: integers, bool, address and vectors of them. */
function isConstantType(t: Ty): boolean {
  if (t.kind === 'vector') return isConstantType(t.elem);
  return t.kind === 'prim' && t.name !== 'signer';
}

/** Whether a type still mentions a macro's `$T` parameter (it was not substituted: not inlined code). */
function hasMacroParam(t: Ty): boolean {
  return typeSome(t, (x) => x.kind === 'param' && x.name.startsWith('$'));
}

/** Whether a type has a part that could not be inferred (or is a function type, which bytecode has not). */
/** `base` overridden by the entries of `fresh` that are fully known. */
function preferKnown<K, V>(base: ReadonlyMap<K, V> | undefined, fresh: ReadonlyMap<K, V>, unknown: (v: V) => boolean): Map<K, V> {
  const out = new Map(base ?? []);
  for (const [k, v] of fresh) if (!unknown(v) || !out.has(k)) out.set(k, v);
  return out;
}

export function hasUnknown(t: Ty): boolean {
  return typeSome(t, (x) => x.kind === 'error' || x.kind === 'fun');
}
