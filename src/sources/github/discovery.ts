import type { LocationSource, SourceRead } from '../../catalog/locationSources';
import type { UrlReader } from '../../catalog/placeholders';
import type { LocationTarget } from '../../catalog/processing';
import { sha256 } from '../../catalog/files';
import type { CacheEntry } from './cache';
import { GitHubRateLimitError } from './client';
import { contentsRequest, PREFETCH_TTL_MS, readRepoFile, repoKey, type GitHubContext } from './context';
import { inferredChildren } from './inferredSource';
import { listAll } from './pages';
import { blobUrl, isGlob, parseFileUrl, parseOrgTarget, pathMatcher, type RepoFile } from './urls';

/** A repository as the organisation listing shows it, trimmed to what discovery needs. */
export interface ListedRepo {
  owner: string;
  name: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  disabled: boolean;
  /** Changes with every push to any branch; unchanged means the catalog file cannot have changed. */
  pushedAt: string;
  nodeId: string;
  description: string | null;
  topics: string[];
  language: string | null;
}

/**
 * The `github-org` location type: every repository of an organisation (archived repositories and
 * forks skipped unless configured), and in each the catalog file on its default branch, or every file
 * a glob matches (through the git trees API). Each file becomes a `url` child location, read by the
 * GitHub URL reader, so a file that stops parsing keeps its entities and a repository that goes away
 * (or loses its file) takes its entities with it on the next pass.
 *
 * A repository whose pushed_at has not changed since its file was last read costs no request: a
 * listing page GitHub answers 304 proves that for up to 100 repositories at once.
 */
export function createOrgSource(context: GitHubContext): LocationSource {
  return {
    async read(location): Promise<SourceRead> {
      const target = parseOrgTarget(context.hosts, location.target);
      if (!target) return { kind: 'failed', message: `${location.target} is not a GitHub organisation location (expected ${context.hosts.webUrl}/ORG/*/blob/-/catalog-info.yaml)` };
      try {
        const children = await discover(context, target.org, target.catalogPath);
        if (!children) return { kind: 'failed', message: `The GitHub organisation ${target.org} was not found at ${context.hosts.webUrl}, or the credentials cannot see it` };
        return { kind: 'children', children, hash: sha256(JSON.stringify(children)) };
      } catch (error) {
        return { kind: 'failed', message: `Reading the repositories of ${target.org}: ${(error as Error).message}` };
      }
    },
  };
}

export async function listRepos(context: GitHubContext, org: string): Promise<ListedRepo[] | undefined> {
  // Oldest first, so a new repository lands on the last page and earlier pages keep their ETags.
  return listAll(context.client, { path: `/orgs/${encodeURIComponent(org)}/repos`, query: { type: 'all', sort: 'created', direction: 'asc' }, owner: org }, (item) => {
    const repo = item as {
      name: string;
      node_id?: string;
      owner?: { login?: string };
      default_branch?: string;
      archived?: boolean;
      fork?: boolean;
      disabled?: boolean;
      pushed_at?: string | null;
      description?: string | null;
      topics?: unknown;
      language?: string | null;
    };
    return {
      owner: repo.owner?.login ?? org,
      name: repo.name,
      defaultBranch: repo.default_branch ?? 'main',
      archived: Boolean(repo.archived),
      fork: Boolean(repo.fork),
      disabled: Boolean(repo.disabled),
      pushedAt: repo.pushed_at ?? '',
      nodeId: repo.node_id ?? '',
      description: typeof repo.description === 'string' ? withoutControls(repo.description) : null,
      topics: Array.isArray(repo.topics) ? repo.topics.filter((topic): topic is string => typeof topic === 'string').map(withoutControls) : [],
      language: typeof repo.language === 'string' ? withoutControls(repo.language) : null,
    };
  });
}

/** Control characters have no place in a description, and PostgreSQL cannot store NUL (the listing is cached as JSON). */
function withoutControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

async function discover(context: GitHubContext, org: string, catalogPath: string): Promise<LocationTarget[] | undefined> {
  const repos = await listRepos(context, org);
  if (!repos) return undefined;
  const now = context.now();
  for (const [url, prefetched] of context.prefetched) if (now - prefetched.at > PREFETCH_TTL_MS) context.prefetched.delete(url);
  const wanted = repos.filter((repo) => !repo.disabled && (context.includeArchived || !repo.archived) && (context.includeForks || !repo.fork));
  // Reading a repository's file clears its mark; inference, later in the pass, must still see it.
  const stale = new Set(context.stale);
  for (const repo of repos) context.repoVersions.set(repoKey(repo.owner, repo.name), repo.pushedAt);

  const glob = isGlob(catalogPath);
  const first = (repo: ListedRepo): RepoFile => ({ owner: repo.owner, repo: repo.name, ref: repo.defaultBranch, path: catalogPath });
  const keys = wanted.map((repo) => (glob ? treeKey(context, repo, catalogPath) : context.client.keyOf(contentsRequest(first(repo)), 'raw')));
  const entries = await context.client.cacheStore.getMany(keys);
  const found = await Promise.all(
    wanted.map(async (repo, index) => {
      const entry = entries.get(keys[index]!) ?? null;
      const files = glob ? await filesMatching(context, repo, catalogPath, entry) : await fileIfPresent(context, repo, first(repo), entry);
      context.stale.delete(repoKey(repo.owner, repo.name));
      return files;
    }),
  );
  const children = found.flat().sort((a, b) => a.target.localeCompare(b.target));
  // Declared wins: a repository with a catalog file, or one a declared entity elsewhere stands for
  // (by its slug), is not inferred.
  const declaredElsewhere = context.infer ? ((await context.declared?.declaredIn(org)) ?? new Set<string>()) : new Set<string>();
  const undeclared = wanted.filter((repo, index) => found[index]!.length === 0 && !declaredElsewhere.has(repoKey(repo.owner, repo.name)));
  const inferred = context.infer ? await inferredChildren(context, org, undeclared, stale) : [];
  context.discoveries.set(org.toLowerCase(), { org, repositories: repos.length, skipped: repos.length - wanted.length, catalogFiles: children.length, inferred: inferred.length });
  return [...children, ...inferred];
}

async function fileIfPresent(context: GitHubContext, repo: ListedRepo, file: RepoFile, entry: CacheEntry | null): Promise<LocationTarget[]> {
  const url = blobUrl(context.hosts, file);
  try {
    const answer = await readRepoFile(context, file, { version: repo.pushedAt, force: context.stale.has(repoKey(repo.owner, repo.name)), entry });
    if (!answer.found) return [];
    context.prefetched.set(url, { at: context.now(), etag: answer.etag, text: answer.data });
  } catch (error) {
    // Out of rate limit: the whole pass stops, and every location keeps what it has.
    if (error instanceof GitHubRateLimitError) throw error;
    // One repository failing (a 403, a 5xx after retries) fails its own location only, which keeps
    // its last good entities; dropping it from the children would remove them.
    context.prefetched.set(url, { at: context.now(), error: (error as Error).message });
  }
  return [{ type: 'url', target: url }];
}

async function filesMatching(context: GitHubContext, repo: ListedRepo, glob: string, entry: CacheEntry | null): Promise<LocationTarget[]> {
  const stale = context.stale.has(repoKey(repo.owner, repo.name));
  let paths: string[];
  try {
    const tree = await context.client.getCached<string[]>({
      request: treeRequest(repo),
      keySuffix: glob,
      // Only the matching paths are kept: a monorepo's full tree can be megabytes.
      keep: (data) => {
        const matches = pathMatcher(glob);
        const items = ((data as { tree?: Array<{ path: string; type: string }> }).tree ?? []).filter((item) => item.type === 'blob' && matches(item.path));
        // A tree over GitHub's 100,000-entry limit comes back truncated; what it lists is still read.
        return items.map((item) => item.path).sort();
      },
      version: repo.pushedAt,
      force: stale,
      // An empty repository has no tree (409).
      absent: [404, 409],
      rememberAbsent: true,
      entry,
    });
    if (!tree.found) return [];
    paths = tree.data;
  } catch (error) {
    if (error instanceof GitHubRateLimitError) throw error;
    // The tree could not be read: the files found last time fail on their own (keeping their
    // entities) rather than disappearing from the children, which would remove them.
    const known = entry?.status === 200 ? (entry.body as string[]) : [];
    const message = `${repo.owner}/${repo.name}: ${(error as Error).message}`;
    return known.map((path) => {
      const url = blobUrl(context.hosts, { owner: repo.owner, repo: repo.name, ref: repo.defaultBranch, path });
      context.prefetched.set(url, { at: context.now(), error: message });
      return { type: 'url' as const, target: url };
    });
  }
  const files = paths.map((path) => ({ owner: repo.owner, repo: repo.name, ref: repo.defaultBranch, path }));
  const keys = files.map((file) => context.client.keyOf(contentsRequest(file), 'raw'));
  const entries = await context.client.cacheStore.getMany(keys);
  const found = await Promise.all(files.map((file, index) => fileIfPresent(context, repo, file, entries.get(keys[index]!) ?? null)));
  return found.flat();
}

function treeRequest(repo: ListedRepo) {
  return { method: 'GET' as const, path: `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/git/trees/${encodeURIComponent(repo.defaultBranch)}`, query: { recursive: 1 }, owner: repo.owner };
}

function treeKey(context: GitHubContext, repo: ListedRepo, glob: string): string {
  return context.client.keyOf(treeRequest(repo), 'json', glob);
}

/**
 * Reads files on this GitHub by their web URL (blob URLs, and raw.githubusercontent.com on
 * github.com) through the contents API: the `url` locations discovery creates, and `$text`, `$json`
 * and `$yaml` placeholders pointing into repositories. Answers "not modified" when the caller's ETag
 * still holds.
 */
export function createGitHubUrlReader(context: GitHubContext): UrlReader {
  return {
    canRead: (url) => parseFileUrl(context.hosts, url) !== undefined,
    repositoryOf: (url) => {
      const file = parseFileUrl(context.hosts, url);
      return file && { owner: file.owner, repo: file.repo };
    },
    async read(url, options = {}) {
      let text: string;
      let etag: string | null;
      const prefetched = context.prefetched.get(url);
      if (prefetched && context.now() - prefetched.at <= PREFETCH_TTL_MS) {
        context.prefetched.delete(url);
        if ('error' in prefetched) throw new Error(prefetched.error);
        ({ text, etag } = prefetched);
      } else {
        const file = parseFileUrl(context.hosts, url);
        if (!file) throw new Error(`${url} is not a file on ${context.hosts.webUrl}`);
        const key = repoKey(file.owner, file.repo);
        const answer = await readRepoFile(context, file, { version: context.repoVersions.get(key), force: context.stale.has(key) });
        if (!answer.found) throw new Error(`${file.owner}/${file.repo} has no ${file.path} on ${file.ref} (404)`);
        ({ data: text, etag } = answer);
      }
      if (options.etag && etag === options.etag) return { notModified: true };
      return { text, etag };
    },
  };
}
