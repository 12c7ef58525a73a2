// A recorded EVM call saved to a recording file and opened again: the compiled project (sources, ASTs,
// source maps, storage layouts, bytecode), the recording itself, storage as it was before the call, labels
// and the Debug Console lines. Opening rebuilds the same EvmExecution without compiling or running anything,
// so a Foundry test with cheatcodes, or a call replayed from a node, reopens exactly as it was recorded.
import type { OutputLine, RecordingToOpen, SavedRecording } from '../../core/execution.ts';
import type { AbiItem, CompiledProject } from '../../../language/solidity/compile.ts';
import { damaged, openRecordingData, readArray, readBigint, readObject, readText, saveRecordingData } from '../record/saved.ts';
import type { EvmCallInfo } from './execution.ts';
import { storageFromWords, type InitialStorage } from '../record/storage-snapshot.ts';
export { storageFromWords, type InitialStorage };

/** What `data` of an EVM recording file holds (version 1 of the recording format). */
interface EvmRecordingData {
  readonly kind: 'evm-call';
  readonly project: CompiledProject;
  readonly fn: AbiItem | null;
  readonly labels: readonly (readonly [string, string])[];
  readonly output: readonly OutputLine[];
  /** Storage words before the call, as [address, slot, value] in 0x hex (slots never written are zero). */
  readonly initialStorage: readonly (readonly [string, string, string])[];
  /** Only these words are known (a replay): other slots open as unknown. */
  readonly initialStoragePartial?: boolean;
  readonly recording: unknown;
}

/** Storage before the call that a recording file can hold: the reader, and every non-zero word it knows. */
export function saveEvmRecording(info: EvmCallInfo, output: readonly OutputLine[], title: string): SavedRecording {
  const storage: InitialStorage = info.initialStorage;
  const data: EvmRecordingData = {
    kind: 'evm-call',
    project: info.project,
    fn: info.fn ?? null,
    labels: [...(info.labels ?? [])],
    output,
    initialStorage: [...(storage.words?.() ?? [])].map(([a, s, v]) => [a, `0x${s.toString(16)}`, `0x${v.toString(16)}`] as const),
    // Storage that cannot list its words (a replay's lazily read node state) is saved as unknown, not as zero.
    initialStoragePartial: storage.words === undefined || storage.partial === true,
    recording: saveRecordingData(info.recording),
  };
  return { title, sources: info.project.sources.map((s) => ({ path: s.path, content: s.content })), data };
}

/** The call info and Debug Console lines of a saved EVM recording, its sources at their new places. */
export function openEvmRecording(saved: RecordingToOpen): { info: EvmCallInfo; output: OutputLine[] } {
  const d = readObject(saved.data, 'data');
  if (d['kind'] !== 'evm-call') damaged('data.kind');
  const project = readObject(d['project'], 'data.project') as unknown as CompiledProject;
  if (!Array.isArray(project.sources) || !Array.isArray(project.contracts) || !Array.isArray(project.targets) || !Array.isArray(project.warnings)) damaged('data.project');
  for (const s of project.sources) {
    if (!s || typeof s.path !== 'string' || typeof s.content !== 'string' || typeof s.unit !== 'string' || typeof s.id !== 'number' || !s.ast || typeof s.ast !== 'object') damaged('data.project.sources');
  }
  for (const c of project.contracts) {
    if (!c || typeof c.name !== 'string' || typeof c.sourceUnit !== 'string' || !Array.isArray(c.abi) || !c.bytecode || !c.deployedBytecode ||
      typeof c.deployedBytecode.object !== 'string' || typeof c.deployedBytecode.sourceMap !== 'string' || !Array.isArray(c.deployedBytecode.generatedSources)) damaged('data.project.contracts');
  }
  const moved: CompiledProject = { ...project, sources: project.sources.map((s) => ({ ...s, path: saved.sourcePath(s.path) })) };
  const fn = d['fn'] === null ? undefined : (readObject(d['fn'], 'data.fn') as unknown as AbiItem);
  const labels = new Map(readArray(d['labels'], 'data.labels').map((l) => {
    const [address, label] = readArray(l, 'data.labels');
    return [readText(address, 'data.labels'), readText(label, 'data.labels')] as const;
  }));
  const output = readArray(d['output'], 'data.output').map((o) => {
    const line = readObject(o, 'data.output');
    if (typeof line['step'] !== 'number' || !Number.isSafeInteger(line['step']) || line['step'] < 0) damaged('data.output');
    return { step: line['step'], text: readText(line['text'], 'data.output') };
  });
  const initialStorage = storageFromWords(readArray(d['initialStorage'], 'data.initialStorage').map((w) => {
    const [address, slot, value] = readArray(w, 'data.initialStorage');
    return [readText(address, 'data.initialStorage'), readBigint(slot, 'data.initialStorage'), readBigint(value, 'data.initialStorage')] as const;
  }), d['initialStoragePartial'] === true);
  const recording = openRecordingData(d['recording']);
  return { info: { project: moved, recording, ...(fn ? { fn } : {}), initialStorage, ...(labels.size > 0 ? { labels } : {}) }, output };
}
