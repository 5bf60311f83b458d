import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpToken } from '../mcpTokens';
import type { Logger } from '../logger';
import type { McpSurface } from './server';

// A JSON-RPC call is a few hundred bytes; template values a few kilobytes.
const MAX_BODY_BYTES = 1024 * 1024;

export interface McpHttpOptions {
  surface: McpSurface;
  /** BACKLINE_MCP_TOKENS: who may call, and as which catalog User. */
  tokens: McpToken[];
  logger: Logger;
}

/**
 * The user a bearer token acts as. Tokens are compared as SHA-256 digests with timingSafeEqual, and
 * every token is compared, so how long a refusal takes says nothing about how close a guess was.
 */
export function tokenLookup(tokens: McpToken[]): (presented: string) => string | undefined {
  const digest = (token: string) => createHash('sha256').update(token).digest();
  const known = tokens.map((entry) => ({ digest: digest(entry.token), userRef: entry.userRef }));
  return (presented) => {
    const candidate = digest(presented);
    let userRef: string | undefined;
    for (const entry of known) if (timingSafeEqual(entry.digest, candidate) && userRef === undefined) userRef = entry.userRef;
    return userRef;
  };
}

/**
 * POST /mcp: Streamable HTTP without sessions (each request gets a server of its own, answering as
 * the token's user), JSON answers rather than event streams. A missing or unknown token is 401
 * before anything is read or parsed.
 */
export function createMcpHttpHandler(options: McpHttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const userOf = tokenLookup(options.tokens);
  const logger = options.logger.child({ component: 'mcp' });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return refuse(res, 405, 'Backline answers MCP with POST /mcp only: it keeps no sessions, so there is no event stream to GET and no session to DELETE.');
    }
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!presented) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="backline"');
      return refuse(res, 401, 'POST /mcp needs the header Authorization: Bearer <token>, with a token from BACKLINE_MCP_TOKENS; ask whoever runs Backline for yours.');
    }
    const userRef = userOf(presented);
    if (!userRef) {
      logger.warn('refused a request to /mcp with an unknown token', { remoteAddress: req.socket.remoteAddress });
      res.setHeader('WWW-Authenticate', 'Bearer realm="backline", error="invalid_token"');
      return refuse(res, 401, 'That bearer token is not one of BACKLINE_MCP_TOKENS; ask whoever runs Backline for yours.');
    }
    const body = await readBody(req);
    if (body === 'too large') return refuse(res, 413, `The request is larger than ${MAX_BODY_BYTES} bytes: send one JSON-RPC message at a time.`);
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      return refuse(res, 400, 'The body is not JSON: send a JSON-RPC 2.0 message such as {"jsonrpc":"2.0","id":1,"method":"tools/list"}.', -32700);
    }
    const server = options.surface.serverFor({ userRef, transport: 'http' });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, message);
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('POST /mcp failed', { error });
      if (!res.headersSent) refuse(res, 500, 'Backline failed while answering; the reason is in its log.', -32603);
      else res.end();
    });
  };
}

/** The body as text, or 'too large' once it passes the limit (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too large');
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** A refusal as MCP clients read one: a JSON-RPC error with no id. */
function refuse(res: ServerResponse, status: number, message: string, code = -32000): void {
  // Headers set before (WWW-Authenticate, Allow) are merged in by writeHead.
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
