// Starts the server's worker threads both from the bundle (dist/<name>.mjs next to the server bundle) and
// from the TypeScript sources (tests, `chainstep lsp` through tsx), where the worker must load tsx first.
import { Worker } from 'node:worker_threads';

export function startThread(source: URL, bundled: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${bundled}`, import.meta.url));
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); })`, { eval: true });
}
