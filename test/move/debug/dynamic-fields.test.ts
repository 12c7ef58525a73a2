// Sui dynamic fields in the Variables view, as they are at the selected step. global_write's test adds
// two entries to a linked_table (each a dynamic field of the table, created by the native
// add_child_object), and the second push_back writes the first entry's `next` through a reference to
// that field. The view must show the field from the first push_back on, and its `next` after the write.
// The oracle: the real VM's trace of the same test (the Field values passed to add_child_object).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, move, nextEvent, serve, where } from '../../session/dap-helpers.ts';
import { backends } from '../../../debug-adapter/cli/backends.ts';
import { readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');
const pkg = path.join(fixtures, 'sui-trace-tests', 'global_write');
const traceFile = path.join(pkg, 'traces', 'global_write__m__test.jsonl');
const frameworks = ['0x1.bcs', '0x2.bcs'].map((f) => path.join(fixtures, 'sui-framework/v124', f));
const skip = (!existsSync(pkg) || !existsSync(frameworks[0]!)) && '../shared/fixtures/move (global_write, sui-framework) not found';
const source = path.join(pkg, 'sources', 'm.move');
const SECOND_PUSH = 17;
const DROP = 18;

/** Field ids (hex) the real VM created, in order, from the trace's add_child_object calls. */
function createdFieldIds(): string[] {
  const ids: string[] = [];
  for (const e of readTraceFile(traceFile).events) {
    if (!('OpenFrame' in e) || e.OpenFrame.frame.function_name !== 'add_child_object') continue;
    const child = e.OpenFrame.frame.parameters[1] as unknown as { RuntimeValue: { value: { value: { fields: [string, { value: { fields: [string, { value: { fields: [string, { value: string }][] } }][] } }][] } } } };
    ids.push(child.RuntimeValue.value.value.fields[0]![1].value.fields[0]![1].value.fields[0]![1].value);
  }
  return ids;
}

/** The Dynamic fields scope of the top frame: field label -> (path -> value) of its leaves. */
async function dynamicFields(dc: DebugClient): Promise<Map<string, Map<string, string>>> {
  const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
  const scope = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Dynamic fields');
  const out = new Map<string, Map<string, string>>();
  if (!scope) return out;
  for (const f of (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables) {
    const leaves = new Map<string, string>();
    const walk = async (ref: number, prefix: string): Promise<void> => {
      for (const v of (await dc.variablesRequest({ variablesReference: ref })).body.variables) {
        const key = prefix ? `${prefix}.${v.name}` : v.name;
        leaves.set(key, v.value);
        if (v.variablesReference > 0 && key.split('.').length < 5) await walk(v.variablesReference, key);
      }
    };
    await walk(f.variablesReference, '');
    out.set(f.name, leaves);
  }
  return out;
}

for (const mode of ['trace', 'interpreter'] as const) {
  test(`Sui dynamic fields (${mode}): the field the first push_back creates shows, and the second push_back's write to it`, { skip }, async () => {
    const ids = createdFieldIds();
    assert.equal(ids.length, 2, 'the real VM created two fields');
    const served = await serve(backends);
    const { dc } = served;
    try {
      const config = mode === 'trace'
        ? { type: 'chainstep', request: 'launch', program: pkg, trace: traceFile }
        : { type: 'chainstep', request: 'launch', program: pkg, function: '0x0::m::test', frameworks };
      const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
      await launch(dc, config, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: SECOND_PUSH }] }));
      assert.equal((await stopped).body.reason, 'breakpoint');
      assert.equal((await where(dc)).line, SECOND_PUSH);
      let fields = await dynamicFields(dc);
      assert.equal(fields.size, 1, `one field after the first push_back: ${[...fields.keys()].join(', ')}`);
      const [first] = [...fields.values()];
      assert.equal(first!.get('id.id.bytes'), `0x${ids[0]}`, 'the field the real VM created');
      assert.equal(first!.get('name'), '7');
      assert.equal(first!.get('value.next'), 'none');

      await move(dc, () => dc.nextRequest({ threadId: 1 }));
      assert.equal((await where(dc)).line, DROP);
      fields = await dynamicFields(dc);
      assert.equal(fields.size, 2);
      const byName = new Map([...fields.values()].map((f) => [f.get('name'), f]));
      assert.equal(byName.get('7')!.get('value.next'), 'some(42)', 'the write through the borrowed field shows');
      assert.equal(byName.get('42')!.get('id.id.bytes'), `0x${ids[1]}`);
      assert.equal(byName.get('42')!.get('value.prev'), 'some(7)');
    } finally {
      await served.close();
    }
  });
}
