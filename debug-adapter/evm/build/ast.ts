// What the backend needs from solc's AST: which function a source offset is in (to name internal frames),
// which ranges are whole definitions (never a place to stop), and where a function's parameters, return
// variables and locals sit on the stack relative to its entry.
import type { AstNode } from '../../../language/solidity/compile.ts';

export interface Src {
  readonly start: number;
  readonly length: number;
  readonly file: number;
}

export function parseSrc(src: string): Src {
  const [s, l, f] = src.split(':').map(Number);
  return { start: s!, length: l!, file: f! };
}

export interface FunctionInfo {
  readonly node: AstNode;
  /** "Vault.withdraw", "Math.mulDiv", "Vault.constructor", "Vault.onlyOwner" (modifiers). */
  readonly name: string;
  readonly contract: string;
  readonly src: Src;
}

/** A variable on the stack of a function: `slot` counts from the function's frame base (see localsOf). */
export interface StackVariable {
  readonly name: string;
  readonly declaration: AstNode;
  readonly slot: number;
  readonly slots: number;
  /** Source range in which the variable is visible: from its declaration to the end of its block. */
  readonly visibleFrom: number;
  readonly visibleTo: number;
}

export interface FunctionLayout {
  readonly params: readonly StackVariable[];
  readonly returns: readonly StackVariable[];
  /** Locals: `slot` counts from `localsOffset`. */
  readonly locals: readonly StackVariable[];
  /** Where the locals begin, counted from the first word after the return variables: after the modifiers'
   * variables (solc >= 0.5), or right there (solc 0.4 pushed them before running any modifier). */
  readonly localsOffset: number;
  readonly paramSlots: number;
  readonly returnSlots: number;
  /**
   * Modifiers are inlined: their arguments and the locals they declare before `_` (all their locals for
   * solc 0.4) sit on the stack between the return variables and the function's own locals (after them for
   * solc 0.4). `base` counts from the first word after the returns.
   */
  readonly modifiers: readonly { readonly src: Src; readonly base: number; readonly variables: readonly StackVariable[] }[];
  readonly modifierSlots: number;
}

/** Finds a modifier definition by AST id (it may be declared in another file). */
export type ModifierResolver = (id: number) => AstNode | undefined;

/** Stack words a variable takes: dynamic calldata arrays/bytes/strings and external function pointers take two. */
export function stackSlots(declaration: AstNode): number {
  const id = String((declaration.typeDescriptions as { typeIdentifier?: string } | undefined)?.typeIdentifier ?? '');
  // t_bytes_calldata_ptr, t_string_calldata_ptr, t_array$_t_uint256_$dyn_calldata_ptr (not fixed-size arrays)
  if (/^t_(bytes|string)_calldata_ptr$/.test(id) || /\$dyn_calldata_ptr$/.test(id)) return 2;
  if (/^t_function_external/.test(id)) return 2;
  return 1;
}

/**
 * How solc placed a function's locals on the stack (legacy code generation, no optimizer), read from the
 * ContractCompiler of each release:
 * - 'block' (0.5.0 on): a local's slot is reserved when its declaration statement runs and freed at the end
 *   of its block (C99 scoping), so its slot counts the declared words live before it; the locals come after
 *   the variables of the inlined modifiers.
 * - 'function' (0.4.x): `visit(FunctionDefinition)` pushed a zero for every entry of
 *   `FunctionDefinition::localVariables()` at entry, right after the return variables and before any modifier
 *   code; that list is filled in declaration order (`endVisit(VariableDeclarationStatement)` in
 *   NameAndTypeResolver, skipping empty tuple components), nested blocks included, and nothing is popped
 *   before the function returns. A modifier's arguments and then all its locals were pushed the same way.
 * An unknown compiler proves nothing: undefined.
 */
export type LocalSlotRule = 'block' | 'function';

export function localSlotRule(compilerVersion: string | undefined): LocalSlotRule | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(compilerVersion ?? '');
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major > 0 || minor >= 5) return 'block';
  return minor === 4 ? 'function' : undefined;
}

export class SourceAst {
  readonly functions: FunctionInfo[] = [];
  /** "start:length" of function, modifier and contract definitions. */
  readonly wholeRanges = new Set<string>();
  /**
   * "start:length" of the parts of a function or modifier that are not statements, with their function:
   * the whole definition, its parameter and return lists and their declarations (the decoding of arguments,
   * the return path) and the body block (the cleanup after the last statement).
   */
  readonly headerRanges = new Map<string, FunctionInfo>();
  private readonly layouts = new Map<AstNode, FunctionLayout>();
  readonly modifierDefinitions = new Map<number, AstNode>();
  /** Set by the owner once every source is known (modifiers of base contracts live in other files). */
  resolveModifier: ModifierResolver = (id) => this.modifierDefinitions.get(id);

  /** `rule`: how the compiler of this source placed locals (see localSlotRule). */
  constructor(readonly ast: AstNode, private readonly rule: LocalSlotRule = 'block') {
    this.walk(ast, '');
  }

  private walk(node: AstNode, contract: string): void {
    if (node.nodeType === 'ContractDefinition') {
      contract = String(node.name);
      this.wholeRanges.add(rangeKey(node.src));
    } else if (node.nodeType === 'FunctionDefinition' || node.nodeType === 'ModifierDefinition') {
      const kind = node.kind as string | undefined;
      const fnName = kind === 'constructor' || kind === 'fallback' || kind === 'receive' ? kind : String(node.name || kind);
      const info: FunctionInfo = { node, name: contract ? `${contract}.${fnName}` : fnName, contract, src: parseSrc(node.src) };
      this.functions.push(info);
      if (node.nodeType === 'ModifierDefinition') this.modifierDefinitions.set(node.id, node);
      this.wholeRanges.add(rangeKey(node.src));
      const parts: unknown[] = [node, node.body, node.parameters, node.returnParameters,
        ...declarationsOf(node.parameters), ...declarationsOf(node.returnParameters)];
      for (const part of parts) {
        const src = (part as { src?: unknown } | undefined)?.src;
        if (typeof src === 'string') this.headerRanges.set(rangeKey(src), info);
      }
    }
    for (const child of node.nodes ?? []) this.walk(child, contract);
  }

  /** The innermost function or modifier whose range contains `offset`. */
  functionAt(offset: number): FunctionInfo | undefined {
    let best: FunctionInfo | undefined;
    for (const f of this.functions) {
      if (f.src.start <= offset && offset < f.src.start + f.src.length && (!best || f.src.length < best.src.length)) best = f;
    }
    return best;
  }

  layoutOf(fn: AstNode): FunctionLayout {
    let layout = this.layouts.get(fn);
    if (!layout) { layout = computeLayout(fn, this.resolveModifier, this.rule); this.layouts.set(fn, layout); }
    return layout;
  }
}

function rangeKey(src: string): string {
  const s = parseSrc(src);
  return `${s.start}:${s.length}`;
}

function declarationsOf(list: unknown): AstNode[] {
  const params = (list as { parameters?: AstNode[] } | undefined)?.parameters ?? [];
  return params;
}

function computeLayout(fn: AstNode, resolveModifier: ModifierResolver, rule: LocalSlotRule): FunctionLayout {
  const { params, returns, locals } = variablesOf(fn, rule);
  const localSlots = rule === 'function' ? locals.reduce((n, l) => n + l.slots, 0) : 0;
  const modifiers: { src: Src; base: number; variables: StackVariable[] }[] = [];
  let modifierSlots = 0;
  for (const invocation of (fn.modifiers as AstNode[] | undefined) ?? []) {
    if (invocation.kind === 'baseConstructorSpecifier') continue;
    const id = (invocation.modifierName as { referencedDeclaration?: number } | undefined)?.referencedDeclaration;
    const definition = id === undefined ? undefined : resolveModifier(id);
    if (!definition || definition.nodeType !== 'ModifierDefinition') continue;
    const m = variablesOf(definition, rule);
    // Only the modifier's top-level locals declared before `_` are still on the stack around the body
    // (solc >= 0.5); solc 0.4 pushed all of them when the modifier began.
    let before = 0;
    if (rule === 'function') before = m.locals.reduce((n, l) => n + l.slots, 0);
    else {
      for (const st of ((definition.body as AstNode | undefined)?.statements as AstNode[] | undefined) ?? []) {
        if (st.nodeType === 'PlaceholderStatement') break;
        if (st.nodeType === 'VariableDeclarationStatement') for (const d of (st.declarations as (AstNode | null)[]) ?? []) before += d ? stackSlots(d) : 0;
      }
    }
    const variables = [...m.params.vars, ...m.locals.map((l) => ({ ...l, slot: l.slot + m.params.total }))];
    modifiers.push({ src: parseSrc(definition.src), base: localSlots + modifierSlots, variables });
    modifierSlots += m.params.total + before;
  }
  const localsOffset = rule === 'function' ? 0 : modifierSlots;
  return { params: params.vars, returns: returns.vars, locals, localsOffset, paramSlots: params.total, returnSlots: returns.total, modifiers, modifierSlots };
}

function variablesOf(fn: AstNode, rule: LocalSlotRule): { params: { vars: StackVariable[]; total: number }; returns: { vars: StackVariable[]; total: number }; locals: StackVariable[] } {
  const end = parseSrc(fn.src);
  const fnEnd = end.start + end.length;
  const place = (decls: AstNode[]): { vars: StackVariable[]; total: number } => {
    let slot = 0;
    const vars: StackVariable[] = [];
    for (const d of decls) {
      const slots = stackSlots(d);
      if (d.name) vars.push({ name: String(d.name), declaration: d, slot, slots, visibleFrom: end.start, visibleTo: fnEnd });
      slot += slots;
    }
    return { vars, total: slot };
  };
  const params = place(declarationsOf(fn.parameters));
  const returns = place(declarationsOf(fn.returnParameters));
  const locals: StackVariable[] = [];
  // Walk the body in order; a block's variables are popped at its end, so siblings reuse their slots.
  const visit = (node: unknown, live: number, scopeEnd: number): number => {
    if (!node || typeof node !== 'object') return live;
    if (Array.isArray(node)) { for (const n of node) live = visit(n, live, scopeEnd); return live; }
    const n = node as AstNode;
    switch (n.nodeType) {
      case 'VariableDeclarationStatement': {
        const src = parseSrc(n.src);
        // solc (ContractCompiler, since 0.5.0) reserves a slot only for each declared component: the value of
        // an empty component (`(a, , c) = f()`) is popped right after the call, so it takes none.
        for (const d of (n.declarations as (AstNode | null)[] | undefined) ?? []) {
          if (!d) continue;
          const slots = stackSlots(d);
          locals.push({ name: String(d.name), declaration: d, slot: live, slots, visibleFrom: src.start + src.length, visibleTo: scopeEnd });
          live += slots;
        }
        return live;
      }
      case 'Block': case 'UncheckedBlock': {
        const s = parseSrc(n.src);
        visit(n.statements, live, s.start + s.length);
        return live;
      }
      case 'TryCatchClause': {
        // A clause's parameters (`returns (uint v)`, `Error(string memory reason)`, `Panic(uint code)`,
        // `(bytes memory data)`) are pushed on the stack in order, named or not, and live for its block.
        const block = parseSrc((n.block as AstNode).src);
        let inner = live;
        for (const d of declarationsOf(n.parameters)) {
          const slots = stackSlots(d);
          if (d.name) locals.push({ name: String(d.name), declaration: d, slot: inner, slots, visibleFrom: block.start, visibleTo: block.start + block.length });
          inner += slots;
        }
        visit(n.block, inner, block.start + block.length);
        return live;
      }
      case 'ForStatement': case 'WhileStatement': case 'DoWhileStatement': case 'IfStatement': case 'TryStatement': {
        const s = parseSrc(n.src);
        let inner = live;
        for (const key of ['initializationExpression', 'body', 'trueBody', 'falseBody', 'clauses', 'block']) {
          if (key in n) inner = key === 'initializationExpression' ? visit(n[key], inner, s.start + s.length) : (visit(n[key], inner, s.start + s.length), inner);
        }
        return live;
      }
      default:
        return live;
    }
  };
  visit(fn.body, 0, fnEnd);
  return { params, returns, locals: rule === 'function' ? functionScoped(locals, end.start, fnEnd) : locals };
}

/**
 * solc 0.4's places for the locals found by the block walk: consecutive words in declaration order, reserved
 * (as zero) from the function's entry to its return. A local is shown over the whole function, as 0.4's
 * function scoping lets the code use it, unless its name is declared twice (C99 scoping by
 * `pragma experimental "v0.5.0"`): then over its own block, where the name means it.
 */
function functionScoped(locals: StackVariable[], fnStart: number, fnEnd: number): StackVariable[] {
  const count = new Map<string, number>();
  for (const l of locals) count.set(l.name, (count.get(l.name) ?? 0) + 1);
  let slot = 0;
  return [...locals].sort((a, b) => parseSrc(a.declaration.src).start - parseSrc(b.declaration.src).start).map((l) => {
    const placed = count.get(l.name)! > 1 ? { ...l, slot } : { ...l, slot, visibleFrom: fnStart, visibleTo: fnEnd };
    slot += l.slots;
    return placed;
  });
}
