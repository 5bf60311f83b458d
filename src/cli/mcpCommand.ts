import type { Command } from 'commander';
import { canonicalEntityRef, parseEntityRef } from '../catalog/model';
import { localDocsBaseUrl, openDocs, openOnCall, openScaffolder, type Backline } from '../compose/backline';
import { openHealth } from '../compose/health';
import { openMcp } from '../compose/mcp';
import type { Logger } from '../logger';
import { serveOverStdio } from '../mcp/stdio';

export interface McpCommandDependencies {
  withBackline: <T>(work: (backline: Backline) => Promise<T>) => Promise<T>;
  /** JSON lines on stderr: stdout carries the protocol. */
  logger: () => Logger;
  /** The zone on_call's text shows times in: the machine's. */
  timeZone: string;
}

/** `backline mcp [--as <user>]`: the MCP server on stdio, for an assistant on this machine. */
export function registerMcpCommand(program: Command, deps: McpCommandDependencies): void {
  program
    .command('mcp')
    .description('An MCP server on stdio for AI assistants (Claude, Cursor, VS Code): who owns what, on-call, docs, health and templates as tools and resources. See docs/mcp.md.')
    .option('--as <user>', "act as this catalog User (user:default/jane), whose template permissions then apply as in Slack; by default, with the authority of whoever runs it, as `backline template run`")
    .action(async (options: { as?: string }, command: Command) => {
      const userRef = options.as === undefined ? null : userRefOf(options.as);
      if (userRef === undefined) command.error(`--as must name a catalog User, e.g. user:default/jane; got "${options.as}"`, { exitCode: 2 });
      const logger = deps.logger();
      await deps.withBackline(async (backline) => {
        if (userRef && !(await backline.catalog.getByRef(userRef))) logger.warn(`${userRef} is not in the catalog: templates open to particular teams will refuse it`);
        const docs = openDocs(backline, { baseUrl: await localDocsBaseUrl(backline), logger });
        const oncall = openOnCall(backline, { logger });
        const scaffolder = openScaffolder(backline, { logger });
        const health = openHealth(backline, { docs, oncall, logger });
        const surface = openMcp(backline, { logger, docs, oncall, health, scaffolder, timeZone: deps.timeZone });
        try {
          await serveOverStdio(surface, { userRef: userRef ?? null, transport: 'stdio' });
        } finally {
          scaffolder.close();
        }
      });
    });
}

/** `user:default/jane`, `user:jane` or `jane` as a lower-cased User ref; undefined when it is another kind or no ref. */
function userRefOf(text: string): string | undefined {
  try {
    const ref = parseEntityRef(text.trim(), { defaultKind: 'user', defaultNamespace: 'default' });
    return ref.kind.toLowerCase() === 'user' ? canonicalEntityRef(`${ref.kind}:${ref.namespace}/${ref.name}`) : undefined;
  } catch {
    return undefined;
  }
}
