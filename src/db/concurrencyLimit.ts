/**
 * At most `limit` pieces of work at once; the rest wait their turn, first come first served. For
 * statements that are CPU work for PostgreSQL: run many at once on a server of few CPUs and each
 * takes as long as all of them, so the slowest kind sets every answer's time.
 */
export function concurrencyLimit(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (running < limit) running++;
    // A finishing piece hands its place straight to the next in line.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
