// solc's static gas estimate of each function (opt-in: `chainstep.gas.staticEstimates`), and, where solc says
// "infinite", why the function is unbounded, read from its AST: a loop, an external call, a contract creation,
// a copy of dynamic size, or a call to an internal function that is itself unbounded. solc only says
// "infinite"; a user needs the line to look at.
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ContractGasEstimates } from '../../language/solidity/check.ts';
import type { AstNode, Occurrence, SolidityAnalysis } from './analysis.ts';
import { parseSrc } from './analysis.ts';

export interface FunctionEstimate {
  /** The function's name in the analysed target. */
  readonly name: Occurrence;
  /** Gas, or undefined when solc says "infinite". */
  readonly gas?: number;
  /** Why solc could not bound it (most telling first); empty when the estimate is a number. */
  readonly reasons: readonly string[];
}

const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && typeof (v as AstNode).nodeType === 'string';

/** Every node of a subtree, the root first. */
function* subtree(node: AstNode): Generator<AstNode> {
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) { for (const child of value) if (isNode(child)) yield* subtree(child); }
    else if (isNode(value)) yield* subtree(value);
  }
}

const typeOf = (node: AstNode | undefined): string => String(node?.typeDescriptions?.typeString ?? '');

/** A declaration's type with its data location, as solc prints it (`bytes calldata`, `struct C.S memory`). */
function declaredType(node: AstNode): string {
  const type = typeOf(node);
  const location = node['storageLocation'];
  return typeof location === 'string' && location !== 'default' && !type.endsWith(` ${location}`) && !/ (storage|memory|calldata)( pointer| ref)?$/.test(type) ? `${type} ${location}` : type;
}

/** A memory or calldata value whose size is known only at run time (`bytes`, `string`, `T[]`). */
function isDynamicCopy(type: string): boolean {
  return /( memory| calldata)$/.test(type) && (/^(bytes|string) /.test(type) || /\[\] (memory|calldata)$/.test(type));
}

/** solc's key for an internal function: `name(type,type)` with the parameter types as it prints them. */
function internalKey(fn: AstNode): string {
  const params = ((fn['parameters'] as AstNode | undefined)?.['parameters'] as AstNode[] | undefined) ?? [];
  return `${fn.name}(${params.map(declaredType).join(',')})`;
}

const selectorOfSignature = (signature: string): string => bytesToHex(keccak_256(new TextEncoder().encode(signature))).slice(0, 8);

export class StaticGasReasons {
  private readonly cache = new Map<number, string[]>();

  constructor(private readonly analysis: SolidityAnalysis, private readonly unit: string) {}

  private line(byte: number | undefined): number {
    const text = this.analysis.sources.get(this.unit)?.text;
    return text && byte !== undefined ? text.positionAt(byte).line + 1 : 0;
  }

  /** Why a function's gas has no bound, from its body (and the modifiers it applies), most telling first. */
  reasonsOf(fn: AstNode, depth = 0): string[] {
    const cached = this.cache.get(fn.id);
    if (cached) return cached;
    this.cache.set(fn.id, []); // recursion: a function calling itself adds nothing new here
    const loops: string[] = [];
    const calls: string[] = [];
    const copies: string[] = [];
    const inner: string[] = [];
    const parts: AstNode[] = [];
    if (isNode(fn['body'])) parts.push(fn['body']);
    for (const m of (fn['modifiers'] as AstNode[] | undefined) ?? []) {
      const target = (m['modifierName'] as AstNode | undefined)?.referencedDeclaration;
      const modifier = typeof target === 'number' ? this.analysis.nodes.get(target)?.node : undefined;
      if (modifier && isNode(modifier['body'])) parts.push(modifier['body']);
    }
    for (const p of ((fn['parameters'] as AstNode | undefined)?.['parameters'] as AstNode[] | undefined) ?? []) {
      if (isDynamicCopy(declaredType(p))) copies.push(`a dynamic-size copy of \`${p.name || 'a parameter'}\` (${declaredType(p)}) at line ${this.line(parseSrc(p.src)?.[0])}`);
    }
    for (const part of parts) {
      for (const node of subtree(part)) {
        const at = this.line(parseSrc(node.src)?.[0]);
        if (node.nodeType === 'ForStatement' || node.nodeType === 'WhileStatement' || node.nodeType === 'DoWhileStatement') loops.push(`a loop at line ${at}`);
        else if (node.nodeType === 'NewExpression' && /^contract /.test(typeOf(node['typeName'] as AstNode))) calls.push(`a contract creation at line ${at}`);
        else if (node.nodeType === 'FunctionCall') {
          const callee = node['expression'] as AstNode | undefined;
          const type = typeOf(callee);
          const member = callee?.nodeType === 'MemberAccess' ? String(callee['memberName']) : undefined;
          const onAddress = member !== undefined && /^address/.test(typeOf(callee?.['expression'] as AstNode));
          if (/^function \(.*\) .*external/.test(type) || (onAddress && ['call', 'delegatecall', 'staticcall', 'transfer', 'send'].includes(member!))) {
            calls.push(`an external call${member ? ` to ${member}()` : ''} at line ${at}`);
          } else if (callee && /^function \(/.test(type) && !/external/.test(type) && depth < 8) {
            const id = callee.referencedDeclaration;
            const target = typeof id === 'number' ? this.analysis.nodes.get(id)?.node : undefined;
            if (target?.nodeType === 'FunctionDefinition') {
              const why = this.reasonsOf(target, depth + 1);
              if (why.length > 0) inner.push(`a call to ${target.name}() at line ${at}, unbounded by ${why[0]}`);
            }
          }
        } else if (node.nodeType === 'VariableDeclaration' && !node['stateVariable'] && isDynamicCopy(declaredType(node))) {
          copies.push(`a dynamic-size copy of \`${node.name}\` (${declaredType(node)}) at line ${at}`);
        }
      }
    }
    const reasons = [...loops, ...calls, ...copies, ...inner];
    this.cache.set(fn.id, reasons);
    return reasons;
  }
}

/**
 * The estimate of each function the target defines, matched with solc's by selector (external and public
 * functions) or by solc's internal signature (internal and private ones).
 */
export function functionEstimates(analysis: SolidityAnalysis, estimates: readonly ContractGasEstimates[], optimized: boolean): FunctionEstimate[] {
  const target = analysis.target;
  const ast = target?.source.ast as AstNode | undefined;
  if (!target || !ast) return [];
  const reasons = new StaticGasReasons(analysis, target.source.unit);
  const result: FunctionEstimate[] = [];
  for (const contract of ast.nodes ?? []) {
    if (contract.nodeType !== 'ContractDefinition') continue;
    const gas = estimates.find((e) => e.contract === contract.name);
    if (!gas) continue;
    const bySelector = new Map(Object.entries(gas.external).map(([signature, value]) => [selectorOfSignature(signature), value]));
    for (const fn of contract.nodes ?? []) {
      if (fn.nodeType !== 'FunctionDefinition' || !fn['implemented']) continue;
      const selector = fn['functionSelector'];
      const value = typeof selector === 'string' ? bySelector.get(selector) : gas.internal[internalKey(fn)];
      const name = analysis.declarations.get(fn.id);
      if (value === undefined || !name) continue;
      if (value !== 'infinite' && /^\d+$/.test(value)) { result.push({ name, gas: Number(value), reasons: [] }); continue; }
      const why = reasons.reasonsOf(fn);
      result.push({ name, reasons: why.length > 0 ? why : [optimized
        ? 'solc could not bound its code (no loop, external call or dynamic-size copy in its source)'
        : 'no loop, external call or dynamic-size copy in its source: solc\'s estimator cannot follow unoptimized code\'s internal jumps (the project does not enable the optimizer)'] });
    }
  }
  return result;
}

/** The lens title: `⛽ solc estimate: 24,498 gas` or `⛽ solc estimate: unbounded (a loop at line 7; …)`. */
export function estimateTitle(e: FunctionEstimate): string {
  if (e.gas !== undefined) return `⛽ solc static estimate: ${e.gas.toLocaleString('en-US')} gas`;
  const shown = e.reasons.slice(0, 3).join('; ');
  return `⛽ solc static estimate: unbounded (${shown}${e.reasons.length > 3 ? `; ${e.reasons.length - 3} more` : ''})`;
}
