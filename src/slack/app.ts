import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { CommandSet } from '../../commands';
import type { SlackConfig } from '../config';
import type { Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';
import { registerListeners } from './listeners';
import type { EventReceiptStore } from './PgEventReceiptStore';

export interface SlackAppOptions {
  slack: SlackConfig;
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
}

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
  ];
  const boltLogger = toBoltLogger(logger.child({ component: 'bolt' }));
  const clientOptions = { ...(slack.apiUrl && { slackApiUrl: slack.apiUrl }), retryConfig: { retries: 2 } };
  const common = {
    token: slack.botToken,
    logger: boltLogger,
    clientOptions,
    // With several replicas behind a load balancer, no in-memory conversation state.
    convoStore: false as const,
    // Answering is in our hands: no auth.test at construction time, so start-up needs no network.
    tokenVerificationEnabled: false,
    extendedErrorHandler: true,
  };
  const app = slack.appToken
    ? new App({ ...common, socketMode: true, appToken: slack.appToken, customRoutes, installerOptions: { port: options.port } })
    : new App({
        ...common,
        receiver: new HTTPReceiver({
          signingSecret: slack.signingSecret!,
          endpoints: '/slack/events',
          customRoutes,
          logger: boltLogger,
          unhandledRequestTimeoutMillis: 3001,
        }),
      });

  const inFlight = new Set<Promise<unknown>>();
  registerListeners(app, {
    commands: options.commands(app.client),
    logger,
    metrics,
    receipts: options.receipts,
    ackBudgetMs: options.ackBudgetMs ?? 2_000,
    track: (work) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
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
