// What the backend needs from solc's AST: which function a source offset is in (to name internal frames),
// which ranges are whole definitions (never a place to stop), and where a function's parameters, return
// variables and locals sit on the stack relative to its entry.
import type { AstNode } from './compile.ts';

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
  /** Locals: `slot` counts from the first word after the return variables and the modifiers' variables. */
  readonly locals: readonly StackVariable[];
  readonly paramSlots: number;
  readonly returnSlots: number;
  /**
   * Modifiers are inlined: their arguments and the locals they declare before `_` sit on the stack between
   * the return variables and the function's own locals. `base` counts from the first word after the returns.
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

  constructor(readonly ast: AstNode) {
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
    if (!layout) { layout = computeLayout(fn, this.resolveModifier); this.layouts.set(fn, layout); }
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

function computeLayout(fn: AstNode, resolveModifier: ModifierResolver): FunctionLayout {
  const { params, returns, locals } = variablesOf(fn);
  const modifiers: { src: Src; base: number; variables: StackVariable[] }[] = [];
  let modifierSlots = 0;
  for (const invocation of (fn.modifiers as AstNode[] | undefined) ?? []) {
    if (invocation.kind === 'baseConstructorSpecifier') continue;
    const id = (invocation.modifierName as { referencedDeclaration?: number } | undefined)?.referencedDeclaration;
    const definition = id === undefined ? undefined : resolveModifier(id);
    if (!definition || definition.nodeType !== 'ModifierDefinition') continue;
    const m = variablesOf(definition);
    // Only the modifier's top-level locals declared before `_` are still on the stack around the body.
    let before = 0;
    for (const st of ((definition.body as AstNode | undefined)?.statements as AstNode[] | undefined) ?? []) {
      if (st.nodeType === 'PlaceholderStatement') break;
      if (st.nodeType === 'VariableDeclarationStatement') for (const d of (st.declarations as (AstNode | null)[]) ?? []) before += d ? stackSlots(d) : 1;
    }
    const variables = [...m.params.vars, ...m.locals.map((l) => ({ ...l, slot: l.slot + m.params.total }))];
    modifiers.push({ src: parseSrc(definition.src), base: modifierSlots, variables });
    modifierSlots += m.params.total + before;
  }
  return { params: params.vars, returns: returns.vars, locals, paramSlots: params.total, returnSlots: returns.total, modifiers, modifierSlots };
}

function variablesOf(fn: AstNode): { params: { vars: StackVariable[]; total: number }; returns: { vars: StackVariable[]; total: number }; locals: StackVariable[] } {
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
        for (const d of (n.declarations as (AstNode | null)[] | undefined) ?? []) {
          if (!d) { live += 1; continue; }
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
      case 'ForStatement': case 'WhileStatement': case 'DoWhileStatement': case 'IfStatement': case 'TryStatement': case 'TryCatchClause': {
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
  return { params, returns, locals };
}
