import path from 'node:path';
import { z } from 'zod';
import { loadBacklineFile } from './backlineFile';
import type { CatalogRule } from './catalog/rules';
import { ConfigError } from './errors';
import { isTimeZone } from './health/cadence';
import type { HealthConfig } from './health/settings';
import { parseMcpTokens, type McpConfig } from './mcpTokens';
import { TEMPLATES_DIR } from './paths';
import type { GitHubAuth } from './sources/github/transport';

/** A GitHub user or organisation name: letters, digits and single hyphens, at most 39 characters. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', '1', '0', 'yes', 'no'].includes(value), 'must be true or false')
  .transform((value) => ['true', '1', 'yes'].includes(value))
  .default('false');

const hasCredentials = (url: string) => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);

/** An HTTP API's base URL. fetch, which every API client here uses, refuses URLs with credentials. */
const apiUrl = (example: string) =>
  z
    .string()
    .trim()
    .url(`must be a URL such as ${example}`)
    .refine((value) => !hasCredentials(value), 'must not hold a user name or password (user:pass@): the HTTP client refuses to send them; give a proxy its credentials another way');

/**
 * Everything Backline reads from its environment, in one schema. Only the composition root and the
 * CLI call loadConfig; everything else receives the parts it needs.
 */
export const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// connection string, e.g. postgresql://user:password@host:5432/backline')
    .optional(),
  BACKLINE_DATA_DIR: z.string().trim().min(1).default('./.backline'),
  BACKLINE_MAX_FILE_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  BACKLINE_MAX_PLACEHOLDER_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024),
  BACKLINE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  BACKLINE_SHUTDOWN_SECONDS: z.coerce.number({ invalid_type_error: 'must be a number of seconds' }).min(0).max(3600).default(20),
  SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(16, 'looks too short for a signing secret').optional(),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
  SLACK_API_URL: apiUrl('https://slack.com/api/').optional(),
  GITHUB_TOKEN: z.string().trim().min(1).optional(),
  GITHUB_APP_ID: z.string().trim().regex(/^(\d+|Iv[0-9a-zA-Z.]+)$/, "must be the GitHub App's numeric App ID (or its client ID)").optional(),
  GITHUB_APP_PRIVATE_KEY: z
    .string()
    .trim()
    // Environment files often hold the PEM on one line with literal \n sequences.
    .transform((value) => value.replace(/\\n/g, '\n'))
    .refine((value) => /-----BEGIN (RSA )?PRIVATE KEY-----/.test(value), 'must be the PEM private key of the GitHub App, starting with -----BEGIN RSA PRIVATE KEY-----')
    .optional(),
  GITHUB_API_URL: apiUrl('https://api.github.com or https://github.example.com/api/v3')
    .transform((value) => value.replace(/\/+$/, ''))
    .default('https://api.github.com'),
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  // GitHub sends at most 25 MB; push and repository payloads are far smaller.
  BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: z.coerce
    .number({ invalid_type_error: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1024, 'must be at least 1024 bytes')
    .max(25 * 1024 * 1024, 'must be at most 26214400 (25 MiB, the most GitHub sends)')
    .default(5 * 1024 * 1024),
  BACKLINE_GITHUB_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  BACKLINE_GITHUB_ORGS: z
    .string()
    .transform((value) => value.split(',').map((org) => org.trim()).filter(Boolean))
    .refine((orgs) => orgs.every((org) => GITHUB_LOGIN.test(org)), 'must be organisation names separated by commas, e.g. acme,acme-labs')
    .default(''),
  BACKLINE_GITHUB_CATALOG_PATH: z
    .string()
    .trim()
    .transform((value) => value.replace(/^\.?\/+/, ''))
    .refine((value) => value !== '' && !value.split('/').includes('..'), 'must be a path inside each repository, e.g. catalog-info.yaml or **/catalog-info.yaml')
    .default('catalog-info.yaml'),
  BACKLINE_GITHUB_REFRESH_MINUTES: z.coerce.number().min(0).default(30),
  BACKLINE_GITHUB_IMPORT_TEAMS: booleanFlag.removeDefault().optional(),
  BACKLINE_GITHUB_INFER: booleanFlag.removeDefault().default('true'),
  BACKLINE_GITHUB_INCLUDE_ARCHIVED: booleanFlag,
  BACKLINE_GITHUB_INCLUDE_FORKS: booleanFlag,
  BACKLINE_GITHUB_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(8),
  BACKLINE_GITHUB_MAX_RATE_LIMIT_WAIT: z.coerce.number().int().min(0).default(900),
  BACKLINE_TEMPLATES_DIR: z.string().trim().min(1).optional(),
  BACKLINE_LOCAL_REPOS_DIR: z.string().trim().min(1).optional(),
  BACKLINE_TEMPLATE_ALLOWED_GROUPS: z
    .string()
    .transform((value) => value.split(',').map((ref) => ref.trim()).filter(Boolean))
    .refine((refs) => refs.every((ref) => /^(group:)?([a-z0-9-]+\/)?[A-Za-z0-9][-A-Za-z0-9_.]*$/i.test(ref)), 'must be group refs separated by commas, e.g. group:default/engineering,platform-engineering')
    .default(''),
  PAGERDUTY_TOKEN: z.string().trim().min(1).optional(),
  PAGERDUTY_API_URL: apiUrl('https://api.pagerduty.com').transform((value) => value.replace(/\/+$/, '')).default('https://api.pagerduty.com'),
  OPSGENIE_API_KEY: z.string().trim().min(1).optional(),
  OPSGENIE_API_URL: apiUrl('https://api.opsgenie.com').transform((value) => value.replace(/\/+$/, '')).default('https://api.opsgenie.com'),
  BACKLINE_ONCALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
  BACKLINE_ONCALL_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  TECHDOCS_BASE_URL: z
    .string()
    .trim()
    .url('must be a URL such as https://docs.example.com/techdocs or file:///srv/techdocs')
    // Links to the docs are shown to everyone in Slack.
    .refine((value) => !hasCredentials(value), 'must not hold a user name or password (user:pass@): links built on it are shown in Slack')
    .refine((value) => /^(https?|file):/i.test(value), 'must be an http(s):// or file:// URL')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  BACKLINE_DOCS_DIR: z.string().trim().min(1).optional(),
  BACKLINE_CATALOG_URL: z
    .string()
    .trim()
    .url('must be a URL such as https://backstage.example.com')
    .refine((value) => /^https?:/i.test(value), 'must be an http(s):// URL')
    .refine((value) => !hasCredentials(value), 'must not hold a user name or password (user:pass@): links built on it are shown in Slack')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  BACKLINE_DOCS_MAX_AGE_DAYS: z.coerce.number().positive().optional(),
  BACKLINE_DOCS_TIMEOUT_SECONDS: z.coerce.number().positive().max(60).default(3),
  BACKLINE_DOCS_MAX_INDEX_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  BACKLINE_DOCS_REFRESH_MINUTES: z.coerce.number().min(0).default(60),
  BACKLINE_CONFIG: z.string().trim().min(1).optional(),
  BACKLINE_MCP_TOKENS: z.string().transform(parseMcpTokens).default(''),
  BACKLINE_DIGEST_TIMEZONE: z
    .string()
    .trim()
    .refine((zone) => isTimeZone(zone), 'must be an IANA time zone such as Europe/Berlin or America/New_York')
    .default('UTC'),
});

/** Where to find or how to choose each variable's value: shown with its errors, and in docs/configuration.md. */
export const WHERE_TO_GET: Record<string, string> = {
  DATABASE_URL: 'Use your PostgreSQL server\'s connection string, or unset it to use the embedded database in BACKLINE_DATA_DIR.',
  BACKLINE_DATA_DIR: 'A folder Backline may write: the embedded PostgreSQL keeps its cluster there when DATABASE_URL is unset, and publish:local its repositories by default.',
  BACKLINE_LOG_LEVEL: 'How much `serve` logs: debug, info, warn or error.',
  BACKLINE_MAX_FILE_BYTES: 'The largest catalog file (or file behind a placeholder) Backline reads, in bytes, e.g. 2097152 for 2 MiB.',
  BACKLINE_MAX_PLACEHOLDER_BYTES: 'The bytes one catalog file may pull in through $text, $json and $yaml placeholders in all, e.g. 8388608 for 8 MiB.',
  PORT: 'The TCP port `serve` listens on for Slack, webhooks, /healthz, /readyz and /metrics, e.g. 3000.',
  BACKLINE_SHUTDOWN_SECONDS: 'Seconds `serve` may take to stop on SIGTERM or SIGINT, finishing the requests under way; past them it exits anyway and logs what it cut. Keep it below your orchestrator\'s grace period (Kubernetes: 30 s; Docker: 10 s unless stop_grace_period says otherwise).',
  SLACK_BOT_TOKEN: 'Find it at https://api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token.',
  SLACK_SIGNING_SECRET: 'Find it at https://api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret.',
  SLACK_APP_TOKEN: 'Create one at https://api.slack.com/apps → your app → Basic Information → App-Level Tokens, with the connections:write scope.',
  SLACK_API_URL: 'Leave it unset to talk to Slack itself; set it only for a proxy or a test double.',
  GITHUB_TOKEN: 'Create a token at https://github.com/settings/tokens with read access to the repositories (and read:org to import teams), or use a GitHub App instead.',
  GITHUB_APP_ID: 'Find it at https://github.com/organizations/ORG/settings/apps → your app → General → App ID.',
  GITHUB_APP_PRIVATE_KEY: 'Generate one at https://github.com/organizations/ORG/settings/apps → your app → General → Private keys, and paste the PEM file\'s content.',
  GITHUB_API_URL: 'Leave it unset for github.com; for GitHub Enterprise Server use https://HOST/api/v3.',
  GITHUB_WEBHOOK_SECRET: 'A long random string (openssl rand -hex 32), also entered as the webhook\'s secret in GitHub; setting it turns on POST /github/webhook.',
  BACKLINE_GITHUB_IMPORT_TEAMS: 'true imports the organisations\' teams as Groups and their members as Users (the token needs read:org); false imports neither. Unset, it follows BACKLINE_GITHUB_INFER.',
  BACKLINE_GITHUB_INFER: 'true makes every repository without a catalog file a Component, its owner inferred from CODEOWNERS or team permissions; false reads catalog files only.',
  BACKLINE_GITHUB_INCLUDE_ARCHIVED: 'true reads catalog files from archived repositories too; false skips them.',
  BACKLINE_GITHUB_INCLUDE_FORKS: 'true reads catalog files from forks too; false skips them.',
  BACKLINE_GITHUB_ORGS: 'The organisations whose repositories hold catalog-info.yaml files, separated by commas.',
  BACKLINE_GITHUB_CATALOG_PATH: 'The catalog file in each repository: a path such as catalog-info.yaml, or a glob such as **/catalog-info.yaml for monorepos.',
  BACKLINE_GITHUB_REFRESH_MINUTES: 'Minutes between refreshes of the GitHub organisations by `serve`; 0 turns the schedule off (webhooks still refresh).',
  BACKLINE_GITHUB_CONCURRENCY: 'Requests to GitHub in flight at once, 1 to 32.',
  BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: 'The largest webhook body POST /github/webhook receives, in bytes, e.g. 5242880 for 5 MiB; larger ones are answered 413.',
  BACKLINE_GITHUB_WEBHOOK_CONCURRENCY: 'Webhook bodies received and not yet verified at once, 1 to 256; more are answered 503 with Retry-After.',
  BACKLINE_GITHUB_MAX_RATE_LIMIT_WAIT: 'Seconds Backline may wait for a GitHub rate limit to reset before it stops and reports.',
  BACKLINE_TEMPLATES_DIR: 'A folder of scaffolder templates, one <name>/template.yaml (with skeleton/) per template; by default the templates/ folder that ships with Backline.',
  BACKLINE_LOCAL_REPOS_DIR: 'Where publish:local creates git repositories (and publish:github when GitHub is not configured); by default BACKLINE_DATA_DIR/repositories.',
  BACKLINE_TEMPLATE_ALLOWED_GROUPS: 'Groups whose members (and members of the teams below them) may run every template, besides each template\'s owner.',
  PAGERDUTY_TOKEN: 'Create a read-only REST API key in PagerDuty → Integrations → API Access Keys.',
  PAGERDUTY_API_URL: 'Leave it unset for https://api.pagerduty.com; EU accounts use https://api.eu.pagerduty.com.',
  OPSGENIE_API_KEY: 'Create an API integration in Opsgenie → Settings → Integrations → API, with read access.',
  OPSGENIE_API_URL: 'Leave it unset for https://api.opsgenie.com; EU accounts use https://api.eu.opsgenie.com.',
  BACKLINE_ONCALL_TIMEOUT_MS: 'Milliseconds an on-call provider may take to answer, 100 to 30000, e.g. 2000.',
  BACKLINE_ONCALL_CACHE_SECONDS: 'Seconds an on-call answer is reused before the provider is asked again, 0 to 3600, e.g. 60.',
  TECHDOCS_BASE_URL: 'Where your TechDocs sites are published: the URL of the folder that holds <namespace>/<kind>/<name>/ (your TechDocs storage bucket\'s public URL, or https://HOST/techdocs when `serve` hosts BACKLINE_DOCS_DIR).',
  BACKLINE_CATALOG_URL: 'The address of a Backstage portal, e.g. https://backstage.example.com: its entity pages (<url>/catalog/<namespace>/<kind>/<name>) unfurl into ownership cards when pasted in Slack, as GitHub repository and TechDocs links do. Unset, only those do.',
  BACKLINE_DOCS_DIR: 'A folder in the TechDocs storage layout (<namespace>/<kind>/<name>/ with techdocs_metadata.json), which `serve` hosts at /techdocs/.',
  BACKLINE_DOCS_MAX_AGE_DAYS: 'Days after which a docs build counts as stale, e.g. 90; unset for no age limit.',
  BACKLINE_DOCS_TIMEOUT_SECONDS: 'Seconds to wait for a docs site (and GitHub) to answer, e.g. 3.',
  BACKLINE_DOCS_MAX_INDEX_BYTES: 'The largest search/search_index.json Backline reads, in bytes, e.g. 20971520 for 20 MiB.',
  BACKLINE_DOCS_REFRESH_MINUTES: 'Minutes between refreshes of every docs site by `serve`; 0 turns the schedule off.',
  BACKLINE_MCP_TOKENS: 'Bearer tokens for POST /mcp, each mapped to the catalog User it acts as: <token>=user:default/<name>, separated by commas. Tokens need at least 32 characters (openssl rand -hex 32 makes one); see docs/mcp.md.',
  BACKLINE_DIGEST_TIMEZONE: 'The time zone of teams whose Group has no backline.dev/timezone annotation: their digests go out at 09:30 on Mondays there.',
  BACKLINE_CONFIG: 'The path of a backline.yaml (health checks, scorecards and catalog rules); unset, ./backline.yaml is read when it exists. See backline.example.yaml.',
};

export interface GitHubConfig {
  /** The REST API base, without a trailing slash: https://api.github.com or https://HOST/api/v3. */
  apiUrl: string;
  auth: GitHubAuth | undefined;
  webhookSecret: string | undefined;
  /** POST /github/webhook's limits: the largest body, and unverified bodies received at once. */
  webhook: { maxBytes: number; maxInFlight: number };
  /** Organisations `serve` keeps in the catalog. */
  orgs: string[];
  /** The catalog file in each repository, a path or a glob. */
  catalogPath: string;
  /** Minutes between scheduled refreshes; 0 means never. */
  refreshMinutes: number;
  /** BACKLINE_GITHUB_IMPORT_TEAMS as set; unset, teams are imported when inference is on. */
  importTeams: boolean | undefined;
  infer: boolean;
  includeArchived: boolean;
  includeForks: boolean;
  concurrency: number;
  maxRateLimitWaitSeconds: number;
}

export interface DocsConfig {
  /** Where TechDocs sites are published, without a trailing slash; null when not configured. */
  baseUrl: string | null;
  /** A local folder in the TechDocs layout that `serve` hosts at /techdocs/. */
  dir: string | null;
  maxAgeDays: number | null;
  timeoutMs: number;
  maxIndexBytes: number;
  /** Minutes between `serve`'s refreshes of every site; 0 means never. */
  refreshMinutes: number;
}

export interface OnCallConfig {
  pagerDuty: { token: string; apiUrl: string } | undefined;
  opsgenie: { apiKey: string; apiUrl: string } | undefined;
  /** Bound on one provider lookup. */
  timeoutMs: number;
  /** How long a provider answer is reused. */
  cacheTtlMs: number;
}

export interface ScaffolderConfig {
  templatesDir: string;
  localReposDir: string;
  /** Group refs allowed to run every template, besides each template's owner. */
  allowedGroups: string[];
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string | undefined;
}

export interface CatalogConfig {
  /** `catalog.rules` of backline.yaml: the kinds each untrusted location may bring in. */
  rules: CatalogRule[];
  /** The bytes one location's placeholders may pull in together. */
  maxPlaceholderBytes: number;
}

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  maxFileBytes: number;
  catalog: CatalogConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  port: number;
  /** How long `serve` may take to stop before it exits anyway (BACKLINE_SHUTDOWN_SECONDS). */
  shutdownMs: number;
  slack: Partial<SlackConfig>;
  github: GitHubConfig;
  scaffolder: ScaffolderConfig;
  oncall: OnCallConfig;
  docs: DocsConfig;
  health: HealthConfig;
  digests: DigestsConfig;
  mcp: McpConfig;
  /** A Backstage portal whose entity pages unfurl in Slack; null when not configured. */
  catalogUrl: string | null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.');
      return `- ${variable}: ${issue.message}. ${WHERE_TO_GET[variable] ?? ''}`.trimEnd();
    });
    throw new ConfigError(`Backline's configuration is invalid:\n${problems.join('\n')}`);
  }
  const values = parsed.data;
  const file = loadBacklineFile(values.BACKLINE_CONFIG, WHERE_TO_GET.BACKLINE_CONFIG ?? '');
  return {
    databaseUrl: values.DATABASE_URL,
    dataDir: path.resolve(values.BACKLINE_DATA_DIR),
    maxFileBytes: values.BACKLINE_MAX_FILE_BYTES,
    catalog: { rules: file.catalogRules, maxPlaceholderBytes: values.BACKLINE_MAX_PLACEHOLDER_BYTES },
    logLevel: values.BACKLINE_LOG_LEVEL,
    port: values.PORT,
    shutdownMs: Math.round(values.BACKLINE_SHUTDOWN_SECONDS * 1000),
    slack: { botToken: values.SLACK_BOT_TOKEN, signingSecret: values.SLACK_SIGNING_SECRET, appToken: values.SLACK_APP_TOKEN, apiUrl: values.SLACK_API_URL },
    github: {
      apiUrl: values.GITHUB_API_URL,
      auth: githubAuth(values),
      webhookSecret: values.GITHUB_WEBHOOK_SECRET,
      webhook: { maxBytes: values.BACKLINE_GITHUB_WEBHOOK_MAX_BYTES, maxInFlight: values.BACKLINE_GITHUB_WEBHOOK_CONCURRENCY },
      orgs: values.BACKLINE_GITHUB_ORGS,
      catalogPath: values.BACKLINE_GITHUB_CATALOG_PATH,
      refreshMinutes: values.BACKLINE_GITHUB_REFRESH_MINUTES,
      importTeams: values.BACKLINE_GITHUB_IMPORT_TEAMS,
      infer: values.BACKLINE_GITHUB_INFER,
      includeArchived: values.BACKLINE_GITHUB_INCLUDE_ARCHIVED,
      includeForks: values.BACKLINE_GITHUB_INCLUDE_FORKS,
      concurrency: values.BACKLINE_GITHUB_CONCURRENCY,
      maxRateLimitWaitSeconds: values.BACKLINE_GITHUB_MAX_RATE_LIMIT_WAIT,
    },
    scaffolder: {
      templatesDir: values.BACKLINE_TEMPLATES_DIR ? path.resolve(values.BACKLINE_TEMPLATES_DIR) : TEMPLATES_DIR,
      localReposDir: path.resolve(values.BACKLINE_LOCAL_REPOS_DIR ?? path.join(values.BACKLINE_DATA_DIR, 'repositories')),
      allowedGroups: values.BACKLINE_TEMPLATE_ALLOWED_GROUPS.map((ref) => (ref.includes(':') ? ref : `group:${ref}`)).map((ref) => (ref.includes('/') ? ref : ref.replace(':', ':default/')).toLowerCase()),
    },
    oncall: {
      pagerDuty: values.PAGERDUTY_TOKEN ? { token: values.PAGERDUTY_TOKEN, apiUrl: values.PAGERDUTY_API_URL } : undefined,
      opsgenie: values.OPSGENIE_API_KEY ? { apiKey: values.OPSGENIE_API_KEY, apiUrl: values.OPSGENIE_API_URL } : undefined,
      timeoutMs: values.BACKLINE_ONCALL_TIMEOUT_MS,
      cacheTtlMs: values.BACKLINE_ONCALL_CACHE_SECONDS * 1000,
    },
    docs: {
      baseUrl: values.TECHDOCS_BASE_URL ?? null,
      dir: values.BACKLINE_DOCS_DIR ? path.resolve(values.BACKLINE_DOCS_DIR) : null,
      maxAgeDays: values.BACKLINE_DOCS_MAX_AGE_DAYS ?? null,
      timeoutMs: Math.round(values.BACKLINE_DOCS_TIMEOUT_SECONDS * 1000),
      maxIndexBytes: values.BACKLINE_DOCS_MAX_INDEX_BYTES,
      refreshMinutes: values.BACKLINE_DOCS_REFRESH_MINUTES,
    },
    health: file.health,
    digests: { defaultTimeZone: values.BACKLINE_DIGEST_TIMEZONE },
    mcp: { tokens: values.BACKLINE_MCP_TOKENS },
    catalogUrl: values.BACKLINE_CATALOG_URL ?? null,
  };
}

/** A GitHub App when its ID and key are set (it then authenticates per organisation), else the token. */
function githubAuth(values: z.infer<typeof EnvSchema>): GitHubAuth | undefined {
  if (values.GITHUB_APP_ID || values.GITHUB_APP_PRIVATE_KEY) {
    const missing = [!values.GITHUB_APP_ID && 'GITHUB_APP_ID', !values.GITHUB_APP_PRIVATE_KEY && 'GITHUB_APP_PRIVATE_KEY'].filter((name): name is string => Boolean(name));
    if (missing.length) {
      throw new ConfigError(`Backline's configuration is invalid:\n${missing.map((name) => `- ${name} is not set, but a GitHub App needs both GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY. ${WHERE_TO_GET[name]}`).join('\n')}`);
    }
    return { kind: 'app', appId: values.GITHUB_APP_ID!, privateKey: values.GITHUB_APP_PRIVATE_KEY! };
  }
  return values.GITHUB_TOKEN ? { kind: 'token', token: values.GITHUB_TOKEN } : undefined;
}

/** The credentials GitHub discovery needs; names the variables when none are set. */
export function requireGitHubAuth(config: Config): GitHubAuth {
  if (config.github.auth) return config.github.auth;
  throw new ConfigError(
    `Reading GitHub needs credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY for a GitHub App.\n- GITHUB_TOKEN: ${WHERE_TO_GET.GITHUB_TOKEN}\n- GITHUB_APP_ID: ${WHERE_TO_GET.GITHUB_APP_ID}`,
  );
}

/**
 * What `serve` needs to talk to Slack: a bot token, and a signing secret (HTTP mode) or an
 * app-level token (Socket Mode). Names each missing variable and where to find it.
 */
export function requireSlackConfig(config: Config): SlackConfig {
  const missing: string[] = [];
  if (!config.slack.botToken) missing.push('SLACK_BOT_TOKEN');
  if (!config.slack.appToken && !config.slack.signingSecret) missing.push('SLACK_SIGNING_SECRET');
  if (missing.length) {
    throw new ConfigError(
      `backline serve needs ${missing.join(' and ')}:\n${missing.map((name) => `- ${name} is not set. ${WHERE_TO_GET[name]}`).join('\n')}\nTo try Backline without Slack, run \`npx backline shell\`.`,
    );
  }
  return { botToken: config.slack.botToken!, signingSecret: config.slack.signingSecret, appToken: config.slack.appToken, apiUrl: config.slack.apiUrl };
}

export interface DigestsConfig {
  /** For teams without a backline.dev/timezone annotation. */
  defaultTimeZone: string;
}
