import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { createTechDocsHandler, TECHDOCS_PATH } from '../docs/staticSite';
import { newRequestId, withLogFields, type Logger } from '../logger';
import type { BacklineMetrics } from '../metrics';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Whether this replica should be sent work, and if not, why, in words an operator can act on. */
export type Readiness = { ready: true } | { ready: false; status: string; reason: string };

export interface RouteOptions {
  /** What GET /readyz reports. */
  readiness: () => Promise<Readiness>;
  metrics: BacklineMetrics;
  /** Served at POST /github/webhook when set: receives, verifies and applies a GitHub delivery (src/sources/github/webhookReceiver.ts). */
  githubWebhook?: Handler;
  /** Served at /mcp when set: the MCP server for AI assistants, behind bearer tokens (src/mcp/http.ts). */
  mcp?: Handler;
  /** A folder in the TechDocs storage layout, served read-only at GET /techdocs/ (BACKLINE_DOCS_DIR). */
  techdocsDir?: string;
}

export interface Route {
  path: string;
  methods: string[];
  /** Also answers every path below `path`. */
  prefix?: boolean;
  handler: Handler;
}

/**
 * What `serve` answers besides Slack: GET /healthz (liveness: the process answers), GET /readyz
 * (readiness: 503 with the reason while the database is unreachable, migrations are pending or the
 * process is stopping), GET /metrics, and when configured POST /github/webhook, POST /mcp and GET /techdocs/.
 */
export function backlineRoutes(options: RouteOptions): Route[] {
  return [
    { path: '/healthz', methods: ['GET'], handler: (_req, res) => json(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      methods: ['GET'],
      handler: (_req, res) => {
        options.readiness().then(
          (readiness) => json(res, readiness.ready ? 200 : 503, readiness.ready ? { status: 'ok' } : { status: readiness.status, reason: readiness.reason }),
          (error: unknown) => json(res, 503, { status: 'unknown', reason: `the readiness check failed: ${(error as Error).message}` }),
        );
      },
    },
    {
      path: '/metrics',
      methods: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(options.metrics.registry.render());
      },
    },
    ...(options.githubWebhook ? [{ path: '/github/webhook', methods: ['POST'], handler: options.githubWebhook }] : []),
    // GET and DELETE too, so that they are told to POST rather than answered 404.
    ...(options.mcp ? [{ path: '/mcp', methods: ['POST', 'GET', 'DELETE'], handler: options.mcp }] : []),
    ...(options.techdocsDir ? [{ path: TECHDOCS_PATH, methods: ['GET', 'HEAD'], prefix: true, handler: createTechDocsHandler(options.techdocsDir) }] : []),
  ];
}

/** The routes as Bolt's HTTPReceiver takes them, beside POST /slack/events. */
export function toCustomRoutes(routes: Route[]): CustomRoute[] {
  return routes.map((route) => ({ path: route.prefix ? `${route.path}{/*path}` : route.path, method: route.methods, handler: route.handler }));
}

/**
 * Gives every HTTP request an id on its log lines and in the `X-Request-Id` answer header: the one
 * a proxy in front sent, when it looks like an id, or a new one.
 */
export function withRequestId(listener: Handler): Handler {
  return (req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : newRequestId();
    res.setHeader('X-Request-Id', requestId);
    withLogFields({ requestId }, () => listener(req, res));
  };
}

export interface RouteServer {
  close(): Promise<void>;
}

/**
 * The HTTP server of Socket Mode, where Slack needs none but probes, Prometheus and GitHub do.
 * Listens on `port` before it returns, and its close waits for requests under way.
 */
export async function startRouteServer(routes: Route[], options: { port: number; logger: Logger }): Promise<RouteServer> {
  const server = createServer(
    withRequestId((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = routes.find((r) => r.methods.includes(req.method ?? '') && (path === r.path || (r.prefix && path.startsWith(`${r.path}/`))));
      if (route) return route.handler(req, res);
      options.logger.debug(`no route for ${req.method} ${path}`);
      json(res, 404, { status: 'not found' });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Probes and scrapers keep connections alive between requests; idle ones would hold the close.
        server.closeIdleConnections();
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
