import type { StoredEntity } from '../catalog/store';
import type { SearchIndexEntry, TechDocsMetadata } from './site';

/** What Backline last learned about a TechDocs site. */
export interface CachedSite {
  siteUrl: string;
  entityRef: string;
  siteName: string | null;
  builtAt: Date | null;
  buildEtag: string | null;
  /** When techdocs_metadata.json last answered; null if it never has. */
  metadataCheckedAt: Date | null;
  /** The build etag the cached pages come from. */
  indexEtag: string | null;
  /** When the cached pages were read; null when no index is cached. */
  indexFetchedAt: Date | null;
  pageCount: number;
  /** Why techdocs_metadata.json could not be read the last time; null when it could. */
  metadataError: string | null;
  /** Why the search index could not be read the last time; null when it could. */
  indexError: string | null;
}

/** A page (or section) that matched a search, best first. */
export interface PageHit {
  siteUrl: string;
  /** The entity whose site it is. */
  entityRef: string;
  location: string;
  title: string;
  snippet: string;
  score: number;
}

/**
 * The docs cache: site metadata and search-index pages of TechDocs sites, so that cards show build
 * ages without asking the sites and searches run in PostgreSQL.
 */
export interface DocsStore {
  getSites(siteUrls: string[]): Promise<Map<string, CachedSite>>;
  /** Records a good read of techdocs_metadata.json, and clears its last problem. */
  saveMetadata(siteUrl: string, entityRef: string, metadata: TechDocsMetadata, checkedAt: Date): Promise<void>;
  /** Remembers why a file of the site could not be read; what was cached before is kept. */
  recordProblem(siteUrl: string, entityRef: string, file: 'metadata' | 'index', problem: string, at: Date): Promise<void>;
  /** Replaces a site's cached pages with a freshly read index, atomically, and clears its last problem. */
  replacePages(siteUrl: string, entityRef: string, indexEtag: string | null, entries: SearchIndexEntry[], fetchedAt: Date): Promise<void>;
  /**
   * Pages matching `words`, best first: full-text search (all words, then any word or prefix),
   * then trigram similarity of titles for typos. Only the given sites, or every cached one.
   */
  search(words: string, options: { siteUrls?: string[]; limit: number }): Promise<PageHit[]>;
  /**
   * A cached page of a site with its sections, in index order: the entries at `page` (`runbook/`,
   * or '' for the home page) and at its anchors (`runbook/#rollback`). Empty when none is cached.
   */
  pageSections(siteUrl: string, page: string): Promise<Array<{ location: string; title: string; body: string }>>;
  /** Catalog entities with a TechDocs annotation (techdocs-ref or techdocs-entity), their bodies cut to the annotations and links that say where their docs are: the sites to keep fresh. */
  documentedEntities(): Promise<StoredEntity[]>;
}
