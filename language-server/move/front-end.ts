// Chainstep's own Move front end (language/move) behind the server's MoveFrontEnd interface: parse errors of
// any .move file, and name and type errors of the package it belongs to (nearest Move.toml), with the
// editor's unsaved texts taking precedence over the disk. The front end counts UTF-8 bytes; the server
// places diagnostics by UTF-16 offsets, so each range is converted here.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { MoveDiagnostic, MoveFrontEnd } from '../../language/move/front-end.ts';
import { MoveWorkspace, parse, type Diagnostic } from '../../language/move/index.ts';

/** UTF-16 offset of a UTF-8 byte offset in `bytes`. */
function utf16Offset(bytes: Uint8Array, byteOffset: number): number {
  return new TextDecoder().decode(bytes.subarray(0, Math.max(0, Math.min(byteOffset, bytes.length)))).length;
}

export function chainstepMoveFrontEnd(): MoveFrontEnd {
  const workspace = new MoveWorkspace();
  const known = new Set<string>();
  return {
    name: 'chainstep-move',
    async check(file: string, openFiles: ReadonlyMap<string, string>): Promise<readonly MoveDiagnostic[]> {
      // Keep the workspace's documents equal to the editor's open files.
      for (const f of known) if (!openFiles.has(f)) { workspace.closeDocument(f); known.delete(f); }
      for (const [f, text] of openFiles) { workspace.setDocument(f, text); known.add(f); }
      const abs = path.resolve(file);
      const bytesOf = (f: string): Uint8Array => {
        const open = openFiles.get(f);
        if (open !== undefined) return new TextEncoder().encode(open);
        try { return readFileSync(f); } catch { return new Uint8Array(0); }
      };
      const own = bytesOf(abs);
      const found: readonly Diagnostic[] = MoveWorkspace.packageRoot(abs) ? workspace.diagnostics(abs) : parse(own).diagnostics;
      return found.map((d) => {
        const where = d.file ? path.resolve(d.file) : abs;
        const bytes = where === abs ? own : bytesOf(where);
        return {
          path: where,
          start: utf16Offset(bytes, d.range.start),
          end: utf16Offset(bytes, d.range.end),
          severity: d.severity,
          message: d.message,
          code: d.code,
        };
      });
    },
  };
}
