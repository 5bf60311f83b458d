import type { CheckResult, CheckStatus, CheckTransition, Facts, Level, NewWaiver, Waiver } from './model';

/** One entity's part of an evaluation: its facts now, and the status of each check that applies. */
export interface EntityEvaluation {
  ref: string;
  facts: Facts;
  results: Array<{ checkId: string; status: CheckStatus }>;
}

export interface TeamScore {
  ref: string;
  score: number | null;
  level: Level | null;
  entities: number;
}

export interface EvaluationWrite {
  at: Date;
  /**
   * The entities evaluated, each once, a page at a time: each page is written before the next is
   * asked for, so that an evaluation of the whole catalog never holds every entity's at once. The
   * write's transaction is open meanwhile: pages are read on other connections of the pool.
   */
  entities: AsyncIterable<EntityEvaluation[]> | Iterable<EntityEvaluation[]>;
  /** Every entity of the catalog was evaluated: the current rows of entities not in it are removed (their history stays). */
  complete: boolean;
  /** Team scores, asked for once every page of entities is written. */
  teams(): TeamScore[];
}

export interface EvaluationCounts {
  entities: number;
  /** Entities whose facts changed (a history row each). */
  factChanges: number;
  /** Check statuses that changed (a transition each), first evaluations included. */
  transitions: number;
}

/** Where health lives between evaluations: PgHealthStore. */
export interface HealthStore {
  /**
   * Records an evaluation atomically: facts and results that changed (with a history row or a
   * transition each), evaluation times of the rest, and team scores. Evaluations never interleave.
   */
  recordEvaluation(write: EvaluationWrite): Promise<EvaluationCounts>;
  /** Current results of the given entities (every evaluated entity when absent), with when they were evaluated. */
  currentResults(entityRefs?: string[]): Promise<CheckResult[]>;
  /** Each check's status at `at`, from the transitions: the last change at or before it. */
  resultsAt(entityRefs: string[], at: Date): Promise<CheckResult[]>;
  /** Current facts of the given entities, by lower-cased ref. */
  currentFacts(entityRefs: string[]): Promise<Map<string, { facts: Facts; evaluatedAt: Date }>>;
  scoreHistory(teamRef: string, since: Date): Promise<Array<{ at: Date; score: number | null; level: Level | null }>>;
  transitions(options: { since: Date; until?: Date; entityRefs?: string[] }): Promise<CheckTransition[]>;
  activeWaivers(options: { at: Date; entityRefs?: string[] }): Promise<Waiver[]>;
  addWaivers(waiver: NewWaiver, createdAt: Date): Promise<Waiver[]>;
  /** When an evaluation last covered any entity; null when nothing was ever evaluated. */
  lastEvaluatedAt(): Promise<Date | null>;
}
