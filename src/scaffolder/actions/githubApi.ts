import type { GitHubRequest, GitHubResponse } from '../../sources/github/transport';
import { parseRepoUrl } from '../expressions';
import { ActionError, stringInput, stringListInput } from './types';
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
