import type { StoredEntity } from '../catalog/store';
import type { Logger } from '../logger';
import { ageText, docsSourceOf, judgeFreshness, type DocsChanges } from './freshness';
import { pageUrl, resolveDocs, type DocsSiteRef } from './resolve';
import type { DocsSite, TechDocsMetadata } from './site';
import type { CachedSite, DocsStore, PageHit } from './store';

export interface DocsLibraryOptions {
  /** Where TechDocs sites are published; null when not configured. */
  baseUrl: string | null;
  site: DocsSite;
  store: DocsStore;
  /** Last commits to docs folders, when GitHub is configured. */
  changes?: DocsChanges;
  /** The GitHub web host that `url:` techdocs refs and catalog locations name. */
  githubWebUrl?: string;
  /** A build older than this many days is stale; null: no age limit. */
  maxAgeDays: number | null;
  /** The longest Backline waits for GitHub's answer about the last docs commit. */
  timeoutMs: number;
  now?: () => Date;
  logger?: Logger;
}

/** A site as far as Backline could tell just now: what it read, or what it had cached. */
export interface SiteState {
  metadata: TechDocsMetadata | null;
  /** The metadata is from the cache: the site did not answer this time. */
  fromCache: boolean;
  /** Pages of this site are in the cache, current or not. */
  searchable: boolean;
  warnings: string[];
}

/** The docs line of a /whoowns card: from the catalog and the cache only, never the network. */
export interface DocsLine {
  url: string;
  label: string;
  builtAt: Date | null;
  /** "3 days ago"; null when the build time is unknown. */
  builtAgo: string | null;
  stale: boolean | null;
  /** The site failed the last time Backline read it. */
  unreachable: boolean;
}

/**
 * TechDocs sites as Backline knows them: reads metadata and search indexes through the DocsSite
 * port, keeps them in the DocsStore, and judges freshness. Site problems become warnings, never
 * exceptions; only the database failing throws.
 */
export class DocsLibrary {
  readonly baseUrl: string | null;
  readonly maxAgeDays: number | null;
  private readonly options: DocsLibraryOptions;

  constructor(options: DocsLibraryOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl;
    this.maxAgeDays = options.maxAgeDays;
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Reads techdocs_metadata.json, and with `index`, the search index too when the build changed
   * since the cached copy. Falls back to the cache, with a warning, when the site does not answer.
   */
  async refresh(site: DocsSiteRef, options: { index: boolean }): Promise<SiteState> {
    const { store } = this.options;
    const cached = (await store.getSites([site.url])).get(site.url);
    const warnings: string[] = [];
    const read = await this.options.site.readMetadata(site.url);
    let metadata: TechDocsMetadata | null;
    if (read.ok) {
      metadata = read.value;
      await store.saveMetadata(site.url, site.entityRef, metadata, this.now());
    } else {
      await store.recordProblem(site.url, site.entityRef, 'metadata', read.problem, this.now());
      metadata = cached?.metadataCheckedAt ? { siteName: cached.siteName, builtAt: cached.builtAt, etag: cached.buildEtag } : null;
      const fallback = cached?.metadataCheckedAt ? ` Showing what it said ${ageText(cached.metadataCheckedAt, this.now())}.` : '';
      warnings.push(`The docs site ${site.url} could not be read: ${read.problem}.${fallback}`);
    }
    let searchable = Boolean(cached?.indexFetchedAt) && (cached?.pageCount ?? 0) > 0;
    if (options.index && read.ok && needsIndex(cached, read.value)) {
      const index = await this.options.site.readSearchIndex(site.url);
      if (index.ok) {
        await store.replacePages(site.url, site.entityRef, read.value.etag, index.value, this.now());
        searchable = index.value.length > 0;
      } else {
        await store.recordProblem(site.url, site.entityRef, 'index', index.problem, this.now());
        warnings.push(`Search is unavailable for ${site.url}: ${index.problem}.${searchable ? ' Searching the pages of an earlier build.' : ''}`);
      }
    }
    return { metadata, fromCache: !read.ok, searchable, warnings };
  }

  /**
   * When the entity's docs sources last changed in GitHub, bounded by the timeout. Answers a
   * warning instead when GitHub cannot say; nothing when GitHub is not configured.
   */
  async lastDocsChange(entity: StoredEntity): Promise<{ at: Date | null; warning: string | null }> {
    const { changes, githubWebUrl } = this.options;
    if (!changes || !githubWebUrl) return { at: null, warning: null };
    const source = docsSourceOf(entity, githubWebUrl);
    if (!source) return { at: null, warning: null };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs)));
    try {
      const answer = await Promise.race([changes.lastChange(source), timeout]);
      if (answer === 'timeout') return { at: null, warning: `GitHub did not say within ${this.options.timeoutMs / 1000} s when ${source.owner}/${source.repo}/${source.path} last changed, so staleness is judged by age only.` };
      return { at: answer, warning: null };
    } catch (error) {
      return { at: null, warning: `GitHub could not say when ${source.owner}/${source.repo}/${source.path} last changed (${(error as Error).message}), so staleness is judged by age only.` };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Reads every documented entity's site (metadata, and the index when its build changed), a few
   * at a time, so that card ages are current and `/docs <words>` searches every site.
   */
  async refreshAll(options: { concurrency?: number } = {}): Promise<{ sites: number; failed: number }> {
    const sites = new Map<string, DocsSiteRef>();
    for (const entity of await this.options.store.documentedEntities()) {
      const site = resolveDocs(entity, this.baseUrl).site;
      if (site && !sites.has(site.url)) sites.set(site.url, site);
    }
    const queue = [...sites.values()];
    let failed = 0;
    const worker = async () => {
      for (let site = queue.shift(); site; site = queue.shift()) {
        // One site that cannot be stored must not stop the others from being read.
        try {
          const state = await this.refresh(site, { index: true });
          if (state.warnings.length) failed++;
        } catch (error) {
          failed++;
          this.options.logger?.warn('could not refresh a docs site', { site: site.url, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, worker));
    return { sites: sites.size, failed };
  }

  search(words: string, options: { siteUrls?: string[]; limit: number }): Promise<PageHit[]> {
    return this.options.store.search(words, options);
  }

  /**
   * One page of an entity's site as text, with its sections, from the docs cache; the site's index
   * is read first when none is cached. Null when the entity has no site or the page is not in its index.
   */
  async page(entity: StoredEntity, page: string): Promise<{ url: string; sections: Array<{ location: string; title: string; body: string }> } | null> {
    const site = resolveDocs(entity, this.baseUrl).site;
    if (!site) return null;
    const cached = (await this.options.store.getSites([site.url])).get(site.url);
    if (!cached?.indexFetchedAt) await this.refresh(site, { index: true });
    const sections = await this.options.store.pageSections(site.url, page);
    return sections.length ? { url: pageUrl(site.url, page), sections } : null;
  }

  /** The docs line of an entity from the catalog and the cache: one indexed read at most. */
  async lineOf(entity: StoredEntity): Promise<DocsLine | null> {
    const location = resolveDocs(entity, this.baseUrl);
    if (location.site) {
      const cached: CachedSite | undefined = (await this.options.store.getSites([location.site.url])).get(location.site.url);
      const builtAt = cached?.builtAt ?? null;
      const freshness = judgeFreshness({ builtAt, now: this.now(), maxAgeDays: this.maxAgeDays, lastDocsChange: null });
      return {
        url: location.site.openUrl,
        label: cached?.siteName ?? 'TechDocs',
        builtAt,
        builtAgo: builtAt ? ageText(builtAt, this.now()) : null,
        stale: freshness?.stale ?? null,
        unreachable: Boolean(cached?.metadataError),
      };
    }
    if (location.link) return { url: location.link.url, label: location.link.title, builtAt: null, builtAgo: null, stale: null, unreachable: false };
    return null;
  }
}

/** The cached pages are from another build, or there are none. */
function needsIndex(cached: CachedSite | undefined, metadata: TechDocsMetadata): boolean {
  if (!cached?.indexFetchedAt) return true;
  if (metadata.etag) return metadata.etag !== cached.indexEtag;
  // No etag in the metadata: read again when the site was built after the cached copy was taken.
  return metadata.builtAt !== null && metadata.builtAt > cached.indexFetchedAt;
}
