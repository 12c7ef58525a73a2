// The one error the binary readers throw. Malformed bytecode is a user problem (a corrupt or foreign
// build output), so it extends UserError, and it always says where: which module, which table, which byte.
import { UserError } from '../../core/errors.ts';

export class MoveFormatError extends UserError {
  /** Name of the module or file being read, as given by the caller. */
  readonly moduleName: string;
  /** The table or section being read when the problem was found ("header", "function definitions", ...). */
  readonly table: string;
  /** Absolute byte offset in the input where the problem was found. */
  readonly offset: number;
  /** The problem itself, without the location. */
  readonly detail: string;

  constructor(moduleName: string, table: string, offset: number, detail: string) {
    super(`Malformed Move bytecode in ${moduleName}: ${detail} (${table}, byte offset ${offset})`);
    this.moduleName = moduleName;
    this.table = table;
    this.offset = offset;
    this.detail = detail;
  }
}
