// What a hover says about a Solidity declaration: its signature as written in Solidity, its NatSpec, its
// selector (function, error, event topic), and for a state variable the storage slot and byte offset solc
// laid it out at. Everything comes from the compiler's AST and storage layout, nothing is re-derived.
import type { StorageSlot } from '../../language/solidity/check.ts';
import type { AstNode } from './analysis.ts';

const typeOf = (node: AstNode | undefined): string => String(node?.typeDescriptions?.typeString ?? '').replace(/^(contract|struct|enum) /, '');

function parameterList(list: unknown): string {
  const params = ((list as { parameters?: AstNode[] } | undefined)?.parameters ?? []);
  return params.map((p) => [typeOf(p), p['indexed'] ? 'indexed' : '', p.name ?? ''].filter(Boolean).join(' ')).join(', ');
}

/** The declaration as Solidity source, one line (struct and enum bodies listed). */
export function signatureOf(node: AstNode): string {
  switch (node.nodeType) {
    case 'FunctionDefinition': {
      const kind = String(node['kind'] ?? 'function');
      const head = kind === 'function' || kind === 'freeFunction' ? `function ${node.name}` : kind;
      const parts = [`${head}(${parameterList(node['parameters'])})`, String(node['visibility'] ?? '')];
      const mutability = String(node['stateMutability'] ?? '');
      if (mutability && mutability !== 'nonpayable') parts.push(mutability);
      if (node['virtual']) parts.push('virtual');
      const returns = parameterList(node['returnParameters']);
      if (returns) parts.push(`returns (${returns})`);
      return parts.filter(Boolean).join(' ');
    }
    case 'ModifierDefinition':
      return `modifier ${node.name}(${parameterList(node['parameters'])})`;
    case 'EventDefinition':
      return `event ${node.name}(${parameterList(node['parameters'])})`;
    case 'ErrorDefinition':
      return `error ${node.name}(${parameterList(node['parameters'])})`;
    case 'VariableDeclaration': {
      const parts = [typeOf(node)];
      if (node['stateVariable']) {
        if (node['visibility'] && node['visibility'] !== 'internal') parts.push(String(node['visibility']));
        const mutability = String(node['mutability'] ?? '');
        if (mutability && mutability !== 'mutable') parts.push(mutability);
      }
      parts.push(node.name ?? '');
      return parts.filter(Boolean).join(' ');
    }
    case 'ContractDefinition': {
      const bases = ((node['baseContracts'] as AstNode[] | undefined) ?? [])
        .map((b) => String((b['baseName'] as AstNode | undefined)?.name ?? (b['baseName'] as AstNode | undefined)?.['namePath'] ?? ''));
      const abstract = node['abstract'] ? 'abstract ' : '';
      return `${abstract}${node['contractKind'] ?? 'contract'} ${node.name}${bases.length ? ` is ${bases.join(', ')}` : ''}`;
    }
    case 'StructDefinition':
      return `struct ${node.name} { ${((node['members'] as AstNode[] | undefined) ?? []).map((m) => `${typeOf(m)} ${m.name};`).join(' ')} }`;
    case 'EnumDefinition':
      return `enum ${node.name} { ${((node['members'] as AstNode[] | undefined) ?? []).map((m) => m.name).join(', ')} }`;
    case 'EnumValue':
      return `${node.name} (enum value)`;
    case 'UserDefinedValueTypeDefinition':
      return `type ${node.name} is ${String((node['underlyingType'] as AstNode | undefined)?.['name'] ?? '')}`;
    default:
      return node.name ?? node.nodeType;
  }
}

/** NatSpec text as Markdown: tags in italics, `@param x` with the name as code. */
export function natspecOf(node: AstNode): string | undefined {
  const doc = node['documentation'];
  const text = typeof doc === 'string' ? doc : typeof (doc as { text?: unknown })?.text === 'string' ? (doc as { text: string }).text : undefined;
  if (!text) return undefined;
  const lines = text.split('\n').map((l) => l.replace(/^\s*\*?\s?/, '').trimEnd());
  return lines
    .map((l) => l.replace(/^@(param|return)\s+(\w+)/, (_, tag: string, name: string) => `*@${tag}* \`${name}\``).replace(/^@(\w+)/, '*@$1*'))
    .join('  \n')
    .trim();
}

export function selectorOf(node: AstNode): string | undefined {
  if (typeof node['functionSelector'] === 'string') return `selector \`0x${node['functionSelector']}\``;
  if (typeof node['errorSelector'] === 'string') return `error selector \`0x${node['errorSelector']}\``;
  if (typeof node['eventSelector'] === 'string') return `event topic \`0x${node['eventSelector']}\``;
  return undefined;
}

export function storageOf(slot: StorageSlot | undefined): string | undefined {
  if (!slot) return undefined;
  const size = slot.bytes ? ` · ${slot.bytes} byte${slot.bytes === '1' ? '' : 's'}` : '';
  return `${slot.transient ? 'transient ' : ''}storage slot \`${slot.slot}\` · offset \`${slot.offset}\`${size}`;
}

/** The whole hover: code block, then selector / storage line, then NatSpec; the expression's type on a use. */
export function hoverMarkdown(declaration: AstNode, slot: StorageSlot | undefined, use?: AstNode): string {
  const parts = ['```solidity\n' + signatureOf(declaration) + '\n```'];
  const facts = [selectorOf(declaration), storageOf(slot)].filter(Boolean);
  if (use && use.nodeType === 'MemberAccess' || use?.nodeType === 'Identifier') {
    const t = use.typeDescriptions?.typeString;
    if (t && declaration.nodeType === 'VariableDeclaration' && t !== declaration.typeDescriptions?.typeString) facts.push(`type here \`${t}\``);
  }
  if (facts.length) parts.push(facts.join('  \n'));
  const natspec = natspecOf(declaration);
  if (natspec) parts.push(natspec);
  return parts.join('\n\n---\n\n');
}
