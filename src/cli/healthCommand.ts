import type { Command } from 'commander';
import { findEntity } from '../../commands/whoowns';
import { canonicalEntityRef } from '../catalog/model';
import type { StoredEntity } from '../catalog/store';
import type { Logger } from '../logger';
import { openHealth } from '../compose/health';
import { localDocsBaseUrl, openDocs, type Backline } from '../compose/backline';
import { channelOf } from '../health/facts/catalog';
import type { CheckDefinition, FactCondition, Facts, Rule, Scorecard, TeamHealth } from '../health/model';
import { checksById, teamHealthOf } from '../health/scoring';
import type { EvaluatedEntity } from '../health/service';

export interface HealthCommandDependencies {
  stdout: (text: string) => void;
  setExitCode: (code: number) => void;
  withBackline: <T>(work: (backline: Backline) => Promise<T>) => Promise<T>;
  logger: Logger;
}

const SUGGESTIONS = 5;

/** What `backline health` found and evaluated. */
export interface HealthReport {
  query: string;
  /** The entity or team evaluated; null when nothing matched. */
  match: StoredEntity | null;
  team: TeamHealth | null;
  evaluated: EvaluatedEntity[];
  scorecard: Scorecard;
  evaluatedAt: Date;
  suggestions: string[];
}

/** `backline health [--json] <entity | team>`: evaluates it now, records the results, and reports. */
export function registerHealthCommand(program: Command, deps: HealthCommandDependencies): void {
  program
    .command('health')
    .description("Health checks of an entity, or of every entity a team owns with the team's score and level: evaluated now, and recorded.")
    .argument('<query...>', 'an entity or team: a ref, name or title')
    .option('--json', 'print one JSON document')
    .action(async (words: string[], options: { json?: boolean }) => {
      await deps.withBackline(async (backline) => {
        const report = await healthReport(words.join(' ').trim(), backline, deps.logger);
        deps.stdout(options.json ? `${JSON.stringify(healthJson(report))}\n` : formatHealth(report));
        deps.setExitCode(report.match ? 0 : 1);
      });
    });
}

async function healthReport(query: string, backline: Backline, logger: Logger): Promise<HealthReport> {
  const { catalog } = backline;
  const docs = openDocs(backline, { baseUrl: await localDocsBaseUrl(backline), logger });
  const health = openHealth(backline, { docs, logger });
  const empty = { query, team: null, evaluated: [], scorecard: health.scorecard, evaluatedAt: new Date() };
  const found = await findEntity(query, { catalog });
  if (!found) {
    const similar = await catalog.findSimilar(query, SUGGESTIONS);
    return { ...empty, match: null, suggestions: similar.map(({ entity }) => entity.ref) };
  }
  const match = found.entities[0]!;
  if (match.kind !== 'group') {
    const evaluated = await health.service.evaluate([match.refKey]);
    return { ...empty, match, evaluated, evaluatedAt: evaluated[0]?.health.results[0]?.evaluatedAt ?? new Date(), suggestions: [] };
  }
  const owned = (await catalog.relationsFrom(match.refKey, ['ownerOf'])).map((relation) => relation.targetRef.toLowerCase());
  const evaluated = await health.service.evaluate(owned, { team: match.ref });
  const evaluatedAt = evaluated.flatMap((item) => item.health.results)[0]?.evaluatedAt ?? new Date();
  return { ...empty, match, evaluated, team: teamHealthOf(match, channelOf(match), evaluated.map((item) => item.health), evaluatedAt), evaluatedAt, suggestions: [] };
}

/** The one JSON document of `backline health --json` (its shape is in docs/cli.md), refs as Backstage writes them. */
export function healthJson(report: HealthReport) {
  const checks = checksById(report.scorecard);
  const entityJson = ({ health, facts }: EvaluatedEntity) => ({
    ref: canonicalEntityRef(health.ref),
    displayName: health.displayName,
    kind: health.kind,
    type: health.type,
    lifecycle: health.lifecycle,
    score: health.score,
    level: health.level,
    checks: health.results.map((result) => {
      const check = checks.get(result.checkId)!;
      return { id: check.id, title: check.title, level: check.level, status: result.status, since: result.since.toISOString(), why: check.why, fix: { text: check.fix.text, url: check.fix.url ?? null }, unknownFacts: result.status === 'unknown' ? unknownFacts(check, facts) : [] };
    }),
    facts,
  });
  const single = report.team ? null : report.evaluated[0]?.health;
  return {
    query: report.query,
    match: report.match ? canonicalEntityRef(report.match.ref) : null,
    kind: report.match ? (report.team ? 'team' : 'entity') : null,
    score: report.team ? report.team.score : (single?.score ?? null),
    level: report.team ? report.team.level : (single?.level ?? null),
    team: report.team && { ref: canonicalEntityRef(report.team.team), displayName: report.team.displayName, channel: report.team.channel },
    entities: report.evaluated.map(entityJson),
    evaluatedAt: report.match ? report.evaluatedAt.toISOString() : null,
    suggestions: report.suggestions.map(canonicalEntityRef),
  };
}

const MARK: Record<string, string> = { pass: '✓ pass   ', fail: '✗ fail   ', unknown: '? unknown', not_applicable: '– n/a    ' };

export function formatHealth(report: HealthReport): string {
  if (!report.match) {
    const hint = report.suggestions.length ? `\nDid you mean: ${report.suggestions.join(', ')}?` : '';
    return `Nothing in the catalog is called "${report.query}".${hint}\n`;
  }
  const checks = checksById(report.scorecard);
  const lines: string[] = [];
  const grade = (score: number | null, level: string | null) => `score ${score === null ? '–' : score}, level ${level ?? 'none (below bronze)'}`;
  if (report.team) {
    const { team } = report;
    lines.push(`${team.displayName} (${team.team}): ${grade(team.score, team.level)}, ${team.entities.length} owned entit${team.entities.length === 1 ? 'y' : 'ies'}${team.channel ? `, #${team.channel.replace(/^#/, '')}` : ''}`);
  }
  for (const { health, facts } of report.evaluated) {
    lines.push('', `${health.displayName} (${health.ref}): ${grade(health.score, health.level)}`);
    if (health.results.length === 0) lines.push('  No check of the scorecard applies to it.');
    for (const result of health.results) {
      const check = checks.get(result.checkId)!;
      lines.push(`  ${MARK[result.status]}  ${check.title} [${check.level}, ${check.id}]`);
      if (result.status === 'fail') {
        lines.push(`               Why: ${check.why}`, `               Fix: ${check.fix.text}${check.fix.url ? ` ${check.fix.url}` : ''}`);
      } else if (result.status === 'unknown') {
        lines.push(`               Not known: ${unknownFacts(check, facts).join(', ')} (see docs/health.md: Facts)`);
      }
    }
  }
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}

/** The facts of a check's rule that could not be learned: why its status is unknown. */
function unknownFacts(check: CheckDefinition, facts: Facts): string[] {
  const names = new Set<string>();
  const walk = (part: Rule | FactCondition) => {
    if ('all' in part) part.all.forEach(walk);
    else if ('any' in part) part.any.forEach(walk);
    else if ((facts[part.fact] ?? null) === null && part.operator !== 'exists') names.add(part.fact);
  };
  walk(check.rule);
  return [...names];
}
