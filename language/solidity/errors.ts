// A problem the user can fix in their Solidity project (missing file, compile error with file:line:col,
// unreachable compiler). The language folder cannot know the debugger's error types: the debugger turns this
// into its UserError and the language server into a diagnostic or a message.
export class SolidityProjectError extends Error {
  override readonly name = 'SolidityProjectError';
}
