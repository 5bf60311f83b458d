import type pg from 'pg';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEFAULT_SCORECARD } from '../../src/health/defaultScorecard';
import type { Scorecard } from '../../src/health/model';
import { PgHealthStore } from '../../src/health/PgHealthStore';
import { createHealthReader } from '../../src/health/reader';
import { createHealthService, type HealthServiceOptions } from '../../src/health/service';
import { PgOnCallCacheStore } from '../../src/oncall/PgOnCallCacheStore';
import { createOnCallResolver } from '../../src/oncall/resolve';
import { CatalogFolder, docs } from '../support/catalogFiles';

/**
 * A small company: payments (a team with a channel, a member and a Rotation) owns a well-kept
 * service in a system; ghosts (no members, no channel) owns a neglected job; one service's owner is
 * missing from the catalog and another is owned by a person.
 */
export const HEALTH_CATALOG = docs(
  'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments\n  title: Payments Team\n  annotations:\n    slack.com/channel: payments\nspec:\n  type: team\n  children: []',
  'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ghosts\nspec:\n  type: team\n  children: []',
  'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ana\nspec:\n  profile:\n    email: ana@example.com\n  memberOf: [payments]',
  'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: billing\n  description: Money in and out.\nspec:\n  owner: payments',
  [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    '  name: payments-api',
    '  title: Payments API',
    '  description: Takes payments.',
    '  tags: [java]',
    '  annotations:',
    '    github.com/project-slug: acme/payments-api',
    '    backstage.io/techdocs-ref: dir:.',
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: payments',
    '  system: billing',
  ].join('\n'),
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: legacy-job\nspec:\n  type: batch\n  lifecycle: experimental\n  owner: ghosts',
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orphan\n  description: Nobody knows.\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/nobody',
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: solo\n  description: One person.\nspec:\n  type: library\n  lifecycle: production\n  owner: user:default/ana',
  'apiVersion: backline.dev/v1alpha1\nkind: Rotation\nmetadata:\n  name: payments-primary\n  title: Payments primary\nspec:\n  owner: group:payments\n  timezone: UTC\n  handoff: { time: "09:00" }\n  start: "2026-01-05"\n  members: [user:ana]',
);

export async function ingestCatalog(pool: pg.Pool, folder: CatalogFolder, text = HEALTH_CATALOG): Promise<PgCatalogStore> {
  const catalog = PgCatalogStore.create({ pool });
  const report = await ingest([await rootFromPath(folder.write('catalog-info.yaml', text))], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  return catalog;
}

/** A health service and reader over the test database, on a clock the test moves. */
export function healthOver(pool: pg.Pool, catalog: PgCatalogStore, clock: { now: Date }, overrides: Partial<HealthServiceOptions> & { scorecard?: Scorecard } = {}) {
  const store = PgHealthStore.create({ pool });
  const scorecard = overrides.scorecard ?? DEFAULT_SCORECARD;
  const oncall = createOnCallResolver({ catalog, providers: [], cache: PgOnCallCacheStore.create({ pool }), now: () => clock.now.getTime() });
  const service = createHealthService({ catalog, store, scorecard, oncall, now: () => clock.now, ...overrides });
  const reader = createHealthReader({ catalog, store, scorecard, now: () => clock.now });
  return { store, service, reader };
}
