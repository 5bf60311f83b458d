import { pathToFileURL } from 'node:url';
import { find } from '../../commands/find';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DocsLibrary } from '../../src/docs/library';
import { PgDocsStore } from '../../src/docs/PgDocsStore';
import { createDocsSite } from '../../src/docs/site';
import { DEMO_CATALOG, DEMO_TECHDOCS } from '../../src/paths';
import { PgSearchStore } from '../../src/search/PgSearchStore';
import type { RelevanceQuery } from '../../bench/lib/searchCatalog';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Relevance over the demo catalog and its TechDocs: each question must bring back the entity that
 * answers it in the top three. Questions, misspellings, filters, API definitions and words that
 * only a docs page holds; every miss is a failing test.
 */
const DEMO_QUERIES: RelevanceQuery[] = [
  { query: 'is there an api for refunds?', expected: 'api:default/payments-api', what: 'question' },
  { query: 'refunds', expected: 'component:default/payments-service', what: 'words' },
  { query: 'payments api', expected: 'api:default/payments-api', what: 'name' },
  { query: 'paymnets servce', expected: 'component:default/payments-service', what: 'misspelling' },
  { query: 'chargebak', expected: 'component:default/chargeback-service', what: 'misspelling' },
  { query: 'settlment files', expected: 'resource:default/settlement-files-bucket', what: 'misspelling' },
  { query: 'do we have a feature flag service?', expected: 'component:default/feature-flags-service', what: 'question' },
  { query: 'where is the design system?', expected: 'component:default/harbor-ui', what: 'question' },
  { query: 'what scores payments for fraud', expected: 'component:default/risk-scoring-service', what: 'question' },
  { query: 'anything that screens sanctions lists?', expected: 'component:default/sanctions-screening', what: 'question' },
  { query: 'merchant dashboard', expected: 'component:default/merchant-dashboard', what: 'name' },
  { query: 'pdf statements', expected: 'component:default/pdf-statements', what: 'name' },
  { query: 'kyc documents', expected: 'resource:default/kyc-documents-bucket', what: 'words' },
  { query: 'apple pay', expected: 'component:default/wallet-pay-bridge', what: 'words' },
  { query: 'debezium', expected: 'component:default/cdc-pipeline', what: 'words' },
  { query: 'kafka cluster', expected: 'resource:default/event-bus', what: 'words' },
  { query: 'login sessions', expected: 'resource:default/session-cache', what: 'words' },
  { query: 'liveness check', expected: 'component:default/kyc-service', what: 'words' },
  { query: '"double entry"', expected: 'component:default/ledger-service', what: 'phrase' },
  { query: 'reconcil*', expected: 'component:default/reconciliation-worker', what: 'prefix' },
  { query: 'key rotation', expected: 'component:default/card-vault', what: 'docs' },
  { query: 'bankers rounding', expected: 'component:default/money-lib', what: 'docs' },
  { query: 'idempotency conflicts', expected: 'component:default/payments-service', what: 'docs' },
  { query: 'strong customer authentication', expected: 'component:default/payments-service', what: 'docs' },
  { query: 'iso 4217 currencies', expected: 'component:default/money-lib', what: 'docs' },
  { query: 'Create a payment', expected: 'api:default/payments-api', what: 'definition' },
  { query: '/payments/{id}/refunds', expected: 'api:default/payments-api', what: 'definition' },
  { query: 'detokenize', expected: 'api:default/card-vault-api', what: 'definition' },
  { query: 'kind:api owner:money-movement ledger', expected: 'api:default/ledger-api', what: 'filter' },
  { query: 'tag:pci kind:api', expected: 'api:default/card-vault-api', what: 'filter' },
  { query: 'lifecycle:experimental kotlin', expected: 'component:default/wallet-pay-bridge', what: 'filter' },
  { query: 'system:risk-engine rules', expected: 'component:default/fraud-rules-engine', what: 'filter' },
  { query: 'type:website checkout', expected: 'component:default/checkout-web', what: 'filter' },
  { query: 'owner:payouts service', expected: 'component:default/payouts-service', what: 'filter' },
];

const db = useTestDatabase();
let finder: PgSearchStore;

beforeAll(async () => {
  const { pool } = db();
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  const docs = new DocsLibrary({ baseUrl: pathToFileURL(DEMO_TECHDOCS).toString(), site: createDocsSite({ timeoutMs: 2000, maxIndexBytes: 1024 * 1024 }), store: PgDocsStore.create({ pool }), maxAgeDays: null, timeoutMs: 2000 });
  await docs.refreshAll();
  finder = PgSearchStore.create({ pool });
});

describe('/find over the demo catalog', () => {
  it.each(DEMO_QUERIES.map((item) => [item.what, item.query, item.expected] as const))('answers a %s, %j, with %s in the top three', async (_what, query, expected) => {
    const result = await find(query, { finder }, { limit: 3 });
    expect(result.results.map((hit) => hit.ref)).toContain(expected);
  });
});
