// Completion from the last good analysis: after `x.` the members of x's type (struct fields, contract and
// library functions, enum values, address/array members, msg/block/tx/abi); elsewhere the names in scope at
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
