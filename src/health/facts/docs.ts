import type { StoredEntity } from '../../catalog/store';
import { judgeFreshness } from '../../docs/freshness';
import { resolveDocs } from '../../docs/resolve';
import type { CachedSite } from '../../docs/store';
import type { Facts } from '../model';

/**
 * What the docs facts read: where sites are published and how old is stale (DocsLibrary's settings),
 * and the docs cache, many sites at once. Nothing asks a docs site: `serve` keeps the cache fresh.
 */
export interface DocsFactsSource {
  baseUrl: string | null;
  maxAgeDays: number | null;
  getSites(siteUrls: string[]): Promise<Map<string, CachedSite>>;
}

const DAY_MS = 24 * 60 * 60_000;
const UNKNOWN: Facts = { 'docs.built': null, 'docs.stale': null, 'docs.ageDays': null };

/** docs.built, docs.stale and docs.ageDays of each entity, by ref key, from one read of the cache. */
export async function docsFacts(entities: StoredEntity[], source: DocsFactsSource | undefined, now: Date): Promise<Map<string, Facts>> {
  const facts = new Map<string, Facts>();
  if (!source?.baseUrl) {
    for (const entity of entities) facts.set(entity.refKey, UNKNOWN);
    return facts;
  }
  const siteOf = new Map(entities.map((entity) => [entity.refKey, resolveDocs(entity, source.baseUrl).site?.url ?? null]));
  const sites = await source.getSites([...new Set([...siteOf.values()].filter((url): url is string => url !== null))]);
  for (const entity of entities) {
    const url = siteOf.get(entity.refKey);
    if (!url) {
      facts.set(entity.refKey, { 'docs.built': false, 'docs.stale': null, 'docs.ageDays': null });
      continue;
    }
    const builtAt = sites.get(url)?.builtAt ?? null;
    const freshness = judgeFreshness({ builtAt, now, maxAgeDays: source.maxAgeDays, lastDocsChange: null });
    facts.set(entity.refKey, {
      // A site never read yet (serve has not refreshed it) says nothing either way.
      'docs.built': builtAt !== null ? true : sites.has(url) ? false : null,
      'docs.stale': freshness?.stale ?? null,
      'docs.ageDays': builtAt ? Math.max(0, Math.floor((now.getTime() - builtAt.getTime()) / DAY_MS)) : null,
    });
  }
  return facts;
}
