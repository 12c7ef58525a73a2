// The `chainstep` launch schema in package.json is what VS Code completes and checks in launch.json: an
// attribute the adapter reads but the schema lacks is underlined as "not allowed" and never suggested.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Attribute {
  type?: string | string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

function launchSchema(): Record<string, Attribute> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const chainstep = pkg.contributes.debuggers.find((d: { type: string }) => d.type === 'chainstep');
  return chainstep.configurationAttributes.launch.properties;
}

/** Launch attributes the adapter reads (`config.x` or `config['x']`) anywhere in its sources. */
function attributesRead(): Set<string> {
  const found = new Set<string>();
  const dir = path.join(root, 'debug-adapter');
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(path.join(dir, file), 'utf8');
    // `config.x`, `run.config.x`, `config['x']`; not a file name in a string ('hardhat.config.ts').
    for (const m of text.matchAll(/(?<!\w)config(?:\.([A-Za-z]\w*)(?![\w'"])|\['([A-Za-z]\w*)'\])/g)) found.add((m[1] ?? m[2])!);
  }
  // Set by VS Code itself, not written by the user.
  for (const builtIn of ['name', 'type', 'request', 'noDebug', '__sessionId']) found.delete(builtIn);
  return found;
}

test('every launch attribute the adapter reads is in the schema, with a description', () => {
  const schema = launchSchema();
  const read = attributesRead();
  assert.ok(read.has('program') && read.has('stopAtEnd') && read.has('maxSteps'), 'the scan finds the attributes it should');
  for (const attribute of read) {
    assert.ok(schema[attribute], `launch.${attribute} is read by the adapter but missing from the schema`);
    assert.ok((schema[attribute]!.description ?? '').length > 20, `launch.${attribute} has no description`);
  }
});

test('stopAtEnd is a boolean, maxSteps (and its alias stepLimit) a positive integer or decimal string, from an address or an account index 0-9', () => {
  const { stopAtEnd, maxSteps, stepLimit, from } = launchSchema();
  assert.equal(stopAtEnd?.type, 'boolean');
  for (const bound of [maxSteps, stepLimit]) {
    assert.deepEqual(bound?.type, ['integer', 'string']);
    assert.equal(bound?.minimum, 1);
    const digits = new RegExp(bound?.pattern ?? '.*');
    assert.ok(digits.test('1000') && !digits.test('many'));
  }
  assert.deepEqual(from?.type, ['string', 'integer']);
  assert.deepEqual([from?.minimum, from?.maximum], [0, 9]);
  const address = new RegExp(from?.pattern ?? '.*');
  assert.ok(address.test('0x70997970C51812dc3A010C7d01b50e0d17dc79C8'));
  assert.ok(!address.test('alice'), 'a string must be an address');
});
