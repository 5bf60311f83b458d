import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpCaller } from './context';
import type { McpSurface } from './server';

/**
 * `backline mcp`: one server on stdin and stdout until the client closes stdin. Nothing else may
 * write to stdout, which carries the protocol; logs go to stderr.
 */
export async function serveOverStdio(surface: McpSurface, caller: McpCaller, streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stdout }): Promise<void> {
  const server = surface.serverFor(caller);
  const transport = new StdioServerTransport(streams.input as typeof process.stdin, streams.output as typeof process.stdout);
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  streams.input.once('end', () => void server.close());
  await closed;
  // Tasks run_template started finish before the database closes.
  await surface.close();
}
