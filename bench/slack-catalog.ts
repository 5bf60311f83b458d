import { createHash } from 'node:crypto';
import type pg from 'pg';
import { relationsOf, type Entity } from '../src/catalog/model';
import { isWord, searchTerms } from '../src/catalog/searchTerms';
import { capitalise, uniqueNames } from './lib/names';
import { Prng } from './lib/prng';

type SeededRandom = Prng;

/**
 * Synthetic catalog for the Slack benchmark (bench/whoowns-slack.bench.ts): ~1% groups with
 * slack.com/channel, ~5% users with emails and memberOf, domains, systems, and APIs, resources and
 * components with owners, systems and dependsOn. Names are built from word lists
 * (`payments-ledger-sync-0412`), so a misspelled name has near neighbours, as in a real catalog.
 * Loaded straight into `entities`/`relations` with batched unnest INSERTs: this measures lookups,
 * not ingestion. Relations come from the project's own `relationsOf`, and search terms from its
 * `searchTerms`, so rows have the shapes ingestion would write (each relation once, with the entity
 * whose spec declared it as source; entities.search_terms and search_vocabulary as
 * PgCatalogStore.writeLocations fills them). If the store's write path changes, change this too: the
 * benchmark's "did you mean" share drops to 0% when fuzzy lookups find nothing to suggest.
 */

/** The benchmarks' seeded PRNG (mulberry32): the same seed gives the same catalog and requests. */
export { Prng as SeededRandom };

const DOMAINS = [
  'payments', 'ledger', 'billing', 'checkout', 'identity', 'search', 'catalog', 'shipping', 'inventory', 'pricing',
  'fraud', 'risk', 'notifications', 'messaging', 'analytics', 'reporting', 'onboarding', 'accounts', 'orders', 'refunds',
  'invoicing', 'tax', 'loyalty', 'rewards', 'subscriptions', 'media', 'content', 'recommendations', 'ads', 'partners',
  'merchants', 'compliance', 'audit', 'security', 'auth', 'profiles', 'sessions', 'storage', 'warehouse', 'logistics',
] as const;
const WORDS = [
  'ledger', 'sync', 'router', 'worker', 'store', 'index', 'feed', 'export', 'import', 'scheduler',
  'gateway', 'proxy', 'adapter', 'cache', 'queue', 'stream', 'engine', 'monitor', 'tracker', 'resolver',
  'broker', 'indexer', 'validator', 'publisher', 'consumer', 'collector', 'aggregator', 'reconciler', 'dispatcher', 'notifier',
  'matcher', 'scorer', 'renderer', 'uploader', 'archiver', 'planner', 'allocator', 'settlement', 'webhook', 'batch',
] as const;
const RESOURCE_TYPES = ['db', 'queue', 'bucket', 'cache', 'topic'] as const;
const FIRST = ['ana', 'ben', 'chloe', 'david', 'elena', 'farid', 'grace', 'hugo', 'ines', 'jonas', 'kira', 'liam', 'maya', 'noah', 'olga', 'pablo', 'quinn', 'rosa', 'sven', 'tomas', 'uma', 'victor', 'wei', 'ximena', 'yusuf', 'zoe', 'amir', 'bea', 'carlos', 'dana'] as const;
const LAST = ['silva', 'martin', 'novak', 'kowalski', 'nguyen', 'okafor', 'schmidt', 'rossi', 'dubois', 'tanaka', 'garcia', 'larsen', 'ivanova', 'haddad', 'murphy', 'chen', 'patel', 'costa', 'berg', 'fischer', 'moreau', 'romano', 'sato', 'kim', 'lopez'] as const;
const TAGS = ['java', 'go', 'typescript', 'python', 'kotlin', 'grpc', 'rest', 'kafka', 'postgres', 'redis', 'pci', 'gdpr', 'tier-1', 'tier-2'] as const;

export const EMAIL_DOMAIN = 'acme.example';
export const LOCATION_KEY = 'file:/bench/slack/catalog-info.yaml';

export interface CatalogCounts {
  groups: number;
  users: number;
  domains: number;
  systems: number;
  apis: number;
  resources: number;
  components: number;
}

export function countsFor(total: number): CatalogCounts {
  const groups = Math.max(2, Math.round(total * 0.01));
  const users = Math.max(2, Math.round(total * 0.05));
  const domains = DOMAINS.length;
  const systems = Math.max(1, Math.round(total * 0.015));
  const apis = Math.max(1, Math.round(total * 0.15));
  const resources = Math.max(1, Math.round(total * 0.22));
  const components = Math.max(1, total - groups - users - domains - systems - apis - resources);
  return { groups, users, domains, systems, apis, resources, components };
}

export interface PlannedCatalog {
  counts: CatalogCounts;
  /** Every entity name, all kinds (names are unique across kinds). */
  names: string[];
  /** Lower-cased names, to keep misspellings from being real names. */
  nameSet: Set<string>;
  /** User emails (lower-cased). */
  emails: string[];
  /** How many entities the catalog has, all kinds. */
  total: number;
}

interface Plan {
  departments: string[];
  teams: string[];
  /** team name → whether it gets members (a few stay empty, to exercise the escalation path). */
  staffed: Set<string>;
  users: string[];
  domains: string[];
  systems: string[];
  apis: string[];
  resources: string[];
  components: string[];
}

const pad4 = (n: number) => String(n).padStart(4, '0');
const cap = capitalise;

function plan(total: number, rng: SeededRandom): Plan {
  const counts = countsFor(total);
  const unique = uniqueNames(100);
  const departments = DOMAINS.slice(0, Math.min(DOMAINS.length, Math.max(1, Math.round(counts.groups / 25)))).map((d) => unique(() => `${d}-department`));
  const teams = Array.from({ length: counts.groups - departments.length }, () => unique(() => `team-${rng.pick(DOMAINS)}-${rng.pick(WORDS)}`));
  const staffed = new Set(teams.filter(() => !rng.chance(0.03)));
  const users = Array.from({ length: counts.users }, () => unique(() => `${rng.pick(FIRST)}.${rng.pick(LAST)}${rng.chance(0.7) ? rng.int(1, 999) : ''}`));
  const domains = DOMAINS.map((d) => unique(() => `${d}-domain`));
  const systems = Array.from({ length: counts.systems }, () => unique(() => `${rng.pick(DOMAINS)}-${rng.pick(WORDS)}-platform${rng.chance(0.5) ? `-${rng.int(1, 9)}` : ''}`));
  const apis = Array.from({ length: counts.apis }, () => unique(() => `${rng.pick(DOMAINS)}-${rng.pick(WORDS)}-api-${pad4(rng.int(0, 9999))}`));
  const resources = Array.from({ length: counts.resources }, () => unique(() => `${rng.pick(DOMAINS)}-${rng.pick(WORDS)}-${rng.pick(RESOURCE_TYPES)}-${pad4(rng.int(0, 9999))}`));
  const components = Array.from({ length: counts.components }, () => unique(() => `${rng.pick(DOMAINS)}-${rng.pick(WORDS)}-${rng.pick(WORDS)}-${pad4(rng.int(0, 9999))}`));
  return { departments, teams, staffed, users, domains, systems, apis, resources, components };
}

function code(rng: SeededRandom, length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

function titleFrom(name: string): string {
  return name.split('-').map(cap).join(' ');
}

/** Documents for the plan, one kind after another, built lazily so they need not all sit in memory. */
function* documents(p: Plan, rng: SeededRandom): Generator<Entity> {
  const teamOwner = () => {
    const roll = rng.next();
    if (roll < 0.02) return `user:${rng.pick(p.users)}`; // an individual: a warning on the card
    if (roll < 0.03) return `group:team-gone-${rng.int(1, 50)}`; // an owner missing from the catalog
    const team = rng.pick(p.teams);
    return roll < 0.5 ? team : `group:default/${team}`;
  };
  const annotations = (name: string, extra: Record<string, string> = {}) => ({ 'github.com/project-slug': `acme/${name}`, 'backstage.io/techdocs-ref': 'dir:.', ...extra });
  const tags = () => Array.from(new Set(Array.from({ length: rng.int(1, 3) }, () => rng.pick(TAGS))));
  const describe = (name: string) => `${titleFrom(name)} ${rng.pick(['handles', 'serves', 'stores', 'routes', 'reconciles'])} ${rng.pick(WORDS)} and ${rng.pick(WORDS)} data for the ${rng.pick(DOMAINS)} teams.`;
  const links = (name: string) => [{ url: `https://docs.acme.example/${name}`, title: 'Docs', type: 'docs' }, ...(rng.chance(0.5) ? [{ url: `https://grafana.acme.example/d/${name}`, title: 'Dashboard', type: 'dashboard' }] : [])];
  const entity = (kind: string, metadata: Record<string, unknown>, spec: Record<string, unknown>): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: metadata as Entity['metadata'], spec });

  for (const name of p.departments) {
    yield entity('Group', { name, title: titleFrom(name), annotations: { 'slack.com/channel': `C${code(rng, 10)}`, 'slack.com/channel-name': name } }, { type: 'department', profile: { displayName: titleFrom(name), email: `${name}@${EMAIL_DOMAIN}` }, children: [] });
  }
  for (const name of p.teams) {
    const [, domain] = name.split('-');
    const parent = p.departments.find((d) => d.startsWith(`${domain}-`)) ?? p.departments[0]!;
    yield entity('Group', { name, title: titleFrom(name.replace(/^team-/, '')), description: `The ${titleFrom(name.replace(/^team-/, ''))} team.`, annotations: { 'slack.com/channel': `C${code(rng, 10)}`, 'slack.com/channel-name': name } }, { type: 'team', profile: { displayName: titleFrom(name.replace(/^team-/, '')), email: `${name}@${EMAIL_DOMAIN}` }, parent, children: [] });
  }
  const staffed = p.teams.filter((team) => p.staffed.has(team));
  for (let i = 0; i < p.users.length; i++) {
    const name = p.users[i]!;
    const [first = '', last = ''] = name.replace(/\d+$/, '').split('.');
    // The first few are department heads, so that memberless teams escalate to someone.
    const memberOf = i < p.departments.length ? [p.departments[i]!] : Array.from(new Set(Array.from({ length: rng.int(1, 2) }, () => rng.pick(staffed))));
    const annotations = rng.chance(0.1) ? { 'slack.com/user-id': `U${code(rng, 10)}` } : undefined;
    yield entity('User', { name, ...(annotations && { annotations }) }, { profile: { displayName: `${cap(first)} ${cap(last)}`, email: `${name}@${EMAIL_DOMAIN}` }, memberOf });
  }
  for (const name of p.domains) yield entity('Domain', { name, title: titleFrom(name), description: describe(name) }, { owner: rng.pick(p.departments) });
  for (const name of p.systems) yield entity('System', { name, title: titleFrom(name), description: describe(name), tags: tags() }, { owner: teamOwner(), domain: rng.pick(p.domains) });
  for (const name of p.apis) {
    yield entity('API', { name, ...(rng.chance(0.3) && { title: titleFrom(name) }), description: describe(name), tags: tags(), annotations: annotations(name), links: links(name) }, { type: 'openapi', lifecycle: rng.pick(['production', 'production', 'experimental']), owner: teamOwner(), system: rng.pick(p.systems), definition: `openapi: 3.0.3\ninfo:\n  title: ${name}\n  version: 1.0.0\n` });
  }
  for (const name of p.resources) {
    const spec: Record<string, unknown> = { type: rng.pick(['database', 'queue', 's3-bucket', 'cache']), owner: teamOwner(), system: rng.pick(p.systems) };
    if (rng.chance(0.3)) spec.dependsOn = [`resource:${rng.pick(p.resources)}`];
    yield entity('Resource', { name, description: describe(name), tags: tags(), annotations: annotations(name) }, spec);
  }
  for (const name of p.components) {
    const spec: Record<string, unknown> = { type: rng.pick(['service', 'service', 'website', 'library']), lifecycle: rng.pick(['production', 'production', 'experimental', 'deprecated']), owner: teamOwner(), system: rng.pick(p.systems) };
    const provides = rng.int(0, 2);
    if (provides) spec.providesApis = Array.from({ length: provides }, () => rng.pick(p.apis));
    const consumes = rng.int(0, 3);
    if (consumes) spec.consumesApis = Array.from({ length: consumes }, () => `api:${rng.pick(p.apis)}`);
    spec.dependsOn = Array.from({ length: rng.int(1, 3) }, () => (rng.chance(0.6) ? `resource:${rng.pick(p.resources)}` : `component:${rng.pick(p.components)}`));
    const extra: Record<string, string> = rng.chance(0.5) ? { 'pagerduty.com/service-id': `P${code(rng, 6)}` } : {};
    yield entity('Component', { name, ...(rng.chance(0.4) && { title: titleFrom(name) }), description: describe(name), tags: tags(), annotations: annotations(name, extra), links: links(name) }, spec);
  }
}

/**
 * Creates the catalog in a migrated, empty database. Returns what the request generator needs.
 * `log` gets progress lines.
 */
export async function loadCatalog(pool: pg.Pool, options: { total: number; seed: number; batch?: number; log: (line: string) => void }): Promise<PlannedCatalog> {
  const rng = new Prng(options.seed);
  const p = plan(options.total, rng);
  const batchSize = options.batch ?? 5_000;
  await pool.query(
    `INSERT INTO locations (key, type, target, status, entity_count, processed_at, last_ok_at) VALUES ($1::text, 'file', '/bench/slack/catalog-info.yaml', 'ok', $2::int, now(), now())`,
    [LOCATION_KEY, options.total],
  );
  let entities = 0;
  let relations = 0;
  let batch: Entity[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch.map((entity) => {
      const kind = entity.kind.toLowerCase();
      const ref = `${kind}:default/${entity.metadata.name}`;
      const title = typeof entity.metadata.title === 'string' ? entity.metadata.title : null;
      return { refKey: ref.toLowerCase(), ref, kind, name: entity.metadata.name, title, terms: searchTerms(entity.metadata.name, title), body: JSON.stringify(entity), relations: relationsOf(entity) };
    });
    const rels = rows.flatMap((row) => {
      if (row.relations.errors.length) throw new Error(`bad relations in ${row.ref}: ${row.relations.errors.join('; ')}`);
      return row.relations.relations.filter((r) => r.source.toLowerCase() === row.refKey).map((r) => ({ source: r.source, type: r.type, target: r.target }));
    });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO entities (ref_key, ref, kind, namespace, name, name_key, title_key, search_terms, body, hash, location_key)
         SELECT ref_key, ref, kind, 'default', name, lower(name), lower(title), string_to_array(terms, ' '), body::jsonb, hash, $7::text
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $8::text[], $9::text[]) AS e(ref_key, ref, kind, name, title, body, hash, terms)`,
        [
          rows.map((r) => r.refKey),
          rows.map((r) => r.ref),
          rows.map((r) => r.kind),
          rows.map((r) => r.name),
          rows.map((r) => r.title),
          rows.map((r) => r.body),
          LOCATION_KEY,
          rows.map((r) => createHash('sha256').update(r.body).digest('hex')),
          rows.map((r) => r.terms.join(' ')),
        ],
      );
      await client.query('INSERT INTO search_vocabulary (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [[...new Set(rows.flatMap((r) => r.terms).filter(isWord))]]);
      await client.query(
        `INSERT INTO relations (source_key, type, target_key, source_ref, target_ref)
         SELECT lower(source), type, lower(target), source, target FROM unnest($1::text[], $2::text[], $3::text[]) AS r(source, type, target)`,
        [rels.map((r) => r.source), rels.map((r) => r.type), rels.map((r) => r.target)],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    entities += rows.length;
    relations += rels.length;
    batch = [];
    if (entities % 20_000 < batchSize) options.log(`  loaded ${entities} entities, ${relations} relation rows`);
  };
  for (const document of documents(p, rng)) {
    batch.push(document);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  // As ingestion leaves it (PgCatalogStore.afterWrites): the GIN pending list folded in.
  await pool.query(`SELECT gin_clean_pending_list('entities_search_terms'::regclass)`);
  // Vacuumed as well as analysed: the catalog as autovacuum leaves it a minute or two after a
  // large ingestion. Without this, autovacuum's pass over the freshly loaded tables (measured at
  // 85 s after loading) took a CPU away in the middle of the timed runs.
  await pool.query('VACUUM (ANALYZE)');
  const names = [...p.departments, ...p.teams, ...p.users, ...p.domains, ...p.systems, ...p.apis, ...p.resources, ...p.components];
  return {
    counts: countsFor(options.total),
    names,
    nameSet: new Set(names.map((name) => name.toLowerCase())),
    emails: p.users.map((name) => `${name}@${EMAIL_DOMAIN}`.toLowerCase()),
    total: entities,
  };
}

/**
 * A one-character typo in a letter of `name` (drop, swap with the next letter, or substitute),
 * never producing another entity's real name; undefined when no such typo was found.
 */
export function misspell(name: string, rng: SeededRandom, names: Set<string>): string | undefined {
  const letters = [...name].map((ch, i) => (/[a-z]/.test(ch) ? i : -1)).filter((i) => i >= 0);
  for (let attempt = 0; attempt < 20; attempt++) {
    const at = rng.pick(letters);
    const op = rng.int(0, 2);
    let typo: string;
    if (op === 0) typo = name.slice(0, at) + name.slice(at + 1);
    else if (op === 1 && /[a-z]/.test(name[at + 1] ?? '') && name[at] !== name[at + 1]) typo = name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
    else {
      const replacement = 'abcdefghijklmnopqrstuvwxyz'[rng.int(0, 25)]!;
      if (replacement === name[at]) continue;
      typo = name.slice(0, at) + replacement + name.slice(at + 1);
    }
    if (!names.has(typo.toLowerCase())) return typo;
  }
  return undefined;
}
