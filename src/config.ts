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
});

const WHERE_TO_GET: Record<string, string> = {
  DATABASE_URL: 'Use your PostgreSQL server\'s connection string, or unset it to use the embedded database in BACKLINE_DATA_DIR.',
  BACKLINE_MAX_FILE_BYTES: 'A number of bytes, e.g. 2097152 for 2 MiB.',
  PORT: 'A TCP port number, e.g. 3000.',
};

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  maxFileBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  port: number;
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
  };
}
