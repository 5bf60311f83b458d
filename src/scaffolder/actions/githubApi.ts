import type { GitHubRequest, GitHubResponse } from '../../sources/github/transport';
import { parseRepoUrl } from '../expressions';
import { ActionError, stringInput, stringListInput, type ActionContext } from './types';
import { checkName } from './workspaceFiles';

/** GitHub's REST API as the scaffolder's actions need it: one request, answered with any status. */
export interface GitHubApi {
  request(request: GitHubRequest): Promise<GitHubResponse>;
}

/**
 * The repository a GitHub action's `repoUrl` names, if Backline may write to it: on the configured
 * GitHub host (GITHUB_API_URL), and on one of the step's `allowedHosts` when it lists any.
 */
export function repoTarget(input: Record<string, unknown>, action: string, webUrl: string): { owner: string; repo: string } {
  const repoUrl = stringInput(input, 'repoUrl', { required: true, action });
  let parsed: ReturnType<typeof parseRepoUrl>;
  try {
    parsed = parseRepoUrl(repoUrl);
  } catch (error) {
    throw new ActionError(`${action}: ${(error as Error).message}`);
  }
  const owner = checkName(parsed.owner, 'organisation', action);
  const repo = checkName(parsed.repo, 'repository name', action);
  const allowedHosts = stringListInput(input, 'allowedHosts', action);
  const webHost = new URL(webUrl).host;
  // Host names compare without case; otherwise exactly: listing github.com allows github.com only.
  const host = parsed.host.toLowerCase();
  if (host !== webHost.toLowerCase()) throw new ActionError(`${action}: the repository is on ${parsed.host}, but Backline publishes to ${webHost} (GITHUB_API_URL)`);
  if (allowedHosts.length && !allowedHosts.some((allowed) => allowed.toLowerCase() === host)) {
    throw new ActionError(`${action}: ${parsed.host} is not one of the template's allowedHosts (${allowedHosts.join(', ')})`);
  }
  return { owner, repo };
}

export type Call = (request: GitHubRequest, expected: number[], what: string) => Promise<GitHubResponse>;

/** A request that must answer one of `expected`; anything else fails the step with GitHub's own message. */
export function caller(api: GitHubApi, owner: string): Call {
  return async (request, expected, what) => {
    const response = await api.request({ ...request, owner });
    if (!expected.includes(response.status)) {
      const said = (response.data as { message?: unknown } | null)?.message;
      throw new ActionError(`GitHub answered ${response.status} when ${what} (${request.method} ${request.path})${typeof said === 'string' && said ? `: ${said}` : ''}`);
    }
    return response;
  };
}

/** The key under which a task records the repository it created, so that a retry finds it. */
export function repositoryKey(owner: string, repo: string): string {
  return `github:${owner}/${repo}`.toLowerCase();
}

/**
 * Creates `owner/repo` in its organisation with `settings`, initialised with a README (GitHub's git
 * data API cannot write to an empty repository), and records it as left behind until its files are
 * in. On a retry it finds the repository an earlier attempt created instead. Answers its default branch.
 */
export async function createOrReuseRepository(
  api: GitHubApi,
  context: ActionContext,
  target: { action: string; owner: string; repo: string; remoteUrl: string; settings: Record<string, unknown> },
): Promise<string> {
  const { action, owner, repo, remoteUrl } = target;
  const key = repositoryKey(owner, repo);
  const branchOf = (answer: GitHubResponse) => String((answer.data as { default_branch?: unknown }).default_branch ?? 'main');
  if (context.previouslyLeftBehind.some((item) => item.key === key)) {
    const existing = await api.request({ method: 'GET', path: `/repos/${owner}/${repo}`, owner });
    if (existing.status !== 200) throw new ActionError(`${action}: the repository ${owner}/${repo} created by the last attempt is gone (GitHub answered ${existing.status}); retry to create it again`);
    context.log(`${action}: using ${owner}/${repo}, created by an earlier attempt`);
    return branchOf(existing);
  }
  const created = await api.request({ method: 'POST', path: `/orgs/${owner}/repos`, owner, body: { name: repo, ...target.settings, auto_init: true } });
  if (created.status === 422) throw new ActionError(`${action}: the repository ${owner}/${repo} already exists on GitHub; choose another name`);
  if (created.status === 404) throw new ActionError(`${action}: GitHub has no organisation ${owner} that Backline's credentials can create repositories in`);
  if (created.status === 403) throw new ActionError(`${action}: GitHub refused to create ${owner}/${repo} (403): the token or GitHub App needs the Administration: write permission on ${owner}`);
  if (created.status !== 201) throw new ActionError(`GitHub answered ${created.status} when creating the repository (POST /orgs/${owner}/repos)`);
  context.leave({ kind: 'repository', key, description: `the GitHub repository ${owner}/${repo} (${remoteUrl}), created but without the template's files`, complete: false });
  return branchOf(created);
}
