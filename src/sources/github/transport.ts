import type { App, Octokit } from 'octokit' with { 'resolution-mode': 'import' };

/** How Backline signs in to GitHub: a token, or a GitHub App (which then acts per organisation). */
export type GitHubAuth = { kind: 'token'; token: string } | { kind: 'app'; appId: string; privateKey: string };

/** One request to GitHub's REST API. */
export interface GitHubRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the API URL with its parameters filled in, e.g. /orgs/acme/repos. */
  path: string;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** A JSON body, for the requests that write (creating a repository, git objects, refs). */
  body?: Record<string, unknown>;
  /** The organisation (or user) the request concerns: a GitHub App answers as its installation there. */
  owner?: string;
  /** A GraphQL query (POST /graphql), which GitHub Enterprise serves beside the REST API rather than under it. */
  graphql?: boolean;
}

export interface GitHubResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  data: unknown;
}

/**
 * One HTTP exchange with GitHub, authenticated. Answers every HTTP status (304, 403, 404…) as a
 * response; throws only when there is no answer (network, DNS, TLS) or credentials cannot be obtained.
 */
export interface GitHubTransport {
  request(request: GitHubRequest): Promise<GitHubResponse>;
}

export class GitHubTransportError extends Error {
  override readonly name = 'GitHubTransportError';
}

type OctokitModule = typeof import('octokit', { with: { 'resolution-mode': 'import' } });

/**
 * The transport over octokit, which does what it is best at: authentication (a token, or a GitHub
 * App's JWT and per-installation tokens, refreshed before they expire) and building requests against
 * github.com or GitHub Enterprise.
 *
 * Its throttling and retry plugins are turned off: they wait on Bottleneck's real timers (no clock to
 * inject, so no fake clock in tests), they retry a rate limit however long the reset is (we must stop
 * and report beyond BACKLINE_GITHUB_MAX_RATE_LIMIT_WAIT), and their queue would be a second
 * concurrency bound beside ours. GitHubClient does conditional requests, waits and bounds instead.
 *
 * octokit is ESM-only and costs ~150 ms to load, so it is imported on the first request: commands
 * that never talk to GitHub (and `serve` without GitHub configured) start as fast as before.
 */
export function createOctokitTransport(options: { apiUrl: string; auth: GitHubAuth; userAgent?: string }): GitHubTransport {
  let clients: Promise<(owner: string | undefined) => Promise<Octokit>> | undefined;

  const load = async () => {
    const octokit: OctokitModule = await import('octokit');
    const Base = octokit.Octokit.defaults({
      baseUrl: options.apiUrl,
      userAgent: options.userAgent ?? 'backline',
      throttle: { enabled: false },
      retry: { enabled: false },
      // octokit's default logger writes warnings to the console; failures reach us as answers.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const { auth } = options;
    if (auth.kind === 'token') {
      const client = new Base({ auth: auth.token });
      return async () => client;
    }
    const app: App = new octokit.App({ appId: auth.appId, privateKey: auth.privateKey, Octokit: Base });
    const installations = new Map<string, Promise<Octokit>>();
    return (owner: string | undefined) => {
      if (!owner) throw new GitHubTransportError('A GitHub App authenticates per organisation, but this request names none');
      const key = owner.toLowerCase();
      let client = installations.get(key);
      if (!client) {
        client = installationClient(octokit, app, owner);
        installations.set(key, client);
        // A failed lookup (the App not installed yet) is retried on the next request.
        client.catch(() => installations.delete(key));
      }
      return client;
    };
  };

  return {
    async request(request) {
      const clientFor = await (clients ??= load());
      const client = await clientFor(request.owner);
      try {
        const response = await client.request({
          method: request.method,
          url: request.path,
          ...(request.graphql && { baseUrl: graphqlBaseUrl(options.apiUrl) }),
          ...request.query,
          ...(request.body && { data: request.body }),
          headers: request.headers ?? {},
        });
        return { status: response.status, headers: response.headers as GitHubResponse['headers'], data: response.data };
      } catch (error) {
        return answerOf(error);
      }
    },
  };
}

/** github.com answers GraphQL at api.github.com/graphql; GitHub Enterprise at /api/graphql, not /api/v3/graphql. */
export function graphqlBaseUrl(apiUrl: string): string {
  return apiUrl.replace(/\/api\/v3\/?$/, '/api');
}

async function installationClient(octokit: OctokitModule, app: App, owner: string): Promise<Octokit> {
  for (const path of ['/orgs/{owner}/installation', '/users/{owner}/installation']) {
    try {
      const { data } = await app.octokit.request(`GET ${path}`, { owner });
      return await app.getInstallationOctokit((data as { id: number }).id);
    } catch (error) {
      if (error instanceof octokit.RequestError && error.status === 404) continue;
      throw new GitHubTransportError(`The GitHub App could not authenticate for ${owner}: ${(error as Error).message}`, { cause: error });
    }
  }
  throw new GitHubTransportError(`The GitHub App is not installed on ${owner}: install it from the App's settings page (Install App), giving it access to the repositories to read`);
}

/** octokit throws for 304 and 4xx/5xx; those are answers, not failures, for the layer above. */
function answerOf(error: unknown): GitHubResponse {
  const failed = error as { status?: number; response?: { status: number; headers: Record<string, string | undefined>; data: unknown } };
  if (failed.response) return { status: failed.response.status, headers: failed.response.headers, data: failed.response.data };
  throw new GitHubTransportError(`GitHub did not answer: ${(error as Error).message}`, { cause: error });
}
