import type { CatalogChangeFeed, CatalogStore, NeighbourhoodRequest } from './store';

type CachedReads = Pick<CatalogStore, 'findByNameOrTitle' | 'findSimilar' | 'neighbourhood' | 'groupAncestry'>;

export interface ReadCacheOptions {
  /** Answers to what people typed (names, near misses) kept, least recently used first out. */
  maxEntries?: number;
  /** Answers about what many cards share (teams, systems) kept, least recently used first out. */
  maxSharedEntries?: number;
  /** Longest an answer is kept, as a backstop to change notifications. */
  maxAgeMs?: number;
  now?: () => number;
}

export interface CatalogReadCache<C> {
  /** The catalog, with the cached reads answered from memory when they can be. */
  catalog: C;
  /** Resolves once the change feed is being watched, or has failed to be for the first time. */
  ready: Promise<void>;
  stats(): { hits: number; misses: number; entries: number; watching: boolean };
  stop(): Promise<void>;
}

interface Entry {
  generation: number;
  storedAt: number;
  value: Promise<unknown>;
}

/**
 * Keeps the answers of the reads behind a `/whoowns` card (a name or title with its neighbourhood,
 * the near misses of a misspelled name, the owner team with its people, the team's line of parents
 * that on-call climbs, the system with its domain) in memory, so a card asked for again costs no
 * database work, and a card for another entity of a team and system already seen costs one
 * statement. Every committed change to the catalog, from any process, empties the cache; while the
 * change feed is not being watched (not yet connected, or its connection dropped) nothing is kept,
 * so an answer is never older than the last change this process was told about.
 *
 * Answers are shared between callers, so they are frozen: a caller that tried to change one would
 * fail loudly rather than change another's card.
 */
export function cacheCatalogReads<C extends CachedReads>(store: C, feed: CatalogChangeFeed, options: ReadCacheOptions = {}): CatalogReadCache<C> {
  const maxEntries = options.maxEntries ?? 5_000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  // Kept apart, so that a burst of new names cannot push out the teams and systems every card needs.
  const typed = { entries: new Map<string, Entry>(), max: maxEntries };
  const shared = { entries: new Map<string, Entry>(), max: options.maxSharedEntries ?? 5_000 };
  let generation = 0;
  let watching = false;
  let hits = 0;
  let misses = 0;

  const forget = () => {
    generation++;
    typed.entries.clear();
    shared.entries.clear();
  };
  const watch = feed.watchChanges({
    changed: forget,
    watching: (on) => {
      // Changes made while the feed was down were never heard of: start afresh either way.
      forget();
      watching = on;
    },
  });

  const read = <T>(table: typeof typed, key: string, load: () => Promise<T>): Promise<T> => {
    const { entries } = table;
    const entry = entries.get(key);
    if (entry && entry.generation === generation && now() - entry.storedAt < maxAgeMs) {
      hits++;
      // Most recently used goes last, so eviction takes the oldest first.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value as Promise<T>;
    }
    misses++;
    if (!watching) return load();
    const startedIn = generation;
    // Callers asking the same thing while it is being read share the one read.
    const value = load().then(deepFreeze);
    entries.set(key, { generation: startedIn, storedAt: now(), value });
    if (entries.size > table.max) entries.delete(entries.keys().next().value!);
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };

  const findByNameOrTitle: CachedReads['findByNameOrTitle'] = (text, around) =>
    read(typed, `name\u0000${text.toLowerCase()}\u0000${around ? requestKey(around) : ''}`, () => store.findByNameOrTitle(text, around));
  const findSimilar: CachedReads['findSimilar'] = (text, limit) => read(typed, `similar\u0000${text.trim().toLowerCase()}\u0000${limit}`, () => store.findSimilar(text, limit));
  // Teams and systems are few next to what they hold: most cards of a large catalog share their
  // team's people, its climb to its parents, and their system's domain.
  const neighbourhood: CachedReads['neighbourhood'] = (refKey, request) => {
    const key = refKey.toLowerCase();
    // What is read around a team or a system is shared; around anything else (a card found by its
    // ref or repository), it is as personal as a typed name.
    return read(/^(group|system|domain):/.test(key) ? shared : typed, `around\u0000${key}\u0000${requestKey(request)}`, () => store.neighbourhood(refKey, request));
  };
  const groupAncestry: CachedReads['groupAncestry'] = (groupRefKey, climb) =>
    read(shared, `ancestry\u0000${groupRefKey.toLowerCase()}\u0000${climb.ownedKinds.map((kind) => kind.toLowerCase()).join(',')}\u0000${climb.maxDepth}`, () => store.groupAncestry(groupRefKey, climb));

  // Everything else the store offers stays as it was: the cached view inherits from it.
  const catalog = Object.assign(Object.create(store) as C, { findByNameOrTitle, findSimilar, neighbourhood, groupAncestry });
  return {
    catalog,
    ready: watch.ready,
    stats: () => ({ hits, misses, entries: typed.entries.size + shared.entries.size, watching }),
    stop: async () => {
      await watch.stop();
      watching = false;
      forget();
    },
  };
}

const requestKeys = new WeakMap<NeighbourhoodRequest, string>();

function requestKey(request: NeighbourhoodRequest): string {
  let key = requestKeys.get(request);
  if (key === undefined) {
    key = JSON.stringify([request.relations, request.follow, request.nextRelations, request.nextFollow]);
    requestKeys.set(request, key);
  }
  return key;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const item of value.values()) deepFreeze(item);
    return value;
  }
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
  return value;
}
