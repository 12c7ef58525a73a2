// A test build of the stepping_call fixture with a source file of our own (the fixtures ship no
// `.move` files): the real bytecode, and its debug info rewritten to point at our text by SHA-256.
import path from 'node:path';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * A build of the stepping_call fixture with a source of our own: the real bytecode, its debug info
 * pointing at a text whose line breaks sit between the statements of `foo` (byte offsets from the
 * debug info: v1 = … 433..460, v2 = … 470..490, v3 = … 500..520, return 526..538).
 */
export function sourcedBuild(tests: string, dir: string): { source: string; lineOf: (offset: number) => number } {
  const name = 'stepping_call';
  const from = path.join(tests, name, 'build', name);
  const build = path.join(dir, 'build', name);
  mkdirSync(path.join(build, 'bytecode_modules'), { recursive: true });
  mkdirSync(path.join(build, 'debug_info'), { recursive: true });
  mkdirSync(path.join(dir, 'sources'), { recursive: true });
  copyFileSync(path.join(from, 'bytecode_modules/m.mv'), path.join(build, 'bytecode_modules/m.mv'));
  const breaks = new Set([300, 340, 370, 400, 430, 465, 495, 523, 540, 550, 600]);
  let text = '';
  for (let i = 0; i < 620; i++) text += breaks.has(i) ? '\n' : i % 7 === 0 ? ' ' : 'x';
  const source = path.join(dir, 'sources', 'm.move');
  writeFileSync(source, text);
  const hash = [...sha256(new TextEncoder().encode(text))];
  const info = readFileSync(path.join(from, 'debug_info/m.json'), 'utf8').replace(/"file_hash":\s*\[[0-9,\s]+\]/g, `"file_hash": ${JSON.stringify(hash)}`);
  writeFileSync(path.join(build, 'debug_info/m.json'), info);
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  return { source, lineOf };
}

