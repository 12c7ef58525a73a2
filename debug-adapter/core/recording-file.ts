// A recording saved to one file, to open again as a debug session on another machine, offline: attached
// to a bug report or kept as a CI artifact of a failing test. The file is VM-agnostic; what a backend needs
// to rebuild its Execution is its own `data` (core/execution.ts: SavedRecording).
//
// Layout: gzip of one header line (JSON: format, version, vm, title, steps, digest) then the payload (JSON:
// the source texts and the backend's data). The digest is the SHA-256 of the payload's bytes as written, so
// a file changed after saving (by hand, by a broken upload) is refused rather than shown as if recorded.
// Opening writes the sources into a folder of their own (named by the digest) so the editor opens them as
// files: breakpoints, stepping and go-to work as in the original session.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { UserError } from './errors.ts';
import type { SavedRecording } from './execution.ts';

export const RECORDING_FORMAT = 'chainstep-recording';
/** Bumped when a reader of this version could not read what a writer writes. */
export const RECORDING_VERSION = 1;
/** The extension recordings are saved with (a convention; any name opens). */
export const RECORDING_EXTENSION = '.chainstep';
/** Larger unpacked files are refused rather than exhausting memory (a gzip bomb, a damaged length). */
const MAX_UNPACKED = 2 ** 31 - 1;

export interface RecordingHeader {
  readonly format: typeof RECORDING_FORMAT;
  readonly version: number;
  /** The backend that recorded it ("evm", "move"), which opens it again. */
  readonly vm: string;
  readonly title: string;
  readonly steps: number;
  readonly created: string;
  /** "sha256:<hex>" of the payload bytes. */
  readonly digest: string;
}

/** A recording read back: its header, its sources written to `sourceRoot`, and the backend's data. */
export interface OpenedRecording {
  readonly header: RecordingHeader;
  readonly data: unknown;
  /** Where the source recorded at `original` (an absolute path on the recording machine) is now. */
  sourcePath(original: string): string;
  /** The folder the sources were written to. */
  readonly sourceRoot: string;
}

/** Saves a recording; returns the bytes written. */
export function writeRecordingFile(file: string, vm: string, steps: number, saved: SavedRecording): number {
  const payload = Buffer.from(JSON.stringify({ sources: saved.sources, data: saved.data }), 'utf8');
  const header: RecordingHeader = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    vm,
    title: saved.title,
    steps,
    created: new Date().toISOString(),
    digest: digestOf(payload),
  };
  const packed = gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), payload]));
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, packed);
  } catch (e) {
    throw new UserError(`Cannot save the recording to ${file}: ${(e as Error).message}`);
  }
  return packed.length;
}

function digestOf(payload: Uint8Array): string {
  return `sha256:${createHash('sha256').update(payload).digest('hex')}`;
}

/**
 * Reads and checks a recording file, and writes its sources under `sourcesBase` (default: the system's
 * temporary folder). Every problem is a UserError saying what is wrong with the file.
 */
export function openRecordingFile(file: string, sourcesBase = path.join(tmpdir(), 'chainstep-recordings')): OpenedRecording {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UserError(`recording: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const { header, payload } = parseRecording(bytes, file);
  const { sources, data } = payload;
  const sourceRoot = path.join(sourcesBase, header.digest.slice('sha256:'.length, 'sha256:'.length + 16));
  const placed = placeSources(sources.map((s) => s.path), sourceRoot);
  for (const [i, s] of sources.entries()) {
    const target = placed.get(s.path)!;
    const content = s.base64 === true ? Buffer.from(s.content, 'base64') : Buffer.from(s.content, 'utf8');
    try {
      // Rewritten only when different: an editor that has it open keeps it unchanged.
      if (!readFileSafe(target)?.equals(content)) {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    } catch (e) {
      throw new UserError(`recording: cannot write its source ${i + 1} to ${target}: ${(e as Error).message}`);
    }
  }
  return {
    header,
    data,
    sourceRoot,
    sourcePath: (original) => placed.get(original) ?? original,
  };
}

function readFileSafe(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The checked header and payload of a recording file's bytes (exported for the fuzz tests). */
type SourceEntry = { path: string; content: string; base64?: boolean };

export function parseRecording(bytes: Uint8Array, file: string): { header: RecordingHeader; payload: { sources: SourceEntry[]; data: unknown } } {
  const notOurs = `recording: ${file} is not a Chainstep recording`;
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new UserError(`${notOurs} (a recording is gzip data; this file is not)`);
  let text: Buffer;
  try {
    text = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED });
  } catch (e) {
    throw new UserError(`recording: ${file} is truncated or damaged (${(e as Error).message}); save it again from the session that recorded it`);
  }
  const newline = text.indexOf(0x0a);
  let header: unknown;
  try {
    header = JSON.parse(text.subarray(0, newline < 0 ? text.length : newline).toString('utf8'));
  } catch {
    throw new UserError(`${notOurs} (no header)`);
  }
  const h = header as Partial<Record<keyof RecordingHeader, unknown>> | null;
  if (!h || typeof h !== 'object' || h.format !== RECORDING_FORMAT) throw new UserError(`${notOurs} (no header)`);
  if (typeof h.version !== 'number' || !Number.isInteger(h.version) || h.version < 1) throw new UserError(`recording: ${file} has a damaged header (version ${JSON.stringify(h.version)})`);
  if (h.version > RECORDING_VERSION) {
    throw new UserError(`recording: ${file} was saved by a newer Chainstep (format version ${h.version}; this one reads version ${RECORDING_VERSION}): update Chainstep to open it`);
  }
  if (typeof h.vm !== 'string' || typeof h.digest !== 'string' || typeof h.title !== 'string' || typeof h.steps !== 'number' || typeof h.created !== 'string') {
    throw new UserError(`recording: ${file} has a damaged header (a field is missing)`);
  }
  if (newline < 0) throw new UserError(`recording: ${file} is truncated (it ends after its header)`);
  const payloadBytes = text.subarray(newline + 1);
  if (digestOf(payloadBytes) !== h.digest) {
    throw new UserError(`recording: ${file} was changed after it was saved (its content does not match the digest in its header): not opening it, as it would not show what was recorded`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(payloadBytes.toString('utf8'));
  } catch (e) {
    throw new UserError(`recording: ${file} is damaged (${(e as Error).message})`);
  }
  const p = payload as { sources?: unknown; data?: unknown } | null;
  const sourcesOk = p && typeof p === 'object' && Array.isArray(p.sources) &&
    p.sources.every((s: unknown) => !!s && typeof (s as { path?: unknown }).path === 'string' && typeof (s as { content?: unknown }).content === 'string');
  if (!sourcesOk || p.data === undefined) throw new UserError(`recording: ${file} is damaged (its sources or data are missing)`);
  return { header: h as RecordingHeader, payload: p as { sources: SourceEntry[]; data: unknown } };
}

/**
 * Where each recorded source goes under `root`: its path relative to the folder all sources share, so the
 * tree looks as it did (src/Vault.sol, test/Vault.t.sol). Only plain names survive: a path cannot climb out
 * of `root` (`..`, drive letters and empty parts are dropped), whatever the file says.
 */
export function placeSources(originals: readonly string[], root: string): Map<string, string> {
  const split = (p: string) => p.split(/[\\/]+/).filter((part) => part !== '' && part !== '.' && part !== '..' && !/^[A-Za-z]:$/.test(part));
  const parts = originals.map(split);
  let common = parts.length > 0 ? parts[0]!.length - 1 : 0;
  for (const p of parts) {
    let i = 0;
    while (i < common && i < p.length - 1 && p[i] === parts[0]![i]) i++;
    common = i;
  }
  const placed = new Map<string, string>();
  const taken = new Set<string>();
  for (const [i, original] of originals.entries()) {
    const rest = parts[i]!.slice(common).map((part) => part.replace(/[\0<>:"|?*]/g, '_'));
    let target = path.join(root, ...(rest.length > 0 ? rest : [`source-${i}`]));
    // Two recorded paths that clean to the same name (or a name that is also a folder) each keep their own file.
    const clashes = (t: string) => taken.has(t) || [...taken].some((u) => u.startsWith(`${t}${path.sep}`) || t.startsWith(`${u}${path.sep}`));
    for (let k = 1; clashes(target); k++) target = path.join(root, `source-${i}-${k}`, ...rest);
    taken.add(target);
    placed.set(original, target);
  }
  return placed;
}
