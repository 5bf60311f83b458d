import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CARD_NEIGHBOURHOOD, TEAM_NEIGHBOURHOOD } from '../../commands/whoowns';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { cacheCatalogReads, type CatalogReadCache } from '../../src/catalog/readCache';
import type { CatalogChangeFeed, CatalogStore } from '../../src/catalog/store';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let folder: string;
let file: string;

const component = (description: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: ${description}
spec:
  type: service
  lifecycle: production
  owner: group:payments
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  children: []
`;

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-read-cache-'));
  file = path.join(folder, 'catalog-info.yaml');
});
// Every test starts from the same catalog: one file, ingested again as it first was.
beforeEach(async () => {
  fs.writeFileSync(file, component('Takes payments.'));
  await ingest([await rootFromPath(file)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
});
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const CACHED_READS = ['findByNameOrTitle', 'findSimilar', 'groupAncestry', 'neighbourhood'] as const;

/** The store, counting the reads that reach it. */
function countingStore(): { store: PgCatalogStore & CatalogStore; reads: () => number } {
  const store = PgCatalogStore.create({ pool: db().pool });
  let reads = 0;
  const counted = Object.create(store) as PgCatalogStore;
  for (const method of CACHED_READS) {
    const read = store[method].bind(store) as (...args: unknown[]) => unknown;
    Object.assign(counted, {
      [method]: (...args: unknown[]) => {
        reads++;
        return read(...args);
      },
    });
  }
  return { store: counted, reads: () => reads };
}

/** The store's change feed, reconnecting quickly so a test need not wait a second. */
function quickFeed(): CatalogChangeFeed {
  const store = PgCatalogStore.create({ pool: db().pool });
  return { watchChanges: (handlers) => store.watchChanges(handlers, { retryMs: 50, maxRetryMs: 100 }) };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function withCache(test: (cache: CatalogReadCache<PgCatalogStore>, reads: () => number) => Promise<void>): Promise<void> {
  const { store, reads } = countingStore();
  const cache = cacheCatalogReads(store, quickFeed());
  try {
    await cache.ready;
    expect(cache.stats().watching).toBe(true);
    await test(cache, reads);
  } finally {
    await cache.stop();
  }
}

const descriptionOf = async (cache: CatalogReadCache<PgCatalogStore>) => (await cache.catalog.findByNameOrTitle('Payments-API', CARD_NEIGHBOURHOOD)).byName[0]?.entity.metadata.description;

describe('the catalog read cache', () => {
  it('answers a card asked for again from memory, and reads afresh once the catalog changes', async () => {
    await withCache(async (cache, reads) => {
      expect(await descriptionOf(cache)).toBe('Takes payments.');
      expect(await descriptionOf(cache)).toBe('Takes payments.');
      expect(reads()).toBe(1);

      // A change committed elsewhere (here an ingestion through its own store) reaches every cache.
      fs.writeFileSync(file, component('Takes and refunds payments.'));
      await ingest([await rootFromPath(file)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
      await until(() => cache.stats().entries === 0, 'the change is heard');

      expect(await descriptionOf(cache)).toBe('Takes and refunds payments.');
      expect(reads()).toBe(2);
      expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
    });
  });

  it('keeps the near misses of a misspelled name, and the exact read around a name, apart', async () => {
    await withCache(async (cache, reads) => {
      const first = await cache.catalog.findSimilar('paymnts-api', 5);
      expect(first.map((match) => match.entity.ref)).toContain('component:default/payments-api');
      await cache.catalog.findSimilar('paymnts-api', 5);
      await cache.catalog.findSimilar('paymnts-api', 3);
      await cache.catalog.findByNameOrTitle('payments-api');
      await cache.catalog.findByNameOrTitle('payments-api', CARD_NEIGHBOURHOOD);
      expect(reads()).toBe(4);
    });
  });

  it("climbs a team's parents once for all the cards of its team, until the catalog changes", async () => {
    await withCache(async (cache, reads) => {
      const climb = { ownedKinds: ['rotation'], maxDepth: 8 };
      const teamOf = async (ref: string) => (await cache.catalog.groupAncestry(ref, climb)).map((level) => level.group.entity.spec?.type);
      expect(await teamOf('group:default/payments')).toEqual(['team']);
      expect(await teamOf('Group:default/Payments')).toEqual(['team']);
      expect(reads()).toBe(1);
      // Another climb (other owned kinds) is another answer.
      await cache.catalog.groupAncestry('group:default/payments', { ownedKinds: ['rotation', 'component'], maxDepth: 8 });
      expect(reads()).toBe(2);

      fs.writeFileSync(file, component('Takes payments.').replace('type: team', 'type: squad'));
      await ingest([await rootFromPath(file)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
      await until(() => cache.stats().entries === 0, 'the change is heard');
      expect(await teamOf('group:default/payments')).toEqual(['squad']);
      expect(reads()).toBe(3);
    });
  });

  it('keeps nothing while it cannot hear of changes, and starts keeping again once it can', async () => {
    await withCache(async (cache, reads) => {
      await descriptionOf(cache);
      const { rows } = await db().pool.query<{ stopped: boolean }>(
        "SELECT pg_terminate_backend(pid) AS stopped FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN backline_catalog_changed%'",
      );
      expect(rows).toEqual([{ stopped: true }]);
      await until(() => !cache.stats().watching, 'the dropped connection is noticed');
      expect(cache.stats().entries).toBe(0);

      // Changes made now would go unheard, so every read goes to the store...
      const before = reads();
      await descriptionOf(cache);
      await descriptionOf(cache);
      expect(reads() - before).toBe(2);

      // ...until the feed is back, when answers are kept again.
      await until(() => cache.stats().watching, 'the feed reconnects');
      await descriptionOf(cache);
      await descriptionOf(cache);
      expect(reads() - before).toBe(3);
    });
  });

  it('reads once for callers asking the same thing at the same time', async () => {
    await withCache(async (cache, reads) => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => descriptionOf(cache)));
      expect(answers).toEqual(Array(10).fill('Takes payments.'));
      expect(reads()).toBe(1);
    });
  });

  it('hands out answers that cannot be changed, since every caller shares them', async () => {
    await withCache(async (cache) => {
      const { byName } = await cache.catalog.findByNameOrTitle('payments-api', CARD_NEIGHBOURHOOD);
      const metadata = byName[0]!.entity.metadata as Record<string, unknown>;
      expect(() => {
        metadata.description = 'changed by a caller';
      }).toThrow(TypeError);
      expect(await descriptionOf(cache)).toBe('Takes payments.');
    });
  });

  it('keeps what many cards share when a burst of new names fills its room for names', async () => {
    const { store, reads } = countingStore();
    const cache = cacheCatalogReads(store, quickFeed(), { maxEntries: 2, maxSharedEntries: 2 });
    try {
      await cache.ready;
      const climb = () => cache.catalog.groupAncestry('group:default/payments', { ownedKinds: ['rotation'], maxDepth: 8 });
      const team = () => cache.catalog.neighbourhood('group:default/payments', TEAM_NEIGHBOURHOOD);
      await climb();
      await team();
      // Read around a component (a card found by its ref): as personal as a typed name.
      await cache.catalog.neighbourhood('component:default/payments-api', CARD_NEIGHBOURHOOD);
      for (const name of ['payments-api', 'payments', 'nothing-by-this-name', 'nor-this-one']) await cache.catalog.findByNameOrTitle(name);
      expect(reads()).toBe(7);
      await climb();
      await team();
      expect(reads()).toBe(7);
      await cache.catalog.neighbourhood('component:default/payments-api', CARD_NEIGHBOURHOOD);
      expect(reads()).toBe(8);
    } finally {
      await cache.stop();
    }
  });

  it('forgets the least recently used answer first when full', async () => {
    const { store, reads } = countingStore();
    const cache = cacheCatalogReads(store, quickFeed(), { maxEntries: 2 });
    try {
      await cache.ready;
      await cache.catalog.findByNameOrTitle('payments-api');
      await cache.catalog.findByNameOrTitle('payments');
      await cache.catalog.findByNameOrTitle('payments-api'); // used again: now the newest
      await cache.catalog.findByNameOrTitle('nothing-by-this-name'); // evicts "payments"
      expect(reads()).toBe(3);
      await cache.catalog.findByNameOrTitle('payments-api');
      expect(reads()).toBe(3);
      await cache.catalog.findByNameOrTitle('payments');
      expect(reads()).toBe(4);
    } finally {
      await cache.stop();
    }
  });
});
