import type { SearchFilters } from './store';

/**
 * The SQL fragments PgSearchStore builds its statements from: common words, filters, and what a
 * hit shows (its owner, the line about it). Only known column and table names are written into
 * SQL; every value is a parameter.
 */

// In more rows than this, a word is common: reading its rows costs more than a millisecond or two.
// ANALYZE keeps the frequencies of the most common lexemes of each full-text column, which is
// enough to know them; in a catalog of a few thousand entities no word is common.
export const COMMON_ROWS = 5_000;

/** The lexemes of `column` in more than COMMON_ROWS rows of `table` (by its statistics), as text[]. */
export function commonLexemes(table: string, column: string): string {
  return `coalesce((SELECT array_agg(m.lexeme) FROM pg_stats s
      CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(lexeme, share)
      WHERE s.schemaname = current_schema() AND s.tablename = '${table}' AND s.attname = '${column}' AND m.lexeme IS NOT NULL
        AND m.share * (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = '${table}'::regclass) > $1::float8), '{}')`;
}

/** The filters as SQL over `e`, each a parameter after `first`; the shape names which are present. */
export function filterSql(filters: SearchFilters, first: number): { sql: string; ctes: string; values: unknown[]; shape: string } {
  const values: unknown[] = [];
  const param = (items: string[]) => {
    values.push(items.map((item) => item.toLowerCase()));
    return `$${first + values.length}::text[]`;
  };

  const conditions: string[] = [];
  const ctes: string[] = [];
  const shape: string[] = [];
  if (filters.kinds.length) {
    conditions.push(`e.kind = ANY(${param(filters.kinds)})`);
    shape.push('k');
  }
  // Types and tags have indexes of their own (entities_type, entities_tags), for the rare ones.
  if (filters.types.length) {
    conditions.push(`lower(e.body -> 'spec' ->> 'type') = ANY(${param(filters.types)})`);
    shape.push('t');
  }
  if (filters.lifecycles.length) {
    conditions.push(`lower(e.body -> 'spec' ->> 'lifecycle') = ANY(${param(filters.lifecycles)})`);
    shape.push('l');
  }
  if (filters.tags.length) {
    conditions.push(`(e.body -> 'metadata' -> 'tags') ?| ${param(filters.tags)}`);
    shape.push('g');
  }
  if (filters.owners.length) {
    // A team stands for itself and every team below it (spec.parent, or a parent's spec.children).
    const owners = param(filters.owners);
    ctes.push(`owner_teams(ref_key) AS (
        SELECT ref_key FROM entities WHERE kind IN ('group', 'user') AND (name_key = ANY(${owners}) OR ref_key = ANY(${owners}))
        UNION
        SELECT CASE WHEN r.type = 'childOf' THEN r.source_key ELSE r.target_key END
        FROM owner_teams t JOIN relations r ON (r.type = 'childOf' AND r.target_key = t.ref_key) OR (r.type = 'parentOf' AND r.source_key = t.ref_key)),`);
    conditions.push(`e.ref_key IN (SELECT r.source_key FROM relations r WHERE r.type = 'ownedBy' AND r.target_key IN (SELECT ref_key FROM owner_teams))`);
    shape.push('o');
  }
  if (filters.systems.length) {
    const systems = param(filters.systems);
    conditions.push(`e.ref_key IN (SELECT r.source_key FROM relations r WHERE r.type = 'partOf' AND r.target_key IN (
        SELECT ref_key FROM entities WHERE kind = 'system' AND (name_key = ANY(${systems}) OR ref_key = ANY(${systems}))))`);
    shape.push('s');
  }
  return { sql: conditions.map((condition) => ` AND ${condition}`).join(''), ctes: ctes.join('\n'), values, shape: shape.join('') || 'none' };
}

/** "tags: geo, maps · type: service · owner: payments · system: payments-platform", from the body of `alias`. */
export function aboutText(alias: string): string {
  return `concat_ws(' · ',
    'kind: ' || ${alias}.kind,
    'tags: ' || nullif((SELECT string_agg(tag, ', ') FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(${alias}.body -> 'metadata' -> 'tags') = 'array' THEN ${alias}.body -> 'metadata' -> 'tags' ELSE '[]' END) AS tag), ''),
    'type: ' || (${alias}.body -> 'spec' ->> 'type'),
    'owner: ' || (${alias}.body -> 'spec' ->> 'owner'),
    'system: ' || (${alias}.body -> 'spec' ->> 'system'),
    'domain: ' || (${alias}.body -> 'spec' ->> 'domain'))`;
}

/**
 * The team that answers for the entity `alias`: a group for itself, a user's first team, and for
 * anything else its owner (spec.owner, stated by the entity as ownedBy).
 */
export function ownerOf(alias: string): string {
  return `SELECT coalesce(o.ref, x.ref) AS ref,
      coalesce(o.body -> 'spec' -> 'profile' ->> 'displayName', o.body -> 'metadata' ->> 'title') AS title,
      coalesce(o.body -> 'metadata' -> 'annotations' ->> 'slack.com/channel', o.body -> 'metadata' -> 'annotations' ->> 'slack.com/bot-notify') AS channel
    FROM (
      SELECT ${alias}.ref_key AS ref_key, ${alias}.ref AS ref, 0 AS pos WHERE ${alias}.kind = 'group'
      UNION ALL SELECT r.target_key, r.target_ref, 1 FROM relations r WHERE r.source_key = ${alias}.ref_key AND r.type = 'ownedBy' AND ${alias}.kind NOT IN ('group', 'user')
      UNION ALL SELECT r.target_key, r.target_ref, 2 FROM relations r WHERE r.source_key = ${alias}.ref_key AND r.type = 'memberOf' AND ${alias}.kind = 'user'
      UNION ALL SELECT r.source_key, r.source_ref, 3 FROM relations r WHERE r.target_key = ${alias}.ref_key AND r.type = 'hasMember' AND ${alias}.kind = 'user'
    ) x LEFT JOIN entities o ON o.ref_key = x.ref_key
    ORDER BY x.pos, x.ref_key LIMIT 1`;
}
