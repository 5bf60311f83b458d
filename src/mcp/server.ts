import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { findDocsTool, onCallTool, teamHealthTool } from './answerTools';
import { getEntityTool, searchCatalogTool, whoOwnsTool } from './catalogTools';
import { createContext, registerTool, type McpCaller, type McpPorts } from './context';
import { registerPrompts } from './prompts';
import { registerResources } from './resources';
import { dryRunTemplateTool, getTaskTool, listTemplatesTool, runTemplateTool } from './templateTools';

const INSTRUCTIONS = `Backline is a company's software catalog (Backstage's catalog-info.yaml): who owns each service, API and repository, who is on call, where the docs are, how healthy each team's services are, and templates to create new ones.
Start with who_owns for "who owns X" and search_catalog when unsure of a name; follow refs with get_entity or the backline://entity/… resources. Refs read kind:namespace/name, e.g. component:default/payments-service.
run_template creates repositories: try the values with dry_run_template first and confirm with the user.`;

/** The MCP server of one process: stdio for its one caller, POST /mcp a server per request. */
export interface McpSurface {
  /** A server answering as `caller`, with every tool, resource and prompt. */
  serverFor(caller: McpCaller): McpServer;
  /** Waits for template tasks run_template started that are still running. */
  close(): Promise<void>;
}

export function createMcpSurface(ports: McpPorts): McpSurface {
  const running = new Set<Promise<unknown>>();
  const background = (work: Promise<unknown>) => {
    const tracked = work.catch((error: unknown) => ports.logger.error('a template task run_template started failed', { error })).finally(() => running.delete(tracked));
    running.add(tracked);
  };
  return {
    serverFor(caller) {
      const server = new McpServer({ name: 'backline', title: 'Backline', version: ports.version }, { instructions: INSTRUCTIONS });
      const context = createContext(ports, caller, background);
      registerTool(server, whoOwnsTool, context);
      registerTool(server, onCallTool, context);
      registerTool(server, searchCatalogTool, context);
      registerTool(server, getEntityTool, context);
      registerTool(server, findDocsTool, context);
      registerTool(server, teamHealthTool, context);
      registerTool(server, listTemplatesTool, context);
      registerTool(server, dryRunTemplateTool, context);
      registerTool(server, runTemplateTool, context);
      registerTool(server, getTaskTool, context);
      registerResources(server, context);
      registerPrompts(server, context);
      return server;
    },
    async close() {
      await Promise.allSettled([...running]);
    },
  };
}
