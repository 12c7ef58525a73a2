// Locals safety and reference safety of a function body, as the Move compiler's `cfgir` passes check
// them: a forward analysis over the body's control-flow graph (borrow-ir.ts) to a fixed point, with the
// liveness of references deciding which borrows still count. A reference that is never used again does
// not keep anything borrowed, so only borrows whose reference is used later can conflict.
//
// Rules checked (each reported at the offending use):
// - a local used after it was moved (on every path, on some path, or in an earlier loop iteration) or
//   before it was assigned (E06002); a value without `drop` still in a local when the function returns,
//   or overwritten by an assignment (E06001);
// - a local copied or read (`x.f`) while a live `&mut` borrows it (E07002), immutably borrowed then
//   (E07001), moved or assigned while borrowed (E07003); taking `&mut x` is not itself an error: the borrows
//   of `x` alive then borrow the new reference, as in Move's borrow graph, so what is checked is its use;
// - through a reference: reading through a `&mut` while a live mutable reference borrows it, writing
//   while any does, mutably borrowing a field while one borrows it whole, `freeze` (E07002/E07003); a
//   copy of a reference, or a reference taken through it, is borrowed by the borrows of what it points to
//   that are alive when it is made;
// - a `&mut` reference passed to a function while a live reference derived from it exists (E07004);
// - returning a reference that borrows a local instead of a reference parameter (E03018).
//
// Borrows of different fields do not conflict. Where Move's own rules are coarser (it treats a local's
// fields as one place in some cases) this checker accepts more: it must never reject code Move accepts.
import type * as A from './ast.ts';
import { lowerFunction, Unsupported, type Block, type Cfg, type LoweringContext, type Op, type VarId } from './borrow-ir.ts';
import type { FunctionInfo, ModuleInfo } from './program.ts';

export interface BorrowDiagnostic {
  readonly loc: A.Loc;
  readonly code: string;
  readonly message: string;
}

interface Loan {
  /** The local whose value is borrowed (a reference parameter for borrows through it; < 0: unknown origin). */
  readonly root: number;
  /** Fields from the root; `*` stands for any part (an element, or what a function returned). */
  readonly path: readonly string[];
  readonly mut: boolean;
  /** The operation that created the reference. */
  readonly site: number;
  /** Sites of the references it was derived from. */
  readonly anc: readonly number[];
  /**
   * Sites of the borrows of the same local that were alive when this one was taken: as in Move's borrow
   * graph, they borrow the newer reference, so using it to write (or to read, when one of them is
   * mutable) while one of them is still used later is the error, not taking it.
   */
  readonly older: readonly number[];
}

const YES = 0;
const NO = 1;
const MAYBE = 2;
/** `why` entry for a local declared without a value. */
const UNASSIGNED = -1;

interface State {
  readonly avail: Uint8Array;
  /** Per local: the move sites (op numbers) or UNASSIGNED that made it unavailable. */
  readonly why: (Set<number> | undefined)[];
  /** Per variable holding references: the loans, by key. */
  readonly loans: (Map<string, Loan> | undefined)[];
}

const MAX_VISITS_PER_BLOCK = 200;

export function checkBorrows(cfg: Cfg, lineOf: (offset: number) => number): BorrowDiagnostic[] {
  return new BorrowChecker(cfg, lineOf).run();
}

/** Checks one typed function body (not a macro: Move checks macros where they are expanded). */
export function checkFunctionBorrows(fn: FunctionInfo, m: ModuleInfo, cx: LoweringContext, lineOf: (offset: number) => number): BorrowDiagnostic[] {
  if (!fn.decl.body || fn.decl.macro) return [];
  let cfg: Cfg;
  try {
    cfg = lowerFunction(fn, m, cx);
  } catch (e) {
    if (e instanceof Unsupported) return [];
    throw e;
  }
  return checkBorrows(cfg, lineOf);
}


function loanKey(l: Loan): string {
  return `${l.root}|${l.path.join('.')}|${l.mut ? 1 : 0}|${l.site}|${l.anc.join(',')}|${l.older.join(',')}`;
}

/** Whether two paths from the same root can name overlapping memory (one is a prefix of the other). */
function overlap(p: readonly string[], q: readonly string[]): boolean {
  const n = Math.min(p.length, q.length);
  for (let i = 0; i < n; i++) {
    if (p[i] === '*' || q[i] === '*') return true;
    if (p[i] !== q[i]) return false;
  }
  return true;
}

const MAX_PATH = 12;

function extend(base: readonly string[], ext: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of [...base, ...ext]) {
    // Repeated unknown parts say no more than one; a cap keeps paths bounded around loops.
    if (s === '*' && out[out.length - 1] === '*') continue;
    if (out.length === MAX_PATH - 1) {
      out.push('*');
      break;
    }
    out.push(s);
  }
  return out;
}

function withAncestor(anc: readonly number[], site: number): number[] {
  return anc.includes(site) ? [...anc] : [...anc, site].sort((a, b) => a - b);
}

class BorrowChecker {
  private readonly vars;
  private readonly blocks: Block[];
  /** Global op number of each block's first op (op numbers are loan sites). */
  private readonly firstOp: number[] = [];
  private readonly opLoc: A.Loc[] = [];
  /** Per block, per op: the reference-holding variables live after it. */
  private liveAfter: Set<number>[][] = [];
  private readonly diags = new Map<string, BorrowDiagnostic>();
  private reporting = false;

  constructor(
    cfg: Cfg,
    private readonly lineOf: (offset: number) => number,
  ) {
    this.vars = cfg.vars;
    this.blocks = cfg.blocks;
    let n = 0;
    for (const b of this.blocks) {
      this.firstOp.push(n);
      for (const op of b.ops) this.opLoc[n++] = op.loc;
    }
  }

  run(): BorrowDiagnostic[] {
    this.liveness();
    const entry = this.initial();
    const states: (State | undefined)[] = this.blocks.map(() => undefined);
    states[0] = entry;
    const visits = new Uint32Array(this.blocks.length);
    const work = [0];
    const queued = new Set([0]);
    while (work.length > 0) {
      const b = work.shift()!;
      queued.delete(b);
      if (++visits[b] > MAX_VISITS_PER_BLOCK) return []; // did not settle: say nothing rather than guess
      const out = this.block(b, this.clone(states[b]!));
      for (const s of this.blocks[b].succ) {
        const prev = states[s];
        const next = prev ? this.join(prev, out) : this.clone(out);
        if (!prev || !this.equal(prev, next)) {
          states[s] = next;
          if (!queued.has(s)) {
            queued.add(s);
            work.push(s);
          }
        }
      }
    }
    this.reporting = true;
    this.blocks.forEach((_, b) => states[b] && this.block(b, this.clone(states[b]!)));
    return [...this.diags.values()].sort((a, b) => a.loc.start - b.loc.start);
  }

  // ---- liveness of reference-holding variables

  private uses(op: Op): VarId[] {
    switch (op.k) {
      case 'use':
        return this.vars[op.v].isRef ? [op.v] : [];
      case 'assign':
        return op.src !== undefined ? [op.src] : [];
      case 'deref':
        return [op.r];
      case 'call':
        return op.args;
      case 'freeze':
      case 'mov':
        return [op.src];
      case 'ret':
        return op.vals.map((x) => x.v);
      default:
        return [];
    }
  }

  private defs(op: Op): VarId[] {
    switch (op.k) {
      case 'use':
      case 'borrow':
      case 'deref':
        return op.dst !== undefined ? [op.dst] : [];
      case 'assign':
        return [op.v];
      case 'call':
        return op.results.map((r) => r.dst);
      case 'freeze':
      case 'mov':
      case 'fresh':
        return [op.dst];
      default:
        return [];
    }
  }

  private liveness(): void {
    const n = this.blocks.length;
    const liveIn: Set<number>[] = this.blocks.map(() => new Set());
    const preds: number[][] = this.blocks.map(() => []);
    this.blocks.forEach((b, i) => b.succ.forEach((s) => preds[s].push(i)));
    const work = Array.from({ length: n }, (_, i) => n - 1 - i);
    const queued = new Set(work);
    while (work.length > 0) {
      const b = work.shift()!;
      queued.delete(b);
      const live = new Set<number>();
      for (const s of this.blocks[b].succ) for (const v of liveIn[s]) live.add(v);
      const ops = this.blocks[b].ops;
      for (let i = ops.length - 1; i >= 0; i--) this.step(ops[i], live);
      if (live.size !== liveIn[b].size || [...live].some((v) => !liveIn[b].has(v))) {
        liveIn[b] = live;
        for (const p of preds[b]) if (!queued.has(p)) {
          queued.add(p);
          work.push(p);
        }
      }
    }
    this.liveAfter = this.blocks.map((b) => {
      const live = new Set<number>();
      for (const s of b.succ) for (const v of liveIn[s]) live.add(v);
      const after: Set<number>[] = new Array(b.ops.length);
      for (let i = b.ops.length - 1; i >= 0; i--) {
        after[i] = new Set(live);
        this.step(b.ops[i], live);
      }
      return after;
    });
  }

  private step(op: Op, live: Set<number>): void {
    for (const d of this.defs(op)) live.delete(d);
    for (const u of this.uses(op)) if (this.vars[u].isRef) live.add(u);
  }

  // ---- states

  private initial(): State {
    const n = this.vars.length;
    const s: State = { avail: new Uint8Array(n), why: new Array(n), loans: new Array(n) };
    this.vars.forEach((v, i) => {
      if (v.local && !v.param) {
        s.avail[i] = NO;
        s.why[i] = new Set([UNASSIGNED]);
      }
    });
    return s;
  }

  /** The sets and maps in a state are never changed in place (ops and joins replace them), so a copy shares them. */
  private clone(s: State): State {
    return { avail: s.avail.slice(), why: s.why.slice(), loans: s.loans.slice() };
  }

  private join(a: State, b: State): State {
    const out = this.clone(a);
    for (let i = 0; i < out.avail.length; i++) {
      if (a.avail[i] !== b.avail[i]) out.avail[i] = MAYBE;
      const wa = a.why[i];
      const wb = b.why[i];
      if (wb && wb !== wa && [...wb].some((x) => !wa?.has(x))) out.why[i] = new Set([...(wa ?? []), ...wb]);
      const la = a.loans[i];
      const lb = b.loans[i];
      if (lb && lb !== la && [...lb.keys()].some((k) => !la?.has(k))) out.loans[i] = new Map([...(la ?? []), ...lb]);
    }
    return out;
  }

  private equal(a: State, b: State): boolean {
    for (let i = 0; i < a.avail.length; i++) {
      if (a.avail[i] !== b.avail[i]) return false;
      if ((a.why[i]?.size ?? 0) !== (b.why[i]?.size ?? 0)) return false;
      if ((a.loans[i]?.size ?? 0) !== (b.loans[i]?.size ?? 0)) return false;
    }
    return true;
  }

  // ---- transfer

  private block(b: number, s: State): State {
    const ops = this.blocks[b].ops;
    for (let i = 0; i < ops.length; i++) this.op(ops[i], this.firstOp[b] + i, s, this.liveAfter[b][i]);
    return s;
  }

  private loansOf(s: State, v: VarId): Loan[] {
    return [...(s.loans[v]?.values() ?? [])];
  }

  private setLoans(s: State, v: VarId, loans: Iterable<Loan>): void {
    const m = new Map<string, Loan>();
    for (const l of loans) m.set(loanKey(l), l);
    s.loans[v] = m;
  }

  /** Loans held by variables live after the op (the op's own result excluded). */
  private live(s: State, live: Set<number>, exclude?: VarId): Loan[] {
    const out: Loan[] = [];
    for (const v of live) if (v !== exclude) for (const l of s.loans[v]?.values() ?? []) out.push(l);
    return out;
  }

  private op(op: Op, site: number, s: State, liveAfter: Set<number>): void {
    // What the op defines is not live yet while it runs (a temporary may still hold an earlier iteration's loans).
    const defs = this.defs(op);
    const live = defs.some((d) => liveAfter.has(d)) ? new Set([...liveAfter].filter((v) => !defs.includes(v))) : liveAfter;
    switch (op.k) {
      case 'use': {
        this.available(s, op.v, op.loc, site);
        const info = this.vars[op.v];
        if (op.dst !== undefined) {
          const loans = this.loansOf(s, op.v);
          // A reference's last use moves it; an earlier one copies it (the copy is derived from it).
          if (op.mode === 'move' || !live.has(op.v)) this.setLoans(s, op.dst, loans);
          else {
            const older = this.olderOf(s, live, loans, [], op.dst);
            this.setLoans(s, op.dst, loans.map((l) => ({ ...l, site, anc: withAncestor(l.anc, l.site), older })));
          }
        } else if (!info.isRef) {
          const move = op.mode === 'move';
          const c = this.rootConflicts(s, live, op.v, [], !move);
          if (c) this.report(op.loc, move ? 'E07003' : 'E07002', move ? `Invalid move of local '${info.name}': it is still being borrowed ${this.by(c)}.` : `Invalid copy of local '${info.name}': it is still being mutably borrowed ${this.by(c)}.`);
        }
        if (op.mode === 'move' && info.local) {
          s.avail[op.v] = NO;
          s.why[op.v] = new Set([site]);
          s.loans[op.v] = undefined;
        }
        return;
      }
      case 'readField': {
        this.available(s, op.v, op.loc, site);
        const c = this.rootConflicts(s, live, op.v, op.path, true);
        if (c) this.report(op.loc, 'E07002', `Invalid read of '${this.place(op.v, op.path)}': it is still being mutably borrowed ${this.by(c)}.`);
        return;
      }
      case 'borrow': {
        this.available(s, op.v, op.loc, site);
        // Taking `&x` while a `&mut` to it is used later is an error here; taking `&mut x` is checked
        // where the new reference is used (the borrows alive now borrow it).
        const c = op.mut ? undefined : this.rootConflicts(s, live, op.v, op.path, true, op.dst);
        if (c) this.report(op.loc, 'E07001', `Invalid borrow of '${this.place(op.v, op.path)}': it is still being mutably borrowed ${this.by(c)}.`);
        const older = this.live(s, live, op.dst).filter((l) => l.root === op.v && overlap(op.path, l.path)).map((l) => l.site);
        this.setLoans(s, op.dst, [{ root: op.v, path: op.path, mut: op.mut, site, anc: [], older: [...new Set(older)].sort((a, b) => a - b) }]);
        return;
      }
      case 'assign': {
        const info = this.vars[op.v];
        if (!info.isRef || op.src === undefined) {
          const c = this.rootConflicts(s, live, op.v, [], false);
          if (c) this.report(op.loc, 'E07003', `Invalid assignment to local '${info.name}': it is still being borrowed ${this.by(c)}.`);
        }
        if (info.noDrop && s.avail[op.v] !== NO) {
          this.report(op.loc, 'E06001', `Invalid assignment to '${info.name}': it ${s.avail[op.v] === MAYBE ? 'might still hold' : 'still holds'} a value of type '${info.noDrop}', which does not have 'drop'. Move it somewhere or destroy it first.`);
        }
        s.avail[op.v] = YES;
        s.why[op.v] = undefined;
        if (op.src !== undefined) s.loans[op.v] = s.loans[op.src];
        else s.loans[op.v] = undefined;
        return;
      }
      case 'writeField': {
        this.available(s, op.v, op.loc, site);
        const c = this.rootConflicts(s, live, op.v, op.path, false);
        if (c) this.report(op.loc, 'E07003', `Invalid assignment to '${this.place(op.v, op.path)}': it is still being borrowed ${this.by(c)}.`);
        return;
      }
      case 'deref': {
        if (this.vars[op.r].local) this.available(s, op.r, op.loc, site);
        const loans = this.loansOf(s, op.r);
        const d = this.borrowers(s, live, loans, op.dst);
        const mutRef = loans.some((l) => l.mut);
        const field = op.path[0];
        const full = (rel: readonly string[]) => rel.length === 0 || rel[0] === '*';
        const atField = (rel: readonly string[]) => full(rel) || field === undefined || field === '*' || rel[0] === field;
        let c: Loan | undefined;
        if (op.mode === 'read' || op.mode === 'imm') c = mutRef ? d.find(([l, rel]) => l.mut && atField(rel))?.[0] : undefined;
        else if (op.mode === 'write' && op.path.length === 0) c = d[0]?.[0];
        else c = d.find(([, rel]) => full(rel))?.[0];
        if (c) {
          const what = this.vars[op.r].local ? `'${this.vars[op.r].name}${op.path.filter((p) => p !== '*').map((p) => `.${p}`).join('')}'` : 'this reference';
          if (op.mode === 'read') this.report(op.loc, 'E07002', `Invalid read through ${what}: it is still being mutably borrowed ${this.by(c)}.`);
          else if (op.mode === 'imm') this.report(op.loc, 'E07002', `Invalid borrow through ${what}: it is still being mutably borrowed ${this.by(c)}.`);
          else if (op.mode === 'mut') this.report(op.loc, 'E07001', `Invalid mutable borrow through ${what}: it is still being borrowed ${this.by(c)}.`);
          else this.report(op.loc, 'E07003', `Invalid write through ${what}: it is still being borrowed ${this.by(c)}.`);
        }
        if (op.dst !== undefined) {
          const mut = op.mode === 'mut';
          const older = this.olderOf(s, live, loans, op.path, op.dst);
          this.setLoans(s, op.dst, loans.map((l) => ({ root: l.root, path: extend(l.path, op.path), mut, site, anc: withAncestor(l.anc, l.site), older })));
        }
        return;
      }
      case 'call': {
        const all: Loan[] = [];
        const muts: Loan[] = [];
        for (const a of op.args) {
          const loans = this.loansOf(s, a);
          all.push(...loans);
          if (loans.some((l) => l.mut)) {
            muts.push(...loans);
            // The call's other arguments are alive while it takes this one.
            const others = new Set([...live, ...op.args.filter((x) => x !== a)]);
            const c = this.borrowers(s, others, loans)[0]?.[0];
            if (c) this.report(this.opLoc[site], 'E07004', `Invalid argument to '${op.name}': a mutable reference cannot be passed while it is still being borrowed ${this.by(c)}.`);
          }
        }
        op.results.forEach((r, i) => {
          const parents = r.mut ? muts : all;
          const rsite = site + i / 8;
          if (parents.length === 0) this.setLoans(s, r.dst, [{ root: -1 - site, path: [], mut: r.mut, site: rsite, anc: [], older: [] }]);
          else this.setLoans(s, r.dst, parents.map((l) => ({ root: l.root, path: extend(l.path, ['*']), mut: r.mut, site: rsite, anc: withAncestor(l.anc, l.site), older: [] })));
        });
        return;
      }
      case 'freeze': {
        const loans = this.loansOf(s, op.src);
        if (loans.some((l) => l.mut)) {
          const c = this.borrowers(s, live, loans, op.dst).find(([l]) => l.mut)?.[0];
          if (c) this.report(op.loc, 'E07002', `Invalid freeze: the reference is still being mutably borrowed ${this.by(c)}.`);
        }
        this.setLoans(s, op.dst, loans.map((l) => ({ ...l, mut: false, site, anc: withAncestor(l.anc, l.site), older: [] })));
        return;
      }
      case 'fresh':
        this.setLoans(s, op.dst, [{ root: op.root ?? -1 - site, path: [], mut: op.mut, site, anc: [], older: [] }]);
        return;
      case 'mov':
        s.loans[op.dst] = s.loans[op.src];
        return;
      case 'ret':
        this.vars.forEach((info, v) => {
          if (info.noDrop && s.avail[v] !== NO) {
            this.report(op.loc, 'E06001', `The local '${info.name}' ${s.avail[v] === MAYBE ? 'might still hold' : 'still holds'} a value of type '${info.noDrop}', which does not have 'drop', when the function returns: move it somewhere or destroy it (declared at line ${this.lineOf(info.loc.start)}).`);
          }
        });
        for (const { v, loc } of op.vals) {
          const local = this.loansOf(s, v).find((l) => l.root >= 0 && !(this.vars[l.root].param && this.vars[l.root].isRef));
          if (local) this.report(loc, 'E03018', `Cannot return a reference to the local '${this.vars[local.root].name}': it no longer exists when the function returns.`);
        }
        return;
    }
  }

  /** A live loan on the local `v` overlapping `path` (only mutable ones when `onlyMut`). */
  private rootConflicts(s: State, live: Set<number>, v: VarId, path: readonly string[], onlyMut: boolean, exclude?: VarId): Loan | undefined {
    return this.live(s, live, exclude).find((l) => l.root === v && (!onlyMut || l.mut) && overlap(path, l.path));
  }

  /** Sites of the live borrowers of `loans` at parts overlapping `path`: they borrow a reference taken there. */
  private olderOf(s: State, live: Set<number>, loans: readonly Loan[], path: readonly string[], exclude: VarId): number[] {
    const sites = this.borrowers(s, live, loans, exclude).filter(([, rel]) => overlap(rel, path)).map(([l]) => l.site);
    return [...new Set(sites)].sort((a, b) => a - b);
  }

  /** Live loans borrowing any of `loans` (derived from it, or older borrows of its local), with their path relative to it. */
  private borrowers(s: State, live: Set<number>, loans: readonly Loan[], exclude?: VarId): [Loan, string[]][] {
    const out: [Loan, string[]][] = [];
    for (const d of this.live(s, live, exclude)) {
      for (const a of loans) {
        if (d.root === a.root && d.site !== a.site && (d.anc.includes(a.site) || a.older.includes(d.site))) {
          out.push([d, d.path.slice(a.path.length)]);
          break;
        }
      }
    }
    return out;
  }

  private available(s: State, v: VarId, loc: A.Loc, site: number): void {
    const info = this.vars[v];
    if (!info.local || s.avail[v] === YES) return;
    const why = [...(s.why[v] ?? [])];
    const moves = why.filter((w) => w !== UNASSIGNED).sort((a, b) => this.opLoc[a].start - this.opLoc[b].start);
    const maybe = s.avail[v] === MAYBE;
    const name = info.name;
    if (moves.length === 0) {
      this.report(loc, 'E06002', maybe
        ? `Invalid usage of local '${name}': it might not have a value here (it is assigned on some paths only).`
        : `Invalid usage of local '${name}': it has no value here (declared without one at line ${this.lineOf(info.loc.start)}).`);
      return;
    }
    const at = moves[0];
    const line = this.lineOf(this.opLoc[at].start);
    if (why.includes(UNASSIGNED)) {
      this.report(loc, 'E06002', `Invalid usage of local '${name}': it might not have a value here (declared without one at line ${this.lineOf(info.loc.start)}, moved at line ${line}).`);
      return;
    }
    const earlierIteration = moves.every((m) => this.opLoc[m].start >= loc.start) || at === site;
    const tail = earlierIteration ? `, in an earlier iteration of the loop` : maybe ? ' on some paths to here' : '';
    this.report(loc, 'E06002', `Invalid usage of local '${name}': it ${maybe && !earlierIteration ? 'might have been' : 'was'} moved at line ${line}${tail}.`);
  }

  private place(v: VarId, path: readonly string[]): string {
    return this.vars[v].name + path.map((p) => (p === '*' ? '[..]' : `.${p}`)).join('');
  }

  private by(l: Loan): string {
    const loc = this.opLoc[Math.floor(l.site)];
    return `by the reference taken at line ${loc ? this.lineOf(loc.start) : '?'}, which is used later`;
  }

  private report(loc: A.Loc, code: string, message: string): void {
    if (!this.reporting) return;
    const key = `${loc.start}:${loc.end}:${code}`;
    if (!this.diags.has(key)) this.diags.set(key, { loc, code, message });
  }
}
