// Which locals of a frame the Variables view shows, and under which names: debug-info names (the part
// before `#`), compiler temporaries hidden, shadowing declarations collapsed to the live one.
import type { FunctionSourceMap } from '../package/source-map.ts';
import type { RecordedFrame } from './recording.ts';

/** Display name of a local: the debug-info name before `#`, or arg/loc numbering without one. */
export interface LocalName {
  readonly index: number;
  readonly name: string;
  readonly hidden: boolean;
  readonly parameter: boolean;
}

export interface ShownLocal extends LocalName {
  readonly display: string;
  readonly shadowed: boolean;
}

/**
 * The locals to show: temporaries hidden; of several declarations with one name (shadowing, macro
 * expansions: `x#1#4`, `x#2#8`) those holding a value, the latest as `x` and earlier ones as
 * `x (shadowed)`, or a single unset entry when none holds one.
 */
export function shownLocals(names: readonly LocalName[], hasValue: (index: number) => boolean): ShownLocal[] {
  const groups = new Map<string, LocalName[]>();
  for (const n of names) {
    if (n.hidden) continue;
    const g = groups.get(n.name);
    if (g) g.push(n);
    else groups.set(n.name, [n]);
  }
  const out: ShownLocal[] = [];
  for (const n of names) {
    if (n.hidden) continue;
    const group = groups.get(n.name)!;
    if (group.length === 1) {
      out.push({ ...n, display: n.name, shadowed: false });
      continue;
    }
    const set = group.filter((g) => hasValue(g.index));
    if (set.length === 0) {
      if (n === group[group.length - 1]) out.push({ ...n, display: n.name, shadowed: false });
      continue;
    }
    if (!set.includes(n)) continue;
    const latest = n === set[set.length - 1];
    out.push({ ...n, display: latest ? n.name : `${n.name} (shadowed)`, shadowed: !latest });
  }
  return out;
}

/** Names of a frame's locals (parameters first): from the function's source map, else arg0.. / loc0... */
export function localNamesOf(frame: RecordedFrame, sourceMap: FunctionSourceMap | undefined): LocalName[] {
  const count = Math.max(frame.localTypes.length, frame.parameters.length);
  const params = frame.parameters.length;
  const out: LocalName[] = [];
  for (let i = 0; i < count; i++) {
    const parameter = i < params;
    const known = sourceMap?.local(i);
    if (known) out.push({ index: i, name: known.name, hidden: known.isTemporary, parameter });
    else out.push({ index: i, name: parameter ? `arg${i}` : `loc${i - params}`, hidden: false, parameter });
  }
  return out;
}
