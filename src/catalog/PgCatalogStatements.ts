import { batchPerTurn } from '../db/batch';
import { INVERSE_RELATION, type Entity } from './model';
import type { StoredEntity } from './store';

/**
 * What the catalog's stores share: the entity columns and their mappers, the SQL fragments that
 * several statements are built from, and the batching of reads made in the same turn.
 */

export interface EntityRow {
  ref: string;
  ref_key: string;
  kind: string;
  namespace: string;
  name: string;
  body: Entity;
  location_key: string;
}

export const ENTITY_COLUMNS = 'ref, ref_key, kind, namespace, name, body, location_key';
export const RELATION_TYPES = Object.keys(INVERSE_RELATION);

/** An entity read as `json_build_array(ENTITY_COLUMNS)`. */
export type EntityArray = [string, string, string, string, string, Entity, string];

export function toEntity(row: EntityRow): StoredEntity {
  return { ref: row.ref, refKey: row.ref_key, kind: row.kind, namespace: row.namespace, name: row.name, entity: row.body, locationKey: row.location_key };
}

/** An entity that came back as `json_build_array(ENTITY_COLUMNS, …)`; columns after these are the caller's. */
export function entityFromArray([ref, ref_key, kind, namespace, name, body, location_key]: readonly [...EntityArray, ...unknown[]]): StoredEntity {
  return toEntity({ ref, ref_key, kind, namespace, name, body, location_key });
}

/** ENTITY_COLUMNS of one table or subquery, where other columns share their names. */
export function entityColumnsOf(alias: string): string {
  return ENTITY_COLUMNS.split(', ').map((column) => `${alias}.${column}`).join(', ');
}

/**
 * SQL for the relations leaving the given entities, in both directions: each relation is stored
 * once, with its origin as source, so the reverse direction is read through relations_target and
 * named by relation_inverse(). `sources` is a key expression or a subquery of keys; `types` an array.
 */
export function edgesFrom(sources: string, types: string): string {
  return `SELECT source_key, type, source_ref, target_ref, target_key FROM relations
          WHERE source_key IN (${sources}) AND type = ANY(${types})
          UNION ALL
          SELECT target_key, relation_inverse(type), target_ref, source_ref, source_key FROM relations
          WHERE target_key IN (${sources}) AND type = ANY(ARRAY(SELECT relation_inverse(t) FROM unnest(${types}) t))`;
}

/**
 * A text[] parameter sent as JSON and read in a subquery, so that no plan depends on its values.
 * Written as `$n::text[]`, PostgreSQL plans each execution afresh with the values in hand (they
 * change its estimates, so a plan of its own always looks cheaper), and planning costs more than
 * running; hidden this way, every execution of a named statement estimates the same, and after its
 * first few PostgreSQL reuses one plan.
 */
export function jsonTextArray(param: number): string {
  return `ARRAY(SELECT json_array_elements_text($${param}::json))`;
}

/**
 * Relation types as an SQL text[] constant, for statements whose types are part of their text;
 * only known type names are accepted, since these are written into SQL rather than passed.
 */
export function textArray(types: string[]): string {
  for (const type of types) if (!(type in INVERSE_RELATION)) throw new Error(`not a relation type: ${JSON.stringify(type)}`);
  return `ARRAY[${types.map((type) => `'${type}'`).join(', ')}]::text[]`;
}

// Most reads one batched statement answers at once; more wait for the next statement.
const MAX_BATCH = 100;

/**
 * Reads batched per turn of the event loop, by kind and request: the reads behind a card, asked
 * for by many cards at once under load, go to PostgreSQL as one statement. One per store: a batch
 * gathers the reads of one kind made through that store in one turn.
 */
export class StatementBatches {
  private readonly batches = new Map<string, (key: string) => Promise<unknown>>();

  /** The read named `id`: keys asked for in one turn are answered by one call of `loadMany`. */
  batched<V>(id: string, loadMany: (keys: string[]) => Promise<V[]>): (key: string) => Promise<V> {
    let load = this.batches.get(id) as ((key: string) => Promise<V>) | undefined;
    if (!load) {
      load = batchPerTurn(loadMany, { maxBatch: MAX_BATCH });
      this.batches.set(id, load as (key: string) => Promise<unknown>);
    }
    return load;
  }
}
