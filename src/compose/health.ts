import { resolveDocs } from '../docs/resolve';
import { DocsLibrary } from '../docs/library';
import { createHealthJob } from '../health/job';
import type { HealthReader, Scorecard } from '../health/model';
import { PgHealthStore } from '../health/PgHealthStore';
import { createHealthReader } from '../health/reader';
import { createHealthService, type HealthService } from '../health/service';
import type { Outbox, ScheduledJob } from '../scheduler/ports';
import { renderDigest, renderNudge } from '../../commands/digest.blocks';
import type { DigestCommandPorts } from '../../commands/digest';
import type { TeamDigest } from '../health/digest';
import { digestJob, dryRunDigests } from '../health/digestJob';
import { gatherDigest } from '../health/digestSources';
import { nudgeJob } from '../health/nudges';
import { PgDigestStore } from '../health/PgDigestStore';
import { PgDocsStore } from '../docs/PgDocsStore';
import { silentLogger, type Logger } from '../logger';
import type { SlackDirectory } from '../directory';
import { type OnCallResolver } from '../oncall/resolve';
import { type GitHubIntegration } from '../sources/github/integration';
import { openDocs, openGitHub, openOnCall, type Backline } from './backline';

export interface OpenHealth {
  /** What digests, nudges, App Home and the CLI read (and where waivers are written). */
  reader: HealthReader;
  /** Collects facts and scores: everything (`collectAndScore`) or a few entities now (`evaluate`). */
  service: HealthService;
  scorecard: Scorecard;
  /** The scheduled evaluation, on backline.yaml's `health.schedule` (hourly by default), for the scheduler. */
  job: ScheduledJob;
}

/**
 * Health checks and scorecards over this database: the scorecard of backline.yaml (else the
 * default one), facts from the catalog, the docs cache (through `docs`, default openDocs), on-call
 * (through `oncall`, default openOnCall) and GitHub when configured.
 */
export function openHealth(
  backline: Backline,
  options: { logger?: Logger; docs?: DocsLibrary; oncall?: OnCallResolver; github?: GitHubIntegration; timezone?: string; evaluateAll?: Pick<HealthService, 'collectAndScore'> } = {},
): OpenHealth {
  const { pool } = backline.database;
  const { scorecard, schedule } = backline.config.health;
  const store = PgHealthStore.create({ pool });
  const docs = options.docs ?? openDocs(backline, { logger: options.logger });
  const docsCache = PgDocsStore.create({ pool });
  const github = options.github ?? openGitHub(backline, { logger: options.logger });
  const service = createHealthService({
    catalog: backline.catalog,
    store,
    scorecard,
    github: github && { client: github.client, hosts: github.hosts },
    docs: {
      baseUrl: docs.baseUrl,
      maxAgeDays: docs.maxAgeDays,
      getSites: (urls) => docsCache.getSites(urls),
      // An evaluation asked for now reads its few sites first, so it does not depend on serve's refresh.
      refresh: async (entities) => {
        const sites = new Map(entities.map((entity) => resolveDocs(entity, docs.baseUrl).site).filter((site) => site !== null).map((site) => [site.url, site]));
        await Promise.all([...sites.values()].map((site) => docs.refresh(site, { index: false })));
      },
    },
    oncall: options.oncall ?? openOnCall(backline, { logger: options.logger }),
    concurrency: backline.config.github.concurrency,
    logger: options.logger,
  });
  return {
    reader: createHealthReader({ catalog: backline.catalog, store, scorecard }),
    service,
    scorecard,
    job: createHealthJob(options.evaluateAll ?? service, { cron: schedule, timezone: options.timezone, logger: options.logger }),
  };
}

export interface OpenDigests {
  /** createCommandSet's `digests` port: the Snooze / Not applicable / Show all buttons, their modals, App Home's health section. */
  commandPorts(options?: { directory?: SlackDirectory }): DigestCommandPorts;
  /** For startDelivery's `jobs`: the due-digest job (every minute) and the nudge job (hourly), queueing into `outbox`. */
  jobs(outbox: Outbox, options?: { directory?: SlackDirectory }): ScheduledJob[];
  /** `backline digest --dry-run`: each owning team's digest (or one team's) as it would be composed now; records nothing. */
  dryRun(options: { team?: string; now?: Date }): Promise<TeamDigest[]>;
}

/**
 * Health digests and nudges over this database: read through `health` (default openHealth's
 * reader), remembered in the digests and nudges tables. Teams without a backline.dev/timezone
 * annotation get theirs on `defaultTimeZone` (default UTC). A Slack directory, when given, also
 * names members whose Slack account was deactivated.
 */
export function openDigests(backline: Backline, options: { health?: HealthReader; logger?: Logger; defaultTimeZone?: string; catchUpMs?: number; now?: () => Date } = {}): OpenDigests {
  const logger = options.logger ?? silentLogger;
  const health = options.health ?? openHealth(backline, { logger }).reader;
  const store = PgDigestStore.create({ pool: backline.database.pool });
  const schedule = { defaultTimeZone: options.defaultTimeZone ?? 'UTC', catchUpMs: options.catchUpMs };
  const reads = (directory?: SlackDirectory) => ({ health, store, catalog: backline.catalog, directory });
  return {
    commandPorts: ({ directory } = {}) => ({ health, now: options.now, digestOf: (team, now) => gatherDigest(team, now, reads(directory)) }),
    jobs: (outbox, { directory } = {}) => [
      digestJob({ ...reads(directory), outbox, render: renderDigest, logger: logger.child({ component: 'digests' }) }, schedule),
      nudgeJob({ health, store, outbox, render: renderNudge, logger: logger.child({ component: 'nudges' }) }),
    ],
    dryRun: ({ team, now }) => dryRunDigests(now ?? options.now?.() ?? new Date(), reads(), { team, defaultTimeZone: schedule.defaultTimeZone }),
  };
}
