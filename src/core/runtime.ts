/**
 * What the running bot knows about itself for /status: since when it runs and when the last error
 * happened (an update that failed, a background job that failed). Kept in memory: a restart starts
 * a new record, and the log keeps the details.
 */
export interface RuntimeRecord {
  readonly startedAt: Date;
  readonly lastErrorAt: Date | undefined;
  noteError(): void;
}

export function createRuntimeRecord(clock: () => Date): RuntimeRecord {
  let lastErrorAt: Date | undefined;
  return {
    startedAt: clock(),
    get lastErrorAt() {
      return lastErrorAt;
    },
    noteError: () => void (lastErrorAt = clock()),
  };
}
