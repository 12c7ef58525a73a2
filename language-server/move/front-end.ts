// Chainstep's own Move front end (language/move) behind the server's MoveFrontEnd interface: parse errors of
// any .move file, and name and type errors of the package it belongs to (nearest Move.toml), with the
// editor's unsaved texts taking precedence over the disk. The front end counts UTF-8 bytes; the server
// places diagnostics by UTF-16 offsets, so each range is converted here.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { MoveDiagnostic, MoveFrontEnd, MoveLocation } from '../../language/move/front-end.ts';
import { MoveWorkspace, parse, typeAt, type Diagnostic } from '../../language/move/index.ts';
import { LineIndex } from '../../language/text/line-index.ts';

/** UTF-16 offset of a UTF-8 byte offset in `bytes`. */
function utf16Offset(bytes: Uint8Array, byteOffset: number): number {
  return new TextDecoder().decode(bytes.subarray(0, Math.max(0, Math.min(byteOffset, bytes.length)))).length;
}

/** UTF-8 byte offset of a UTF-16 offset in `text`. */
function byteOffset(text: string, utf16: number): number {
  return new TextEncoder().encode(text.slice(0, Math.max(0, utf16))).length;
}

export function chainstepMoveFrontEnd(): MoveFrontEnd {
  const workspace = new MoveWorkspace();
  const known = new Set<string>();
  /** The text of each file as the last check saw it: answers are given only for that text. */
  const checkedText = new Map<string, string>();
  const current = (file: string, offset: number, text: string): { abs: string; at: number } | undefined => {
    const abs = path.resolve(file);
    return checkedText.get(abs) === text && MoveWorkspace.packageRoot(abs) ? { abs, at: byteOffset(text, offset) } : undefined;
  };
  const locate = (file: string, start: number, end: number): MoveLocation => {
    let bytes: Uint8Array;
    try { bytes = readFileSync(file); } catch { bytes = new Uint8Array(0); }
    // An open file is answered in the text the check saw, not what is on disk.
    const index = new LineIndex(checkedText.get(file) ?? bytes);
    const p = (o: number) => { const q = index.position(o); return { line: q.line - 1, character: q.column - 1 }; };
    return { path: file, start: p(start), end: p(end) };
  };
  return {
    name: 'chainstep-move',
    async check(file: string, openFiles: ReadonlyMap<string, string>): Promise<readonly MoveDiagnostic[]> {
      // Keep the workspace's documents equal to the editor's open files.
      for (const f of known) if (!openFiles.has(f)) { workspace.closeDocument(f); known.delete(f); }
      for (const [f, text] of openFiles) { workspace.setDocument(f, text); known.add(f); checkedText.set(path.resolve(f), text); }
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
    hover(file, offset, text) {
      const here = current(file, offset, text);
      if (!here) return undefined;
      const typed = typeAt(workspace, here.abs, here.at);
      const ref = workspace.definitionAt(here.abs, here.at);
      if (typed) {
        const name = new TextDecoder().decode(new TextEncoder().encode(text).subarray(typed.loc.start, typed.loc.end));
        return `\`\`\`move\n${name}: ${typed.text}\n\`\`\``;
      }
      if (ref) return `\`\`\`move\n${ref.kind} ${ref.name}\n\`\`\``;
      return undefined;
    },
    definition(file, offset, text) {
      const here = current(file, offset, text);
      const ref = here && workspace.definitionAt(here.abs, here.at);
      return ref ? locate(path.resolve(ref.targetFile), ref.targetLoc.start, ref.targetLoc.end) : undefined;
    },
  };
}
