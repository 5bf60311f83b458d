import { z } from 'zod';
import { canonicalEntityRef } from '../catalog/model';
import type { StoredEntity } from '../catalog/store';
import type { CheckDefinition, TeamHealth } from '../health/model';
import { checksById } from '../health/scoring';
import type { McpPorts } from './context';

const level = z.enum(['bronze', 'silver', 'gold']).nullable();

const failingCheck = z
  .object({ check: z.string(), title: z.string(), level: z.enum(['bronze', 'silver', 'gold']), why: z.string(), fix: z.object({ text: z.string(), url: z.string().nullable() }) })
  .passthrough();

export const teamHealthOutput = z
  .object({
    team: z.string(),
    displayName: z.string(),
    channel: z.string().nullable(),
    score: z.number().nullable().describe('passing checks as a share of those that count, 0 to 100'),
    level: level.describe('the highest level whose checks, and every lower level’s, all pass'),
    evaluatedAt: z.string(),
    entities: z.array(
      z
        .object({
          ref: z.string(),
          displayName: z.string(),
          score: z.number().nullable(),
          level,
          failing: z.array(failingCheck),
          unknown: z.array(z.string()).describe('checks whose facts could not be learned'),
        })
        .passthrough(),
    ),
  })
  .passthrough();

export type TeamHealthJson = z.infer<typeof teamHealthOutput>;

/**
 * A team's health as the last evaluation recorded it. A team none of whose entities was ever
 * evaluated (a fresh installation, `backline mcp` before any `serve`) is evaluated now, as
 * `backline health` does, rather than reported as passing nothing.
 */
export async function teamHealth(team: StoredEntity, ports: Pick<McpPorts, 'catalog' | 'health'>): Promise<TeamHealthJson> {
  const { reader, service } = ports.health;
  let health = (await reader.teamHealth(team.ref))!;
  if (health.entities.length && health.entities.every((entity) => entity.results.length === 0)) {
    const owned = (await ports.catalog.relationsFrom(team.refKey, ['ownerOf'])).map((relation) => relation.targetRef.toLowerCase());
    await service.evaluate(owned, { team: team.ref });
    health = (await reader.teamHealth(team.ref))!;
  }
  return teamHealthJson(health, checksById(reader.scorecard()));
}

function teamHealthJson(health: TeamHealth, checks: Map<string, CheckDefinition>): TeamHealthJson {
  return {
    team: canonicalEntityRef(health.team),
    displayName: health.displayName,
    channel: health.channel,
    score: health.score,
    level: health.level,
    evaluatedAt: health.evaluatedAt.toISOString(),
    entities: health.entities.map((entity) => ({
      ref: canonicalEntityRef(entity.ref),
      displayName: entity.displayName,
      score: entity.score,
      level: entity.level,
      failing: entity.results
        .filter((result) => result.status === 'fail' && checks.has(result.checkId))
        .map((result) => {
          const check = checks.get(result.checkId)!;
          return { check: check.id, title: check.title, level: check.level, why: check.why, fix: { text: check.fix.text, url: check.fix.url ?? null } };
        }),
      unknown: entity.results.filter((result) => result.status === 'unknown').map((result) => result.checkId),
    })),
  };
}

/** The score, then each entity's failing checks with their fixes, lowest level first (the cheapest to reach). */
export function teamHealthText(health: TeamHealthJson, checks: Map<string, CheckDefinition & { position: number }>): string {
  const grade = (score: number | null, level: string | null) => `score ${score ?? '–'}, level ${level ?? 'none (below bronze)'}`;
  const lines = [`${health.displayName} (${health.team}): ${grade(health.score, health.level)}, ${health.entities.length} owned entities, evaluated ${health.evaluatedAt}`];
  const order = (id: string) => checks.get(id)?.position ?? 0;
  for (const entity of health.entities) {
    if (entity.failing.length === 0) continue;
    lines.push('', `${entity.displayName} (${entity.ref}): ${grade(entity.score, entity.level)}`);
    for (const failing of [...entity.failing].sort((a, b) => order(a.check) - order(b.check))) {
      lines.push(`  ✗ ${failing.title} [${failing.level}]: ${failing.fix.text}${failing.fix.url ? ` ${failing.fix.url}` : ''}`);
    }
  }
  if (lines.length === 1) lines.push('No failing checks.');
  return lines.join('\n');
}
