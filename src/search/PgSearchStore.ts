import type pg from 'pg';
import { entityColumnsOf, jsonTextArray, toEntity, type EntityRow } from '../catalog/PgCatalogStatements';
import { fieldTexts, lexiconWords, searchFields, type SearchFields } from '../catalog/searchDocument';
import type { Entity } from '../catalog/model';
import { aboutText, commonLexemes, COMMON_ROWS, filterSql, ownerOf } from './PgSearchStatements';
import { allWordsQuery, anyWordQuery, eachWordQueries } from './tsquery';
import { HIGHLIGHT, type CatalogFinder, type LexiconEntry, type MatchField, type SearchFilters, type SearchHit, type SearchRequest } from './store';

// How many candidates each way of finding them may bring: the statement ranks at most a few
// hundred rows whatever the catalog's size, which is what keeps a common word cheap.
const NAME_CANDIDATES = 50;
const DOCUMENT_CANDIDATES = 150;
const WORD_CANDIDATES = 100;
const PAGE_CANDIDATES = 100;
// Fewer candidates holding every word than this, and those holding some of them are read too.
const ENOUGH_CANDIDATES = 10;
// Below this, a word of the lexicon shares too little with what was typed to stand for it.
const NEAREST_FLOOR = 0.3;
const FILL_BATCH = 1_000;
// The catalog's common words change only with ANALYZE: read again after this long.
const COMMON_WORDS_TTL_MS = 5 * 60_000;

const NAME_HEADLINE = `StartSel=${HIGHLIGHT.start}, StopSel=${HIGHLIGHT.stop}, HighlightAll=true`;
const TEXT_HEADLINE = `StartSel=${HIGHLIGHT.start}, StopSel=${HIGHLIGHT.stop}, MaxWords=18, MinWords=6, MaxFragments=1, FragmentDelimiter=" … "`;

interface HitRow extends EntityRow {
  score: number;
  every: boolean;
  owner_ref: string | null;
  owner_title: string | null;
  owner_channel: string | null;
  why_field: MatchField;
  why_text: string | null;
  page_title: string | null;
  page_location: string | null;
  page_site: string | null;
}

/**
 * `/find`: one statement ranks entities by their search documents (weighted: name, then tags and
 * kind, then description and API definition), the cached TechDocs pages of each, and the words of
 * a name typed whole, within the filters given. Candidates come from the full-text indexes in
 * bounded numbers (every word in the name; every word anywhere; the docs pages holding every word;
 * then each word alone when those are few), so a common word costs no more than a rare one.
 */
export class PgSearchStore implements CatalogFinder {
  private filled: Promise<void> | undefined;
  private common: { at: number; words: Promise<{ entities: string[]; pages: string[] }> } | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly genericPlans: pg.Pool,
  ) {}

  /**
   * `genericPlanPool`'s sessions always run a named statement's generic plan (Database's
   * genericPlanPool): a search without filters is one statement of many parts that takes longer
   * to plan than to run, and PostgreSQL, left to choose, plans it afresh every time. Searches with
   * a kind, type or tag filter go through `pool`, unnamed, so that each is planned with the filter's
   * values (planGenerically). Without `genericPlanPool`, every search goes through `pool`.
   */
  static create(options: { pool: pg.Pool; genericPlanPool?: pg.Pool }): PgSearchStore {
    return new PgSearchStore(options.pool, options.genericPlanPool ?? options.pool);
  }

  async search(request: SearchRequest): Promise<SearchHit[]> {
    // A failed fill is tried again by the next search rather than failing every search after it.
    await (this.filled ??= this.fillMissingDocuments().catch((error: unknown) => {
      this.filled = undefined;
      throw error;
    }));
    const all = allWordsQuery(request);
    const words = all !== '';
    // One plan per shape serves the searches planGenerically says may share one (its words hidden
    // from the planner, which would otherwise plan afresh for each); the rest are planned with
    // their filters' values.
    const filters = filterSql(request.filters, 12);
    // Of the catalog's common words, only those that may be a word of this search's: a lexeme is
    // its word's stem, which starts as the word does (the rest would be sent and read for nothing).
    const starts = new Set(eachWordQueries(request).flatMap((item) => item.words.split(' ')).map((word) => word.slice(0, 3)));
    const relevant = (lexemes: string[]) => lexemes.filter((lexeme) => starts.has(lexeme.slice(0, 3)));
    const common = await this.commonWords();
    const shape = [words ? 'words' : 'filters', filters.shape, Math.max(1, Math.floor(request.limit))].join('.');
    const limit = Math.max(1, Math.floor(request.limit));
    const where = filters.sql;
    // Each way of finding candidates scores the rows it reads, so no candidate is read twice.
    const score = `(${words ? `ts_rank('{0.1, 0.2, 0.4, 1.0}', e.search_document, (SELECT any_q FROM q), 1)
        + CASE WHEN ts_filter(e.search_document, '{a}') @@ (SELECT all_q FROM q) THEN 1 ELSE 0 END
        + CASE WHEN e.search_document @@ (SELECT all_q FROM q) THEN 0.5 ELSE 0 END` : '0'}
        + CASE WHEN e.name_key = $5::text OR e.name_key = replace($5::text, ' ', '-') OR e.title_key = $5::text THEN 2 ELSE 0 END
        -- The type is read from the body only when a type was hinted: reading bodies is what costs.
        + CASE WHEN e.kind = ANY(${jsonTextArray(6)}) THEN 0.3 WHEN $7::text <> '[]' AND lower(e.body -> 'spec' ->> 'type') = ANY(${jsonTextArray(7)}) THEN 0.3 ELSE 0 END)::float8 AS score,
      ${words ? 'e.search_document @@ (SELECT all_q FROM q)' : 'true'} AS every`;
    const scored = (condition: string, cap: number) => `SELECT e.ref_key, ${score} FROM entities e WHERE ${condition}${where} LIMIT ${cap}`;
    // Every word in the name first. Every word anywhere (and in a docs page) only when some word is
    // not one the catalog uses in thousands of entities, or the names found few: otherwise a few
    // hundred of the thousands holding common words would be read for nothing in particular.
    // Names are the weight-A words of the search document, with an index of their own
    // (entities_search_name): a few words per entity, so common words stay cheap to look up there.
    const named = words ? scored(`ts_filter(e.search_document, '{a}') @@ (SELECT all_q FROM q)`, NAME_CANDIDATES) : `SELECT NULL::text AS ref_key, 0::float8 AS score, true AS every WHERE false`;
    const textBranches = words
      ? `(SELECT * FROM named)
         UNION ALL (${scored('((SELECT entities FROM anchored) OR (SELECT few_named FROM anchored)) AND e.search_document @@ (SELECT all_q FROM q)', DOCUMENT_CANDIDATES)})`
      : // Filters alone: any of the entities matching them, found through whichever index is most selective.
        `(${scored('true', DOCUMENT_CANDIDATES)})`;
    const exactBranch = `UNION ALL (${scored(`(e.name_key = $5::text OR e.name_key = replace($5::text, ' ', '-') OR e.title_key = $5::text)`, NAME_CANDIDATES)})`;
    const text = `
      WITH RECURSIVE q AS (SELECT to_tsquery('english', $1::text) AS all_q, to_tsquery('english', $2::text) AS any_q),
      -- Words the catalog (or its docs) uses in thousands of rows (commonWords): reading every
      -- entity holding one costs much and finds nothing in particular.
      common AS (SELECT $4::text[] AS entities, $12::text[] AS pages),
      each AS (SELECT t.query, tsvector_to_array(to_tsvector('english', t.words)) AS lexemes FROM json_to_recordset($3::json) AS t(query text, words text)),
      ${filters.ctes}
      named AS (${named}),
      anchored AS (SELECT
        EXISTS (SELECT 1 FROM each WHERE NOT lexemes <@ (SELECT entities FROM common)) AS entities,
        EXISTS (SELECT 1 FROM each WHERE NOT lexemes <@ (SELECT pages FROM common)) AS pages,
        (SELECT count(*) FROM named) < ${ENOUGH_CANDIDATES} AS few_named),
      strict AS (${textBranches} ${exactBranch}),
      pages AS (
        SELECT lower(s.entity_ref) AS ref_key, p.site_url, p.position, ts_rank(p.search, (SELECT all_q FROM q))::float8 AS rank, true AS every
        FROM (SELECT site_url, position, search FROM docs_pages
              WHERE ${words ? '((SELECT pages FROM anchored) OR (SELECT few_named FROM anchored)) AND search @@ (SELECT all_q FROM q)' : 'false'} LIMIT ${PAGE_CANDIDATES}) p
        JOIN docs_sites s USING (site_url)),
      few AS (SELECT (SELECT count(DISTINCT ref_key) FROM strict) + (SELECT count(*) FROM pages) < ${ENOUGH_CANDIDATES} AS few),
      loose AS (
        SELECT c.* FROM each AS t
        CROSS JOIN LATERAL (${scored("e.search_document @@ to_tsquery('english', t.query)", WORD_CANDIDATES)}) c
        WHERE (SELECT few FROM few) AND NOT t.lexemes <@ (SELECT entities FROM common)),
      each_page AS (SELECT to_tsquery('english', coalesce(string_agg(t.query, ' | '), '')) AS query FROM each AS t WHERE NOT t.lexemes <@ (SELECT pages FROM common)),
      loose_pages AS (
        SELECT lower(s.entity_ref) AS ref_key, p.site_url, p.position, ts_rank(p.search, (SELECT any_q FROM q))::float8 AS rank, false AS every
        FROM (SELECT site_url, position, search FROM docs_pages WHERE (SELECT few FROM few) AND search @@ (SELECT query FROM each_page) LIMIT ${PAGE_CANDIDATES}) p
        JOIN docs_sites s USING (site_url)),
      best_pages AS (
        SELECT DISTINCT ON (ref_key) ref_key, site_url, position, rank, every FROM (SELECT * FROM pages UNION ALL SELECT * FROM loose_pages) found
        ORDER BY ref_key, every DESC, rank DESC, site_url, position),
      found AS (SELECT * FROM strict UNION ALL SELECT * FROM loose),
      -- Entities found only through a page of their docs, read by key (a join the planner chose
      -- could read the whole table), within the filters.
      paged AS (
        SELECT e.* FROM best_pages bp
        CROSS JOIN LATERAL (SELECT ref_key, ${score} FROM entities e WHERE e.ref_key = bp.ref_key${where} LIMIT 1) e
        WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.ref_key = bp.ref_key)),
      candidates AS (SELECT DISTINCT ON (ref_key) * FROM (SELECT * FROM found UNION ALL SELECT * FROM paged) c ORDER BY ref_key, score DESC),
      ranked AS (
        SELECT c.ref_key, bp.site_url, bp.position, c.every OR coalesce(bp.every, false) AS every, (c.score + coalesce(bp.rank * 0.6 + 0.2, 0))::float8 AS score
        FROM candidates c LEFT JOIN best_pages bp ON bp.ref_key = c.ref_key
        WHERE c.ref_key <> ALL(${jsonTextArray(8)})
        ORDER BY score DESC, c.ref_key
        LIMIT ${limit}),
      matched AS (
        SELECT r.score, r.site_url, r.every, ${entityColumnsOf('e')}, e.search_fields, p.title AS page_title, p.location AS page_location, p.body AS page_body,
          CASE WHEN ${words ? `ts_filter(e.search_document, '{a}') @@ (SELECT any_q FROM q)` : 'false'} THEN 'name'
               WHEN r.site_url IS NOT NULL AND NOT ${words ? 'e.search_document @@ (SELECT any_q FROM q)' : 'false'} THEN 'docs'
               WHEN ${words ? `to_tsvector('english', coalesce(e.search_fields ->> 'b', '')) @@ (SELECT any_q FROM q)` : 'false'} THEN 'about'
               WHEN ${words ? 'e.search_document @@ (SELECT any_q FROM q)' : 'false'} THEN 'description'
               WHEN r.site_url IS NOT NULL THEN 'docs'
               ELSE 'filters' END AS why_field
        FROM ranked r CROSS JOIN LATERAL (SELECT * FROM entities WHERE entities.ref_key = r.ref_key LIMIT 1) e
        LEFT JOIN docs_pages p ON p.site_url = r.site_url AND p.position = r.position)
      -- Bodies without their API definitions, which can be hundreds of kilobytes no answer shows.
      SELECT m.ref, m.ref_key, m.kind, m.namespace, m.name, m.body #- '{spec,definition}' AS body, m.location_key, m.score, m.every, m.why_field, m.page_title, m.page_location, m.site_url AS page_site,
        own.ref AS owner_ref, own.title AS owner_title, own.channel AS owner_channel,
        CASE m.why_field
          WHEN 'name' THEN ts_headline('english', translate(coalesce(m.body -> 'metadata' ->> 'title' || ' (' || m.name || ')', m.name), $9::text, ''), (SELECT any_q FROM q), $10::text)
          WHEN 'about' THEN ts_headline('english', translate(${aboutText('m')}, $9::text, ''), (SELECT any_q FROM q), $10::text)
          WHEN 'description' THEN ts_headline('english', translate(CASE
              WHEN to_tsvector('english', coalesce(m.body -> 'metadata' ->> 'description', '')) @@ (SELECT any_q FROM q) THEN m.body -> 'metadata' ->> 'description'
              ELSE coalesce(m.search_fields ->> 'c', '') END, $9::text, ''), (SELECT any_q FROM q), $11::text)
          WHEN 'docs' THEN ts_headline('english', translate(m.page_body, $9::text, ''), (SELECT any_q FROM q), $11::text)
          ELSE translate(${aboutText('m')}, $9::text, '') END AS why_text
      FROM matched m
      LEFT JOIN LATERAL (${ownerOf('m')}) own ON true
      ORDER BY m.score DESC, m.ref_key`;
    const values = [
      all,
      anyWordQuery(request),
      JSON.stringify(words ? eachWordQueries(request) : []),
      relevant(common.entities),
      request.exactName?.toLowerCase() ?? null,
      JSON.stringify(request.hints.kinds.map((kind) => kind.toLowerCase())),
      JSON.stringify(request.hints.types.map((type) => type.toLowerCase())),
      JSON.stringify(request.exclude ?? []),
      `${HIGHLIGHT.start}${HIGHLIGHT.stop}`,
      NAME_HEADLINE,
      TEXT_HEADLINE,
      relevant(common.pages),
      ...filters.values,
    ];
    const { rows } = await (planGenerically(filters.shape) ? this.genericPlans.query<HitRow>({ name: `search.find.${shape}`, text, values }) : this.pool.query<HitRow>({ text, values }));
    return rows.map(toHit);
  }

  /**
   * The lexemes in more than COMMON_ROWS entities (or docs pages), from the frequencies ANALYZE
   * keeps of each full-text column's most common lexemes; read again every few minutes, since
   * reading them costs a search about a sixth of its time and they change only with ANALYZE.
   */
  private commonWords(): Promise<{ entities: string[]; pages: string[] }> {
    if (!this.common || Date.now() - this.common.at > COMMON_WORDS_TTL_MS) {
      const read = this.genericPlans
        .query<{ entities: string[]; pages: string[] }>({
          name: 'search.commonWords',
          text: `SELECT ${commonLexemes('entities', 'search_document')} AS entities, ${commonLexemes('docs_pages', 'search')} AS pages`,
          values: [COMMON_ROWS],
        })
        .then(({ rows }) => rows[0] ?? { entities: [], pages: [] });
      this.common = { at: Date.now(), words: read };
      read.catch(() => (this.common = undefined));
    }
    return this.common.words;
  }

  async lexicon(words: string[]): Promise<LexiconEntry[]> {
    if (words.length === 0) return [];
    const { rows } = await this.genericPlans.query<{ word: string; known: boolean; nearest: Array<{ word: string; similarity: number }> | null }>({
      name: 'search.lexicon',
      text: `SELECT w.t AS word, k.known,
               CASE WHEN k.known THEN NULL ELSE (
                 SELECT json_agg(json_build_object('word', n.word, 'similarity', n.similarity) ORDER BY n.similarity DESC, n.word)
                 FROM (SELECT l.word, similarity(l.word, w.t)::float8 AS similarity FROM search_lexicon l ORDER BY l.word <-> w.t LIMIT 3) n
                 WHERE n.similarity >= $2::float8) END AS nearest
             FROM json_array_elements_text($1::json) WITH ORDINALITY AS w(t, i)
             CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM search_lexicon WHERE word = w.t) AS known) k
             ORDER BY w.i`,
      values: [JSON.stringify(words.map((word) => word.toLowerCase())), NEAREST_FLOOR],
    });
    return rows.map((row) => ({ word: row.word, known: row.known, nearest: row.nearest ?? [] }));
  }

  async searchFieldsOf(refKey: string): Promise<{ entity: ReturnType<typeof toEntity>; fields: SearchFields } | undefined> {
    const { rows } = await this.pool.query<EntityRow & { search_fields: SearchFields | null }>(
      `SELECT ${entityColumnsOf('e')}, e.search_fields FROM entities e WHERE e.ref_key = $1::text`,
      [refKey.toLowerCase()],
    );
    const row = rows[0];
    return row && { entity: toEntity(row), fields: row.search_fields ?? searchFields(row.body) };
  }

  /**
   * Entities written before search documents existed have none: they are made here, once, from
   * the stored bodies, so that an upgraded catalog is searchable without being ingested again.
   */
  private async fillMissingDocuments(): Promise<void> {
    for (;;) {
      const { rows } = await this.pool.query<{ ref_key: string; body: Entity }>(
        `SELECT ref_key, body FROM entities WHERE search_fields IS NULL ORDER BY ref_key LIMIT ${FILL_BATCH}`,
      );
      if (rows.length === 0) return;
      const filled = rows.map((row) => ({ r: row.ref_key, f: searchFields(row.body) }));
      await this.pool.query(`UPDATE entities e SET search_fields = x.f FROM jsonb_to_recordset($1::jsonb) AS x(r text, f jsonb) WHERE e.ref_key = x.r`, [JSON.stringify(filled)]);
      const words = lexiconWords(fieldTexts(filled.map((row) => row.f)));
      await this.pool.query('INSERT INTO search_lexicon (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [words]);
    }
  }
}

/**
 * Whether one plan serves every search of this shape (filterSql's letters). Owner, system and
 * lifecycle filters read the same way whatever their values (relations by key; a check of the rows
 * found), so their plans are made once. Kind, type and tag filters are planned with their values:
 * a rare one is read through its index, a common one is not, and a plan made without the values
 * cannot tell (`type:tool` in a million entities read every row under the one plan).
 */
function planGenerically(shape: string): boolean {
  return shape === 'none' || [...shape].every((filter) => GENERIC_FILTERS.has(filter));
}

const GENERIC_FILTERS = new Set(['o', 's', 'l']);

function toHit(row: HitRow): SearchHit {
  const why: SearchHit['why'] = { field: row.why_field, text: (row.why_text ?? '').replace(/\s+/g, ' ').trim() };
  if (row.why_field === 'docs' && row.page_title !== null && row.page_site !== null) why.page = { title: row.page_title, location: row.page_location ?? '', siteUrl: row.page_site };
  return {
    entity: toEntity(row),
    score: Math.round(row.score * 1000) / 1000,
    everyWord: row.every,
    owner: row.owner_ref ? { ref: row.owner_ref, title: row.owner_title, slackChannel: row.owner_channel } : null,
    why,
  };
}
