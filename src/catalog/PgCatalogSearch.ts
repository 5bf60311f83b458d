import type pg from 'pg';
import { ENTITY_COLUMNS, jsonTextArray, toEntity, type EntityRow } from './PgCatalogStatements';
import { isWord, searchTerms } from './searchTerms';
import type { CatalogSearch, StoredEntity } from './store';

// Below this, a "suggestion" shares too little with what was typed to help.
const SIMILARITY_FLOOR = 0.2;
// From this on, a candidate is taken to be what was meant (a letter or two off a name of a few words).
const CONFIDENT_SIMILARITY = 0.5;

/**
 * "Did you mean": entities whose name or title is near what was typed, by trigram similarity over
 * the words ingestion indexed (search_terms, search_vocabulary). Its statements are one per shape
 * of query, with the words as JSON parameters, so that each is planned once per connection.
 */
export class PgCatalogSearch implements CatalogSearch {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgCatalogSearch {
    return new PgCatalogSearch(options.pool);
  }

  async findSimilar(text: string, limit: number): Promise<Array<{ entity: StoredEntity; similarity: number }>> {
    const query = text.trim().toLowerCase();
    const terms = searchTerms(query);
    const words = terms.filter(isWord);
    if (words.length === 0) return [];
    const numbers = terms.filter((term) => !isWord(term));
    // Each word of the query, or the known word nearest to it by trigram distance.
    const { rows: corrected } = await this.pool.query<{ term: string | null }>({
      name: 'catalog.findSimilar.correct',
      text: `SELECT coalesce(
               (SELECT v.term FROM search_vocabulary v WHERE v.term = w.t),
               (SELECT v.term FROM search_vocabulary v ORDER BY v.term <-> w.t LIMIT 1)) AS term
             FROM json_array_elements_text($1::json) AS w(t)`,
      values: [JSON.stringify(words)],
    });
    const known = [...new Set(corrected.map((row) => row.term).filter((term): term is string => term !== null))];
    if (known.length === 0) return [];
    // A single typed word is scored by how well it matches some word of a name; longer queries by
    // whole-name similarity, which is cheaper and is what tells near misses apart.
    const score = words.length + numbers.length === 1
      ? `greatest(similarity(name_key, $1::text), coalesce(similarity(title_key, $1::text), 0), word_similarity($1::text, name_key) * 0.8)`
      : `greatest(similarity(name_key, $1::text), coalesce(similarity(title_key, $1::text), 0))`;
    // Candidates hold every corrected word (and the numbers), or else every word but one, in case a
    // typo was corrected to the wrong word. Each branch is bounded, so common words stay cheap. The
    // every-word-but-one branches are read only when no candidate holding every word is already a
    // close match: after a right correction they add nothing but arbitrary holders of a common
    // word, which in a large catalog are most of what a misspelled lookup would read.
    const strict = [[...known, ...numbers], known];
    const loose = known.length > 1 && known.length <= 4 ? known.map((_, skip) => known.filter((__, i) => i !== skip)) : [];
    const branch = (param: number, cap: number, gate = '') => `(SELECT ref_key, name_key, title_key FROM entities WHERE search_terms @> ${jsonTextArray(param)}${gate} LIMIT ${cap})`;
    const candidates = `WITH strict AS (${strict.map((_, i) => branch(i + 2, 100)).join(' UNION ')})${
      loose.length
        ? `, confident AS (SELECT EXISTS (SELECT 1 FROM strict WHERE ${score} >= ${CONFIDENT_SIMILARITY}) AS found),
           candidates AS (SELECT * FROM strict UNION ${loose.map((_, i) => branch(i + 2 + strict.length, 30, ' AND NOT (SELECT found FROM confident)')).join(' UNION ')})`
        : `, candidates AS (SELECT * FROM strict)`
    }`;
    // The best few come back whole, so suggestions cost no further read. The limit is part of the
    // statement: as a parameter, each execution's own plan would look cheaper than a shared one.
    const best = Math.max(1, Math.floor(limit));
    const withEntities = (ctes: string) =>
      `${ctes}
       SELECT e.*, best.score
       FROM (SELECT ref_key, ${score}::float8 AS score FROM candidates ORDER BY score DESC, ref_key LIMIT ${best}) best
       CROSS JOIN LATERAL (SELECT ${ENTITY_COLUMNS} FROM entities WHERE entities.ref_key = best.ref_key) e
       ORDER BY best.score DESC, e.ref_key`;
    // One prepared statement per shape of query, so each is planned once.
    const shape = `${words.length + numbers.length === 1 ? 'word' : 'words'}.${loose.length}.${best}`;
    const { rows: ranked } = await this.pool.query<EntityRow & { score: number }>({
      name: `catalog.findSimilar.${shape}`,
      text: withEntities(candidates),
      values: [query, ...[...strict, ...loose].map((terms) => JSON.stringify(terms))],
    });
    if (ranked.length === 0) {
      // Nothing holds the words together: anything holding one of them, scored the same way.
      const { rows: any } = await this.pool.query<EntityRow & { score: number }>({
        name: `catalog.findSimilar.any.${shape}`,
        text: withEntities(`WITH candidates AS (SELECT ref_key, name_key, title_key FROM entities WHERE search_terms && ${jsonTextArray(2)} LIMIT 300)`),
        values: [query, JSON.stringify(known)],
      });
      ranked.push(...any);
    }
    return ranked.filter((row) => row.score >= SIMILARITY_FLOOR).slice(0, limit).map((row) => ({ entity: toEntity(row), similarity: row.score }));
  }
}
