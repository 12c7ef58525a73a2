// Work waiting for a worker thread, at most one job per document: queuing a newer version replaces the
// older one (and moves it to the back), so a burst of edits costs one job, and documents take turns.
export class LatestPerDocument<J> {
  private readonly jobs = new Map<string, J>();

  put(key: string, job: J): void {
    this.jobs.delete(key);
    this.jobs.set(key, job);
  }

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  delete(key: string): void {
    this.jobs.delete(key);
  }

  clear(): void {
    this.jobs.clear();
  }

  /** Removes and returns the job waiting longest. */
  take(): [string, J] | undefined {
    const next = this.jobs.entries().next();
    if (next.done) return undefined;
    this.jobs.delete(next.value[0]);
    return next.value;
  }
}
