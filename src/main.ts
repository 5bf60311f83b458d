/**
 * The entry: `bin/backline.js` runs `main`, which reads the configuration and runs one command,
 * building its world through src/compose. Nothing imports this file.
 */
import { Command, CommanderError } from 'commander';
import type { KnownBlock } from '@slack/types';
import { findDocs } from '../commands/docs';
import { renderDocs } from '../commands/docs.blocks';
import { onCall, onCallJson } from '../commands/oncall';
import { renderOnCall } from '../commands/oncall.blocks';
import { whoOwns } from '../commands/whoowns';
import { renderWhoOwns } from '../commands/whoowns.blocks';
import { INSTANT_HINT, parseInstant } from './oncall/instant';
import { ingest, rootFromPath } from './catalog/ingest';
import { validateFiles } from './catalog/validateFiles';
import { GITHUB_LOGIN, loadConfig, requireGitHubAuth, type Config } from './config';
import { openDatabase } from './db/database';
import { migrate } from './db/migrate';
import { asAppError } from './errors';
import { createCommandSet } from '../commands';
import { createLogger, type Logger } from './logger';
import { redactSecrets } from './redact';
import { ingestBase, loadDemoCatalogIfEmpty, localDocsBaseUrl, openBackline, openDocs, openGitHub, openOnCall, openScaffolder, openSearch, unfurlSettings, type Backline } from './compose/backline';
import { openDigests, openHealth } from './compose/health';
import { startServer } from './serve/server';
import { registerHealthCommand } from './cli/healthCommand';
import { registerDigestCommand } from './cli/digestCommand';
import { registerTemplateCommands } from './cli/templateCommands';
import { registerDoctorCommand } from './cli/doctorCommand';
import { registerMcpCommand } from './cli/mcpCommand';
import { registerSearchCommand } from './cli/searchCommand';
import { registerManifestCommand } from './cli/manifestCommand';
import { runShell } from './shell/shell';
import { cardText, CLI_CARD } from './cli/cards';
import { formatGitHubSummary, formatIngestReport, formatValidation, githubSummary, ingestJson, validationJson, whoOwnsJson } from './cli/format';
import { docsExitCode, docsJson } from './cli/docsJson';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Set when stdout is a terminal: cards wrap to its width and, unless NO_COLOR is set, use colour. */
  terminal?: { columns: number };
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  terminal: process.stdout.isTTY ? { columns: process.stdout.columns } : undefined,
};

/** Messages for people on stderr, one line each (rate-limit waits during a long ingest). */
function lineLogger(log: (line: string) => void): Logger {
  const write = (message: string) => log(redactSecrets(`backline: ${message}`));
  const logger: Logger = { debug: () => undefined, info: write, warn: write, error: write, child: () => logger };
  return logger;
}

/** The machine's time zone, for surfaces without a Slack profile to ask. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Exit codes: 0 success, 1 the command ran and found problems, 2 usage or configuration error. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; anything else commander rejects is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    const appError = asAppError(error);
    io.stderr(`backline: ${appError.message}\n`);
    return appError.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  return exitCode;
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('backline')
    .description('Who owns what, who is on call, where the docs are: a Backstage-compatible catalog for Slack.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run backline --help for usage)');

  const config = (): Config => loadConfig(io.env);
  const log = (line: string) => io.stderr(`${line}\n`);
  // whoowns, oncall and docs print the card the Slack app sends, as the shell shows it.
  const card = (blocks: KnownBlock[]) => cardText(blocks, { columns: io.terminal?.columns, color: Boolean(io.terminal) && !io.env.NO_COLOR });
  const withBackline = async <T>(work: (backline: Backline) => Promise<T>): Promise<T> => {
    const backline = await openBackline(config(), { log });
    const stop = () => void backline.close().finally(() => process.exit(130));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await work(backline);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await backline.close();
    }
  };

  program
    .command('migrate')
    .description('Apply pending database migrations (every other command does this on start too).')
    .action(async () => {
      const settings = config();
      const database = await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, migrate: false, log });
      try {
        const { applied } = await migrate(database.pool);
        io.stdout(applied.length ? `Applied ${applied.length} migration(s) to ${database.described}:\n${applied.map((name) => `  ${name}\n`).join('')}` : `${database.described} is up to date.\n`);
      } finally {
        await database.close();
      }
    });

  const catalog = program.command('catalog').description('Validate and ingest catalog-info.yaml files.');

  catalog
    .command('validate')
    .description('Check catalog files against Backstage\'s rules without touching the catalog.')
    .argument('<paths...>', 'files or folders of catalog YAML')
    .option('--json', 'print one JSON document')
    .action(async (paths: string[], options: { json?: boolean }) => {
      const report = await validateFiles(paths, { maxBytes: config().maxFileBytes });
      io.stdout(options.json ? `${JSON.stringify(validationJson(report.entries))}\n` : formatValidation(report));
      setExitCode(report.entries.every((entry) => entry.valid) ? 0 : 1);
    });

  catalog
    .command('ingest')
    .description('Read files, folders, Location files or GitHub organisations into the catalog; unchanged files cost nothing.')
    .argument('[paths...]', 'files, folders or Location files (optional with --github-org or BACKLINE_GITHUB_ORGS)')
    .option('--github-org <org>', 'discover catalog files in every repository of a GitHub organisation (repeatable)', (org: string, orgs: string[]) => [...orgs, org], [] as string[])
    .option('--catalog-path <path>', 'the catalog file in each repository, or a glob such as **/catalog-info.yaml (default: BACKLINE_GITHUB_CATALOG_PATH, else catalog-info.yaml)')
    .option('--github-import-teams', "also import the organisations' teams as Groups and their members as Users (default: BACKLINE_GITHUB_IMPORT_TEAMS, else on with inference)")
    .option('--no-infer', 'read catalog files only: no Components inferred for repositories without one (default: BACKLINE_GITHUB_INFER)')
    .option('--json', 'print one JSON document')
    .action(async (paths: string[], options: { githubOrg: string[]; catalogPath?: string; githubImportTeams?: boolean; infer: boolean; json?: boolean }, command: Command) => {
      const settings = config();
      // Without paths, the configured organisations are the thing to ingest.
      const orgs = options.githubOrg.length ? options.githubOrg : paths.length === 0 ? settings.github.orgs : [];
      if (paths.length === 0 && orgs.length === 0) command.error('backline catalog ingest needs files, folders or Location files, or --github-org ORG (or BACKLINE_GITHUB_ORGS)', { exitCode: 2 });
      const invalid = orgs.find((org) => !GITHUB_LOGIN.test(org));
      if (invalid) command.error(`"${invalid}" is not a GitHub organisation name`, { exitCode: 2 });
      const givenPath = options.catalogPath?.trim().replace(/^\.?\/+/, '');
      if (givenPath !== undefined && (givenPath === '' || givenPath.split('/').includes('..'))) command.error(`--catalog-path must be a path inside each repository, e.g. catalog-info.yaml or **/catalog-info.yaml`, { exitCode: 2 });
      if (orgs.length) requireGitHubAuth(settings);
      await withBackline(async (backline) => {
        const infer = options.infer && settings.github.infer;
        const github = openGitHub(backline, { logger: lineLogger(log), infer });
        const catalogPath = givenPath ?? settings.github.catalogPath;
        // Inferred owners are teams: importing them is what lets an inferred card name people.
        const importTeams = options.githubImportTeams ?? settings.github.importTeams ?? infer;
        const roots = [...(await Promise.all(paths.map(rootFromPath))), ...(github?.roots(orgs, { catalogPath, importTeams }) ?? [])];
        const base = ingestBase(backline, orgs.length ? orgs : settings.github.orgs);
        const started = performance.now();
        const report = await ingest(roots, github ? github.ingestDependencies(base) : base);
        const seconds = (performance.now() - started) / 1000;
        const summary = github && orgs.length ? githubSummary(github, orgs) : undefined;
        if (options.json) io.stdout(`${JSON.stringify(ingestJson(report, seconds, summary))}\n`);
        else io.stdout(formatIngestReport(report, seconds) + (summary ? formatGitHubSummary(summary) : ''));
        setExitCode(report.errors.length ? 1 : 0);
      });
    });

  program
    .command('whoowns')
    .description('Who owns a service, API, repository, team or person.')
    .argument('<query...>', 'a name, title, ref, repository slug or GitHub URL')
    .option('--json', 'print one JSON document')
    .action(async (words: string[], options: { json?: boolean }) => {
      await withBackline(async (backline) => {
        const oncall = openOnCall(backline, { logger: lineLogger(log) });
        // The docs line comes from the docs cache, as in the shell and Slack; it reads no site.
        const docs = openDocs(backline, { baseUrl: await localDocsBaseUrl(backline), logger: lineLogger(log) });
        const result = await whoOwns(words.join(' '), { catalog: backline.catalog, oncall, docs });
        io.stdout(options.json ? `${JSON.stringify(whoOwnsJson(result))}\n` : card(renderWhoOwns(result, CLI_CARD)));
        setExitCode(result.match ? 0 : 1);
      });
    });

  program
    .command('oncall')
    .description('Who is on call for a team or service, until when, and who is next: from PagerDuty, Opsgenie or a catalog Rotation.')
    .argument('<query...>', 'a team, service, ref or #channel name')
    .option('--json', 'print one JSON document')
    .option('--at <iso-8601>', 'answer for this instant instead of now, e.g. 2026-03-29T01:30:00Z (no offset means UTC)')
    .action(async (words: string[], options: { json?: boolean; at?: string }, command: Command) => {
      const at = options.at === undefined ? undefined : parseInstant(options.at);
      if (options.at !== undefined && at === undefined) command.error(`--at must be ${INSTANT_HINT}; got "${options.at}"`, { exitCode: 2 });
      await withBackline(async (backline) => {
        const oncall = openOnCall(backline, { logger: lineLogger(log) });
        const result = await onCall({ text: words.join(' '), at, defaultTimeZone: localTimeZone() }, { catalog: backline.catalog, oncall });
        io.stdout(options.json ? `${JSON.stringify(onCallJson(result))}\n` : card(renderOnCall(result, CLI_CARD)));
        // 0 when there is someone to call; 1 when nothing matched or nobody is on call.
        setExitCode(result.answer?.oncall.length ? 0 : 1);
      });
    });

  program
    .command('docs')
    .description("Where an entity's built docs are, when they were built, whether they are stale, and with words its best pages.")
    .argument('<entity>', 'an entity name or ref (or, alone or with words, words to search every cached docs site)')
    .argument('[words...]', 'words to search its docs for')
    .option('--json', 'print one JSON document')
    .action(async (entity: string, words: string[], options: { json?: boolean }) => {
      await withBackline(async (backline) => {
        const docs = openDocs(backline, { baseUrl: await localDocsBaseUrl(backline), logger: lineLogger(log) });
        const result = await findDocs([entity, ...words].join(' '), { catalog: backline.catalog, docs });
        io.stdout(options.json ? `${JSON.stringify(docsJson(result))}\n` : card(renderDocs(result, CLI_CARD)));
        setExitCode(docsExitCode(result));
      });
    });

  program
    .command('shell')
    .description('A local console that answers the same commands as the Slack app; loads the demo catalog into an empty database.')
    .action(async () => {
      await withBackline(async (backline) => {
        const demo = await loadDemoCatalogIfEmpty(backline);
        if (demo) log(`Loaded the demo catalog (Northwind Labs): ${demo.entities.added} entities.`);
        const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
        const docs = openDocs(backline, { baseUrl: await localDocsBaseUrl(backline), logger: lineLogger(log) });
        // Sites on disk read in moments: index them all, so that /docs <words> searches every one.
        if (docs.baseUrl?.startsWith('file:')) await docs.refreshAll();
        const oncall = openOnCall(backline, { logger: lineLogger(log) });
        setExitCode(await runShell({ commands: createCommandSet({ catalog: backline.catalog, docs, oncall, finder: openSearch(backline) }, { plainNames: true, timeZone: localTimeZone() }), input: process.stdin, output: process.stdout, interactive, width: process.stdout.columns }));
      });
    });

  program
    .command('serve')
    .description('Run the Slack app: POST /slack/events (or Socket Mode), GET /healthz, GET /readyz, GET /metrics on PORT (default 3000).')
    .action(async () => {
      const settings = config();
      const logger = createLogger({ level: settings.logLevel });
      const server = await startServer(settings, { logger });
      logger.info(`Backline is listening on port ${settings.port}${settings.slack.appToken ? ' (Slack in Socket Mode)' : ': point Slack at /slack/events'}`);
      let stopped!: () => void;
      const done = new Promise<void>((resolve) => (stopped = resolve));
      let stopping = false;
      const stop = (reason: string) => {
        // A second signal while stopping (Ctrl-C pressed twice, an orchestrator repeating SIGTERM)
        // is the same request: requests under way still finish, within BACKLINE_SHUTDOWN_SECONDS.
        if (stopping) return;
        stopping = true;
        logger.info(`${reason}: finishing requests under way (at most ${settings.shutdownMs / 1000} s), then stopping`);
        server
          .stop()
          .then(({ cut }) => setExitCode(cut.length ? 1 : 0))
          .catch((error: unknown) => {
            logger.error('shutdown failed', { error });
            setExitCode(1);
          })
          .finally(stopped);
      };
      const onSignal = (signal: NodeJS.Signals) => stop(signal);
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      await done;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      // Everything was stopped or cut: a connection or timer something left behind must not keep
      // the process alive past the deadline.
      setTimeout(() => process.exit(), 1000).unref();
    });

  registerDoctorCommand(program, { stdout: io.stdout, log, setExitCode, env: io.env });
  registerSearchCommand(program, { stdout: io.stdout, setExitCode, card, withFinder: (work) => withBackline((backline) => work(openSearch(backline))) });
  registerManifestCommand(program, { stdout: io.stdout, unfurls: () => unfurlSettings(config(), config().docs.baseUrl) });
  registerHealthCommand(program, { stdout: io.stdout, setExitCode, withBackline, logger: lineLogger(log) });
  registerDigestCommand(program, {
    stdout: io.stdout,
    setExitCode,
    dryRun: (options) =>
      withBackline(async (backline) => {
        const logger = lineLogger(log);
        const health = openHealth(backline, { logger });
        // A digest is made of health results: with none recorded yet (a new installation), the
        // preview would show every team as passing. serve does the same at its first start.
        if (!(await health.service.lastEvaluatedAt())) {
          log('backline: no health evaluation has run yet; evaluating every entity first (serve does this at start)');
          await health.service.collectAndScore();
        }
        return openDigests(backline, { health: health.reader, defaultTimeZone: backline.config.digests.defaultTimeZone, logger }).dryRun(options);
      }),
  });

  registerTemplateCommands(program, {
    stdout: io.stdout,
    log,
    setExitCode,
    logger: lineLogger(log),
    withScaffolder: (work) => withBackline((backline) => work(openScaffolder(backline, { logger: lineLogger(log) }), backline)),
  });

  registerMcpCommand(program, { withBackline, logger: () => createLogger({ level: config().logLevel }), timeZone: localTimeZone() });

  return program;
}
