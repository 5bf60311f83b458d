import type pg from 'pg';
import { CARD_NEIGHBOURHOOD, TEAM_NEIGHBOURHOOD, whoOwns } from '../../commands/whoowns';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { answeringFrom } from '../../src/catalog/neighbourhood';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import type { Neighbourhood, NeighbourhoodRequest } from '../../src/catalog/store';
import { DEMO_CATALOG } from '../../src/paths';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let catalog: PgCatalogStore;
// Two steps out: an entity's owner and system, then the owner's members and parent and the
// system's domain.
const OWNER_AND_SYSTEM: NeighbourhoodRequest = {
  relations: ['ownedBy', 'memberOf', 'partOf', 'dependsOn', 'dependencyOf', 'providesApi', 'consumesApi'],
  follow: ['ownedBy', 'memberOf', 'partOf'],
  nextRelations: ['hasMember', 'childOf', 'partOf'],
  nextFollow: ['hasMember'],
};


beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});

/** Counts the statements sent through the pool while `work` runs. */
async function queriesDuring(pool: pg.Pool, work: () => Promise<unknown>): Promise<number> {
  const original = pool.query.bind(pool);
  let count = 0;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    count += 1;
    return (original as (...a: unknown[]) => unknown)(...args);
  };
  try {
    await work();
  } finally {
    (pool as { query: unknown }).query = original;
  }
  return count;
}

async function allRefKeys(): Promise<string[]> {
  const { rows } = await db().pool.query<{ ref_key: string }>('SELECT ref_key FROM entities ORDER BY ref_key');
  return rows.map((row) => row.ref_key);
}

describe('a neighbourhood read', () => {
  it('brings a service, its owner team with every member, and its system with its domain, in one statement', async () => {
    let hood!: Awaited<ReturnType<PgCatalogStore['neighbourhood']>>;
    expect(await queriesDuring(db().pool, async () => (hood = await catalog.neighbourhood('Component:default/Payments-Service', OWNER_AND_SYSTEM)))).toBe(1);

    const refs = hood.entities.map((entity) => entity.ref);
    expect(refs).toContain('component:default/payments-service');
    expect(refs).toContain('group:default/payments');
    const members = (await catalog.relationsFrom('group:default/payments', ['hasMember'])).map((relation) => relation.targetRef);
    expect(members.length).toBeGreaterThan(1);
    for (const member of members) expect(refs).toContain(member);
    const system = (await catalog.relationsFrom('component:default/payments-service', ['partOf']))[0]!.targetRef;
    expect(refs).toContain(system);
    expect(hood.relations.get(system.toLowerCase())?.some((relation) => relation.type === 'partOf' && relation.targetRef.startsWith('domain:'))).toBe(true);
  });

  it('answers, for every entity of the demo catalog, exactly what the store answers, without asking it again', async () => {
    for (const refKey of await allRefKeys()) {
      const hood = await catalog.neighbourhood(refKey, OWNER_AND_SYSTEM);
      const view = answeringFrom(catalog, hood);
      const rootRelations = await catalog.relationsFrom(refKey, OWNER_AND_SYSTEM.relations);
      const followed = [...new Set(rootRelations.filter((relation) => OWNER_AND_SYSTEM.follow.includes(relation.type)).map((relation) => relation.targetRef.toLowerCase()))];

      let fromView: unknown[] = [];
      const asked = await queriesDuring(db().pool, async () => {
        fromView = [
          await view.getByRef(refKey),
          await view.relationsFrom(refKey, OWNER_AND_SYSTEM.relations),
          await view.relationsFrom(refKey, ['hasMember', 'childOf']),
          ...(await Promise.all(followed.map((key) => view.getByRef(key)))),
          ...(await Promise.all(followed.map((key) => view.relationsFrom(key, ['hasMember', 'childOf'])))),
        ];
      });
      const fromStore = [
        await catalog.getByRef(refKey),
        rootRelations,
        await catalog.relationsFrom(refKey, ['hasMember', 'childOf']),
        ...(await Promise.all(followed.map((key) => catalog.getByRef(key)))),
        ...(await Promise.all(followed.map((key) => catalog.relationsFrom(key, ['hasMember', 'childOf'])))),
      ];
      expect({ refKey, answers: fromView }).toEqual({ refKey, answers: fromStore });
      expect({ refKey, asked }).toEqual({ refKey, asked: 0 });
    }
  });

  it('of one step answers, for every entity of the demo catalog, the entity and its relations as the store does', async () => {
    for (const refKey of await allRefKeys()) {
      const view = answeringFrom(catalog, await catalog.neighbourhood(refKey, CARD_NEIGHBOURHOOD));
      let fromView: unknown[] = [];
      const asked = await queriesDuring(db().pool, async () => {
        fromView = [await view.getByRef(refKey), await view.relationsFrom(refKey, CARD_NEIGHBOURHOOD.relations)];
      });
      const fromStore = [await catalog.getByRef(refKey), await catalog.relationsFrom(refKey, CARD_NEIGHBOURHOOD.relations)];
      expect({ refKey, answers: fromView }).toEqual({ refKey, answers: fromStore });
      expect({ refKey, asked }).toEqual({ refKey, asked: 0 });
    }
  });

  it('knows an owner that is missing from the catalog is missing, without asking again', async () => {
    const { rows } = await db().pool.query<{ source_key: string; target_key: string }>(
      `SELECT source_key, target_key FROM relations r WHERE type = 'ownedBy' AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.ref_key = r.target_key) LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const view = answeringFrom(catalog, await catalog.neighbourhood(rows[0]!.source_key, OWNER_AND_SYSTEM));
    expect(await queriesDuring(db().pool, async () => expect(await view.getByRef(rows[0]!.target_key)).toBeUndefined())).toBe(0);
  });

  it('goes to the store for what it did not read', async () => {
    const view = answeringFrom(catalog, await catalog.neighbourhood('component:default/payments-service', OWNER_AND_SYSTEM));
    let dependents: unknown;
    expect(await queriesDuring(db().pool, async () => (dependents = await view.relationsFrom('group:default/payments', ['ownerOf'])))).toBe(1);
    expect(dependents).toEqual(await catalog.relationsFrom('group:default/payments', ['ownerOf']));
    const members = await view.getManyByRef(['user:default/nobody-here', 'group:default/payments']);
    expect(members.map((entity) => entity.ref)).toEqual(['group:default/payments']);
  });
});

describe('one-step reads asked for at the same time', () => {
  it('share one statement per hundred, and each answers what it answers when asked alone, for every entity of the demo catalog', async () => {
    const keys = await allRefKeys();
    const alone: unknown[] = [];
    for (const key of keys) alone.push(await catalog.neighbourhood(key, CARD_NEIGHBOURHOOD));
    let together: unknown[] = [];
    const statements = await queriesDuring(db().pool, async () => (together = await Promise.all(keys.map((key) => catalog.neighbourhood(key, CARD_NEIGHBOURHOOD)))));
    expect(keys.length).toBeGreaterThan(100);
    expect(statements).toBe(Math.ceil(keys.length / 100));
    keys.forEach((key, i) => expect({ key, hood: together[i] }).toEqual({ key, hood: alone[i] }));
  });

  it('of names and titles share one statement, and each finds what it finds alone, a name asked twice and one nobody has included', async () => {
    const { rows } = await db().pool.query<{ text: string }>(
      `SELECT name AS text FROM entities UNION SELECT body -> 'metadata' ->> 'title' FROM entities WHERE body -> 'metadata' ? 'title' ORDER BY text LIMIT 95`,
    );
    const texts = [...rows.map((row) => row.text), 'Payments-Service', 'payments-service', 'no-such-thing-anywhere', 'HOSTED CHECKOUT'];
    const alone: unknown[] = [];
    for (const text of texts) alone.push(await catalog.findByNameOrTitle(text, CARD_NEIGHBOURHOOD));
    let together: unknown[] = [];
    const statements = await queriesDuring(db().pool, async () => (together = await Promise.all(texts.map((text) => catalog.findByNameOrTitle(text, CARD_NEIGHBOURHOOD)))));
    expect(statements).toBe(1);
    texts.forEach((text, i) => expect({ text, found: together[i] }).toEqual({ text, found: alone[i] }));
    expect((together[texts.indexOf('no-such-thing-anywhere')] as { byName: unknown[] }).byName).toEqual([]);
    expect((together[texts.indexOf('HOSTED CHECKOUT')] as { byTitle: Array<{ ref: string }> }).byTitle.length).toBeGreaterThan(0);
  });

  it('all fail with the statement\'s error when it fails, and the next read succeeds', async () => {
    const pool = db().pool;
    const original = pool.query.bind(pool);
    (pool as { query: unknown }).query = async () => {
      throw new Error('connection terminated unexpectedly');
    };
    let outcomes: PromiseSettledResult<unknown>[];
    try {
      outcomes = await Promise.allSettled([catalog.findByNameOrTitle('payments-service', CARD_NEIGHBOURHOOD), catalog.findByNameOrTitle('checkout-web', CARD_NEIGHBOURHOOD)]);
    } finally {
      (pool as { query: unknown }).query = original;
    }
    expect(outcomes.map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).message)).toEqual(['connection terminated unexpectedly', 'connection terminated unexpectedly']);
    expect((await catalog.findByNameOrTitle('payments-service', CARD_NEIGHBOURHOOD)).byName.map((entity) => entity.ref)).toEqual(['component:default/payments-service']);
  });
});

describe("a team's first reads, asked for by several cards at once", () => {
  it('read every team with its members in one statement, each answering what the two-step read of the same relations answers', async () => {
    const teams = (await allRefKeys()).filter((key) => key.startsWith('group:'));
    // The same relations, read by the two-step statement: nothing followed, so it reads no further.
    const twoStep: NeighbourhoodRequest = { ...TEAM_NEIGHBOURHOOD, nextRelations: TEAM_NEIGHBOURHOOD.relations };
    const keys = [...teams, 'group:default/nobody-here', teams[0]!];
    let together: Neighbourhood[] = [];
    const statements = await queriesDuring(db().pool, async () => (together = await Promise.all(keys.map((key) => catalog.neighbourhood(key, TEAM_NEIGHBOURHOOD)))));
    expect(teams.length).toBeGreaterThan(5);
    expect(statements).toBe(1);
    for (const [i, key] of keys.entries()) {
      const alone = await catalog.neighbourhood(key, twoStep);
      expect({ key, hood: comparable(together[i]!) }).toEqual({ key, hood: comparable(alone) });
    }
    const payments = together[keys.indexOf('group:default/payments')]!;
    const members = (await catalog.relationsFrom('group:default/payments', ['hasMember'])).map((relation) => relation.targetRef.toLowerCase());
    expect(members.length).toBeGreaterThan(1);
    const view = answeringFrom(catalog, payments);
    expect(await queriesDuring(db().pool, async () => expect((await view.getManyByRef(members)).map((member) => member.refKey)).toEqual([...members].sort()))).toBe(0);
  });

  it("climb every team's parents in one statement, each climb as it is alone, and a climb of another height in a statement of its own", async () => {
    const teams = (await allRefKeys()).filter((key) => key.startsWith('group:'));
    const climb = { ownedKinds: ['rotation'], maxDepth: 8 };
    const keys = [...teams, 'group:default/nobody-here', 'component:default/payments-service', teams[0]!];
    const alone: unknown[] = [];
    for (const key of keys) alone.push(await catalog.groupAncestry(key, climb));
    expect(alone.filter((levels) => (levels as unknown[]).length > 1).length).toBeGreaterThan(0);
    expect(alone.some((levels) => (levels as Array<{ owned: string[] }>).some((level) => level.owned.length > 0))).toBe(true);

    let together: unknown[] = [];
    let firstStep: unknown;
    const statements = await queriesDuring(db().pool, async () => {
      [together, firstStep] = await Promise.all([Promise.all(keys.map((key) => catalog.groupAncestry(key, climb))), catalog.groupAncestry(teams[0]!, { ...climb, maxDepth: 0 })]);
    });
    expect(statements).toBe(2);
    keys.forEach((key, i) => expect({ key, levels: together[i] }).toEqual({ key, levels: alone[i] }));
    expect(firstStep).toEqual((alone[0] as unknown[]).slice(0, 1));
  });
});

/** A neighbourhood with its lists in one order, for comparing reads that may list them differently. */
function comparable(hood: Neighbourhood) {
  return { ...hood, entities: [...hood.entities].sort((a, b) => a.refKey.localeCompare(b.refKey)), entityKeysRead: [...hood.entityKeysRead].sort() };
}

describe('a /whoowns card', () => {
  it('costs three statements for an exact name: the lookup brings its relations, then its team with every member and its system with its domain, read at once', async () => {
    let result!: Awaited<ReturnType<typeof whoOwns>>;
    const statements = await queriesDuring(db().pool, async () => (result = await whoOwns('payments-service', { catalog })));
    expect(result.match?.ref).toBe('component:default/payments-service');
    expect(result.owner?.members.length).toBeGreaterThan(1);
    expect(result.placement?.domain).toMatch(/^domain:/);
    expect(statements).toBe(3);
  });

  it('agrees with reading step by step, for every entity of the demo catalog by ref, and by name and title', async () => {
    const queries = ['Hosted Checkout', 'payments-service', 'api:payments-api', ...(await allRefKeys())];
    for (const query of queries) {
      const card = await whoOwns(query, { catalog });
      const stepByStep = await whoOwns(query, { catalog: withoutNeighbourhoods(catalog) });
      expect({ query, card }).toEqual({ query, card: stepByStep });
    }
  });
});

/** The store as it would answer without neighbourhood reads: every question asked on its own. */
function withoutNeighbourhoods(store: PgCatalogStore): PgCatalogStore {
  return Object.assign(Object.create(store) as PgCatalogStore, {
    neighbourhood: async (refKey: string) => ({ entities: [], entityKeysRead: [], relations: new Map(), relationTypesRead: new Map([[refKey.toLowerCase(), []]]) }),
    findByNameOrTitle: (text: string) => store.findByNameOrTitle(text),
  });
}
