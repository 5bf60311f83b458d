import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { anchorRulePaths, CatalogRulesSchema, DEFAULT_CATALOG_RULES, type CatalogRule } from './catalog/rules';
import { ConfigError } from './errors';
import { DEFAULT_SCORECARD } from './health/defaultScorecard';
import { DEFAULT_HEALTH_SCHEDULE, describeHealthIssuePath, HealthSectionSchema, pathText, scorecardOf, type HealthConfig } from './health/settings';

/**
 * backline.yaml: Backline's settings that are more than an environment variable (catalog rules,
 * health checks and scorecards). See backline.example.yaml.
 */

const BacklineFileSchema = z
  .object({
    catalog: z.object({ rules: CatalogRulesSchema.optional() }).strict().default({}),
    health: HealthSectionSchema.default({}),
  })
  .strict();

export interface BacklineFile {
  health: HealthConfig;
  /** Backstage's defaults (Component, API, Location) when the file has no `catalog.rules`. */
  catalogRules: CatalogRule[];
}

/**
 * backline.yaml, validated. Its health section: the default checks (unless `defaultChecks: false`),
 * minus `disable`, with `checks` added (a check with a default check's id replaces it). Its catalog
 * rules, with `path:` folders relative to the file. Errors name the file, the check and the field,
 * and say what would be valid.
 */
export function parseBacklineFile(text: string, file: string): BacklineFile {
  let raw: unknown;
  try {
    raw = yaml.load(text, { schema: yaml.CORE_SCHEMA }) ?? {};
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = BacklineFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `- ${describeIssuePath(raw, issue.path)}: ${issue.message}.`);
    throw new ConfigError(`${file} is invalid:\n${problems.join('\n')}\nSee backline.example.yaml for the format.`);
  }
  const { health, catalog } = parsed.data;
  const catalogRules = catalog.rules ? anchorRulePaths(catalog.rules, path.dirname(file)) : DEFAULT_CATALOG_RULES;
  const scorecard = scorecardOf(health);
  if (!scorecard.ok) throw new ConfigError(`${file} is invalid:\n${scorecard.problems.map((problem) => `- ${problem}`).join('\n')}`);
  return { health: { configFile: file, scorecard: scorecard.scorecard, schedule: health.schedule }, catalogRules };
}

/** Where in the file an issue is: a health check by its id (see health/settings.ts), else the path. */
function describeIssuePath(raw: unknown, issuePath: Array<string | number>): string {
  if (issuePath[0] === 'health') return describeHealthIssuePath((raw as { health?: unknown }).health, issuePath.slice(1));
  return pathText(issuePath) || 'the file';
}

/** BACKLINE_CONFIG, else ./backline.yaml when it exists; the default scorecard and rules without either. */
export function loadBacklineFile(configPath: string | undefined, help: string): BacklineFile {
  const file = path.resolve(configPath ?? 'backline.yaml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (configPath === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { health: { configFile: null, scorecard: DEFAULT_SCORECARD, schedule: DEFAULT_HEALTH_SCHEDULE }, catalogRules: DEFAULT_CATALOG_RULES };
    throw new ConfigError(`Backline's configuration is invalid:\n- BACKLINE_CONFIG: ${file} cannot be read (${(error as Error).message}). ${help}`);
  }
  return parseBacklineFile(text, file);
}
