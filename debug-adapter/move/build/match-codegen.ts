// Code generation for `match`: the subject is kept in a local; each arm first tests its pattern through
// immutable references derived afresh from that local (a VariantSwitch per enum pattern, an `==` per
// literal), jumping to the next arm on a mismatch; the arm that matches then binds: by value (Unpack*),
// or, when the subject is a reference, through UnpackVariant*Ref and field borrows. No reference is kept
// in a local between arms, so the bytecode verifier's borrow rules hold when the subject is moved later.
// Or-patterns are expanded into one arm per alternative (the arm body is compiled once per alternative).
import type * as A from '../../../language/move/ast.ts';
import type { DatatypeInfo, Program } from '../../../language/move/program.ts';
import type { Ty } from '../../../language/move/types.ts';
import { substitute } from '../../../language/move/typing.ts';
import { expandOr } from '../../../language/move/exhaustiveness.ts';
import type * as M from '../binary/model.ts';
import { CodegenError, type ModuleTables } from './module-tables.ts';

export type Label = { pc: number | undefined; patches: number[] };

/** What the match compiler needs from the function being generated. */
export interface MatchHost {
  readonly program: Program;
  readonly t: ModuleTables;
  emit(i: M.Instruction): number;
  label(): Label;
  place(l: Label): void;
  jump(op: 'Branch' | 'BrTrue' | 'BrFalse', l: Label): void;
  temp(t: Ty): number;
  /** A named local for a pattern binder, visible in the current scope. */
  declare(name: A.Name, t: Ty): number;
  exp(e: A.Exp): void;
  typeOf(e: A.Exp): Ty;
  scoped<T>(f: () => T): T;
  resultSlots(t: Ty): number[];
  storeResults(slots: readonly number[]): void;
  loadResults(slots: readonly number[]): void;
  /** Registers a VariantSwitch table and returns its index. */
  addSwitch(headEnum: number, targets: Label[]): number;
  /** Pushes a literal pattern's value with the given type. */
  literal(v: A.Value, t: Ty): void;
  /** Emits the abort of a `match` no arm matched (cannot happen in a checked program). */
  unreachable(at: A.Loc): void;
}

type DT = Extract<Ty, { kind: 'datatype' }>;
/** One step from a value to a part of it: field `field` of variant `variant` (undefined: a struct). */
type Step = { dt: DT; info: DatatypeInfo; variant: number | undefined; field: number };

export class MatchCodegen {
  constructor(
    private readonly h: MatchHost,
    private readonly e: Extract<A.Exp, { kind: 'match' }>,
  ) {}

  run(): void {
    const h = this.h;
    const e = this.e;
    const subjectType = h.typeOf(e.subject);
    const byRef = subjectType.kind === 'ref' ? subjectType : undefined;
    const valueType = byRef ? byRef.to : subjectType;
    h.exp(e.subject);
    const subject = h.temp(subjectType);
    h.emit({ op: 'StLoc', local: subject });
    const t = h.typeOf(e);
    const produces = t.kind !== 'any' && !(t.kind === 'tuple' && t.elems.length === 0);
    const slots = produces ? h.resultSlots(t) : [];
    const end = h.label();
    const arms = e.arms.flatMap((arm) => expandOr(arm.pattern).map((pattern) => ({ arm, pattern })));
    for (const { arm, pattern } of arms) {
      const next = h.label();
      this.test(pattern, valueType, [], subject, !!byRef, next);
      h.scoped(() => {
        if (arm.guard) {
          // A guard sees the binders before the arm commits: only copies can be taken this early.
          this.bindCopies(pattern, valueType, [], subject, !!byRef);
          h.exp(arm.guard);
          h.jump('BrFalse', next);
        }
        if (byRef) this.bindRef(pattern, valueType, byRef.mut, subject, !arm.guard);
        else this.bindValue(pattern, valueType, subject, !arm.guard);
        const bt = h.typeOf(arm.body);
        if (slots.length && bt.kind !== 'any') {
          h.exp(arm.body);
          h.storeResults(slots);
        } else {
          h.exp(arm.body);
          if (bt.kind !== 'any') for (let i = 0; i < width(bt); i++) h.emit({ op: 'Pop' });
        }
        h.jump('Branch', end);
      });
      h.place(next);
    }
    h.unreachable(e.loc);
    h.place(end);
    h.loadResults(slots);
  }

  private datatype(t: Ty): { dt: DT; info: DatatypeInfo } {
    if (t.kind !== 'datatype') throw new CodegenError('a constructor pattern on a value that is not a struct or enum');
    const info = this.h.program.modules.get(t.module)?.datatypes.get(t.name);
    if (!info) throw new CodegenError(`unknown type '${t.name}'`);
    if (t.module !== this.h.t.self.key) throw new CodegenError(`'${t.name}' can only be matched in its own module`);
    return { dt: t, info };
  }

  private variantIndex(info: DatatypeInfo, p: Extract<A.Pattern, { kind: 'ctor' }>): number {
    const name = p.path.segments[p.path.segments.length - 1].value;
    const i = info.variants.findIndex((v) => v.name === name);
    if (i < 0) throw new CodegenError(`'${info.name}' has no variant '${name}'`);
    return i;
  }

  /** The field types of a struct or variant, instantiated, and which sub-pattern each field has. */
  private fields(info: DatatypeInfo, dt: DT, variant: number | undefined, p: Extract<A.Pattern, { kind: 'ctor' }>): { type: Ty; pattern: A.Pattern | undefined }[] {
    const declared = variant === undefined ? info.fields : info.variants[variant].fields;
    const positional = variant === undefined ? info.positional : info.variants[variant].positional;
    return declared.map((f, i) => ({
      type: substitute(f.type, dt.args),
      pattern: positional && p.positional ? p.fields[i]?.pattern : p.fields.find((x) => x.name.value === f.name)?.pattern,
    }));
  }

  /** Pushes an immutable reference to the part of the subject reached by `path`. */
  private pushRef(path: readonly Step[], subject: number, byRef: boolean, mut: boolean): void {
    const h = this.h;
    if (byRef) {
      h.emit({ op: 'CopyLoc', local: subject });
      if (mut) h.emit({ op: 'FreezeRef' });
    } else h.emit({ op: 'ImmBorrowLoc', local: subject });
    for (const s of path) {
      if (s.variant === undefined) {
        const handle = h.t.fieldHandle(s.info.name, s.field);
        if (s.dt.args.length) h.emit({ op: 'ImmBorrowFieldGeneric', instantiation: h.t.fieldInstantiation(handle, s.dt.args) });
        else h.emit({ op: 'ImmBorrowField', handle });
        continue;
      }
      const n = s.info.variants[s.variant].fields.length;
      this.unpackVariant(s.info, s.dt, s.variant, 'imm');
      // Keep field `s.field` of the n references now on the stack (the last is on top).
      for (let i = n - 1; i > s.field; i--) h.emit({ op: 'Pop' });
      if (s.field > 0) {
        const keep = h.temp({ kind: 'ref', mut: false, to: substitute(s.info.variants[s.variant].fields[s.field].type, s.dt.args) });
        h.emit({ op: 'StLoc', local: keep });
        for (let i = 0; i < s.field; i++) h.emit({ op: 'Pop' });
        h.emit({ op: 'MoveLoc', local: keep });
      }
    }
  }

  private unpackVariant(info: DatatypeInfo, dt: DT, variant: number, how: 'value' | 'imm' | 'mut'): void {
    const v = this.h.t.variant(info.name, variant, dt.args);
    const ops = {
      value: ['UnpackVariant', 'UnpackVariantGeneric'],
      imm: ['UnpackVariantImmRef', 'UnpackVariantGenericImmRef'],
      mut: ['UnpackVariantMutRef', 'UnpackVariantGenericMutRef'],
    } as const;
    if (v.generic) this.h.emit({ op: ops[how][1], instantiation: v.index });
    else this.h.emit({ op: ops[how][0], handle: v.index });
  }

  /** Jumps to `fail` unless the part of the subject at `path` matches `p` (nothing is consumed). */
  private test(p: A.Pattern, t: Ty, path: Step[], subject: number, byRef: boolean, fail: Label): void {
    const h = this.h;
    switch (p.kind) {
      case 'wildcard':
      case 'binder':
        return;
      case 'at':
        return this.test(p.pattern, t, path, subject, byRef, fail);
      case 'or':
        throw new CodegenError('nested or-patterns are expanded before testing');
      case 'literal':
        this.pushRef(path, subject, byRef, this.subjectMut());
        h.emit({ op: 'ReadRef' });
        h.literal(p.value, t);
        h.emit({ op: 'Eq' });
        h.jump('BrFalse', fail);
        return;
      case 'ctor': {
        const { dt, info } = this.datatype(t);
        let variant: number | undefined;
        if (info.kind === 'enum') {
          variant = this.variantIndex(info, p);
          if (info.variants.length > 1) {
            const ok = h.label();
            this.pushRef(path, subject, byRef, this.subjectMut());
            const table = h.addSwitch(h.t.enumDefIndex.get(info.name)!, info.variants.map((_, i) => (i === variant ? ok : fail)));
            h.emit({ op: 'VariantSwitch', jumpTable: table });
            h.place(ok);
          }
        }
        this.fields(info, dt, variant, p).forEach((f, i) => {
          if (f.pattern && refutable(f.pattern)) this.test(f.pattern, f.type, [...path, { dt, info, variant, field: i }], subject, byRef, fail);
        });
      }
    }
  }

  private subjectMut(): boolean {
    const t = this.h.typeOf(this.e.subject);
    return t.kind === 'ref' && t.mut;
  }

  /** Binds the arm's names by value: the subject is moved out and unpacked (when anything is bound). */
  private bindValue(p: A.Pattern, t: Ty, subject: number, commit: boolean): void {
    if (!commit) return; // bound as copies for the guard already
    if (!binds(p) && p.kind !== 'ctor') return;
    if (!binds(p) && p.kind === 'ctor' && this.dropsWithoutUnpack(t)) return;
    this.h.emit({ op: 'MoveLoc', local: subject });
    this.unpackValue(p, t);
  }

  /** A value of a type with `drop` need not be unpacked when nothing in the pattern is bound. */
  private dropsWithoutUnpack(t: Ty): boolean {
    if (t.kind !== 'datatype') return true;
    const info = this.h.program.modules.get(t.module)?.datatypes.get(t.name);
    return !!info && (info.abilities & 2) !== 0;
  }

  /** The value on the stack is taken apart along `p`. */
  private unpackValue(p: A.Pattern, t: Ty): void {
    const h = this.h;
    switch (p.kind) {
      case 'wildcard':
      case 'literal':
        h.emit({ op: 'Pop' });
        return;
      case 'binder':
        h.emit({ op: 'StLoc', local: h.declare(p.name, t) });
        return;
      case 'at':
        if (binds(p.pattern)) throw new CodegenError("'@' around a pattern that binds names is not compiled for values");
        h.emit({ op: 'StLoc', local: h.declare(p.name, t) });
        return;
      case 'or':
        throw new CodegenError('nested or-patterns are expanded before binding');
      case 'ctor': {
        const { dt, info } = this.datatype(t);
        const variant = info.kind === 'enum' ? this.variantIndex(info, p) : undefined;
        if (variant !== undefined) this.unpackVariant(info, dt, variant, 'value');
        else {
          const def = h.t.structDefIndex.get(info.name)!;
          h.emit(dt.args.length ? { op: 'UnpackGeneric', instantiation: h.t.structInstantiation(def, dt.args) } : { op: 'Unpack', def });
        }
        const fields = this.fields(info, dt, variant, p);
        for (let i = fields.length - 1; i >= 0; i--) {
          const f = fields[i];
          if (!f.pattern) h.emit({ op: 'Pop' });
          else this.unpackValue(f.pattern, f.type);
        }
      }
    }
  }

  /** Binds the arm's names through the subject reference (fields become references). */
  private bindRef(p: A.Pattern, t: Ty, mut: boolean, subject: number, commit: boolean): void {
    if (!commit) return;
    this.h.emit({ op: 'MoveLoc', local: subject });
    this.unpackRef(p, t, mut);
  }

  /** The reference on the stack is taken apart along `p`. */
  private unpackRef(p: A.Pattern, t: Ty, mut: boolean): void {
    const h = this.h;
    const ref = (to: Ty): Ty => ({ kind: 'ref', mut, to });
    switch (p.kind) {
      case 'wildcard':
      case 'literal':
        h.emit({ op: 'Pop' });
        return;
      case 'binder':
        h.emit({ op: 'StLoc', local: h.declare(p.name, ref(t)) });
        return;
      case 'at': {
        const local = h.declare(p.name, ref(t));
        h.emit({ op: 'StLoc', local });
        if (binds(p.pattern)) {
          h.emit({ op: 'CopyLoc', local });
          this.unpackRef(p.pattern, t, mut);
        }
        return;
      }
      case 'or':
        throw new CodegenError('nested or-patterns are expanded before binding');
      case 'ctor': {
        const { dt, info } = this.datatype(t);
        const variant = info.kind === 'enum' ? this.variantIndex(info, p) : undefined;
        const fields = this.fields(info, dt, variant, p);
        if (variant !== undefined) {
          this.unpackVariant(info, dt, variant, mut ? 'mut' : 'imm');
          for (let i = fields.length - 1; i >= 0; i--) {
            const f = fields[i];
            if (!f.pattern) h.emit({ op: 'Pop' });
            else this.unpackRef(f.pattern, f.type, mut);
          }
          return;
        }
        // A struct: borrow each bound field through the reference, kept in a temporary.
        const bound = fields.map((f, i) => ({ ...f, i })).filter((f) => f.pattern && binds(f.pattern));
        const holder = h.temp(ref(t));
        h.emit({ op: 'StLoc', local: holder });
        if (!bound.length) {
          h.emit({ op: 'MoveLoc', local: holder });
          h.emit({ op: 'Pop' });
          return;
        }
        bound.forEach((f, k) => {
          h.emit({ op: k === bound.length - 1 ? 'MoveLoc' : 'CopyLoc', local: holder });
          const handle = h.t.fieldHandle(info.name, f.i);
          if (dt.args.length) h.emit({ op: mut ? 'MutBorrowFieldGeneric' : 'ImmBorrowFieldGeneric', instantiation: h.t.fieldInstantiation(handle, dt.args) });
          else h.emit({ op: mut ? 'MutBorrowField' : 'ImmBorrowField', handle });
          this.unpackRef(f.pattern!, f.type, mut);
        });
      }
    }
  }

  /** Before a guard: every binder gets a copy (by value) or a reference (by reference) of its part. */
  private bindCopies(p: A.Pattern, t: Ty, path: Step[], subject: number, byRef: boolean): void {
    const h = this.h;
    switch (p.kind) {
      case 'binder':
      case 'at': {
        this.pushRef(path, subject, byRef, this.subjectMut());
        if (!byRef) h.emit({ op: 'ReadRef' });
        h.emit({ op: 'StLoc', local: h.declare(p.name, byRef ? { kind: 'ref', mut: false, to: t } : t) });
        if (p.kind === 'at') this.bindCopies(p.pattern, t, path, subject, byRef);
        return;
      }
      case 'ctor': {
        const { dt, info } = this.datatype(t);
        const variant = info.kind === 'enum' ? this.variantIndex(info, p) : undefined;
        this.fields(info, dt, variant, p).forEach((f, i) => {
          if (f.pattern) this.bindCopies(f.pattern, f.type, [...path, { dt, info, variant, field: i }], subject, byRef);
        });
        return;
      }
      default:
        return;
    }
  }
}

function width(t: Ty): number {
  return t.kind === 'tuple' ? t.elems.length : 1;
}

/** Whether a pattern can fail to match. */
function refutable(p: A.Pattern): boolean {
  switch (p.kind) {
    case 'wildcard':
    case 'binder':
      return false;
    case 'at':
      return refutable(p.pattern);
    case 'literal':
    case 'or':
      return true;
    case 'ctor':
      // A struct pattern fails only through its fields; an enum pattern may fail on its variant. The
      // caller knows which: be conservative and test.
      return true;
  }
}

/** Whether a pattern binds any name. */
function binds(p: A.Pattern): boolean {
  switch (p.kind) {
    case 'binder':
    case 'at':
      return true;
    case 'ctor':
      return p.fields.some((f) => binds(f.pattern));
    case 'or':
      return p.alts.some(binds);
    default:
      return false;
  }
}
