import DataLoader from 'dataloader';

/**
 * Gathers the reads asked for during one turn of the event loop and answers them with one call of
 * `loadMany`, in the order asked.
 *
 * Under load many requests reach the same read at once: fifty cards in flight each look up a name.
 * One statement for all of them costs a fraction of one statement each, both to PostgreSQL (one
 * backend woken, one executor set up) and to this process (one round trip to write and read). A
 * read asked for alone waits only for the rest of the current turn (`setImmediate`), a few
 * microseconds, so nothing is held back to wait for company.
 *
 * Built on dataloader rather than a queue of our own, set to the rules callers rely on: no cache, so every read
 * sees the catalog as it is now and a key asked for twice is sent twice; at most `maxBatch` keys a
 * statement, further keys opening the next batch; each batch sent at the end of its turn.
 *
 * `loadMany` answers every key, in order; if it fails, every read of that batch fails with its error.
 * (A value that is itself an `Error` rejects that one read: dataloader's rule; no load here answers one.)
 */
export function batchPerTurn<K, V>(loadMany: (keys: K[]) => Promise<V[]>, options: { maxBatch: number }): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V>(
    async (keys) => {
      const values = await loadMany(keys as K[]);
      if (values.length !== keys.length) throw new Error(`a batched read answered ${values.length} of ${keys.length} keys`);
      return values;
    },
    { cache: false, maxBatchSize: options.maxBatch, batchScheduleFn: (callback) => setImmediate(callback) },
  );
  return (key: K) => loader.load(key);
}
