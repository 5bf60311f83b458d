import fs from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, expandGlob, findYamlFiles, readTextFile, sha256 } from '../sources/files';
import type { UrlReader } from './placeholders';
import { processCatalogText, type CatalogProblem, type LocationTarget } from './processing';
import type { IngestionStore, LocationState, LocationType, LocationWrite } from './store';

export interface IngestReport {
  locations: { visited: number; processed: number; unchanged: number; failed: number; removed: number };
  entities: { added: number; updated: number; unchanged: number; removed: number; total: number };
  errors: CatalogProblem[];
}

export interface IngestDependencies {
  store: IngestionStore;
  maxBytes: number;
  /** Reads URLs: URL locations and URL placeholders. */
  urlReader?: UrlReader;
  /** Readers for other location types, by type (e.g. a GitHub organisation). */
  sources?: Record<string, LocationSource>;
  /** Locations read at once; reading is I/O bound, parsing is not, so a modest number is enough. */
  concurrency?: number;
  /** Entities per write transaction. */
  batchSize?: number;
}

export interface RootLocation {
  type: LocationType;
  target: string;
}

interface Pending {
  key: string;
  type: LocationType;
  target: string;
  parentKey: string | null;
  /** Location keys from the root down to this one's parent, to detect cycles. */
  ancestors: string[];
}

type Outcome =
  | { kind: 'unchanged'; pending: Pending; children: LocationTarget[]; entityCount: number }
  | { kind: 'failed'; pending: Pending; problem: CatalogProblem }
  | { kind: 'processed'; pending: Pending; write: LocationWrite };

export function locationKey(location: { type: LocationType; target: string }): string {
  return `${location.type}:${location.target}`;
}

/**
 * Resolves what a command-line path means: a folder of catalog files or a single file.
 */
export async function rootFromPath(given: string): Promise<RootLocation> {
  if (/^https?:\/\//i.test(given)) return { type: 'url', target: given };
  const target = path.resolve(given);
  const stat = await fs.stat(target).catch(() => undefined);
  return { type: stat?.isDirectory() ? 'directory' : 'file', target };
}

/**
 * Reads locations and everything they lead to (Location targets, files in folders), and brings the
 * catalog in line with them. Each location is replaced atomically and only when it read and parsed;
 * unchanged locations cost no writes; locations no longer referenced are removed with their entities.
 */
export async function ingest(roots: RootLocation[], deps: IngestDependencies): Promise<IngestReport> {
  const report: IngestReport = {
    locations: { visited: 0, processed: 0, unchanged: 0, failed: 0, removed: 0 },
    entities: { added: 0, updated: 0, unchanged: 0, removed: 0, total: 0 },
    errors: [],
  };
  const first = await ingestPass(roots, deps, report);
  const visited = new Set(first.visited);
  // An entity that moved between locations in this pass (a renamed repository, a catalog file moved)
  // was still claimed by its old location when the new one was written, so the new one recorded a
  // conflict. Its old location is gone now: read the conflicted locations once more.
  if (first.removedEntities > 0 && first.conflicted.length > 0) {
    const again = await ingestPass(first.conflicted, deps, report);
    for (const key of again.visited) visited.add(key);
  }
  if (report.entities.added + report.entities.updated > 0) await deps.store.afterWrites();
  report.errors = await deps.store.problemsOf([...visited]);
  report.entities.total = report.entities.added + report.entities.updated + report.entities.unchanged;
  return report;
}

async function ingestPass(roots: RootLocation[], deps: IngestDependencies, report: IngestReport): Promise<{ visited: Set<string>; conflicted: RootLocation[]; removedEntities: number }> {
  const { store } = deps;
  const concurrency = deps.concurrency ?? 16;
  const batchSize = deps.batchSize ?? 2_000;
  const known = await store.loadLocations();
  const visited = new Set<string>();
  const orphaned: string[] = [];
  const conflicted = new Map<string, RootLocation>();
  let frontier: Pending[] = [];
  for (const root of roots) {
    const key = locationKey(root);
    if (visited.has(key)) continue;
    visited.add(key);
    frontier.push({ key, type: root.type, target: root.target, parentKey: known.get(key)?.parentKey ?? null, ancestors: [] });
  }

  while (frontier.length > 0) {
    // Locations are read ahead while earlier ones are written: parsing in this process overlaps
    // with PostgreSQL's work on the previous batch. Outcomes are still taken in order, so "the
    // first location to claim a ref keeps it" means the same thing on every run.
    const outcomes = startLimited(frontier, concurrency, (pending) => readLocation(pending, known.get(pending.key), deps));
    const next: Pending[] = [];
    let batch: LocationWrite[] = [];
    let batchEntities = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const counts = await store.writeLocations(batch);
      for (const conflict of counts.conflicts) {
        const location = batch.find((write) => write.target === conflict.file);
        if (location) conflicted.set(location.key, { type: location.type, target: location.target });
      }
      report.entities.added += counts.added;
      report.entities.updated += counts.updated;
      report.entities.unchanged += counts.unchanged;
      report.entities.removed += counts.removed;
      batch = [];
      batchEntities = 0;
    };

    for (const pendingOutcome of outcomes) {
      const outcome = await pendingOutcome;
      const { pending } = outcome;
      report.locations.visited++;
      if (outcome.kind === 'failed') {
        report.locations.failed++;
        await store.recordLocationFailure(pending, outcome.problem);
        continue;
      }
      if (outcome.kind === 'unchanged') {
        report.locations.unchanged++;
        report.entities.unchanged += outcome.entityCount;
        queueChildren(pending, outcome.children, visited, next, []);
        continue;
      }
      report.locations.processed++;
      const { write } = outcome;
      // Cycle problems join the location's own, so they are stored with it.
      queueChildren(pending, write.children, visited, next, write.problems);
      orphaned.push(...droppedChildren(pending.key, write.children, known));
      batch.push(write);
      batchEntities += write.entities.length;
      if (batchEntities >= batchSize) await flush();
    }
    await flush();
    frontier = next;
  }

  // A location dropped by one parent may still be reached through another.
  const removable = orphaned.filter((key) => !visited.has(key));
  const removedEntities = await store.removeLocations(removable);
  report.entities.removed += removedEntities;
  report.locations.removed += removable.length;
  return { visited, conflicted: [...conflicted.values()], removedEntities };
}

/** Children a location had last time, no longer has, and was the one to bring in. */
function droppedChildren(parentKey: string, children: LocationTarget[], known: Map<string, LocationState>): string[] {
  const previous = known.get(parentKey);
  if (!previous) return [];
  const now = new Set(children.map((child) => locationKey(child)));
  return previous.children.map((child) => locationKey(child)).filter((key) => !now.has(key) && known.get(key)?.parentKey === parentKey);
}

/** Adds a location's children to the next level, reporting any that would close a cycle. */
function queueChildren(parent: Pending, children: LocationTarget[], visited: Set<string>, next: Pending[], problems: CatalogProblem[]): void {
  const chain = [...parent.ancestors, parent.key];
  for (const child of children) {
    const key = locationKey(child);
    if (chain.includes(key)) {
      problems.push({ kind: 'location', file: parent.target, message: `Location cycle: ${[...chain, key].map((k) => k.slice(k.indexOf(':') + 1)).join(' → ')}; the target ${child.target} is ignored` });
      continue;
    }
    // Reached by another path already (a diamond, not a cycle): read once.
    if (visited.has(key)) continue;
    visited.add(key);
    next.push({ key, type: child.type, target: child.target, parentKey: parent.key, ancestors: chain });
  }
}

/**
 * Where the entities of a location type come from, beyond local files and folders: a URL reader,
 * a GitHub organisation. A source either returns text to parse or stands for child locations.
 */
export interface LocationSource {
  read(location: { type: LocationType; target: string }, previous: { contentHash: string | null; etag: string | null } | undefined): Promise<SourceRead>;
}

export type SourceRead =
  | { kind: 'text'; text: string; hash: string; etag?: string | null }
  /** The server said nothing changed (an HTTP 304 to a conditional request). */
  | { kind: 'not-modified' }
  | { kind: 'children'; children: LocationTarget[]; hash: string }
  | { kind: 'failed'; message: string };

async function readLocation(pending: Pending, previous: LocationState | undefined, deps: IngestDependencies): Promise<Outcome> {
  const ok = previous?.status === 'ok';
  // Ask conditionally only when the last read was used as it is: after a failure (a file reverted to
  // its last good content answers the old ETag) or a conflict, a 304 would leave nothing to process.
  const etag = ok && !previous.hasConflicts ? previous.etag : null;
  const read = await sourceFor(pending.type, deps).read(pending, previous && { contentHash: previous.contentHash, etag });
  switch (read.kind) {
    case 'failed':
      return { kind: 'failed', pending, problem: { kind: 'read', file: pending.target, message: read.message } };
    case 'not-modified':
      if (ok && previous && !previous.hasConflicts) return { kind: 'unchanged', pending, children: previous.children, entityCount: previous.entityCount };
      return { kind: 'failed', pending, problem: { kind: 'read', file: pending.target, message: `${pending.target} answered "not modified" but its last read did not succeed; it will be read again next time` } };
    case 'children':
      if (ok && previous?.contentHash === read.hash) return { kind: 'unchanged', pending, children: read.children, entityCount: previous.entityCount };
      return { kind: 'processed', pending, write: { ...base(pending), contentHash: read.hash, etag: null, children: read.children, dependencies: [], entities: [], problems: [] } };
    case 'text': {
      if (ok && previous && !previous.hasConflicts && previous.contentHash === read.hash && (await dependenciesUnchanged(previous, deps.maxBytes))) {
        return { kind: 'unchanged', pending, children: previous.children, entityCount: previous.entityCount };
      }
      const processed = await processCatalogText(read.text, { file: pending.target, maxBytes: deps.maxBytes, urlReader: deps.urlReader });
      if (!processed.parsed) return { kind: 'failed', pending, problem: processed.problem };
      return {
        kind: 'processed',
        pending,
        write: { ...base(pending), contentHash: read.hash, etag: read.etag ?? null, children: processed.children, dependencies: processed.dependencies, entities: processed.entities, problems: processed.problems },
      };
    }
  }
}

function sourceFor(type: LocationType, deps: IngestDependencies): LocationSource {
  const configured = deps.sources?.[type];
  if (configured) return configured;
  if (type === 'file') return fileSource(deps.maxBytes);
  if (type === 'directory') return directorySource;
  if (type === 'url' && deps.urlReader) return urlSource(deps.urlReader);
  return {
    read: async (location) => ({
      kind: 'failed',
      message: type === 'url' ? `No reader is configured for ${location.target}; configure the GitHub integration to read URL locations` : `Location type "${type}" is not supported here (${location.target})`,
    }),
  };
}

const directorySource: LocationSource = {
  async read(location) {
    let files: string[];
    try {
      files = await findYamlFiles(location.target);
    } catch (error) {
      return { kind: 'failed', message: describeFsError(error, location.target) };
    }
    if (files.length === 0) return { kind: 'failed', message: `${location.target} contains no .yaml or .yml files` };
    return { kind: 'children', children: files.map((file) => ({ type: 'file' as const, target: file })), hash: sha256(files.join('\n')) };
  },
};

function fileSource(maxBytes: number): LocationSource {
  return {
    async read(location) {
      if (/[*?]/.test(location.target)) {
        const files = await expandGlob(location.target);
        if (files.length === 0) return { kind: 'failed', message: `no files match ${location.target}` };
        return { kind: 'children', children: files.map((file) => ({ type: 'file' as const, target: file })), hash: sha256(files.join('\n')) };
      }
      const read = await readTextFile(location.target, maxBytes);
      return read.ok ? { kind: 'text', text: read.text, hash: read.hash } : { kind: 'failed', message: read.message };
    },
  };
}

function urlSource(reader: UrlReader): LocationSource {
  return {
    async read(location, previous) {
      if (!reader.canRead(location.target)) return { kind: 'failed', message: `No reader is configured for ${location.target}; configure the GitHub integration to read URL locations` };
      try {
        const answer = await reader.read(location.target, { etag: previous?.etag ?? undefined });
        if (answer.notModified) return { kind: 'not-modified' };
        return { kind: 'text', text: answer.text, hash: sha256(answer.text), etag: answer.etag ?? null };
      } catch (error) {
        return { kind: 'failed', message: `${location.target} could not be read: ${(error as Error).message}` };
      }
    },
  };
}

async function dependenciesUnchanged(previous: LocationState, maxBytes: number): Promise<boolean> {
  for (const dependency of previous.dependencies) {
    const read = await readTextFile(dependency.file, maxBytes);
    if (!read.ok || read.hash !== dependency.hash) return false;
  }
  return true;
}

function base(pending: Pending): Pick<LocationWrite, 'key' | 'type' | 'target' | 'parentKey'> {
  return { key: pending.key, type: pending.type, target: pending.target, parentKey: pending.parentKey };
}

/** Starts `work` on every item, at most `limit` at once, and gives back the results in item order. */
function startLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Array<Promise<R>> {
  const settle: Array<{ resolve: (value: R) => void; reject: (error: unknown) => void }> = [];
  const results = items.map(() => new Promise<R>((resolve, reject) => settle.push({ resolve, reject })));
  // Every result is awaited in order by the caller; this only keeps a failure that is not reached
  // yet from being reported as unhandled.
  for (const result of results) result.catch(() => undefined);
  let next = 0;
  // Back to the event loop before each item, one item per turn: work that never waits on I/O (a
  // local file read and parsed) would otherwise run item after item while the database's answers
  // to earlier writes wait, and PostgreSQL would sit idle between the statements of a batch.
  // Immediates queued in one turn all run in that turn, so the runners take turns through a chain.
  let turn = Promise.resolve();
  const nextTurn = () => (turn = turn.then(() => new Promise<void>((resolve) => setImmediate(resolve))));
  const runner = async () => {
    while (next < items.length) {
      await nextTurn();
      if (next >= items.length) break;
      const index = next++;
      try {
        settle[index]!.resolve(await work(items[index]!));
      } catch (error) {
        settle[index]!.reject(error);
      }
    }
  };
  for (let i = 0; i < Math.min(limit, items.length); i++) void runner();
  return results;
}
