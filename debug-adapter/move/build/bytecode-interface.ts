// Dependencies known only as bytecode (an Aptos build's `bytecode_modules/dependencies/<Pkg>/*.mv`, the
// framework a project was built against) made usable by our compiler: each module becomes a Move
// interface source, its structs with their fields and abilities and its public functions as `native`
// declarations, so name resolution and type checking see exactly the compiled API and code generation
// calls it by handle, as the Move compiler does with bytecode dependencies. The interfaces form one local
// package the manifest's dependency names are pointed at.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readManifest } from '../../../language/move/manifest.ts';
import path from 'node:path';
import { deserialize } from '../binary/deserializer.ts';
import type { CompiledModule, Flavour } from '../binary/model.ts';
import { abilitiesText, identifier, selfModuleId } from '../binary/names.ts';
import { tokenText } from './instruction-text.ts';

function typeParams(params: readonly { constraints: number; isPhantom?: boolean }[]): string {
  if (params.length === 0) return '';
  return `<${params.map((p, i) => `${p.isPhantom ? 'phantom ' : ''}T${i}${abilitiesText(p.constraints, ': ')}`).join(', ')}>`;
}

/** The interface source of one compiled module. */
export function interfaceSource(m: CompiledModule): string {
  const self = selfModuleId(m);
  const lines = [`module ${self.address}::${self.name} {`];
  for (const d of m.structDefs) {
    const h = m.datatypeHandles[d.handle]!;
    const head = `    public struct ${identifier(m, h.name)}${typeParams(h.typeParameters)}${abilitiesText(h.abilities, ' has ')}`;
    const info = d.fieldInformation;
    if (info.kind !== 'declared') {
      lines.push(`${head} {}`); // native or variant structs: their fields are never reached from outside
      continue;
    }
    const fields = info.fields.map((f) => `${identifier(m, f.name)}: ${tokenText(m, f.type)}`);
    lines.push(`${head} { ${fields.join(', ')} }`);
  }
  for (const d of m.functionDefs) {
    if (d.visibility !== 'public') continue; // only public functions can be called from another package
    const h = m.functionHandles[d.function]!;
    if ([h.parameters, h.returns].some((s) => m.signatures[s]!.some((t) => JSON.stringify(t).includes('"function"')))) continue; // no Move 2024 form
    {
      const params = m.signatures[h.parameters]!.map((t, i) => `a${i}: ${tokenText(m, t)}`).join(', ');
      const returns = m.signatures[h.returns]!.map((t) => tokenText(m, t));
      const ret = returns.length === 0 ? '' : `: ${returns.length === 1 ? returns[0] : `(${returns.join(', ')})`}`;
      const tps = h.typeParameters.length ? `<${h.typeParameters.map((c, i) => `T${i}${abilitiesText(c, ': ')}`).join(', ')}>` : '';
      lines.push(`    public ${d.isEntry ? 'entry ' : ''}native fun ${identifier(m, h.name)}${tps}(${params})${ret};`);
    }
  }
  lines.push('}', '');
  return lines.join('\n');
}

function moduleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...moduleFiles(p));
    else if (e.endsWith('.mv')) out.push(p);
  }
  return out;
}

/**
 * Writes a package of interfaces for every `.mv` under `bytecodeDirs` into `outDir` (replacing it), with
 * the named addresses given, and returns its folder: pass it as the dependency path of the names the
 * manifest depends on (e.g. AptosFramework).
 */
export function writeInterfacePackage(bytecodeDirs: readonly string[], outDir: string, addresses: Readonly<Record<string, string>>, flavour: Flavour): string {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'sources'), { recursive: true });
  const toml = ['[package]', 'name = "BytecodeInterfaces"', 'edition = "2024"', '', '[addresses]', ...Object.entries(addresses).map(([k, v]) => `${k} = "${v}"`), ''];
  writeFileSync(path.join(outDir, 'Move.toml'), toml.join('\n'));
  for (const dir of bytecodeDirs) {
    for (const file of moduleFiles(dir)) {
      const m = deserialize(readFileSync(file), file, { flavour });
      const id = selfModuleId(m);
      writeFileSync(path.join(outDir, 'sources', `${id.address.slice(-8)}_${id.name}.move`), interfaceSource(m));
    }
  }
  return outDir;
}

/**
 * For a package whose build already ships its dependencies' bytecode (`aptos move compile` writes
 * `build/<pkg>/bytecode_modules/dependencies/<Pkg>/`), the dependency paths that make those usable for
 * the manifest's git dependencies: one interface package (in `build/<pkg>/interfaces/`), with the named
 * addresses of the build's BuildInfo.yaml. Undefined when there is nothing to use.
 */
export function shippedDependencyPaths(root: string): Map<string, string> | undefined {
  let manifest: ReturnType<typeof readManifest>;
  try {
    manifest = readManifest(root);
  } catch {
    return undefined;
  }
  const git = manifest.dependencies.filter((d) => d.git && !d.local);
  const buildDir = path.join(root, 'build', manifest.name);
  const shipped = path.join(buildDir, 'bytecode_modules', 'dependencies');
  if (git.length === 0 || !existsSync(shipped)) return undefined;
  const addresses = buildInfoAddresses(path.join(buildDir, 'BuildInfo.yaml'));
  for (const own of manifest.addresses.keys()) delete addresses[own];
  const flavour: Flavour = existsSync(path.join(buildDir, 'source_maps')) ? 'aptos' : 'sui';
  const dir = writeInterfacePackage([shipped], path.join(buildDir, 'interfaces'), addresses, flavour);
  return new Map(git.map((d) => [d.name, dir]));
}

/** `address_alias_instantiation` of an Aptos BuildInfo.yaml: named address -> `0x` + hex. */
function buildInfoAddresses(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  let inside = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*address_alias_instantiation:\s*$/.test(line)) {
      inside = true;
      continue;
    }
    const entry = /^\s{4,}(\w+):\s*"?([0-9a-fA-F]+)"?\s*$/.exec(line);
    if (inside && entry) out[entry[1]!] = `0x${entry[2]}`;
    else if (inside && line.trim() !== '') inside = false;
  }
  return out;
}
