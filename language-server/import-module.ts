// import() of an ES module package (Slang) from the server. The bundled server runs as a vm.Script started
// from V8's code cache (code-cache-start.ts), and a function V8 compiles from that cache loses the script's
// dynamic-import loader ("A dynamic import callback was not specified", Node 20): the start module, a real
// ES module, hands over its own import() under this symbol. Elsewhere (tests, workers, `chainstep lsp` from
// the debugger bundle) the plain import() works.
export const IMPORT_HOOK = Symbol.for('chainstep.languageServer.import');

export function importModule<T>(specifier: string): Promise<T> {
  const hook = (globalThis as Record<symbol, unknown>)[IMPORT_HOOK] as ((s: string) => Promise<unknown>) | undefined;
  return (hook ? hook(specifier) : import(specifier)) as Promise<T>;
}
