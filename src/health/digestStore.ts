import type { Level } from './model';
import type { CatalogFileProblem, DigestSnapshot, FailingPair } from './digest';

/** What one digest slot of one team decided: sent, or skipped and why. */
export interface DigestRecord {
  team: string;
  slot: Date;
  decidedAt: Date;
  sent: boolean;
  reason: string;
  score: number | null;
  level: Level | null;
  failing: FailingPair[];
}

/** A nudge about one check that started failing on one entity, identified by when it did. */
export interface NudgeRecord {
  team: string;
  entityRef: string;
  checkId: string;
  transitionAt: Date;
  /** The hour whose batch carried it. */
  hour: Date;
}

/**
 * What digests and nudges remember: per team and slot what was decided (the last sent one is what
 * the next digest is compared with), and which transitions were already nudged about.
 */
export interface DigestStore {
  /** The last digest sent to the team, or null before the first. */
  lastSent(team: string): Promise<DigestSnapshot | null>;
  /** Of these team slots, the ones already decided, as `slotId(team, slot)`. */
  decided(slots: Array<{ team: string; slot: Date }>): Promise<Set<string>>;
  /** Records a slot's decision; false when it was already decided (another replica, or a retry). */
  record(decision: DigestRecord): Promise<boolean>;
  /** Of these transitions, the ones already nudged about, as `nudgeId(…)`. */
  nudged(transitions: Array<{ entityRef: string; checkId: string; transitionAt: Date }>): Promise<Set<string>>;
  recordNudges(nudges: NudgeRecord[]): Promise<void>;
  /** Problems of the catalog files that hold the team or what it owns, at most `limit`, in file order. */
  catalogProblems(team: string, limit: number): Promise<CatalogFileProblem[]>;
}

export function slotId(team: string, slot: Date): string {
  return `${team.toLowerCase()} ${slot.toISOString()}`;
}

export function nudgeId(transition: { entityRef: string; checkId: string; transitionAt: Date }): string {
  return `${transition.entityRef.toLowerCase()} ${transition.checkId} ${transition.transitionAt.toISOString()}`;
}
