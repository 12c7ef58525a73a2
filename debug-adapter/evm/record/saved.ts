// A Recording as JSON data and back, for recording files: typed-array columns as base64 (little-endian, as
// recorded), bigints as 0x hex, byte strings as hex, memory snapshots shared between checkpoints stored once.
// Reading checks every part's shape and length against the step count, so damaged data is a clear error
// rather than a wrong picture or a crash while stepping.
import { UserError } from '../../core/errors.ts';
import { type CallContext, type CallKind, type Checkpoint, type Column, Recording } from './recording.ts';

const COLUMNS = ['pc', 'context', 'gasStep', 'gasValue', 'values', 'memStep', 'memOffset', 'memLength', 'memDataAt', 'memSize', 'memData', 'storageStep', 'storageKind'] as const;
type ColumnName = (typeof COLUMNS)[number];
const KINDS: readonly CallKind[] = ['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL', 'CREATE', 'CREATE2', 'TX'];

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const big = (v: bigint): string => `0x${v.toString(16)}`;
const base64 = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function saveRecordingData(rec: Recording): unknown {
  rec.trim();
  const snapshots = new Map<Uint8Array, number>();
  const memories: string[] = [];
  const snapshot = (m: Uint8Array) => {
    let i = snapshots.get(m);
    if (i === undefined) { i = memories.length; snapshots.set(m, i); memories.push(hex(m)); }
    return i;
  };
  const columns: Record<string, string> = {};
  for (const name of COLUMNS) columns[name] = base64((rec[name] as Column<Uint8Array>).data.subarray(0, rec[name].length));
  return {
    stepLimit: rec.stepLimit ?? null,
    columns,
    fee: base64(rec.fee),
    storage: rec.storageSlot.map((slot, i) => [big(slot), big(rec.storageValue[i]!), big(rec.storagePrevious[i]!)]),
    preimages: [...rec.preimages].map(([h, p]) => [big(h), hex(p), rec.preimageSteps.get(h) ?? null]),
    earlierPreimages: [...rec.earlierPreimages].map(([h, p]) => [big(h), hex(p.preimage), p.origin]),
    logs: rec.logs.map((l) => ({ step: l.step, address: l.address, topics: l.topics.map(big), data: hex(l.data) })),
    memories,
    contexts: rec.contexts.map((c) => ({
      id: c.id, parent: c.parent, depth: c.depth, kind: c.kind, address: c.address, codeAddress: c.codeAddress, caller: c.caller,
      value: big(c.value), calldata: hex(c.calldata), gasLimit: big(c.gasLimit), isCreate: c.isCreate, code: hex(c.code),
      callStep: c.callStep, firstStep: c.firstStep, endStep: c.endStep, endValueOffset: c.endValueOffset, endMemoryIndex: c.endMemoryIndex,
      error: c.error ?? null, returnData: hex(c.returnData), gasUsed: big(c.gasUsed),
      checkpoints: c.checkpoints.map((k) => [k.step, k.stack.map(big), snapshot(k.memory), k.memorySnapshotIndex, k.valueOffset, k.memoryIndex]),
    })),
  };
}

/** Reads what saveRecordingData wrote; UserError naming the part that is damaged. */
export function openRecordingData(data: unknown): Recording {
  const d = object(data, 'recording');
  const rec = new Recording();
  const stepLimit = d['stepLimit'];
  if (stepLimit !== null) rec.stepLimit = whole(stepLimit, 'recording.stepLimit');
  const columns = object(d['columns'], 'recording.columns');
  for (const name of COLUMNS) {
    const bytes = Buffer.from(text(columns[name], `recording.columns.${name}`), 'base64');
    const column = rec[name] as Column<Uint8Array | Uint16Array | Uint32Array>;
    const width = column.data.BYTES_PER_ELEMENT;
    if (bytes.length % width !== 0) damaged(`recording.columns.${name}`);
    const copy = new Uint8Array(bytes); // aligned for the wider views
    column.data = new (column.data.constructor as Uint32ArrayConstructor)(copy.buffer, 0, bytes.length / width) as never;
    column.length = bytes.length / width;
  }
  const fee = Buffer.from(text(d['fee'], 'recording.fee'), 'base64');
  if (fee.length !== rec.fee.byteLength) damaged('recording.fee');
  rec.fee.set(new Uint16Array(new Uint8Array(fee).buffer));
  checkColumns(rec);

  for (const [i, entry] of array(d['storage'], 'recording.storage').entries()) {
    const [slot, value, previous] = tuple(entry, 3, `recording.storage[${i}]`);
    rec.storageSlot.push(bigint(slot, 'recording.storage')); rec.storageValue.push(bigint(value, 'recording.storage')); rec.storagePrevious.push(bigint(previous, 'recording.storage'));
  }
  if (rec.storageSlot.length !== rec.storageStep.length) damaged('recording.storage');
  for (const entry of array(d['preimages'], 'recording.preimages')) {
    const [h, p, step] = tuple(entry, 3, 'recording.preimages');
    const hash = bigint(h, 'recording.preimages');
    rec.preimages.set(hash, bytes(p, 'recording.preimages'));
    if (step !== null) rec.preimageSteps.set(hash, whole(step, 'recording.preimages'));
  }
  for (const entry of array(d['earlierPreimages'], 'recording.earlierPreimages')) {
    const [h, p, origin] = tuple(entry, 3, 'recording.earlierPreimages');
    rec.earlierPreimages.set(bigint(h, 'recording.earlierPreimages'), { preimage: bytes(p, 'recording.earlierPreimages'), origin: text(origin, 'recording.earlierPreimages') });
  }
  for (const raw of array(d['logs'], 'recording.logs')) {
    const l = object(raw, 'recording.logs');
    rec.logs.push({ step: step(l['step'], rec, 'recording.logs'), address: text(l['address'], 'recording.logs'), topics: array(l['topics'], 'recording.logs').map((t) => bigint(t, 'recording.logs')), data: bytes(l['data'], 'recording.logs') });
  }
  const memories = array(d['memories'], 'recording.memories').map((m) => bytes(m, 'recording.memories'));
  for (const [i, raw] of array(d['contexts'], 'recording.contexts').entries()) rec.contexts.push(context(raw, i, rec, memories));
  for (let s = 0; s < rec.stepCount; s++) if (rec.context.data[s]! >= rec.contexts.length) damaged('recording.columns.context');
  return rec;
}

function context(raw: unknown, index: number, rec: Recording, memories: readonly Uint8Array[]): CallContext {
  const where = `recording.contexts[${index}]`;
  const c = object(raw, where);
  const kind = text(c['kind'], where) as CallKind;
  if (!KINDS.includes(kind)) damaged(where);
  const id = whole(c['id'], where);
  if (id !== index) damaged(where);
  const parent = c['parent'] === -1 ? -1 : whole(c['parent'], where);
  if (parent >= index) damaged(where);
  const optionalStep = (v: unknown) => (v === -1 ? -1 : step(v, rec, where));
  const checkpoints: Checkpoint[] = array(c['checkpoints'], where).map((k) => {
    const [at, stack, memory, memorySnapshotIndex, valueOffset, memoryIndex] = tuple(k, 6, where);
    const m = whole(memory, where);
    if (m >= memories.length) damaged(where);
    return {
      step: step(at, rec, where), stack: array(stack, where).map((v) => bigint(v, where)), memory: memories[m]!,
      memorySnapshotIndex: whole(memorySnapshotIndex, where), valueOffset: whole(valueOffset, where), memoryIndex: whole(memoryIndex, where),
    };
  });
  const error = c['error'];
  return {
    id, parent, depth: whole(c['depth'], where), kind, address: text(c['address'], where), codeAddress: text(c['codeAddress'], where),
    caller: text(c['caller'], where), value: bigint(c['value'], where), calldata: bytes(c['calldata'], where), gasLimit: bigint(c['gasLimit'], where),
    isCreate: c['isCreate'] === true, code: bytes(c['code'], where), codeId: 0, callStep: optionalStep(c['callStep']),
    firstStep: optionalStep(c['firstStep']), endStep: whole(c['endStep'], where), endValueOffset: whole(c['endValueOffset'], where),
    endMemoryIndex: whole(c['endMemoryIndex'], where), checkpoints, ...(error !== null ? { error: text(error, where) } : {}),
    returnData: bytes(c['returnData'], where), gasUsed: bigint(c['gasUsed'], where),
  };
}

/** The per-step columns have one entry per step, and the logs index inside their streams. */
function checkColumns(rec: Recording): void {
  const n = rec.pc.length;
  if (rec.context.length !== n) damaged('recording.columns.context');
  if (rec.gasStep.length !== rec.gasValue.length) damaged('recording.columns.gasValue');
  const mem = rec.memStep.length;
  if ([rec.memOffset, rec.memLength, rec.memDataAt, rec.memSize].some((c) => c.length !== mem)) damaged('recording.columns.mem');
  if (rec.storageKind.length !== rec.storageStep.length) damaged('recording.columns.storageKind');
  for (let i = 0; i < mem; i++) if (rec.memDataAt.data[i]! + rec.memLength.data[i]! > rec.memData.length) damaged('recording.columns.memData');
}

function damaged(where: string): never {
  throw new UserError(`recording: the file is damaged (${where})`);
}
function object(v: unknown, where: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) damaged(where);
  return v as Record<string, unknown>;
}
function array(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) damaged(where);
  return v;
}
function tuple(v: unknown, n: number, where: string): unknown[] {
  const a = array(v, where);
  if (a.length !== n) damaged(where);
  return a;
}
function text(v: unknown, where: string): string {
  if (typeof v !== 'string') damaged(where);
  return v;
}
function whole(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) damaged(where);
  return v;
}
function step(v: unknown, rec: Recording, where: string): number {
  const s = whole(v, where);
  if (s > rec.stepCount) damaged(where);
  return s;
}
function bigint(v: unknown, where: string): bigint {
  if (typeof v !== 'string' || !/^0x[0-9a-f]+$/.test(v)) damaged(where);
  return BigInt(v);
}
function bytes(v: unknown, where: string): Uint8Array {
  if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v)) damaged(where);
  return Uint8Array.from(Buffer.from(v, 'hex'));
}

export { hex as bytesHex, big as bigHex, bytes as readBytes, object as readObject, array as readArray, text as readText, bigint as readBigint, damaged };
