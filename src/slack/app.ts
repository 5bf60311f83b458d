import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type CustomRoute, type Logger as BoltLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { createTechDocsHandler, TECHDOCS_PATH } from '../docs/staticSite';
import { ConfigError } from '../errors';
import type { CommandSet } from '../../commands';
import type { SlackConfig } from '../config';
import type { Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';
import { registerListeners } from './listeners';
import type { EventReceiptStore } from './PgEventReceiptStore';
import { refuseSkewedTimestamps } from './requestTimestamp';

export interface SlackAppOptions {
  slack: SlackConfig;
  /** Who the bot is, from auth.test: see identifyBot. */
  bot: BotIdentity;
  port: number;
  logger: Logger;
  metrics: BacklineMetrics;
  receipts: EventReceiptStore;
  /** Built once the Web API client exists, since the Slack directory needs it. */
  commands: (client: App['client']) => CommandSet;
  /** True when the database answers. */
  healthy: () => Promise<boolean>;
  /** Set in tests: the answer budget before falling back to response_url. */
  ackBudgetMs?: number;
  /** Served at POST /github/webhook when set: receives, verifies and applies a GitHub delivery (src/sources/github/webhookReceiver.ts). */
  githubWebhook?: (req: IncomingMessage, res: ServerResponse) => void;
  /** A folder in the TechDocs storage layout, served read-only at GET /techdocs/ (BACKLINE_DOCS_DIR). */
  techdocsDir?: string;
  /** Served at /mcp when set: the MCP server for AI assistants, behind bearer tokens (src/mcp/http.ts). */
  mcp?: (req: IncomingMessage, res: ServerResponse) => void;
}

const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackServer {
  app: App;
  start(): Promise<void>;
  /** Stops accepting requests and waits for answers already under way. */
  stop(): Promise<void>;
}

/**
 * The Bolt app: HTTP mode at POST /slack/events (Socket Mode when an app-level token is set), plus
 * GET /healthz and GET /metrics. Listeners only parse, ack, call the command set, and respond.
 */
export function createSlackApp(options: SlackAppOptions): SlackServer {
  const { slack, logger, metrics } = options;
  const customRoutes = [
    {
      path: '/healthz',
      method: 'GET',
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        options.healthy().then(
          (ok) => json(res, ok ? 200 : 503, { status: ok ? 'ok' : 'database unreachable' }),
          () => json(res, 503, { status: 'database unreachable' }),
        );
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(metrics.registry.render());
      },
    },
    ...(options.githubWebhook ? [{ path: '/github/webhook', method: 'POST', handler: options.githubWebhook }] : []),
    // GET and DELETE too, so that they are told to POST rather than answered 404.
    ...(options.mcp ? [{ path: '/mcp', method: ['POST', 'GET', 'DELETE'], handler: options.mcp }] : []),
    ...(options.techdocsDir ? [{ path: `${TECHDOCS_PATH}{/*path}`, method: ['GET', 'HEAD'], handler: createTechDocsHandler(options.techdocsDir) }] : []),
  ];
  const boltLogger = toBoltLogger(logger.child({ component: 'bolt' }));
  const clientOptions = { ...(slack.apiUrl && { slackApiUrl: slack.apiUrl }), retryConfig: { retries: 2 } };
  const common = {
    token: slack.botToken,
    // Known up front (auth.test once at start-up), so that Bolt does not call auth.test again for
    // every request it receives, which it does when given a token alone.
    botId: options.bot.botId,
    botUserId: options.bot.botUserId,
    logger: boltLogger,
    clientOptions,
    // With several replicas behind a load balancer, no in-memory conversation state.
    convoStore: false as const,
    tokenVerificationEnabled: false,
    extendedErrorHandler: true,
  };
  const app = slack.appToken
    ? new App({ ...common, socketMode: true, appToken: slack.appToken, customRoutes, installerOptions: { port: options.port } })
    : new App({ ...common, receiver: httpReceiver(slack.signingSecret!, customRoutes, boltLogger, logger) });

  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    // Failures were already told to the user and logged by the listener; nothing may go unhandled.
    void work.catch((error: unknown) => logger.error('answer failed after the ack', { error })).finally(() => inFlight.delete(work));
  };
  registerListeners(app, {
    commands: options.commands(app.client),
    logger,
    metrics,
    receipts: options.receipts,
    ackBudgetMs: options.ackBudgetMs ?? 2_000,
    track,
  });

  return {
    app,
    start: async () => {
      await app.start(options.port);
    },
    stop: async () => {
      await app.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** POST /slack/events through Bolt's signature check, with timestamps too far ahead refused first. */
function httpReceiver(signingSecret: string, customRoutes: CustomRoute[], boltLogger: BoltLogger, logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: SLACK_EVENTS_PATH, customRoutes, logger: boltLogger, unhandledRequestTimeoutMillis: 3001 });
  // requestListener is the receiver's public entry point, read on every request its server takes.
  receiver.requestListener = refuseSkewedTimestamps(receiver.requestListener, { logger: logger.child({ component: 'slack-requests' }) });
  return receiver;
}

export interface BotIdentity {
  botId: string;
  botUserId: string;
}

/**
 * Asks Slack once who the bot token belongs to. A rejected token stops start-up with the fix,
 * rather than failing every request later.
 */
export async function identifyBot(slack: SlackConfig, logger: Logger): Promise<BotIdentity> {
  // WebClient's own logger writes to the console, past the redaction Backline's logger applies.
  const client = new WebClient(slack.botToken, { ...(slack.apiUrl && { slackApiUrl: slack.apiUrl }), retryConfig: { retries: 2 }, logger: toBoltLogger(logger) });
  try {
    const answer = await client.auth.test();
    if (!answer.bot_id || !answer.user_id) throw new Error('auth.test did not name a bot: is SLACK_BOT_TOKEN a bot token (xoxb-)?');
    return { botId: answer.bot_id, botUserId: answer.user_id };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    throw new ConfigError(
      code
        ? `Slack rejected SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from https://api.slack.com/apps → your app → OAuth & Permissions, and reinstall the app if it was revoked.`
        : `Could not reach Slack to check SLACK_BOT_TOKEN: ${(error as Error).message}. Check the network${slack.apiUrl ? ` and SLACK_API_URL (${slack.apiUrl})` : ''}.`,
    );
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function toBoltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  return {
    debug: (...parts) => logger.debug(text(parts)),
    info: (...parts) => logger.info(text(parts)),
    warn: (...parts) => logger.warn(text(parts)),
    error: (...parts) => logger.error(text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
