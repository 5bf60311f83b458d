import type { App, Octokit } from 'octokit' with { 'resolution-mode': 'import' };
import type { GitHubAuth } from './transport';

/** GitHub's x-ratelimit-* headers of the latest answer. */
export interface GitHubRateLimit {
  limit: number;
  remaining: number;
  /** Milliseconds since the epoch. */
  resetAt: number;
}

export type GitHubProbeFailure = 'unauthorized' | 'forbidden' | 'not_found' | 'rate_limited' | 'not_installed' | 'unreachable' | 'failed';

export type GitHubProbeResult<T> = ({ ok: true; value: T } | { ok: false; failure: GitHubProbeFailure; message: string }) & { rateLimit: GitHubRateLimit | null };

/**
 * One question each to GitHub for `backline doctor`: do the credentials sign in, and can they read
 * an organisation's repositories. Every answer, including no answer, is a result; nothing throws.
 */
export interface GitHubProbe {
  readonly auth: GitHubAuth['kind'];
  /** A token: GET /rate_limit (free of rate limit). An App: GET /app, signed with its JWT. `value` names the App. */
  signIn(): Promise<GitHubProbeResult<{ app: string | null }>>;
  /** The first repository of the organisation as discovery lists them (for an App, as its installation there). */
  organisation(org: string): Promise<GitHubProbeResult<{ repositories: number }>>;
}

type OctokitModule = typeof import('octokit', { with: { 'resolution-mode': 'import' } });
interface Answer {
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

/**
 * The probe over octokit, configured as the transport configures it (no throttling or retries: a
 * doctor reports what GitHub answers now), with every request bounded by `timeoutMs`.
 */
export function createGitHubProbe(options: { apiUrl: string; auth: GitHubAuth; timeoutMs: number }): GitHubProbe {
  const { auth } = options;
  let loaded: Promise<{ octokit: OctokitModule; client: Octokit | undefined; app: App | undefined }> | undefined;
  const load = () =>
    (loaded ??= import('octokit').then((octokit) => {
      const Base = octokit.Octokit.defaults({
        baseUrl: options.apiUrl,
        userAgent: 'backline',
        throttle: { enabled: false },
        retry: { enabled: false },
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      });
      if (auth.kind === 'token') return { octokit, client: new Base({ auth: auth.token }), app: undefined };
      return { octokit, client: undefined, app: new octokit.App({ appId: auth.appId, privateKey: auth.privateKey, Octokit: Base }) };
    }));

  const send = async (client: Octokit, route: string, parameters: Record<string, unknown> = {}): Promise<Answer> => {
    try {
      const response = await client.request(route, { ...parameters, request: { signal: AbortSignal.timeout(options.timeoutMs) } });
      return { status: response.status, headers: response.headers, data: response.data };
    } catch (error) {
      const failed = error as { response?: Answer; message?: string };
      if (failed.response) return failed.response;
      throw new Unanswered(`GitHub did not answer at ${options.apiUrl} within ${Math.round(options.timeoutMs / 1000)} s or could not be reached (${failed.message ?? String(error)})`);
    }
  };

  /** The installation's client for an organisation (or user), or why there is none. */
  const installation = async (app: App, owner: string): Promise<Octokit | GitHubProbeResult<never>> => {
    for (const route of ['GET /orgs/{owner}/installation', 'GET /users/{owner}/installation']) {
      const answer = await send(app.octokit, route, { owner });
      if (answer.status === 404) continue;
      if (answer.status !== 200) return failureOf(answer, `looking up the GitHub App's installation on ${owner}`);
      try {
        return await app.getInstallationOctokit((answer.data as { id: number }).id);
      } catch (error) {
        return { ok: false, failure: 'failed', message: `GitHub did not give the App a token for ${owner}: ${(error as Error).message}`, rateLimit: null };
      }
    }
    return { ok: false, failure: 'not_installed', message: `The GitHub App is not installed on ${owner}`, rateLimit: null };
  };

  return {
    auth: auth.kind,
    async signIn() {
      try {
        const { client, app } = await load();
        if (client) {
          const answer = await send(client, 'GET /rate_limit');
          return answer.status === 200 ? { ok: true, value: { app: null }, rateLimit: rateLimitOf(answer) } : failureOf(answer, 'GET /rate_limit');
        }
        const answer = await send(app!.octokit, 'GET /app');
        if (answer.status !== 200) return failureOf(answer, 'GET /app');
        const data = answer.data as { name?: string; slug?: string; id?: number };
        return { ok: true, value: { app: `${data.name ?? data.slug ?? 'the App'} (App ${data.id ?? (auth.kind === 'app' ? auth.appId : '?')})` }, rateLimit: null };
      } catch (error) {
        return unanswered(error);
      }
    },
    async organisation(org) {
      try {
        const { client, app } = await load();
        const reader = client ?? (await installation(app!, org));
        if (!('request' in reader)) return reader;
        const answer = await send(reader, 'GET /orgs/{org}/repos', { org, type: 'all', sort: 'created', direction: 'asc', per_page: 1 });
        if (answer.status !== 200) return failureOf(answer, `GET /orgs/${org}/repos`);
        return { ok: true, value: { repositories: Array.isArray(answer.data) ? answer.data.length : 0 }, rateLimit: rateLimitOf(answer) };
      } catch (error) {
        return unanswered(error);
      }
    },
  };
}

class Unanswered extends Error {}

function unanswered(error: unknown): GitHubProbeResult<never> {
  return { ok: false, failure: error instanceof Unanswered ? 'unreachable' : 'failed', message: (error as Error).message, rateLimit: null };
}

function rateLimitOf(answer: Answer): GitHubRateLimit | null {
  const header = (name: string) => Number(answer.headers[name]);
  const [limit, remaining, reset] = [header('x-ratelimit-limit'), header('x-ratelimit-remaining'), header('x-ratelimit-reset')];
  return Number.isFinite(limit) && Number.isFinite(remaining) && Number.isFinite(reset) && answer.headers['x-ratelimit-remaining'] !== undefined ? { limit, remaining, resetAt: reset * 1000 } : null;
}

function failureOf(answer: Answer, what: string): GitHubProbeResult<never> {
  const said = (answer.data as { message?: unknown } | null)?.message;
  const message = `GitHub answered ${answer.status} to ${what}${typeof said === 'string' && said ? `: ${said}` : ''}`;
  const rateLimit = rateLimitOf(answer);
  const limited = (answer.status === 403 || answer.status === 429) && (rateLimit?.remaining === 0 || answer.headers['retry-after'] !== undefined || /rate limit/i.test(String(said ?? '')));
  const failure: GitHubProbeFailure = limited ? 'rate_limited' : answer.status === 401 ? 'unauthorized' : answer.status === 403 ? 'forbidden' : answer.status === 404 ? 'not_found' : 'failed';
  return { ok: false, failure, message, rateLimit };
}
