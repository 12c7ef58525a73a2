// The named chains forge's `vm.getChain` knows (alloy-chains' names; the common ones), by their canonical
// name, extra aliases and id. A name or id outside this table is "invalid chain alias", as forge says for an
// unknown id, so a test that probes an unknown chain fails the same way under both runners.

interface KnownChain { readonly name: string; readonly id: bigint; readonly aliases?: readonly string[] }

const CHAINS: readonly KnownChain[] = [
  { name: 'mainnet', id: 1n, aliases: ['ethereum'] },
  { name: 'sepolia', id: 11155111n },
  { name: 'holesky', id: 17000n },
  { name: 'hoodi', id: 560048n },
  { name: 'optimism', id: 10n },
  { name: 'optimism-sepolia', id: 11155420n },
  { name: 'arbitrum', id: 42161n },
  { name: 'arbitrum-sepolia', id: 421614n },
  { name: 'arbitrum-nova', id: 42170n },
  { name: 'base', id: 8453n },
  { name: 'base-sepolia', id: 84532n },
  { name: 'polygon', id: 137n, aliases: ['matic'] },
  { name: 'polygon-amoy', id: 80002n },
  { name: 'bsc', id: 56n, aliases: ['binance-smart-chain'] },
  { name: 'bsc-testnet', id: 97n },
  { name: 'avalanche', id: 43114n, aliases: ['avax'] },
  { name: 'fuji', id: 43113n, aliases: ['avalanche-fuji'] },
  { name: 'gnosis', id: 100n, aliases: ['xdai'] },
  { name: 'linea', id: 59144n },
  { name: 'scroll', id: 534352n },
  { name: 'zksync', id: 324n },
  { name: 'blast', id: 81457n },
  { name: 'mantle', id: 5000n },
  { name: 'celo', id: 42220n },
  { name: 'fantom', id: 250n },
  { name: 'moonbeam', id: 1284n },
  { name: 'anvil-hardhat', id: 31337n, aliases: ['anvil', 'hardhat'] },
];

/** The chain `aliasOrId` names (a name, an alias or a decimal id), or undefined when forge would not know it. */
export function chainByAlias(aliasOrId: string): { readonly name: string; readonly id: bigint } | undefined {
  const key = aliasOrId.trim().toLowerCase().replace(/_/g, '-');
  if (/^\d+$/.test(key)) return CHAINS.find((c) => c.id === BigInt(key));
  return CHAINS.find((c) => c.name === key || c.aliases?.includes(key));
}
