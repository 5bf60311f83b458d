import type { Entity } from '../../src/catalog/model';
import type { StoredEntity } from '../../src/catalog/store';
import { createCatalogEntityActions, MAX_FETCHED_ENTITIES } from '../../src/scaffolder/actions/catalogEntities';
import type { ActionContext } from '../../src/scaffolder/actions/types';

/** A catalog holding two entities, answering as the store does: by lower-cased ref key, absent refs left out. */
function catalogOf(entities: Entity[]) {
  const reads: string[][] = [];
  const stored = entities.map((entity): StoredEntity => {
    const ref = `${entity.kind.toLowerCase()}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
    return { ref, refKey: ref.toLowerCase(), kind: entity.kind.toLowerCase(), namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name, entity, locationKey: 'file:/catalog.yaml' };
  });
  return { reads, catalog: { getManyByRef: async (keys: string[]) => (reads.push(keys), stored.filter((entity) => keys.includes(entity.refKey))) } };
}

const ledger: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ledger' }, spec: { type: 'service', owner: 'payments', lifecycle: 'production' } };
const payments: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'payments' }, spec: { type: 'team', children: [] } };

async function fetch(input: Record<string, unknown>, catalog = catalogOf([ledger, payments])) {
  const [, action] = createCatalogEntityActions({ catalog: catalog.catalog });
  const context: ActionContext = { input, workspace: '/nonexistent', templateDir: null, templateName: 't', log: () => undefined, previouslyLeftBehind: [], leave: () => undefined, dryRun: false, publishedRepositories: [] };
  return action!.run(context);
}

describe('catalog:fetch', () => {
  it('reads one entity, and several in one read, with the default kind and namespace applied', async () => {
    const catalog = catalogOf([ledger, payments]);
    expect(await fetch({ entityRef: 'Ledger', entityRefs: ['group:payments', 'ledger'] }, catalog)).toEqual({ entity: ledger, entities: [payments, ledger] });
    expect(catalog.reads).toEqual([['component:default/ledger', 'group:default/payments']]);
  });

  it('fails on an entity the catalog does not have, unless optional, when it answers null', async () => {
    await expect(fetch({ entityRef: 'Missing' })).rejects.toThrow('catalog:fetch: the catalog has no entity Missing (read as component:default/missing)');
    expect(await fetch({ entityRefs: ['ledger', 'missing'], optional: true })).toEqual({ entities: [ledger, null] });
  });

  it(`refuses to read more than ${MAX_FETCHED_ENTITIES} entities in one step`, async () => {
    const refs = Array.from({ length: MAX_FETCHED_ENTITIES + 1 }, (_, i) => `component-${i}`);
    await expect(fetch({ entityRefs: refs })).rejects.toThrow(`catalog:fetch's input "entityRefs" lists ${MAX_FETCHED_ENTITIES + 1} entities; it reads at most ${MAX_FETCHED_ENTITIES}`);
  });
});
