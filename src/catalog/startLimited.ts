import type { Turns } from './turns';

/**
 * Starts `work` on every item, at most `limit` at once, and gives back the results in item order.
 * Results wait for the caller to `take` them in order; no item starts more than `2 × limit` ahead
 * of the last one taken, so a slow first item (a GitHub retry) or slow writes cannot make finished
 * locations, each holding its entities, pile up in memory.
 */
export function startLimited<T, R>(items: T[], limit: number, turns: Turns, work: (item: T) => Promise<R>): { results: Array<Promise<R>>; taken(): void } {
  const settle: Array<{ resolve: (value: R) => void; reject: (error: unknown) => void }> = [];
  const results = items.map(() => new Promise<R>((resolve, reject) => settle.push({ resolve, reject })));
  // Every result is awaited in order by the caller; this only keeps a failure that is not reached
  // yet from being reported as unhandled.
  for (const result of results) result.catch(() => undefined);
  const window = 2 * limit;
  let taken = 0;
  let waiting: Array<() => void> = [];
  let next = 0;
  // Back to the event loop before each item, one item per turn: work that never waits on I/O (a
  // local file read and parsed) would otherwise run item after item while the database's answers
  // to earlier writes wait, and PostgreSQL would sit idle between the statements of a batch.
  const runner = async () => {
    while (next < items.length) {
      await turns.next();
      // Checked right before taking an item, with no wait in between, so runners cannot pass together.
      // A runner that had to wait takes a turn again: those woken together would otherwise all start
      // at once and hold the event loop for a slice each.
      if (next >= taken + window) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      if (next >= items.length) break;
      const index = next++;
      try {
        settle[index]!.resolve(await work(items[index]!));
      } catch (error) {
        settle[index]!.reject(error);
      }
    }
  };
  for (let i = 0; i < Math.min(limit, items.length); i++) void runner();
  return {
    results,
    taken() {
      taken++;
      const wake = waiting;
      waiting = [];
      for (const resolve of wake) resolve();
    },
  };
}
