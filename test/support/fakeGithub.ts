/**
 * A loopback fake of GitHub's REST API, as GitHub Enterprise lays it out (`url` ends in /api/v3, web
 * URLs are at `web`), for tests and benchmarks that run the real octokit transport against it.
 *
 * It serves what discovery and team import read (organisation repositories, contents, git trees,
 * teams, members, users, and a GitHub App's installation tokens), and what publishing writes
 * (repositories created in an organisation, the git data API's blobs, trees, commits and refs,
 * topics, the default branch, team access), with GitHub's behaviour where it
 * matters to Backline: Link-header pagination, ETags and 304 answers to If-None-Match, rate-limit
 * headers, primary and secondary rate limits on demand, and 401 for requests without valid
 * credentials. It records every request, and the most requests it ever had in flight at once.
 */
import { createHash, createVerify, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerGraphql, operationOf } from './fakeGithubGraphql';

export interface FakeRepoOptions {
  files?: Record<string, string>;
  defaultBranch?: string;
  archived?: boolean;
  fork?: boolean;
  description?: string;
  topics?: string[];
  /** The primary language, as GitHub's listing names it (e.g. TypeScript). */
  language?: string;
  /** Team slug → permission (pull, triage, push, maintain, admin). */
  teams?: Record<string, string>;
}

interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  pushedAt: string;
  files: Map<string, string>;
  description?: string;
  private?: boolean;
  topics?: string[];
  language?: string;
  /** Team slug → permission, from PUT /orgs/{org}/teams/{slug}/repos/{owner}/{repo}. */
  teams?: Map<string, string>;
  /** Git objects written through the git data API. */
  git?: FakeGitObjects;
  pulls?: FakePull[];
  labels?: Map<number, string[]>;
  hooks?: Array<Record<string, unknown>>;
  dispatches?: Array<{ workflow: string; ref: string; inputs: unknown }>;
  /** What github:repo:create and github:repo:push set beyond files: settings, people, protection, variables. */
  settings?: Record<string, unknown>;
  collaborators?: Map<string, string>;
  protection?: Map<string, Record<string, unknown>>;
  signedBranches?: Set<string>;
  variables?: Map<string, string>;
}

/** A repository's settings, user collaborators, branch protection and Actions variables, as a test sees them. */
export interface FakeRepositorySettings {
  /** The body of the request that created it (visibility, merge options, homepage, …). */
  settings: Record<string, unknown>;
  collaborators: Record<string, string>;
  protection: Record<string, Record<string, unknown>>;
  signedBranches: string[];
  variables: Record<string, string>;
}

interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open';
  reviewers: string[];
  teamReviewers: string[];
}

/** A pull request as a test sees it: what GitHub would show, with the files of its head branch. */
export interface FakePullRequestState extends Omit<FakePull, 'state'> {
  /** Every file on the head branch. */
  files: Record<string, string>;
  /** Commits on the head branch that the base branch does not have. */
  commits: number;
}

interface FakeGitObjects {
  blobs: Map<string, string>;
  trees: Map<string, Map<string, string>>;
  commits: Map<string, { tree: string; parents: string[]; message: string }>;
  refs: Map<string, string>;
}

/** A repository as a test sees it after publishing: what GitHub would show. */
export interface FakeRepositoryState {
  description: string | undefined;
  private: boolean | undefined;
  topics: string[];
  defaultBranch: string;
  /** Files on the default branch. */
  files: Record<string, string>;
  teams: Record<string, string>;
  /** Commits reachable from the default branch. */
  commitsOnDefaultBranch: number;
}

export interface FakeTeam {
  slug: string;
  name?: string;
  description?: string;
  parent?: string;
  /** Members added to this team itself; GitHub's members list adds those of child teams. */
  members?: string[];
}

export interface FakeUser {
  login: string;
  name?: string;
  email?: string;
}

export interface RecordedGitHubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  ifNoneMatch: string | undefined;
  status: number;
  /** The JSON body of a write. */
  body: Record<string, unknown>;
}

export interface FakeGitHubOptions {
  /** Personal access tokens that authenticate. Default: ['ghp_backline_test']. */
  tokens?: string[];
  /** A GitHub App: its ID, its public key (to verify JWTs), and installation IDs by organisation. */
  app?: { id: string; publicKey: string; installations: Record<string, number> };
  /** Milliseconds before each answer. */
  latencyMs?: number;
  /** The clock that rate-limit reset times are computed from (a test's fake clock). */
  now?: () => number;
  /** Requests per hour before GitHub answers 403 (304s are free). Default 5000. */
  rateLimit?: number;
}

export interface FakeGitHub {
  /** The REST API base, for GITHUB_API_URL. */
  url: string;
  /** The web host of blob URLs. */
  web: string;
  requests: RecordedGitHubRequest[];
  /** The most requests that were ever being answered at once. */
  maxInFlight: number;
  addRepo(org: string, name: string, options?: FakeRepoOptions): void;
  /** An organisation that exists without repositories yet (repositories can be created in it). */
  addOrg(org: string): void;
  /** A repository's state, or undefined when it does not exist. */
  repository(org: string, name: string): FakeRepositoryState | undefined;
  /** The pull requests opened on a repository, oldest first. */
  pullRequests(org: string, name: string): FakePullRequestState[];
  /** What the repository's non-git writes left: labels by issue number, webhooks, workflow dispatches. */
  extras(org: string, name: string): { labels: Record<number, string[]>; hooks: Array<Record<string, unknown>>; dispatches: Array<{ workflow: string; ref: string; inputs: unknown }> };
  settingsOf(org: string, name: string): FakeRepositorySettings;
  /** Writes a file on the default branch: a push, which moves pushed_at (unless `listingLags`: GitHub's listing can show the old pushed_at for a while). */
  setFile(org: string, repo: string, path: string, content: string, options?: { listingLags?: boolean }): void;
  /** GraphQL queries of this operation name answer `status` (or, with `status` undefined, again normally). */
  refuseGraphql(operation: string, status: number | undefined): void;
  removeFile(org: string, repo: string, path: string): void;
  deleteRepo(org: string, repo: string): void;
  archiveRepo(org: string, repo: string): void;
  addTeam(org: string, team: FakeTeam): void;
  /** Gives a team a permission on a repository (pull, triage, push, maintain, admin), or takes it away. */
  setTeamPermission(org: string, repo: string, slug: string, permission: string | undefined): void;
  setTeamMembers(org: string, slug: string, members: string[]): void;
  addUser(user: FakeUser): void;
  /** The next `times` requests answer 403 with x-ratelimit-remaining: 0, resetting `resetInSeconds` from now. */
  exhaustRateLimit(resetInSeconds: number, times?: number): void;
  /** The next `times` requests answer 403 with `retry-after`. */
  secondaryRateLimit(retryAfterSeconds: number, times?: number): void;
  /** The next `times` requests answer `status`. */
  failNext(status: number, times?: number): void;
  /** Every request to `path` (under the API base) answers `status`, until `refuse(path, undefined)`. */
  refuse(path: string, status: number | undefined, message?: string): void;
  /** Leaves `remaining` requests in the current rate-limit window, which resets `resetInSeconds` from now. */
  limitRemaining(remaining: number, resetInSeconds: number): void;
  /** Forgets recorded requests and the in-flight maximum. */
  resetRecords(): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = 'ghp_backline_test';
const PUSHED_EPOCH = Date.UTC(2025, 0, 1);

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = new FakeGitHubServer(options);
  await fake.listen();
  return fake;
}

type Reply = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };

class FakeGitHubServer implements FakeGitHub {
  url = '';
  web = '';
  readonly requests: RecordedGitHubRequest[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private readonly server: Server;
  private readonly repos = new Map<string, FakeRepo>();
  /** Node ID → repository key, as GraphQL's nodes(ids:) looks repositories up. */
  private readonly nodeIds = new Map<string, string>();
  private readonly teams = new Map<string, FakeTeam[]>();
  private readonly users = new Map<string, FakeUser>();
  private readonly orgs = new Set<string>();
  private readonly tokens: Set<string>;
  /** Installation tokens handed out, and the organisation each is good for. */
  private readonly installationTokens = new Map<string, string>();
  private readonly planned: Array<() => Reply> = [];
  private readonly refused = new Map<string, Reply>();
  private readonly refusedGraphql = new Map<string, number>();
  private readonly now: () => number;
  private sequence = 0;
  private remaining: number;
  private resetAt = 0;

  constructor(private readonly options: FakeGitHubOptions) {
    this.tokens = new Set(options.tokens ?? [DEFAULT_TOKEN]);
    this.now = options.now ?? Date.now;
    this.remaining = options.rateLimit ?? 5000;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.web = `http://127.0.0.1:${port}`;
    this.url = `${this.web}/api/v3`;
  }

  addOrg(org: string): void {
    this.orgs.add(org.toLowerCase());
  }

  repository(org: string, name: string): FakeRepositoryState | undefined {
    const repo = this.repos.get(key(org, name));
    if (!repo) return undefined;
    let commits = 0;
    for (let sha = repo.git?.refs.get(repo.defaultBranch); sha; sha = repo.git?.commits.get(sha)?.parents[0]) commits++;
    return {
      description: repo.description,
      private: repo.private,
      topics: repo.topics ?? [],
      defaultBranch: repo.defaultBranch,
      files: Object.fromEntries(repo.files),
      teams: Object.fromEntries(repo.teams ?? []),
      commitsOnDefaultBranch: commits,
    };
  }

  pullRequests(org: string, name: string): FakePullRequestState[] {
    const repo = this.repo(org, name);
    const git = repo.git;
    return (repo.pulls ?? []).map(({ state: _state, ...pull }) => {
      const head = git?.refs.get(pull.head);
      const baseHead = git?.refs.get(pull.base);
      let commits = 0;
      for (let sha = head; sha && sha !== baseHead; sha = git?.commits.get(sha)?.parents[0]) commits++;
      return { ...pull, files: Object.fromEntries(head ? git!.trees.get(git!.commits.get(head)!.tree)! : []), commits };
    });
  }

  extras(org: string, name: string) {
    const repo = this.repo(org, name);
    return { labels: Object.fromEntries(repo.labels ?? []), hooks: repo.hooks ?? [], dispatches: repo.dispatches ?? [] };
  }

  settingsOf(org: string, name: string): FakeRepositorySettings {
    const repo = this.repo(org, name);
    return {
      settings: repo.settings ?? {},
      collaborators: Object.fromEntries(repo.collaborators ?? []),
      protection: Object.fromEntries(repo.protection ?? []),
      signedBranches: [...(repo.signedBranches ?? [])],
      variables: Object.fromEntries(repo.variables ?? []),
    };
  }

  addRepo(org: string, name: string, options: FakeRepoOptions = {}): void {
    const id = ++this.sequence;
    this.nodeIds.set(nodeIdOf(id), key(org, name));
    this.repos.set(key(org, name), {
      id,
      owner: org,
      name,
      defaultBranch: options.defaultBranch ?? 'main',
      archived: options.archived ?? false,
      fork: options.fork ?? false,
      pushedAt: this.nextPush(),
      files: new Map(Object.entries(options.files ?? {})),
      description: options.description,
      topics: options.topics,
      language: options.language,
      teams: options.teams && new Map(Object.entries(options.teams)),
    });
  }

  setTeamPermission(org: string, repo: string, slug: string, permission: string | undefined): void {
    const found = this.repo(org, repo);
    found.teams ??= new Map();
    if (permission === undefined) found.teams.delete(slug);
    else found.teams.set(slug, permission);
  }

  setFile(org: string, repo: string, path: string, content: string, options: { listingLags?: boolean } = {}): void {
    const found = this.repo(org, repo);
    found.files.set(path, content);
    if (!options.listingLags) found.pushedAt = this.nextPush();
  }

  refuseGraphql(operation: string, status: number | undefined): void {
    if (status === undefined) this.refusedGraphql.delete(operation);
    else this.refusedGraphql.set(operation, status);
  }

  removeFile(org: string, repo: string, path: string): void {
    const found = this.repo(org, repo);
    found.files.delete(path);
    found.pushedAt = this.nextPush();
  }

  deleteRepo(org: string, repo: string): void {
    this.repos.delete(key(org, repo));
  }

  archiveRepo(org: string, repo: string): void {
    this.repo(org, repo).archived = true;
  }

  addTeam(org: string, team: FakeTeam): void {
    this.teams.set(org.toLowerCase(), [...(this.teams.get(org.toLowerCase()) ?? []), team]);
  }

  setTeamMembers(org: string, slug: string, members: string[]): void {
    const team = this.teams.get(org.toLowerCase())?.find((candidate) => candidate.slug === slug);
    if (!team) throw new Error(`fake GitHub has no team ${org}/${slug}`);
    team.members = members;
  }

  addUser(user: FakeUser): void {
    this.users.set(user.login.toLowerCase(), user);
  }

  exhaustRateLimit(resetInSeconds: number, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.planned.push(() => ({
        status: 403,
        body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(this.now() / 1000) + resetInSeconds) },
      }));
    }
  }

  secondaryRateLimit(retryAfterSeconds: number, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.planned.push(() => ({ status: 403, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, headers: { 'retry-after': String(retryAfterSeconds) } }));
    }
  }

  failNext(status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.planned.push(() => ({ status, body: { message: `Fake failure ${status}` } }));
  }

  refuse(path: string, status: number | undefined, message = 'Resource not accessible by integration'): void {
    if (status === undefined) this.refused.delete(path);
    else this.refused.set(path, { status, body: { message } });
  }

  limitRemaining(remaining: number, resetInSeconds: number): void {
    this.remaining = remaining;
    this.resetAt = this.now() + resetInSeconds * 1000;
  }

  resetRecords(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    // fetch keeps sockets alive; without this close() would wait for them.
    this.server.closeAllConnections();
    await closed;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      const url = new URL(req.url ?? '/', this.web);
      const path = decodeURIComponent(url.pathname.replace(/^\/api\/v3/, ''));
      const query = Object.fromEntries(url.searchParams);
      const header = (name: string) => (req.headers[name] as string | undefined) ?? undefined;
      if (this.now() >= this.resetAt) {
        this.remaining = this.options.rateLimit ?? 5000;
        this.resetAt = this.now() + 3600_000;
      }
      let reply: Reply;
      try {
        reply = this.answer(req.method ?? 'GET', path, url, header, body);
      } catch (error) {
        reply = { status: 500, body: { message: `fake GitHub failed: ${String(error)}` } };
      }
      const etag = reply.status === 200 ? `"${createHash('sha1').update(reply.raw ?? JSON.stringify(reply.body)).digest('hex')}"` : undefined;
      if (etag && header('if-none-match') === etag) {
        // Conditional requests answered 304 do not count against the rate limit.
        reply = { status: 304, headers: reply.headers };
      } else if (reply.status !== 401 && !reply.headers?.['x-ratelimit-remaining']) {
        if (this.remaining <= 0) reply = { status: 403, body: { message: 'API rate limit exceeded for user ID 1.' } };
        else this.remaining -= 1;
      }
      this.requests.push({ method: req.method ?? 'GET', path, query, authorization: header('authorization'), ifNoneMatch: header('if-none-match'), status: reply.status, body });
      const headers: Record<string, string> = {
        'x-ratelimit-limit': String(this.options.rateLimit ?? 5000),
        'x-ratelimit-remaining': String(this.remaining),
        'x-ratelimit-reset': String(Math.ceil(this.resetAt / 1000)),
        ...(reply.status === 200 && etag && { etag }),
        ...reply.headers,
      };
      if (reply.status === 304) {
        res.writeHead(304, headers);
        res.end();
      } else if (reply.raw !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'application/vnd.github.raw; charset=utf-8', ...headers });
        res.end(reply.raw);
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(reply.body ?? {}));
      }
    } finally {
      this.inFlight--;
    }
  }

  private answer(method: string, path: string, url: URL, header: (name: string) => string | undefined, body: Record<string, unknown> = {}): Reply {
    const authorization = header('authorization');
    const appRoute = /^\/app$|^\/orgs\/[^/]+\/installation$|^\/users\/[^/]+\/installation$|^\/app\/installations\/\d+\/access_tokens$/.test(path);
    if (appRoute) return this.appAnswer(method, path, authorization);
    const owner = /^\/(?:orgs|repos)\/([^/]+)/.exec(path)?.[1];
    if (!this.authorised(authorization, owner)) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    const planned = this.planned.shift();
    if (planned) return planned();
    const refused = this.refused.get(path);
    if (refused) return refused;
    if (method === 'POST' && path === '/api/graphql') return this.graphqlAnswer(body);
    const written = this.gitDataAnswer(method, path, body) ?? this.repositoryAnswer(method, path, url, body);
    if (written) return written;
    if (method !== 'GET') return notFound();
    if (path === '/rate_limit') {
      // Free of rate limit, as on GitHub: the headers it carries keep it from counting.
      const core = { limit: this.options.rateLimit ?? 5000, remaining: this.remaining, reset: Math.ceil(this.resetAt / 1000) };
      return { status: 200, body: { resources: { core }, rate: core }, headers: { 'x-ratelimit-remaining': String(this.remaining) } };
    }

    let match: RegExpExecArray | null;
    if ((match = /^\/orgs\/([^/]+)\/repos$/.exec(path))) {
      const org = match[1]!;
      const repos = [...this.repos.values()].filter((repo) => repo.owner.toLowerCase() === org.toLowerCase()).sort((a, b) => a.id - b.id);
      if (repos.length === 0 && !this.teams.has(org.toLowerCase())) return notFound();
      if (url.searchParams.get('direction') === 'desc') repos.reverse();
      return this.page(url, repos.map((repo) => this.repoJson(repo)));
    }
    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path))) {
      const repo = this.repos.get(key(match[1]!, match[2]!));
      const ref = url.searchParams.get('ref') ?? repo?.defaultBranch;
      const content = repo && ref === repo.defaultBranch ? repo.files.get(match[3]!) : undefined;
      if (content === undefined) return notFound();
      if (header('accept')?.includes('raw')) return { status: 200, raw: content };
      return { status: 200, body: { type: 'file', path: match[3], encoding: 'base64', size: Buffer.byteLength(content), content: Buffer.from(content).toString('base64') } };
    }
    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/(.+)$/.exec(path))) {
      const repo = this.repos.get(key(match[1]!, match[2]!));
      if (!repo || match[3] !== repo.defaultBranch) return notFound();
      if (repo.files.size === 0) return { status: 409, body: { message: 'Git Repository is empty.' } };
      const folders = new Set([...repo.files.keys()].flatMap((file) => file.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
      const tree = [...[...folders].map((folder) => ({ path: folder, type: 'tree' })), ...[...repo.files.keys()].map((file) => ({ path: file, type: 'blob' }))].sort((a, b) => a.path.localeCompare(b.path));
      return { status: 200, body: { sha: repo.pushedAt, tree, truncated: false } };
    }
    if ((match = /^\/orgs\/([^/]+)\/teams$/.exec(path))) {
      const org = match[1]!.toLowerCase();
      const known = this.orgs.has(org) || [...this.repos.values()].some((repo) => repo.owner.toLowerCase() === org);
      const teams = this.teams.get(org) ?? (known ? [] : undefined);
      if (!teams) return notFound();
      return this.page(url, teams.map((team) => ({ slug: team.slug, name: team.name ?? team.slug, description: team.description ?? null, parent: team.parent ? { slug: team.parent } : null })));
    }
    if ((match = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/.exec(path))) {
      const teams = this.teams.get(match[1]!.toLowerCase()) ?? [];
      if (!teams.some((team) => team.slug === match![2])) return notFound();
      return this.page(url, [...this.membersWithChildren(teams, match[2]!)].sort().map((login) => ({ login })));
    }
    if ((match = /^\/users\/([^/]+)$/.exec(path))) {
      const user = this.users.get(match[1]!.toLowerCase());
      if (!user) return notFound();
      return { status: 200, body: { login: user.login, name: user.name ?? null, email: user.email ?? null, avatar_url: `${this.web}/avatars/${user.login}` } };
    }
    return notFound();
  }

  /**
   * Creating repositories and writing to them as publishing does: POST /orgs/{org}/repos (auto_init
   * makes a README commit), the git data API (blobs, trees with inline content, commits, refs),
   * topics, the default branch, and team access. Moving the default branch's ref changes the files
   * that contents and trees answer with, as a push would.
   */
  private gitDataAnswer(method: string, path: string, body: Record<string, unknown>): Reply | undefined {
    let match: RegExpExecArray | null;
    if (method === 'POST' && (match = /^\/orgs\/([^/]+)\/repos$/.exec(path))) {
      const org = match[1]!;
      const known = this.orgs.has(org.toLowerCase()) || this.teams.has(org.toLowerCase()) || [...this.repos.values()].some((repo) => repo.owner.toLowerCase() === org.toLowerCase());
      if (!known) return notFound();
      const name = String(body.name ?? '');
      if (!/^[A-Za-z0-9._-]+$/.test(name)) return { status: 422, body: { message: 'Repository creation failed.', errors: [{ field: 'name', code: 'invalid' }] } };
      if (this.repos.has(key(org, name))) return { status: 422, body: { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }] } };
      this.addRepo(org, name);
      const repo = this.repo(org, name);
      repo.description = typeof body.description === 'string' ? body.description : undefined;
      repo.private = body.private === true;
      repo.settings = body;
      repo.git = { blobs: new Map(), trees: new Map(), commits: new Map(), refs: new Map() };
      if (body.auto_init === true) {
        const readme = `# ${name}\n`;
        const tree = this.gitSha('tree', `README.md:${readme}`);
        repo.git.trees.set(tree, new Map([['README.md', readme]]));
        const commit = this.gitSha('commit', `${tree}:Initial commit`);
        repo.git.commits.set(commit, { tree, parents: [], message: 'Initial commit' });
        repo.git.refs.set(repo.defaultBranch, commit);
        repo.files = new Map([['README.md', readme]]);
      }
      return { status: 201, body: { ...this.repoJson(repo), description: repo.description ?? null } };
    }
    match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) {
      if (method === 'PUT' && (match = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/repos\/([^/]+)\/([^/]+)$/.exec(path))) {
        const team = this.teams.get(match[1]!.toLowerCase())?.find((candidate) => candidate.slug === match![2]);
        const repo = this.repos.get(key(match[3]!, match[4]!));
        if (!team || !repo) return notFound();
        (repo.teams ??= new Map()).set(team.slug, String(body.permission ?? 'push'));
        return { status: 204 };
      }
      return undefined;
    }
    const repo = this.repos.get(key(match[1]!, match[2]!));
    const rest = match[3] ?? '';
    if (method === 'GET' && rest === '') return repo ? { status: 200, body: { ...this.repoJson(repo), description: repo.description ?? null } } : notFound();
    if (!repo) return undefined;
    const git = this.gitOf(repo);
    let read: RegExpExecArray | null;
    if (method === 'GET' && (read = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
      const sha = git.refs.get(read[1]!);
      return sha ? { status: 200, body: { ref: `refs/heads/${read[1]}`, object: { sha, type: 'commit' } } } : notFound();
    }
    if (method === 'GET' && (read = /^\/git\/commits\/([0-9a-f]+)$/.exec(rest))) {
      const commit = git.commits.get(read[1]!);
      return commit ? { status: 200, body: { sha: read[1], tree: { sha: commit.tree }, parents: commit.parents.map((sha) => ({ sha })), message: commit.message } } : notFound();
    }
    if (method === 'GET' && (read = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest))) {
      const tree = git.trees.get(read[1]!);
      return tree ? { status: 200, body: { sha: read[1], tree: [...tree.keys()].map((file) => ({ path: file, type: 'blob' })), truncated: false } } : notFound();
    }
    if (method === 'GET') return undefined;
    if (method === 'PUT' && (read = /^\/contents\/(.+)$/.exec(rest))) {
      // Creating a file through the contents API: the only write that works on an empty repository.
      const head = git.refs.get(repo.defaultBranch);
      const files = new Map(head ? git.trees.get(git.commits.get(head)!.tree) : []);
      files.set(read[1]!, Buffer.from(String(body.content ?? ''), 'base64').toString('utf8'));
      const tree = this.gitSha('tree', JSON.stringify([...files]));
      git.trees.set(tree, files);
      const commit = this.gitSha('commit', `${tree}:${head ?? ''}:${++this.sequence}`);
      git.commits.set(commit, { tree, parents: head ? [head] : [], message: String(body.message ?? '') });
      git.refs.set(repo.defaultBranch, commit);
      repo.files = new Map(files);
      return { status: 201, body: { content: { path: read[1] }, commit: { sha: commit } } };
    }
    if (method === 'PUT' && (read = /^\/collaborators\/([^/]+)$/.exec(rest))) {
      (repo.collaborators ??= new Map()).set(read[1]!, String(body.permission ?? 'push'));
      return { status: 201, body: {} };
    }
    if (method === 'PUT' && (read = /^\/branches\/([^/]+)\/protection$/.exec(rest))) {
      if (!git.refs.has(read[1]!)) return { status: 404, body: { message: 'Branch not found' } };
      (repo.protection ??= new Map()).set(read[1]!, body);
      return { status: 200, body: { url: `${this.url}${path}` } };
    }
    if (method === 'POST' && (read = /^\/branches\/([^/]+)\/protection\/required_signatures$/.exec(rest))) {
      if (!repo.protection?.has(read[1]!)) return notFound();
      (repo.signedBranches ??= new Set()).add(read[1]!);
      return { status: 200, body: { enabled: true } };
    }
    if (method === 'POST' && rest === '/actions/variables') {
      (repo.variables ??= new Map()).set(String(body.name), String(body.value));
      return { status: 201, body: {} };
    }
    if (git.refs.size === 0 && rest.startsWith('/git/')) return { status: 409, body: { message: 'Git Repository is empty.' } };
    if (method === 'POST' && rest === '/git/blobs') {
      const content = body.encoding === 'base64' ? Buffer.from(String(body.content ?? ''), 'base64').toString('utf8') : String(body.content ?? '');
      const sha = this.gitSha('blob', content);
      git.blobs.set(sha, content);
      return { status: 201, body: { sha, url: `${this.url}${path}/${sha}` } };
    }
    if (method === 'POST' && rest === '/git/trees') {
      const files = new Map<string, string>(body.base_tree ? git.trees.get(String(body.base_tree)) ?? [] : []);
      for (const entry of (body.tree ?? []) as Array<{ path: string; mode: string; type: string; content?: string; sha?: string | null }>) {
        if (typeof entry.content === 'string') files.set(entry.path, entry.content);
        else if (entry.sha && git.blobs.has(entry.sha)) files.set(entry.path, git.blobs.get(entry.sha)!);
        else return { status: 422, body: { message: `tree.sha ${entry.sha} is not a valid blob` } };
      }
      const sha = this.gitSha('tree', JSON.stringify([...files]));
      git.trees.set(sha, files);
      return { status: 201, body: { sha, tree: [...files.keys()].map((file) => ({ path: file, type: 'blob' })) } };
    }
    if (method === 'POST' && rest === '/git/commits') {
      const tree = String(body.tree ?? '');
      if (!git.trees.has(tree)) return { status: 422, body: { message: 'Tree SHA does not exist' } };
      const parents = (body.parents ?? []) as string[];
      const sha = this.gitSha('commit', `${tree}:${parents.join(',')}:${String(body.message)}:${++this.sequence}`);
      git.commits.set(sha, { tree, parents, message: String(body.message ?? '') });
      return { status: 201, body: { sha, tree: { sha: tree }, parents: parents.map((parent) => ({ sha: parent })) } };
    }
    const moveRef = (branch: string, sha: string): Reply => {
      const commit = git.commits.get(sha);
      if (!commit) return { status: 422, body: { message: 'Object does not exist' } };
      git.refs.set(branch, sha);
      if (branch === repo.defaultBranch) {
        repo.files = new Map(git.trees.get(commit.tree));
        repo.pushedAt = this.nextPush();
      }
      return { status: 200, body: { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } } };
    };
    let ref: RegExpExecArray | null;
    if (method === 'PATCH' && (ref = /^\/git\/refs\/heads\/(.+)$/.exec(rest))) {
      const branch = ref[1]!;
      const current = git.refs.get(branch);
      if (!current) return { status: 422, body: { message: 'Reference does not exist' } };
      if (body.force !== true && !this.descendsFrom(git, String(body.sha), current)) return { status: 422, body: { message: 'Update is not a fast forward' } };
      return moveRef(branch, String(body.sha));
    }
    if (method === 'POST' && rest === '/git/refs') {
      const branch = String(body.ref ?? '').replace(/^refs\/heads\//, '');
      if (git.refs.has(branch)) return { status: 422, body: { message: 'Reference already exists' } };
      const moved = moveRef(branch, String(body.sha));
      return moved.status === 200 ? { ...moved, status: 201 } : moved;
    }
    if (method === 'DELETE' && (ref = /^\/git\/refs\/heads\/(.+)$/.exec(rest))) {
      if (!git.refs.delete(ref[1]!)) return { status: 422, body: { message: 'Reference does not exist' } };
      return { status: 204 };
    }
    if (method === 'PATCH' && rest === '') {
      if (typeof body.default_branch === 'string') {
        const head = git.refs.get(body.default_branch);
        if (!head) return { status: 422, body: { message: 'Validation Failed' } };
        repo.defaultBranch = body.default_branch;
        repo.files = new Map(git.trees.get(git.commits.get(head)!.tree));
      }
      if (typeof body.description === 'string') repo.description = body.description;
      return { status: 200, body: this.repoJson(repo) };
    }
    if (method === 'PUT' && rest === '/topics') {
      repo.topics = ((body.names ?? []) as string[]).map(String);
      return { status: 200, body: { names: repo.topics } };
    }
    return undefined;
  }

  /**
   * A repository's git objects; one added with files (addRepo) gets a root commit of them on its
   * default branch the first time git is asked, so that pull requests can be opened against it.
   */
  private gitOf(repo: FakeRepo): FakeGitObjects {
    if (repo.git) return repo.git;
    const git: FakeGitObjects = (repo.git = { blobs: new Map(), trees: new Map(), commits: new Map(), refs: new Map() });
    if (repo.files.size) {
      const tree = this.gitSha('tree', JSON.stringify([...repo.files]));
      git.trees.set(tree, new Map(repo.files));
      const commit = this.gitSha('commit', `${tree}:root`);
      git.commits.set(commit, { tree, parents: [], message: 'Initial commit' });
      git.refs.set(repo.defaultBranch, commit);
    }
    return git;
  }

  /** Pull requests and their reviewers, issue labels, workflow dispatches and webhooks of an existing repository. */
  private repositoryAnswer(method: string, path: string, url: URL, body: Record<string, unknown>): Reply | undefined {
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(path);
    const repo = match && this.repos.get(key(match[1]!, match[2]!));
    if (!match || !repo) return undefined;
    const rest = match[3]!;
    const pulls = (repo.pulls ??= []);
    const pullJson = (pull: FakePull) => ({ number: pull.number, title: pull.title, body: pull.body, draft: pull.draft, state: pull.state, html_url: `${this.web}/${repo.owner}/${repo.name}/pull/${pull.number}`, head: { ref: pull.head }, base: { ref: pull.base } });
    let found: RegExpExecArray | null;
    if (rest === '/pulls' && method === 'POST') {
      const head = String(body.head ?? '');
      const base = String(body.base ?? '');
      if (!repo.git?.refs.has(head) || !repo.git.refs.has(base)) return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: repo.git?.refs.has(head) ? 'base' : 'head', code: 'invalid' }] } };
      if (pulls.some((pull) => pull.head === head && pull.base === base)) return { status: 422, body: { message: `A pull request already exists for ${repo.owner}:${head}.` } };
      const pull: FakePull = { number: pulls.length + 1, title: String(body.title ?? ''), body: String(body.body ?? ''), head, base, draft: body.draft === true, state: 'open', reviewers: [], teamReviewers: [] };
      pulls.push(pull);
      return { status: 201, body: pullJson(pull) };
    }
    if (rest === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head')?.split(':').pop();
      const base = url.searchParams.get('base');
      return { status: 200, body: pulls.filter((pull) => (!head || pull.head === head) && (!base || pull.base === base)).map(pullJson) };
    }
    if ((found = /^\/pulls\/(\d+)(\/requested_reviewers)?$/.exec(rest))) {
      const pull = pulls.find((candidate) => candidate.number === Number(found![1]));
      if (!pull) return notFound();
      if (method === 'PATCH' && !found[2]) {
        if (typeof body.title === 'string') pull.title = body.title;
        if (typeof body.body === 'string') pull.body = body.body;
        return { status: 200, body: pullJson(pull) };
      }
      if (method === 'POST' && found[2]) {
        pull.reviewers.push(...((body.reviewers ?? []) as string[]));
        pull.teamReviewers.push(...((body.team_reviewers ?? []) as string[]));
        return { status: 201, body: { ...pullJson(pull), requested_reviewers: pull.reviewers.map((login) => ({ login })), requested_teams: pull.teamReviewers.map((slug) => ({ slug })) } };
      }
    }
    if (method === 'POST' && (found = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
      const labels = (repo.labels ??= new Map());
      labels.set(Number(found[1]), [...(labels.get(Number(found[1])) ?? []), ...((body.labels ?? []) as string[])]);
      return { status: 200, body: labels.get(Number(found[1])).map((name: string) => ({ name })) };
    }
    if (method === 'POST' && (found = /^\/actions\/workflows\/([^/]+)\/dispatches$/.exec(rest))) {
      (repo.dispatches ??= []).push({ workflow: found[1]!, ref: String(body.ref ?? ''), inputs: body.inputs });
      return { status: 204 };
    }
    if (method === 'POST' && rest === '/hooks') {
      (repo.hooks ??= []).push(body);
      return { status: 201, body: { id: repo.hooks.length, ...body } };
    }
    return undefined;
  }

  private graphqlAnswer(body: Record<string, unknown>): Reply {
    const refused = this.refusedGraphql.get(operationOf(body) ?? '');
    if (refused) return { status: refused, body: { message: `Fake failure ${refused}` } };
    const repos = [...this.repos.values()];
    return answerGraphql(
      {
        repoByNodeId: (id) => {
          const repo = this.repos.get(this.nodeIds.get(id) ?? '');
          return repo && this.graphqlRepo(repo);
        },
        repos: (org) => repos.filter((repo) => repo.owner.toLowerCase() === org.toLowerCase()).sort((a, b) => a.id - b.id).map((repo) => this.graphqlRepo(repo)),
        teamSlugs: (org) => this.teams.get(org.toLowerCase())?.map((team) => team.slug),
      },
      body,
    );
  }

  private graphqlRepo(repo: FakeRepo) {
    return { nodeId: nodeIdOf(repo.id), owner: repo.owner, name: repo.name, files: repo.files, teams: repo.teams };
  }

  private descendsFrom(git: FakeGitObjects, sha: string, ancestor: string): boolean {
    for (let current: string | undefined = sha; current; current = git.commits.get(current)?.parents[0]) if (current === ancestor) return true;
    return false;
  }

  private gitSha(kind: string, content: string): string {
    return createHash('sha1').update(`${kind} ${content}`).digest('hex');
  }

  private page(url: URL, items: unknown[]): Reply {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const target = new URL(url.toString());
      target.searchParams.set('page', String(n));
      return `<${target.toString()}>; rel="${rel}"`;
    };
    const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(Math.min(page - 1, last), 'prev')] : [])];
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
  }

  private membersWithChildren(teams: FakeTeam[], slug: string): Set<string> {
    const team = teams.find((candidate) => candidate.slug === slug);
    const members = new Set(team?.members ?? []);
    for (const child of teams.filter((candidate) => candidate.parent === slug)) for (const login of this.membersWithChildren(teams, child.slug)) members.add(login);
    return members;
  }

  private repoJson(repo: FakeRepo) {
    return {
      id: repo.id,
      node_id: nodeIdOf(repo.id),
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: { login: repo.owner, type: 'Organization' },
      private: false,
      html_url: `${this.web}/${repo.owner}/${repo.name}`,
      default_branch: repo.defaultBranch,
      archived: repo.archived,
      fork: repo.fork,
      disabled: false,
      pushed_at: repo.pushedAt,
      description: repo.description ?? null,
      topics: repo.topics ?? [],
      language: repo.language ?? null,
    };
  }

  private authorised(authorization: string | undefined, owner: string | undefined): boolean {
    const token = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return false;
    if (this.tokens.has(token)) return true;
    // An installation token is good for its own organisation only.
    const org = this.installationTokens.get(token);
    return org !== undefined && (owner === undefined || owner.toLowerCase() === org);
  }

  /** GitHub App routes: authenticated by the App's JWT (RS256, iss = App ID). */
  private appAnswer(method: string, path: string, authorization: string | undefined): Reply {
    const app = this.options.app;
    const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (!app || !jwt || !verifyJwt(jwt, app.publicKey, app.id)) return { status: 401, body: { message: 'A JSON web token could not be decoded' } };
    if (method === 'GET' && path === '/app') return { status: 200, body: { id: Number(app.id), slug: 'backline', name: 'Backline', owner: { login: Object.keys(app.installations)[0] ?? 'acme' } } };
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = /^\/orgs\/([^/]+)\/installation$/.exec(path))) {
      const id = app.installations[match[1]!.toLowerCase()];
      return id === undefined ? notFound() : { status: 200, body: { id, account: { login: match[1] } } };
    }
    if (method === 'POST' && (match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      const org = Object.entries(app.installations).find(([, id]) => id === Number(match![1]))?.[0];
      if (!org) return notFound();
      const token = `ghs_${randomBytes(12).toString('hex')}`;
      this.installationTokens.set(token, org);
      return { status: 201, body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { contents: 'read', members: 'read' }, repository_selection: 'all' } };
    }
    return notFound();
  }

  private repo(org: string, name: string): FakeRepo {
    const found = this.repos.get(key(org, name));
    if (!found) throw new Error(`fake GitHub has no repository ${org}/${name}`);
    return found;
  }

  private nextPush(): string {
    return new Date(PUSHED_EPOCH + ++this.sequence * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

function nodeIdOf(id: number): string {
  return `R_kgDO${Buffer.from(String(id)).toString('base64url')}`;
}

function key(org: string, repo: string): string {
  return `${org}/${repo}`.toLowerCase();
}

function notFound(): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}

function verifyJwt(jwt: string, publicKey: string, appId: string): boolean {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return false;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
  return String(claims.iss) === appId;
}
