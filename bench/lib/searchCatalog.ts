import type { Prng } from './prng';
import { ADJECTIVES, NOUNS, VERBS } from './words';

/**
 * What `/find` is measured on beyond the demo catalog: entities planted among a generated catalog
 * (bench/lib/catalogData.ts), each the answer to questions people ask, with docs pages only their
 * TechDocs mention. The relevance test (test/search/relevance.test.ts) plants them among a few
 * thousand generated entities; the search benchmark among a million, with 200,000 docs pages.
 */

/** A question and the entity that must come back in the top three. */
export interface RelevanceQuery {
  query: string;
  expected: string;
  /** What the query exercises, to read results by. */
  what: 'question' | 'words' | 'misspelling' | 'filter' | 'docs' | 'phrase' | 'prefix' | 'name' | 'definition';
}

export interface PlantedPage {
  /** The entity whose TechDocs site holds the page. */
  entityRef: string;
  location: string;
  title: string;
  text: string;
}

const api = (name: string, title: string, description: string, extra: { tags?: string[]; owner?: string; system?: string; lifecycle?: string; type?: string; definition?: string } = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name, title, description, tags: extra.tags ?? [] },
  spec: { type: extra.type ?? 'openapi', lifecycle: extra.lifecycle ?? 'production', owner: extra.owner ?? 'team-search-planted', ...(extra.system && { system: extra.system }), definition: extra.definition ?? `openapi: 3.0.3\ninfo:\n  title: ${title}\n  version: 1.0.0\npaths: {}\n` },
});

const component = (name: string, title: string, description: string, extra: { tags?: string[]; owner?: string; system?: string; lifecycle?: string; type?: string; links?: Array<{ url: string; title: string }>; docs?: boolean } = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    title,
    description,
    tags: extra.tags ?? [],
    ...(extra.links && { links: extra.links }),
    ...(extra.docs && { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }),
  },
  spec: { type: extra.type ?? 'service', lifecycle: extra.lifecycle ?? 'production', owner: extra.owner ?? 'team-search-planted', ...(extra.system && { system: extra.system }) },
});

/** The planted entities, as catalog documents: teams (one below another), a system, and what they own. */
export const PLANTED_ENTITIES: Array<Record<string, unknown>> = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'dept-maps', title: 'Maps department' }, spec: { type: 'department', children: ['team-geo'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-geo', title: 'Geo team', annotations: { 'slack.com/channel': 'C0GEOTEAM1' } }, spec: { type: 'team', parent: 'dept-maps', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-search-planted', title: 'Developer Experience' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'maps-platform', title: 'Maps platform', description: 'Everything about places on a map.' }, spec: { owner: 'dept-maps' } },
  api('geocoding-api', 'Geocoding API', 'Turns street addresses into coordinates and back again (reverse geocoding).', { tags: ['geo', 'maps'], owner: 'team-geo', system: 'maps-platform' }),
  api('old-geocoder', 'Geocoder v1', 'The first geocoder. Frozen: use the Geocoding API.', { tags: ['geo', 'legacy'], owner: 'team-geo', system: 'maps-platform', lifecycle: 'deprecated' }),
  component('code-linter', 'Code Linter', 'Shared lint rules and a CLI that lints TypeScript, Go and Python code in CI.', { type: 'tool', tags: ['ci', 'quality'] }),
  component('pdf-renderer', 'PDF Renderer', 'Renders HTML templates to PDF documents such as invoices and statements.', { tags: ['pdf'] }),
  component('sms-gateway', 'SMS Gateway', 'Sends text messages and one-time passcodes through Twilio and Vonage.', { tags: ['messaging'] }),
  api('currency-conversion-api', 'Currency Conversion API', 'Converts amounts between currencies at mid-market exchange rates.', { tags: ['fx'] }),
  component('image-resizer', 'Image Resizer', 'Resizes and crops images on the fly for thumbnails, with libvips.', { tags: ['media'] }),
  component('email-templates', 'Email Templates', 'MJML templates and the renderer of every transactional email.', { tags: ['email'] }),
  component('oauth-proxy', 'OAuth Proxy', 'Single sign-on in front of internal dashboards, through Okta.', { tags: ['security'] }),
  component('pii-scrubber', 'PII Scrubber', 'Removes personal data such as emails and phone numbers from logs before they are stored.', { tags: ['privacy'] }),
  component('cron-scheduler', 'Cron Scheduler', 'Runs scheduled jobs across the cluster, one replica at a time through leader election.', { tags: ['jobs'] }),
  component('translation-service', 'Translations', 'Machine translation and the string catalogue of 30 languages (i18n).', { tags: ['i18n'] }),
  component('key-vault', 'Key Vault', 'Hardware-backed secrets store.', { docs: true, tags: ['security'] }),
  component('load-tester', 'Load Tester', 'Traffic replay tool.', { docs: true, type: 'tool' }),
  component('search-indexer', 'Search Indexer', 'Feeds the product search cluster.', { docs: true }),
  component('slo-reporter', 'SLO Reporter', 'Weekly availability figures per service.', { links: [{ url: 'https://grafana.example/d/slo', title: 'Error budget burn board' }] }),
  api('catalog-graph-api', 'Product Catalog Graph', 'The product catalogue for storefronts.', {
    type: 'graphql',
    definition: 'type Query {\n  product(id: ID!): Product\n}\n\ntype Product {\n  id: ID!\n  variants: [ProductVariant!]!\n}\n\ntype ProductVariant {\n  sku: String!\n  colour: String\n}\n',
  }),
  api('customs-api', 'Cross-border API', 'Paperwork for parcels that leave the country.', {
    definition: 'openapi: 3.0.3\ninfo:\n  title: Cross-border API\n  version: 2.0.0\npaths:\n  /declarations:\n    post:\n      summary: Estimate import duties and taxes\n      operationId: estimateDuties\n      responses:\n        "200":\n          description: The estimate\n',
  }),
];

/** Pages of the planted entities' TechDocs: the words people search for live here only. */
export const PLANTED_PAGES: PlantedPage[] = [
  { entityRef: 'component:default/key-vault', location: 'ceremony/', title: 'HSM key ceremony', text: 'How the quarterly HSM key ceremony rotates the master keys with three custodians present.' },
  { entityRef: 'component:default/load-tester', location: 'soak/', title: 'Soak tests', text: 'Run a twelve-hour soak test against staging with k6 before every major release.' },
  { entityRef: 'component:default/search-indexer', location: 'reindex/', title: 'Reindexing', text: 'A zero-downtime reindex swaps index aliases after a dual-write window.' },
];

/** The queries over the planted entities, and the entity each must find in its top three. */
export const PLANTED_QUERIES: RelevanceQuery[] = [
  { query: 'is there a geocoding api?', expected: 'api:default/geocoding-api', what: 'question' },
  { query: 'Is there a GeoCoding API available?', expected: 'api:default/geocoding-api', what: 'question' },
  { query: 'geocodng api', expected: 'api:default/geocoding-api', what: 'misspelling' },
  { query: 'reverse geocoding', expected: 'api:default/geocoding-api', what: 'words' },
  { query: '"reverse geocoding"', expected: 'api:default/geocoding-api', what: 'phrase' },
  { query: 'geocod*', expected: 'api:default/geocoding-api', what: 'prefix' },
  { query: 'street address to coordinates', expected: 'api:default/geocoding-api', what: 'words' },
  { query: 'kind:api tag:geo', expected: 'api:default/geocoding-api', what: 'filter' },
  { query: 'owner:dept-maps geocoding', expected: 'api:default/geocoding-api', what: 'filter' },
  { query: 'system:maps-platform api', expected: 'api:default/geocoding-api', what: 'filter' },
  { query: 'lifecycle:deprecated geocoder', expected: 'api:default/old-geocoder', what: 'filter' },
  { query: 'Do we have a tool for linting code?', expected: 'component:default/code-linter', what: 'question' },
  { query: 'type:tool lint', expected: 'component:default/code-linter', what: 'filter' },
  { query: 'linter', expected: 'component:default/code-linter', what: 'words' },
  { query: 'how do I turn html into a pdf', expected: 'component:default/pdf-renderer', what: 'question' },
  { query: 'send sms', expected: 'component:default/sms-gateway', what: 'words' },
  { query: 'one time passcodes', expected: 'component:default/sms-gateway', what: 'words' },
  { query: 'exchange rates api', expected: 'api:default/currency-conversion-api', what: 'words' },
  { query: 'currncy convertion', expected: 'api:default/currency-conversion-api', what: 'misspelling' },
  { query: 'thumbnails', expected: 'component:default/image-resizer', what: 'words' },
  { query: 'image resizer', expected: 'component:default/image-resizer', what: 'name' },
  { query: 'transactionl emial', expected: 'component:default/email-templates', what: 'misspelling' },
  { query: 'where is single sign-on with okta?', expected: 'component:default/oauth-proxy', what: 'question' },
  { query: 'remove personal data from logs', expected: 'component:default/pii-scrubber', what: 'words' },
  { query: 'leader election', expected: 'component:default/cron-scheduler', what: 'words' },
  { query: 'i18n', expected: 'component:default/translation-service', what: 'words' },
  { query: 'key ceremony', expected: 'component:default/key-vault', what: 'docs' },
  { query: 'who are the custodians of the master keys', expected: 'component:default/key-vault', what: 'docs' },
  { query: 'soak test k6', expected: 'component:default/load-tester', what: 'docs' },
  { query: 'zero downtime reindex', expected: 'component:default/search-indexer', what: 'docs' },
  { query: 'error budget burn', expected: 'component:default/slo-reporter', what: 'words' },
  { query: 'ProductVariant', expected: 'api:default/catalog-graph-api', what: 'definition' },
  { query: 'import duties', expected: 'api:default/customs-api', what: 'definition' },
];

const SECTION_TITLES = ['Overview', 'Runbook', 'Deploying', 'Rolling back', 'Architecture', 'Alerts', 'Dashboards', 'Data model', 'Onboarding', 'FAQ'] as const;

/**
 * A page of generated TechDocs: a section title and about eighty words of sentences made of the
 * catalog's own vocabulary, so that its words compete with the planted pages' for every query.
 */
export function generatedPage(rng: Prng, index: number): { location: string; title: string; text: string } {
  const sentence = () => `The ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${rng.pick(VERBS)} ${rng.pick(NOUNS)} records for the ${rng.pick(NOUNS)} team before each ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} release.`;
  const title = `${rng.pick(SECTION_TITLES)}: ${rng.pick(NOUNS)} ${rng.pick(NOUNS)}`;
  return { location: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/#${index}`, title, text: Array.from({ length: 5 }, sentence).join(' ') };
}
