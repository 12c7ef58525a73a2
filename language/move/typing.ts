// Expression type checking for function bodies, with inference: integer literals without a suffix
// and omitted type arguments become type variables solved by unification (an unsolved integer
// defaults to u64, as in Move). Method calls resolve through the receiver type's module and `use fun`
// aliases; macro calls are typed through their signature, lambdas against the macro's function types.
//
// It is deliberately conservative: wherever a type is unknown (an earlier error, `_` in a macro
// signature, a feature not modelled) the type is `error`, which unifies with everything, so the
// checker never reports a mistake it is not sure of. Checked: operand and argument types, `if`
// branches, conditions, assignments, `let` annotations, returns, field access, method existence,
// struct/variant field types, dereferencing. Not checked here: the borrow, move and drop-at-return
// rules (borrow-check.ts, on the typed body).
import type * as A from './ast.ts';
import type { FunctionInfo, ModuleInfo, TypeParamInfo } from './program.ts';
import { ABILITY_BIT, typeSome, type Ty } from './types.ts';
import { ScopeStack } from './scopes.ts';
import { unmatchedValue } from './exhaustiveness.ts';

/** What the checker needs from the program (kept small so it can be driven by tests). */
export interface TypingHost {
  readonly modules: Map<string, ModuleInfo>;
  /** Resolves a written type without reporting (names were already reported by name resolution). */
  resolveQuiet(m: ModuleInfo, t: A.Type, params: readonly TypeParamInfo[]): Ty;
  /** Resolves a call path to a function without reporting. */
  functionQuiet(m: ModuleInfo, path: A.Path): FunctionInfo | undefined;
  /** Resolves a constructor path (struct or `Enum::Variant`) without reporting. */
  constructorQuiet(m: ModuleInfo, path: A.Path): { module: string; name: string; typeParams: TypeParamInfo[]; fields: { name: string; type: Ty }[] } | undefined;
  report(loc: A.Loc, code: string, message: string): void;
  /** Records the type of a name occurrence (for hover). */
  recordType(loc: A.Loc, type: Ty): void;
  /** Records the final type of every expression of a function (for code generation). */
  recordExpTypes(types: Map<A.Exp, Ty>): void;
  /** Records the function each call / method call resolved to, with its type arguments. */
  recordCalls(calls: Map<A.Exp, ResolvedCall>): void;
  /**
   * The type a macro call yields, found by typing the macro's body for these known type and argument
   * types (see FunctionTyper.expansion); undefined when that body does not decide it.
   */
  macroResultType?(fn: FunctionInfo, typeArgs: readonly Ty[], argTypes: readonly (Ty | undefined)[], lambdas: ReadonlyMap<number, LambdaResult>): Ty | undefined;
  /** The type a lambda's body yields for these parameter types, seeing `outer` around it (see FunctionTyper.lambdaBody). */
  lambdaResultType?(m: ModuleInfo, e: Extract<A.Exp, { kind: 'lambda' }>, paramTypes: readonly Ty[], outer: ReadonlyMap<string, Ty>, typeParams: readonly TypeParamInfo[]): Ty | undefined;
}

/** What a lambda argument yields when the macro body calls it with arguments of these types. */
export type LambdaResult = (paramTypes: readonly Ty[]) => Ty | undefined;

export interface ResolvedCall {
  readonly fn: FunctionInfo;
  readonly typeArgs: Ty[];
}

type TyV = Ty | { kind: 'var'; id: number; integer: boolean };

const ERROR: Ty = { kind: 'error' };

const BOOL: Ty = { kind: 'prim', name: 'bool' };
const U8: Ty = { kind: 'prim', name: 'u8' };
const U64: Ty = { kind: 'prim', name: 'u64' };
const ADDRESS: Ty = { kind: 'prim', name: 'address' };
const UNIT: Ty = { kind: 'tuple', elems: [] };
const INTEGERS = new Set(['u8', 'u16', 'u32', 'u64', 'u128', 'u256']);

function isInteger(t: Ty): boolean {
  return t.kind === 'prim' && INTEGERS.has(t.name);
}

export class FunctionTyper {
  private readonly solved = new Map<number, Ty>();
  private readonly intVars = new Set<number>();
  private nextVar = 0;
  private readonly scopes = new ScopeStack<Ty>();
  private readonly loopTypes: Ty[] = [];
  private returnType: Ty = UNIT;
  private readonly pendingHover: { loc: A.Loc; type: Ty }[] = [];
  private readonly expTypes = new Map<A.Exp, Ty>();
  /** `match` expressions whose exhaustiveness is checked once the function's types are solved. */
  private readonly pendingMatches: { e: Extract<A.Exp, { kind: 'match' }>; subject: Ty }[] = [];
  /** Values that must have an ability, checked once types are solved: discarded values, `copy x`. */
  private readonly pendingAbilities: { loc: A.Loc; type: Ty; ability: 'copy' | 'drop'; message: string; code: string }[] = [];
  private readonly calls = new Map<A.Exp, ResolvedCall>();
  private typeParams: readonly TypeParamInfo[] = [];
  /** In an expansion typed for a call (see macroResult): what the call's lambda arguments yield, by parameter. */
  private readonly lambdaArgs = new Map<string, LambdaResult>();
  /** `use fun` aliases visible in this module: type key (`0x2::coin::Coin`, `vector`, `u64`) -> method -> function. */
  private readonly useFuns: Map<string, Map<string, FunctionInfo>>;

  constructor(
    private readonly host: TypingHost,
    private readonly m: ModuleInfo,
    useFuns: Map<string, Map<string, FunctionInfo>>,
  ) {
    this.useFuns = useFuns;
  }

  // ---- type variables

  private fresh(integer = false): Ty {
    const id = this.nextVar++;
    if (integer) this.intVars.add(id);
    return { kind: 'var', id, integer } as unknown as Ty;
  }

  /** Follows solved variables at the top level. */
  private shallow(t: Ty): Ty {
    let cur = t as TyV;
    while (cur.kind === 'var') {
      const s = this.solved.get(cur.id);
      if (!s) return cur as unknown as Ty;
      cur = s as TyV;
    }
    return cur as Ty;
  }

  /** Fully resolves variables (unsolved integers default to u64; other unsolved become `error`). */
  private zonk(t: Ty, defaults = false): Ty {
    const s = this.shallow(t) as TyV;
    switch (s.kind) {
      case 'var':
        return defaults ? (this.intVars.has(s.id) ? U64 : ERROR) : (s as unknown as Ty);
      case 'vector':
        return { kind: 'vector', elem: this.zonk(s.elem, defaults) };
      case 'ref':
        return { kind: 'ref', mut: s.mut, to: this.zonk(s.to, defaults) };
      case 'datatype':
        return { ...s, args: s.args.map((a) => this.zonk(a, defaults)) };
      case 'tuple':
        return { kind: 'tuple', elems: s.elems.map((a) => this.zonk(a, defaults)) };
      case 'fun':
        return { kind: 'fun', params: s.params.map((a) => this.zonk(a, defaults)), ret: this.zonk(s.ret, defaults) };
      default:
        return s;
    }
  }

  /** Resolves what is known; unsolved variables become `error` (no u64 default). */
  private zonkMacro(t: Ty): Ty {
    const z = this.zonk(t) as TyV;
    const clear = (x: Ty): Ty => {
      const v = x as TyV;
      if (v.kind === 'var') return ERROR;
      if (v.kind === 'vector') return { kind: 'vector', elem: clear(v.elem) };
      if (v.kind === 'ref') return { kind: 'ref', mut: v.mut, to: clear(v.to) };
      if (v.kind === 'datatype') return { ...v, args: v.args.map(clear) };
      if (v.kind === 'tuple') return { kind: 'tuple', elems: v.elems.map(clear) };
      return x;
    };
    return clear(z as Ty);
  }

  private occurs(id: number, t: Ty): boolean {
    const s = this.shallow(t) as TyV;
    if (s.kind === 'var') return s.id === id;
    if (s.kind === 'vector') return this.occurs(id, s.elem);
    if (s.kind === 'ref') return this.occurs(id, s.to);
    if (s.kind === 'datatype') return s.args.some((a) => this.occurs(id, a));
    if (s.kind === 'tuple') return s.elems.some((a) => this.occurs(id, a));
    if (s.kind === 'fun') return s.params.some((a) => this.occurs(id, a)) || this.occurs(id, s.ret);
    return false;
  }

  /**
   * Makes `actual` fit `expected`; false on a mismatch. `&mut T` fits `&T` (Move freezes it). Unknown
   * (`error`/`any`) fits anything.
   */
  private unify(actual: Ty, expected: Ty): boolean {
    const a = this.shallow(actual) as TyV;
    const e = this.shallow(expected) as TyV;
    if (a.kind === 'error' || e.kind === 'error' || a.kind === 'any' || e.kind === 'any') return true;
    if (a.kind === 'var' && e.kind === 'var') {
      if (a.id === e.id) return true;
      if (this.intVars.has(a.id)) this.intVars.add(e.id);
      this.solved.set(a.id, e as unknown as Ty);
      return true;
    }
    if (a.kind === 'var') return this.bind(a.id, e as Ty);
    if (e.kind === 'var') return this.bind(e.id, a as Ty);
    switch (e.kind) {
      case 'prim':
        return a.kind === 'prim' && a.name === e.name;
      case 'vector':
        return a.kind === 'vector' && this.unify(a.elem, e.elem);
      case 'ref':
        return a.kind === 'ref' && (a.mut || !e.mut) && this.unify(a.to, e.to);
      case 'datatype':
        return a.kind === 'datatype' && a.module === e.module && a.name === e.name && a.args.length === e.args.length && a.args.every((x, i) => this.unify(x, e.args[i]));
      case 'param':
        return a.kind === 'param' && a.index === e.index;
      case 'tuple':
        return a.kind === 'tuple' && a.elems.length === e.elems.length && a.elems.every((x, i) => this.unify(x, e.elems[i]));
      case 'fun':
        return a.kind === 'fun' && a.params.length === e.params.length && a.params.every((x, i) => this.unify(e.params[i], x)) && this.unify(a.ret, e.ret);
    }
  }

  private bind(id: number, t: Ty): boolean {
    if (this.occurs(id, t)) return true; // a cycle only arises from code already in error
    if (this.intVars.has(id)) {
      const s = this.shallow(t);
      if (!(isInteger(s) || s.kind === 'param' || s.kind === 'error' || s.kind === 'any')) return false;
    }
    this.solved.set(id, t);
    return true;
  }

  private text(t: Ty): string {
    const z = this.zonk(t) as TyV;
    return showType(z as Ty, this.m);
  }

  /** Checks `actual` against `expected`, reporting at `loc`. */
  private expect(actual: Ty, expected: Ty, loc: A.Loc, what = ''): void {
    if (!this.unify(actual, expected)) {
      const a = this.shallow(actual) as TyV;
      const found = a.kind === 'var' && this.intVars.has(a.id) ? 'an integer' : `'${this.text(actual)}'`;
      this.host.report(loc, 'E03010', `${what ? `${what}: e` : 'E'}xpected '${this.text(expected)}', found ${found}.`);
    }
  }

  // ---- scopes

  private lookup(name: string): Ty | undefined {
    return this.scopes.lookup(name);
  }
  private scoped<T>(f: () => T): T {
    return this.scopes.scoped(f);
  }

  // ---- entry

  function(fn: FunctionInfo): void {
    const f = fn.decl;
    if (!f.body) return;
    this.typeParams = fn.typeParams;
    this.scopes.reset();
    fn.params.forEach((p, i) => {
      this.scopes.declare(p.name, p.type);
      this.pendingHover.push({ loc: f.params[i].name.loc, type: p.type });
    });
    this.returnType = fn.returns.length === 1 ? fn.returns[0] : { kind: 'tuple', elems: fn.returns };
    const body = this.block(f.body);
    this.expect(body, this.returnType, f.body.result?.loc ?? f.body.loc, f.body.result ? 'The function returns the wrong type' : 'The function must return a value');
    for (const h of this.pendingHover) this.host.recordType(h.loc, this.zonk(h.type, true));
    for (const p of this.pendingAbilities) {
      const t = this.zonk(p.type, true);
      if (this.lacks(t, p.ability)) this.host.report(p.loc, p.code, p.message.replace('{type}', showType(t, this.m)));
    }
    for (const { e, subject } of this.pendingMatches) {
      const t = this.zonk(subject, true);
      if (typeSome(t, (x) => x.kind === 'error' || x.kind === 'param' || x.kind === 'any')) continue;
      const example = unmatchedValue(e.arms, t, this.host.modules);
      if (example) this.host.report(e.subject.loc, 'E03016', `This 'match' does not cover every value: ${example} is not matched. Add an arm for it, or a '_' arm.`);
    }
    // In a macro body an unsolved integer takes its type from each expansion (`let mut res = 1;` in
    // `num_pow!` is a u8 for u8 arguments): it stays unknown here rather than defaulting to u64.
    for (const [e, t] of this.expTypes) this.expTypes.set(e, f.macro ? this.zonkMacro(t) : this.zonk(t, true));
    this.host.recordExpTypes(this.expTypes);
    for (const [e, c] of this.calls) this.calls.set(e, { fn: c.fn, typeArgs: c.typeArgs.map((t) => this.zonk(t, true)) });
    this.host.recordCalls(this.calls);
  }

  /**
   * Types a macro body for one call: `$T` are the call's type arguments (the host substitutes them) and
   * each parameter takes its argument's type, so `_` parameters (`num_pow!($base: _, ...)`) and the
   * integer literals that meet them get the types of this expansion, as when Move type checks the
   * expanded code. Results go to the host's record* callbacks.
   */
  expansion(fn: FunctionInfo, typeArgs: readonly Ty[], argTypes: readonly (Ty | undefined)[], lambdas: ReadonlyMap<number, LambdaResult> = new Map()): Ty | undefined {
    const f = fn.decl;
    if (!f.body) return undefined;
    this.typeParams = fn.typeParams;
    this.scopes.reset();
    fn.params.forEach((p, i) => {
      const t = this.anyToVar(substitute(p.type, typeArgs));
      const arg = argTypes[i];
      if (arg) this.unify(arg, t);
      this.scopes.declare(p.name, t);
      const lambda = lambdas.get(i);
      if (lambda) this.lambdaArgs.set(p.name, lambda);
    });
    const rets = fn.returns.map((r) => this.anyToVar(substitute(r, typeArgs)));
    this.returnType = rets.length === 1 ? rets[0] : { kind: 'tuple', elems: rets };
    this.unify(this.block(f.body), this.returnType);
    const result = this.known(this.returnType);
    for (const h of this.pendingHover) this.host.recordType(h.loc, this.zonk(h.type, true));
    for (const [e, t] of this.expTypes) this.expTypes.set(e, this.zonk(t, true));
    this.host.recordExpTypes(this.expTypes);
    for (const [e, c] of this.calls) this.calls.set(e, { fn: c.fn, typeArgs: c.typeArgs.map((t) => this.zonk(t, true)) });
    this.host.recordCalls(this.calls);
    return result;
  }

  /** A type with every part decided (no variable, no unknown), or undefined. */
  private known(t: Ty): Ty | undefined {
    const z = this.zonk(t);
    return typeSome(z, (x) => (x as TyV).kind === 'var' || x.kind === 'error' || x.kind === 'any') ? undefined : z;
  }

  /**
   * A macro whose signature leaves its result open (`macro fun double($x: _): _`) yields what its body
   * yields for these arguments: Move types the expanded body, so `double!(x).checked_add(1)` calls the
   * method of x's type. The body is typed for this call once the argument types are known.
   */
  private macroResult(e: A.Exp, fn: FunctionInfo, args: readonly A.Exp[], argTypes: readonly (Ty | undefined)[], ret: Ty): void {
    if (!fn.decl.macro || !this.host.macroResultType || this.known(ret)) return;
    const typeArgs = (this.calls.get(e)?.typeArgs ?? []).map((t) => this.known(t));
    if (typeArgs.some((t) => t === undefined)) return;
    // A lambda argument yields what its body gives for the types the expansion calls it with, seeing the
    // names around this call (those whose types are known by now).
    const lambdas = new Map<number, LambdaResult>();
    const offset = argTypes.length - args.length;
    args.forEach((a, i) => {
      if (a.kind !== 'lambda' || !this.host.lambdaResultType) return;
      const outer = new Map<string, Ty>();
      for (const [name, t] of this.scopes.visible()) {
        const k = this.known(t);
        if (k) outer.set(name, k);
      }
      const typeParams = this.typeParams;
      lambdas.set(i + offset, (paramTypes) => this.host.lambdaResultType!(this.m, a, paramTypes, outer, typeParams));
    });
    const result = this.host.macroResultType(fn, typeArgs as Ty[], argTypes.map((t) => t && this.known(t)), lambdas);
    if (result) this.unify(ret, result);
  }

  /** Whether a (solved) type certainly lacks an ability; unknown parts are given the benefit of the doubt. */
  private lacks(t: Ty, ability: 'copy' | 'drop'): boolean {
    const bit = ability === 'copy' ? 1 : 2;
    switch (t.kind) {
      case 'prim':
        return ability === 'copy' && t.name === 'signer';
      case 'vector':
        return this.lacks(t.elem, ability);
      case 'param':
        return (this.typeParams[t.index]?.constraints ?? bit) & bit ? false : true;
      case 'datatype': {
        const dt = this.host.modules.get(t.module)?.datatypes.get(t.name);
        if (!dt) return false;
        if (!(dt.abilities & bit)) return true;
        return t.args.some((a, i) => !dt.typeParams[i]?.phantom && this.lacks(a, ability));
      }
      case 'tuple':
        return t.elems.some((x) => this.lacks(x, ability));
      default:
        return false;
    }
  }

  /**
   * Types a lambda's body for one call, with its parameters' actual types and the types of the names it
   * sees around it: a lambda passed to a macro with `_` parameter types (`$f: |_, _|`) only learns them
   * when that macro is expanded. `resultType` is what the call site expects of the body (`$U` of `map!`),
   * so its integer literals take that type. Results go to the host's record* callbacks.
   */
  lambdaBody(e: Extract<A.Exp, { kind: 'lambda' }>, paramTypes: readonly Ty[], resultType: Ty | undefined, outer: ReadonlyMap<string, Ty>, typeParams: readonly TypeParamInfo[]): Ty | undefined {
    this.typeParams = typeParams;
    this.scopes.reset(outer);
    this.returnType = e.ret ? this.resolve(e.ret) : resultType && resultType.kind !== 'error' ? resultType : this.fresh();
    e.params.forEach((p, i) => this.bindPattern(p.pattern, paramTypes[i] ?? this.fresh()));
    this.loopTypes.push(this.returnType);
    this.unify(this.exp(e.body), this.returnType);
    for (const h of this.pendingHover) this.host.recordType(h.loc, this.zonk(h.type, true));
    for (const [x, t] of this.expTypes) this.expTypes.set(x, this.zonk(t, true));
    this.host.recordExpTypes(this.expTypes);
    for (const [x, c] of this.calls) this.calls.set(x, { fn: c.fn, typeArgs: c.typeArgs.map((t) => this.zonk(t, true)) });
    this.host.recordCalls(this.calls);
    return this.known(this.returnType);
  }

  private resolve(t: A.Type): Ty {
    const r = this.host.resolveQuiet(this.m, t, this.typeParams);
    return this.anyToVar(r);
  }

  /** `_` in a written type means "infer it". */
  private anyToVar(t: Ty): Ty {
    switch (t.kind) {
      case 'any':
        return this.fresh();
      case 'vector':
        return { kind: 'vector', elem: this.anyToVar(t.elem) };
      case 'ref':
        return { kind: 'ref', mut: t.mut, to: this.anyToVar(t.to) };
      case 'datatype':
        return { ...t, args: t.args.map((a) => this.anyToVar(a)) };
      case 'tuple':
        return { kind: 'tuple', elems: t.elems.map((a) => this.anyToVar(a)) };
      case 'fun':
        return { kind: 'fun', params: t.params.map((a) => this.anyToVar(a)), ret: this.anyToVar(t.ret) };
      default:
        return t;
    }
  }

  private block(b: A.Block): Ty {
    return this.scoped(() => {
      for (const s of b.statements) {
        if (s.kind === 'let') {
          const declared = s.type ? this.resolve(s.type) : undefined;
          let t = declared ?? this.fresh();
          if (s.value) {
            const v = this.exp(s.value);
            if (declared) this.expect(v, declared, s.value.loc);
            else t = v;
          }
          this.bindPattern(s.bind, t);
        } else if (s.kind === 'exp') {
          const t = this.exp(s.exp);
          // `e;` discards e's value, which needs `drop` (as in `let _ = e;`).
          if (s.semicolon) this.pendingAbilities.push({ loc: s.exp.loc, type: t, ability: 'drop', code: 'E03017', message: "The value of this expression is discarded, but its type '{type}' does not have 'drop'. Use it, or destroy it with its module's function." });
        }
      }
      if (b.result) return this.exp(b.result);
      // A block ending in `abort`/`return`/infinite loop never yields; otherwise `()`.
      const last = b.statements[b.statements.length - 1];
      if (last?.kind === 'exp' && divergent(last.exp)) return { kind: 'any' };
      return UNIT;
    });
  }

  private declare(name: A.Name, t: Ty): void {
    if (name.value === '_') return;
    this.scopes.declare(name.value, t);
    this.pendingHover.push({ loc: name.loc, type: t });
  }

  private bindPattern(b: A.Bind, t: Ty): void {
    switch (b.kind) {
      case 'var':
        if (b.name.value === '_') this.pendingAbilities.push({ loc: b.loc, type: t, ability: 'drop', code: 'E03017', message: "'_' discards the value, but its type '{type}' does not have 'drop'." });
        this.declare(b.name, t);
        return;
      case 'tuple': {
        const s = this.shallow(t);
        const elems = s.kind === 'tuple' && s.elems.length === b.elems.length ? s.elems : b.elems.map(() => this.fresh());
        if (s.kind !== 'tuple') this.expect(t, { kind: 'tuple', elems }, b.loc);
        else if (s.elems.length !== b.elems.length) this.host.report(b.loc, 'E03010', `Expected ${s.elems.length} values to unpack, the pattern has ${b.elems.length}.`);
        b.elems.forEach((e, i) => this.bindPattern(e, elems[i]));
        return;
      }
      case 'unpack': {
        const ctor = this.constructorType(b.path, b.typeArgs, b.loc);
        if (!ctor) {
          for (const f of b.fields) this.bindPattern(f.bind, ERROR);
          return;
        }
        // Unpacking a reference binds references to the fields.
        const s = this.shallow(t);
        const ref = s.kind === 'ref' ? s : undefined;
        this.expect(ref ? ref.to : t, ctor.type, b.loc);
        for (const f of b.fields) {
          const ft = ctor.fields.get(f.name.value) ?? ERROR;
          this.bindPattern(f.bind, ref ? { kind: 'ref', mut: ref.mut, to: ft } : ft);
        }
      }
    }
  }

  /** The instantiated type of a struct/variant and its field types. */
  private constructorType(path: A.Path, typeArgs: A.Type[] | undefined, loc: A.Loc): { type: Ty; fields: Map<string, Ty> } | undefined {
    const c = this.host.constructorQuiet(this.m, path);
    if (!c) return undefined;
    const args = typeArgs ? typeArgs.map((t) => this.resolve(t)) : c.typeParams.map(() => this.fresh());
    if (args.length !== c.typeParams.length) {
      this.host.report(loc, 'E03003', `'${c.name}' takes ${c.typeParams.length} type arguments, found ${args.length}.`);
      return undefined;
    }
    const fields = new Map(c.fields.map((f) => [f.name, substitute(f.type, args)]));
    return { type: { kind: 'datatype', module: c.module, name: c.name, args }, fields };
  }

  private pattern(p: A.Pattern, t: Ty): void {
    switch (p.kind) {
      case 'wildcard':
        return;
      case 'binder':
        this.declare(p.name, t);
        return;
      case 'literal':
        this.expect(this.value(p.value), this.stripRef(t), p.loc);
        return;
      case 'at':
        this.declare(p.name, t);
        this.pattern(p.pattern, t);
        return;
      case 'or':
        for (const a of p.alts) this.pattern(a, t);
        return;
      case 'ctor': {
        const ctor = this.constructorType(p.path, p.typeArgs, p.loc);
        if (!ctor) {
          for (const f of p.fields) this.pattern(f.pattern, ERROR);
          return;
        }
        const s = this.shallow(t);
        const ref = s.kind === 'ref' ? s : undefined;
        this.expect(ref ? ref.to : t, ctor.type, p.loc);
        for (const f of p.fields) {
          const ft = ctor.fields.get(f.name.value) ?? ERROR;
          this.pattern(f.pattern, ref ? { kind: 'ref', mut: ref.mut, to: ft } : ft);
        }
      }
    }
  }

  private stripRef(t: Ty): Ty {
    const s = this.shallow(t);
    return s.kind === 'ref' ? this.shallow(s.to) : s;
  }

  private value(v: A.Value): Ty {
    switch (v.kind) {
      case 'bool':
        return BOOL;
      case 'address':
        return ADDRESS;
      case 'byteString':
      case 'hexString':
        return { kind: 'vector', elem: U8 };
      case 'number': {
        const suffix = /(u8|u16|u32|u64|u128|u256)$/.exec(v.text.replace(/^0x[0-9a-fA-F_]*?(?=u\d+$)/, ''));
        if (suffix && !/^0x[0-9a-fA-F_]+$/.test(v.text)) return { kind: 'prim', name: suffix[1] as 'u8' };
        return this.fresh(true);
      }
    }
  }

  // ---- expressions

  exp(e: A.Exp): Ty {
    const t = this.expInner(e);
    this.expTypes.set(e, t);
    return t;
  }

  private expInner(e: A.Exp): Ty {
    switch (e.kind) {
      case 'number':
      case 'bool':
      case 'address':
      case 'byteString':
      case 'hexString':
        return this.value(e);
      case 'name':
        return this.name(e);
      case 'call':
        return this.call(e);
      case 'methodCall':
        return this.methodCall(e);
      case 'pack': {
        const ctor = this.constructorType(e.path, e.typeArgs, e.loc);
        for (const f of e.fields) {
          const v = this.exp(f.value);
          const ft = ctor?.fields.get(f.name.value);
          if (ft) this.expect(v, ft, f.value.loc, `Field '${f.name.value}'`);
        }
        return ctor?.type ?? ERROR;
      }
      case 'vector': {
        const elem = e.elemType ? this.resolve(e.elemType) : this.fresh();
        for (const x of e.elems) this.expect(this.exp(x), elem, x.loc, 'Vector element');
        return { kind: 'vector', elem };
      }
      case 'field':
        return this.field(e);
      case 'index':
        return this.index(e);
      case 'unary': {
        if (e.op === '!') {
          this.expect(this.exp(e.operand), BOOL, e.operand.loc);
          return BOOL;
        }
        if (e.op === '*') {
          const t = this.shallow(this.exp(e.operand));
          if (t.kind === 'ref') return t.to;
          if (t.kind === 'error' || t.kind === 'any' || (t as TyV).kind === 'var') return ERROR;
          this.host.report(e.loc, 'E03011', `Only a reference can be dereferenced with '*', found '${this.text(t)}'.`);
          return ERROR;
        }
        if (e.op === '&' || e.op === '&mut') {
          const inner = this.exp(e.operand);
          const s = this.shallow(inner);
          // `&r.f` where r.f is already typed as a value of the field: one reference.
          if (s.kind === 'ref' && e.operand.kind !== 'field' && e.operand.kind !== 'index') {
            this.host.report(e.loc, 'E03002', 'A reference to a reference is not a Move type.');
            return ERROR;
          }
          return { kind: 'ref', mut: e.op === '&mut', to: inner };
        }
        return this.exp(e.operand);
      }
      case 'binary':
        return this.binary(e);
      case 'assign':
        return this.assign(e);
      case 'cast': {
        const from = this.exp(e.exp);
        const to = this.resolve(e.type);
        const s = this.shallow(from) as TyV;
        if (!(isInteger(s as Ty) || s.kind === 'error' || s.kind === 'any' || s.kind === 'param' || (s.kind === 'var' && this.intVars.has(s.id)))) {
          this.host.report(e.exp.loc, 'E03010', `Only integers can be cast with 'as', found '${this.text(from)}'.`);
        } else if (s.kind === 'var') this.unify(s as unknown as Ty, U64);
        const toS = this.shallow(to);
        if (!(isInteger(toS) || toS.kind === 'error' || toS.kind === 'param')) this.host.report(e.type.loc, 'E03010', `'as' converts to an integer type, not '${this.text(to)}'.`);
        return to;
      }
      case 'annotate': {
        const t = this.resolve(e.type);
        this.expect(this.exp(e.exp), t, e.exp.loc);
        return t;
      }
      case 'if': {
        this.expect(this.exp(e.cond), BOOL, e.cond.loc, 'The condition');
        const then = this.scoped(() => this.exp(e.then));
        if (!e.else) return UNIT;
        const els = this.scoped(() => this.exp(e.else!));
        if (isNever(this.shallow(then))) return els;
        if (!this.unify(els, then)) this.host.report(e.else.loc, 'E03010', `The branches of this 'if' have different types: '${this.text(then)}' and '${this.text(els)}'.`);
        return then;
      }
      case 'while':
        this.expect(this.exp(e.cond), BOOL, e.cond.loc, 'The condition');
        this.loopTypes.push(UNIT);
        this.scoped(() => this.exp(e.body));
        this.loopTypes.pop();
        return UNIT;
      case 'loop': {
        const t = this.fresh();
        this.loopTypes.push(t);
        let broke = false;
        this.scoped(() => this.exp(e.body));
        this.loopTypes.pop();
        broke = containsBreak(e.body, e.label?.value);
        return broke ? t : { kind: 'any' };
      }
      case 'block':
        if (e.label) {
          const t = this.fresh();
          this.loopTypes.push(t);
          const r = this.block(e.block);
          this.loopTypes.pop();
          this.unify(r, t);
          return t;
        }
        return this.block(e.block);
      case 'break': {
        const v = e.value ? this.exp(e.value) : UNIT;
        const target = this.loopTypes[this.loopTypes.length - 1];
        if (target && !e.label) this.expect(v, target, e.value?.loc ?? e.loc);
        return { kind: 'any' };
      }
      case 'continue':
        return { kind: 'any' };
      case 'return': {
        const v = e.value ? this.exp(e.value) : UNIT;
        if (!e.label) this.expect(v, this.returnType, e.value?.loc ?? e.loc, 'The returned value');
        return { kind: 'any' };
      }
      case 'abort':
        if (e.code) {
          const c = this.exp(e.code);
          const s = this.shallow(c) as TyV;
          if (s.kind === 'var') this.unify(c, U64);
        }
        return { kind: 'any' };
      case 'tuple':
        return e.elems.length === 0 ? UNIT : { kind: 'tuple', elems: e.elems.map((x) => this.exp(x)) };
      case 'lambda':
        // A lambda outside a macro argument: its parameters are not known here.
        return this.lambda(e, undefined);
      case 'match': {
        const subject = this.exp(e.subject);
        let result: Ty | undefined;
        for (const arm of e.arms) {
          this.scoped(() => {
            this.pattern(arm.pattern, subject);
            if (arm.guard) this.expect(this.exp(arm.guard), BOOL, arm.guard.loc, 'The guard');
            const t = this.exp(arm.body);
            if (!result || isNever(this.shallow(result))) result = t;
            else if (!isNever(this.shallow(t)) && !this.unify(t, result)) this.host.report(arm.body.loc, 'E03010', `The arms of this 'match' have different types: '${this.text(result)}' and '${this.text(t)}'.`);
          });
        }
        this.pendingMatches.push({ e, subject });
        return result ?? { kind: 'any' };
      }
      case 'spec':
        return UNIT;
      case 'error':
        return ERROR;
    }
  }

  private name(e: Extract<A.Exp, { kind: 'name' }>): Ty {
    const segs = e.path.segments;
    if (segs.length === 1) {
      const local = this.lookup(segs[0].value);
      if (local) {
        this.pendingHover.push({ loc: segs[0].loc, type: local });
        if (e.moveOrCopy === 'copy') this.pendingAbilities.push({ loc: e.loc, type: local, ability: 'copy', code: 'E03019', message: `'${segs[0].value}' cannot be copied: its type '{type}' does not have 'copy'.` });
        return local;
      }
      const c = this.m.constants.get(segs[0].value);
      if (c) return c.type;
      const alias = this.m.memberAliases.get(segs[0].value);
      const target = alias && this.host.modules.get(alias[0])?.constants.get(alias[1]);
      if (target) return target.type;
      return ERROR;
    }
    // `Enum::Variant` without fields.
    const ctor = this.constructorType(e.path, e.typeArgs, e.loc);
    return ctor?.type ?? ERROR;
  }

  private field(e: Extract<A.Exp, { kind: 'field' }>): Ty {
    const base = this.stripRef(this.exp(e.base));
    if (base.kind !== 'datatype') {
      if (base.kind === 'error' || base.kind === 'any' || (base as TyV).kind === 'var' || base.kind === 'param') return ERROR;
      this.host.report(e.field.loc, 'E03012', `'${this.text(base)}' has no fields.`);
      return ERROR;
    }
    const dt = this.host.modules.get(base.module)?.datatypes.get(base.name);
    if (!dt) return ERROR;
    if (dt.kind !== 'struct') {
      this.host.report(e.field.loc, 'E03012', `'${dt.name}' is an enum: read its fields with 'match'.`);
      return ERROR;
    }
    const name = dt.positional && /^\d+$/.test(e.field.value) ? e.field.value : e.field.value;
    const f = dt.fields.find((x) => x.name === name);
    if (!f) {
      this.host.report(e.field.loc, 'E03012', `Struct '${dt.name}' has no field '${e.field.value}'.`);
      return ERROR;
    }
    if (dt.module !== this.m.key) this.host.report(e.field.loc, 'E03013', `The fields of '${dt.name}' can only be accessed in its module '${dt.module}'.`);
    return substitute(f.type, base.args);
  }

  private index(e: Extract<A.Exp, { kind: 'index' }>): Ty {
    const base = this.stripRef(this.exp(e.base));
    const idx = e.index.map((i) => this.exp(i));
    if (base.kind === 'vector') {
      if (idx.length === 1) this.expect(idx[0], U64, e.index[0].loc, 'The index');
      return base.elem;
    }
    if (base.kind === 'datatype') {
      // `#[syntax(index)]` functions of the type's module: the first (immutable) one gives the element type.
      const owner = this.host.modules.get(base.module);
      const fn = owner && [...owner.functions.values()].find((f) => f.decl.attributes.some((a) => a.name.value === 'syntax') && f.params[0]?.type.kind === 'ref' && !(f.params[0].type as { mut: boolean }).mut);
      if (fn) {
        const args = fn.typeParams.map(() => this.fresh());
        const first = substitute(fn.params[0].type, args);
        if (first.kind === 'ref') this.unify(base, first.to);
        fn.params.slice(1).forEach((p, i) => idx[i] && this.expect(idx[i], substitute(p.type, args), e.index[i].loc));
        const ret = fn.returns[0] ? substitute(fn.returns[0], args) : ERROR;
        return ret.kind === 'ref' ? ret.to : ERROR;
      }
    }
    return ERROR;
  }

  private binary(e: Extract<A.Exp, { kind: 'binary' }>): Ty {
    const l = this.exp(e.left);
    const r = this.exp(e.right);
    switch (e.op) {
      case '&&':
      case '||':
        this.expect(l, BOOL, e.left.loc);
        this.expect(r, BOOL, e.right.loc);
        return BOOL;
      case '==':
      case '!=':
        // Move 2024 compares a reference with a value of the referenced type (`v.as_bytes() == b"x"`).
        if (!this.unify(this.stripRef(r), this.stripRef(l))) this.host.report(e.loc, 'E03010', `Cannot compare '${this.text(l)}' with '${this.text(r)}'.`);
        return BOOL;
      case '<':
      case '>':
      case '<=':
      case '>=':
        this.integerOperand(l, e.left.loc, e.op);
        this.expect(r, l, e.right.loc);
        return BOOL;
      case '<<':
      case '>>':
        this.integerOperand(l, e.left.loc, e.op);
        this.expect(r, U8, e.right.loc, 'The shift amount');
        return l;
      case '..':
        return ERROR;
      default:
        this.integerOperand(l, e.left.loc, e.op);
        this.expect(r, l, e.right.loc);
        return l;
    }
  }

  private integerOperand(t: Ty, loc: A.Loc, op: string): void {
    const s = this.shallow(t) as TyV;
    if (s.kind === 'var') {
      this.intVars.add(s.id);
      return;
    }
    if (isInteger(s as Ty) || s.kind === 'error' || s.kind === 'any' || s.kind === 'param') return;
    this.host.report(loc, 'E03010', `'${op}' needs integers, found '${this.text(t)}'.`);
  }

  private assign(e: Extract<A.Exp, { kind: 'assign' }>): Ty {
    const v = this.exp(e.value);
    if (e.target.kind === 'name' && e.target.path.segments.length === 1) {
      const local = this.lookup(e.target.path.segments[0].value);
      if (local) {
        this.pendingHover.push({ loc: e.target.path.segments[0].loc, type: local });
        this.expect(v, local, e.value.loc, `Assigning to '${e.target.path.segments[0].value}'`);
      }
      return UNIT;
    }
    if (e.target.kind === 'unary' && e.target.op === '*') {
      const r = this.shallow(this.exp(e.target.operand));
      if (r.kind === 'ref') {
        if (!r.mut) this.host.report(e.target.loc, 'E03014', "Cannot write through an immutable reference: it needs '&mut'.");
        this.expect(v, r.to, e.value.loc);
      }
      return UNIT;
    }
    if (e.target.kind === 'tuple') {
      const s = this.shallow(v);
      e.target.elems.forEach((t, i) => {
        const elem = s.kind === 'tuple' ? s.elems[i] ?? ERROR : ERROR;
        if (t.kind === 'name' && t.path.segments.length === 1) {
          const local = this.lookup(t.path.segments[0].value);
          if (local) this.expect(elem, local, t.loc);
        } else if (!(t.kind === 'name' && t.path.segments[0].value === '_')) this.unify(this.exp(t), elem);
      });
      return UNIT;
    }
    const target = this.exp(e.target);
    this.expect(v, target, e.value.loc);
    return UNIT;
  }

  private instantiate(fn: FunctionInfo, typeArgs: A.Type[] | undefined, loc: A.Loc, call?: A.Exp): { params: Ty[]; ret: Ty } {
    let args: Ty[];
    if (typeArgs) {
      args = typeArgs.map((t) => this.resolve(t));
      if (args.length !== fn.typeParams.length) {
        this.host.report(loc, 'E03003', `'${fn.name}' takes ${fn.typeParams.length} type argument${fn.typeParams.length === 1 ? '' : 's'}, found ${args.length}.`);
        args = fn.typeParams.map(() => ERROR);
      }
    } else args = fn.typeParams.map(() => this.fresh());
    if (call) this.calls.set(call, { fn, typeArgs: args });
    const params = fn.params.map((p) => this.anyToVar(substitute(p.type, args)));
    const rets = fn.returns.map((r) => this.anyToVar(substitute(r, args)));
    return { params, ret: rets.length === 1 ? rets[0] : { kind: 'tuple', elems: rets } };
  }

  /** Types call arguments against the parameters; gives each argument's type (undefined for a lambda). */
  private args(fn: FunctionInfo, params: Ty[], args: A.Exp[], receiver?: Ty): (Ty | undefined)[] {
    const offset = receiver ? 1 : 0;
    return args.map((a, i) => {
      const p = params[i + offset];
      if (a.kind === 'lambda') {
        const pt = p ? this.shallow(p) : undefined;
        const t = this.lambda(a, pt?.kind === 'fun' ? pt : undefined);
        if (p) this.unify(t, p);
        return undefined;
      }
      const t = this.exp(a);
      if (p) this.expect(t, p, a.loc, `Argument ${i + 1 + offset} of '${fn.name}'`);
      return t;
    });
  }

  private lambda(e: Extract<A.Exp, { kind: 'lambda' }>, expected: Extract<Ty, { kind: 'fun' }> | undefined): Ty {
    return this.scoped(() => {
      const params = e.params.map((p, i) => {
        const t = p.type ? this.resolve(p.type) : expected?.params[i] ?? this.fresh();
        if (p.type && expected?.params[i]) this.unify(expected.params[i], t);
        this.bindPattern(p.pattern, t);
        return t;
      });
      const ret = e.ret ? this.resolve(e.ret) : expected?.ret ?? this.fresh();
      // `return` inside a lambda leaves the lambda: type its body with the lambda's return type.
      const saved = this.returnType;
      this.returnType = ret;
      this.loopTypes.push(ret);
      const body = this.exp(e.body);
      this.loopTypes.pop();
      this.returnType = saved;
      this.unify(body, ret);
      return { kind: 'fun', params, ret } as Ty;
    });
  }

  private call(e: Extract<A.Exp, { kind: 'call' }>): Ty {
    const segs = e.path.segments;
    if (segs.length === 1) {
      const name = segs[0].value;
      // `f!(..)` is always a macro, even when a local is also called `f` (`let cases = ..; cases!(..)`).
      const local = e.macro ? undefined : this.lookup(name);
      if (local) {
        // Calling a lambda parameter of a macro: `$f(x)`.
        const s = this.shallow(local);
        const args = e.args.map((a) => this.exp(a));
        if (s.kind === 'fun') {
          args.forEach((a, i) => s.params[i] && this.unify(a, s.params[i]));
          const lambda = this.lambdaArgs.get(name);
          const known = args.map((a) => this.known(a));
          const result = lambda && known.every((t) => t !== undefined) ? lambda(known as Ty[]) : undefined;
          if (result) this.unify(s.ret, result);
          return s.ret;
        }
        return ERROR;
      }
      if (!this.m.functions.has(name) && !this.m.memberAliases.has(name) && !this.m.datatypes.has(name)) return this.builtin(e);
    }
    const fn = this.host.functionQuiet(this.m, e.path);
    if (fn) {
      const inst = this.instantiate(fn, e.typeArgs, e.loc, e);
      if (fn.params.length === e.args.length) this.macroResult(e, fn, e.args, this.args(fn, inst.params, e.args), inst.ret);
      else for (const a of e.args) this.exp(a);
      return inst.ret;
    }
    // Positional struct or variant constructor.
    const ctor = this.constructorType(e.path, e.typeArgs, e.loc);
    if (ctor) {
      const fields = [...ctor.fields.values()];
      e.args.forEach((a, i) => {
        const t = this.exp(a);
        if (fields[i]) this.expect(t, fields[i], a.loc, `Field ${i}`);
      });
      return ctor.type;
    }
    for (const a of e.args) this.exp(a);
    return ERROR;
  }

  private builtin(e: Extract<A.Exp, { kind: 'call' }>): Ty {
    const name = e.path.segments[0].value;
    const targs = e.typeArgs?.map((t) => this.resolve(t));
    const args = e.args.map((a) => this.exp(a));
    switch (name) {
      case 'assert':
        if (args[0]) this.expect(args[0], BOOL, e.args[0].loc, "The condition of 'assert!'");
        if (args[1] && (this.shallow(args[1]) as TyV).kind === 'var') this.unify(args[1], U64);
        return UNIT;
      case 'freeze': {
        const s = args[0] ? this.shallow(args[0]) : ERROR;
        if (s.kind === 'ref') {
          if (!s.mut) this.host.report(e.args[0].loc, 'E03010', "'freeze' takes a mutable reference ('&mut').");
          return { kind: 'ref', mut: false, to: s.to };
        }
        return ERROR;
      }
      case 'exists':
        if (args[0]) this.expect(args[0], ADDRESS, e.args[0].loc);
        this.globalResource(name, targs?.[0], e);
        return BOOL;
      case 'borrow_global':
      case 'borrow_global_mut':
        if (args[0]) this.expect(args[0], ADDRESS, e.args[0].loc);
        this.globalResource(name, targs?.[0], e);
        return targs?.[0] ? { kind: 'ref', mut: name === 'borrow_global_mut', to: targs[0] } : ERROR;
      case 'move_from':
        if (args[0]) this.expect(args[0], ADDRESS, e.args[0].loc);
        this.globalResource(name, targs?.[0], e);
        return targs?.[0] ?? ERROR;
      case 'move_to': {
        if (args[0]) this.expect(args[0], { kind: 'ref', mut: false, to: { kind: 'prim', name: 'signer' } }, e.args[0].loc, "The first argument of 'move_to'");
        const value = args[1] ? (this.shallow(args[1]) as Ty) : undefined;
        if (targs?.[0] && args[1]) this.expect(args[1], targs[0], e.args[1].loc);
        this.globalResource(name, targs?.[0] ?? value, e);
        return UNIT;
      }
    }
    return ERROR;
  }

  /**
   * Global storage holds only structs with `key` declared in the module that touches them (Move's rule:
   * only a resource's own module may publish, read or remove it).
   */
  private globalResource(op: string, t: Ty | undefined, e: Extract<A.Exp, { kind: 'call' }>): void {
    if (!t) {
      if (op !== 'move_to') this.host.report(e.loc, 'E04020', `'${op}' needs the resource type: '${op}<T>(address)'.`);
      return;
    }
    if (t.kind === 'error' || (t as TyV).kind === 'var') return;
    if (t.kind !== 'datatype') {
      this.host.report(e.loc, 'E04021', `'${op}' works on structs with the 'key' ability, not '${this.text(t)}'.`);
      return;
    }
    if (t.module !== this.m.key) {
      this.host.report(e.loc, 'E04022', `'${op}' on '${t.name}': only its own module (${t.module}) can use it in global storage.`);
      return;
    }
    const dt = this.m.datatypes.get(t.name);
    if (dt && (dt.abilities & ABILITY_BIT.key) === 0) this.host.report(e.loc, 'E04023', `'${op}' needs '${t.name}' to have the 'key' ability (declare it 'has key').`);
  }

  /** The key methods are looked up under: `0x2::coin::Coin`, `vector`, `u64`, ... */
  private methodKey(t: Ty): string | undefined {
    switch (t.kind) {
      case 'datatype':
        return `${t.module}::${t.name}`;
      case 'vector':
        return 'vector';
      case 'prim':
        return t.name;
      default:
        return undefined;
    }
  }

  private methodCall(e: Extract<A.Exp, { kind: 'methodCall' }>): Ty {
    const recv = this.exp(e.receiver);
    const base = this.stripRef(recv);
    const key = this.methodKey(base);
    if (!key) {
      for (const a of e.args) if (a.kind !== 'lambda') this.exp(a);
      else this.lambda(a, undefined);
      return ERROR;
    }
    const fn = this.findMethod(key, base, e.method.value);
    if (!fn) {
      // Primitive methods come from modules this checker may not see (std::u64 is found; others may be
      // provided by `use fun` in a dependency); only a datatype's missing method is certain.
      if (base.kind === 'datatype' && !this.hasLambdaOrMacro(e)) {
        this.host.report(e.method.loc, 'E03015', `No method '${e.method.value}' for type '${this.text(base)}': no function '${e.method.value}' in module '${base.module}' and no 'use fun' alias.`);
      }
      for (const a of e.args) if (a.kind === 'lambda') this.lambda(a, undefined);
      else this.exp(a);
      return ERROR;
    }
    const inst = this.instantiate(fn, e.typeArgs, e.loc, e);
    const first = inst.params[0];
    if (first) {
      const fs = this.shallow(first);
      // The receiver is borrowed or dereferenced as the first parameter needs.
      if (fs.kind === 'ref') this.unify(base, fs.to);
      else this.unify(base, fs);
    }
    if (fn.params.length === e.args.length + 1) {
      const argTypes = this.args(fn, inst.params, e.args, recv);
      // The receiver as the macro's first parameter takes it (borrowed or read, as code generation does).
      const fs = first ? this.shallow(first) : undefined;
      const r = this.shallow(recv);
      const receiver = fs?.kind === 'ref' && r.kind !== 'ref' ? ({ kind: 'ref', mut: fs.mut, to: recv } as Ty) : fs && fs.kind !== 'ref' && r.kind === 'ref' ? r.to : recv;
      this.macroResult(e, fn, e.args, [receiver, ...argTypes], inst.ret);
    } else {
      this.host.report(e.loc, 'E03008', `'${fn.name}' takes ${fn.params.length - 1} argument${fn.params.length === 2 ? '' : 's'} after the receiver, but ${e.args.length} ${e.args.length === 1 ? 'was' : 'were'} given.`);
      for (const a of e.args) if (a.kind !== 'lambda') this.exp(a);
    }
    return inst.ret;
  }

  private hasLambdaOrMacro(e: Extract<A.Exp, { kind: 'methodCall' }>): boolean {
    return false && e.macro;
  }

  private findMethod(key: string, base: Ty, method: string): FunctionInfo | undefined {
    const local = this.useFuns.get(`${this.m.key}|${key}`)?.get(method);
    if (local) return local;
    const global = this.useFuns.get(`*|${key}`)?.get(method);
    if (global) return global;
    let moduleKey: string | undefined;
    if (base.kind === 'datatype') moduleKey = base.module;
    else if (base.kind === 'vector') moduleKey = '0x1::vector';
    else if (base.kind === 'prim') moduleKey = base.name === 'address' ? '0x2::address' : `0x1::${base.name}`;
    const owner = moduleKey ? this.host.modules.get(moduleKey) : undefined;
    return owner?.functions.get(method);
  }
}

function isNever(t: Ty): boolean {
  return t.kind === 'any';
}

function divergent(e: A.Exp): boolean {
  return e.kind === 'abort' || e.kind === 'return' || (e.kind === 'loop' && !containsBreak(e.body, e.label?.value));
}

/** Whether a loop body breaks out of this loop (a `break` not inside a nested loop, or a labelled one). */
function containsBreak(e: A.Exp, label: string | undefined): boolean {
  let found = false;
  const visit = (x: A.Exp | undefined, nested: boolean): void => {
    if (!x || found) return;
    switch (x.kind) {
      case 'break':
        if (!nested || (label && x.label?.value === label)) found = true;
        visit(x.value, nested);
        return;
      case 'loop':
      case 'while':
        if (x.kind === 'while') visit(x.cond, nested);
        visit(x.body, true);
        return;
      case 'lambda':
        return;
      default:
        for (const child of children(x)) visit(child, nested);
    }
  };
  visit(e, false);
  return found;
}

/** The direct sub-expressions of an expression (statements of blocks included). */
export function children(e: A.Exp): A.Exp[] {
  switch (e.kind) {
    case 'call':
      return e.args;
    case 'methodCall':
      return [e.receiver, ...e.args];
    case 'pack':
      return e.fields.map((f) => f.value);
    case 'vector':
    case 'tuple':
      return e.elems;
    case 'field':
      return [e.base];
    case 'index':
      return [e.base, ...e.index];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'assign':
      return [e.target, e.value];
    case 'cast':
    case 'annotate':
      return [e.exp];
    case 'if':
      return e.else ? [e.cond, e.then, e.else] : [e.cond, e.then];
    case 'while':
      return [e.cond, e.body];
    case 'loop':
      return [e.body];
    case 'block':
      return [...e.block.statements.flatMap((s) => (s.kind === 'let' ? (s.value ? [s.value] : []) : s.kind === 'exp' ? [s.exp] : [])), ...(e.block.result ? [e.block.result] : [])];
    case 'break':
    case 'return':
      return e.value ? [e.value] : [];
    case 'abort':
      return e.code ? [e.code] : [];
    case 'lambda':
      return [e.body];
    case 'match':
      return [e.subject, ...e.arms.flatMap((a) => (a.guard ? [a.guard, a.body] : [a.body]))];
    default:
      return [];
  }
}

export function substitute(t: Ty, args: readonly Ty[]): Ty {
  switch (t.kind) {
    case 'param':
      return args[t.index] ?? t;
    case 'vector':
      return { kind: 'vector', elem: substitute(t.elem, args) };
    case 'ref':
      return { kind: 'ref', mut: t.mut, to: substitute(t.to, args) };
    case 'datatype':
      return { ...t, args: t.args.map((a) => substitute(a, args)) };
    case 'tuple':
      return { kind: 'tuple', elems: t.elems.map((a) => substitute(a, args)) };
    case 'fun':
      return { kind: 'fun', params: t.params.map((a) => substitute(a, args)), ret: substitute(t.ret, args) };
    default:
      return t;
  }
}

/** A type as the user writes it in this module: own types bare, others `module::Type`. */
export function showType(t: Ty, m: ModuleInfo | undefined): string {
  const s = t as TyV;
  switch (s.kind) {
    case 'var':
      return '_';
    case 'prim':
      return s.name;
    case 'vector':
      return `vector<${showType(s.elem, m)}>`;
    case 'datatype': {
      const name = m && s.module === m.key ? s.name : (m && aliasFor(m, s.module, s.name)) ?? `${s.module.split('::')[1]}::${s.name}`;
      return `${name}${s.args.length ? `<${s.args.map((a) => showType(a, m)).join(', ')}>` : ''}`;
    }
    case 'ref':
      return `&${s.mut ? 'mut ' : ''}${showType(s.to, m)}`;
    case 'param':
      return s.name;
    case 'tuple':
      return `(${s.elems.map((a) => showType(a, m)).join(', ')})`;
    case 'fun':
      return `|${s.params.map((a) => showType(a, m)).join(', ')}| -> ${showType(s.ret, m)}`;
    case 'any':
      return '_';
    case 'error':
      return '_';
  }
}

/** The name a module's code uses for a foreign datatype: its member alias (`UID`), if it has one. */
function aliasFor(m: ModuleInfo, module: string, name: string): string | undefined {
  for (const [alias, [mod, member]] of m.memberAliases) if (mod === module && member === name) return alias;
  return undefined;
}
