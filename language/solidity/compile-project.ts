// Compiles a project with the compiler it asks for: the release named by the launch configuration, the
// project's build-info, foundry.toml or Hardhat config, else the newest release satisfying every
// `pragma solidity` of the compilation. The bundled solc-js is used whenever it is that release or
// satisfies the pragmas (no download); otherwise the release comes from solc-bin (see solc-bin.ts).
import { readFileSync } from 'node:fs';
import { loadBuildInfo } from './buildinfo.ts';
import { compile, type CompiledProject, type CompileOptions } from './compile.ts';
import { SolidityProjectError } from './errors.ts';
import { foundryRemappings, foundrySettings, hardhatSolcVersion, hasFoundryConfig, readFoundryConfig } from './foundry-config.ts';
import { compareVersions, parseRange, parseVersion, satisfies, versionPragmas, type Version, type VersionRange } from './pragma.ts';
import { importResolver, readRemappings, resolveProgram, sourceClosure, toUnit } from './project.ts';
import { bundledCompiler, obtainCompiler, type Compiler, type CompilerSource } from './solc-bin.ts';

export interface ProjectCompileOptions extends CompileOptions, CompilerSource {
  /** An exact release (`0.5.16`) overriding every other choice. */
  readonly solcVersion?: string;
}

interface Requirement { readonly accepts: (v: Version) => boolean; readonly why: string }

function exact(text: string, where: string): Requirement {
  const v = parseVersion(text);
  if (!v || !/^v?\d+\.\d+\.\d+/.test(text.trim())) throw new SolidityProjectError(`${where}: expected a solc release such as "0.8.19", got ${JSON.stringify(text)}`);
  return { accepts: (w) => compareVersions(v, w) === 0, why: `solc ${v.join('.')} (${where})` };
}

/** What the compilation's sources require, from their pragmas. */
function fromPragmas(root: string, targets: Record<string, string>, remappings: readonly string[]): Requirement | undefined {
  const ranges: { unit: string; text: string; range: VersionRange }[] = [];
  for (const [unit, content] of sourceClosure(targets, remappings, importResolver(root))) {
    for (const text of versionPragmas(content)) {
      const range = parseRange(text);
      // An unreadable pragma is the compiler's to report, with its location.
      if (range) ranges.push({ unit, text, range });
    }
  }
  if (ranges.length === 0) return undefined;
  return {
    accepts: (v) => ranges.every((r) => satisfies(v, r.range)),
    why: ranges.map((r) => `pragma solidity ${r.text} (${r.unit})`).filter((s, i, all) => all.indexOf(s) === i).join(', '),
  };
}

/** The compiler the project needs (loading or downloading it), or undefined for the bundled one. */
export async function chooseCompiler(options: ProjectCompileOptions): Promise<Compiler | undefined> {
  const { root, files } = resolveProgram(options);
  const targets: Record<string, string> = {};
  for (const file of files) targets[toUnit(root, file)] = readFileSync(file, 'utf8');
  let requirement: Requirement | undefined;
  if (options.solcVersion !== undefined) requirement = exact(options.solcVersion, 'solcVersion in the launch configuration');
  else {
    const build = options.useBuildInfo === false ? undefined : loadBuildInfo(root, Object.keys(targets));
    if (build?.output) return undefined;
    const foundry = hasFoundryConfig(root) ? readFoundryConfig(root) : undefined;
    const hardhat = hardhatSolcVersion(root);
    if (build?.solcVersion) requirement = exact(build.solcVersion, `the build ${build.file}`);
    else if (foundry?.solcVersion) requirement = exact(foundry.solcVersion, `solc_version in foundry.toml, profile ${foundry.profile}`);
    else if (hardhat) requirement = exact(hardhat, 'the Hardhat config');
    else requirement = fromPragmas(root, targets, readRemappings(root, [...(foundry?.remappings ?? []), ...(options.remappings ?? [])]));
  }
  if (!requirement) return undefined;
  const bundled = bundledCompiler();
  if (requirement.accepts(bundled.version)) return undefined;
  return obtainCompiler(requirement.accepts, requirement.why, options);
}

export async function compileProject(options: ProjectCompileOptions): Promise<CompiledProject> {
  // Inside a Foundry project, compile as forge would: its remappings (auto-detected ones included) and settings.
  if (!options.settings) {
    const { root } = resolveProgram(options);
    if (hasFoundryConfig(root)) {
      const config = readFoundryConfig(root);
      options = { ...options, remappings: [...foundryRemappings(root, config), ...(options.remappings ?? [])], settings: foundrySettings(config) };
    }
  }
  const compiler = options.compiler ?? await chooseCompiler(options);
  return compile({ ...options, ...(compiler ? { compiler } : {}) });
}
