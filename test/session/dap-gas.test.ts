// Gas per line, as the extension receives it (`chainstep/lineGas` after launch): checked against the EVM's
// own accounting (the call's gasUsed from @ethereumjs/evm; the per-opcode costs of EIP-2929/2200) and
// against how many times each line ran in the sample's source.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readLaunchJson } from '../../debug-adapter/cli/launch-json.ts';
import type { GasCall, GasReport, LineGas } from '../../debug-adapter/core/line-gas.ts';
import { measuredFunctions } from '../../extension/gas-hints.ts';
import { AdapterClient, launch, nextEvent } from './dap-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const folder = path.join(root, 'samples/solidity/caller-callee');
const caller = path.join(folder, 'Caller.sol');
const callee = path.join(folder, 'Callee.sol');

type GasEvent = GasReport & { gasUsed?: number; vm: string };

function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} is in ${file}`);
  return i + 1;
}

async function lineGas(config: Record<string, unknown>): Promise<GasEvent> {
  const dc = new AdapterClient();
  try {
    const event = nextEvent(dc, 'chainstep/lineGas');
    const terminated = nextEvent(dc, 'terminated');
    await launch(dc, config);
    const body = ((await event) as DebugProtocol.Event).body as GasEvent;
    await terminated;
    return body;
  } finally {
    await dc.stop();
  }
}

function at(report: GasEvent, file: string, text: string): LineGas {
  const line = lineOf(file, text);
  const found = report.lines.find((l) => l.path === file && l.line === line);
  assert.ok(found, `line ${line} (${text}) ran`);
  return found;
}

test('per-line gas of Caller.run(4) adds up to the call\'s gas and shows cold storage writes and loop counts', async () => {
  const configs = readLaunchJson(path.join(folder, '.vscode/launch.json'));
  const config = { ...configs.find((c) => c.name === 'Caller: run(4)')!.config, noDebug: true, stopOnEntry: false };
  const report = await lineGas(config);
  assert.equal(report.vm, 'evm');
  assert.ok(report.gasUsed && report.gasUsed > 50_000, `gasUsed ${report.gasUsed}`);
  // Every step's gas is on a line or in the unmapped bucket, and together they are the EVM's gasUsed.
  const sum = report.lines.reduce((s, l) => s + l.gas, 0) + report.unmapped;
  assert.equal(sum, report.total);
  assert.equal(report.total, report.gasUsed);
  for (const l of report.lines) assert.equal(l.breakdown.reduce((s, b) => s + b.gas, 0), l.gas, `breakdown of line ${l.line} adds up`);

  // notify() writes lastResult for the first time: a cold SSTORE from zero is 20,000 + 2,100 (EIP-2929).
  const write = at(report, caller, 'lastResult = value;');
  assert.equal(write.count, 1);
  assert.deepEqual(write.breakdown.find((b) => b.label.startsWith('storage write')), { label: 'storage write (cold, set from zero)', count: 1, gas: 22_100 });
  // run() writes it again afterwards: warm and dirty, 100.
  const rewrite = at(report, caller, 'lastResult = MathLib.clamp(scaled, 1000);');
  assert.deepEqual(rewrite.breakdown.find((b) => b.label.startsWith('storage write')), { label: 'storage write (warm, no-op or slot already written)', count: 1, gas: 100 });
  // Callee reads `factor` once: a cold SLOAD, 2,100.
  assert.deepEqual(at(report, callee, 'result = value * factor;').breakdown.find((b) => b.label.startsWith('storage read')),
    { label: 'storage read (cold)', count: 1, gas: 2_100 });

  // Loop body and the internal function it calls ran four times each; the call line once.
  assert.equal(at(report, caller, 'sum += square(i);').count, 4);
  assert.equal(at(report, caller, 'return x * x;').count, 4);
  const call = at(report, caller, 'uint256 scaled = callee.scale(total);');
  assert.equal(call.count, 1);
  // The CALL itself costs the caller 2,600 to reach a cold account (EIP-2929), its memory growth apart; the
  // callee's own gas is on the callee's lines, not here.
  assert.deepEqual(call.breakdown.find((b) => b.label.startsWith('call')), { label: 'call: account access (cold)', count: 1, gas: 2_600 });
  const calleeGas = report.lines.filter((l) => l.path === callee).reduce((s, l) => s + l.gas, 0);
  assert.ok(calleeGas > 2_100 && call.gas < calleeGas + 10_000, `callee ${calleeGas}, call line ${call.gas}`);

  // The call tree by gas: the debugged call is the root and holds all of it; loops merge into one node.
  const tree = report.calls!;
  const flat = (n: GasCall, out: GasCall[] = []): GasCall[] => (out.push(n), n.children.forEach((c) => flat(c, out)), out);
  assert.equal(tree.name, 'Caller.run');
  assert.equal(tree.gas, report.total);
  for (const n of flat(tree)) assert.equal(n.gas, n.self + n.children.reduce((s, c) => s + c.gas, 0), `${n.name} is its own gas plus its callees'`);
  const squares = tree.children.find((c) => c.name === 'Caller.sumOfSquares')!;
  assert.equal(squares.count, 1);
  assert.equal(squares.path, caller);
  assert.equal(squares.children.find((c) => c.name === 'Caller.square')?.count, 4, 'square ran four times (generated checked-math helpers are nodes too)');
  const scale = tree.children.find((c) => c.name === 'Callee.scale')!;
  assert.equal(scale.path, callee);
  assert.ok(scale.children.some((c) => c.name === 'Caller.notify'), 'the callback is inside the call');
  // Everything on Callee.sol's lines ran inside Callee.scale (the callback's dispatcher, without a line of its own, is paid by the Callee line that called it).
  // What the function lenses show: run's total is the call's gas; square's is its four calls together.
  const measured = measuredFunctions(report, caller);
  assert.equal(measured.find((m) => m.name === 'run')?.gas, report.gasUsed);
  assert.deepEqual(measured.filter((m) => m.name === 'square').map((m) => [m.path, m.calls, m.gas]), [[caller, 4, squares.children.find((c) => c.name === 'Caller.square')!.gas]]);
  assert.ok(scale.gas >= calleeGas, `scale's gas ${scale.gas} covers its lines' ${calleeGas}`);
  assert.ok(report.unmapped < 1_000, `unmapped ${report.unmapped}`);
});

test('gas per line never holds the debugger: a stackTrace sent at the first stop is answered before the gas event', async () => {
  // ~2M steps: the measurement takes dozens of slices, the request arrives during the first few.
  const loop = path.join(root, 'test/evm/contracts/Loop.sol');
  const dc = new AdapterClient();
  const order: string[] = [];
  try {
    const gas = nextEvent(dc, 'chainstep/lineGas').then((e) => (order.push('lineGas'), e.body as GasEvent));
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { type: 'chainstep', request: 'launch', program: loop, contract: 'Loop', function: 'loop', args: ['6000'], gasLimit: 1_000_000_000, stopOnEntry: true });
    await stopped;
    const frames = await dc.stackTraceRequest({ threadId: 1 });
    order.push('stackTrace');
    assert.ok(frames.body.stackFrames.length > 0);
    const report = await gas;
    // Order on the wire, not timing: the adapter answered the request before it finished measuring.
    assert.deepEqual(order, ['stackTrace', 'lineGas']);
    assert.equal(report.total, report.gasUsed, 'the measurement is whole');
    const body = report.lines.find((l) => l.path === loop && l.line === lineOf(loop, 'sum += values[i % 64];'));
    assert.equal(body?.count, 6000);
  } finally {
    await dc.stop();
  }
});
