import type { KnownBlock } from '@slack/types';
import { findEntity, whoOwns, type WhoOwnsPorts } from './whoowns';
import { renderUnfurl } from './unfurl.blocks';

/** Where the links Backline unfurls live: from configuration (GitHub's web host, TechDocs, a Backstage portal). */
export interface UnfurlSettings {
  /** Web hosts of GitHub, e.g. github.com, or a GitHub Enterprise host. */
  githubHosts: string[];
  /** TechDocs base URLs, each the folder that holds <namespace>/<kind>/<name>/. */
  techdocsBaseUrls: string[];
  /** Base URLs of a Backstage portal whose entity pages are <base>/catalog/<namespace>/<kind>/<name>. */
  catalogBaseUrls: string[];
}

// A message's links are unfurled a few at a time: Slack shows at most a handful anyway.
const MAX_LINKS = 5;

/**
 * What a pasted link names, as a query the whoowns core reads: a repository's `owner/name`, or an
 * entity ref from a TechDocs or catalog page. Undefined for a link Backline does not unfurl.
 */
export function unfurlQueryOf(raw: string, settings: UnfurlSettings): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.host.toLowerCase();
  const segments = url.pathname.split('/').filter(Boolean).map(decodeSegment);
  if (settings.githubHosts.some((github) => github.toLowerCase() === host || `www.${github.toLowerCase()}` === host)) {
    const [owner, repo] = segments;
    if (!owner || !repo || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(owner) || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(repo)) return undefined;
    return `${owner}/${repo.replace(/\.git$/, '')}`;
  }
  for (const base of settings.techdocsBaseUrls) {
    const rest = below(url, base);
    if (rest && rest.length >= 3) return refOf(rest[1]!, rest[0]!, rest[2]!);
  }
  for (const base of settings.catalogBaseUrls) {
    const rest = below(url, base);
    if (rest && rest[0] === 'catalog' && rest.length >= 4) return refOf(rest[2]!, rest[1]!, rest[3]!);
  }
  return undefined;
}

/**
 * The compact ownership card of each link that names an entity of the catalog, by URL; links to
 * what the catalog does not know are left out, so Slack shows them as it would anyway.
 */
export async function unfurlLinks(urls: string[], ports: WhoOwnsPorts, settings: UnfurlSettings): Promise<Map<string, KnownBlock[]>> {
  const cards = new Map<string, KnownBlock[]>();
  for (const url of [...new Set(urls)].slice(0, MAX_LINKS)) {
    const query = unfurlQueryOf(url, settings);
    if (!query) continue;
    // Looked up exactly first: a repository the catalog does not know gets no card, and no guesses.
    const found = await findEntity(query, ports);
    const match = found?.entities[0];
    if (!match) continue;
    const result = await whoOwns(match.ref, ports);
    if (result.match) cards.set(url, renderUnfurl(result, { source: found.by }));
  }
  return cards;
}

/** The path of `url` below `base` (same origin, path prefix), as segments; undefined when not below it. */
function below(url: URL, base: string): string[] | undefined {
  let root: URL;
  try {
    root = new URL(base.endsWith('/') ? base : `${base}/`);
  } catch {
    return undefined;
  }
  if (root.origin.toLowerCase() !== url.origin.toLowerCase()) return undefined;
  const prefix = root.pathname.toLowerCase();
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  if (!path.toLowerCase().startsWith(prefix)) return undefined;
  return path.slice(prefix.length).split('/').filter(Boolean).map(decodeSegment);
}

function refOf(kind: string, namespace: string, name: string): string | undefined {
  const valid = (part: string) => /^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(part);
  return valid(kind) && valid(namespace) && valid(name) ? `${kind}:${namespace}/${name}`.toLowerCase() : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
