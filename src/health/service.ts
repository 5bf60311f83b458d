import type { CatalogStore, StoredEntity } from '../catalog/store';
import type { Logger } from '../logger';
import type { OnCallResolver } from '../oncall/resolve';
import type { CheckResult, EntityHealth, Facts, Scorecard } from './model';
import { evaluateChecks } from './rules';
import { entityHealthOf, TeamTally, teamScoreOf } from './scoring';
import { catalogFacts, HEALTH_KINDS, traitsOf } from './facts/catalog';
import { docsFacts, type DocsFactsSource } from './facts/docs';
import { githubFacts, readRepositories, type GitHubFactsSource } from './facts/github';
import { answersForItself, onCallFacts, resolveOnCall } from './facts/oncall';
import { CatalogSnapshot, SNAPSHOT_RELATIONS } from './facts/snapshot';
import type { EntityEvaluation, EvaluationCounts, HealthStore } from './store';

export type HealthCatalog = Pick<CatalogStore, 'listEntities' | 'relationsFromMany' | 'kindsOf' | 'getManyByRef' | 'relationsFrom'>;

export interface HealthServiceOptions {
  catalog: HealthCatalog;
  store: HealthStore;
  scorecard: Scorecard;
  /** GitHub facts, when GitHub is configured. */
  github?: GitHubFactsSource;
  /** Docs facts from the docs cache; `refresh` reads sites first for an evaluation asked for now (the CLI). */
  docs?: DocsFactsSource & { refresh?(entities: StoredEntity[]): Promise<void> };
  oncall?: OnCallResolver;
  now?: () => Date;
  logger?: Logger;
  /** Repositories (and on-call teams) read at once. */
  concurrency?: number;
  /** Entities a whole-catalog evaluation reads, evaluates and writes at once (default 1,000). */
  pageSize?: number;
}

export interface CollectReport extends EvaluationCounts {
  at: Date;
  teams: number;
  /** Milliseconds spent reading the catalog, collecting facts, evaluating and writing. */
  timings: { catalog: number; facts: number; evaluate: number; write: number };
}

export interface EvaluatedEntity {
  entity: StoredEntity;
  facts: Facts;
  health: EntityHealth;
}

export interface HealthService {
  /** Collects every entity's facts, evaluates the scorecard, and records results, history and team scores. */
  collectAndScore(): Promise<CollectReport>;
  /**
   * Collects and evaluates the given entities now, and records them; with `team`, the team's score
   * too (the entities are then all the team owns).
   */
  evaluate(refKeys: string[], options?: { team?: string }): Promise<EvaluatedEntity[]>;
  /** When an evaluation last covered any entity; null when nothing was ever evaluated. */
  lastEvaluatedAt(): Promise<Date | null>;
}

export function createHealthService(options: HealthServiceOptions): HealthService {
  const now = options.now ?? (() => new Date());
  const { store, scorecard } = options;

  /** Answers asked of others, kept for the rest of an evaluation: on-call by who answers, GitHub by owner/repo. */
  interface Remembered {
    oncall: Map<string, Facts>;
    repositories: Map<string, Facts>;
  }

  const onGitHubError = (repo: string, error: unknown) => options.logger?.warn('could not read GitHub facts', { repo, error });

  async function collectFacts(subjects: StoredEntity[], snapshot: CatalogSnapshot, at: Date, complete: boolean, remembered?: Remembered): Promise<Map<string, Facts>> {
    const { concurrency } = options;
    const [docs, oncall, github] = await Promise.all([
      docsFacts(subjects, options.docs, at),
      // A whole-catalog snapshot answers on-call's catalog reads; a partial one would miss parents.
      onCallFacts(subjects, options.oncall, snapshot, { at: at.getTime(), concurrency, catalog: complete ? snapshot : undefined, answers: remembered?.oncall }),
      githubFacts(subjects, options.github, { now: at, concurrency, onError: onGitHubError, answers: remembered?.repositories }),
    ]);
    const merged = await mapInSlices(subjects, (entity): [string, Facts] => [entity.refKey, { ...catalogFacts(entity, snapshot), ...oncall.get(entity.refKey), ...docs.get(entity.refKey), ...github.get(entity.refKey) }]);
    return new Map(merged);
  }

  /** Checks marked not applicable by an active waiver, by entity ref key: of the given entities, or of every entity. */
  async function notApplicableAt(at: Date, subjects?: StoredEntity[]): Promise<Map<string, Set<string>>> {
    const notApplicable = new Map<string, Set<string>>();
    for (const waiver of await store.activeWaivers({ at, entityRefs: subjects?.map((entity) => entity.ref) })) {
      if (waiver.kind !== 'not_applicable') continue;
      const key = waiver.entityRef.toLowerCase();
      notApplicable.set(key, (notApplicable.get(key) ?? new Set()).add(waiver.checkId));
    }
    return notApplicable;
  }

  /** Each entity's facts and check statuses; nothing recorded. */
  async function evaluateEntities(subjects: StoredEntity[], at: Date, facts: Map<string, Facts>, notApplicable: Map<string, Set<string>>): Promise<EvaluatedEntity[]> {
    return mapInSlices(subjects, (entity) => {
      const entityFacts = facts.get(entity.refKey)!;
      const statuses = evaluateChecks(scorecard.checks, traitsOf(entity), entityFacts, notApplicable.get(entity.refKey) ?? new Set());
      // `since` is the store's to keep; here it is only a placeholder until written.
      const results: CheckResult[] = statuses.map(({ check, status }) => ({ entityRef: entity.ref, checkId: check.id, status, since: at, evaluatedAt: at }));
      return { entity, facts: entityFacts, health: entityHealthOf(entity, results, scorecard) };
    });
  }

  const toWrite = ({ entity, facts, health }: EvaluatedEntity): EntityEvaluation => ({ ref: entity.ref, facts, results: health.results.map(({ checkId, status }) => ({ checkId, status })) });

  return {
    /**
     * The catalog is read a page of entities at a time, twice, and never held whole (see
     * CatalogSnapshot). The first pass asks others (on-call providers, GitHub) what facts need and
     * remembers their answers; the second collects each page's facts from those answers and the
     * catalog, evaluates them and hands them to the store, which writes each page before it asks
     * for the next, all in one transaction. Nothing waits for a provider or GitHub while it is
     * open (but for an entity new since the first pass), and only each owning team's tally is kept
     * of a page once it is written.
     */
    async collectAndScore() {
      const at = now();
      const timings = { catalog: 0, facts: 0, evaluate: 0, write: 0 };
      const timed = async <T>(phase: keyof typeof timings, work: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        try {
          return await work();
        } finally {
          timings[phase] += performance.now() - started;
        }
      };
      const { catalog, concurrency } = options;
      const pageSize = options.pageSize ?? 1_000;
      const context = await timed('catalog', () => CatalogSnapshot.readContext(catalog));
      const remembered: Remembered = { oncall: new Map(), repositories: new Map() };
      if (options.oncall || options.github) {
        const nextPage = readingAhead(pagesOf(catalog, pageSize));
        for (let page = await timed('catalog', nextPage); page; page = await timed('catalog', nextPage)) {
          await timed('facts', async () => {
            // Whoever answers on-call for itself: an entity owned by a team takes the team's answer (a Group answers for itself).
            const answering = options.oncall && resolveOnCall(page.filter(answersForItself), options.oncall, remembered.oncall, { at: at.getTime(), concurrency, catalog: context });
            await Promise.all([answering, readRepositories(page, options.github, remembered.repositories, { now: at, concurrency, onError: onGitHubError })]);
          });
        }
      }
      const notApplicable = await timed('evaluate', () => notApplicableAt(at));
      const teams = new Map<string, TeamTally>();
      const nextPage = pagesOf(catalog, pageSize);
      const nextRead = readingAhead(async () => {
        const page = await nextPage();
        return page && { page, snapshot: await context.around(catalog, page) };
      });
      // The next page's evaluations, ready to write (undefined after the last): of its entities,
      // snapshot and facts, nothing is kept while the page is written but what is written.
      const evaluateNext = async (): Promise<EntityEvaluation[] | undefined> => {
        const read = await timed('catalog', nextRead);
        if (!read) return undefined;
        const { page, snapshot } = read;
        const facts = await timed('facts', () => collectFacts(page, snapshot, at, true, remembered));
        return timed('evaluate', async () => {
          const items = await evaluateEntities(page, at, facts, notApplicable);
          for (const { entity, health } of items) {
            const owner = snapshot.get(snapshot.targets(entity.refKey, 'ownedBy')[0] ?? '');
            if (owner?.kind !== 'group') continue;
            const tally = teams.get(owner.ref) ?? teams.set(owner.ref, new TeamTally()).get(owner.ref)!;
            tally.add(health);
          }
          return items.map(toWrite);
        });
      };
      async function* evaluated(): AsyncGenerator<EntityEvaluation[]> {
        for (let records = await evaluateNext(); records; records = await evaluateNext()) yield records;
      }
      // The write asks for each page as it goes: its own time is what the pages did not take
      // (the catalog's, what they waited for it).
      const before = timings.catalog + timings.facts + timings.evaluate;
      const writing = performance.now();
      const teamScores = () => [...teams].map(([ref, tally]) => ({ ref, ...tally.result(), entities: tally.entities }));
      const counts = await store.recordEvaluation({ at, complete: true, entities: evaluated(), teams: teamScores });
      timings.write = performance.now() - writing - (timings.catalog + timings.facts + timings.evaluate - before);
      return { at, ...counts, teams: teams.size, timings };
    },

    lastEvaluatedAt: () => store.lastEvaluatedAt(),

    async evaluate(refKeys, evaluateOptions = {}) {
      const at = now();
      const snapshot = await snapshotAround(options.catalog, refKeys);
      const subjects = (await options.catalog.getManyByRef(refKeys)).filter((entity) => snapshot.get(entity.refKey));
      await options.docs?.refresh?.(subjects);
      const facts = await collectFacts(subjects, snapshot, at, false);
      const evaluated = await evaluateEntities(subjects, at, facts, await notApplicableAt(at, subjects));
      const team = evaluateOptions.team;
      const teams = () => (team ? [{ ref: team, ...teamScoreOf(evaluated.map((item) => item.health)), entities: evaluated.length }] : []);
      await store.recordEvaluation({ at, complete: false, entities: [evaluated.map(toWrite)], teams });
      // Read back what was recorded, so `since` says when each status really began.
      const stored = await store.currentResults(subjects.map((entity) => entity.ref));
      return evaluated.map((item) => ({ ...item, health: entityHealthOf(item.entity, stored.filter((result) => result.entityRef.toLowerCase() === item.entity.refKey), scorecard) }));
    },
  };
}

/**
 * The entities whose health is evaluated, a page at a time in ref key order (undefined after the
 * last). The reader keeps only where it stopped, so that a page can go as soon as it has been used.
 */
function pagesOf(catalog: HealthCatalog, pageSize: number): () => Promise<StoredEntity[] | undefined> {
  let after: string | undefined;
  let done = false;
  return async () => {
    if (done) return undefined;
    const page = await catalog.listEntities({ kinds: HEALTH_KINDS, after, limit: pageSize });
    done = page.length < pageSize;
    after = page[page.length - 1]?.refKey;
    return page.length ? page : undefined;
  };
}

/**
 * `read`, one call ahead: while what it gave is used (a page evaluated, written), the next is read
 * on another connection.
 */
function readingAhead<T>(read: () => Promise<T | undefined>): () => Promise<T | undefined> {
  const ahead = () => {
    const next = read();
    // Handled even if never asked for (the evaluation failed first); asked for, it still rejects.
    next.catch(() => undefined);
    return next;
  };
  let next = ahead();
  return async () => {
    const current = await next;
    if (current !== undefined) next = ahead();
    return current;
  };
}

/**
 * Maps a large list a slice at a time, back to the event loop between slices: serve evaluates the
 * whole catalog on a schedule, and Slack requests arriving meanwhile must still be acked in 3 s.
 */
async function mapInSlices<T, R>(items: T[], map: (item: T) => R, sliceSize = 1_000): Promise<R[]> {
  const mapped: R[] = [];
  for (let start = 0; start < items.length; start += sliceSize) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const item of items.slice(start, start + sliceSize)) mapped.push(map(item));
  }
  return mapped;
}

/**
 * The part of the catalog a few entities' facts need — the entities, their owners, the owners'
 * members — read with a handful of queries rather than the whole catalog.
 */
async function snapshotAround(catalog: HealthCatalog, refKeys: string[]): Promise<CatalogSnapshot> {
  const types = SNAPSHOT_RELATIONS;
  const subjects = await catalog.getManyByRef(refKeys);
  const relations = (await Promise.all(subjects.map((entity) => catalog.relationsFrom(entity.refKey, types)))).flat();
  const ownerKeys = [...new Set(relations.filter((relation) => relation.type === 'ownedBy').map((relation) => relation.targetRef.toLowerCase()))];
  const owners = await catalog.getManyByRef(ownerKeys.filter((key) => !subjects.some((entity) => entity.refKey === key)));
  const groups = [...subjects, ...owners].filter((entity) => entity.kind === 'group');
  const teamRelations = (await Promise.all(groups.map((group) => catalog.relationsFrom(group.refKey, ['hasMember', 'childOf'])))).flat();
  const members = await catalog.getManyByRef([...new Set(teamRelations.filter((relation) => relation.type === 'hasMember').map((relation) => relation.targetRef.toLowerCase()))]);
  return new CatalogSnapshot([...subjects, ...owners, ...members], [...relations, ...teamRelations]);
}

/** An evaluation ended because Backline is stopping: nothing of it was recorded, and that is expected. */
export class EvaluationStopped extends Error {
  constructor() {
    super('the health evaluation was stopped, as Backline is stopping; nothing of it was recorded');
    this.name = 'EvaluationStopped';
  }
}
