// Semantic Move types (after name resolution) and their abilities.
export type Prim = 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'u256' | 'address' | 'signer';
export const PRIMS: ReadonlySet<string> = new Set<Prim>(['bool', 'u8', 'u16', 'u32', 'u64', 'u128', 'u256', 'address', 'signer']);

export type Ty =
  | { kind: 'prim'; name: Prim }
  | { kind: 'vector'; elem: Ty }
  /** `module` is the module key, `0x2::coin`. */
  | { kind: 'datatype'; module: string; name: string; args: Ty[] }
  | { kind: 'ref'; mut: boolean; to: Ty }
  | { kind: 'param'; index: number; name: string }
  | { kind: 'tuple'; elems: Ty[] }
  | { kind: 'fun'; params: Ty[]; ret: Ty }
  /** `_` (in macro signatures) */
  | { kind: 'any' }
  /** A type that could not be resolved; a diagnostic was already given, so nothing more is reported on it. */
  | { kind: 'error' };

export const ABILITIES = ['copy', 'drop', 'store', 'key'] as const;
export type AbilityName = (typeof ABILITIES)[number];
/** Bit set with the binary format's encoding (copy 1, drop 2, store 4, key 8). */
export type Abilities = number;
export const ABILITY_BIT: Record<AbilityName, number> = { copy: 1, drop: 2, store: 4, key: 8 };
export const ALL_ABILITIES = 15;

export function abilityNames(set: Abilities): string[] {
  return ABILITIES.filter((a) => set & ABILITY_BIT[a]);
}

/** Canonical numeric address text: lowercase hex without leading zeros (`0x2`), or undefined if not a number. */
export function canonicalAddress(text: string): string | undefined {
  let v: bigint;
  try {
    v = BigInt(text.replace(/_/g, ''));
  } catch {
    return undefined;
  }
  if (v < 0n || v >= 1n << 256n) return undefined;
  return `0x${v.toString(16)}`;
}

export function typeToString(t: Ty): string {
  switch (t.kind) {
    case 'prim':
      return t.name;
    case 'vector':
      return `vector<${typeToString(t.elem)}>`;
    case 'datatype':
      return `${t.module}::${t.name}${t.args.length ? `<${t.args.map(typeToString).join(', ')}>` : ''}`;
    case 'ref':
      return `&${t.mut ? 'mut ' : ''}${typeToString(t.to)}`;
    case 'param':
      return t.name;
    case 'tuple':
      return `(${t.elems.map(typeToString).join(', ')})`;
    case 'fun':
      return `|${t.params.map(typeToString).join(', ')}| -> ${typeToString(t.ret)}`;
    case 'any':
      return '_';
    case 'error':
      return '<unknown>';
  }
}

/** Whether `t` or any type inside it satisfies `test`. */
export function typeSome(t: Ty, test: (t: Ty) => boolean): boolean {
  if (test(t)) return true;
  switch (t.kind) {
    case 'vector':
      return typeSome(t.elem, test);
    case 'ref':
      return typeSome(t.to, test);
    case 'datatype':
      return t.args.some((a) => typeSome(a, test));
    case 'tuple':
      return t.elems.some((a) => typeSome(a, test));
    case 'fun':
      return t.params.some((a) => typeSome(a, test)) || typeSome(t.ret, test);
    default:
      return false;
  }
}
