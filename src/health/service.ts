import type { CatalogStore, StoredEntity } from '../catalog/store';
import type { Logger } from '../logger';
import type { OnCallResolver } from '../oncall/resolve';
import type { CheckResult, EntityHealth, Facts, Scorecard } from './model';
import { evaluateChecks } from './rules';
import { entityHealthOf, teamScoreOf } from './scoring';
import { catalogFacts, HEALTH_KINDS, traitsOf } from './facts/catalog';
import { docsFacts, type DocsFactsSource } from './facts/docs';
import { githubFacts, type GitHubFactsSource } from './facts/github';
import { onCallFacts } from './facts/oncall';
import { CatalogSnapshot, SNAPSHOT_RELATIONS } from './facts/snapshot';
import type { EvaluationCounts, HealthStore, TeamScore } from './store';

export type HealthCatalog = Pick<CatalogStore, 'listEntities' | 'listRelations' | 'getManyByRef' | 'relationsFrom'>;

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

  async function collectFacts(subjects: StoredEntity[], snapshot: CatalogSnapshot, at: Date, complete: boolean): Promise<Map<string, Facts>> {
    const [docs, oncall, github] = await Promise.all([
      docsFacts(subjects, options.docs, at),
      // A whole-catalog snapshot answers on-call's catalog reads; a partial one would miss parents.
      onCallFacts(subjects, options.oncall, snapshot, { at: at.getTime(), concurrency: options.concurrency, catalog: complete ? snapshot : undefined }),
      githubFacts(subjects, options.github, { now: at, concurrency: options.concurrency, onError: (repo, error) => options.logger?.warn('could not read GitHub facts', { repo, error }) }),
    ]);
    const merged = await mapInSlices(subjects, (entity): [string, Facts] => [entity.refKey, { ...catalogFacts(entity, snapshot), ...oncall.get(entity.refKey), ...docs.get(entity.refKey), ...github.get(entity.refKey) }]);
    return new Map(merged);
  }

  async function evaluateAndRecord(subjects: StoredEntity[], snapshot: CatalogSnapshot, at: Date, mode: { complete: boolean; team?: string }) {
    const started = performance.now();
    const facts = await collectFacts(subjects, snapshot, at, mode.complete);
    const factsDone = performance.now();
    const notApplicable = new Map<string, Set<string>>();
    for (const waiver of await store.activeWaivers({ at, entityRefs: mode.complete ? undefined : subjects.map((entity) => entity.ref) })) {
      if (waiver.kind !== 'not_applicable') continue;
      const key = waiver.entityRef.toLowerCase();
      notApplicable.set(key, (notApplicable.get(key) ?? new Set()).add(waiver.checkId));
    }
    const evaluated: EvaluatedEntity[] = await mapInSlices(subjects, (entity) => {
      const entityFacts = facts.get(entity.refKey)!;
      const statuses = evaluateChecks(scorecard.checks, traitsOf(entity), entityFacts, notApplicable.get(entity.refKey) ?? new Set());
      // `since` is the store's to keep; here it is only a placeholder until written.
      const results: CheckResult[] = statuses.map(({ check, status }) => ({ entityRef: entity.ref, checkId: check.id, status, since: at, evaluatedAt: at }));
      return { entity, facts: entityFacts, health: entityHealthOf(entity, results, scorecard) };
    });
    const teams = mode.complete ? teamScores(evaluated, snapshot) : mode.team ? [{ ref: mode.team, ...teamScoreOf(evaluated.map((item) => item.health)), entities: evaluated.length }] : [];
    const evaluatedDone = performance.now();
    const counts = await store.recordEvaluation({
      at,
      complete: mode.complete,
      entities: evaluated.map(({ entity, facts: entityFacts, health }) => ({ ref: entity.ref, facts: entityFacts, results: health.results.map(({ checkId, status }) => ({ checkId, status })) })),
      teams,
    });
    const timings = { facts: factsDone - started, evaluate: evaluatedDone - factsDone, write: performance.now() - evaluatedDone };
    return { evaluated, counts, teams, timings };
  }

  return {
    async collectAndScore() {
      const at = now();
      const started = performance.now();
      const snapshot = await CatalogSnapshot.read(options.catalog);
      const catalogMs = performance.now() - started;
      const subjects = [...snapshot.entities].filter((entity) => HEALTH_KINDS.includes(entity.kind));
      const { counts, teams, timings } = await evaluateAndRecord(subjects, snapshot, at, { complete: true });
      return { at, ...counts, teams: teams.length, timings: { catalog: catalogMs, ...timings } };
    },

    lastEvaluatedAt: () => store.lastEvaluatedAt(),

    async evaluate(refKeys, evaluateOptions = {}) {
      const at = now();
      const snapshot = await snapshotAround(options.catalog, refKeys);
      const subjects = (await options.catalog.getManyByRef(refKeys)).filter((entity) => snapshot.get(entity.refKey));
      await options.docs?.refresh?.(subjects);
      const { evaluated } = await evaluateAndRecord(subjects, snapshot, at, { complete: false, team: evaluateOptions.team });
      // Read back what was recorded, so `since` says when each status really began.
      const stored = await store.currentResults(subjects.map((entity) => entity.ref));
      return evaluated.map((item) => ({ ...item, health: entityHealthOf(item.entity, stored.filter((result) => result.entityRef.toLowerCase() === item.entity.refKey), scorecard) }));
    },
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

/** Each owning Group's score over the entities it owns that were evaluated. */
function teamScores(evaluated: EvaluatedEntity[], snapshot: CatalogSnapshot): TeamScore[] {
  const byTeam = new Map<string, EntityHealth[]>();
  for (const { entity, health } of evaluated) {
    const owner = snapshot.get(snapshot.targets(entity.refKey, 'ownedBy')[0] ?? '');
    if (owner?.kind !== 'group') continue;
    const list = byTeam.get(owner.ref);
    if (list) list.push(health);
    else byTeam.set(owner.ref, [health]);
  }
  return [...byTeam].map(([ref, entities]) => ({ ref, ...teamScoreOf(entities), entities: entities.length }));
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
