// Commands a backend adds to the `chainstep` command line (e.g. Move's `chainstep trace`), and the one way
// every command reads its flags: node's util.parseArgs, with its errors turned into a UserError that names
// the flag and shows the usage (never an internal error with a stack).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.ts';

/** Where a command prints: its result lines, and its error lines. */
export interface CommandIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** A `chainstep <name> ...` command a backend brings. The command line lists and runs it. */
export interface BackendCommand {
  readonly name: string;
  /** Usage and description for `chainstep --help`, indented as the help text is. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: readonly string[], io: CommandIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs for a command: a strict parse whose mistakes are UserErrors ending with `usage`. */
export function parseFlags<O extends Options>(argv: readonly string[], options: O, usage: string, positionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: positionals, strict: true });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) throw e;
    throw new UserError(`${describe(code, (e as Error).message)}\n${usage}`);
  }
}

/** node's messages, shortened to what a user needs: which flag, and what is wrong with it. */
function describe(code: string, message: string): string {
  const flag = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) return `unknown option ${flag}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) return `${flag.split(' ')[0]} needs a value`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument: ${/'([^']*)'/.exec(message)?.[1] ?? message}`;
  return message;
}
