// Disassembly that comes with a trace instead of bytecode: on-chain replays ship, per package,
// `bytecode/<module>.mvb` (the disassembled text) and `<module>.json` (a bytecode map: the Sui source-map
// format, whose locations are byte ranges in the `.mvb` text, identified by its SHA-256). With them, a
// trace without a build is shown on that text: instruction texts with operands, and the `.mvb` file as
// a read-only source, one line per instruction.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../package/find-sources.ts';
import { readSourceMap } from '../package/load-package.ts';
import type { ModuleSourceMap } from '../package/source-map.ts';

export interface DisassembledModule {
  /** 64 hex digits. */
  readonly address: string;
  readonly name: string;
  readonly mvbPath: string;
  /** Function names in definition order (the order the disassembler prints them). */
  readonly functions: readonly string[];
  /** Instruction texts by function definition index, then pc. */
  readonly code: readonly (readonly string[])[];
  /** The bytecode map, when its hash matches the `.mvb` text. */
  readonly sourceMap?: ModuleSourceMap;
}

export interface DisassemblyFolder {
  /** By `address::name` (64 hex digits). */
  readonly modules: ReadonlyMap<string, DisassembledModule>;
  /** `.mvb` paths by SHA-256 (for the bytecode maps' file hashes). */
  readonly sources: ReadonlyMap<string, string>;
}

const MAX_DEPTH = 4;
const MAX_FILES = 5000;

function mvbFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    let entries: string[];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        continue;
      }
      if (isDir) walk(p, depth + 1);
      else if (e.endsWith('.mvb')) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

const MODULE_LINE = /^module ([0-9a-fA-F]+)\.([A-Za-z_][A-Za-z0-9_]*) \{/m;
const FUNCTION_HEADER = /^(?:(?:native|public|entry|friend|public\(friend\)|public\(package\))\s+)*([A-Za-z_][A-Za-z0-9_]*)(?:<[^(]*>)?\(/;
const INSTRUCTION = /^\t(\d+): (.*)$/;

/** Function names (in order) and their instruction texts from a `.mvb` text. */
export function parseMvb(text: string): { address: string; name: string; functions: string[]; code: string[][] } | undefined {
  const m = MODULE_LINE.exec(text);
  if (!m) return undefined;
  const functions: string[] = [];
  const code: string[][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('struct ') || line.startsWith('enum ') || line.startsWith('use ') || line.startsWith('module ') || line.startsWith('//')) continue;
    const header = FUNCTION_HEADER.exec(line);
    if (header && !line.startsWith('\t') && !line.startsWith(' ')) {
      functions.push(header[1]!);
      code.push([]);
      continue;
    }
    const ins = INSTRUCTION.exec(line);
    if (ins && code.length > 0) code[code.length - 1]![Number(ins[1])] = ins[2]!;
  }
  return { address: m[1]!.toLowerCase().padStart(64, '0'), name: m[2]!, functions, code };
}

/** Reads every `.mvb` (and its bytecode map) under a folder; undefined when there is none. */
export function readDisassemblyFolder(dir: string): DisassemblyFolder | undefined {
  const files = mvbFiles(dir);
  if (files.length === 0) return undefined;
  const modules = new Map<string, DisassembledModule>();
  const sources = new Map<string, string>();
  for (const mvbPath of files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(mvbPath);
    } catch {
      continue;
    }
    const parsed = parseMvb(new TextDecoder().decode(bytes));
    if (!parsed) continue;
    const hash = sha256Hex(bytes);
    let sourceMap: ModuleSourceMap | undefined;
    try {
      const map = readSourceMap(mvbPath.replace(/\.mvb$/, '.json'));
      if (map.definitionLocation.fileHash === hash) sourceMap = map;
    } catch {
      // No bytecode map, or one we cannot read: the texts alone still help.
    }
    if (sourceMap) sources.set(hash, mvbPath);
    modules.set(`${parsed.address}::${parsed.name}`, { ...parsed, mvbPath, ...(sourceMap ? { sourceMap } : {}) });
  }
  return { modules, sources };
}
