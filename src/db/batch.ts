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
 * `loadMany` answers every key, in order; if it fails, every read of that batch fails with its error.
 */
export function batchPerTurn<K, V>(loadMany: (keys: K[]) => Promise<V[]>, options: { maxBatch: number }): (key: K) => Promise<V> {
  interface Batch {
    keys: K[];
    waiters: Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>;
    sent: boolean;
  }
  let open: Batch | undefined;

  const send = (batch: Batch) => {
    if (batch.sent) return;
    batch.sent = true;
    if (open === batch) open = undefined;
    Promise.resolve()
      .then(() => loadMany(batch.keys))
      .then((values) => {
        if (values.length !== batch.keys.length) throw new Error(`a batched read answered ${values.length} of ${batch.keys.length} keys`);
        batch.waiters.forEach((waiter, i) => waiter.resolve(values[i]!));
      })
      .catch((error: unknown) => {
        for (const waiter of batch.waiters) waiter.reject(error);
      });
  };

  return (key: K) =>
    new Promise<V>((resolve, reject) => {
      if (!open) {
        const batch: Batch = { keys: [], waiters: [], sent: false };
        open = batch;
        setImmediate(() => send(batch));
      }
      open.keys.push(key);
      open.waiters.push({ resolve, reject });
      if (open.keys.length >= options.maxBatch) send(open);
    });
}
