// Errors a user can cause and fix. The session shows their message as is, in the editor, and keeps
// running; any other exception is a bug in Chainstep and is reported as such.

/** A problem with the user's input: missing file, compile error, unknown function, bad argument, ... */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** A bad expression in watch, hover, evaluate, a breakpoint condition or a logpoint. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}
