import type { z } from 'zod';
import type { FindPorts } from '../../commands/find';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { WhoOwnsResult } from '../../commands/whoowns';
import type { CatalogStore } from '../catalog/store';
import type { DocsLibrary } from '../docs/library';
import { asAppError, UserFacingError } from '../errors';
import type { HealthReader } from '../health/model';
import type { HealthService } from '../health/service';
import type { Logger } from '../logger';
import type { OnCallResolver } from '../oncall/resolve';
import type { Scaffolder } from '../scaffolder/service';

/** What the MCP tools answer from: the same stores, resolvers and services as Slack and the CLI. */
export interface McpPorts {
  catalog: CatalogStore;
  oncall: OnCallResolver;
  docs: DocsLibrary;
  health: { reader: HealthReader; service: Pick<HealthService, 'evaluate'> };
  scaffolder: Scaffolder;
  /**
   * The document of `backline whoowns --json` (src/cli/format.ts), given by the composition root so
   * that who_owns answers field for field as the CLI does, whatever that document gains.
   */
  whoOwnsJson(result: WhoOwnsResult): object;
  /** `/find`'s full-text search, which search_catalog answers from. */
  finder: FindPorts['finder'];
  /** The zone on_call's text shows times in when the caller names none. */
  timeZone: string;
  logger: Logger;
  version: string;
}

/**
 * Who is asking: the catalog User of a bearer token (HTTP) or of `backline mcp --as`, whose
 * permissions apply as in Slack; or, with `userRef` null, whoever started `backline mcp`, with the
 * authority every other CLI command has (`backline template run`).
 */
export interface McpCaller {
  userRef: string | null;
  transport: 'http' | 'stdio';
}

export function callerName(caller: McpCaller): string {
  return caller.userRef ?? 'local operator';
}

/** One caller's view of the ports, with the log every call goes through. */
export interface McpContext {
  ports: McpPorts;
  caller: McpCaller;
  /** Runs one call, logging who made it, what it was, how long it took and how it ended. */
  audited<T>(call: Record<string, unknown>, work: () => Promise<T>): Promise<T>;
  /** Keeps work that outlives its call (a template task) until the surface closes. */
  background(work: Promise<unknown>): void;
}

/** A request that cannot be answered as sent: JSON-RPC's invalid params, with a message that says what to send. */
export class McpInputError extends Error {
  readonly code = -32602;
}

export function createContext(ports: McpPorts, caller: McpCaller, background: (work: Promise<unknown>) => void): McpContext {
  const logger = ports.logger.child({ component: 'mcp', user: callerName(caller), transport: caller.transport });
  return {
    ports,
    caller,
    background,
    async audited(call, work) {
      const started = performance.now();
      const ms = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        const result = await work();
        logger.info('mcp call', { ...call, outcome: 'answered', ms: ms() });
        return result;
      } catch (error) {
        if (error instanceof UserFacingError || error instanceof McpInputError) {
          logger.info('mcp call', { ...call, outcome: 'refused', reason: error.message, ms: ms() });
          // Invalid params for resources and prompts; tools answer the same message as a tool error.
          throw error instanceof McpInputError ? error : new McpInputError(error.message);
        }
        const appError = asAppError(error);
        logger.error('mcp call failed', { ...call, outcome: 'failed', ms: ms(), error });
        throw new Error(appError.code === 'INTERNAL' ? 'Backline failed while answering; the reason is in its log. Try again, or ask whoever runs Backline.' : appError.message);
      }
    },
  };
}

/** A tool's answer: the structured document, its text for people, and resources it names. */
export interface ToolAnswer<T> {
  structured: T;
  text: string;
  links?: Array<{ uri: string; name: string; description?: string; mimeType?: string }>;
}

export interface ToolDefinition<Input extends z.AnyZodObject, Output extends z.AnyZodObject> {
  name: string;
  title: string;
  description: string;
  input: Input;
  output: Output;
  /** Changes nothing outside Backline's caches: readOnlyHint. */
  readOnly: boolean;
  /** Asks services beyond the catalog (PagerDuty, docs sites, GitHub): openWorldHint. */
  openWorld: boolean;
  /** What the log records of the arguments; all of them unless said otherwise (template values may hold secrets). */
  audit?(args: z.infer<Input>): Record<string, unknown>;
  answer(args: z.infer<Input>, context: McpContext): Promise<ToolAnswer<z.infer<Output>>>;
}

export function defineTool<Input extends z.AnyZodObject, Output extends z.AnyZodObject>(tool: ToolDefinition<Input, Output>): ToolDefinition<Input, Output> {
  return tool;
}

/**
 * Registers a tool on a server for one caller. The SDK validates the arguments against `input` and
 * the answer against `output`; a thrown error becomes a tool error whose text is its message.
 */
export function registerTool<Input extends z.AnyZodObject, Output extends z.AnyZodObject>(server: McpServer, tool: ToolDefinition<Input, Output>, context: McpContext): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      // Widened: the SDK's callback type cannot be resolved for a generic schema; `answer` is typed by it.
      inputSchema: tool.input as z.AnyZodObject,
      outputSchema: tool.output as z.AnyZodObject,
      annotations: { title: tool.title, readOnlyHint: tool.readOnly, destructiveHint: false, idempotentHint: tool.readOnly, openWorldHint: tool.openWorld },
    },
    async (given): Promise<CallToolResult> => {
      const args = given as z.infer<Input>;
      return context.audited({ tool: tool.name, arguments: tool.audit ? tool.audit(args) : args }, async () => {
        const answer = await tool.answer(args, context);
        const links = (answer.links ?? []).map((link) => ({ type: 'resource_link' as const, ...link }));
        return { structuredContent: answer.structured as Record<string, unknown>, content: [{ type: 'text' as const, text: answer.text }, ...links] };
      });
    },
  );
}
