// The Move bytecode interpreter: one operand stack shared by all frames, call frames with their
// locals, every instruction of the Sui and Aptos flavours, generics, references, vectors, enums, global
// storage, natives, gas and a step limit.
//
// Speed matters (>= 5M instructions/s without a tracer): the loop dispatches on numeric opcodes,
// operands come from typed arrays, and everything that needs resolving (call targets, struct types,
// constants) is resolved once per code site and cached on the function (`LoadedFunction.sites`). The
// tracer hooks sit behind one `traced` flag so the plain path pays a predictable branch only.
import type { Instruction } from '../binary/model.ts';
import * as A from './arith.ts';
import { decodeBcs } from './bcs.ts';
import { GasMeter, DEFAULT_GAS_BUDGET, type CostTable } from './gas.ts';
import { Loader, normalizeAddress, type LoadedFunction, type LoadedModule, type ModuleProvider } from './loader.ts';
import { NATIVES, ObjectRuntime, GlobalStorage, type NativeFunction, type NativeServices } from './natives.ts';
import { TEST_NATIVES } from './test-natives.ts';
import { CRYPTO_NATIVES } from './crypto/index.ts';

/** Published code's natives and the test-only ones (their modules exist only in test builds). */
const ALL_NATIVES: ReadonlyMap<string, NativeFunction> = new Map([...NATIVES, ...TEST_NATIVES, ...CRYPTO_NATIVES]);
import { Op } from './opcodes.ts';
import { StatusCode, VMError, VectorSubStatus, abortError, invariant, type StatusName } from './status.ts';
import type { TracedFrame, Tracer } from './tracer.ts';
import { isClosed, substitute, type DatatypeType, type LoadedDatatype, type RuntimeType } from './types.ts';
import {
  Reference, Signer, StructValue, UInt, VariantValue, VectorValue, abstractSize, copyValue, makeInt, valuesEqual, type Value,
} from './values.ts';

export interface VMOptions {
  /** Gas budget in internal units (default 1e9, what Sui unit tests get). */
  readonly gasBudget?: bigint;
  readonly costTable?: CostTable;
  /** Instructions executed before the run is stopped with STEP_LIMIT_REACHED (default 50 million). */
  readonly stepLimit?: number;
  /** Extra or replacement natives, keyed `0x<64 hex>::module::function`. */
  readonly natives?: ReadonlyMap<string, NativeFunction>;
  /** Called with `debug::print` output. */
  readonly output?: (text: string) => void;
}

/** Where execution stopped: the module (`0x2::coin`), function, its definition index, and the pc. */
export interface CodeLocation {
  readonly module: string;
  readonly function: string;
  readonly functionIndex: number;
  readonly pc: number;
}

interface RunStats {
  readonly gasUsed: bigint;
  readonly gasLeft: bigint;
  /** Instructions executed. */
  readonly steps: number;
}

export type RunResult =
  | ({ readonly kind: 'returned'; readonly values: Value[] } & RunStats)
  | ({ readonly kind: 'aborted'; readonly code: bigint; readonly location: CodeLocation; readonly message: string } & RunStats)
  | ({
      readonly kind: 'error';
      readonly status: StatusName;
      readonly statusCode: number;
      readonly subStatus?: number;
      readonly message: string;
      readonly location?: CodeLocation;
    } & RunStats);

const MAX_CALL_DEPTH = 1024;
const MAX_STACK = 1024;
const NO_TYPES: readonly RuntimeType[] = Object.freeze([]);

class Frame implements TracedFrame {
  traceId = -1;
  pc = 0;
  constructor(
    readonly fn: LoadedFunction,
    readonly typeArgs: readonly RuntimeType[],
    readonly locals: Value[],
    readonly depth: number,
  ) {}
}

/** A resolved CALL / CALL_GENERIC site. */
interface CallSite {
  readonly callee: LoadedFunction;
  /** Type arguments; when `closed` is false they mention the caller's type parameters. */
  readonly typeArgs: readonly RuntimeType[];
  readonly closed: boolean;
}

/** A resolved PACK / UNPACK / variant site: the datatype, maybe generic over the frame's type parameters. */
interface TypeSite {
  readonly type: DatatypeType;
  readonly closed: boolean;
  readonly fieldCount: number;
  /** Variant tag for variant instructions. */
  readonly tag: number;
}

interface FieldSite {
  readonly field: number;
  /** Type arguments printed in traces for generic field borrows. */
  readonly typeArgs: readonly RuntimeType[];
  readonly closed: boolean;
  /** Aptos variant fields: the variants that have this field. */
  readonly variants?: readonly number[];
}

interface ElemSite {
  readonly type: RuntimeType;
  readonly closed: boolean;
}

export class MoveVM {
  readonly loader: Loader;
  private readonly natives: ReadonlyMap<string, NativeFunction>;
  /** Sui object bookkeeping (fresh ids, child objects, transfers), kept across runs of this VM. */
  readonly objects = new ObjectRuntime();
  /** Aptos global storage, kept across runs of this VM. */
  readonly storage = new GlobalStorage();

  constructor(
    provider: ModuleProvider,
    private readonly options: VMOptions = {},
  ) {
    this.natives = options.natives ? new Map([...ALL_NATIVES, ...options.natives]) : ALL_NATIVES;
    this.loader = new Loader(provider, (key) => this.natives.has(key));
  }

  /** Finds a function by `0x2::module::name` (or a full 64-digit address). Throws VMError MISSING_DATA. */
  resolveFunction(ref: string): LoadedFunction {
    const parts = ref.split('::');
    const address = parts.length === 3 ? normalizeAddress(parts[0]!) : undefined;
    if (!address) throw new VMError('MISSING_DATA', `"${ref}" is not of the form <address>::<module>::<function>`);
    const module = this.loader.module(address, parts[1]!);
    const fn = module.functionByName(parts[2]!);
    if (!fn) throw new VMError('MISSING_DATA', `module ${module.shortName} has no function ${parts[2]} (it has: ${module.functionNames().join(', ')})`);
    return fn;
  }

  /** Runs a function to completion. Never throws for anything the executed code does; see RunResult. */
  run(fn: LoadedFunction, typeArgs: readonly RuntimeType[], args: readonly Value[], tracer?: Tracer): RunResult {
    const gas = new GasMeter(this.options.gasBudget ?? DEFAULT_GAS_BUDGET, this.options.costTable);
    const stepLimit = this.options.stepLimit ?? 50_000_000;
    const services: NativeServices = {
      objects: this.objects,
      storage: this.storage,
      loader: this.loader,
      tracer,
      output: (text) => {
        this.options.output?.(text);
        tracer?.output?.(text);
      },
    };
    if (typeArgs.length !== fn.typeParameterCount) {
      return this.errorResult(new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `${fn.qualifiedName} takes ${fn.typeParameterCount} type arguments, got ${typeArgs.length}`), gas, 0, undefined);
    }
    if (args.length !== fn.parameters.length) {
      return this.errorResult(new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `${fn.qualifiedName} takes ${fn.parameters.length} arguments, got ${args.length}`), gas, 0, undefined);
    }
    const traced = tracer !== undefined;
    const stack: Value[] = [];
    const frames: Frame[] = [];
    let frame = new Frame(fn, typeArgs, new Array(fn.localTypes.length), 0);
    for (let i = 0; i < args.length; i++) frame.locals[i] = args[i];
    let steps = 0;
    // The current instruction's event was already reported (CALL reports before opening the callee).
    let reported = false;
    let pc = 0;
    let curFn = fn;
    let ops = fn.ops;
    let operand = fn.operand;
    let sites = fn.sites;
    let locals = frame.locals;
    let typeParams: readonly RuntimeType[] = NO_TYPES;

    if (fn.isNative) {
      // Entry straight into a native: run it as if called.
      try {
        if (traced) tracer.openFrame(frame, args, gas.gasLeft);
        const result = this.callNative(fn, typeArgs, [...args], gas, services);
        if (traced) {
          for (const v of result) tracer.push(v);
          tracer.closeFrame(frame, result, gas.gasLeft);
        }
        return { kind: 'returned', values: result, ...this.stats(gas, 1) };
      } catch (e) {
        return this.errorResult(e, gas, 1, { module: fn.module.shortName, function: fn.name, functionIndex: fn.defIndex, pc: 0 }, tracer);
      }
    }
    if (traced) tracer.openFrame(frame, args, gas.gasLeft);

    try {
      for (;;) {
        if (++steps > stepLimit) {
          throw new VMError('STEP_LIMIT_REACHED', `stopped after ${stepLimit.toLocaleString('en-US')} instructions: the step limit was reached (an endless loop?); raise it with maxSteps (launch.json) or --max-steps (chainstep trace)`);
        }
        const op = ops[pc];
        let next = pc + 1;
        switch (op) {
          case Op.Pop: {
            gas.charge(1, 0, 1, 0);
            const v = stack.pop();
            if (traced) tracer.pop(v);
            break;
          }
          case Op.Ret: {
            gas.charge(1, 0, 0, 0);
            const n = curFn.returns.length;
            if (traced) {
              tracer.instruction(frame, pc, op, gas.gasLeft, NO_TYPES);
              tracer.closeFrame(frame, stack.slice(stack.length - n), gas.gasLeft);
            }
            const caller = frames.pop();
            if (!caller) {
              const values = stack.splice(stack.length - n, n);
              return { kind: 'returned', values, ...this.stats(gas, steps) };
            }
            frame = caller;
            curFn = frame.fn;
            ops = curFn.ops;
            operand = curFn.operand;
            sites = curFn.sites;
            locals = frame.locals;
            pc = frame.pc + 1;
            continue;
          }
          case Op.BrTrue: {
            gas.charge(1, 0, 1, 0);
            const c = stack.pop();
            if (traced) tracer.pop(c);
            if (c === true) next = this.branchTarget(operand[pc]!, ops.length, stack);
            break;
          }
          case Op.BrFalse: {
            gas.charge(1, 0, 1, 0);
            const c = stack.pop();
            if (traced) tracer.pop(c);
            if (c === false) next = this.branchTarget(operand[pc]!, ops.length, stack);
            else if (c !== true) throw invariant('branch on a non-boolean');
            break;
          }
          case Op.Branch:
            gas.charge(1, 0, 0, 0);
            next = this.branchTarget(operand[pc]!, ops.length, stack);
            break;
          case Op.LdU8:
          case Op.LdU16:
          case Op.LdU32:
          case Op.LdU64:
          case Op.LdU128:
          case Op.LdU256:
          case Op.LdTrue:
          case Op.LdFalse: {
            gas.charge(1, 1, 0, 1);
            let v = sites[pc] as Value;
            if (v === undefined) v = sites[pc] = immediate(curFn.code[pc]!);
            stack.push(v);
            if (traced) tracer.push(v);
            break;
          }
          case Op.LdConst: {
            let site = sites[pc] as { value: Value; size: number } | undefined;
            if (site === undefined) site = sites[pc] = this.constant(curFn.module, operand[pc]!);
            gas.charge(1, 1, 0, site.size);
            const v = copyValue(site.value);
            stack.push(v);
            if (traced) tracer.push(v);
            break;
          }
          case Op.CopyLoc: {
            const i = operand[pc]!;
            const v = locals[i];
            if (v === undefined) throw invariant(`COPY_LOC of local ${i}, which holds no value`);
            gas.charge(1, 1, 0, typeof v === 'bigint' ? 16 : abstractSize(v));
            const c = typeof v === 'object' ? copyValue(v) : v;
            if (traced) tracer.readLocal(frame, i, v, false);
            stack.push(c);
            if (traced) tracer.push(c);
            break;
          }
          case Op.MoveLoc: {
            const i = operand[pc]!;
            const v = locals[i];
            if (v === undefined) throw invariant(`MOVE_LOC of local ${i}, which holds no value`);
            if (typeof v === 'object' && !(v instanceof Reference) && !(v instanceof UInt)) checkNotBorrowed(frame, i, stack, frames, 'moving');
            gas.charge(1, 1, 0, abstractSize(v));
            if (traced) tracer.readLocal(frame, i, v, true);
            locals[i] = undefined;
            stack.push(v);
            if (traced) tracer.push(v);
            break;
          }
          case Op.StLoc: {
            const i = operand[pc]!;
            if (i >= locals.length) throw invariant(`ST_LOC to local ${i} of ${locals.length}`);
            gas.charge(1, 0, 1, 0);
            const v = stack.pop();
            if (traced) tracer.pop(v);
            const old = locals[i];
            if (typeof old === 'object' && !(old instanceof Reference) && !(old instanceof UInt)) checkNotBorrowed(frame, i, stack, frames, 'overwriting');
            locals[i] = v;
            if (traced) tracer.writeLocal(frame, i, v);
            break;
          }
          case Op.MutBorrowLoc:
          case Op.ImmBorrowLoc: {
            const i = operand[pc]!;
            if (locals[i] === undefined) throw invariant(`borrow of local ${i}, which holds no value`);
            gas.charge(1, 1, 0, 8);
            const r = new Reference(locals, i, op === Op.MutBorrowLoc, null, frame, -1);
            if (traced) tracer.readLocal(frame, i, locals[i], false);
            stack.push(r);
            if (traced) tracer.push(r);
            break;
          }
          case Op.MutBorrowField:
          case Op.ImmBorrowField:
          case Op.MutBorrowFieldGeneric:
          case Op.ImmBorrowFieldGeneric:
          case Op.MutBorrowVariantField:
          case Op.ImmBorrowVariantField:
          case Op.MutBorrowVariantFieldGeneric:
          case Op.ImmBorrowVariantFieldGeneric: {
            let site = sites[pc] as FieldSite | undefined;
            if (site === undefined) site = sites[pc] = fieldSite(curFn.module, curFn.code[pc]!);
            gas.charge(1, 1, 1, 8);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            if (!(r instanceof Reference)) throw invariant('field borrow from a non-reference');
            const target = r.get();
            const mutable = op === Op.MutBorrowField || op === Op.MutBorrowFieldGeneric || op === Op.MutBorrowVariantField || op === Op.MutBorrowVariantFieldGeneric;
            let holder: Value[];
            if (site.variants) {
              if (!(target instanceof VariantValue)) throw invariant('variant field borrow from a non-variant');
              if (!site.variants.includes(target.tag)) throw new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `variant ${target.tag} has no such field`);
              holder = target.fields;
            } else {
              if (!(target instanceof StructValue)) throw invariant('field borrow from a non-struct');
              holder = target.fields;
            }
            if (site.field >= holder.length) throw invariant('field index out of range');
            const fr = new Reference(holder, site.field, mutable, r, r.frame, r.globalId);
            stack.push(fr);
            if (traced) {
              tracer.push(fr);
              if (op === Op.MutBorrowFieldGeneric || op === Op.ImmBorrowFieldGeneric) typeParams = site.closed ? site.typeArgs : site.typeArgs.map((t) => substitute(t, frame.typeArgs));
            }
            break;
          }
          case Op.Call:
          case Op.CallGeneric: {
            let site = sites[pc] as CallSite | undefined;
            if (site === undefined) site = sites[pc] = callSite(curFn.module, curFn.code[pc]!);
            const callee = site.callee;
            const calleeTypes = site.closed ? site.typeArgs : instantiate(site.typeArgs, frame.typeArgs);
            const nargs = callee.parameters.length;
            if (nargs > stack.length) throw invariant('call with too few values on the stack');
            if (traced) tracer.instruction(frame, pc, op, gas.gasLeft, NO_TYPES);
            reported = true;
            if (callee.isNative) {
              const args = stack.splice(stack.length - nargs, nargs);
              const nativeFrame = new Frame(callee, calleeTypes, args, frames.length + 1);
              if (traced) tracer.openFrame(nativeFrame, args, gas.gasLeft);
              gas.charge(1, 0, nargs, 0);
              const results = this.callNative(callee, calleeTypes, args, gas, services);
              for (const v of results) stack.push(v);
              if (traced) {
                for (const v of results) tracer.push(v);
                tracer.closeFrame(nativeFrame, results, gas.gasLeft);
              }
              reported = false;
              pc = next;
              continue;
            }
            if (frames.length + 1 >= MAX_CALL_DEPTH) throw new VMError('CALL_STACK_OVERFLOW', `call depth exceeds ${MAX_CALL_DEPTH}`);
            if (stack.length > MAX_STACK) throw new VMError('EXECUTION_STACK_OVERFLOW', `operand stack exceeds ${MAX_STACK} values`);
            const calleeLocals: Value[] = new Array(callee.localTypes.length);
            for (let i = nargs - 1; i >= 0; i--) calleeLocals[i] = stack.pop();
            frame.pc = pc;
            frames.push(frame);
            frame = new Frame(callee, calleeTypes, calleeLocals, frames.length);
            if (traced) tracer.openFrame(frame, calleeLocals.slice(0, nargs), gas.gasLeft);
            gas.charge(1, 0, nargs, 0);
            reported = false;
            curFn = callee;
            ops = callee.ops;
            operand = callee.operand;
            sites = callee.sites;
            locals = calleeLocals;
            pc = 0;
            continue;
          }
          case Op.Pack:
          case Op.PackGeneric:
          case Op.PackVariant:
          case Op.PackVariantGeneric:
          case Op.PackStructVariant:
          case Op.PackStructVariantGeneric: {
            let site = sites[pc] as TypeSite | undefined;
            if (site === undefined) site = sites[pc] = typeSite(curFn.module, curFn.code[pc]!);
            const n = site.fieldCount;
            if (n > stack.length) throw invariant('pack with too few values on the stack');
            gas.charge(1, 1, n, 2);
            const fields: Value[] = new Array(n);
            for (let i = n - 1; i >= 0; i--) {
              const v = stack.pop();
              if (traced) tracer.pop(v);
              fields[i] = v;
            }
            const type = site.closed ? site.type : (substitute(site.type, frame.typeArgs) as DatatypeType);
            const v = op === Op.Pack || op === Op.PackGeneric ? new StructValue(type, fields) : new VariantValue(type, site.tag, fields);
            stack.push(v);
            if (traced) {
              tracer.push(v);
              if (op === Op.PackGeneric) typeParams = type.typeArgs;
            }
            break;
          }
          case Op.Unpack:
          case Op.UnpackGeneric:
          case Op.UnpackVariant:
          case Op.UnpackVariantGeneric:
          case Op.UnpackStructVariant:
          case Op.UnpackStructVariantGeneric: {
            let site = sites[pc] as TypeSite | undefined;
            if (site === undefined) site = sites[pc] = typeSite(curFn.module, curFn.code[pc]!);
            gas.charge(1, site.fieldCount, 1, 0);
            const v = stack.pop();
            if (traced) tracer.pop(v);
            let fields: Value[];
            if (op === Op.Unpack || op === Op.UnpackGeneric) {
              if (!(v instanceof StructValue)) throw invariant('unpack of a non-struct');
              fields = v.fields;
            } else {
              if (!(v instanceof VariantValue)) throw invariant('unpack of a non-variant');
              if (v.tag !== site.tag) throw new VMError('VARIANT_TAG_MISMATCH', `variant mismatch: expected ${variantName(site)}, found tag ${v.tag}`);
              fields = v.fields;
            }
            for (const f of fields) {
              stack.push(f);
              if (traced) tracer.push(f);
            }
            break;
          }
          case Op.UnpackVariantImmRef:
          case Op.UnpackVariantMutRef:
          case Op.UnpackVariantGenericImmRef:
          case Op.UnpackVariantGenericMutRef: {
            let site = sites[pc] as TypeSite | undefined;
            if (site === undefined) site = sites[pc] = typeSite(curFn.module, curFn.code[pc]!);
            gas.charge(1, site.fieldCount, 1, 0);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            if (!(r instanceof Reference)) throw invariant('variant unpack through a non-reference');
            const v = r.get();
            if (!(v instanceof VariantValue)) throw invariant('unpack of a non-variant');
            if (v.tag !== site.tag) throw new VMError('VARIANT_TAG_MISMATCH', `variant mismatch: expected ${variantName(site)}, found tag ${v.tag}`);
            const mutable = op === Op.UnpackVariantMutRef || op === Op.UnpackVariantGenericMutRef;
            for (let i = 0; i < v.fields.length; i++) {
              const fr = new Reference(v.fields, i, mutable, r, r.frame, r.globalId);
              stack.push(fr);
              if (traced) tracer.push(fr);
            }
            break;
          }
          case Op.VariantSwitch: {
            gas.charge(1, 0, 1, 0);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const v = r instanceof Reference ? r.get() : undefined;
            if (!(v instanceof VariantValue)) throw invariant('VARIANT_SWITCH on a non-variant');
            const table = curFn.jumpTables[operand[pc]!];
            const target = table?.offsets[v.tag];
            if (target === undefined) throw invariant('VARIANT_SWITCH without a target for the variant');
            next = this.branchTarget(target, ops.length, stack);
            break;
          }
          case Op.TestStructVariant:
          case Op.TestStructVariantGeneric: {
            let site = sites[pc] as TypeSite | undefined;
            if (site === undefined) site = sites[pc] = typeSite(curFn.module, curFn.code[pc]!);
            gas.charge(1, 1, 1, 1);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const v = r instanceof Reference ? r.get() : undefined;
            if (!(v instanceof VariantValue)) throw invariant('variant test on a non-variant');
            const b = v.tag === site.tag;
            stack.push(b);
            if (traced) tracer.push(b);
            break;
          }
          case Op.ReadRef: {
            const r = stack.pop();
            if (traced) tracer.pop(r);
            if (!(r instanceof Reference)) throw invariant('READ_REF of a non-reference');
            const cur = r.get();
            if (cur === undefined) throw invariant('READ_REF of an invalid reference');
            const v = copyValue(cur);
            gas.charge(1, 1, 1, abstractSize(v));
            if (traced) tracer.readRef(r);
            stack.push(v);
            if (traced) tracer.push(v);
            break;
          }
          case Op.WriteRef: {
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const v = stack.pop();
            if (traced) tracer.pop(v);
            if (!(r instanceof Reference) || !r.mutable) throw invariant('WRITE_REF through a non-mutable reference');
            gas.charge(1, 1, 2, abstractSize(v));
            r.set(v);
            if (traced) tracer.writeRef(r);
            break;
          }
          case Op.FreezeRef: {
            gas.charge(1, 1, 1, 8);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            if (!(r instanceof Reference)) throw invariant('FREEZE_REF of a non-reference');
            const f = r.freeze();
            stack.push(f);
            if (traced) tracer.push(f);
            break;
          }
          case Op.Add:
          case Op.Sub:
          case Op.Mul:
          case Op.Mod:
          case Op.Div:
          case Op.BitOr:
          case Op.BitAnd:
          case Op.Xor:
          case Op.Shl:
          case Op.Shr:
          case Op.Lt:
          case Op.Gt:
          case Op.Le:
          case Op.Ge:
          case Op.Or:
          case Op.And: {
            gas.charge(1, 1, 2, 1);
            const b = stack.pop();
            if (traced) tracer.pop(b);
            const a = stack.pop();
            if (traced) tracer.pop(a);
            let r: Value;
            // u64 fast paths (the common case); everything else, and every abort, goes through arith.ts.
            if (typeof a === 'bigint' && typeof b === 'bigint') {
              if (op === Op.Add) {
                const sum = a + b;
                r = sum <= A.U64_MAX ? sum : A.add(a, b);
              } else if (op === Op.Mul) {
                const product = a * b;
                r = product <= A.U64_MAX ? product : A.mul(a, b);
              } else if (op === Op.Lt) r = a < b;
              else if (op === Op.Sub && b <= a) r = a - b;
              else if (op === Op.Gt) r = a > b;
              else if (op === Op.Le) r = a <= b;
              else if (op === Op.Ge) r = a >= b;
              else if (op === Op.Mod && b !== 0n) r = a % b;
              else if (op === Op.Div && b !== 0n) r = a / b;
              else r = binary(op, a, b);
            } else r = binary(op, a, b);
            stack.push(r);
            if (traced) tracer.push(r);
            break;
          }
          case Op.Not: {
            gas.charge(1, 1, 1, 1);
            const a = stack.pop();
            if (traced) tracer.pop(a);
            if (typeof a !== 'boolean') throw invariant('NOT of a non-boolean');
            stack.push(!a);
            if (traced) tracer.push(!a);
            break;
          }
          case Op.Eq:
          case Op.Neq: {
            const b = stack.pop();
            const a = stack.pop();
            gas.charge(1, 1, 2, 1 + abstractSize(a, true) + abstractSize(b, true));
            if (traced) {
              tracer.pop(b);
              tracer.pop(a);
            }
            const r = valuesEqual(a, b) === (op === Op.Eq);
            stack.push(r);
            if (traced) tracer.push(r);
            break;
          }
          case Op.CastU8:
          case Op.CastU16:
          case Op.CastU32:
          case Op.CastU64:
          case Op.CastU128:
          case Op.CastU256: {
            gas.charge(1, 1, 1, 1);
            const a = stack.pop();
            if (traced) tracer.pop(a);
            const r = A.cast(a, CAST_WIDTH[op]!);
            stack.push(r);
            if (traced) tracer.push(r);
            break;
          }
          case Op.Abort: {
            gas.charge(1, 0, 1, 0);
            const code = stack.pop();
            if (traced) tracer.pop(code);
            if (typeof code !== 'bigint') throw invariant('ABORT with a non-u64 code');
            throw abortError(code);
          }
          case Op.Nop:
            gas.charge(1, 0, 0, 0);
            break;
          case Op.VecPack: {
            let site = sites[pc] as ElemSite | undefined;
            if (site === undefined) site = sites[pc] = elemSite(curFn.module, operand[pc]!);
            const count = (curFn.code[pc] as { count: bigint }).count;
            if (count > BigInt(stack.length)) throw invariant('VEC_PACK with too few values on the stack');
            const n = Number(count);
            gas.charge(1, 1, n, 8);
            const items: Value[] = new Array(n);
            for (let i = n - 1; i >= 0; i--) {
              const v = stack.pop();
              if (traced) tracer.pop(v);
              items[i] = v;
            }
            const v = new VectorValue(site.closed ? site.type : substitute(site.type, frame.typeArgs), items);
            stack.push(v);
            if (traced) tracer.push(v);
            break;
          }
          case Op.VecLen: {
            gas.charge(1, 1, 1, 1);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const n = BigInt(vectorOf(r).items.length);
            stack.push(n);
            if (traced) tracer.push(n);
            break;
          }
          case Op.VecImmBorrow:
          case Op.VecMutBorrow: {
            gas.charge(1, 1, 2, 8);
            const idx = stack.pop();
            if (traced) tracer.pop(idx);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const vec = vectorOf(r);
            if (typeof idx !== 'bigint') throw invariant('vector index is not a u64');
            if (idx >= BigInt(vec.items.length)) {
              throw new VMError('VECTOR_OPERATION_ERROR', `index ${idx} out of bounds for a vector of length ${vec.items.length}`, undefined, VectorSubStatus.INDEX_OUT_OF_BOUNDS);
            }
            const er = new Reference(vec.items, Number(idx), op === Op.VecMutBorrow, r as Reference, (r as Reference).frame, (r as Reference).globalId);
            stack.push(er);
            if (traced) tracer.push(er);
            break;
          }
          case Op.VecPushBack: {
            gas.charge(1, 0, 2, 0);
            const v = stack.pop();
            if (traced) tracer.pop(v);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const vec = vectorOf(r);
            vec.items.push(v);
            if (traced) tracer.writeRef(r as Reference);
            break;
          }
          case Op.VecPopBack: {
            gas.charge(1, 1, 1, 0);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const vec = vectorOf(r);
            if (vec.items.length === 0) throw new VMError('VECTOR_OPERATION_ERROR', 'pop from an empty vector', undefined, VectorSubStatus.POP_EMPTY_VEC);
            const v = vec.items.pop();
            stack.push(v);
            if (traced) tracer.push(v);
            break;
          }
          case Op.VecUnpack: {
            const count = (curFn.code[pc] as { count: bigint }).count;
            const v = stack.pop();
            if (!(v instanceof VectorValue)) throw invariant('VEC_UNPACK of a non-vector');
            gas.charge(1, Number(count > 1024n ? 1024n : count), 1, 0);
            if (traced) tracer.pop(v);
            if (BigInt(v.items.length) !== count) {
              throw new VMError('VECTOR_OPERATION_ERROR', `expected a vector of ${count} elements, found ${v.items.length}`, undefined, VectorSubStatus.VEC_UNPACK_PARITY_MISMATCH);
            }
            for (const x of v.items) {
              stack.push(x);
              if (traced) tracer.push(x);
            }
            break;
          }
          case Op.VecSwap: {
            gas.charge(1, 1, 1, 0);
            const j = stack.pop();
            if (traced) tracer.pop(j);
            const i = stack.pop();
            if (traced) tracer.pop(i);
            const r = stack.pop();
            if (traced) tracer.pop(r);
            const vec = vectorOf(r);
            if (typeof i !== 'bigint' || typeof j !== 'bigint') throw invariant('vector index is not a u64');
            const len = BigInt(vec.items.length);
            if (i >= len || j >= len) throw new VMError('VECTOR_OPERATION_ERROR', `swap index out of bounds for a vector of length ${len}`, undefined, VectorSubStatus.INDEX_OUT_OF_BOUNDS);
            const t = vec.items[Number(i)];
            vec.items[Number(i)] = vec.items[Number(j)];
            vec.items[Number(j)] = t;
            if (traced) tracer.writeRef(r as Reference);
            break;
          }
          case Op.Exists:
          case Op.ExistsGeneric:
          case Op.MoveFrom:
          case Op.MoveFromGeneric:
          case Op.MoveTo:
          case Op.MoveToGeneric:
          case Op.MutBorrowGlobal:
          case Op.MutBorrowGlobalGeneric:
          case Op.ImmBorrowGlobal:
          case Op.ImmBorrowGlobalGeneric: {
            let site = sites[pc] as TypeSite | undefined;
            if (site === undefined) site = sites[pc] = typeSite(curFn.module, curFn.code[pc]!);
            const type = site.closed ? site.type : (substitute(site.type, frame.typeArgs) as DatatypeType);
            this.globalOp(op, type, stack, gas, tracer);
            if (traced && (op === Op.ExistsGeneric || op === Op.MoveFromGeneric || op === Op.MoveToGeneric || op === Op.MutBorrowGlobalGeneric || op === Op.ImmBorrowGlobalGeneric)) {
              typeParams = type.typeArgs;
            }
            break;
          }
          default:
            throw new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `instruction ${curFn.code[pc]?.op ?? `at pc ${pc}`} is not supported by this interpreter`);
        }
        if (traced) {
          tracer.instruction(frame, pc, op!, gas.gasLeft, typeParams);
          typeParams = NO_TYPES;
        }
        pc = next;
      }
    } catch (e) {
      const stopped = e instanceof VMError && e.status === 'STEP_LIMIT_REACHED';
      // The step limit stops before the instruction runs: it is neither reported nor counted.
      if (stopped) steps--;
      if (traced && !reported && !stopped && e instanceof VMError) {
        try {
          tracer.instruction(frame, pc, ops[pc] ?? 0, gas.gasLeft, typeParams);
        } catch {
          // The trace is best effort once execution failed.
        }
      }
      const location: CodeLocation = { module: curFn.module.shortName, function: curFn.name, functionIndex: curFn.defIndex, pc };
      return this.errorResult(e, gas, steps, location, tracer);
    }
  }

  private stats(gas: GasMeter, steps: number): RunStats {
    return { gasUsed: BigInt(gas.used), gasLeft: BigInt(gas.gasLeft), steps };
  }

  private errorResult(e: unknown, gas: GasMeter, steps: number, location: CodeLocation | undefined, tracer?: Tracer): RunResult {
    const error =
      e instanceof VMError
        ? e
        : // Anything else comes from code the verifier would reject (a value of the wrong kind where the
          // instruction needs another): report it as the invariant violation it is, never as a crash.
          new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `malformed code: ${e instanceof Error ? e.message : String(e)}`);
    // The step limit is ours, not the VM's; tracers still learn why the run stopped.
    if (tracer) {
      try {
        tracer.error(error.status);
      } catch {
        // Ignore: the run's result matters more than the trace of its failure.
      }
    }
    const stats = this.stats(gas, steps);
    location = error.location ?? location;
    if (error.status === 'ABORTED' && error.abortCode !== undefined && location) {
      return { kind: 'aborted', code: error.abortCode, location, message: error.message, ...stats };
    }
    return {
      kind: 'error',
      status: error.status,
      statusCode: StatusCode[error.status],
      ...(error.subStatus !== undefined ? { subStatus: error.subStatus } : {}),
      message: error.message,
      ...(location ? { location } : {}),
      ...stats,
    };
  }

  private branchTarget(target: number, codeLength: number, stack: Value[]): number {
    if (target >= codeLength) throw invariant(`branch to ${target} outside the code`);
    // Every loop passes a branch: checking the stack height here bounds it without a check per push.
    if (stack.length > MAX_STACK) throw new VMError('EXECUTION_STACK_OVERFLOW', `operand stack exceeds ${MAX_STACK} values`);
    return target;
  }

  private constant(module: LoadedModule, index: number): { value: Value; size: number } {
    const c = module.compiled.constants[index];
    if (!c) throw invariant(`constant ${index} out of range`);
    const type = module.type(c.type);
    if (!isClosed(type)) throw invariant('generic constant');
    return { value: decodeBcs(type, c.data), size: c.data.length };
  }

  private callNative(fn: LoadedFunction, typeArgs: readonly RuntimeType[], args: Value[], gas: GasMeter, services: NativeServices): Value[] {
    let impl = fn.native as NativeFunction | undefined;
    if (impl === undefined) {
      impl = this.natives.get(`${fn.module.address}::${fn.module.name}::${fn.name}`);
      if (!impl) throw new VMError('MISSING_NATIVE', `native function ${fn.qualifiedName} is not implemented by Chainstep's interpreter`);
      fn.native = impl;
    }
    let result;
    try {
      result = impl({ typeArgs, services, fn }, args);
    } catch (e) {
      // A native's abort happens in the native function (as the real VM reports it), not at the CALL.
      if (e instanceof VMError && !e.location) e.location = { module: fn.module.shortName, function: fn.name, functionIndex: fn.defIndex, pc: 0 };
      throw e;
    }
    const { returns, cost } = result;
    let size = 0;
    for (const v of returns) size += abstractSize(v);
    gas.chargeNative(cost, returns.length, size);
    return returns;
  }

  private globalOp(op: number, type: DatatypeType, stack: Value[], gas: GasMeter, tracer: Tracer | undefined): void {
    const key = this.storage.typeKey(type);
    const popAddress = (): string => {
      const a = stack.pop();
      if (tracer) tracer.pop(a);
      if (typeof a !== 'string') throw invariant('global storage access with a non-address');
      return a;
    };
    switch (op) {
      case Op.Exists:
      case Op.ExistsGeneric: {
        gas.charge(1, 1, 1, 1);
        const b = this.storage.get(popAddress(), key) !== undefined;
        stack.push(b);
        if (tracer) tracer.push(b);
        return;
      }
      case Op.MoveFrom:
      case Op.MoveFromGeneric: {
        const addr = popAddress();
        const cell = this.storage.get(addr, key);
        if (!cell) throw new VMError('MISSING_DATA', `no ${type.def.name} resource at 0x${addr}`);
        const v = cell[0];
        gas.charge(1, 1, 1, abstractSize(v));
        this.storage.delete(addr, key);
        stack.push(v);
        if (tracer) tracer.push(v);
        return;
      }
      case Op.MoveTo:
      case Op.MoveToGeneric: {
        const v = stack.pop();
        if (tracer) tracer.pop(v);
        const s = stack.pop();
        if (tracer) tracer.pop(s);
        const signer = s instanceof Reference ? s.get() : s;
        if (!(signer instanceof Signer)) throw invariant('MOVE_TO without a signer');
        gas.charge(1, 0, 2, 0);
        if (this.storage.get(signer.address, key)) throw new VMError('RESOURCE_ALREADY_EXISTS', `a ${type.def.name} resource already exists at 0x${signer.address}`);
        this.storage.set(signer.address, key, v);
        return;
      }
      default: {
        const addr = popAddress();
        const cell = this.storage.get(addr, key);
        if (!cell) throw new VMError('MISSING_DATA', `no ${type.def.name} resource at 0x${addr}`);
        gas.charge(1, 1, 1, 8);
        const mutable = op === Op.MutBorrowGlobal || op === Op.MutBorrowGlobalGeneric;
        const global = tracer ? tracer.dataLoad(new Reference(cell, 0, mutable, null, null, -1), true) : -1;
        const r = new Reference(cell, 0, mutable, null, null, global);
        stack.push(r);
        if (tracer) tracer.push(r);
      }
    }
  }
}

const CAST_WIDTH: Partial<Record<number, 8 | 16 | 32 | 64 | 128 | 256>> = {
  [Op.CastU8]: 8,
  [Op.CastU16]: 16,
  [Op.CastU32]: 32,
  [Op.CastU64]: 64,
  [Op.CastU128]: 128,
  [Op.CastU256]: 256,
};

/**
 * The borrow check the VM makes at run time: a local holding a container (struct, vector, variant) must
 * not be moved out or overwritten while a reference into it is alive, i.e. held on the operand stack or
 * in a local of a live frame (the real VM counts the container's references). The bytecode verifier
 * rules this out for well-formed code; unverified code gets the VM's invariant violation.
 */
function checkNotBorrowed(frame: Frame, local: number, stack: readonly Value[], frames: readonly Frame[], action: string): void {
  const borrows = (v: Value): boolean => {
    if (!(v instanceof Reference)) return false;
    const root = v.root();
    return root.frame === frame && root.index === local && root.holder === frame.locals;
  };
  for (const v of stack) if (borrows(v)) throw new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `${action} container with dangling references (local ${local})`);
  const check = (f: Frame) => {
    for (const v of f.locals) if (borrows(v)) throw new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `${action} container with dangling references (local ${local})`);
  };
  check(frame);
  for (const f of frames) check(f);
}

/** Type depth the real VM allows (VM_MAX_TYPE_DEPTH_REACHED beyond): bounds types that grow with recursion. */
const MAX_TYPE_DEPTH = 256;

function typeDepth(t: RuntimeType): number {
  switch (t.kind) {
    case 'vector':
      return 1 + typeDepth(t.element);
    case 'reference':
      return 1 + typeDepth(t.to);
    case 'datatype': {
      let d = 0;
      for (const a of t.typeArgs) d = Math.max(d, typeDepth(a));
      return 1 + d;
    }
    default:
      return 1;
  }
}

/** Type arguments of a generic call made from a generic frame. */
function instantiate(types: readonly RuntimeType[], frameTypes: readonly RuntimeType[]): RuntimeType[] {
  const out = types.map((t) => substitute(t, frameTypes));
  for (const t of out) {
    if (typeDepth(t) > MAX_TYPE_DEPTH) throw new VMError('VM_MAX_TYPE_DEPTH_REACHED', `type arguments nest deeper than ${MAX_TYPE_DEPTH} levels`);
  }
  return out;
}

function binary(op: number, a: Value, b: Value): Value {
  switch (op) {
    case Op.Add:
      return A.add(a, b);
    case Op.Sub:
      return A.sub(a, b);
    case Op.Mul:
      return A.mul(a, b);
    case Op.Mod:
      return A.mod(a, b);
    case Op.Div:
      return A.div(a, b);
    case Op.BitOr:
      return A.bitOr(a, b);
    case Op.BitAnd:
      return A.bitAnd(a, b);
    case Op.Xor:
      return A.xor(a, b);
    case Op.Shl:
      return A.shl(a, b);
    case Op.Shr:
      return A.shr(a, b);
    case Op.Lt:
      return A.lt(a, b);
    case Op.Gt:
      return A.gt(a, b);
    case Op.Le:
      return A.le(a, b);
    case Op.Ge:
      return A.ge(a, b);
    case Op.Or:
      if (typeof a !== 'boolean' || typeof b !== 'boolean') throw invariant('OR of non-booleans');
      return a || b;
    case Op.And:
      if (typeof a !== 'boolean' || typeof b !== 'boolean') throw invariant('AND of non-booleans');
      return a && b;
    default:
      throw invariant(`not a binary operation: ${op}`);
  }
}

function vectorOf(r: Value): VectorValue {
  const v = r instanceof Reference ? r.get() : undefined;
  if (!(v instanceof VectorValue)) throw invariant('vector operation on something that is not a vector reference');
  return v;
}

function immediate(ins: Instruction): Value {
  switch (ins.op) {
    case 'LdU8':
      return makeInt(8, BigInt(ins.value));
    case 'LdU16':
      return new UInt(16, BigInt(ins.value));
    case 'LdU32':
      return new UInt(32, BigInt(ins.value));
    case 'LdU64':
      return ins.value;
    case 'LdU128':
      return new UInt(128, ins.value);
    case 'LdU256':
      return new UInt(256, ins.value);
    case 'LdTrue':
      return true;
    case 'LdFalse':
      return false;
    default:
      throw invariant(`${ins.op} is not a load`);
  }
}

function callSite(module: LoadedModule, ins: Instruction): CallSite {
  if (ins.op === 'Call') return { callee: module.functionOfHandle(ins.handle), typeArgs: NO_TYPES, closed: true };
  if (ins.op === 'CallGeneric') {
    const inst = module.compiled.functionInstantiations[ins.instantiation];
    if (!inst) throw invariant('function instantiation out of range');
    const typeArgs = module.signature(inst.typeArguments);
    return { callee: module.functionOfHandle(inst.handle), typeArgs, closed: typeArgs.every(isClosed) };
  }
  throw invariant(`${ins.op} is not a call`);
}

function datatype(def: LoadedDatatype, typeArgs: readonly RuntimeType[]): DatatypeType {
  return { kind: 'datatype', def, typeArgs };
}

function typeSite(module: LoadedModule, ins: Instruction): TypeSite {
  const m = module.compiled;
  const structInst = (i: number): [LoadedDatatype, readonly RuntimeType[]] => {
    const inst = m.structDefInstantiations[i];
    if (!inst) throw invariant('struct instantiation out of range');
    const def = module.structs[inst.def];
    if (!def) throw invariant('struct definition out of range');
    return [def, module.signature(inst.typeArguments)];
  };
  const make = (def: LoadedDatatype, typeArgs: readonly RuntimeType[], fieldCount: number, tag = -1): TypeSite => ({
    type: datatype(def, typeArgs),
    closed: typeArgs.every(isClosed),
    fieldCount,
    tag,
  });
  const struct = (i: number): LoadedDatatype => {
    const def = module.structs[i];
    if (!def) throw invariant('struct definition out of range');
    return def;
  };
  switch (ins.op) {
    case 'Pack':
    case 'Unpack':
    case 'Exists':
    case 'MoveFrom':
    case 'MoveTo':
    case 'MutBorrowGlobal':
    case 'ImmBorrowGlobal': {
      const def = struct(ins.def);
      return make(def, NO_TYPES, def.fields.length);
    }
    case 'PackGeneric':
    case 'UnpackGeneric':
    case 'ExistsGeneric':
    case 'MoveFromGeneric':
    case 'MoveToGeneric':
    case 'MutBorrowGlobalGeneric':
    case 'ImmBorrowGlobalGeneric': {
      const [def, args] = structInst(ins.instantiation);
      return make(def, args, def.fields.length);
    }
    case 'PackVariant':
    case 'UnpackVariant':
    case 'UnpackVariantImmRef':
    case 'UnpackVariantMutRef': {
      const h = m.variantHandles[ins.handle];
      const def = h && module.enums[h.enumDef];
      const variant = def?.variants[h!.variant];
      if (!def || !variant) throw invariant('variant handle out of range');
      return make(def, NO_TYPES, variant.fields.length, h!.variant);
    }
    case 'PackVariantGeneric':
    case 'UnpackVariantGeneric':
    case 'UnpackVariantGenericImmRef':
    case 'UnpackVariantGenericMutRef': {
      const h = m.variantInstantiationHandles[ins.instantiation];
      const inst = h && m.enumDefInstantiations[h.enumInstantiation];
      const def = inst && module.enums[inst.def];
      const variant = def?.variants[h!.variant];
      if (!def || !variant) throw invariant('variant instantiation out of range');
      return make(def, module.signature(inst!.typeArguments), variant.fields.length, h!.variant);
    }
    case 'PackStructVariant':
    case 'UnpackStructVariant':
    case 'TestStructVariant': {
      const h = m.structVariantHandles[ins.handle];
      const def = h && module.structs[h.struct];
      const variant = def?.variants[h!.variant];
      if (!def || !variant) throw invariant('struct variant handle out of range');
      return make(def, NO_TYPES, variant.fields.length, h!.variant);
    }
    case 'PackStructVariantGeneric':
    case 'UnpackStructVariantGeneric':
    case 'TestStructVariantGeneric': {
      const inst = m.structVariantInstantiations[ins.instantiation];
      const h = inst && m.structVariantHandles[inst.handle];
      const def = h && module.structs[h.struct];
      const variant = def?.variants[h!.variant];
      if (!def || !variant) throw invariant('struct variant instantiation out of range');
      return make(def, module.signature(inst!.typeArguments), variant.fields.length, h!.variant);
    }
    default:
      throw invariant(`${ins.op} has no datatype operand`);
  }
}

function variantName(site: TypeSite): string {
  return `${site.type.def.name}::${site.type.def.variants[site.tag]?.name ?? site.tag}`;
}

function fieldSite(module: LoadedModule, ins: Instruction): FieldSite {
  const m = module.compiled;
  switch (ins.op) {
    case 'MutBorrowField':
    case 'ImmBorrowField': {
      const h = m.fieldHandles[ins.handle];
      if (!h) throw invariant('field handle out of range');
      return { field: h.field, typeArgs: NO_TYPES, closed: true };
    }
    case 'MutBorrowFieldGeneric':
    case 'ImmBorrowFieldGeneric': {
      const inst = m.fieldInstantiations[ins.instantiation];
      const h = inst && m.fieldHandles[inst.handle];
      if (!h) throw invariant('field instantiation out of range');
      const typeArgs = module.signature(inst!.typeArguments);
      return { field: h.field, typeArgs, closed: typeArgs.every(isClosed) };
    }
    case 'MutBorrowVariantField':
    case 'ImmBorrowVariantField': {
      const h = m.variantFieldHandles[ins.handle];
      if (!h) throw invariant('variant field handle out of range');
      return { field: h.field, typeArgs: NO_TYPES, closed: true, variants: h.variants };
    }
    case 'MutBorrowVariantFieldGeneric':
    case 'ImmBorrowVariantFieldGeneric': {
      const inst = m.variantFieldInstantiations[ins.instantiation];
      const h = inst && m.variantFieldHandles[inst.handle];
      if (!h) throw invariant('variant field instantiation out of range');
      const typeArgs = module.signature(inst!.typeArguments);
      return { field: h.field, typeArgs, closed: typeArgs.every(isClosed), variants: h.variants };
    }
    default:
      throw invariant(`${ins.op} borrows no field`);
  }
}

function elemSite(module: LoadedModule, signature: number): ElemSite {
  const sig = module.signature(signature);
  const type = sig[0];
  if (!type || sig.length !== 1) throw invariant('vector instruction without a one-type signature');
  return { type, closed: isClosed(type) };
}

