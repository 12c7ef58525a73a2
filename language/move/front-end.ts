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

/** A place in a file, 0-based lines and UTF-16 columns (as LSP counts them). */
export interface MoveLocation {
  readonly path: string;
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

export interface MoveFrontEnd {
  /** A short name shown with its diagnostics ("chainstep-move"). */
  readonly name: string;
  /**
   * Checks the file at `path` (and what its package needs). `openFiles` maps absolute paths to the editor's
   * unsaved contents, which take precedence over the disk. Must not throw for bad input: report it instead.
   */
  check(path: string, openFiles: ReadonlyMap<string, string>): Promise<readonly MoveDiagnostic[]>;
  /**
   * From the last check, when `text` is what it checked: Markdown describing what is at `offset` (UTF-16)
   * — a variable's type, or the declaration a name refers to — and where that declaration is.
   */
  hover?(path: string, offset: number, text: string): string | undefined;
  definition?(path: string, offset: number, text: string): MoveLocation | undefined;
}
