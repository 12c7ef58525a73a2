// Reads a `chainstep` configuration from a VS Code launch.json (JSON with comments and trailing commas),
// substituting the variables a sample's launch.json uses, as VS Code would.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../core/errors.ts';
import type { LaunchConfig } from '../core/execution.ts';

/** Removes // and /* comments outside strings, and trailing commas before } or ]. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

export interface NamedConfig {
  readonly name: string;
  readonly config: LaunchConfig;
}

/** The chainstep launch configurations of a launch.json, with ${workspaceFolder} & co. resolved. */
export function readLaunchJson(file: string): NamedConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`Cannot read ${file}.`);
  }
  let json: { configurations?: Record<string, unknown>[] };
  try {
    json = JSON.parse(stripJsonComments(text)) as typeof json;
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const absolute = path.resolve(file);
  // .vscode/launch.json lives in the workspace folder's .vscode.
  const workspace = path.basename(path.dirname(absolute)) === '.vscode' ? path.dirname(path.dirname(absolute)) : path.dirname(absolute);
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value
        .replaceAll('${workspaceFolder}', workspace)
        .replaceAll('${workspaceFolderBasename}', path.basename(workspace))
        .replaceAll('${pathSeparator}', path.sep)
        .replaceAll('${/}', path.sep)
        .replace(/\$\{env:([^}]+)\}/g, (_, name: string) => process.env[name] ?? '');
    }
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    }
    return value;
  };
  return (json.configurations ?? [])
    .filter((c) => c['type'] === 'chainstep')
    .map((c) => {
      const config = substitute(c) as Record<string, unknown>;
      const cwd = typeof config['cwd'] === 'string' ? path.resolve(workspace, config['cwd']) : workspace;
      const program = typeof config['program'] === 'string' ? path.resolve(cwd, config['program']) : '';
      return { name: String(config['name'] ?? ''), config: { ...config, cwd, program } as LaunchConfig };
    });
}
