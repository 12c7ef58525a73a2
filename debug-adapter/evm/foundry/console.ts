// console.log from forge-std's console.sol / Hardhat's console.sol: calls to a fixed address whose calldata is
// an ABI-encoded `log(...)` call. We know the selectors by generating the signatures the libraries declare
// (every mix of up to four uint256/string/bool/address, plus the single-typed logX helpers) under both the
// canonical names and Hardhat's `uint`/`int` spellings.
import { decodeAbiParameters, toFunctionSelector, getAddress, type AbiParameter } from 'viem';

export const CONSOLE_ADDRESS = '0x000000000000000000636f6e736f6c652e6c6f67';

interface Signature { readonly types: readonly string[] }
let table: Map<string, Signature> | undefined;

function add(map: Map<string, Signature>, name: string, types: readonly string[]): void {
  const canonical = types.map((t) => (t === 'uint' ? 'uint256' : t === 'int' ? 'int256' : t));
  map.set(toFunctionSelector(`${name}(${types.join(',')})`).slice(2), { types: canonical });
}

function selectors(): Map<string, Signature> {
  if (table) return table;
  const map = new Map<string, Signature>();
  const base = ['uint256', 'string', 'bool', 'address'];
  const hardhat = ['uint', 'string', 'bool', 'address'];
  add(map, 'log', []);
  for (const kinds of [base, hardhat]) {
    let combos: string[][] = [[]];
    for (let n = 1; n <= 4; n++) {
      combos = combos.flatMap((c) => kinds.map((k) => [...c, k]));
      for (const c of combos) add(map, 'log', c);
    }
  }
  for (const t of ['int256', 'int', 'bytes32', 'bytes', 'uint256[]', 'int256[]', 'address[]', 'string[]', 'bool[]', 'bytes32[]']) add(map, 'log', [t]);
  for (const [name, t] of [['logInt', 'int256'], ['logInt', 'int'], ['logUint', 'uint256'], ['logUint', 'uint'], ['logString', 'string'], ['logBool', 'bool'], ['logAddress', 'address'], ['logBytes', 'bytes']] as const) add(map, name, [t]);
  for (let i = 1; i <= 32; i++) add(map, `logBytes${i}`, [`bytes${i}`]);
  table = map;
  return map;
}

function render(v: unknown): string {
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return /^0x[0-9a-fA-F]{40}$/.test(v) ? getAddress(v) : v;
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  return String(v);
}

/** Applies forge's format specifiers (%s %d %i %x %o %e) of a first string argument to the following values. */
function format(values: readonly unknown[], types: readonly string[]): string {
  const [first, ...rest] = values;
  if (types[0] !== 'string' || typeof first !== 'string' || !/%[sdixoe%]/.test(first)) return values.map(render).join(' ');
  let i = 0;
  const text = first.replace(/%([sdixoe%])/g, (m, spec: string) => {
    if (spec === '%') return '%';
    if (i >= rest.length) return m;
    const v = rest[i++];
    if (spec === 'x' && typeof v === 'bigint') return `0x${v.toString(16)}`;
    return render(v);
  });
  return [text, ...rest.slice(i).map(render)].join(' ');
}

/** The line a console.log call prints, or undefined when the calldata is not a known console call. */
export function decodeConsoleLog(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  const selector = Buffer.from(data.subarray(0, 4)).toString('hex');
  const sig = selectors().get(selector);
  if (!sig) return undefined;
  try {
    const params = sig.types.map((type) => ({ type })) as AbiParameter[];
    const values = decodeAbiParameters(params, `0x${Buffer.from(data.subarray(4)).toString('hex')}`);
    return format(values, sig.types);
  } catch {
    return undefined;
  }
}
