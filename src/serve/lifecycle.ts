import { type Config } from '../config';
import { DocsLibrary } from '../docs/library';
import { type HealthService } from '../health/service';
import { EvaluationStopped } from '../health/service';
import { type Logger } from '../logger';
import { GitHubRefresher, type GitHubIntegration } from '../sources/github/integration';
import { ingestBase, type Backline } from '../compose/backline';

/** How recent an evaluation must be for serve to skip its own at start. */
const FRESH_EVALUATION_MS = 60 * 60_000;

/**
 * One evaluation of every entity when serve starts and none ran in the last hour (a first
 * deployment, or a long outage), so App Home, `backline health` and the first digest have results
 * without waiting for the scheduled slot. Replicas starting together may each run one; the health
 * store's lock keeps their writes from interleaving, and a failure is only logged.
 */
export async function evaluateHealthOnStart(health: Pick<HealthService, 'lastEvaluatedAt'>, evaluations: Pick<HealthService, 'collectAndScore'>, logger: Logger): Promise<void> {
  try {
    const last = await health.lastEvaluatedAt();
    if (last && Date.now() - last.getTime() < FRESH_EVALUATION_MS) return;
    const report = await evaluations.collectAndScore();
    logger.info(`health: evaluated ${report.entities} entities and ${report.teams} teams at start`);
  } catch (error) {
    if (error instanceof EvaluationStopped) logger.info(error.message);
    else logger.error('health evaluation at start failed; the next scheduled one will try again', { error });
  }
}

/**
 * Every documented entity's TechDocs site, read once at start and then every
 * BACKLINE_DOCS_REFRESH_MINUTES, so cards show current build ages and searches cover every site.
 */
export function startDocsRefresh(docs: DocsLibrary, config: Config, logger: Logger): { stop(): Promise<void> } {
  if (!docs.baseUrl || config.docs.refreshMinutes <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const refresh = () => {
    running ??= docs
      .refreshAll()
      .then(
        ({ sites, failed }) => logger.info(`read ${sites} docs site(s)${failed ? `, ${failed} with problems (see /docs <entity>)` : ''}`),
        (error: unknown) => logger.error('docs refresh failed', { error }),
      )
      .finally(() => (running = undefined));
  };
  refresh();
  const timer = setInterval(refresh, config.docs.refreshMinutes * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The organisations of BACKLINE_GITHUB_ORGS, refreshed once at start and then every
 * BACKLINE_GITHUB_REFRESH_MINUTES (and by webhooks). Errors of a pass are logged by the refresher.
 */
export function startGitHub(backline: Backline, config: Config, github: GitHubIntegration | undefined, logger: Logger): { refresher: GitHubRefresher; start(): void; stop(): Promise<void> } | undefined {
  const integration = config.github.orgs.length ? github : undefined;
  if (!integration) return undefined;
  const refresher = new GitHubRefresher({
    integration,
    base: ingestBase(backline),
    orgs: config.github.orgs,
    catalogPath: config.github.catalogPath,
    importTeams: config.github.importTeams ?? config.github.infer,
    logger,
  });
  let timer: NodeJS.Timeout | undefined;
  const refresh = () => void refresher.refreshAll().catch(() => undefined);
  return {
    refresher,
    start: () => {
      refresh();
      const minutes = config.github.refreshMinutes;
      if (minutes > 0) {
        timer = setInterval(refresh, minutes * 60_000);
        timer.unref();
      }
    },
    stop: async () => {
      clearInterval(timer);
      await refresher.stop();
    },
  };
}
