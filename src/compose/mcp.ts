import fs from 'node:fs';
import path from 'node:path';
import { whoOwnsJson } from '../cli/format';
import type { DocsLibrary } from '../docs/library';
import type { Logger } from '../logger';
import { createMcpSurface, type McpSurface } from '../mcp/server';
import type { OnCallResolver } from '../oncall/resolve';
import { PROJECT_ROOT } from '../paths';
import type { Scaffolder } from '../scaffolder/service';
import { openSearch, type Backline } from './backline';
import type { OpenHealth } from './health';

/**
 * The MCP surface over what `serve` or `backline mcp` has opened: the same catalog, on-call, docs,
 * health and scaffolder as Slack and the CLI, and the CLI's whoowns JSON.
 */
export function openMcp(
  backline: Backline,
  options: { logger: Logger; docs: DocsLibrary; oncall: OnCallResolver; health: Pick<OpenHealth, 'reader' | 'service'>; scaffolder: Scaffolder; timeZone: string },
): McpSurface {
  return createMcpSurface({
    catalog: backline.catalog,
    oncall: options.oncall,
    docs: options.docs,
    health: { reader: options.health.reader, service: options.health.service },
    scaffolder: options.scaffolder,
    whoOwnsJson,
    finder: openSearch(backline),
    timeZone: options.timeZone,
    logger: options.logger,
    version: backlineVersion(),
  });
}

let version: string | undefined;

/** The version in package.json, which MCP clients are told. */
function backlineVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
