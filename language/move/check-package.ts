// Checks a Move package from disk: Move.toml, dependencies, parse + resolve + declaration checks.
// The entry point for `chainstep move` commands and tests; the language server calls buildProgram
// directly with its open documents.
import { readFileSync } from 'node:fs';
import { loadPackageGraph, type GraphOptions, type PackageGraph } from './manifest.ts';
import { buildProgram, type Program, type ProgramOptions, type SourceFile } from './program.ts';

export interface CheckedPackage {
  readonly graph: PackageGraph;
  readonly program: Program;
}

export interface CheckOptions extends GraphOptions {
  /** Unsaved editor contents by absolute path, used instead of the file on disk. */
  readonly overlays?: ReadonlyMap<string, Uint8Array>;
  readonly parseCache?: ProgramOptions['parseCache'];
  /** An editor's previous check of this package (see ProgramOptions.reuseBodiesFrom). */
  readonly reuseBodiesFrom?: ProgramOptions['reuseBodiesFrom'];
}

export function checkPackage(root: string, options: CheckOptions = {}): CheckedPackage {
  const graph = loadPackageGraph(root, options);
  const rootPkg = graph.packages[graph.packages.length - 1];
  const files: SourceFile[] = [];
  for (const pkg of graph.packages) {
    for (const path of pkg.files) {
      const source = options.overlays?.get(path) ?? readFileSync(path);
      files.push({ path, source, isDependency: pkg !== rootPkg, packageName: pkg.manifest.name });
    }
  }
  const program = buildProgram(files, { addresses: graph.addresses, test: options.test, parseCache: options.parseCache, reuseBodiesFrom: options.reuseBodiesFrom });
  return { graph, program };
}
