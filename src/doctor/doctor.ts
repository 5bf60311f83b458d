import type { Config } from '../config';
import { checkConfiguration } from './checks/configuration';
import { checkDatabase } from './checks/database';
import { checkDocs } from './checks/docs';
import { checkGitHub } from './checks/github';
import { checkOnCall } from './checks/oncall';
import { checkSlack } from './checks/slack';
import { checkTeamChannels } from './checks/slackChannels';
import { checkTemplates } from './checks/templates';
import { messageOf, problem, reportOf, skipped, type DoctorReport, type Finding } from './findings';
import type { DoctorPorts } from './ports';

export interface DoctorInput {
  /** The ConfigError message when the configuration does not load as it is; null when it does. */
  configError: string | null;
  /** What the other checks run on: the configuration, or it without its invalid settings; undefined when even that does not load. */
  config: Config | undefined;
  /** Present with `config`. */
  ports: DoctorPorts | undefined;
  /** oauth_config.scopes.bot of manifest.yml: what the bot token should have. */
  manifestScopes: string[];
  /** The longest one part (Slack, GitHub, …) may take, beyond its own requests' timeouts. Default 30 s. */
  partTimeoutMs?: number;
}

/** Every check's name when nothing but the configuration could be checked. */
const NAMES_AFTER_CONFIG = ['database', 'database.migrations', 'slack.token', 'slack.scopes', 'slack.signing-secret', 'slack.app-token', 'slack.channels', 'github.auth', 'github.orgs', 'oncall.pagerduty', 'oncall.opsgenie', 'docs.techdocs', 'scaffolder.templates'];

/**
 * Checks an installation, part by part, and reports each finding with its fix. Nothing here
 * throws: a part that fails or hangs becomes a problem of its own, so that the report is whole.
 * The database comes first, since the team channels, docs and templates checks read the catalog;
 * everything else is asked at once.
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const { config, ports } = input;
  const configuration = checkConfiguration(input.configError, config);
  if (!config || !ports) return reportOf([configuration, ...NAMES_AFTER_CONFIG.map((name) => skipped(name, 'not checked: the configuration does not load (see config)'))]);
  const timeoutMs = input.partTimeoutMs ?? 30_000;
  const part = <T>(names: string[], work: () => Promise<T>, unfinished: (findings: Finding[]) => T) => bounded(work, timeoutMs, names, unfinished);

  const database = await part(['database', 'database.migrations'], () => checkDatabase(ports.database), (findings) => ({ findings, ready: false }));
  const catalog = database.ready ? ports.catalog : null;
  const notReady = 'the catalog cannot be read until the database answers with its current schema (see database)';
  const githubNames = ['github.auth', ...(config.github.orgs.length ? config.github.orgs.map((org) => `github.org:${org}`) : ['github.orgs'])];

  const [slack, github, oncall, docs, templates] = await Promise.all([
    part(
      ['slack.token', 'slack.scopes', 'slack.signing-secret', 'slack.app-token', 'slack.channels'],
      async () => {
        const { findings, bot } = await checkSlack(config.slack, ports.slack, input.manifestScopes);
        return [...findings, await checkTeamChannels({ probe: ports.slack, bot, catalog, notReady })];
      },
      (findings) => findings,
    ),
    part(githubNames, () => checkGitHub(config.github, ports.github), (findings) => findings),
    part(
      ['oncall.pagerduty', 'oncall.opsgenie'],
      () =>
        checkOnCall({
          pagerDuty: { probe: ports.pagerDuty, apiUrl: config.oncall.pagerDuty?.apiUrl ?? '' },
          opsgenie: { probe: ports.opsgenie, apiUrl: config.oncall.opsgenie?.apiUrl ?? '' },
        }),
      (findings) => findings,
    ),
    part(['docs.techdocs'], async () => [await checkDocs(config.docs, ports.docs, catalog)], (findings) => findings),
    part(['scaffolder.templates'], async () => [await checkTemplates(ports.templates, catalog !== null)], (findings) => findings),
  ]);
  return reportOf([configuration, ...database.findings, ...slack, ...github, ...oncall, ...docs, ...templates]);
}

/** Runs a part; if it throws or takes longer than `ms`, each of its checks becomes a problem saying so. */
async function bounded<T>(work: () => Promise<T>, ms: number, names: string[], unfinished: (findings: Finding[]) => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(unfinished(names.map((name) => problem(name, `did not finish within ${Math.round(ms / 1000)} s`, 'Something this check asks does not answer: run backline doctor again, and check the network between this machine and the service.')))), ms);
  });
  try {
    return await Promise.race([
      work().catch((error: unknown) => unfinished(names.map((name) => problem(name, `the check failed: ${messageOf(error)}`, 'This is a bug in the check: please report it with this output.')))),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
