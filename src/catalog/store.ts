import type { Entity } from './model';
import type { CatalogProblem, LocationTarget, ProcessedEntity } from './processing';

/** Built-in location types, or one a LocationSource provides (such as a GitHub organisation). */
export type LocationType = 'file' | 'directory' | 'url' | (string & {});

/** What the catalog remembers about one place entities come from. */
export interface LocationState {
  key: string;
  type: LocationType;
  target: string;
  parentKey: string | null;
  contentHash: string | null;
  etag: string | null;
  children: LocationTarget[];
  dependencies: Array<{ file: string; hash: string }>;
  hasConflicts: boolean;
  status: 'pending' | 'ok' | 'error';
  entityCount: number;
}

/** A location that read and parsed: its whole new state, written atomically. */
export interface LocationWrite {
  key: string;
  type: LocationType;
  target: string;
  parentKey: string | null;
  contentHash: string;
  etag: string | null;
  children: LocationTarget[];
  dependencies: Array<{ file: string; hash: string }>;
  entities: ProcessedEntity[];
  problems: CatalogProblem[];
}

export interface WriteCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Problems added while writing (refs already claimed by another location). */
  conflicts: CatalogProblem[];
}

/** The write side of the catalog, used by the ingestion pipeline. */
export interface IngestionStore {
  /** Every known location, keyed by location key. */
  loadLocations(): Promise<Map<string, LocationState>>;
  /**
   * Replaces each location's entities, relations and problems with the given state, in one
   * transaction. A ref already owned by another location stays there and becomes a conflict.
   */
  writeLocations(batch: LocationWrite[]): Promise<WriteCounts>;
  /** Records that a location could not be read or parsed, leaving its entities as they were. */
  recordLocationFailure(location: { key: string; type: LocationType; target: string; parentKey: string | null }, problem: CatalogProblem): Promise<void>;
  /** Removes locations, the locations below them, and all their entities. Returns entities removed. */
  removeLocations(keys: string[]): Promise<number>;
  /** Stored problems of the given locations, in file order. */
  problemsOf(locationKeys: string[]): Promise<CatalogProblem[]>;
  /**
   * Groups of the given locations whose `spec.members` name entities the catalog does not hold,
   * each with the file it came from and the refs missing, in file order.
   */
  missingMembers(locationKeys: string[]): Promise<Array<{ file: string; groupRef: string; missing: string[] }>>;
  /** How many problems (not warnings) the catalog holds in all, for operators' metrics. */
  countProblems(): Promise<number>;
  /** Whether a location (by location key) is registered, whatever its state. */
  hasLocation(key: string): Promise<boolean>;
  /** Tidies up after a pass that wrote entities, so the lookups that follow are as fast as usual. */
  afterWrites(): Promise<void>;
}

/** A catalog entity as stored, with the ref in Backstage's spelling. */
export interface StoredEntity {
  ref: string;
  refKey: string;
  kind: string;
  namespace: string;
  name: string;
  entity: Entity;
  locationKey: string;
}

export interface RelationRow {
  type: string;
  sourceRef: string;
  targetRef: string;
}

/**
 * A walk two steps out from one entity: which relations to read at each step, and which of them
 * lead on. Everything it reaches comes back from one read.
 */
export interface NeighbourhoodRequest {
  /** Relation types read from the entity itself. */
  relations: string[];
  /** Of those, the types whose targets are read next, together with the entity itself. */
  follow: string[];
  /** Relation types read from the entity and the targets followed. */
  nextRelations: string[];
  /** Of those, the types whose targets are loaded as entities too. */
  nextFollow: string[];
}

/** What a neighbourhood read found, and what it looked at, so absences are known too. */
export interface Neighbourhood {
  /** Every entity reached that exists in the catalog. */
  entities: StoredEntity[];
  /** The ref keys whose entities were read, found or not. */
  entityKeysRead: string[];
  /** Relations read, by source ref key. */
  relations: Map<string, RelationRow[]>;
  /** For each source ref key read, the relation types that were read from it. */
  relationTypesRead: Map<string, string[]>;
}

/** Reads of entities and relations by key, name, annotation or kind. */
export interface CatalogEntityReads {
  /** Case-insensitive lookup by full ref (`component:default/x`). */
  getByRef(refKey: string): Promise<StoredEntity | undefined>;
  getManyByRef(refKeys: string[]): Promise<StoredEntity[]>;
  /** Entities whose name equals `name`, ignoring case, in any kind or namespace. */
  findByName(name: string): Promise<StoredEntity[]>;
  /** Entities whose metadata.title equals `title`, ignoring case. */
  findByTitle(title: string): Promise<StoredEntity[]>;
  /** Entities whose name starts with `prefix`, ignoring case, optionally of the given kinds. */
  findByNamePrefix(prefix: string, limit: number, kinds?: string[]): Promise<StoredEntity[]>;
  /** Relations whose source is the entity, optionally of the given types. */
  relationsFrom(refKey: string, types?: string[]): Promise<RelationRow[]>;
  /**
   * A group and its ancestors (first parent at each level, nearest first, at most `maxDepth` up,
   * stopping at a cycle), each with the refs of the entities of `ownedKinds` it owns, in one read.
   */
  groupAncestry(groupRefKey: string, options: { ownedKinds: string[]; maxDepth: number }): Promise<Array<{ group: StoredEntity; owned: string[] }>>;
  /** Entities with an annotation of the given value (e.g. github.com/project-slug). */
  findByAnnotation(key: string, value: string): Promise<StoredEntity[]>;
  /** User entities whose spec.profile.email is the given address, ignoring case. */
  findUsersByEmail(email: string): Promise<StoredEntity[]>;
  /** Every email a User entity gives (`spec.profile.email`), lower-cased, each once. */
  userEmails(): Promise<string[]>;
  countEntities(): Promise<number>;
  /**
   * Entities ordered by ref key, optionally only of the given kinds (lower-case): every one in one
   * read, or with `limit` a page of them, those after the ref key `after`. Work over the whole
   * catalog (health facts) reads it a page at a time, so that it never holds every entity at once.
   */
  listEntities(options?: { kinds?: string[]; after?: string; limit?: number }): Promise<StoredEntity[]>;
  /** Relations of the given types leaving any of the entities, in both directions as relationsFrom reads them, in one read. */
  relationsFromMany(refKeys: string[], types: string[]): Promise<RelationRow[]>;
  /** Which of the entities exist, and their kinds, by ref key, without reading their bodies. */
  kindsOf(refKeys: string[]): Promise<Map<string, string>>;
  /** The Groups that own at least one entity, read through the relations index rather than every relation. */
  owningGroups(): Promise<StoredEntity[]>;
}

/** Reads of an entity together with what surrounds it: what a card needs, in one read. */
export interface CatalogNeighbourhoodReads {
  /**
   * Entities named `text`, and entities titled `text`, in one read. With `around`, the same read
   * also brings the neighbourhood of what it found (the names, else the titles).
   */
  findByNameOrTitle(text: string, around?: NeighbourhoodRequest): Promise<{ byName: StoredEntity[]; byTitle: StoredEntity[]; neighbourhood?: Neighbourhood }>;
  /** The entities and relations around one entity, two steps out, in one read. */
  neighbourhood(refKey: string, request: NeighbourhoodRequest): Promise<Neighbourhood>;
}

/** Lookups of what was meant when what was typed names nothing. */
export interface CatalogSearch {
  /** Entities whose name or title is most similar to `text` (trigram similarity), best first. */
  findSimilar(text: string, limit: number): Promise<Array<{ entity: StoredEntity; similarity: number }>>;
}

/** The read side of the catalog, used by every command. */
export interface CatalogStore extends CatalogEntityReads, CatalogNeighbourhoodReads, CatalogSearch {}
