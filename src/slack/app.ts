import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { ConfigError } from '../errors';
import type { CommandSet } from '../../commands';
import type { SlackConfig } from '../config';
import type { Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';
import { AnswerOnce } from './answerOnce';
import { backlineRoutes, startRouteServer, toCustomRoutes, withRequestId, type Readiness, type Route, type RouteServer } from './httpRoutes';
import { InFlight } from './inFlight';
import { registerListeners } from './listeners';
import type { EventReceiptStore } from './PgEventReceiptStore';
import { RequestGate } from './requestGate';
import { refuseSkewedTimestamps } from './requestTimestamp';
import { socketModeConnection, type SocketModeConnection } from './socketMode';

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
  /** What GET /readyz reports (besides stopping, which the app knows itself). */
  readiness: () => Promise<Readiness>;
  /** Set in tests: the answer budget before falling back to response_url. */
  ackBudgetMs?: number;
  /** Set in tests: Socket Mode's pong timeout and reconnect backoff step (default 5 s). */
  socketPingTimeoutMs?: number;
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
  /**
   * Stops taking requests and waits for those under way: their acks, their answers, and the
   * follow-ups they started. In Socket Mode the connection stays open until the acks went out.
   */
  stop(): Promise<void>;
  /** The requests and follow-ups under way, one line each, for a stop that has to cut them. */
  inFlight(): string[];
}

/**
 * The Bolt app: HTTP mode at POST /slack/events, or Socket Mode when an app-level token is set,
 * plus GET /healthz, /readyz and /metrics (in Socket Mode on an HTTP server of its own). Listeners
 * only parse, ack, call the command set, and respond.
 */
export function createSlackApp(options: SlackAppOptions): SlackServer {
  const { slack, logger, metrics } = options;
  let stopping = false;
  const boltLogger = toBoltLogger(logger.child({ component: 'bolt' }));
  const socket = slack.appToken
    ? socketModeConnection({ appToken: slack.appToken, apiUrl: slack.apiUrl, boltLogger, logger: logger.child({ component: 'slack-socket' }), pingTimeoutMs: options.socketPingTimeoutMs })
    : undefined;
  const routes = backlineRoutes({
    readiness: async () => {
      if (stopping) return { ready: false, status: 'stopping', reason: 'this replica is shutting down and finishing the requests under way' };
      // A replica starting in a rolling update counts as ready once Slack can reach it.
      if (socket && !socket.isOpen()) return { ready: false, status: 'slack not connected', reason: 'no Socket Mode connection to Slack is open; one is being opened (the log says why the last one closed)' };
      return options.readiness();
    },
    metrics,
    ...(options.githubWebhook && { githubWebhook: options.githubWebhook }),
    ...(options.mcp && { mcp: options.mcp }),
    ...(options.techdocsDir && { techdocsDir: options.techdocsDir }),
  });
  const inFlight = new InFlight();
  const gate = new RequestGate(socket?.receiver ?? httpReceiver(slack.signingSecret!, routes, boltLogger, logger), { inFlight, logger: logger.child({ component: 'slack-requests' }), ...(socket && { guardAck: socket.guardAck }) });
  const app = new App({
    token: slack.botToken,
    receiver: gate,
    // Known up front (auth.test once at start-up), so that Bolt does not call auth.test again for
    // every request it receives, which it does when given a token alone.
    botId: options.bot.botId,
    botUserId: options.bot.botUserId,
    logger: boltLogger,
    clientOptions: { ...(slack.apiUrl && { slackApiUrl: slack.apiUrl }), retryConfig: { retries: 2 } },
    // With several replicas behind a load balancer, no in-memory conversation state.
    convoStore: false,
    tokenVerificationEnabled: false,
    extendedErrorHandler: true,
  });

  registerListeners(app, {
    commands: options.commands(app.client),
    logger,
    metrics,
    receipts: options.receipts,
    answers: new AnswerOnce(options.receipts, logger.child({ component: 'slack-requests' })),
    ackBudgetMs: options.ackBudgetMs ?? 2_000,
    // Failures were already told to the user and logged by the listener; nothing may go unhandled.
    track: (work, what) => void inFlight.add(work, what).catch((error: unknown) => logger.error(`${what} failed`, { error })),
  });

  let routeServer: RouteServer | undefined;
  return {
    app,
    start: async () => {
      if (socket) {
        routeServer = await startRouteServer(routes, { port: options.port, logger });
        await app.start().catch(async (error: unknown) => {
          await routeServer?.close();
          throw socketModeStartError(error, slack);
        });
      } else {
        await app.start(options.port);
      }
    },
    stop: async () => {
      stopping = true;
      if (socket) await stopSocketMode(gate, socket, inFlight);
      else await app.stop();
      await inFlight.settled();
      await routeServer?.close();
    },
    inFlight: () => inFlight.describe(),
  };
}

/** Slack takes no ack more than 3 s after it sent the request. */
const ACK_WINDOW_MS = 3000;

/**
 * Socket Mode's stop: nothing new is taken (Slack sends it again to another connection), the
 * connection stays open until every request taken has been acknowledged (or could no longer be),
 * then closes cleanly; answers through response_url and follow-ups may continue after that.
 */
async function stopSocketMode(gate: RequestGate, socket: SocketModeConnection, inFlight: InFlight): Promise<void> {
  gate.refuseNew();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([gate.acknowledged(), new Promise((resolve) => (timer = setTimeout(resolve, ACK_WINDOW_MS)))]);
  clearTimeout(timer);
  await socket.disconnect();
}

/** A start that Slack refused names the token and the fix. */
function socketModeStartError(error: unknown, slack: SlackConfig): Error {
  const code = (error as { data?: { error?: string } }).data?.error;
  if (!code) return error as Error;
  return new ConfigError(
    `Slack refused to open a Socket Mode connection with SLACK_APP_TOKEN (${code}). Create an app-level token with the connections:write scope at https://api.slack.com/apps → your app → Basic Information → App-Level Tokens, and turn on Socket Mode in the app's settings${slack.apiUrl ? ` (SLACK_API_URL is ${slack.apiUrl})` : ''}.`,
  );
}

/** POST /slack/events through Bolt's signature check, with timestamps too far ahead refused first. */
function httpReceiver(signingSecret: string, routes: Route[], boltLogger: BoltLogger, logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: SLACK_EVENTS_PATH, customRoutes: toCustomRoutes(routes), logger: boltLogger, unhandledRequestTimeoutMillis: 3001 });
  // requestListener is the receiver's public entry point, read on every request its server takes.
  receiver.requestListener = withRequestId(refuseSkewedTimestamps(receiver.requestListener, { logger: logger.child({ component: 'slack-requests' }) }));
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
