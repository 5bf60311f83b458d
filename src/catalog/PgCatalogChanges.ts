import type pg from 'pg';
import type { CatalogChangeFeed, CatalogChangeHandlers } from './store';

// Notified by triggers on entities and relations after every committed change (migrations/000011).
const CHANGES_CHANNEL = 'backline_catalog_changed';

/** How soon a dropped connection is opened again: first after `retryMs`, then twice as long each time up to `maxRetryMs`. */
export interface ReconnectOptions {
  retryMs?: number;
  maxRetryMs?: number;
}

/** Committed catalog changes, heard through LISTEN/NOTIFY from whichever process made them. */
export class PgCatalogChanges implements CatalogChangeFeed {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgCatalogChanges {
    return new PgCatalogChanges(options.pool);
  }

  /**
   * Listens for committed catalog changes on a connection of its own, held from the pool for as long
   * as it watches. A dropped connection is reported (`watching(false)`) and opened again, after 1 s
   * and then up to 30 s apart, until `stop`.
   */
  watchChanges(handlers: CatalogChangeHandlers, options: ReconnectOptions = {}): { ready: Promise<void>; stop(): Promise<void> } {
    const retryMs = options.retryMs ?? 1_000;
    const maxRetryMs = options.maxRetryMs ?? 30_000;
    let delay = retryMs;
    let stopped = false;
    let listening: pg.PoolClient | undefined;
    let retry: NodeJS.Timeout | undefined;
    const onNotification = (message: pg.Notification) => {
      if (message.channel === CHANGES_CHANNEL) handlers.changed();
    };
    const lose = (client: pg.PoolClient | undefined, error?: unknown) => {
      if (client) {
        if (listening !== client) return; // already handled
        listening = undefined;
        client.off('notification', onNotification);
        client.release(error instanceof Error ? error : true);
      }
      handlers.watching(false);
      if (stopped) return;
      retry = setTimeout(() => void connect(), delay);
      retry.unref();
      delay = Math.min(delay * 2, maxRetryMs);
    };
    const connect = async () => {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        if (stopped) return client.release();
        listening = client;
        const lost = (error?: unknown) => lose(client, error);
        client.on('error', lost);
        client.on('end', () => lost());
        client.on('notification', onNotification);
        await client.query(`LISTEN ${CHANGES_CHANNEL}`);
        if (listening !== client) return;
        delay = retryMs;
        handlers.watching(true);
      } catch (error) {
        lose(client && listening === client ? client : undefined, error);
      }
    };
    const ready = connect();
    return {
      ready,
      stop: async () => {
        stopped = true;
        clearTimeout(retry);
        await ready;
        const client = listening;
        if (!client) return;
        listening = undefined;
        client.off('notification', onNotification);
        // The connection goes back to the pool, so it must stop listening first.
        try {
          await client.query(`UNLISTEN ${CHANGES_CHANNEL}`);
          client.release();
        } catch (error) {
          client.release(error instanceof Error ? error : true);
        }
      },
    };
  }
}
