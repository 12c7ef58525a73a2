// The public API of a module as text lines, from the real compiler's bytecode and from our front end,
// so the two can be compared line by line: structs and enums with abilities, type parameters and
// field types; functions with visibility, entry, type parameter constraints, parameter and return types.
import { bcs } from '@mysten/bcs';
import { deserialize, addressToHex, type CompiledModule } from '../../../debug-adapter/move/binary/index.ts';
import { tokenText } from '../../../debug-adapter/move/build/instruction-text.ts';
import { canonicalAddress, type Ty } from '../../../language/move/types.ts';
import type { ModuleInfo, TypeParamInfo } from '../../../language/move/program.ts';

export function readCompiledPackage(bytes: Uint8Array): CompiledModule[] {
  return bcs.vector(bcs.byteVector()).parse(bytes).map((m, i) => deserialize(Uint8Array.from(m), `module ${i}`, { flavour: 'sui' }));
}

export function compiledKey(m: CompiledModule): string {
  const h = m.moduleHandles[m.selfHandle];
  return `${canonicalAddress(addressToHex(m.addressIdentifiers[h.address]))}::${m.identifiers[h.name]}`;
}

function tyText(t: Ty): string {
  switch (t.kind) {
    case 'prim':
      return t.name;
    case 'vector':
      return `vector<${tyText(t.elem)}>`;
    case 'ref':
      return `&${t.mut ? 'mut ' : ''}${tyText(t.to)}`;
    case 'param':
      return `T${t.index}`;
    case 'datatype':
      return `${t.module}::${t.name}${t.args.length ? `<${t.args.map(tyText).join(', ')}>` : ''}`;
    default:
      return `<${t.kind}>`;
  }
}

const tp = (constraints: number, phantom: boolean) => `${phantom ? 'phantom ' : ''}${constraints}`;

export function compiledApi(m: CompiledModule): string[] {
  const out: string[] = [];
  for (const s of m.structDefs) {
    const h = m.datatypeHandles[s.handle];
    const fields = s.fieldInformation.kind === 'declared' ? s.fieldInformation.fields.map((f) => `${m.identifiers[f.name]}: ${tokenText(m, f.type)}`) : ['native'];
    out.push(`struct ${m.identifiers[h.name]}<${h.typeParameters.map((p) => tp(p.constraints, p.isPhantom)).join(', ')}> has ${h.abilities} { ${fields.join(', ')} }`);
  }
  for (const e of m.enumDefs) {
    const h = m.datatypeHandles[e.handle];
    const variants = e.variants.map((v) => `${m.identifiers[v.name]}(${v.fields.map((f) => `${m.identifiers[f.name]}: ${tokenText(m, f.type)}`).join(', ')})`);
    out.push(`enum ${m.identifiers[h.name]}<${h.typeParameters.map((p) => tp(p.constraints, p.isPhantom)).join(', ')}> has ${h.abilities} { ${variants.join(', ')} }`);
  }
  for (const f of m.functionDefs) {
    const h = m.functionHandles[f.function];
    const vis = f.visibility === 'friend' ? 'package' : f.visibility;
    const params = m.signatures[h.parameters].map((t) => tokenText(m, t));
    const rets = m.signatures[h.returns].map((t) => tokenText(m, t));
    out.push(`${vis}${f.isEntry ? ' entry' : ''}${f.code ? '' : ' native'} fun ${m.identifiers[h.name]}<${h.typeParameters.join(', ')}>(${params.join(', ')}): (${rets.join(', ')})`);
  }
  return out.sort();
}

export function sourceApi(m: ModuleInfo): string[] {
  const out: string[] = [];
  const tps = (ps: readonly TypeParamInfo[]) => ps.map((p) => tp(p.constraints, p.phantom)).join(', ');
  for (const d of m.datatypes.values()) {
    if (d.kind === 'struct') {
      const fields = d.native ? ['native'] : d.fields.map((f) => `${f.name}: ${tyText(f.type)}`);
      // A positional struct's fields are named pos0, pos1, ... in bytecode.
      // An empty struct gets one `dummy_field: bool` (the binary format has no empty structs).
      const named = d.positional ? d.fields.map((f, i) => `pos${i}: ${tyText(f.type)}`) : fields;
      if (named.length === 0) named.push('dummy_field: bool');
      out.push(`struct ${d.name}<${tps(d.typeParams)}> has ${d.abilities} { ${named.join(', ')} }`);
    } else {
      const variants = d.variants.map((v) => `${v.name}(${v.fields.map((f, i) => `${v.positional ? `pos${i}` : f.name}: ${tyText(f.type)}`).join(', ')})`);
      out.push(`enum ${d.name}<${tps(d.typeParams)}> has ${d.abilities} { ${variants.join(', ')} }`);
    }
  }
  for (const f of m.functions.values()) {
    if (f.decl.macro) continue; // macros are expanded at their call sites, never compiled
    const vis = f.decl.visibility === 'friend' ? 'package' : f.decl.visibility;
    out.push(`${vis}${f.decl.entry ? ' entry' : ''}${f.decl.native ? ' native' : ''} fun ${f.name}<${f.typeParams.map((p) => p.constraints).join(', ')}>(${f.params.map((p) => tyText(p.type)).join(', ')}): (${f.returns.map(tyText).join(', ')})`);
  }
  return out.sort();
}
