// What the language server needs from a Move front end (the compiler in language/move once it exists):
// check one file of a package, with the editor's unsaved contents, and return its diagnostics. The server
// publishes them next to its own; until a front end is registered, .move files get outlines only.

export interface MoveDiagnostic {
  /** Absolute path of the file the diagnostic is in (may be another file of the package). */
  readonly path: string;
  /** UTF-16 offsets in that file's text. */
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly code?: string;
}

export interface MoveFrontEnd {
  /** A short name shown with its diagnostics ("chainstep-move"). */
  readonly name: string;
  /**
   * Checks the file at `path` (and what its package needs). `openFiles` maps absolute paths to the editor's
   * unsaved contents, which take precedence over the disk. Must not throw for bad input: report it instead.
   */
  check(path: string, openFiles: ReadonlyMap<string, string>): Promise<readonly MoveDiagnostic[]>;
}
