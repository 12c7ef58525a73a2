// The shape of the `chainstep/lineGas` DAP event: gas measured per source line and the call tree by gas.
// Type-only and shared by the two ends of the wire: the debug adapter's core builds it
// (debug-adapter/core/line-gas.ts) and the extension shows it (extension/gas-hints.ts). Nothing here runs,
// so neither end depends on the other's code.

/** A kind of work inside a line: "storage write (cold, zero → nonzero)", "call", "memory growth". */
export interface GasItem {
  readonly label: string;
  /** Instructions that did this kind of work (an MSTORE that grew memory counts under both its kinds). */
  readonly count: number;
  readonly gas: number;
}

export interface LineGas {
  /** SourceFile.path of the line's source. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  /** Gas of the line's own instructions and of the code without lines it ran (callees with lines count on theirs). */
  readonly gas: number;
  /** Times execution arrived at the line (loop iterations, repeated calls), not instructions run. */
  readonly count: number;
  /** Where the gas went, largest first; the items add up to `gas`. */
  readonly breakdown: readonly GasItem[];
}

/**
 * A node of the call tree by gas: calls of one function from the same caller merged (as a flame graph
 * shows them). The root is the debugged call.
 */
export interface GasCall {
  /** The frame's name as the call stack shows it: "Caller.sumOfSquares", "0x0::m::foo". */
  readonly name: string;
  /** Where the function starts (its first step's location), when it has sources. */
  readonly path?: string;
  readonly line?: number;
  /** Activations merged into this node. */
  readonly count: number;
  /** Gas of its own steps and everything it called (inclusive). */
  readonly gas: number;
  /** Gas of its own steps only. */
  readonly self: number;
  readonly children: readonly GasCall[];
}

export interface GasReport {
  /** Gas of every recorded step: equals the call's execution gas when the recording is complete. */
  readonly total: number;
  /**
   * Gas of steps before any statement ran (the dispatcher, ABI decoding). Later steps without a line of
   * their own (compiler helpers, function entry and exit, code without sources) are paid by the statement
   * running them, here or in a caller.
   */
  readonly unmapped: number;
  /** Where the unmapped gas went (same kinds as a line's breakdown). */
  readonly unmappedBreakdown: readonly GasItem[];
  readonly lines: readonly LineGas[];
  /** The call tree by gas (external calls, internal functions, Move calls). */
  readonly calls?: GasCall;
}

/** The event body: the report plus what ran. */
export interface LineGasEvent extends GasReport {
  /** "evm" or "move" (Move gas is in Sui gas units). */
  readonly vm: string;
  readonly program?: string;
  readonly function?: string;
  /** The call's gas used as the VM reported it (EVM: execution gas, without intrinsic cost and refunds). */
  readonly gasUsed?: number;
}
