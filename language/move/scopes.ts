// Lexical scopes of a function body: a stack of name -> value maps (a type, a local slot, a declaration
// location), innermost last. Shared by name resolution, type checking and code generation.
export class ScopeStack<T> {
  private readonly scopes: Map<string, T>[] = [];

  /** Starts over with one scope holding `initial` (the parameters). */
  reset(initial: Iterable<[string, T]> = []): void {
    this.scopes.length = 0;
    this.scopes.push(new Map(initial));
  }

  declare(name: string, value: T): void {
    this.scopes[this.scopes.length - 1].set(name, value);
  }

  lookup(name: string): T | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i].get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Every visible name with its value (inner scopes shadow outer ones). */
  visible(): Map<string, T> {
    const out = new Map<string, T>();
    for (const scope of this.scopes) for (const [k, v] of scope) out.set(k, v);
    return out;
  }

  /** Runs `f` in a new inner scope. */
  scoped<R>(f: () => R): R {
    this.scopes.push(new Map());
    try {
      return f();
    } finally {
      this.scopes.pop();
    }
  }
}
