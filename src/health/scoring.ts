import type { StoredEntity } from '../catalog/store';
import type { CheckDefinition, CheckResult, EntityHealth, Level, Scorecard, TeamHealth } from './model';
import { levelOf, scoreOf, teamLevelOf } from './rules';
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
export function teamScoreOf(entities: EntityHealth[]): { score: number | null; level: Level | null } {
  return {
    score: scoreOf(entities.flatMap((entity) => entity.results.map((result) => result.status))),
    level: teamLevelOf(entities.map((entity) => ({ level: entity.level, counted: entity.score !== null }))),
  };
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
