import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { UnfurlSettings } from '../../commands/unfurl';
import { PROJECT_ROOT } from '../paths';

export const MANIFEST_FILE = path.join(PROJECT_ROOT, 'manifest.yml');
const PLACEHOLDER_URL = 'https://backline.example.com';
// Slack takes at most five unfurl domains per app.
const MAX_UNFURL_DOMAINS = 5;

export interface ManifestCommandDependencies {
  stdout: (text: string) => void;
  /** The links this configuration unfurls (compose/backline.ts: unfurlSettings). */
  unfurls: () => UnfurlSettings;
}

/**
 * manifest.yml as this installation needs it: Slack's request URLs at `url`, and the unfurl
 * domains its configuration names (GitHub's web host, TechDocs, a Backstage portal). The file's
 * comments are kept: only those two parts change.
 */
export function manifestFor(text: string, options: { url?: string; unfurls: UnfurlSettings }): string {
  const hosts = [...options.unfurls.githubHosts, ...[...options.unfurls.techdocsBaseUrls, ...options.unfurls.catalogBaseUrls].map((base) => new URL(base).host)];
  const domains = [...new Set(hosts.map((host) => host.toLowerCase()))].slice(0, MAX_UNFURL_DOMAINS);
  let manifest = text.replace(/^( {2}unfurl_domains:\n)(?: {4}- .*\n)+/m, (_, key: string) => `${key}${domains.map((domain) => `    - ${domain}\n`).join('')}`);
  if (options.url) manifest = manifest.split(PLACEHOLDER_URL).join(options.url.replace(/\/+$/, ''));
  return manifest;
}

/** `backline manifest [--url https://HOST]`: the Slack app manifest to create or update the app from. */
export function registerManifestCommand(program: Command, deps: ManifestCommandDependencies): void {
  program
    .command('manifest')
    .description('Print the Slack app manifest for this configuration: request URLs at --url, and the link domains to unfurl (GitHub, TECHDOCS_BASE_URL, BACKLINE_CATALOG_URL).')
    .option('--url <https://host>', `the address Slack calls, in place of ${PLACEHOLDER_URL}`)
    .action((options: { url?: string }, command: Command) => {
      if (options.url !== undefined && !/^https:\/\/[^/\s]+(\/[^\s]*)?$/i.test(options.url.trim())) command.error(`--url must be an https:// address Slack can reach, e.g. https://backline.example.org; got "${options.url}"`, { exitCode: 2 });
      deps.stdout(manifestFor(readFileSync(MANIFEST_FILE, 'utf8'), { url: options.url?.trim(), unfurls: deps.unfurls() }));
    });
}
