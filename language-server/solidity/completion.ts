// Completion from the last good analysis: after `x.` (or a longer chain: `a.b[i].f().`) the members of its
// type (struct fields, contract and library functions, enum values, address/array members, msg/block/tx/abi,
// library functions attached with `using for`); elsewhere the names in scope at
// the cursor (locals declared above it, parameters, the contract's members including inherited ones, the
// file's top-level and imported names, and Solidity's globals).
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import type { AstNode, SolidityAnalysis } from './analysis.ts';
import { parseSrc } from './analysis.ts';
import { signatureOf } from './describe.ts';

const MAGIC: Record<string, [string, string][]> = {
  msg: [['sender', 'address'], ['value', 'uint256'], ['data', 'bytes calldata'], ['sig', 'bytes4']],
  block: [['timestamp', 'uint256'], ['number', 'uint256'], ['chainid', 'uint256'], ['coinbase', 'address payable'], ['basefee', 'uint256'],
    ['blobbasefee', 'uint256'], ['gaslimit', 'uint256'], ['prevrandao', 'uint256'], ['difficulty', 'uint256']],
  tx: [['origin', 'address'], ['gasprice', 'uint256']],
  abi: [['encode', 'function (...) pure returns (bytes memory)'], ['encodePacked', 'function (...) pure returns (bytes memory)'],
    ['encodeWithSelector', 'function (bytes4, ...) pure returns (bytes memory)'], ['encodeWithSignature', 'function (string memory, ...) pure returns (bytes memory)'],
    ['encodeCall', 'function (function, (...)) pure returns (bytes memory)'], ['decode', 'function (bytes memory, (...)) pure returns (...)']],
};
const ADDRESS_MEMBERS: [string, string][] = [['balance', 'uint256'], ['code', 'bytes memory'], ['codehash', 'bytes32'],
  ['call', 'function (bytes memory) returns (bool, bytes memory)'], ['delegatecall', 'function (bytes memory) returns (bool, bytes memory)'],
  ['staticcall', 'function (bytes memory) view returns (bool, bytes memory)'], ['transfer', 'function (uint256)'], ['send', 'function (uint256) returns (bool)']];
const GLOBALS: [string, string][] = [['msg', 'message'], ['block', 'block'], ['tx', 'transaction'], ['abi', 'ABI coder'],
  ['this', 'this contract'], ['keccak256', 'function (bytes memory) pure returns (bytes32)'], ['sha256', 'function (bytes memory) pure returns (bytes32)'],
  ['ecrecover', 'function (bytes32, uint8, bytes32, bytes32) pure returns (address)'], ['require', 'function (bool, string memory)'],
  ['assert', 'function (bool)'], ['revert', 'function (string memory)'], ['gasleft', 'function () view returns (uint256)'],
  ['addmod', 'function (uint256, uint256, uint256) pure returns (uint256)'], ['mulmod', 'function (uint256, uint256, uint256) pure returns (uint256)'],
  ['blockhash', 'function (uint256) view returns (bytes32)'], ['type', 'type information']];

function kindOf(node: AstNode): CompletionItemKind {
  switch (node.nodeType) {
    case 'FunctionDefinition': return CompletionItemKind.Function;
    case 'ModifierDefinition': return CompletionItemKind.Method;
    case 'EventDefinition': return CompletionItemKind.Event;
    case 'ErrorDefinition': return CompletionItemKind.Struct;
    case 'StructDefinition': return CompletionItemKind.Struct;
    case 'EnumDefinition': return CompletionItemKind.Enum;
    case 'EnumValue': return CompletionItemKind.EnumMember;
    case 'ContractDefinition': return node['contractKind'] === 'interface' ? CompletionItemKind.Interface : CompletionItemKind.Class;
    case 'VariableDeclaration': return node['stateVariable'] ? CompletionItemKind.Field : CompletionItemKind.Variable;
    default: return CompletionItemKind.Text;
  }
}

const item = (node: AstNode): CompletionItem => ({ label: node.name ?? '', kind: kindOf(node), detail: signatureOf(node) });
const plain = ([label, detail]: [string, string], kind: CompletionItemKind): CompletionItem => ({ label, kind, detail });

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => i.label !== '' && !seen.has(i.label) && seen.add(i.label));
}

function membersOfContract(analysis: SolidityAnalysis, contract: AstNode, includeInternal: boolean): AstNode[] {
  const bases = (contract['linearizedBaseContracts'] as number[] | undefined) ?? [contract.id];
  const result: AstNode[] = [];
  for (const id of bases) {
    const base = analysis.nodes.get(id)?.node;
    for (const member of base?.nodes ?? []) {
      const visibility = String(member['visibility'] ?? 'public');
      if (visibility === 'private' && id !== contract.id) continue;
      if (!includeInternal && (visibility === 'private' || visibility === 'internal') && member.nodeType !== 'StructDefinition' && member.nodeType !== 'EnumDefinition') continue;
      if (member.name) result.push(member);
    }
  }
  return result;
}

/** Names visible at a byte offset of a unit. */
export function namesInScope(analysis: SolidityAnalysis, unit: string, offset: number): CompletionItem[] {
  const chain = analysis.nodesAt(unit, offset);
  const items: CompletionItem[] = [];
  for (const node of [...chain].reverse()) {
    if (node.nodeType === 'FunctionDefinition' || node.nodeType === 'ModifierDefinition') {
      const visit = (n: unknown): void => {
        if (typeof n !== 'object' || n === null) return;
        const a = n as AstNode;
        if (a.nodeType === 'VariableDeclaration' && a.name) {
          const r = parseSrc(a.src);
          if (r && r[0] < offset) items.push(item(a));
        }
        for (const v of Object.values(a)) if (typeof v === 'object') Array.isArray(v) ? v.forEach(visit) : visit(v);
      };
      visit(node['parameters']);
      visit(node['returnParameters']);
      visit(node['body']);
    } else if (node.nodeType === 'ContractDefinition') {
      items.push(...membersOfContract(analysis, node, true).map(item));
    } else if (node.nodeType === 'SourceUnit') {
      const exported = (node['exportedSymbols'] as Record<string, number[]> | undefined) ?? {};
      for (const ids of Object.values(exported)) for (const id of ids) {
        const decl = analysis.nodes.get(id)?.node;
        if (decl) items.push(item(decl));
      }
    }
  }
  items.push(...GLOBALS.map((g) => plain(g, CompletionItemKind.Keyword)));
  return dedupe(items);
}

/** The declaration a plain name refers to at an offset (the innermost scope that declares it). */
function lookup(analysis: SolidityAnalysis, unit: string, offset: number, name: string): AstNode | undefined {
  const chain = analysis.nodesAt(unit, offset);
  for (const node of [...chain].reverse()) {
    let found: AstNode | undefined;
    if (node.nodeType === 'FunctionDefinition' || node.nodeType === 'ModifierDefinition') {
      const visit = (n: unknown): void => {
        if (found || typeof n !== 'object' || n === null) return;
        const a = n as AstNode;
        if (a.nodeType === 'VariableDeclaration' && a.name === name) { found = a; return; }
        for (const v of Object.values(a)) if (typeof v === 'object') Array.isArray(v) ? v.forEach(visit) : visit(v);
      };
      visit(node['parameters']);
      visit(node['returnParameters']);
      visit(node['body']);
    } else if (node.nodeType === 'ContractDefinition') {
      found = membersOfContract(analysis, node, true).find((m) => m.name === name);
    } else if (node.nodeType === 'SourceUnit') {
      const ids = ((node['exportedSymbols'] as Record<string, number[]> | undefined) ?? {})[name];
      if (ids?.[0] !== undefined) found = analysis.nodes.get(ids[0])?.node;
    }
    if (found) return found;
  }
  return undefined;
}

/** Members of what `name` denotes (a variable's type, or a contract/library/enum used by name). */
export function membersOf(analysis: SolidityAnalysis, unit: string, offset: number, name: string): CompletionItem[] {
  if (MAGIC[name]) return MAGIC[name]!.map((m) => plain(m, CompletionItemKind.Property));
  let decl = lookup(analysis, unit, offset, name);
  if (!decl) return [];
  let typeName: AstNode | undefined;
  if (decl.nodeType === 'VariableDeclaration') {
    typeName = decl['typeName'] as AstNode | undefined;
    const typeString = decl.typeDescriptions?.typeString ?? '';
    if (typeString.endsWith('[]') || /\[\d+\]( \w+)?$/.test(typeString) || / (storage|memory|calldata)/.test(typeString) && typeString.includes('[')) {
      return [['length', 'uint256'], ['push', 'function'], ['pop', 'function']].map((m) => plain(m as [string, string], CompletionItemKind.Method));
    }
    if (typeName?.nodeType === 'ElementaryTypeName' && String(typeName['name']).startsWith('address')) return ADDRESS_MEMBERS.map((m) => plain(m, CompletionItemKind.Property));
    const target = typeName?.referencedDeclaration;
    decl = typeof target === 'number' ? analysis.nodes.get(target)?.node : undefined;
    if (!decl) return [];
    if (decl.nodeType === 'ContractDefinition') return dedupe(membersOfContract(analysis, decl, false).filter((m) => m.nodeType === 'FunctionDefinition' || m.nodeType === 'VariableDeclaration').map(item));
  }
  if (decl.nodeType === 'StructDefinition') return dedupe(((decl['members'] as AstNode[] | undefined) ?? []).map(item));
  if (decl.nodeType === 'EnumDefinition') return dedupe(((decl['members'] as AstNode[] | undefined) ?? []).map(item));
  if (decl.nodeType === 'ContractDefinition') return dedupe(membersOfContract(analysis, decl, decl['contractKind'] === 'library').map(item));
  return [];
}

/** One step of a member chain: `.name`, `[…]` or `(…)`. */
export type ChainStep = { readonly member: string } | { readonly index: true } | { readonly call: true };

/**
 * The chain before the `.` being completed, as its head name and steps: `s.items[i].` → `s`, `.items`, `[…]`;
 * undefined when the text before the dot is not such a chain.
 */
export function chainBeforeDot(text: string): { head: string; steps: ChainStep[] } | undefined {
  let i = text.length;
  while (i > 0 && /[\w$]/.test(text[i - 1]!)) i--; // the part of the member already typed
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  if (text[i - 1] !== '.') return undefined;
  i--;
  const steps: ChainStep[] = [];
  for (;;) {
    while (i > 0 && /\s/.test(text[i - 1]!)) i--;
    const c = text[i - 1];
    if (c === ')' || c === ']') {
      const open = c === ')' ? '(' : '[';
      let depth = 0;
      let j = i - 1;
      for (; j >= 0; j--) {
        if (text[j] === c) depth++;
        else if (text[j] === open && --depth === 0) break;
      }
      if (j < 0) return undefined;
      steps.unshift(c === ')' ? { call: true } : { index: true });
      i = j;
      continue;
    }
    const end = i;
    while (i > 0 && /[\w$]/.test(text[i - 1]!)) i--;
    if (i === end || /\d/.test(text[i]!)) return undefined;
    const name = text.slice(i, end);
    let k = i;
    while (k > 0 && /\s/.test(text[k - 1]!)) k--;
    if (text[k - 1] === '.') { steps.unshift({ member: name }); i = k - 1; continue; }
    return { head: name, steps };
  }
}

/** What an expression denotes, as far as completion needs it. */
type Denoted =
  | { readonly kind: 'value'; readonly typeName: AstNode | undefined; readonly typeString: string; readonly decl?: AstNode }
  | { readonly kind: 'static'; readonly decl: AstNode }
  | { readonly kind: 'function'; readonly decl: AstNode };

/** `uint256[] storage ref` → `uint256[]`: the type without its data location, as `using for` names it. */
const bare = (typeString: string): string => typeString.replace(/ (storage ref|storage pointer|storage|memory|calldata|pointer)$/, '');

function valueOf(analysis: SolidityAnalysis, typeName: AstNode | undefined): Denoted {
  const target = typeName?.nodeType === 'UserDefinedTypeName' ? typeName.referencedDeclaration : undefined;
  const decl = typeof target === 'number' ? analysis.nodes.get(target)?.node : undefined;
  return { kind: 'value', typeName, typeString: bare(String(typeName?.typeDescriptions?.typeString ?? '')), ...(decl ? { decl } : {}) };
}

function denote(analysis: SolidityAnalysis, decl: AstNode): Denoted {
  if (decl.nodeType === 'VariableDeclaration') return valueOf(analysis, decl['typeName'] as AstNode | undefined);
  if (decl.nodeType === 'FunctionDefinition') return { kind: 'function', decl };
  return { kind: 'static', decl };
}

function step(analysis: SolidityAnalysis, from: Denoted, s: ChainStep, bound: (d: Denoted) => AstNode[]): Denoted | undefined {
  if ('call' in s) {
    if (from.kind === 'function') {
      const returns = ((from.decl['returnParameters'] as AstNode | undefined)?.['parameters'] as AstNode[] | undefined) ?? [];
      return returns[0] ? valueOf(analysis, returns[0]['typeName'] as AstNode | undefined) : undefined;
    }
    // `S(…)` builds a struct, `IERC20(x)` views an address as a contract.
    if (from.kind === 'static') return { kind: 'value', typeName: undefined, typeString: `${from.decl.nodeType === 'StructDefinition' ? 'struct' : 'contract'} ${from.decl.name}`, decl: from.decl };
    return undefined;
  }
  if ('index' in s) {
    const t = from.kind === 'value' ? from.typeName : undefined;
    if (t?.nodeType === 'Mapping') return valueOf(analysis, t['valueType'] as AstNode | undefined);
    if (t?.nodeType === 'ArrayTypeName') return valueOf(analysis, t['baseType'] as AstNode | undefined);
    return undefined;
  }
  const name = s.member;
  if (from.kind === 'value') {
    if (/^address/.test(from.typeString)) return name === 'balance' ? { kind: 'value', typeName: undefined, typeString: 'uint256' } : undefined;
    const decl = from.decl;
    if (decl?.nodeType === 'StructDefinition') {
      const field = ((decl['members'] as AstNode[] | undefined) ?? []).find((m) => m.name === name);
      if (field) return denote(analysis, field);
    }
    if (decl?.nodeType === 'ContractDefinition') {
      const member = membersOfContract(analysis, decl, false).find((m) => m.name === name);
      // A public state variable is read through its getter: `token.owner()` is a call.
      if (member?.nodeType === 'VariableDeclaration') return { kind: 'function', decl: { ...member, returnParameters: { parameters: [member] } } as AstNode };
      if (member) return denote(analysis, member);
    }
    const viaUsing = bound(from).find((f) => f.name === name);
    return viaUsing ? { kind: 'function', decl: viaUsing } : undefined;
  }
  if (from.kind === 'static') {
    if (from.decl.nodeType === 'EnumDefinition') return { kind: 'value', typeName: undefined, typeString: `enum ${from.decl.name}`, decl: from.decl };
    const member = from.decl.nodeType === 'ContractDefinition' ? membersOfContract(analysis, from.decl, true).find((m) => m.name === name) : undefined;
    return member ? denote(analysis, member) : undefined;
  }
  return undefined;
}

/** Library functions `using … for` attaches to a value of the given type, in the contract (and its bases) and the file. */
function boundFunctions(analysis: SolidityAnalysis, chain: AstNode[], value: Denoted): AstNode[] {
  if (value.kind !== 'value' || !value.typeString) return [];
  const scopes: AstNode[] = [];
  const contract = [...chain].reverse().find((n) => n.nodeType === 'ContractDefinition');
  for (const id of (contract?.['linearizedBaseContracts'] as number[] | undefined) ?? []) {
    const base = analysis.nodes.get(id)?.node;
    if (base) scopes.push(base);
  }
  const unit = chain.find((n) => n.nodeType === 'SourceUnit');
  if (unit) scopes.push(unit);
  const result: AstNode[] = [];
  for (const scope of scopes) {
    for (const directive of scope.nodes ?? []) {
      if (directive.nodeType !== 'UsingForDirective') continue;
      const forType = directive['typeName'] as AstNode | undefined;
      if (forType && bare(String(forType.typeDescriptions?.typeString ?? '')) !== value.typeString) continue;
      const candidates: AstNode[] = [];
      const library = (directive['libraryName'] as AstNode | undefined)?.referencedDeclaration;
      if (typeof library === 'number') candidates.push(...(analysis.nodes.get(library)?.node.nodes ?? []).filter((f) => f.nodeType === 'FunctionDefinition'));
      for (const entry of (directive['functionList'] as AstNode[] | undefined) ?? []) {
        const id = (entry['function'] as AstNode | undefined)?.referencedDeclaration;
        const f = typeof id === 'number' ? analysis.nodes.get(id)?.node : undefined;
        if (f) candidates.push(f);
      }
      for (const f of candidates) {
        const first = ((f['parameters'] as AstNode | undefined)?.['parameters'] as AstNode[] | undefined)?.[0];
        // The value becomes the first argument, so only functions taking its type are attached (also for `*`).
        if (first && bare(String(first.typeDescriptions?.typeString ?? '')) === value.typeString) result.push(f);
      }
    }
  }
  return result;
}

function membersOfDenoted(analysis: SolidityAnalysis, value: Denoted, bound: AstNode[]): CompletionItem[] {
  const items: CompletionItem[] = [];
  if (value.kind === 'value') {
    const t = value.typeName;
    if (/^address/.test(value.typeString)) items.push(...ADDRESS_MEMBERS.map((m) => plain(m, CompletionItemKind.Property)));
    else if (t?.nodeType === 'ArrayTypeName' || /\[\d*\]$/.test(value.typeString) || value.typeString === 'bytes') {
      items.push(...[['length', 'uint256'], ['push', 'function'], ['pop', 'function']].map((m) => plain(m as [string, string], CompletionItemKind.Method)));
    } else if (value.decl?.nodeType === 'StructDefinition') items.push(...((value.decl['members'] as AstNode[] | undefined) ?? []).map(item));
    else if (value.decl?.nodeType === 'ContractDefinition') {
      items.push(...membersOfContract(analysis, value.decl, false).filter((m) => m.nodeType === 'FunctionDefinition' || m.nodeType === 'VariableDeclaration').map(item));
    }
  } else if (value.kind === 'static') {
    if (value.decl.nodeType === 'EnumDefinition') items.push(...((value.decl['members'] as AstNode[] | undefined) ?? []).map(item));
    else if (value.decl.nodeType === 'ContractDefinition') items.push(...membersOfContract(analysis, value.decl, value.decl['contractKind'] === 'library').map(item));
  } else if (value.decl.nodeType === 'FunctionDefinition') {
    items.push(plain(['selector', 'bytes4'], CompletionItemKind.Property));
  }
  items.push(...bound.map(item));
  return dedupe(items);
}

/**
 * Members after a chain of any depth: `a.b.`, `s.field.`, `balances[x].`, `items[i].`, `token.owner().`,
 * `this.`, with the library functions `using … for` attaches to that type.
 */
export function membersOfChain(analysis: SolidityAnalysis, unit: string, offset: number, chain: { head: string; steps: ChainStep[] }): CompletionItem[] {
  const scope = analysis.nodesAt(unit, offset);
  const bound = (d: Denoted) => boundFunctions(analysis, scope, d);
  let value: Denoted | undefined;
  if (chain.head === 'this') {
    const contract = [...scope].reverse().find((n) => n.nodeType === 'ContractDefinition');
    value = contract && { kind: 'value', typeName: undefined, typeString: `contract ${contract.name}`, decl: contract };
  } else if (MAGIC[chain.head]) {
    // msg.sender.… and tx.origin.… are addresses.
    const [first, ...rest] = chain.steps;
    const type = first && 'member' in first ? MAGIC[chain.head]!.find(([n]) => n === first.member)?.[1] : undefined;
    if (!type || rest.length > 0) return chain.steps.length === 0 ? membersOf(analysis, unit, offset, chain.head) : [];
    value = { kind: 'value', typeName: undefined, typeString: type };
  } else {
    const decl = lookup(analysis, unit, offset, chain.head);
    value = decl && denote(analysis, decl);
    // One level (`x.`): the members as before, and what `using for` attaches.
    if (chain.steps.length === 0) return dedupe([...membersOf(analysis, unit, offset, chain.head), ...(value ? bound(value).map(item) : [])]);
    for (const s of chain.steps) value = value && step(analysis, value, s, bound);
  }
  return value ? membersOfDenoted(analysis, value, bound(value)) : [];
}
