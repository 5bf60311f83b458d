import { onCallPersonJson } from '../../commands/oncall';
import type { WhoOwnsResult } from '../../commands/whoowns';
import type { IngestReport } from '../catalog/ingest';
import { canonicalEntityRef } from '../catalog/model';
import type { CatalogProblem } from '../catalog/processing';
import type { ValidationEntry, ValidationReport } from '../catalog/validateFiles';
import type { GitHubStats } from '../sources/github/client';
import type { Discovery } from '../sources/github/context';
import type { GitHubIntegration } from '../sources/github/integration';

/** Where a problem is, compiler style: `file:line:column`. */
export function problemLocation(problem: { file: string; line?: number | null; column?: number | null }): string {
  return [problem.file, problem.line ?? undefined, problem.line ? (problem.column ?? undefined) : undefined].filter((part) => part !== undefined).join(':');
}

export function formatProblem(problem: CatalogProblem): string {
  const subject = problem.entityRef ? ` ${problem.entityRef}:` : '';
  const document = problem.document ? ` (document ${problem.document})` : '';
  return `${problemLocation(problem)}${document}:${subject} ${problem.message}`;
}

export function formatValidation({ entries, emptyFiles }: ValidationReport): string {
  const lines = entries.map((entry) => {
    const where = `${problemLocation({ file: entry.file, line: entry.line, column: entry.column })}${entry.document ? ` #${entry.document}` : ''}`;
    const warnings = entry.warnings.map((warning) => `\n      warning: ${warning}`).join('');
    if (entry.valid) return `ok    ${where} ${entry.ref}${warnings}`;
    return `error ${where}${entry.ref ? ` ${entry.ref}` : ''}\n${entry.errors.map((error) => `      - ${error}`).join('\n')}${warnings}`;
  });
  lines.push(...emptyFiles.map((file) => `ok    ${file}: no entities (the file is empty or holds only comments)`));
  const invalid = entries.filter((entry) => !entry.valid).length;
  lines.push('', invalid ? `${invalid} of ${entries.length} invalid.` : entries.length ? `All ${entries.length} valid.` : 'No entities.');
  return `${lines.join('\n')}\n`;
}

/**
 * The JSON of `catalog validate`, as DESIGN §7 fixes it. `warnings` is there only on documents
 * that have some; a file that failed as a whole says in its error where the parser stopped.
 */
export function validationJson(entries: ValidationEntry[]): object {
  return {
    entities: entries.map(({ file, document, line, column, ref, valid, errors, warnings }) => ({
      file,
      document,
      ref: ref && canonicalEntityRef(ref),
      valid,
      errors: document === null && line !== null ? errors.map((error) => `${error} (line ${line}${column !== null ? `, column ${column}` : ''})`) : errors,
      ...(warnings.length > 0 && { warnings }),
    })),
  };
}

/** The JSON of `catalog ingest`: the report, with refs as Backstage writes them. */
export function ingestJson(report: IngestReport, seconds: number, github?: GitHubSummary): object {
  const problemJson = (problem: CatalogProblem) => (problem.entityRef ? { ...problem, entityRef: canonicalEntityRef(problem.entityRef) } : problem);
  return { ...report, errors: report.errors.map(problemJson), warnings: report.warnings.map(problemJson), seconds: Math.round(seconds * 1000) / 1000, ...(github && { github }) };
}

export function formatIngestReport(report: IngestReport, seconds: number): string {
  const { locations, entities } = report;
  const lines = [
    `Read ${locations.visited} location(s) in ${seconds.toFixed(2)} s: ${locations.processed} processed, ${locations.unchanged} unchanged, ${locations.failed} failed${locations.removed ? `, ${locations.removed} removed` : ''}.`,
    `Entities: ${entities.added} added, ${entities.updated} updated, ${entities.unchanged} unchanged, ${entities.removed} removed.`,
  ];
  if (report.errors.length) {
    lines.push('', `${report.errors.length} error(s); entities from files that failed to read or parse are kept as they were:`);
    lines.push(...report.errors.map((problem) => `  ${formatProblem(problem)}`));
  }
  if (report.warnings.length) {
    lines.push('', `${report.warnings.length} warning(s); what they name was read as Backstage reads it:`);
    lines.push(...report.warnings.map((problem) => `  ${formatProblem(problem)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON shape of `backline whoowns --json`, as DESIGN §7 fixes it: refs as Backstage writes them. */
export function whoOwnsJson(result: WhoOwnsResult): object {
  return {
    query: result.query,
    match: result.match ? canonicalEntityRef(result.match.ref) : null,
    owner: result.owner
      ? {
          ref: canonicalEntityRef(result.owner.ref),
          found: result.owner.found,
          displayName: result.owner.displayName,
          members: result.owner.members.map((member) => canonicalEntityRef(member.ref)),
          slackChannel: result.owner.slackChannel,
          escalation: result.owner.escalation ? { ref: canonicalEntityRef(result.owner.escalation.ref), members: result.owner.escalation.members.map((member) => canonicalEntityRef(member.ref)) } : null,
          oncall: result.oncall ? result.oncall.oncall.map(onCallPersonJson) : [],
        }
      : null,
    alternatives: result.alternatives.map((entity) => canonicalEntityRef(entity.ref)),
    warnings: result.warnings,
    suggestions: result.suggestions.map((suggestion) => canonicalEntityRef(suggestion.ref)),
  };
}

export interface GitHubSummary {
  organisations: Array<Discovery | { org: string; repositories: null; skipped: null; catalogFiles: null }>;
  requests: number;
  notModified: number;
  fromCache: number;
  rateLimitWaits: number;
  rateLimit: GitHubStats['rateLimit'];
}

/** What GitHub discovery found and what it cost, for `catalog ingest --github-org`. */
export function githubSummary(github: Pick<GitHubIntegration, 'client' | 'context'>, orgs: string[]): GitHubSummary {
  const { stats } = github.client;
  return {
    organisations: orgs.map((org) => github.context.discoveries.get(org.toLowerCase()) ?? { org, repositories: null, skipped: null, catalogFiles: null, inferred: null }),
    requests: stats.requests,
    notModified: stats.notModified,
    fromCache: stats.fromCache,
    rateLimitWaits: stats.rateLimitWaits,
    rateLimit: stats.rateLimit,
  };
}

export function formatGitHubSummary(summary: GitHubSummary): string {
  const orgs = summary.organisations.map((o) =>
    o.repositories === null
      ? `${o.org}: not read`
      : `${o.org}: ${o.repositories} repositories${o.skipped ? ` (${o.skipped} archived or forks skipped)` : ''}, ${o.catalogFiles} catalog file(s)${o.inferred ? `, ${o.inferred} inferred from CODEOWNERS and team permissions` : ''}`,
  );
  const answered = [summary.notModified && `${summary.notModified} answered 304 Not Modified`, summary.fromCache && `${summary.fromCache} answer(s) reused without asking (repositories not pushed to since)`].filter(Boolean);
  const limit = summary.rateLimit ? `; rate limit ${summary.rateLimit.remaining} of ${summary.rateLimit.limit} left` : '';
  const waits = summary.rateLimitWaits ? `; waited for the rate limit ${summary.rateLimitWaits} time(s)` : '';
  return `\nGitHub: ${orgs.join('; ')}.\n${summary.requests} request(s)${answered.length ? `, ${answered.join(', ')}` : ''}${limit}${waits}.\n`;
}
