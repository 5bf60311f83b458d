import type pg from 'pg';
import { PgCatalogNeighbourhood } from './PgCatalogNeighbourhood';
import { PgCatalogReads } from './PgCatalogReads';
import { PgCatalogSearch } from './PgCatalogSearch';
import { StatementBatches } from './PgCatalogStatements';
import { PgCatalogWrites } from './PgCatalogWrites';
import type { CatalogProblem } from './processing';
import type { CatalogStore, IngestionStore, LocationState, LocationType, LocationWrite, Neighbourhood, NeighbourhoodRequest, RelationRow, StoredEntity, WriteCounts } from './store';

/**
 * The catalog in PostgreSQL, every port of it on one pool: plain reads (PgCatalogReads), the reads
 * behind a card (PgCatalogNeighbourhood), "did you mean" (PgCatalogSearch), ingestion
 * and ingestion (PgCatalogWrites). Each method hands over to its part.
 */
export class PgCatalogStore implements CatalogStore, IngestionStore {
  private constructor(
    private readonly reads: PgCatalogReads,
    private readonly around: PgCatalogNeighbourhood,
    private readonly search: PgCatalogSearch,
    private readonly writes: PgCatalogWrites,
  ) {}

  static create(options: { pool: pg.Pool }): PgCatalogStore {
    const { pool } = options;
    // The parts that batch their reads (see StatementBatches) share the store's one set of batches.
    const batches = new StatementBatches();
    return new PgCatalogStore(
      PgCatalogReads.create({ pool, batches }),
      PgCatalogNeighbourhood.create({ pool, batches }),
      PgCatalogSearch.create({ pool }),
      PgCatalogWrites.create({ pool }),
    );
  }

  // ---- read side -------------------------------------------------------------------------------

  getByRef(refKey: string): Promise<StoredEntity | undefined> {
    return this.reads.getByRef(refKey);
  }

  getManyByRef(refKeys: string[]): Promise<StoredEntity[]> {
    return this.reads.getManyByRef(refKeys);
  }

  findByName(name: string): Promise<StoredEntity[]> {
    return this.reads.findByName(name);
  }

  findByTitle(title: string): Promise<StoredEntity[]> {
    return this.reads.findByTitle(title);
  }

  findByNameOrTitle(text: string, around?: NeighbourhoodRequest): Promise<{ byName: StoredEntity[]; byTitle: StoredEntity[]; neighbourhood?: Neighbourhood }> {
    return this.around.findByNameOrTitle(text, around);
  }

  findSimilar(text: string, limit: number): Promise<Array<{ entity: StoredEntity; similarity: number }>> {
    return this.search.findSimilar(text, limit);
  }

  findByNamePrefix(prefix: string, limit: number, kinds?: string[]): Promise<StoredEntity[]> {
    return this.reads.findByNamePrefix(prefix, limit, kinds);
  }

  relationsFrom(refKey: string, types?: string[]): Promise<RelationRow[]> {
    return this.reads.relationsFrom(refKey, types);
  }

  neighbourhood(refKey: string, request: NeighbourhoodRequest): Promise<Neighbourhood> {
    return this.around.neighbourhood(refKey, request);
  }

  groupAncestry(groupRefKey: string, options: { ownedKinds: string[]; maxDepth: number }): Promise<Array<{ group: StoredEntity; owned: string[] }>> {
    return this.reads.groupAncestry(groupRefKey, options);
  }

  listEntities(options?: { kinds?: string[]; after?: string; limit?: number }): Promise<StoredEntity[]> {
    return this.reads.listEntities(options);
  }

  relationsFromMany(refKeys: string[], types: string[]): Promise<RelationRow[]> {
    return this.reads.relationsFromMany(refKeys, types);
  }

  kindsOf(refKeys: string[]): Promise<Map<string, string>> {
    return this.reads.kindsOf(refKeys);
  }

  groupChannels(): Promise<Array<{ ref: string; channel: string }>> {
    return this.reads.groupChannels();
  }

  owningGroups(): Promise<StoredEntity[]> {
    return this.reads.owningGroups();
  }

  findByAnnotation(key: string, value: string): Promise<StoredEntity[]> {
    return this.reads.findByAnnotation(key, value);
  }

  findUsersByEmail(email: string): Promise<StoredEntity[]> {
    return this.reads.findUsersByEmail(email);
  }

  userEmails(): Promise<string[]> {
    return this.reads.userEmails();
  }

  countEntities(): Promise<number> {
    return this.reads.countEntities();
  }

  // ---- write side ------------------------------------------------------------------------------

  loadLocations(): Promise<Map<string, LocationState>> {
    return this.writes.loadLocations();
  }

  writeLocations(batch: LocationWrite[]): Promise<WriteCounts> {
    return this.writes.writeLocations(batch);
  }

  recordLocationFailure(location: { key: string; type: LocationType; target: string; parentKey: string | null }, problem: CatalogProblem): Promise<void> {
    return this.writes.recordLocationFailure(location, problem);
  }

  removeLocations(keys: string[]): Promise<number> {
    return this.writes.removeLocations(keys);
  }

  afterWrites(): Promise<void> {
    return this.writes.afterWrites();
  }

  problemsOf(locationKeys: string[]): Promise<CatalogProblem[]> {
    return this.writes.problemsOf(locationKeys);
  }

  missingMembers(locationKeys: string[]): Promise<Array<{ file: string; groupRef: string; missing: string[] }>> {
    return this.writes.missingMembers(locationKeys);
  }

  countProblems(): Promise<number> {
    return this.writes.countProblems();
  }

  hasLocation(key: string): Promise<boolean> {
    return this.writes.hasLocation(key);
  }
}
