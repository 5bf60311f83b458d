import { canonicalEntityRef, parseEntityRef } from '../catalog/model';
import type { CatalogStore, StoredEntity } from '../catalog/store';

/**
 * search_catalog over the catalog's name and title lookups: exact names and titles, refs, names
 * that start with the words, and names near them (trigram similarity). Its filters and its answer
 * are those of `/find` and `backline search` (DESIGN §7), so the tool can answer from that core
 * (descriptions, tags, API definitions, docs pages) without changing shape. Types rather than
 * interfaces: the tool's output schema lets fields be added.
 */
export type SearchFilters = {
  /** Only these kinds (lower-case). */
  kind?: string[];
  /** Only what this Group or User owns, as a ref. */
  owner?: string;
  /** Only entities with every one of these tags. */
  tag?: string[];
};

export type SearchHit = {
  ref: string;
  kind: string;
  title: string | null;
  owner: string | null;
  score: number;
  why: string;
};

export type SearchAnswer = {
  query: string;
  filters: SearchFilters;
  results: SearchHit[];
  /** Near misses, when nothing fits the words and the filters. */
  suggestions: string[];
};

type SearchCatalog = Pick<CatalogStore, 'getByRef' | 'findByNameOrTitle' | 'findByNamePrefix' | 'findSimilar' | 'relationsFromMany'>;

// Candidates read from each lookup before filters apply, so that a narrow filter still fills a page.
const CANDIDATES = 100;

export async function searchCatalog(query: string, filters: SearchFilters, limit: number, catalog: SearchCatalog): Promise<SearchAnswer> {
  const words = query.trim().replace(/\s+/g, ' ');
  const candidates = new Map<string, { entity: StoredEntity; score: number; why: string }>();
  const offer = (entity: StoredEntity, score: number, why: string) => {
    const known = candidates.get(entity.refKey);
    if (!known || known.score < score) candidates.set(entity.refKey, { entity, score: Math.round(score * 100) / 100, why });
  };
  const byRef = await asRef(words, catalog);
  if (byRef) offer(byRef, 1, 'its ref');
  const [{ byName, byTitle }, prefixed, similar] = await Promise.all([
    catalog.findByNameOrTitle(words),
    catalog.findByNamePrefix(words, CANDIDATES, filters.kind),
    catalog.findSimilar(words, CANDIDATES),
  ]);
  for (const entity of byName) offer(entity, 1, 'its name');
  for (const entity of byTitle) offer(entity, 0.95, 'its title');
  for (const entity of prefixed) offer(entity, 0.8, `its name starts with "${words}"`);
  for (const { entity, similarity } of similar) offer(entity, similarity * 0.75, 'its name or title is close to the words');

  const owners = await ownersOf([...candidates.keys()], catalog);
  const ownerKey = filters.owner?.toLowerCase();
  const results = [...candidates.values()]
    .filter(({ entity }) => !filters.kind?.length || filters.kind.includes(entity.kind))
    .filter(({ entity }) => !ownerKey || owners.get(entity.refKey) === ownerKey)
    .filter(({ entity }) => !filters.tag?.length || filters.tag.every((tag) => (entity.entity.metadata.tags ?? []).includes(tag)))
    .sort((a, b) => b.score - a.score || a.entity.refKey.localeCompare(b.entity.refKey))
    .slice(0, limit)
    .map(({ entity, score, why }) => ({
      ref: canonicalEntityRef(entity.ref),
      kind: entity.kind,
      title: typeof entity.entity.metadata.title === 'string' ? entity.entity.metadata.title : null,
      owner: owners.get(entity.refKey) ?? null,
      score,
      why,
    }));
  const suggestions = results.length ? [] : similar.slice(0, 5).map(({ entity }) => canonicalEntityRef(entity.ref));
  return { query: words, filters, results, suggestions };
}

async function asRef(text: string, catalog: SearchCatalog): Promise<StoredEntity | undefined> {
  if (!text.includes(':')) return undefined;
  try {
    const ref = parseEntityRef(text, { defaultNamespace: 'default' });
    return await catalog.getByRef(`${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase());
  } catch {
    return undefined;
  }
}

/** Each entity's owner ref, lower-cased, in one read. */
async function ownersOf(refKeys: string[], catalog: SearchCatalog): Promise<Map<string, string>> {
  if (refKeys.length === 0) return new Map();
  const relations = await catalog.relationsFromMany(refKeys, ['ownedBy']);
  return new Map(relations.map((relation) => [relation.sourceRef.toLowerCase(), canonicalEntityRef(relation.targetRef)]));
}

/** An owner as people write it (`payments`, `group:payments`, `user:default/jane`) as a lower-cased ref. */
export function ownerRefOf(text: string): string | undefined {
  try {
    const ref = parseEntityRef(text.trim(), { defaultKind: 'group', defaultNamespace: 'default' });
    return `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase();
  } catch {
    return undefined;
  }
}
