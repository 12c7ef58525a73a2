// Rendering of values viem decoded from ABI data (custom error arguments, return values), in the same
// style as the variable decoders: decimal numbers, checksummed addresses, quoted strings, hex bytes.

import { getAddress, type AbiParameter } from 'viem';

/** One ABI value as text: `100`, `0xAbC…`, `"text"`, `0x00ff`, `[1, 2]`, `{amount: 1, owner: 0x…}`. */
export function formatAbiValue(param: AbiParameter, value: unknown): string {
  const type = param.type;
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(type);
  if (arrayMatch) {
    const inner = { ...param, type: arrayMatch[1]! } as AbiParameter;
    const items = Array.isArray(value) ? value : [];
    return `[${items.map((item) => formatAbiValue(inner, item)).join(', ')}]`;
  }
  if (type === 'tuple') {
    const components = (param as { components?: readonly AbiParameter[] }).components ?? [];
    const parts = components.map((component, i) => {
      const name = component.name || `${i}`;
      const item =
        Array.isArray(value) ? value[i] : (value as Record<string, unknown> | undefined)?.[component.name ?? ''];
      return `${name}: ${formatAbiValue(component, item)}`;
    });
    return `{${parts.join(', ')}}`;
  }
  if (type === 'address' && typeof value === 'string') {
    try {
      return getAddress(value);
    } catch {
      return value;
    }
  }
  if (type === 'string' && typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  return String(value);
}
