// Checks a Move package from disk: Move.toml, dependencies, parse + resolve + declaration checks.
// The entry point for `chainstep move` commands and tests; the language server calls buildProgram
// directly with its open documents.
import { readFileSync } from 'node:fs';
import { loadPackageGraph, type PackageGraph } from './manifest.ts';
import { buildProgram, type Program, type SourceFile } from './program.ts';

export interface CheckedPackage {
  readonly graph: PackageGraph;
  readonly program: Program;
}

export function checkPackage(root: string, options: { test?: boolean } = {}): CheckedPackage {
  const graph = loadPackageGraph(root, options);
  const rootPkg = graph.packages[graph.packages.length - 1];
  const files: SourceFile[] = [];
  for (const pkg of graph.packages) {
    for (const path of pkg.files) files.push({ path, source: readFileSync(path), isDependency: pkg !== rootPkg, packageName: pkg.manifest.name });
  }
  const program = buildProgram(files, { addresses: graph.addresses, test: options.test });
  return { graph, program };
}
