// The shape every DAP request must have before a handler sees it. Handlers are written for well-formed
// requests (DAP's types); a client that leaves out `source` or sends a string where a number belongs gets a
// clear error naming the field, instead of an internal error from deep inside a handler.

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';
/** A field: its kind, `?` when optional; arrays may say what their elements must look like. */
interface Field {
  readonly kind: Kind;
  readonly optional?: boolean;
  readonly items?: Shape;
}
type Shape = Readonly<Record<string, Field>>;

const need = (kind: Kind, items?: Shape): Field => ({ kind, ...(items ? { items } : {}) });
const may = (kind: Kind, items?: Shape): Field => ({ kind, optional: true, ...(items ? { items } : {}) });

const thread: Shape = { threadId: need('number') };
const frame: Shape = { frameId: may('number') };

/** Arguments of the requests Chainstep answers (fields a handler reads; others pass through unchecked). */
const SHAPES: Readonly<Record<string, Shape>> = {
  initialize: { adapterID: may('string'), pathFormat: may('string'), linesStartAt1: may('boolean'), columnsStartAt1: may('boolean') },
  launch: {},
  restart: { arguments: may('object') },
  setBreakpoints: {
    source: need('object'),
    breakpoints: may('array', { line: need('number'), condition: may('string'), hitCondition: may('string'), logMessage: may('string') }),
  },
  breakpointLocations: { source: need('object'), line: need('number'), endLine: may('number') },
  setFunctionBreakpoints: { breakpoints: need('array', { name: need('string'), condition: may('string'), hitCondition: may('string') }) },
  setExceptionBreakpoints: { filters: need('array'), filterOptions: may('array', { filterId: need('string') }) },
  setInstructionBreakpoints: {
    breakpoints: need('array', { instructionReference: need('string'), offset: may('number'), condition: may('string'), hitCondition: may('string') }),
  },
  dataBreakpointInfo: { name: need('string'), variablesReference: may('number'), frameId: may('number') },
  setDataBreakpoints: { breakpoints: need('array', { dataId: need('string'), accessType: may('string'), condition: may('string'), hitCondition: may('string') }) },
  continue: thread,
  next: thread,
  stepIn: { ...thread, targetId: may('number') },
  stepOut: thread,
  stepBack: thread,
  reverseContinue: thread,
  pause: thread,
  stepInTargets: { frameId: need('number') },
  exceptionInfo: thread,
  stackTrace: { ...thread, startFrame: may('number'), levels: may('number') },
  scopes: { frameId: need('number') },
  variables: { variablesReference: need('number'), start: may('number'), count: may('number'), filter: may('string') },
  evaluate: { expression: need('string'), ...frame, context: may('string') },
  readMemory: { memoryReference: need('string'), offset: may('number'), count: need('number') },
  disassemble: { memoryReference: need('string'), offset: may('number'), instructionOffset: may('number'), instructionCount: need('number') },
  source: { sourceReference: may('number'), source: may('object') },
  cancel: { requestId: may('number'), progressId: may('string') },
  'chainstep/saveRecording': { path: need('string') },
};

/** Largest counts a request may ask for: a bigger one is a client bug, not a view to fill. */
const LIMITS: Readonly<Record<string, number>> = { count: 64 * 1024 * 1024, instructionCount: 100_000, levels: 1_000_000 };

function kindOf(v: unknown): Kind | 'null' | 'other' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'number') return Number.isFinite(v) ? 'number' : 'other';
  return t === 'string' || t === 'boolean' || t === 'object' ? t : 'other';
}

function check(value: Record<string, unknown>, shape: Shape, where: string): string | undefined {
  for (const [name, field] of Object.entries(shape)) {
    const v = value[name];
    if (v === undefined) {
      if (field.optional) continue;
      return `${where}.${name} is missing (expected ${article(field.kind)})`;
    }
    if (kindOf(v) !== field.kind) return `${where}.${name} must be ${article(field.kind)}, got ${JSON.stringify(v)?.slice(0, 60)}`;
    const limit = LIMITS[name];
    if (field.kind === 'number' && ((limit !== undefined && (v as number) > limit) || Math.abs(v as number) > Number.MAX_SAFE_INTEGER)) {
      return `${where}.${name} is too large (${v as number})`;
    }
    if (field.items) {
      for (const [i, item] of (v as unknown[]).entries()) {
        if (kindOf(item) !== 'object') return `${where}.${name}[${i}] must be an object`;
        const problem = check(item as Record<string, unknown>, field.items, `${where}.${name}[${i}]`);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

function article(kind: Kind): string {
  return kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}

/**
 * Checks a request's arguments (filling in what DAP makes optional: no arguments at all, `pathFormat`
 * "path"); returns what is wrong, or undefined.
 */
export function checkRequest(request: { command: string; arguments?: unknown }): string | undefined {
  if (request.arguments === undefined || request.arguments === null) request.arguments = {};
  if (kindOf(request.arguments) !== 'object') return `${request.command}: arguments must be an object`;
  const args = request.arguments as Record<string, unknown>;
  // DAP: "pathFormat ... Values: 'path', 'uri', etc." with 'path' the default when absent.
  if (request.command === 'initialize' && args['pathFormat'] === undefined) args['pathFormat'] = 'path';
  const shape = SHAPES[request.command];
  return shape ? check(args, shape, request.command) : undefined;
}

/** Whether a parsed message is a request the session can answer (an object with a seq and a command). */
export function requestParts(message: unknown): { seq: number; command: string } | undefined {
  if (kindOf(message) !== 'object') return undefined;
  const m = message as Record<string, unknown>;
  if (m['type'] !== 'request' || typeof m['command'] !== 'string' || typeof m['seq'] !== 'number') return undefined;
  return { seq: m['seq'], command: m['command'] };
}
