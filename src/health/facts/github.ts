import type { StoredEntity } from '../../catalog/store';
import type { CachedAnswer, GitHubClient } from '../../sources/github/client';
import type { GitHubRequest } from '../../sources/github/transport';
import type { GitHubHosts } from '../../sources/github/urls';
import type { Facts } from '../model';

export interface GitHubFactsSource {
  client: GitHubClient;
  hosts: GitHubHosts;
}

export const GITHUB_FACT_NAMES = ['github.hasReadme', 'github.hasCodeowners', 'github.hasWorkflow', 'github.branchProtected', 'github.daysSinceLastCommit'] as const;
const UNKNOWN: Facts = Object.fromEntries(GITHUB_FACT_NAMES.map((name) => [name, null]));
const DAY_MS = 24 * 60 * 60_000;

interface RepoInfo {
  defaultBranch: string;
  pushedAt: string;
}
interface Listing {
  names: string[];
  dirs: string[];
}
interface BranchInfo {
  protected: boolean;
  lastCommitAt: string | null;
}

/** The repository an entity names: github.com/project-slug, else a backstage.io/source-location on this GitHub. */
export function repositoryOf(entity: StoredEntity, hosts: GitHubHosts): { owner: string; repo: string } | null {
  const annotations = entity.entity.metadata.annotations ?? {};
  const slug = /^([^/\s]+)\/([^/\s]+)$/.exec(annotations['github.com/project-slug']?.trim() ?? '');
  if (slug) return { owner: slug[1]!, repo: slug[2]!.replace(/\.git$/, '') };
  const location = annotations['backstage.io/source-location']?.trim().replace(/^url:/, '');
  if (!location) return null;
  const web = hosts.webUrl.replace(/\/+$/, '');
  if (!location.toLowerCase().startsWith(`${web.toLowerCase()}/`)) return null;
  const [owner, repo] = location.slice(web.length + 1).split(/[/?#]/);
  return owner && repo ? { owner, repo: repo.replace(/\.git$/, '') } : null;
}

/**
 * README, CODEOWNERS, a workflow, branch protection and the last commit of each entity's
 * repository, by entity ref key. Every read is conditional (the repository and its default branch
 * are revalidated with their ETags, which GitHub answers 304 for free; folder listings are trusted
 * while the repository's pushed_at is unchanged), so an unchanged repository costs no rate limit.
 * Repositories are read a few at a time; one that fails gets null facts, and the others go on.
 * Repositories already in `answers` (see readRepositories) are not read again.
 */
export async function githubFacts(
  entities: StoredEntity[],
  source: GitHubFactsSource | undefined,
  options: { now: Date; concurrency?: number; onError?: (repo: string, error: unknown) => void; answers?: Map<string, Facts> },
): Promise<Map<string, Facts>> {
  const facts = new Map<string, Facts>();
  const answers = options.answers ?? new Map<string, Facts>();
  const repoOf = await readRepositories(entities, source, answers, options);
  for (const entity of entities) {
    const key = repoOf.get(entity.refKey);
    facts.set(entity.refKey, key ? answers.get(key)! : UNKNOWN);
  }
  return facts;
}

/**
 * Reads the repositories of the entities that are not yet in `answers`, and keeps their facts
 * there by owner/repo; answers each entity's repository key (null without one). An evaluation of
 * the whole catalog reads every repository this way before it writes anything, so that GitHub is
 * not asked while its write is open.
 */
export async function readRepositories(
  entities: StoredEntity[],
  source: GitHubFactsSource | undefined,
  answers: Map<string, Facts>,
  options: { now: Date; concurrency?: number; onError?: (repo: string, error: unknown) => void },
): Promise<Map<string, string | null>> {
  const repoOf = new Map<string, string | null>();
  const repos = new Map<string, { owner: string; repo: string }>();
  for (const entity of entities) {
    const repo = source ? repositoryOf(entity, source.hosts) : null;
    const key = repo ? `${repo.owner}/${repo.repo}`.toLowerCase() : null;
    repoOf.set(entity.refKey, key);
    if (repo && key && !answers.has(key)) repos.set(key, repo);
  }
  const queue = [...repos.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, repo] = next;
      try {
        answers.set(key, await readRepository(source!.client, repo.owner, repo.repo, options.now));
      } catch (error) {
        options.onError?.(key, error);
        answers.set(key, UNKNOWN);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, worker));
  return repoOf;
}

async function readRepository(client: GitHubClient, owner: string, repo: string, now: Date): Promise<Facts> {
  const base = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const get = (path: string, query?: Record<string, string>): GitHubRequest => ({ method: 'GET', path: `${base}${path}`, ...(query && { query }), owner });
  const info = await client.getCached<RepoInfo>({
    request: get(''),
    keep: (data) => {
      const value = data as { default_branch?: string; pushed_at?: string | null };
      return { defaultBranch: value.default_branch ?? 'main', pushedAt: value.pushed_at ?? '' };
    },
  });
  // A repository that is gone (or hidden from these credentials) says nothing about the entity.
  if (!info.found) return UNKNOWN;
  const { defaultBranch, pushedAt } = info.data;
  const list = async (path: string): Promise<Listing | null> => {
    const answer: CachedAnswer<Listing> = await client.getCached<Listing>({
      request: get(`/contents${path ? `/${path}` : ''}`, { ref: defaultBranch }),
      keep: (data) => {
        const items = Array.isArray(data) ? (data as Array<{ name?: string; type?: string }>) : [];
        return { names: items.filter((item) => item.type !== 'dir').map((item) => item.name ?? ''), dirs: items.filter((item) => item.type === 'dir').map((item) => item.name ?? '') };
      },
      // Folder contents change only with a push: at the same pushed_at, the cached listing holds.
      version: pushedAt || undefined,
      rememberAbsent: true,
    });
    return answer.found ? answer.data : null;
  };
  const [root, branch] = await Promise.all([
    list(''),
    client.getCached<BranchInfo>({
      request: get(`/branches/${encodeURIComponent(defaultBranch)}`),
      keep: (data) => {
        const value = data as { protected?: boolean; commit?: { commit?: { committer?: { date?: string }; author?: { date?: string } } } };
        return { protected: value.protected === true, lastCommitAt: value.commit?.commit?.committer?.date ?? value.commit?.commit?.author?.date ?? null };
      },
    }),
  ]);
  const dirs = new Set((root?.dirs ?? []).map((name) => name.toLowerCase()));
  const github = dirs.has('.github') ? await list('.github') : null;
  const workflows = github?.dirs.some((name) => name === 'workflows') ? await list('.github/workflows') : null;
  const codeownersIn = (listing: Listing | null) => Boolean(listing?.names.includes('CODEOWNERS'));
  let hasCodeowners = codeownersIn(root) || codeownersIn(github);
  if (!hasCodeowners && dirs.has('docs')) hasCodeowners = codeownersIn(await list('docs'));
  const lastCommitAt = branch.found && branch.data.lastCommitAt ? Date.parse(branch.data.lastCommitAt) : NaN;
  return {
    'github.hasReadme': Boolean(root?.names.some((name) => /^readme(\.[a-z0-9]+)?$/i.test(name))),
    'github.hasCodeowners': hasCodeowners,
    'github.hasWorkflow': Boolean(workflows?.names.some((name) => /\.ya?ml$/i.test(name))),
    'github.branchProtected': branch.found ? branch.data.protected : null,
    'github.daysSinceLastCommit': Number.isFinite(lastCommitAt) ? Math.max(0, Math.floor((now.getTime() - lastCommitAt) / DAY_MS)) : null,
  };
}
