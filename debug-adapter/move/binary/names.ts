// Human-readable names for the pieces of a compiled module: addresses, modules, types, functions.
// Used by the disassembler and by anything that shows Move code to a user (call stack, variables).
import type { CompiledModule, SignatureToken } from './model.ts';
import { addressToHex } from './model.ts';

/** `0x1`, `0x2`, ... for small (framework) addresses; the full 64-digit form otherwise. */
export function shortAddress(address: Uint8Array | string): string {
  const hex = typeof address === 'string' ? address.replace(/^0x/i, '').toLowerCase() : addressToHex(address).slice(2);
  const trimmed = hex.replace(/^0+/, '');
  if (trimmed.length <= 4) return `0x${trimmed || '0'}`;
  return `0x${hex.padStart(64, '0')}`;
}

export function identifier(module: CompiledModule, index: number): string {
  return module.identifiers[index] ?? `<identifier ${index}>`;
}

/** Address (`0x` + 64 hex digits) and name of a module handle. */
export function moduleHandleId(module: CompiledModule, handleIndex: number): { address: string; name: string } {
  const handle = module.moduleHandles[handleIndex]!;
  return { address: addressToHex(module.addressIdentifiers[handle.address]!), name: identifier(module, handle.name) };
}

/** The module's own id; for scripts, `main` at address 0. */
export function selfModuleId(module: CompiledModule): { address: string; name: string } {
  if (module.kind === 'script') return { address: addressToHex(new Uint8Array(32)), name: 'main' };
  return moduleHandleId(module, module.selfHandle);
}

/** `0x2::coin`: the key modules are registered under (see package loading). */
export function moduleKey(address: string, name: string): string {
  return `${shortAddress(address)}::${name}`;
}

export function selfModuleKey(module: CompiledModule): string {
  const id = selfModuleId(module);
  return moduleKey(id.address, id.name);
}

/** Name of a datatype as written in code here: bare for the module's own types, `module::Name` otherwise. */
export function datatypeName(module: CompiledModule, handleIndex: number): string {
  const handle = module.datatypeHandles[handleIndex]!;
  const name = identifier(module, handle.name);
  if (module.kind === 'module' && handle.module === module.selfHandle) return name;
  return `${identifier(module, module.moduleHandles[handle.module]!.name)}::${name}`;
}

/** `module::function` for a function handle. */
export function functionHandleName(module: CompiledModule, handleIndex: number): string {
  const handle = module.functionHandles[handleIndex]!;
  return `${identifier(module, module.moduleHandles[handle.module]!.name)}::${identifier(module, handle.name)}`;
}

/** Type parameter names default to T0, T1, ... when no source names are known. */
export function typeParameterName(index: number, names?: readonly string[]): string {
  return names?.[index] ?? `T${index}`;
}

/** Renders a type: `u64`, `&mut Coin<T>`, `vector<option::Option<u8>>`, `|u64|bool`. */
export function typeText(module: CompiledModule, token: SignatureToken, typeParameterNames?: readonly string[]): string {
  switch (token.kind) {
    case 'vector':
      return `vector<${typeText(module, token.element, typeParameterNames)}>`;
    case 'reference':
      return `&${typeText(module, token.to, typeParameterNames)}`;
    case 'mutableReference':
      return `&mut ${typeText(module, token.to, typeParameterNames)}`;
    case 'datatype':
      return datatypeName(module, token.handle);
    case 'datatypeInstantiation':
      return `${datatypeName(module, token.handle)}<${token.typeArguments.map((t) => typeText(module, t, typeParameterNames)).join(', ')}>`;
    case 'typeParameter':
      return typeParameterName(token.index, typeParameterNames);
    case 'function': {
      const params = token.parameters.map((t) => typeText(module, t, typeParameterNames)).join(', ');
      const results = token.results.map((t) => typeText(module, t, typeParameterNames));
      const result = results.length === 1 ? results[0]! : `(${results.join(', ')})`;
      return `|${params}|${result}${abilitiesText(token.abilities, ' has ')}`;
    }
    default:
      return token.kind;
  }
}

/** Replaces type parameters by the given type arguments (for instantiated fields, calls, ...). */
export function substitute(token: SignatureToken, typeArguments: readonly SignatureToken[]): SignatureToken {
  switch (token.kind) {
    case 'typeParameter':
      return typeArguments[token.index] ?? token;
    case 'vector':
      return { kind: 'vector', element: substitute(token.element, typeArguments) };
    case 'reference':
    case 'mutableReference':
      return { kind: token.kind, to: substitute(token.to, typeArguments) };
    case 'datatypeInstantiation':
      return { kind: 'datatypeInstantiation', handle: token.handle, typeArguments: token.typeArguments.map((t) => substitute(t, typeArguments)) };
    case 'function':
      return {
        kind: 'function',
        parameters: token.parameters.map((t) => substitute(t, typeArguments)),
        results: token.results.map((t) => substitute(t, typeArguments)),
        abilities: token.abilities,
      };
    default:
      return token;
  }
}

const ABILITY_NAMES = ['copy', 'drop', 'store', 'key'] as const;

/** `copy + drop` (with `separator` before it when non-empty), or '' for no abilities. */
export function abilitiesText(abilities: number, prefix = ''): string {
  const names = ABILITY_NAMES.filter((_, i) => (abilities & (1 << i)) !== 0);
  return names.length === 0 ? '' : `${prefix}${names.join(prefix === ' has ' ? ', ' : ' + ')}`;
}
