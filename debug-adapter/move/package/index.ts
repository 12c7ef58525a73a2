// Public API of Move package loading: build folders, source maps (Sui JSON, Aptos BCS), sources by hash,
// Sui framework snapshots, and the module registry the interpreter resolves calls in.
export {
  FunctionSourceMap,
  constantName,
  fileHashes,
  sourceName,
  type EnumSourceMap,
  type EnumVariantSourceMap,
  type Loc,
  type ModuleSourceMap,
  type SourceMapFormat,
  type SourceName,
  type StructSourceMap,
} from './source-map.ts';
export { parseSuiSourceMap } from './sui-debug-info.ts';
export { parseSuiDebugInfoBcs } from './sui-debug-info-bcs.ts';
export { parseAptosSourceMap } from './aptos-source-map.ts';
export { findSources, sha256Hex } from './find-sources.ts';
export { loadFrameworkSnapshot, parseFrameworkSnapshot, type FrameworkSnapshot } from './framework.ts';
export { ModuleRegistry, type LoadedModule, type ModuleOrigin } from './registry.ts';
export { loadPackage, readSourceMap, sourcePath, type LoadPackageOptions, type LoadedPackage, type LoadedScript } from './load-package.ts';
