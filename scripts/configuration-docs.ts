/**
 * Writes docs/configuration.md from the environment schema in src/config.ts: every variable
 * `EnvSchema` reads, the default the schema applies, and the help text (`WHERE_TO_GET`) that
 * Backline's own errors show. Generated rather than written by hand, so the page cannot drift from
 * what the code accepts; test/documentation/configuration.test.ts fails when it has.
 *
 *   npm run docs:config
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnvSchema, WHERE_TO_GET } from '../src/config';
import { PROJECT_ROOT } from '../src/paths';

export const CONFIGURATION_DOCS = path.join(PROJECT_ROOT, 'docs', 'configuration.md');

export interface EnvironmentVariable {
  name: string;
  /** The value the schema applies when the variable is unset or empty; undefined when it has none. */
  defaultValue: string | number | undefined;
  description: string;
}

/** The page's sections, for people looking for one integration's settings; every variable is in one. */
const SECTIONS: ReadonlyArray<{ title: string; intro: string; variables: readonly string[] }> = [
  {
    title: 'Database and catalog files',
    intro: 'Where the catalog is kept, and how much one catalog file may hold ([install.md](install.md#postgresql-or-the-embedded-database), [catalog-rules.md](catalog-rules.md#bounded-parsing)).',
    variables: ['DATABASE_URL', 'BACKLINE_DATA_DIR', 'BACKLINE_MAX_FILE_BYTES', 'BACKLINE_MAX_PLACEHOLDER_BYTES', 'BACKLINE_CONFIG'],
  },
  {
    title: 'Slack and serve',
    intro: '`backline serve` needs the bot token, and the signing secret (HTTP mode) or the app-level token (Socket Mode) ([install.md](install.md)).',
    variables: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL', 'PORT', 'BACKLINE_LOG_LEVEL', 'BACKLINE_SHUTDOWN_SECONDS', 'BACKLINE_CATALOG_URL'],
  },
  {
    title: 'GitHub',
    intro: 'Discovery of catalog files, team import, webhooks, and the GitHub facts of health checks ([catalog.md](catalog.md#github-discovery)). A GitHub App (ID and key) wins over a token.',
    variables: [
      'GITHUB_TOKEN',
      'GITHUB_APP_ID',
      'GITHUB_APP_PRIVATE_KEY',
      'GITHUB_API_URL',
      'BACKLINE_GITHUB_ORGS',
      'BACKLINE_GITHUB_CATALOG_PATH',
      'BACKLINE_GITHUB_REFRESH_MINUTES',
      'BACKLINE_GITHUB_INFER', 'BACKLINE_GITHUB_IMPORT_TEAMS',
      'BACKLINE_GITHUB_INCLUDE_ARCHIVED',
      'BACKLINE_GITHUB_INCLUDE_FORKS',
      'BACKLINE_GITHUB_CONCURRENCY',
      'BACKLINE_GITHUB_MAX_RATE_LIMIT_WAIT',
      'GITHUB_WEBHOOK_SECRET',
      'BACKLINE_GITHUB_WEBHOOK_MAX_BYTES',
      'BACKLINE_GITHUB_WEBHOOK_CONCURRENCY',
    ],
  },
  {
    title: 'On-call',
    intro: 'PagerDuty and Opsgenie; catalog Rotations need nothing ([oncall.md](oncall.md)).',
    variables: ['PAGERDUTY_TOKEN', 'PAGERDUTY_API_URL', 'OPSGENIE_API_KEY', 'OPSGENIE_API_URL', 'BACKLINE_ONCALL_TIMEOUT_MS', 'BACKLINE_ONCALL_CACHE_SECONDS'],
  },
  {
    title: 'Docs',
    intro: 'Built TechDocs sites ([docs.md](docs.md)).',
    variables: ['TECHDOCS_BASE_URL', 'BACKLINE_DOCS_DIR', 'BACKLINE_DOCS_MAX_AGE_DAYS', 'BACKLINE_DOCS_TIMEOUT_SECONDS', 'BACKLINE_DOCS_MAX_INDEX_BYTES', 'BACKLINE_DOCS_REFRESH_MINUTES'],
  },
  {
    title: 'Templates',
    intro: '`/create-service` and `backline template` ([templates.md](templates.md)).',
    variables: ['BACKLINE_TEMPLATES_DIR', 'BACKLINE_LOCAL_REPOS_DIR', 'BACKLINE_TEMPLATE_ALLOWED_GROUPS'],
  },
  {
    title: 'AI assistants (MCP)',
    intro: '`POST /mcp` on `serve`; `backline mcp` on stdio needs nothing ([mcp.md](mcp.md)).',
    variables: ['BACKLINE_MCP_TOKENS'],
  },
  {
    title: 'Digests',
    intro: 'Scheduled health digests ([health.md](health.md#digests-and-nudges)).',
    variables: ['BACKLINE_DIGEST_TIMEZONE'],
  },
];

/** The default a field applies, looking through `.optional()`, `.refine()` and `.transform()`. */
function defaultOf(schema: z.ZodTypeAny): string | number | undefined {
  if (schema instanceof z.ZodDefault) return schema._def.defaultValue() as string | number;
  if (schema instanceof z.ZodEffects) return defaultOf(schema.innerType());
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return defaultOf(schema.unwrap());
  return undefined;
}

/** Every variable of the schema, in schema order; throws, naming the fix, when one has no help text. */
export function environmentVariables(): EnvironmentVariable[] {
  return Object.entries(EnvSchema.shape as Record<string, z.ZodTypeAny>).map(([name, schema]) => {
    const description = WHERE_TO_GET[name];
    if (!description) throw new Error(`${name} has no help text: add one to WHERE_TO_GET in src/config.ts, then run \`npm run docs:config\`.`);
    return { name, defaultValue: defaultOf(schema), description };
  });
}

/** Markdown for a table cell: `|` and HTML-like `<placeholders>` escaped, known variable names as code. */
function cell(text: string, names: ReadonlySet<string>): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, index) => {
      if (index % 2 === 1) return part.replace(/\|/g, '\\|');
      return part
        .replace(/\|/g, '\\|')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\*/g, '\\*')
        .replace(/\b[A-Z][A-Z0-9_]+\b/g, (word) => (names.has(word) ? `\`${word}\`` : word));
    })
    .join('');
}

function defaultCell(value: string | number | undefined): string {
  if (value === undefined) return 'unset';
  if (value === '') return 'none';
  return `\`${value}\``;
}

const HEADER = `# Configuration

<!-- Generated by \`npm run docs:config\` from EnvSchema and WHERE_TO_GET in src/config.ts. Edit those, not this page. -->

Backline reads its settings from environment variables; an empty variable counts as unset. Every
command checks them all when it starts, and a value that does not fit stops it with exit code 2 and
a message naming the variable, what is wrong and where to get a good value (the "meaning" column
below). Health checks, scorecards and catalog rules live in a file, [backline.yaml](#backlineyaml).
`;

const FOOTER = `## backline.yaml

Settings that are more than a value: \`BACKLINE_CONFIG\` names the file; unset, \`./backline.yaml\` is
read when it exists, and without one Backline uses its defaults.
[backline.example.yaml](../backline.example.yaml) documents every field. Its sections:

| section | what it sets | default | more |
|---|---|---|---|
| \`catalog.rules\` | which kinds of entity discovered and registered locations may bring in | \`Component\`, \`API\`, \`Location\` | [catalog-rules.md](catalog-rules.md) |
| \`health.defaultChecks\`, \`health.disable\` | start from the default scorecard, minus some checks | \`true\`, none | [health.md](health.md#backlineyaml) |
| \`health.checks\` | checks of your own: a rule over facts, a level, why and how to fix | none | [health.md](health.md#backlineyaml) |
| \`health.schedule\` | when \`serve\` collects facts and scores everything (cron) | \`0 * * * *\` | [health.md](health.md) |

The file is checked when a command starts: an error names the file, the check and the field, and
says what would be valid.

## Read by Node.js

\`NODE_OPTIONS\`: every command runs with Node's default V8 settings, which keep \`serve\` within its
memory target ([performance.md](performance.md)); flags of your own (\`--max-old-space-size\` to match a
container's limit, say) are passed on as Node passes them.
`;

/** The whole of docs/configuration.md. */
export function renderConfigurationDocs(): string {
  const variables = environmentVariables();
  const byName = new Map(variables.map((variable) => [variable.name, variable]));
  const names = new Set(byName.keys());
  const placed = SECTIONS.flatMap((section) => section.variables);
  const unplaced = variables.filter((variable) => !placed.includes(variable.name)).map((variable) => variable.name);
  if (unplaced.length) throw new Error(`${unplaced.join(', ')}: add each to a section of SECTIONS in scripts/configuration-docs.ts, then run \`npm run docs:config\`.`);
  const unknown = placed.filter((name) => !byName.has(name));
  if (unknown.length) throw new Error(`${unknown.join(', ')}: listed in SECTIONS of scripts/configuration-docs.ts but not read by EnvSchema in src/config.ts; remove them.`);
  const sections = SECTIONS.map((section) => {
    const rows = section.variables.map((name) => {
      const variable = byName.get(name)!;
      return `| \`${name}\` | ${defaultCell(variable.defaultValue)} | ${cell(variable.description, names)} |`;
    });
    return [`## ${section.title}`, '', section.intro, '', '| variable | default | meaning |', '|---|---|---|', ...rows, ''].join('\n');
  });
  return [HEADER, ...sections, FOOTER].join('\n');
}

if (require.main === module) {
  fs.writeFileSync(CONFIGURATION_DOCS, renderConfigurationDocs());
  process.stdout.write(`Wrote ${path.relative(process.cwd(), CONFIGURATION_DOCS)} (${environmentVariables().length} variables).\n`);
}
