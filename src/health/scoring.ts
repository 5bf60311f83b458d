import type { StoredEntity } from '../catalog/store';
import type { CheckDefinition, CheckResult, EntityHealth, Level, Scorecard, TeamHealth } from './model';
import { levelOf, scoreOf, shareOf, teamLevelOf } from './rules';
import { displayNameOf, traitsOf } from './facts/catalog';

/**
 * An entity's health from its stored results: only checks of the scorecard in force count (a
 * check removed from backline.yaml stops counting at once, before the next evaluation).
 */
export function entityHealthOf(entity: StoredEntity, results: CheckResult[], scorecard: Scorecard): EntityHealth {
  const checks = checksById(scorecard);
  const inForce = results.filter((result) => checks.has(result.checkId)).sort((a, b) => order(checks, a.checkId) - order(checks, b.checkId));
  const traits = traitsOf(entity);
  return {
    ref: entity.ref,
    displayName: displayNameOf(entity),
    kind: entity.kind,
    type: traits.type,
    lifecycle: traits.lifecycle,
    results: inForce,
    score: scoreOf(inForce.map((result) => result.status)),
    level: levelOf(inForce.map((result) => ({ level: checks.get(result.checkId)!.level, status: result.status }))),
  };
}

/** A team's score (the passing share of every counted check of its entities) and level (its weakest entity's). */
export function teamScoreOf(entities: Array<Pick<EntityHealth, 'results' | 'score' | 'level'>>): { score: number | null; level: Level | null } {
  const tally = new TeamTally();
  for (const entity of entities) tally.add(entity);
  return tally.result();
}

/**
 * A team's score and level taken in one entity at a time, so that an evaluation of the whole
 * catalog keeps a few numbers per team instead of every entity's results until it ends.
 */
export class TeamTally {
  entities = 0;
  private passed = 0;
  private counted = 0;
  // The level of the entities so far stands in for all of them: the lowest, or null for good once one is below bronze.
  private level: { level: Level | null; counted: boolean } = { level: null, counted: false };

  add(entity: Pick<EntityHealth, 'results' | 'score' | 'level'>): void {
    this.entities += 1;
    for (const { status } of entity.results) {
      if (status === 'pass') this.passed += 1;
      if (status === 'pass' || status === 'fail') this.counted += 1;
    }
    const next = { level: entity.level, counted: entity.score !== null };
    this.level = { level: teamLevelOf([this.level, next]), counted: this.level.counted || next.counted };
  }

  result(): { score: number | null; level: Level | null } {
    return { score: shareOf(this.passed, this.counted), level: this.level.level };
  }
}

export function teamHealthOf(team: StoredEntity, channel: string | null, entities: EntityHealth[], evaluatedAt: Date): TeamHealth {
  const sorted = [...entities].sort((a, b) => a.ref.localeCompare(b.ref));
  return { team: team.ref, displayName: displayNameOf(team), channel, entities: sorted, ...teamScoreOf(sorted), evaluatedAt };
}

const indexes = new WeakMap<Scorecard, Map<string, CheckDefinition & { position: number }>>();

export function checksById(scorecard: Scorecard): Map<string, CheckDefinition & { position: number }> {
  let index = indexes.get(scorecard);
  if (!index) {
    index = new Map(scorecard.checks.map((check, position) => [check.id, { ...check, position }]));
    indexes.set(scorecard, index);
  }
  return index;
}

function order(checks: Map<string, { position: number }>, id: string): number {
  return checks.get(id)?.position ?? Number.MAX_SAFE_INTEGER;
}
