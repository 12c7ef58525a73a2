// Immutables live in the deployed code, not in storage: when the constructor returns, solc writes each one's
// 32-byte word into the runtime code at every offset `immutableReferences` lists for it (keyed by the
// declaration's AST id). The State scope and evaluate read them from the code that is running.
import type { AstNode, CompiledContract } from '../../../language/solidity/compile.ts';
import type { Location, StateVariable, TypeRegistry } from '../decode/index.ts';

/**
 * The immutables of `contract` (its bases' first, in declaration order, as storage is laid out), each with
 * its value read from `runtimeCode`. While the constructor runs (`runtimeCode` undefined) they are not in
 * any code yet; an immutable the runtime code never reads has no reference, so its value is nowhere.
 */
export function immutableVariables(contract: CompiledContract, definition: AstNode | undefined, registry: TypeRegistry, runtimeCode: Uint8Array | undefined): StateVariable[] {
  const refs = contract.deployedBytecode.immutableReferences ?? {};
  const bases = ((definition?.linearizedBaseContracts as number[] | undefined) ?? []).slice().reverse();
  const out: StateVariable[] = [];
  for (const baseId of bases) {
    const base = registry.definition(baseId);
    for (const node of (base?.nodes as AstNode[] | undefined) ?? []) {
      if (node.nodeType !== 'VariableDeclaration' || node.mutability !== 'immutable') continue;
      const { type } = registry.fromVariableDeclaration(node);
      out.push({ name: String(node.name), contract: String(base!.name), type, slot: 0n, byteOffset: 0, value: valueOf(refs[String(node.id)], runtimeCode) });
    }
  }
  return out;
}

function valueOf(references: readonly { start: number; length: number }[] | undefined, code: Uint8Array | undefined): Location {
  if (!code) return { kind: 'unavailable', reason: 'immutable: stored in the deployed code when the constructor returns' };
  const at = references?.[0];
  if (!at) return { kind: 'unavailable', reason: 'immutable: the deployed code never reads it, so it is not stored there' };
  if (at.start + at.length > code.length) return { kind: 'unavailable', reason: 'immutable: its offset is outside the running code' };
  let word = 0n;
  for (let i = at.start; i < at.start + at.length; i++) word = (word << 8n) | BigInt(code[i]!);
  return { kind: 'value', word };
}

