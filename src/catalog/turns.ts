/**
 * Turns of the event loop, shared by everything one ingestion runs at once. `serve` reads catalogs
 * in the process that answers Slack, so reading must hand the loop back often: a reader that has
 * worked for TURN_MS waits for a turn before going on.
 *
 * Node runs every immediate queued before a check phase in that one phase, so readers that each
 * yielded with a plain `setImmediate` would resume back to back and hold the loop for all their
 * slices together. Here the turns form a chain: each waiting reader's immediate is queued only when
 * the one before it has run, so one reader resumes per turn of the loop, with I/O (requests, the
 * database's answers) handled between them.
 */
const TURN_MS = 10;

export interface Turns {
  /** Waits for the next turn of the loop, after every reader already waiting for one. */
  next(): Promise<void>;
  /** A reader's own clock: resolves at once until it has worked TURN_MS, then waits for a turn. */
  slice(): () => Promise<void>;
}

export function createTurns(): Turns {
  let chain = Promise.resolve();
  const next = () => (chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve))));
  return {
    next,
    slice() {
      let since = performance.now();
      return async () => {
        if (performance.now() - since < TURN_MS) return;
        await next();
        since = performance.now();
      };
    },
  };
}
