import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { CatalogFolder, component, docs } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let folder: CatalogFolder;
let catalog: PgCatalogStore;

beforeAll(async () => {
  folder = new CatalogFolder();
  folder.write(
    'catalog-info.yaml',
    docs(
      component('payments-ledger-api'),
      component('payments-refund-api'),
      component('payments-card-api'),
      component('ledger-exporter'),
      component('events-stream'),
      component('steam-cleaner'),
      component('events-steam-pipeline-archive-exporter'),
    ),
  );
  catalog = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(folder.path('catalog-info.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});
afterAll(() => folder.dispose());

const suggestions = async (typed: string) => (await catalog.findSimilar(typed, 5)).map((found) => found.entity.name);

describe('near misses of a misspelled name', () => {
  it('are the close matches holding every word typed, not whatever shares all but one of the words', async () => {
    expect(await suggestions('payments-ledgr-api')).toEqual(['payments-ledger-api']);
  });

  it('widen to every word but one when no entity holding every word is close, as when a typo is itself a word', async () => {
    // "steam" is a word of the catalog, so the typo is not corrected; the one entity holding both
    // words is a poor match, so the entities holding either word are considered too.
    const found = await suggestions('events-steam');
    expect(found[0]).toBe('events-stream');
    expect(found).toContain('events-steam-pipeline-archive-exporter');
  });
});
