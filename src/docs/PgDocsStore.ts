import type pg from 'pg';
import type { Entity } from '../catalog/model';
import { lexiconWords } from '../catalog/searchDocument';
import type { StoredEntity } from '../catalog/store';
import { withTransaction } from '../db/pool';
import type { SearchIndexEntry, TechDocsMetadata } from './site';
import type { CachedSite, DocsStore, PageHit } from './store';

interface SiteRow {
  site_url: string;
  entity_ref: string;
  site_name: string | null;
  built_at: Date | null;
  build_etag: string | null;
  metadata_checked_at: Date | null;
  index_etag: string | null;
  index_fetched_at: Date | null;
  page_count: number;
  metadata_error: string | null;
  index_error: string | null;
}

interface HitRow {
  site_url: string;
  entity_ref: string;
  location: string;
  title: string;
  snippet: string;
  score: number;
}

// Rows per INSERT when replacing a site's pages: large indexes travel in a few round trips.
const PAGE_BATCH = 2_000;
// Below this, a title shares too little with the words to be a useful guess.
const TITLE_SIMILARITY_FLOOR = 0.3;
const SNIPPET_OPTIONS = 'MaxWords=30, MinWords=12, MaxFragments=1, StartSel="", StopSel=""';

export class PgDocsStore implements DocsStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgDocsStore {
    return new PgDocsStore(options.pool);
  }

  async getSites(siteUrls: string[]): Promise<Map<string, CachedSite>> {
    if (siteUrls.length === 0) return new Map();
    const { rows } = await this.pool.query<SiteRow>(
      `SELECT site_url, entity_ref, site_name, built_at, build_etag, metadata_checked_at, index_etag, index_fetched_at, page_count, metadata_error, index_error
         FROM docs_sites WHERE site_url = ANY($1::text[])`,
      [siteUrls],
    );
    return new Map(rows.map((row) => [row.site_url, toSite(row)]));
  }

  async saveMetadata(siteUrl: string, entityRef: string, metadata: TechDocsMetadata, checkedAt: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO docs_sites (site_url, entity_ref, site_name, built_at, build_etag, metadata_checked_at)
       VALUES ($1::text, $2::text, $3::text, $4::timestamptz, $5::text, $6::timestamptz)
       ON CONFLICT (site_url) DO UPDATE SET entity_ref = EXCLUDED.entity_ref, site_name = EXCLUDED.site_name, built_at = EXCLUDED.built_at,
         build_etag = EXCLUDED.build_etag, metadata_checked_at = EXCLUDED.metadata_checked_at, metadata_error = NULL, metadata_error_at = NULL`,
      [siteUrl, entityRef, metadata.siteName, metadata.builtAt, metadata.etag, checkedAt],
    );
  }

  async recordProblem(siteUrl: string, entityRef: string, file: 'metadata' | 'index', problem: string, at: Date): Promise<void> {
    await this.pool.query(
      file === 'metadata'
        ? `INSERT INTO docs_sites (site_url, entity_ref, metadata_error, metadata_error_at) VALUES ($1::text, $2::text, $3::text, $4::timestamptz)
           ON CONFLICT (site_url) DO UPDATE SET metadata_error = EXCLUDED.metadata_error, metadata_error_at = EXCLUDED.metadata_error_at`
        : `INSERT INTO docs_sites (site_url, entity_ref, index_error) VALUES ($1::text, $2::text, $3::text)
           ON CONFLICT (site_url) DO UPDATE SET index_error = EXCLUDED.index_error`,
      file === 'metadata' ? [siteUrl, entityRef, problem, at] : [siteUrl, entityRef, problem],
    );
  }

  async replacePages(siteUrl: string, entityRef: string, indexEtag: string | null, entries: SearchIndexEntry[], fetchedAt: Date): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO docs_sites (site_url, entity_ref) VALUES ($1::text, $2::text) ON CONFLICT (site_url) DO NOTHING`,
        [siteUrl, entityRef],
      );
      // Two replicas refreshing one site at once: the second waits here and then replaces whole.
      await client.query('SELECT 1 FROM docs_sites WHERE site_url = $1::text FOR UPDATE', [siteUrl]);
      await client.query('DELETE FROM docs_pages WHERE site_url = $1::text', [siteUrl]);
      for (let start = 0; start < entries.length; start += PAGE_BATCH) {
        const batch = entries.slice(start, start + PAGE_BATCH);
        await client.query(
          `INSERT INTO docs_pages (site_url, position, location, title, body)
           SELECT $1::text, position, location, title, body
             FROM jsonb_to_recordset($2::jsonb) AS page(position integer, location text, title text, body text)`,
          [siteUrl, JSON.stringify(batch.map((entry, index) => ({ position: start + index, location: entry.location, title: entry.title, body: entry.text })))],
        );
      }
      // The words of page titles join the catalog's lexicon, so /find corrects a typo of them too;
      // sorted, as ingestion sorts its own, so that the two writers take its locks in one order.
      const titleWords = lexiconWords(entries.map((entry) => entry.title));
      await client.query('INSERT INTO search_lexicon (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [titleWords]);
      await client.query(
        `UPDATE docs_sites SET index_etag = $2::text, index_fetched_at = $3::timestamptz, page_count = $4::int, index_error = NULL WHERE site_url = $1::text`,
        [siteUrl, indexEtag, fetchedAt, entries.length],
      );
    });
  }

  async search(words: string, options: { siteUrls?: string[]; limit: number }): Promise<PageHit[]> {
    const sites = options.siteUrls ?? null;
    const allWords = await this.fullText(`websearch_to_tsquery('english', $1::text)`, words, sites, options.limit);
    if (allWords.length) return allWords;
    const terms = termsOf(words);
    if (terms.length) {
      // Any of the words, each also as a prefix ("idempot" finds "idempotency"); more matches rank higher.
      const anyWord = await this.fullText(`to_tsquery('english', $1::text)`, terms.map((term) => `${term}:*`).join(' | '), sites, options.limit);
      if (anyWord.length) return anyWord;
    }
    // The <% operator (which the trigram index serves) filters at pg_trgm.word_similarity_threshold,
    // 0.6 by default: too strict for typos in short titles, so it is lowered for this query only.
    return withTransaction(this.pool, async (client) => {
      await client.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1::text, true)`, [String(TITLE_SIMILARITY_FLOOR)]);
      const { rows } = await client.query<HitRow>(
        `SELECT p.site_url, s.entity_ref, p.location, p.title, left(p.body, 200) AS snippet, word_similarity(lower($1::text), lower(p.title))::float8 AS score
           FROM docs_pages p JOIN docs_sites s USING (site_url)
          WHERE lower($1::text) <% lower(p.title) AND ($2::text[] IS NULL OR p.site_url = ANY($2::text[]))
          ORDER BY score DESC, p.site_url, p.position
          LIMIT $3::int`,
        [words, sites, options.limit],
      );
      return rows.map(toHit);
    });
  }

  async pageSections(siteUrl: string, page: string): Promise<Array<{ location: string; title: string; body: string }>> {
    const { rows } = await this.pool.query<{ location: string; title: string; body: string }>(
      `SELECT location, title, body FROM docs_pages
        WHERE site_url = $1::text AND (location = $2::text OR starts_with(location, $2::text || '#'))
        ORDER BY position`,
      [siteUrl, page],
    );
    return rows;
  }

  /**
   * Some `first` documented entities, and how many there are, counted no further than `countUpTo`:
   * a check of a large catalog reads a few rows, not every documented entity. The first found
   * rather than the first by ref: ordering by ref can mean reading the whole table to sort it.
   */
  async documentedSample(options: { first: number; countUpTo: number }): Promise<{ first: StoredEntity[]; count: number }> {
    const [first, counted] = await Promise.all([
      this.pool.query<DocumentedRow>(`SELECT ${DOCUMENTED_COLUMNS} FROM entities WHERE ${DOCUMENTED} LIMIT $1::int`, [options.first]),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM entities WHERE ${DOCUMENTED} LIMIT $1::int) documented`, [options.countUpTo]),
    ]);
    return { first: first.rows.map(toDocumented), count: counted.rows[0]?.n ?? 0 };
  }

  async documentedEntities(): Promise<StoredEntity[]> {
    // A read of the catalog's table from here keeps the catalog store free of docs knowledge.
    const { rows } = await this.pool.query<DocumentedRow>(`SELECT ${DOCUMENTED_COLUMNS} FROM entities WHERE ${DOCUMENTED} ORDER BY ref_key`);
    return rows.map(toDocumented);
  }

  private async fullText(query: string, text: string, sites: string[] | null, limit: number): Promise<PageHit[]> {
    const { rows } = await this.pool.query<HitRow>(
      `WITH q AS (SELECT ${query} AS query),
       best AS (
         SELECT p.site_url, p.position, p.location, p.title, p.body, ts_rank(p.search, q.query)::float8 AS score, q.query
           FROM docs_pages p, q
          WHERE p.search @@ q.query AND ($2::text[] IS NULL OR p.site_url = ANY($2::text[]))
          ORDER BY score DESC, p.site_url, p.position
          LIMIT $3::int)
       SELECT best.site_url, s.entity_ref, best.location, best.title, best.score,
              ts_headline('english', best.body, best.query, '${SNIPPET_OPTIONS}') AS snippet
         FROM best JOIN docs_sites s USING (site_url)
        ORDER BY best.score DESC, best.site_url, best.position`,
      [text, sites, limit],
    );
    return rows.map(toHit);
  }
}

/** Words as to_tsquery accepts them: letters and digits only, so input can never be query syntax. */
function termsOf(words: string): string[] {
  return [...new Set(words.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((term) => term.length > 0))].slice(0, 16);
}

function toSite(row: SiteRow): CachedSite {
  return {
    siteUrl: row.site_url,
    entityRef: row.entity_ref,
    siteName: row.site_name,
    builtAt: row.built_at,
    buildEtag: row.build_etag,
    metadataCheckedAt: row.metadata_checked_at,
    indexEtag: row.index_etag,
    indexFetchedAt: row.index_fetched_at,
    pageCount: row.page_count,
    metadataError: row.metadata_error,
    indexError: row.index_error,
  };
}

function toHit(row: HitRow): PageHit {
  return { siteUrl: row.site_url, entityRef: row.entity_ref, location: row.location, title: row.title, snippet: row.snippet.replace(/\s+/g, ' ').trim(), score: Math.round(row.score * 1000) / 1000 };
}

const DOCUMENTED = `body -> 'metadata' -> 'annotations' ?| ARRAY['backstage.io/techdocs-ref', 'backstage.io/techdocs-entity']`;

// Each body cut to what resolving its docs reads (resolveDocs: annotations and links): every
// documented entity of a large catalog is read at each refresh, and whole bodies can be large.
const DOCUMENTED_COLUMNS = `ref, ref_key, kind, namespace, name, location_key,
  jsonb_strip_nulls(jsonb_build_object('apiVersion', body -> 'apiVersion', 'kind', body -> 'kind', 'metadata', jsonb_build_object(
    'name', body -> 'metadata' -> 'name', 'namespace', body -> 'metadata' -> 'namespace',
    'annotations', body -> 'metadata' -> 'annotations', 'links', body -> 'metadata' -> 'links'))) AS body`;

interface DocumentedRow {
  ref: string;
  ref_key: string;
  kind: string;
  namespace: string;
  name: string;
  body: Entity;
  location_key: string;
}

function toDocumented(row: DocumentedRow): StoredEntity {
  return { ref: row.ref, refKey: row.ref_key, kind: row.kind, namespace: row.namespace, name: row.name, entity: row.body, locationKey: row.location_key };
}
