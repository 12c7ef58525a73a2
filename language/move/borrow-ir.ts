// The control-flow graph the borrow and locals checks run on: a function body lowered to basic blocks
// of the few operations that matter to reference safety (copying, moving, borrowing and assigning
// locals, reading and writing through references, calls that take and return references), in Move's
// evaluation order. Values that are not references need no slot of their own: only locals and the
// references produced while an expression is evaluated (temporaries) are variables here.
//
// Lowering is conservative where Move's semantics are not modelled exactly: a macro call's lambdas run
// once (the real compiler checks the inlined body), references whose origin is unknown
// (`borrow_global`, lambda parameters, macro results) borrow from nothing, and an argument given to a
// macro by name is read, not moved. Each choice can only make the checker miss an error, never report
// one the Move compiler accepts.
import type * as A from './ast.ts';
import type { FunctionInfo, ModuleInfo } from './program.ts';
import type { ResolvedCall } from './typing.ts';
import { showType, substitute } from './typing.ts';
import { ScopeStack } from './scopes.ts';
import type { Ty } from './types.ts';

export type VarId = number;

export interface VarInfo {
  readonly name: string;
  /** Holds a reference (set when lowering meets a reference assigned to it). */
  isRef: boolean;
  /** A local of the source (parameter, `let`, binder), not a temporary. */
  readonly local: boolean;
  readonly param: boolean;
  /** Where the local is declared (for "declared without a value"). */
  readonly loc: A.Loc;
  /**
   * The local's type certainly lacks `drop`, so a value left in it when the function returns is an error;
   * as written for the message. Unset where a macro may consume it unseen (given by name, a lambda parameter).
   */
  noDrop?: string;
}

export type Op =
  /** The local itself is copied or moved (a reference local: `dst` receives the reference). */
  | { k: 'use'; v: VarId; mode: 'copy' | 'move'; dst?: VarId; loc: A.Loc }
  /** A field of a value local is read (`x.f`, `x.f.g`). */
  | { k: 'readField'; v: VarId; path: string[]; loc: A.Loc }
  /** `&x`, `&mut x.f`: a new reference into a local value. */
  | { k: 'borrow'; v: VarId; path: string[]; mut: boolean; dst: VarId; loc: A.Loc }
  /** `x = e` (a reference local takes `src`). */
  | { k: 'assign'; v: VarId; src?: VarId; loc: A.Loc }
  /** `x.f = e` on a value local. */
  | { k: 'writeField'; v: VarId; path: string[]; loc: A.Loc }
  /** Through a reference: `*r`/`r.f` read, `*r = e`/`r.f = e` write, `&r.f`/`&mut r.f` borrow into `dst`. */
  | { k: 'deref'; r: VarId; path: string[]; mode: 'read' | 'write' | 'imm' | 'mut'; dst?: VarId; loc: A.Loc }
  /** A function call: reference arguments go in, references come out (derived from the arguments). */
  | { k: 'call'; args: VarId[]; results: { dst: VarId; mut: boolean }[]; name: string; loc: A.Loc }
  | { k: 'freeze'; src: VarId; dst: VarId; loc: A.Loc }
  /** A reference borrowing from nothing the checker tracks (a reference parameter's own root, `borrow_global`). */
  | { k: 'fresh'; dst: VarId; mut: boolean; root: VarId | undefined; loc: A.Loc }
  /** Moves a reference between temporaries (the value of an `if` or a loop). */
  | { k: 'mov'; src: VarId; dst: VarId; loc: A.Loc }
  | { k: 'ret'; vals: { v: VarId; loc: A.Loc }[]; loc: A.Loc };

export interface Block {
  readonly ops: Op[];
  succ: number[];
}

export interface Cfg {
  readonly vars: VarInfo[];
  readonly blocks: Block[];
}

/** What lowering needs from the type checker's results. */
export interface LoweringContext {
  readonly modules: Map<string, ModuleInfo>;
  readonly expTypes: Map<A.Exp, Ty>;
  readonly calls: Map<A.Exp, ResolvedCall>;
  /** The inferred type of each local, by the byte offset of its declaration (absent: unknown). */
  readonly localTypes?: ReadonlyMap<number, Ty>;
}

/** Thrown for a construct lowering does not model: the function is then not checked (never a false error). */
export class Unsupported extends Error {}

type Slot = VarId | undefined;

type Place =
  | { kind: 'local'; v: VarId; path: string[] }
  | { kind: 'ref'; r: VarId; path: string[] }
  | { kind: 'value' };

interface Target {
  readonly label: string | undefined;
  readonly breakTo: number;
  readonly continueTo: number | undefined;
  /** Where a value given to `break` goes. */
  readonly result: VarId | undefined;
  /** A lambda body: `return` ends here. */
  readonly lambda: boolean;
}

const BUILTIN = new Set(['assert', 'freeze', 'move_to', 'move_from', 'borrow_global', 'borrow_global_mut', 'exists']);

export function lowerFunction(fn: FunctionInfo, m: ModuleInfo, cx: LoweringContext): Cfg {
  return new Lowerer(fn, m, cx).run();
}

class Lowerer {
  private readonly vars: VarInfo[] = [];
  private readonly blocks: Block[] = [];
  private cur = 0;
  private readonly scopes = new ScopeStack<VarId>();
  private readonly targets: Target[] = [];

  constructor(
    private readonly fn: FunctionInfo,
    private readonly m: ModuleInfo,
    private readonly cx: LoweringContext,
  ) {}

  run(): Cfg {
    const f = this.fn.decl;
    this.cur = this.newBlock();
    this.scopes.reset();
    this.fn.params.forEach((p, i) => {
      const isRef = p.type.kind === 'ref';
      const v = this.newVar(p.name, isRef, true, true, f.params[i].name.loc);
      this.vars[v].noDrop = this.noDrop(p.type);
      this.scopes.declare(p.name, v);
      if (p.type.kind === 'ref') this.emit({ k: 'fresh', dst: v, mut: p.type.mut, root: v, loc: f.params[i].name.loc });
    });
    const body = f.body!;
    const slots = this.blockExp(body);
    // Falling off the end returns at the closing brace (where a value left in a local is reported).
    if (this.reachable()) this.ret(slots, f.body!.result, body.result?.loc ?? body.loc, { start: body.loc.end - 1, end: body.loc.end });
    return { vars: this.vars, blocks: this.blocks };
  }

  // ---- graph building

  private newBlock(): number {
    this.blocks.push({ ops: [], succ: [] });
    return this.blocks.length - 1;
  }
  private newVar(name: string, isRef: boolean, local: boolean, param: boolean, loc: A.Loc): VarId {
    this.vars.push({ name, isRef, local, param, loc });
    return this.vars.length - 1;
  }
  private temp(loc: A.Loc, mut?: boolean): VarId {
    const v = this.newVar('', true, false, false, loc);
    if (mut !== undefined) this.refMutOf.set(v, mut);
    return v;
  }
  private emit(op: Op): void {
    this.blocks[this.cur].ops.push(op);
  }
  private goto(target: number): void {
    this.blocks[this.cur].succ.push(target);
  }
  /** Ends the current block with no way on (return, abort, break): later code starts an unreachable block. */
  private divert(): void {
    this.cur = this.newBlock();
    this.blocks[this.cur].succ = [];
    this.unreachable.add(this.cur);
  }
  private readonly unreachable = new Set<number>();
  private reachable(): boolean {
    return !this.unreachable.has(this.cur);
  }
  private startAt(b: number): void {
    this.cur = b;
  }

  // ---- types

  private typeOf(e: A.Exp): Ty {
    return this.cx.expTypes.get(e) ?? { kind: 'error' };
  }
  private isRefType(t: Ty): boolean {
    return t.kind === 'ref';
  }
  /** Whether a value of the type is certainly copyable (unknown types count as copyable: no move is assumed). */
  private copyable(t: Ty): boolean {
    switch (t.kind) {
      case 'prim':
        return t.name !== 'signer';
      case 'vector':
        return this.copyable(t.elem);
      case 'param':
        return ((this.fn.typeParams[t.index]?.constraints ?? 1) & 1) !== 0;
      case 'datatype': {
        const dt = this.cx.modules.get(t.module)?.datatypes.get(t.name);
        if (!dt) return true;
        if (!(dt.abilities & 1)) return false;
        return t.args.every((a, i) => dt.typeParams[i]?.phantom || this.copyable(a));
      }
      case 'tuple':
        return t.elems.every((x) => this.copyable(x));
      default:
        return true;
    }
  }

  /**
   * The type as written, when a value of it certainly cannot be dropped (nor copied: Move moves a copyable
   * value at its last use, which this lowering does not infer, so those are left alone).
   */
  private noDrop(t: Ty): string | undefined {
    return this.lacksDrop(t) && !this.copyable(t) ? showType(t, this.m) : undefined;
  }
  private lacksDrop(t: Ty): boolean {
    switch (t.kind) {
      case 'vector':
        return this.lacksDrop(t.elem);
      case 'param':
        return ((this.fn.typeParams[t.index]?.constraints ?? 2) & 2) === 0;
      case 'datatype': {
        const dt = this.cx.modules.get(t.module)?.datatypes.get(t.name);
        if (!dt) return false;
        if (!(dt.abilities & 2)) return true;
        return t.args.some((a, i) => !dt.typeParams[i]?.phantom && this.lacksDrop(a));
      }
      default:
        return false;
    }
  }

  /** The number of values an expression of type `t` produces, with which are references (mut or not). */
  private slotsOf(t: Ty): (boolean | undefined)[] {
    if (t.kind === 'tuple') return t.elems.map((x) => (x.kind === 'ref' ? x.mut : undefined));
    return [t.kind === 'ref' ? t.mut : undefined];
  }

  // ---- scopes

  private local(e: A.Exp): VarId | undefined {
    if (e.kind !== 'name' || e.path.segments.length !== 1 || e.typeArgs) return undefined;
    return this.scopes.lookup(e.path.segments[0].value);
  }
  private declare(name: A.Name, isRef: boolean): VarId {
    const t = this.cx.localTypes?.get(name.loc.start);
    const v = this.newVar(name.value, isRef || t?.kind === 'ref', true, false, name.loc);
    if (t?.kind === 'ref') this.refMutOf.set(v, t.mut);
    if (name.value !== '_') this.scopes.declare(name.value, v);
    if (t && name.value !== '_') this.vars[v].noDrop = this.noDrop(t);
    return v;
  }

  // ---- expressions

  /** Evaluates `e` for its value; returns a slot per value (a temporary holding each reference). */
  private value(e: A.Exp): Slot[] {
    switch (e.kind) {
      case 'number':
      case 'bool':
      case 'address':
      case 'byteString':
      case 'hexString':
      case 'spec':
      case 'error':
        return [undefined];
      case 'name': {
        const v = this.local(e);
        if (v === undefined) return [undefined];
        const info = this.vars[v];
        if (info.isRef) {
          const t = this.typeOf(e);
          const dst = this.temp(e.loc, t.kind === 'ref' && t.mut);
          this.emit({ k: 'use', v, mode: e.moveOrCopy === 'move' ? 'move' : 'copy', dst, loc: e.loc });
          return [dst];
        }
        const move = e.moveOrCopy === 'move' || (e.moveOrCopy !== 'copy' && !this.copyable(this.typeOf(e)));
        this.emit({ k: 'use', v, mode: move ? 'move' : 'copy', loc: e.loc });
        return [undefined];
      }
      case 'call':
        return this.call(e);
      case 'methodCall':
        return this.methodCall(e);
      case 'pack':
        for (const f of e.fields) this.value(f.value);
        return [undefined];
      case 'vector':
        for (const x of e.elems) this.value(x);
        return [undefined];
      case 'tuple':
        return e.elems.flatMap((x) => this.value(x));
      case 'field':
      case 'index':
        this.read(this.place(e), e.loc);
        return [undefined];
      case 'unary': {
        if (e.op === '&' || e.op === '&mut') return [this.borrow(e.operand, e.op === '&mut', e.loc)];
        if (e.op === '*') {
          this.read(this.place(e), e.loc);
          return [undefined];
        }
        this.value(e.operand);
        return [undefined];
      }
      case 'binary': {
        if (e.op === '&&' || e.op === '||') {
          this.value(e.left);
          const right = this.newBlock();
          const join = this.newBlock();
          this.goto(right);
          this.goto(join);
          this.startAt(right);
          this.value(e.right);
          this.goto(join);
          this.startAt(join);
          return [undefined];
        }
        // Comparing references reads through them; the references end there.
        const l = this.value(e.left);
        const r = this.value(e.right);
        for (const s of [...l, ...r]) if (s !== undefined) this.emit({ k: 'deref', r: s, path: [], mode: 'read', loc: e.loc });
        return [undefined];
      }
      case 'assign':
        this.assign(e);
        return [];
      case 'cast':
        this.value(e.exp);
        return [undefined];
      case 'annotate':
        return this.value(e.exp);
      case 'if':
        return this.ifExp(e);
      case 'while':
        return this.whileExp(e);
      case 'loop':
        return this.loopExp(e);
      case 'block':
        return this.labelled(e);
      case 'break':
        return this.breakExp(e);
      case 'continue': {
        const t = this.target(e.label?.value, true);
        if (t.continueTo === undefined) throw new Unsupported('continue outside a loop');
        this.goto(t.continueTo);
        this.divert();
        return [];
      }
      case 'return': {
        if (e.label) {
          const t = this.target(e.label.value, false);
          const slots = e.value ? this.value(e.value) : [];
          this.into(slots, t.result, e.loc);
          this.goto(t.breakTo);
          this.divert();
          return [];
        }
        const slots = e.value ? this.value(e.value) : [];
        const lambda = [...this.targets].reverse().find((t) => t.lambda);
        if (lambda) {
          this.goto(lambda.breakTo);
        } else {
          this.ret(slots, e.value, e.value?.loc ?? e.loc);
        }
        this.divert();
        return [];
      }
      case 'abort':
        if (e.code) this.value(e.code);
        this.divert();
        return [];
      case 'lambda':
        throw new Unsupported('a lambda outside a macro call');
      case 'match':
        return this.match(e);
    }
  }

  private ret(slots: Slot[], value: A.Exp | undefined, loc: A.Loc, at: A.Loc = loc): void {
    const elems = value?.kind === 'tuple' && value.elems.length === slots.length ? value.elems : undefined;
    const vals: { v: VarId; loc: A.Loc }[] = [];
    slots.forEach((s, i) => s !== undefined && vals.push({ v: s, loc: elems ? elems[i].loc : loc }));
    this.emit({ k: 'ret', vals, loc: at });
  }

  /** Moves the references of a value into a result variable (the value of an `if`, loop or block). */
  private into(slots: Slot[], result: VarId | undefined, loc: A.Loc): void {
    if (result === undefined) return;
    const s = this.coerce(slots.find((x) => x !== undefined), this.refMutOf.get(result), loc);
    if (s !== undefined) this.emit({ k: 'mov', src: s, dst: result, loc });
  }

  /** A `&mut` value stored where the type is `&` is frozen there (Move's typing inserts the freeze). */
  private coerce(s: Slot, wantMut: boolean | undefined, loc: A.Loc): Slot {
    if (s === undefined || wantMut !== false || !this.refMut(s)) return s;
    const dst = this.temp(loc, false);
    this.emit({ k: 'freeze', src: s, dst, loc });
    return dst;
  }

  private resultVar(t: Ty, loc: A.Loc): VarId | undefined {
    const m = this.slotsOf(t).find((x) => x !== undefined);
    return m !== undefined ? this.temp(loc, m) : undefined;
  }

  private ifExp(e: Extract<A.Exp, { kind: 'if' }>): Slot[] {
    this.value(e.cond);
    const result = this.resultVar(this.typeOf(e), e.loc);
    const thenB = this.newBlock();
    const elseB = this.newBlock();
    const join = this.newBlock();
    this.goto(thenB);
    this.goto(elseB);
    this.startAt(thenB);
    this.into(this.scopes.scoped(() => this.value(e.then)), result, e.loc);
    this.goto(join);
    this.startAt(elseB);
    if (e.else) this.into(this.scopes.scoped(() => this.value(e.else!)), result, e.loc);
    this.goto(join);
    this.startAt(join);
    return [result];
  }

  private whileExp(e: Extract<A.Exp, { kind: 'while' }>): Slot[] {
    const head = this.newBlock();
    const body = this.newBlock();
    const exit = this.newBlock();
    this.goto(head);
    this.startAt(head);
    this.value(e.cond);
    this.goto(body);
    this.goto(exit);
    this.startAt(body);
    this.targets.push({ label: e.label?.value, breakTo: exit, continueTo: head, result: undefined, lambda: false });
    this.scopes.scoped(() => this.value(e.body));
    this.targets.pop();
    this.goto(head);
    this.startAt(exit);
    return [];
  }

  private loopExp(e: Extract<A.Exp, { kind: 'loop' }>): Slot[] {
    const head = this.newBlock();
    const exit = this.newBlock();
    const result = this.resultVar(this.typeOf(e), e.loc);
    this.goto(head);
    this.startAt(head);
    this.targets.push({ label: e.label?.value, breakTo: exit, continueTo: head, result, lambda: false });
    this.scopes.scoped(() => this.value(e.body));
    this.targets.pop();
    this.goto(head);
    this.startAt(exit);
    // An exit nobody breaks to stays unreachable (a `loop` that only returns or aborts).
    return [result];
  }

  private labelled(e: Extract<A.Exp, { kind: 'block' }>): Slot[] {
    if (!e.label) return this.blockExp(e.block);
    const exit = this.newBlock();
    const result = this.resultVar(this.typeOf(e), e.loc);
    this.targets.push({ label: e.label.value, breakTo: exit, continueTo: undefined, result, lambda: false });
    this.into(this.blockExp(e.block), result, e.loc);
    this.targets.pop();
    this.goto(exit);
    this.startAt(exit);
    return [result];
  }

  /** The loop or labelled block a `break`/`continue`/`return 'a` leaves (only a label reaches out of a lambda). */
  private target(label: string | undefined, isContinue: boolean): Target {
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const t = this.targets[i];
      if (t.lambda) {
        if (label) continue; // `return 'a v` in a lambda leaves a block around the macro call
        break;
      }
      if (label ? t.label === label : t.continueTo !== undefined) {
        if (isContinue && t.continueTo === undefined) break;
        return t;
      }
    }
    throw new Unsupported('break or continue without its loop');
  }

  private breakExp(e: Extract<A.Exp, { kind: 'break' }>): Slot[] {
    const slots = e.value ? this.value(e.value) : [];
    const t = this.target(e.label?.value, false);
    this.into(slots, t.result, e.loc);
    this.goto(t.breakTo);
    this.divert();
    return [];
  }

  private blockExp(b: A.Block): Slot[] {
    return this.scopes.scoped(() => {
      for (const s of b.statements) {
        if (s.kind === 'let') {
          const slots = s.value ? this.value(s.value) : undefined;
          this.bind(s.bind, slots, s.value === undefined, s.loc, s.type?.kind === 'ref' ? s.type.mut : undefined);
        } else if (s.kind === 'exp') this.value(s.exp);
      }
      return b.result ? this.value(b.result) : [];
    });
  }

  /** Binds a `let` pattern (or lambda parameter) to the value's slots; `unassigned`: `let x;`. */
  private bind(b: A.Bind, slots: Slot[] | undefined, unassigned: boolean, loc: A.Loc, declaredRef?: boolean): void {
    switch (b.kind) {
      case 'var': {
        const s = slots?.[0];
        const v = this.declare(b.name, s !== undefined || declaredRef !== undefined);
        // The local's reference type: as annotated, else the value's.
        const mut = declaredRef ?? (s !== undefined ? this.refMut(s) : undefined);
        if (mut !== undefined) this.refMutOf.set(v, mut);
        if (!unassigned) this.emit({ k: 'assign', v, src: this.coerce(s, mut, b.loc), loc: b.loc });
        return;
      }
      case 'tuple': {
        b.elems.forEach((x, i) => this.bind(x, slots ? [slots[i]] : undefined, unassigned, loc));
        return;
      }
      case 'unpack': {
        // Unpacking a reference gives references to the fields; unpacking a value gives the field values.
        const s = slots?.[0];
        for (const f of b.fields) {
          if (s !== undefined) {
            const dst = this.temp(f.bind.loc, this.refMut(s));
            this.emit({ k: 'deref', r: s, path: [f.name.value], mode: this.refMut(s) ? 'mut' : 'imm', dst, loc: f.bind.loc });
            this.bind(f.bind, [dst], false, loc);
          } else this.bind(f.bind, [undefined], unassigned, loc);
        }
      }
    }
  }

  private readonly refMutOf = new Map<VarId, boolean>();
  private refMut(v: VarId): boolean {
    return this.refMutOf.get(v) ?? false;
  }

  // ---- places

  private place(e: A.Exp): Place {
    switch (e.kind) {
      case 'name': {
        const v = this.local(e);
        if (v === undefined) return { kind: 'value' };
        return this.vars[v].isRef ? { kind: 'ref', r: v, path: [] } : { kind: 'local', v, path: [] };
      }
      case 'field': {
        const base = this.place(e.base);
        if (base.kind === 'value') return base;
        return { ...base, path: [...base.path, e.field.value] };
      }
      case 'index': {
        // `v[i]`: the index is evaluated, then the vector borrowed; the element is somewhere inside it.
        for (const i of e.index) this.value(i);
        const base = this.place(e.base);
        if (base.kind === 'value') return base;
        return { ...base, path: [...base.path, '*'] };
      }
      case 'unary':
        if (e.op === '*') {
          const v = this.local(e.operand);
          if (v !== undefined && this.vars[v].isRef) return { kind: 'ref', r: v, path: [] };
          const [s] = this.value(e.operand);
          return s === undefined ? { kind: 'value' } : { kind: 'ref', r: s, path: [] };
        }
        break;
      case 'annotate':
        return this.place(e.exp);
    }
    const [s] = this.value(e);
    return s === undefined ? { kind: 'value' } : { kind: 'ref', r: s, path: [] };
  }

  private read(p: Place, loc: A.Loc): void {
    if (p.kind === 'local') {
      if (p.path.length === 0) this.emit({ k: 'use', v: p.v, mode: 'copy', loc });
      else this.emit({ k: 'readField', v: p.v, path: p.path, loc });
    } else if (p.kind === 'ref') this.emit({ k: 'deref', r: p.r, path: p.path, mode: 'read', loc });
  }

  private borrow(operand: A.Exp, mut: boolean, loc: A.Loc): VarId {
    const p = this.place(operand);
    const dst = this.temp(loc);
    this.refMutOf.set(dst, mut);
    if (p.kind === 'local') this.emit({ k: 'borrow', v: p.v, path: p.path, mut, dst, loc });
    else if (p.kind === 'ref') this.emit({ k: 'deref', r: p.r, path: p.path, mode: mut ? 'mut' : 'imm', dst, loc });
    else this.emit({ k: 'fresh', dst, mut, root: undefined, loc });
    return dst;
  }

  private assign(e: Extract<A.Exp, { kind: 'assign' }>): void {
    const slots = this.value(e.value);
    const compound = e.op !== '=';
    const target = (t: A.Exp, s: Slot): void => {
      if (t.kind === 'name' && t.path.segments.length === 1 && t.path.segments[0].value === '_') return;
      const v = this.local(t);
      if (v !== undefined) {
        if (compound) this.emit({ k: 'use', v, mode: 'copy', loc: t.loc });
        if (s !== undefined && !this.refMutOf.has(v)) this.refMutOf.set(v, this.refMut(s)); // `let x; x = &..`
        this.emit({ k: 'assign', v, src: this.coerce(s, this.refMutOf.get(v), t.loc), loc: t.loc });
        return;
      }
      const p = this.place(t);
      if (compound) this.read(p, t.loc);
      if (p.kind === 'local') this.emit({ k: 'writeField', v: p.v, path: p.path, loc: t.loc });
      else if (p.kind === 'ref') this.emit({ k: 'deref', r: p.r, path: p.path, mode: 'write', loc: t.loc });
    };
    if (e.target.kind === 'tuple') e.target.elems.forEach((t, i) => target(t, slots[i]));
    else target(e.target, slots[0]);
  }

  // ---- calls

  private call(e: Extract<A.Exp, { kind: 'call' }>): Slot[] {
    const segs = e.path.segments;
    const resolved = this.cx.calls.get(e);
    if (!resolved && segs.length === 1 && (BUILTIN.has(segs[0].value) || e.macro)) return this.builtin(e);
    if (!resolved) {
      // A constructor (positional struct or variant) or something unresolved: its arguments are values.
      for (const a of e.args) this.value(a);
      return this.slotsOf(this.typeOf(e)).map((m) => (m === undefined ? undefined : this.freshTemp(m, e.loc)));
    }
    if (resolved.fn.decl.macro) return this.macroCall(e, resolved, e.args.map((a) => ({ exp: a, receiver: false })));
    const params = resolved.fn.params.map((p) => substitute(p.type, resolved.typeArgs));
    const args = e.args.map((a, i) => this.argument(a, params[i]));
    return this.emitCall(resolved, args, e.loc);
  }

  private freshTemp(mut: boolean, loc: A.Loc): VarId {
    const dst = this.temp(loc);
    this.refMutOf.set(dst, mut);
    this.emit({ k: 'fresh', dst, mut, root: undefined, loc });
    return dst;
  }

  /** Evaluates an argument; a `&mut` reference given where `&` is expected is frozen. */
  private argument(a: A.Exp, param: Ty | undefined): Slot {
    const [s] = this.value(a);
    const at = this.typeOf(a);
    if (s !== undefined && param?.kind === 'ref' && !param.mut && at.kind === 'ref' && at.mut) {
      const dst = this.temp(a.loc, false);
      this.emit({ k: 'freeze', src: s, dst, loc: a.loc });
      return dst;
    }
    return s;
  }

  private emitCall(resolved: ResolvedCall, args: Slot[], loc: A.Loc): Slot[] {
    const rets = resolved.fn.returns.map((r) => substitute(r, resolved.typeArgs));
    const results: { dst: VarId; mut: boolean }[] = [];
    const slots: Slot[] = rets.map((r) => {
      if (r.kind !== 'ref') return undefined;
      const dst = this.temp(loc);
      this.refMutOf.set(dst, r.mut);
      results.push({ dst, mut: r.mut });
      return dst;
    });
    this.emit({ k: 'call', args: args.filter((x): x is VarId => x !== undefined), results, name: resolved.fn.name, loc });
    return slots;
  }

  private methodCall(e: Extract<A.Exp, { kind: 'methodCall' }>): Slot[] {
    const resolved = this.cx.calls.get(e);
    if (!resolved) {
      // An unresolved method (no diagnostic when its module is not in the program): the receiver is read,
      // never assumed moved.
      const v = this.local(e.receiver);
      if (v !== undefined && !this.vars[v].isRef) {
        this.emit({ k: 'use', v, mode: 'copy', loc: e.receiver.loc });
        this.vars[v].noDrop = undefined;
      }
      else this.value(e.receiver);
      for (const a of e.args) if (a.kind !== 'lambda') this.value(a);
      return this.slotsOf(this.typeOf(e)).map((m) => (m === undefined ? undefined : this.freshTemp(m, e.loc)));
    }
    if (resolved.fn.decl.macro) return this.macroCall(e, resolved, [{ exp: e.receiver, receiver: true }, ...e.args.map((a) => ({ exp: a, receiver: false }))]);
    const params = resolved.fn.params.map((p) => substitute(p.type, resolved.typeArgs));
    const recv = this.receiver(e.receiver, params[0]);
    const args = e.args.map((a, i) => this.argument(a, params[i + 1]));
    return this.emitCall(resolved, [recv, ...args], e.loc);
  }

  /** The receiver of a method call, borrowed or dereferenced as the first parameter needs. */
  private receiver(r: A.Exp, param: Ty | undefined): Slot {
    const rt = this.typeOf(r);
    if (param?.kind === 'ref' && rt.kind !== 'ref') return this.borrow(r, param.mut, r.loc);
    if (param && param.kind !== 'ref' && rt.kind === 'ref') {
      this.read(this.place(r), r.loc);
      return undefined;
    }
    return this.argument(r, param);
  }

  private builtin(e: Extract<A.Exp, { kind: 'call' }>): Slot[] {
    const name = e.path.segments[0].value;
    const slots = e.args.map((a) => this.value(a)[0]);
    if (name === 'freeze' && slots[0] !== undefined) {
      const dst = this.temp(e.loc, false);
      this.emit({ k: 'freeze', src: slots[0], dst, loc: e.loc });
      return [dst];
    }
    // Reference arguments (`move_to(&signer, ..)`) are used by the operation.
    for (const s of slots) if (s !== undefined) this.emit({ k: 'deref', r: s, path: [], mode: 'read', loc: e.loc });
    if (name === 'borrow_global' || name === 'borrow_global_mut') return [this.freshTemp(name === 'borrow_global_mut', e.loc)];
    return this.slotsOf(this.typeOf(e)).map((m) => (m === undefined ? undefined : this.freshTemp(m, e.loc)));
  }

  /**
   * A macro call: arguments are evaluated in order as for a function (the receiver borrowed as the first
   * parameter needs; a local given by name is read, since the macro decides whether it is moved), then
   * each lambda body runs once (a macro that calls it
   * in a loop or not at all is checked by Move on its expansion; here that can only hide an error). References produced by the arguments stay alive until the
   * end of the call; the macro's own references are unknown borrows.
   */
  private macroCall(e: A.Exp, resolved: ResolvedCall, args: { exp: A.Exp; receiver: boolean }[]): Slot[] {
    const params = resolved.fn.params.map((p) => substitute(p.type, resolved.typeArgs));
    const held: VarId[] = [];
    const lambdas: { l: Extract<A.Exp, { kind: 'lambda' }>; param: Ty | undefined }[] = [];
    args.forEach((a, i) => {
      const p = params[i];
      if (a.exp.kind === 'lambda') {
        lambdas.push({ l: a.exp, param: p });
        return;
      }
      let s: Slot;
      if (a.receiver && p?.kind === 'ref' && this.typeOf(a.exp).kind !== 'ref') s = this.borrow(a.exp, p.mut, a.exp.loc);
      else if (this.local(a.exp) !== undefined && !this.vars[this.local(a.exp)!].isRef) {
        this.emit({ k: 'use', v: this.local(a.exp)!, mode: 'copy', loc: a.exp.loc });
        this.vars[this.local(a.exp)!].noDrop = undefined; // the macro may consume it
        s = undefined;
      } else s = this.value(a.exp)[0];
      if (s !== undefined) held.push(s);
    });
    for (const { l } of lambdas) this.lambdaOnce(l);
    // The held references are used by the expansion until its end.
    for (const s of held) this.emit({ k: 'deref', r: s, path: [], mode: 'read', loc: e.loc });
    return this.slotsOf(this.typeOf(e)).map((m) => (m === undefined ? undefined : this.freshTemp(m, e.loc)));
  }

  private lambdaOnce(l: Extract<A.Exp, { kind: 'lambda' }>): void {
    const end = this.newBlock();
    const lt = this.typeOf(l);
    this.scopes.scoped(() => {
      l.params.forEach((p, i) => {
        const pt = lt.kind === 'fun' ? lt.params[i] : undefined;
        const s = pt?.kind === 'ref' ? this.freshTemp(pt.mut, p.pattern.loc) : undefined;
        this.bindLambdaParam(p.pattern, s, pt);
      });
      this.targets.push({ label: undefined, breakTo: end, continueTo: undefined, result: undefined, lambda: true });
      this.value(l.body);
      this.targets.pop();
    });
    this.goto(end);
    this.startAt(end);
  }

  private bindLambdaParam(b: A.Bind, s: Slot, t: Ty | undefined): void {
    if (b.kind === 'var') {
      const v = this.declare(b.name, s !== undefined);
      this.vars[v].noDrop = undefined;
      this.emit({ k: 'assign', v, src: s, loc: b.loc });
      return;
    }
    if (b.kind === 'tuple') {
      b.elems.forEach((x, i) => {
        const et = t?.kind === 'tuple' ? t.elems[i] : undefined;
        this.bindLambdaParam(x, et?.kind === 'ref' ? this.freshTemp(et.mut, x.loc) : undefined, et);
      });
      return;
    }
    this.bind(b, [s], false, b.loc);
  }

  // ---- match

  private match(e: Extract<A.Exp, { kind: 'match' }>): Slot[] {
    const [subject] = this.value(e.subject);
    const result = this.resultVar(this.typeOf(e), e.loc);
    const head = this.cur;
    const join = this.newBlock();
    for (const arm of e.arms) {
      const b = this.newBlock();
      this.blocks[head].succ.push(b);
      this.startAt(b);
      this.scopes.scoped(() => {
        this.pattern(arm.pattern, subject, '');
        if (arm.guard) this.value(arm.guard);
        this.into(this.value(arm.body), result, e.loc);
      });
      this.goto(join);
    }
    if (subject !== undefined) {
      // The subject reference ends with the match.
    }
    this.startAt(join);
    return [result];
  }

  private pattern(p: A.Pattern, subject: Slot, prefix: string): void {
    switch (p.kind) {
      case 'wildcard':
      case 'literal':
        return;
      case 'binder':
      case 'at': {
        let s: Slot;
        if (subject !== undefined) s = this.freshTemp(this.refMut(subject), p.loc);
        const v = this.declare(p.name, s !== undefined);
        this.emit({ k: 'assign', v, src: s, loc: p.loc });
        if (p.kind === 'at') this.pattern(p.pattern, subject, prefix);
        return;
      }
      case 'or':
        if (p.alts[0]) this.pattern(p.alts[0], subject, prefix);
        return;
      case 'ctor': {
        const variant = p.path.segments[p.path.segments.length - 1].value;
        for (const f of p.fields) {
          if (subject !== undefined && (f.pattern.kind === 'binder' || f.pattern.kind === 'at' || f.pattern.kind === 'ctor' || f.pattern.kind === 'or')) {
            const dst = this.temp(f.pattern.loc);
            const mut = this.refMut(subject);
            this.refMutOf.set(dst, mut);
            this.emit({ k: 'deref', r: subject, path: [`${prefix}${variant}::${f.name.value}`], mode: mut ? 'mut' : 'imm', dst, loc: f.pattern.loc });
            if (f.pattern.kind === 'binder') {
              const v = this.declare(f.pattern.name, true);
              this.emit({ k: 'assign', v, src: dst, loc: f.pattern.loc });
            } else this.pattern(f.pattern, dst, '');
          } else this.pattern(f.pattern, undefined, prefix);
        }
      }
    }
  }
}
