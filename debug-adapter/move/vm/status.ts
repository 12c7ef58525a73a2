// Move VM status codes the interpreter can end with (move-core-types `StatusCode`), and the error that
// carries one out of the interpreter loop. Numbers match the real VM so abort reports and traces agree.

export const StatusCode = {
  OUT_OF_GAS: 4002,
  RESOURCE_DOES_NOT_EXIST: 4003,
  RESOURCE_ALREADY_EXISTS: 4004,
  MISSING_DATA: 4008,
  DATA_FORMAT_ERROR: 4009,
  ABORTED: 4016,
  ARITHMETIC_ERROR: 4017,
  VECTOR_OPERATION_ERROR: 4018,
  EXECUTION_STACK_OVERFLOW: 4020,
  CALL_STACK_OVERFLOW: 4021,
  VM_MAX_TYPE_DEPTH_REACHED: 4024,
  VM_MAX_VALUE_DEPTH_REACHED: 4025,
  /** Invariant violations: what the bytecode verifier would have rejected (reachable with unverified code). */
  UNKNOWN_INVARIANT_VIOLATION_ERROR: 2000,
  /** Unpacking an enum value as another variant than it holds. */
  VARIANT_TAG_MISMATCH: 2024,
  /** Ours: the configured step limit ended the run (an endless loop, most likely). */
  STEP_LIMIT_REACHED: 9001,
  /** Ours: a native function the interpreter does not implement. */
  MISSING_NATIVE: 9002,
} as const;

export type StatusName = keyof typeof StatusCode;

/** Sub-status codes of VECTOR_OPERATION_ERROR (values_impl.rs). */
export const VectorSubStatus = {
  INDEX_OUT_OF_BOUNDS: 1,
  POP_EMPTY_VEC: 2,
  VEC_UNPACK_PARITY_MISMATCH: 3,
  VEC_SIZE_LIMIT_REACHED: 4,
} as const;

/**
 * Thrown inside the interpreter (and by natives) to end execution with a status. `abortCode` is set for
 * ABORTED (a Move `abort`, or a native's abort); `subStatus` for vector errors.
 */
export class VMError extends Error {
  override readonly name = 'VMError';
  /** Where it happened, when not at the current instruction (an abort inside a native function). */
  location?: { readonly module: string; readonly function: string; readonly functionIndex: number; readonly pc: number };
  constructor(
    readonly status: StatusName,
    message: string,
    readonly abortCode?: bigint,
    readonly subStatus?: number,
  ) {
    super(message);
  }
}

/** A Move `abort code` (or a native's abort): status ABORTED with the code. */
export function abortError(code: bigint, message = `aborted with code ${code}`): VMError {
  return new VMError('ABORTED', message, code);
}

/** Errors that the bytecode verifier prevents for well-formed modules: only malformed code reaches them. */
export function invariant(message: string): VMError {
  return new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', message);
}
