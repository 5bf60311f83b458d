import { globToRegExp } from '../../catalog/files';

/**
 * The URLs GitHub integration speaks: the web host that catalog locations name (blob URLs, as people
 * paste them) and the REST API that reads them. GitHub Enterprise Server serves its API at
 * https://HOST/api/v3 and its web pages at https://HOST.
 */
export interface GitHubHosts {
  /** e.g. https://api.github.com or https://github.example.com/api/v3, without a trailing slash. */
  apiUrl: string;
  /** e.g. https://github.com or https://github.example.com. */
  webUrl: string;
}

export function githubHosts(apiUrl: string): GitHubHosts {
  const api = apiUrl.replace(/\/+$/, '');
  const url = new URL(api);
  if (url.hostname === 'api.github.com') return { apiUrl: api, webUrl: 'https://github.com' };
  const path = url.pathname.replace(/\/api\/v3$/, '').replace(/\/+$/, '');
  return { apiUrl: api, webUrl: `${url.origin}${path}` };
}

/** One file on one branch of one repository. */
export interface RepoFile {
  owner: string;
  repo: string;
  ref: string;
  path: string;
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** The web URL of a file: what locations, errors and people see. A ref with `/` is kept in one segment. */
export function blobUrl(hosts: GitHubHosts, file: RepoFile): string {
  return `${hosts.webUrl}/${encodeURIComponent(file.owner)}/${encodeURIComponent(file.repo)}/blob/${encodeURIComponent(file.ref)}/${encodePath(file.path)}`;
}

/**
 * The repository file a URL names: a blob URL on this GitHub (`/OWNER/REPO/blob/REF/PATH`), or on
 * github.com a raw.githubusercontent.com URL. The ref is one path segment (encode `/` in branch names).
 */
export function parseFileUrl(hosts: GitHubHosts, url: string): RepoFile | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const web = new URL(hosts.webUrl);
  let segments: string[];
  if (parsed.origin === web.origin && parsed.pathname.startsWith(`${web.pathname.replace(/\/$/, '')}/`)) {
    segments = parsed.pathname.slice(web.pathname.replace(/\/$/, '').length + 1).split('/');
    if (segments[2] !== 'blob') return undefined;
    segments.splice(2, 1);
  } else if (web.hostname === 'github.com' && parsed.hostname === 'raw.githubusercontent.com') {
    segments = parsed.pathname.slice(1).split('/');
  } else {
    return undefined;
  }
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const [owner, repo, ref, ...rest] = decoded;
  // Decoded, `a%2F..%2F..` is several segments and `%2e%2e` is `..`: either would take the request
  // GitHub is sent out of this repository while this URL still names it. Only the ref may hold an
  // encoded `/`, since it travels as a query parameter.
  const unsafe = (part: string) => part === '' || part === '.' || part === '..' || part.includes('/') || part.includes('\\');
  if (!owner || !repo || !ref || rest.length === 0 || [owner, repo, ...rest].some(unsafe)) return undefined;
  return { owner, repo, ref, path: rest.join('/') };
}

/**
 * A discovery location: every repository of an organisation, and the catalog file (or glob) in each,
 * written as Backstage writes its GitHub discovery targets: https://github.com/ORG/* /blob/-/PATH
 * (`-` is each repository's default branch).
 */
export function orgTarget(hosts: GitHubHosts, org: string, catalogPath: string): string {
  return `${hosts.webUrl}/${encodeURIComponent(org)}/*/blob/-/${catalogPath}`;
}

export function parseOrgTarget(hosts: GitHubHosts, target: string): { org: string; catalogPath: string } | undefined {
  const prefix = `${hosts.webUrl}/`;
  if (!target.startsWith(prefix)) return undefined;
  const match = /^([^/]+)\/\*\/blob\/-\/(.+)$/.exec(target.slice(prefix.length));
  if (!match) return undefined;
  return { org: decodeURIComponent(match[1]!), catalogPath: match[2]! };
}

/** A team import location: the organisation's teams page. */
export function teamsTarget(hosts: GitHubHosts, org: string): string {
  return `${hosts.webUrl}/orgs/${encodeURIComponent(org)}/teams`;
}

export function parseTeamsTarget(hosts: GitHubHosts, target: string): { org: string } | undefined {
  const match = /^orgs\/([^/]+)\/teams$/.exec(target.startsWith(`${hosts.webUrl}/`) ? target.slice(hosts.webUrl.length + 1) : '');
  return match ? { org: decodeURIComponent(match[1]!) } : undefined;
}

/** True for `**\/catalog-info.yaml` and the like: the file list comes from the git trees API. */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

export function pathMatcher(glob: string): (path: string) => boolean {
  const pattern = globToRegExp(glob);
  return (path) => pattern.test(path);
}

/** The next page from a Link header (RFC 8288), as GitHub paginates. */
export function linkOf(header: string | undefined, rel: 'next' | 'last'): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="([^"]+)"/.exec(part.trim());
    if (match && match[2]!.split(/\s+/).includes(rel)) return match[1];
  }
  return undefined;
}
