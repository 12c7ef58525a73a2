// The tables of one compiled module being built: every handle, signature, identifier and constant is
// interned once, so instructions refer to indices exactly as the binary format wants. Produces the
// CompiledModule our serializer writes (Sui flavour, bytecode v7).
import type * as M from '../binary/model.ts';
import type { ModuleInfo } from '../../../language/move/program.ts';
import type { Ty } from '../../../language/move/types.ts';

export class ModuleTables {
  readonly identifiers: string[] = [];
  readonly addressIdentifiers: Uint8Array[] = [];
  readonly moduleHandles: M.ModuleHandle[] = [];
  readonly datatypeHandles: M.DatatypeHandle[] = [];
  readonly functionHandles: M.FunctionHandle[] = [];
  readonly fieldHandles: M.FieldHandle[] = [];
  readonly fieldInstantiations: M.FieldInstantiation[] = [];
  readonly structDefInstantiations: M.StructDefInstantiation[] = [];
  readonly functionInstantiations: M.FunctionInstantiation[] = [];
  readonly signatures: M.Signature[] = [];
  readonly constants: M.Constant[] = [];
  readonly enumDefInstantiations: M.EnumDefInstantiation[] = [];
  readonly variantHandles: M.VariantHandle[] = [];
  readonly variantInstantiationHandles: M.VariantInstantiationHandle[] = [];
  /** Enum definition index of each own enum, by name (filled by the module compiler). */
  readonly enumDefIndex = new Map<string, number>();
  private readonly index = new Map<string, number>();

  constructor(
    private readonly modules: Map<string, ModuleInfo>,
    readonly self: ModuleInfo,
    /** Struct definition index of each own struct, by name. */
    readonly structDefIndex: Map<string, number>,
  ) {
    this.moduleHandle(self.key);
  }

  private intern<T>(tableName: string, table: T[], key: string, make: () => T): number {
    const full = `${tableName}|${key}`;
    const found = this.index.get(full);
    if (found !== undefined) return found;
    const i = table.length;
    table.push(make());
    this.index.set(full, i);
    return i;
  }

  identifier(name: string): number {
    return this.intern('identifiers', this.identifiers, name, () => name);
  }

  address(key: string): number {
    const hex = key.replace(/^0x/, '').padStart(64, '0');
    return this.intern('addressIdentifiers', this.addressIdentifiers, hex, () => Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16))));
  }

  moduleHandle(moduleKey: string): number {
    const [address, name] = moduleKey.split('::');
    return this.intern('moduleHandles', this.moduleHandles, moduleKey, () => ({ address: this.address(address), name: this.identifier(name) }));
  }

  datatypeHandle(moduleKey: string, name: string): number {
    const dt = this.modules.get(moduleKey)!.datatypes.get(name)!;
    return this.intern('datatypeHandles', this.datatypeHandles, `${moduleKey}::${name}`, () => ({
      module: this.moduleHandle(moduleKey),
      name: this.identifier(name),
      abilities: dt.abilities,
      typeParameters: dt.typeParams.map((p) => ({ constraints: p.constraints, isPhantom: p.phantom })),
    }));
  }

  token(t: Ty): M.SignatureToken {
    switch (t.kind) {
      case 'prim':
        return { kind: t.name };
      case 'vector':
        return { kind: 'vector', element: this.token(t.elem) };
      case 'ref':
        return t.mut ? { kind: 'mutableReference', to: this.token(t.to) } : { kind: 'reference', to: this.token(t.to) };
      case 'param':
        return { kind: 'typeParameter', index: t.index };
      case 'datatype': {
        const handle = this.datatypeHandle(t.module, t.name);
        return t.args.length ? { kind: 'datatypeInstantiation', handle, typeArguments: t.args.map((a) => this.token(a)) } : { kind: 'datatype', handle };
      }
      default:
        throw new CodegenError(`a value of type '${t.kind}' cannot be stored in bytecode`);
    }
  }

  signature(types: readonly Ty[]): number {
    const tokens = types.map((t) => this.token(t));
    return this.intern('signatures', this.signatures, JSON.stringify(tokens), () => tokens);
  }

  functionHandle(moduleKey: string, name: string): number {
    const fn = this.modules.get(moduleKey)!.functions.get(name)!;
    return this.intern('functionHandles', this.functionHandles, `${moduleKey}::${name}`, () => ({
      module: this.moduleHandle(moduleKey),
      name: this.identifier(name),
      parameters: this.signature(fn.params.map((p) => p.type)),
      returns: this.signature(fn.returns),
      typeParameters: fn.typeParams.map((p) => p.constraints),
    }));
  }

  functionInstantiation(handle: number, args: readonly Ty[]): number {
    const sig = this.signature(args);
    return this.intern('functionInstantiations', this.functionInstantiations, `${handle}/${sig}`, () => ({ handle, typeArguments: sig }));
  }

  fieldHandle(structName: string, field: number): number {
    const owner = this.structDefIndex.get(structName)!;
    return this.intern('fieldHandles', this.fieldHandles, `${owner}.${field}`, () => ({ owner, field }));
  }

  fieldInstantiation(handle: number, args: readonly Ty[]): number {
    const sig = this.signature(args);
    return this.intern('fieldInstantiations', this.fieldInstantiations, `${handle}/${sig}`, () => ({ handle, typeArguments: sig }));
  }

  structInstantiation(def: number, args: readonly Ty[]): number {
    const sig = this.signature(args);
    return this.intern('structDefInstantiations', this.structDefInstantiations, `${def}/${sig}`, () => ({ def, typeArguments: sig }));
  }

  /** A variant of an own enum, for PackVariant / UnpackVariant* (instantiated when `args` is not empty). */
  variant(enumName: string, variant: number, args: readonly Ty[]): { generic: boolean; index: number } {
    const def = this.enumDefIndex.get(enumName);
    if (def === undefined) throw new CodegenError(`'${enumName}' is not an enum of this module`);
    if (!args.length) return { generic: false, index: this.intern('variantHandles', this.variantHandles, `${def}.${variant}`, () => ({ enumDef: def, variant })) };
    const sig = this.signature(args);
    const inst = this.intern('enumDefInstantiations', this.enumDefInstantiations, `${def}/${sig}`, () => ({ def, typeArguments: sig }));
    return { generic: true, index: this.intern('variantInstantiationHandles', this.variantInstantiationHandles, `${inst}.${variant}`, () => ({ enumInstantiation: inst, variant })) };
  }

  constant(type: M.SignatureToken, data: Uint8Array): number {
    return this.intern('constants', this.constants, `${JSON.stringify(type)}/${Buffer.from(data).toString('hex')}`, () => ({ type, data }));
  }
}

/** A construct the code generator does not compile (yet): reported as a diagnostic at the construct. */
export class CodegenError extends Error {}
