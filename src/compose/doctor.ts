import fs from 'node:fs';
import yaml from 'js-yaml';
import { PgCatalogStore } from '../catalog/PgCatalogStore';
import { loadConfig, type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { migrationState } from '../db/migrate';
import { serverVersion } from '../db/pool';
import type { DoctorPorts } from '../doctor/ports';
import { probeDocsBase } from '../docs/probe';
import { PgDocsStore } from '../docs/PgDocsStore';
import { createDocsSite } from '../docs/site';
import { createOpsgenieProbe, createPagerDutyProbe } from '../oncall/probe';
import { SLACK_MANIFEST } from '../paths';
import { redactSecrets } from '../redact';
import { TemplateLibrary } from '../scaffolder/library';
import { createGitHubProbe } from '../sources/github/probe';

/** How long any one request of the doctor may take. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The configuration for `backline doctor`, which reports a broken one rather than stopping at it:
 * `error` is what loading it threw, and `config` the configuration without the settings that error
 * names (their defaults, or unset), so that the other checks still run; undefined when even that
 * does not load (a broken backline.yaml).
 */
export function configForDoctor(env: NodeJS.ProcessEnv): { config: Config | undefined; error: string | null } {
  try {
    return { config: loadConfig(env), error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Every ConfigError names its variables at the start of a line: "- PORT: must be …".
    const invalid = new Set([...message.matchAll(/^- ([A-Z][A-Z0-9_]+)\b/gm)].map((match) => match[1]!));
    if (invalid.has('GITHUB_APP_ID') || invalid.has('GITHUB_APP_PRIVATE_KEY')) invalid.add('GITHUB_APP_ID').add('GITHUB_APP_PRIVATE_KEY');
    if (invalid.size === 0) return { config: undefined, error: message };
    try {
      return { config: loadConfig(Object.fromEntries(Object.entries(env).filter(([name]) => !invalid.has(name)))), error: message };
    } catch {
      return { config: undefined, error: message };
    }
  }
}

/** The bot scopes manifest.yml asks for (oauth_config.scopes.bot); none when it cannot be read. */
export function manifestScopes(file = SLACK_MANIFEST): string[] {
  try {
    const manifest = yaml.load(fs.readFileSync(file, 'utf8')) as { oauth_config?: { scopes?: { bot?: unknown } } } | undefined;
    const scopes = manifest?.oauth_config?.scopes?.bot;
    return Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : [];
  } catch {
    return [];
  }
}

export interface DoctorSession {
  ports: DoctorPorts;
  /** Closes the database if the session opened it. */
  close(): Promise<void>;
}

/**
 * The doctor's ports over the real clients. The database opens on the first check that needs it,
 * never migrating (the doctor reports pending migrations instead); `database` is one already open,
 * as in serve, which the session then leaves open.
 */
export function openDoctorSession(config: Config, options: { database?: Database; log?: (line: string) => void; timeoutMs?: number } = {}): DoctorSession {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  let opening: Promise<Database> | undefined;
  const open = () => (opening ??= options.database ? Promise.resolve(options.database) : openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: false, log: options.log, poolSize: 4 }));
  const pool = async () => (await open()).pool;
  const catalog = async () => PgCatalogStore.create({ pool: await pool() });

  const { slack, github, oncall, docs } = config;
  const ports: DoctorPorts = {
    database: {
      described: config.databaseUrl ? redactSecrets(config.databaseUrl) : `the embedded database in ${config.dataDir}`,
      embedded: !config.databaseUrl,
      connect: async () => ({ version: await serverVersion(await pool()) }),
      migrations: async () => migrationState(await pool()),
    },
    catalog: {
      teamChannels: async () => (await (await catalog()).groupChannels()).map(({ ref, channel }) => ({ group: ref, channel })),
      documented: async (options) => PgDocsStore.create({ pool: await pool() }).documentedSample(options),
    },
    templates: {
      folder: config.scaffolder.templatesDir,
      list: async ({ withCatalog }) => new TemplateLibrary({ folder: config.scaffolder.templatesDir, catalog: withCatalog ? await catalog() : undefined }).list(),
    },
  };
  if (slack.botToken || slack.appToken) {
    // Loaded here, as serve loads Bolt: other commands start sooner without the Slack SDK.
    const { createSlackProbe } = require('../slack/doctorProbe') as typeof import('../slack/doctorProbe');
    ports.slack = createSlackProbe({ botToken: slack.botToken, appToken: slack.appToken, apiUrl: slack.apiUrl, timeoutMs });
  }
  if (github.auth) ports.github = createGitHubProbe({ apiUrl: github.apiUrl, auth: github.auth, timeoutMs });
  if (oncall.pagerDuty) ports.pagerDuty = createPagerDutyProbe({ ...oncall.pagerDuty, timeoutMs });
  if (oncall.opsgenie) ports.opsgenie = createOpsgenieProbe({ ...oncall.opsgenie, timeoutMs });
  if (docs.baseUrl) {
    const baseUrl = docs.baseUrl;
    const site = createDocsSite({ timeoutMs: Math.min(docs.timeoutMs, timeoutMs), maxIndexBytes: docs.maxIndexBytes });
    ports.docs = { baseUrl, readMetadata: (siteUrl) => site.readMetadata(siteUrl), probeBase: () => probeDocsBase(baseUrl, { timeoutMs }) };
  }
  return {
    ports,
    close: async () => {
      if (!opening || options.database) return;
      await opening.then((database) => database.close()).catch(() => undefined);
    },
  };
}
