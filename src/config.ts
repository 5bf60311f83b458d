import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Everything Backline reads from its environment, in one schema. Only the composition root and the
 * CLI call loadConfig; everything else receives the parts it needs.
 */
const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// connection string, e.g. postgresql://user:password@host:5432/backline')
    .optional(),
  BACKLINE_DATA_DIR: z.string().trim().min(1).default('./.backline'),
  BACKLINE_MAX_FILE_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  BACKLINE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(16, 'looks too short for a signing secret').optional(),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
  SLACK_API_URL: z.string().trim().url('must be a URL such as https://slack.com/api/').optional(),
});

const WHERE_TO_GET: Record<string, string> = {
  DATABASE_URL: 'Use your PostgreSQL server\'s connection string, or unset it to use the embedded database in BACKLINE_DATA_DIR.',
  BACKLINE_MAX_FILE_BYTES: 'A number of bytes, e.g. 2097152 for 2 MiB.',
  PORT: 'A TCP port number, e.g. 3000.',
  SLACK_BOT_TOKEN: 'Find it at https://api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token.',
  SLACK_SIGNING_SECRET: 'Find it at https://api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret.',
  SLACK_APP_TOKEN: 'Create one at https://api.slack.com/apps → your app → Basic Information → App-Level Tokens, with the connections:write scope.',
  SLACK_API_URL: 'Leave it unset to talk to Slack itself; set it only for a proxy or a test double.',
};

export interface SlackConfig {
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string | undefined;
}

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  maxFileBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  port: number;
  slack: Partial<SlackConfig>;
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
  return {
    databaseUrl: values.DATABASE_URL,
    dataDir: path.resolve(values.BACKLINE_DATA_DIR),
    maxFileBytes: values.BACKLINE_MAX_FILE_BYTES,
    logLevel: values.BACKLINE_LOG_LEVEL,
    port: values.PORT,
    slack: { botToken: values.SLACK_BOT_TOKEN, signingSecret: values.SLACK_SIGNING_SECRET, appToken: values.SLACK_APP_TOKEN, apiUrl: values.SLACK_API_URL },
  };
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
