// The `chainstep` command line: `chainstep dap` serves the debug adapter over stdio (what VS Code and the
// DAP tests talk to); `chainstep debug` runs a headless scripted session and prints it.

import * as path from 'node:path';
import { ChainstepSession } from '../session/session.ts';
import { UserError } from '../core/errors.ts';
import type { LaunchConfig } from '../core/execution.ts';
import { backends } from './backends.ts';
import { runHeadless } from './headless.ts';
import { readLaunchJson } from './launch-json.ts';
import { parseFlags } from '../core/command-line.ts';

/** Commands the backends bring (`chainstep trace` from Move), by name. */
const backendCommands = new Map(backends.flatMap((b) => b.commands ?? []).map((c) => [c.name, c]));

export const HELP = `chainstep: step through Solidity and Move contract calls, forwards and backwards.

Usage:
  chainstep dap [--program <path> [--cwd <folder>]]
      Run the debug adapter over stdin/stdout (Debug Adapter Protocol). VS Code starts it this way, naming
      the program it is about to launch so the adapter offers that VM's exception filters.

  chainstep debug <launch.json> [--name <configuration>] [flags]
  chainstep debug --program <file.sol|folder> --function <name|signature> [flags]
  chainstep debug --rpc <url> --tx <hash> [--program <folder>] [flags]
      Run a headless debug session and print what a user would see: compilation, each stop (reason,
      file:line and the source line), the call stack, parameters and locals, the top of the VM stack, and
      how the call ended. Without --break it stops on entry and steps statement by statement (into
      internal and external calls that have source), shows a few step backs, then continues to the end.
      With --break it runs from breakpoint to breakpoint. With --rpc and --tx it replays a mined
      transaction from a node, with the sources of --program (default: the current folder) where the
      code that ran matches their build.

  chainstep lsp --stdio
      Run the language server over stdin/stdout (Language Server Protocol): Solidity diagnostics as you
      type, hover, go to definition, references, symbols and completion; Move outlines. For any LSP editor.

${[...backendCommands.values()].map((c) => c.help).join('\n')}
Flags of chainstep debug (override the launch.json configuration's fields):
  --name <name>               which configuration of the launch.json (default: the first chainstep one)
  --program <path>            .sol file or folder (Solidity), or Move package folder
  --contract <name>           contract to deploy and call
  --function <name>           function name or signature, e.g. "withdraw(uint256)"
  --args <json>               arguments as a JSON array, e.g. '["0xabc…", "100"]'
  --constructor-args <json>   constructor arguments as a JSON array
  --setup <json>              set-up calls: '[{"function":"deposit","args":[],"value":"100"}]'
  --from <address>            sender (default: the first prefunded account)
  --value <wei>               wei sent with the call
  --gas-limit <n>             gas limit of the call
  --solc-version <x.y.z>      solc release to compile with (default: from the pragmas / foundry.toml)
  --solc-bin-url <url>        solc-bin base URL for releases other than the bundled one (default
                              https://binaries.soliditylang.org/bin; cached in ~/.cache/chainstep/solc)
  --rpc <url>                 a node's JSON-RPC URL, to replay a mined transaction (with --tx)
  --tx <hash>                 the hash of the mined transaction to replay
  --break <file:line>         breakpoint (repeatable); file relative to the current folder
  --steps <n>                 stops to show (default 30)
  --step-back <n>             step backs to show after them (default 3)
  --recording <file>          open a saved recording (.chainstep) instead of recording: no compiler, no
                              project needed; its sources are written to a temporary folder
  --save-recording <file>     save the session's recording to a file (to share, or keep as a CI artifact)
  --json                      one JSON object per line (progress, output, breakpoint, stop, end, error);
                              the schema is in the README ("JSON output of chainstep debug")
  -h, --help                  this text
`;

function json(flag: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`--${flag}: not valid JSON (${(e as Error).message}): ${text}`);
  }
}

function count(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`--${flag}: expected a whole number, got ${text}`);
  return n;
}

async function debug(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      name: { type: 'string' },
      program: { type: 'string' },
      contract: { type: 'string' },
      function: { type: 'string' },
      args: { type: 'string' },
      'constructor-args': { type: 'string' },
      setup: { type: 'string' },
      from: { type: 'string' },
      value: { type: 'string' },
      'gas-limit': { type: 'string' },
      'solc-version': { type: 'string' },
      'solc-bin-url': { type: 'string' },
      rpc: { type: 'string' },
      tx: { type: 'string' },
      break: { type: 'string', multiple: true },
      steps: { type: 'string' },
      'step-back': { type: 'string' },
      json: { type: 'boolean' },
      recording: { type: 'string' },
      'save-recording': { type: 'string' },
    },
    HELP,
    true,
  );
  let config: Record<string, unknown>;
  if (positionals[0]) {
    const configs = readLaunchJson(positionals[0]);
    const chosen = values.name === undefined ? configs[0] : configs.find((c) => c.name === values.name);
    if (!chosen) {
      throw new UserError(
        values.name === undefined
          ? `${positionals[0]} has no configuration of type "chainstep".`
          : `${positionals[0]} has no configuration named "${values.name}"; it has: ${configs.map((c) => `"${c.name}"`).join(', ')}`,
      );
    }
    config = { ...chosen.config };
  } else if (values.recording) {
    config = { recording: path.resolve(values.recording), cwd: process.cwd() };
  } else if (values.program || values.tx !== undefined || values.rpc !== undefined) {
    // A replayed transaction is debugged with the sources of the current folder by default.
    config = { program: path.resolve(values.program ?? '.'), cwd: process.cwd() };
  } else {
    throw new UserError('chainstep debug: give a launch.json path, --program or --recording (see chainstep --help).');
  }
  if (values.program && positionals[0]) config['program'] = path.resolve(values.program);
  const overrides: Record<string, unknown> = {
    contract: values.contract,
    function: values.function,
    args: json('args', values.args),
    constructorArgs: json('constructor-args', values['constructor-args']),
    setup: json('setup', values.setup),
    from: values.from,
    value: values.value,
    gasLimit: values['gas-limit'],
    solcVersion: values['solc-version'],
    solcBinUrl: values['solc-bin-url'],
    rpcUrl: values.rpc,
    txHash: values.tx,
  };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) config[k] = v;
  const breakpoints = (values.break ?? []).map((spec) => {
    const at = spec.lastIndexOf(':');
    const line = Number(spec.slice(at + 1));
    if (at <= 0 || !Number.isInteger(line) || line < 1) throw new UserError(`--break: expected file:line, got ${spec}`);
    return { file: path.resolve(spec.slice(0, at)), line };
  });
  return runHeadless(
    backends,
    config as unknown as LaunchConfig,
    {
      breakpoints, steps: count('steps', values.steps, 30), stepBack: count('step-back', values['step-back'], 3), json: values.json === true,
      ...(values['save-recording'] !== undefined ? { saveRecording: path.resolve(values['save-recording']) } : {}),
    },
    (line) => process.stdout.write(`${line}\n`),
  );
}

/** Serves DAP on stdio. Nothing else may write to stdout, so console output goes to stderr. */
function dap(argv: string[]): void {
  const { values } = parseFlags(argv, { program: { type: 'string' }, cwd: { type: 'string' } }, HELP);
  const expected = values.program !== undefined ? { program: values.program, ...(values.cwd !== undefined ? { cwd: values.cwd } : {}) } : undefined;
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  // A bug in a request handler must not take the editor's session down with it.
  process.on('uncaughtException', (e) => process.stderr.write(`chainstep: uncaught ${e.stack ?? e}\n`));
  process.on('unhandledRejection', (e) => process.stderr.write(`chainstep: unhandled ${(e as Error)?.stack ?? e}\n`));
  const session = new ChainstepSession(backends, expected ? { expected } : {});
  session.start(process.stdin, process.stdout);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(HELP);
      return command === undefined ? 1 : 0;
    }
    if (command === 'dap') {
      dap(rest);
      return -1; // keeps running until the client disconnects
    }
    if (command === 'debug') {
      if (rest.includes('-h') || rest.includes('--help')) {
        process.stdout.write(HELP);
        return 0;
      }
      return await debug(rest);
    }
    if (command === 'lsp') {
      // Loaded on demand: the language server shares nothing with the debugger.
      const { runLanguageServer } = await import('../../language-server/main.ts');
      if (!rest.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='))) process.argv.push('--stdio');
      runLanguageServer();
      return -1; // keeps running until the client exits
    }
    const backendCommand = command !== undefined ? backendCommands.get(command) : undefined;
    if (backendCommand) {
      return await backendCommand.run(rest, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    }
    throw new UserError(`unknown command "${command}" (see chainstep --help)`);
  } catch (e) {
    process.stderr.write(e instanceof UserError ? `chainstep: ${e.message}\n` : `chainstep: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
