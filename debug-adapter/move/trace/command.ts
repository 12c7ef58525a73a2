// `chainstep trace --program <build folder> --function <addr::module::fun> [--args json]
//  [--type-args json] [--framework <snapshot.bcs>]... [--gas-budget n] [--max-steps n] --out F`
//
// Runs one Move function in the interpreter and writes its execution as a Sui trace (JSON Lines,
// version 3) that the Sui trace tools and Chainstep's own trace debugging read. Prints one line on
// how the call ended. Exit code 0 when the trace was written (whether the call returned or aborted),
// 1 for a usage or input error, with the message on stderr.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { parseFlags, type BackendCommand, type CommandIO } from '../../core/command-line.ts';
import { loadPackage } from '../package/index.ts';
import { parseArgs, parseTypeArgs } from '../vm/args.ts';
import { MoveVM, type RunResult } from '../vm/interpreter.ts';
import { registryProvider } from '../vm/loader.ts';
import { dummyTxContext, renderValue } from '../vm/natives.ts';
import { VMError } from '../vm/status.ts';
import { TraceWriter } from './writer.ts';

const USAGE =
  'usage: chainstep trace --program <build folder> --function <address>::<module>::<function> ' +
  "[--args '[...]'] [--type-args '[\"0x2::sui::SUI\"]'] [--framework <0x2.bcs>]... [--gas-budget N] [--max-steps N] --out <file.jsonl>";

const FLAGS = {
  program: { type: 'string' },
  function: { type: 'string' },
  args: { type: 'string' },
  'type-args': { type: 'string' },
  out: { type: 'string' },
  framework: { type: 'string', multiple: true },
  'gas-budget': { type: 'string' },
  'max-steps': { type: 'string' },
  // The earlier name of --max-steps.
  'step-limit': { type: 'string' },
} as const;

function parseArgv(argv: readonly string[]) {
  const { values } = parseFlags(argv, FLAGS, USAGE);
  return {
    program: values.program,
    function: values.function,
    args: values.args,
    typeArgs: values['type-args'],
    out: values.out,
    frameworks: values.framework ?? [],
    gasBudget: values['gas-budget'],
    stepLimit: values['max-steps'] ?? values['step-limit'],
  };
}

function json(text: string | undefined, what: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text, (_k, v) => v);
  } catch (e) {
    throw new UserError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function integer(text: string | undefined, what: string): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UserError(`${what} must be a whole number, got ${text}`);
  return BigInt(text);
}

/** One line describing how a run ended. */
export function describeResult(result: RunResult): string {
  const gas = `gas used ${result.gasUsed}, ${result.steps} instructions`;
  switch (result.kind) {
    case 'returned':
      return `returned (${result.values.map(renderValue).join(', ')}); ${gas}`;
    case 'aborted':
      return `aborted with code ${result.code} in ${result.location.module}::${result.location.function} at pc ${result.location.pc}; ${gas}`;
    default:
      return `failed: ${result.status} (${result.message})${result.location ? ` in ${result.location.module}::${result.location.function} at pc ${result.location.pc}` : ''}; ${gas}`;
  }
}

export async function runTraceCommand(argv: readonly string[], io: CommandIO = { out: console.log, err: console.error }): Promise<number> {
  try {
    const o = parseArgv(argv);
    if (!o.program || !o.function || !o.out) throw new UserError(`--program, --function and --out are required\n${USAGE}`);
    // Node 20 has no zstd compressor: traces are written as plain JSON Lines, which every reader accepts.
    if (o.out.endsWith('.zst')) throw new UserError(`--out ${o.out}: compressed traces are not written; name the file .jsonl (readers accept plain JSON Lines)`);
    const pkg = loadPackage(o.program, { frameworks: o.frameworks.map((f) => resolve(f)), findSources: false });
    const gasBudget = integer(o.gasBudget, '--gas-budget');
    const stepLimit = integer(o.stepLimit, '--max-steps');
    const vm = new MoveVM(registryProvider(pkg.registry), {
      ...(gasBudget !== undefined ? { gasBudget } : {}),
      ...(stepLimit !== undefined ? { stepLimit: Number(stepLimit) } : {}),
      output: (line) => io.out(line),
    });
    let fn;
    try {
      fn = vm.resolveFunction(o.function);
    } catch (e) {
      if (e instanceof VMError) throw new UserError(e.message);
      throw e;
    }
    const typeArgs = parseTypeArgs(fn, json(o.typeArgs, '--type-args'), vm.loader, '--type-args');
    const args = parseArgs(fn, typeArgs, json(o.args, '--args'), { makeTxContext: () => dummyTxContext(vm.loader, vm.objects), label: '--args' });
    const writer = new TraceWriter();
    const result = vm.run(fn, typeArgs, args, writer);
    writeFileSync(o.out, writer.text());
    io.out(`${fn.qualifiedName}: ${describeResult(result)}`);
    io.out(`wrote ${writer.lines.length - 1} trace events to ${o.out}`);
    return 0;
  } catch (e) {
    if (e instanceof UserError || e instanceof VMError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
}

/** `chainstep trace`, as the Move backend brings it to the command line. */
export const traceCommand: BackendCommand = {
  name: 'trace',
  help: `  chainstep trace --program <Move build folder> --function <address>::<module>::<function> --out <file.jsonl>
          [--args <json>] [--type-args <json>] [--framework <snapshot.bcs>]... [--gas-budget <n>] [--max-steps <n>]
      Run a Move function in Chainstep's interpreter and write its execution as a Sui trace (JSON Lines,
      version 3), which the Sui trace tools and Chainstep's "trace" launch option read.
`,
  run: (argv, io) => runTraceCommand(argv, io),
};
