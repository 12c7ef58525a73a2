// How close our code generation is to the real Move compiler's, on a package whose real bytecode is
// known (the Sui framework and MoveStdlib with their `compiled/*.bcs`): per function, whether we compile
// it and whether our instructions equal theirs exactly (same instructions, operands and order).
import { checkPackage, type CheckOptions } from '../../../language/move/check-package.ts';
import type { CompiledModule } from '../binary/model.ts';
import { compileModulesPartially, type CompileOptions } from './compile.ts';
import { functionsText } from './instruction-text.ts';

export interface FunctionComparison {
  readonly module: string;
  readonly name: string;
  /** false: our compiler does not translate this function yet. */
  readonly compiled: boolean;
  readonly equal: boolean;
}

export function compareWithRealBytecode(packageDir: string, real: readonly CompiledModule[], options: CheckOptions & CompileOptions = {}): FunctionComparison[] {
  const { program } = checkPackage(packageDir, options);
  const { units } = compileModulesPartially(program, options);
  const ours = new Map(units.map((u) => [u.name, functionsText(u.module)]));
  const out: FunctionComparison[] = [];
  for (const m of real) {
    const name = m.identifiers[m.moduleHandles[m.selfHandle].name];
    const mine = ours.get(name);
    for (const [fn, theirs] of functionsText(m)) {
      if (!theirs) continue; // natives
      const code = mine?.get(fn);
      out.push({ module: name, name: fn, compiled: code !== undefined, equal: code !== undefined && code.join('\n') === theirs.join('\n') });
    }
  }
  return out;
}
