import { parseEntityRef } from '../src/catalog/model';
import type { CatalogStore, StoredEntity } from '../src/catalog/store';
import { ageText, judgeFreshness } from '../src/docs/freshness';
import type { DocsLibrary } from '../src/docs/library';
import { pageUrl, resolveDocs, type DocsSiteRef } from '../src/docs/resolve';

/** The ports the docs core needs: the catalog, read-only, and the docs library. */
export interface DocsPorts {
  catalog: Pick<CatalogStore, 'getByRef' | 'findByName' | 'findSimilar'>;
  docs: DocsLibrary;
}

export interface DocsPage {
  title: string;
  url: string;
  score: number;
  snippet: string;
  /** The entity whose site the page is on. */
  entityRef: string;
  /** Where the page is in that site, as its search index says: `runbook/#rollback`, '' for the home page. */
  location: string;
}

export interface DocsSiteAnswer extends DocsSiteRef {
  siteName: string | null;
  builtAt: Date | null;
  /** "3 days ago"; null when the build time is unknown. */
  builtAgo: string | null;
  stale: boolean | null;
  staleReason: string | null;
  /** Metadata from an earlier read: the site did not answer this time. */
  fromCache: boolean;
}

export interface DocsResult {
  query: string;
  /** The words searched for; '' when only the docs link was asked for. */
  words: string;
  entity: StoredEntity | null;
  site: DocsSiteAnswer | null;
  /** A docs link from metadata.links: the answer when there is no site, a second link when there is. */
  link: { url: string; title: string } | null;
  /** The entity was found but has no docs of any kind. */
  noDocs: boolean;
  pages: DocsPage[];
  /** The pages come from every cached site (no entity, or an entity without a searchable site). */
  searchedEverySite: boolean;
  warnings: string[];
  /** Near misses when the query named no entity and no page matched. */
  suggestions: Array<{ ref: string; title: string | null }>;
}

export const PAGE_LIMIT = 5;
const SUGGESTION_LIMIT = 5;
// When a name is shared, the thing that has docs is most likely meant.
const KIND_PRIORITY = ['component', 'api', 'system', 'resource', 'domain', 'template', 'group', 'user', 'rotation', 'location'];

/**
 * Answers "/docs <entity> [words]": where the entity's built docs are, when they were built and
 * whether they are stale, and with words the best pages. "/docs <words>" alone searches every
 * cached site. Site problems become warnings; the answer always comes.
 */
export async function findDocs(text: string, ports: DocsPorts): Promise<DocsResult> {
  const query = text.trim().replace(/\s+/g, ' ');
  if (!query) return emptyResult(query);
  const [first, ...rest] = query.split(' ');
  const entity = await findEntity(first!, ports);
  if (!entity) return searchEverySite(emptyResult(query), query, first!, ports);
  return docsOf(emptyResult(query), entity, rest.join(' '), ports);
}

/**
 * The same answer with the entity and the words apart, for callers that say which is which (the MCP
 * tool): words alone search every cached site, even when the first word names an entity; an entity
 * that is not in the catalog gets suggestions and no pages.
 */
export async function findDocsOf(input: { entity?: string; words?: string }, ports: DocsPorts): Promise<DocsResult> {
  const entityText = input.entity?.trim() ?? '';
  const words = input.words?.trim().replace(/\s+/g, ' ') ?? '';
  const result = emptyResult([entityText, words].filter(Boolean).join(' '));
  if (!entityText) return words ? searchEverySite(result, words, words.split(' ')[0]!, ports) : result;
  const entity = await findEntity(entityText, ports);
  if (entity) return docsOf(result, entity, words, ports);
  result.suggestions = await suggestionsFor(entityText, ports);
  return result;
}

function emptyResult(query: string): DocsResult {
  return { query, words: '', entity: null, site: null, link: null, noDocs: false, pages: [], searchedEverySite: false, warnings: [], suggestions: [] };
}

/** No entity: the words against every cached site, and near misses of `first` when no page matched. */
async function searchEverySite(result: DocsResult, words: string, first: string, ports: DocsPorts): Promise<DocsResult> {
  result.words = words;
  result.searchedEverySite = true;
  result.pages = await searchPages(words, undefined, ports);
  if (result.pages.length === 0) result.suggestions = await suggestionsFor(first, ports);
  return result;
}

async function suggestionsFor(text: string, ports: DocsPorts): Promise<DocsResult['suggestions']> {
  const similar = await ports.catalog.findSimilar(text, SUGGESTION_LIMIT);
  return similar.map(({ entity: near }) => ({ ref: near.ref, title: typeof near.entity.metadata.title === 'string' ? near.entity.metadata.title : null }));
}

async function docsOf(result: DocsResult, entity: StoredEntity, words: string, ports: DocsPorts): Promise<DocsResult> {
  result.entity = entity;
  result.words = words;
  const location = resolveDocs(entity, ports.docs.baseUrl);
  result.link = location.link;
  result.warnings.push(...location.warnings);

  if (location.site) {
    const siteOwner = location.site.borrowed ? await ports.catalog.getByRef(location.site.entityRef.toLowerCase()) : entity;
    if (location.site.borrowed && !siteOwner) result.warnings.push(`${entity.ref} borrows the docs of ${location.site.entityRef} (backstage.io/techdocs-entity), which is not in the catalog.`);
    const [state, change] = await Promise.all([
      ports.docs.refresh(location.site, { index: true }),
      siteOwner ? ports.docs.lastDocsChange(siteOwner) : Promise.resolve({ at: null, warning: null }),
    ]);
    result.warnings.push(...state.warnings);
    if (change.warning) result.warnings.push(change.warning);
    const now = ports.docs.now();
    const builtAt = state.metadata?.builtAt ?? null;
    const freshness = judgeFreshness({ builtAt, now, maxAgeDays: ports.docs.maxAgeDays, lastDocsChange: change.at });
    result.site = {
      ...location.site,
      siteName: state.metadata?.siteName ?? null,
      builtAt,
      builtAgo: builtAt ? ageText(builtAt, now) : null,
      stale: freshness?.stale ?? null,
      staleReason: freshness?.reason ?? null,
      fromCache: state.fromCache,
    };
    if (state.metadata && !builtAt) result.warnings.push(`techdocs_metadata.json of ${location.site.url} has no build_timestamp, so Backline cannot tell how fresh the docs are.`);
    if (result.words) {
      if (state.searchable) {
        result.pages = await searchPages(result.words, [location.site.url], ports);
      } else {
        result.searchedEverySite = true;
        result.pages = await searchPages(result.words, undefined, ports);
      }
    }
    return result;
  }

  result.noDocs = !location.link && location.warnings.length === 0;
  if (result.words) {
    result.searchedEverySite = true;
    result.pages = await searchPages(result.words, undefined, ports);
  }
  return result;
}

async function searchPages(words: string, siteUrls: string[] | undefined, ports: DocsPorts): Promise<DocsPage[]> {
  const hits = await ports.docs.search(words, { siteUrls, limit: PAGE_LIMIT });
  return hits.map((hit) => ({ title: hit.title || hit.location || 'Home', url: pageUrl(hit.siteUrl, hit.location), score: hit.score, snippet: hit.snippet, entityRef: hit.entityRef, location: hit.location }));
}

/** A ref (`component:default/x`, `api:x`) or a name; among equal names, the kind most likely to have docs. */
async function findEntity(token: string, ports: DocsPorts): Promise<StoredEntity | undefined> {
  if (token.includes(':')) {
    try {
      const ref = parseEntityRef(token, { defaultNamespace: 'default' });
      const found = await ports.catalog.getByRef(`${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase());
      if (found) return found;
    } catch {
      // Not a ref after all: try it as a name.
    }
  }
  const named = await ports.catalog.findByName(token.replace(/^.*\//, ''));
  const rank = (entity: StoredEntity) => {
    const index = KIND_PRIORITY.indexOf(entity.kind);
    return index === -1 ? KIND_PRIORITY.length : index;
  };
  return named.sort((a, b) => rank(a) - rank(b))[0];
}
