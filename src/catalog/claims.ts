import type { CatalogProblem } from './processing';

/** A ref as stored before a write, and the location that holds it. */
export interface RefHolder {
  refKey: string;
  locationKey: string;
  /** The holding location is inferred, so a declared entity takes the ref from it. */
  inferred?: boolean;
}

/** What the rule needs of an entity a location yields. */
export interface Claim {
  refKey: string;
  ref: string;
  document: number;
  /** The line its document starts on, when known. */
  line?: number;
}

/** A location being written: its key, the file its problems are reported on, and what it yields. */
export interface ClaimingLocation<E extends Claim> {
  key: string;
  target: string;
  entities: readonly E[];
  inferred?: boolean;
}

/** What one location of a batch ends up with. */
export interface LocationClaims<E extends Claim> {
  /** The entities whose refs it holds after the write, in the order it yielded them. */
  kept: E[];
  /** One conflict per entity whose ref another location holds, in the order it yielded them. */
  conflicts: CatalogProblem[];
}

export interface SettledClaims<E extends Claim> {
  /** Per location, in the order of the batch. */
  locations: Array<LocationClaims<E>>;
  /** Refs let go of by the location that held them, because it no longer yields them, in the order let go. */
  released: string[];
  /** Inferred locations outside the batch that a declared entity took a ref from, with the note they get: they claim it again once it goes. */
  overridden: Array<{ locationKey: string; problem: CatalogProblem }>;
}

/**
 * Who keeps each entity ref that a batch of location writes claims: two locations claiming one ref
 * is a conflict, and nothing is lost on it, so the first keeps the ref and the second is told.
 *
 * `holders` are the stored refs of the batch's locations and of every ref the batch yields, with
 * the location holding each. Locations are settled one after another in batch order, each against
 * what is held once the ones before it are settled:
 * - first, the location lets go of every ref it held and no longer yields, so that a location
 *   settled after it may take that ref;
 * - a ref held by no location, or by this one, is kept, and from then on is this location's;
 * - a ref held by another location stays with it, and this location gets a conflict (on its own
 *   file, naming the location that holds the ref) instead;
 * - except that declared always wins: a declared entity takes a ref from an inferred location, and
 *   an inferred entity gives way to a declared one (noted on the inferred location, so that it claims
 *   the ref again when the declared entity goes).
 */
export function settleClaims<E extends Claim>(holders: readonly RefHolder[], batch: ReadonlyArray<ClaimingLocation<E>>): SettledClaims<E> {
  const owner = new Map(holders.map((holder) => [holder.refKey, holder.locationKey]));
  const inferred = new Map(holders.map((holder) => [holder.locationKey, holder.inferred ?? false]));
  for (const location of batch) inferred.set(location.key, location.inferred ?? false);
  const inBatch = new Set(batch.map((location) => location.key));
  const overridden: Array<{ locationKey: string; problem: CatalogProblem }> = [];
  const released: string[] = [];
  const settled: Array<LocationClaims<E>> = [];
  const settledIndex = new Map<string, number>();
  for (const location of batch) {
    const keep = new Set(location.entities.map((entity) => entity.refKey));
    // Let go of what this location no longer yields before anyone else claims it.
    for (const holder of holders) {
      if (holder.locationKey === location.key && !keep.has(holder.refKey) && owner.get(holder.refKey) === location.key) {
        released.push(holder.refKey);
        owner.delete(holder.refKey);
      }
    }
    const kept: E[] = [];
    const conflicts: CatalogProblem[] = [];
    for (const entity of location.entities) {
      const claimedBy = owner.get(entity.refKey);
      if (claimedBy !== undefined && claimedBy !== location.key) {
        const heldByInferred = inferred.get(claimedBy) ?? false;
        if (location.inferred && !heldByInferred) {
          conflicts.push(givenWayOf(location, entity, claimedBy));
          continue;
        }
        if (location.inferred || !heldByInferred) {
          conflicts.push(conflictOf(location, entity, claimedBy));
          continue;
        }
        const earlier = settledIndex.get(claimedBy);
        if (earlier !== undefined) {
          // An inferred location earlier in this batch kept it: it gives way now.
          const given = settled[earlier]!;
          given.kept = given.kept.filter((candidate) => candidate.refKey !== entity.refKey);
          given.conflicts.push(givenWayOf(batch[earlier]!, entity, location.key));
        } else if (!inBatch.has(claimedBy)) {
          overridden.push({ locationKey: claimedBy, problem: givenWayOf({ target: describeLocation(claimedBy) }, { ...entity, document: 1 }, location.key) });
        }
      }
      owner.set(entity.refKey, location.key);
      kept.push(entity);
    }
    settledIndex.set(location.key, settled.length);
    settled.push({ kept, conflicts });
  }
  return { locations: settled, released, overridden };
}

function givenWayOf(location: { target: string }, entity: Claim, holder: string): CatalogProblem {
  return { kind: 'superseded', file: location.target, document: entity.document, entityRef: entity.ref, message: `${entity.ref} is declared by ${describeLocation(holder)}; the inferred entity gives way to it` };
}

function conflictOf(location: { target: string }, entity: Claim, holder: string): CatalogProblem {
  return { kind: 'conflict', file: location.target, document: entity.document, ...(entity.line !== undefined && { line: entity.line }), entityRef: entity.ref, message: `${entity.ref} is already defined by ${describeLocation(holder)}; this definition is ignored until that one is removed` };
}

/** A location key as people know it: without its type (`file:`, `url:`, …). */
function describeLocation(key: string): string {
  const colon = key.indexOf(':');
  return colon > 0 ? key.slice(colon + 1) : key;
}
