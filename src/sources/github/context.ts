import type { DeclaredRepositories, OwnershipCorrections } from '../../catalog/corrections';
import type { CacheEntry } from './cache';
import { GitHubError, type CachedAnswer, type GitHubClient } from './client';
import type { GitHubRequest } from './transport';
import { blobUrl, type GitHubHosts, type RepoFile } from './urls';

/**
 * What the GitHub sources share within one process: the client, the hosts, and what discovery
 * learned this pass, so the URL reader that reads each discovered file asks nothing twice.
 */
export interface GitHubContext {
  client: GitHubClient;
  hosts: GitHubHosts;
  maxBytes: number;
  includeArchived: boolean;
  includeForks: boolean;
  /** Repositories without a catalog file become inferred Components. */
  infer: boolean;
  /** Owners teams rejected for a repository, which inference passes over. */
  corrections?: OwnershipCorrections;
  /** Repositories a declared entity stands for (its slug), which are not inferred even without a catalog file of their own. */
  declared?: DeclaredRepositories;
  /** Catalog files discovery has just read, by blob URL, and inferred Components by repository URL; each is taken once. */
  prefetched: Map<string, Prefetched>;
  /** `owner/repo` (lower case) → pushed_at, from the latest repository listing. */
  repoVersions: Map<string, string>;
  /** Repositories a webhook said changed (`owner/repo`, lower case): asked even when they look unchanged. */
  stale: Set<string>;
  /** What the latest discovery of each organisation (lower case) found, for reports. */
  discoveries: Map<string, Discovery>;
  now(): number;
}

export interface Discovery {
  org: string;
  repositories: number;
  /** Archived, forked or disabled repositories left out. */
  skipped: number;
  catalogFiles: number;
  /** Repositories without a catalog file, inferred. */
  inferred: number;
}

export type Prefetched = { at: number; etag: string | null; text: string } | { at: number; error: string };

/** Prefetched files older than this are not trusted (a pass that never read them). */
export const PREFETCH_TTL_MS = 10 * 60_000;

export const repoKey = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export function contentsRequest(file: RepoFile): GitHubRequest {
  // The request path is normalised on its way out, so a `..` segment would leave this repository.
  if (file.path.split('/').some((part) => part === '' || part === '.' || part === '..' || part.includes('\\'))) throw new GitHubError(`${file.owner}/${file.repo}: "${file.path}" is not a path inside the repository`);
  return { method: 'GET', path: `/repos/${encodeURIComponent(file.owner)}/${encodeURIComponent(file.repo)}/contents/${encodePath(file.path)}`, query: { ref: file.ref }, owner: file.owner };
}

/**
 * Reads one file through the contents API (raw media type), conditionally; at `version` (the
 * repository's pushed_at) a cached answer is trusted without asking. Not found is `found: false`.
 */
export async function readRepoFile(context: GitHubContext, file: RepoFile, options: { version?: string; force?: boolean; entry?: CacheEntry | null } = {}): Promise<CachedAnswer<string>> {
  const url = blobUrl(context.hosts, file);
  return context.client.getCached<string>({
    request: contentsRequest(file),
    accept: 'raw',
    keep: (data) => asText(data, url, context.maxBytes),
    version: options.version,
    force: options.force,
    entry: options.entry,
    rememberAbsent: true,
  });
}

function asText(data: unknown, url: string, maxBytes: number): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data instanceof ArrayBuffer ? Buffer.from(data) : undefined;
  if (!bytes) throw new GitHubError(`${url} did not come back as a file (is it a folder?)`);
  if (bytes.length > maxBytes) throw new GitHubError(`${url} is ${bytes.length} bytes, over the ${maxBytes}-byte limit for a catalog file (BACKLINE_MAX_FILE_BYTES)`);
  if (bytes.includes(0)) throw new GitHubError(`${url} is a binary file, not YAML`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new GitHubError(`${url} is not valid UTF-8 text`);
  }
}
