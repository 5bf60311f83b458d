import type { CacheEntry } from './cache';
import { GitHubRateLimitError } from './client';
import { CODEOWNERS_PATHS, MAX_CODEOWNERS_BYTES } from './codeowners';
import { repoKey, type GitHubContext } from './context';
import type { RepositoryFacts, TeamPermission } from './inference';

/** A repository from the organisation listing, with what inference reads of it. */
export interface InferableRepo {
  owner: string;
  name: string;
  nodeId: string;
  pushedAt: string;
  description: string | null;
  topics: string[];
  language: string | null;
}

type CodeOwnersFile = RepositoryFacts['codeowners'];

/** Repositories per GraphQL query: GitHub takes at most 100 node IDs; three files each keeps answers modest. */
const FILES_PER_QUERY = 50;

const CODEOWNERS_QUERY = `query BacklineCodeOwners($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Repository {
      id
      ${CODEOWNERS_PATHS.map((path, index) => `f${index}: object(expression: ${JSON.stringify(`HEAD:${path}`)}) { ... on Blob { byteSize isBinary isTruncated text } }`).join('\n      ')}
    }
  }
}`;

const TEAMS_QUERY = `query BacklineTeamRepositories($org: String!, $cursor: String) {
  organization(login: $org) {
    teams(first: 100, after: $cursor) {
      pageInfo { hasNextPage endCursor }
      nodes { slug repositories(first: 100) { pageInfo { hasNextPage endCursor } edges { permission node { name } } } }
    }
  }
}`;

const TEAM_PAGE_QUERY = `query BacklineTeamRepositoryPage($org: String!, $slug: String!, $cursor: String) {
  organization(login: $org) {
    team(slug: $slug) { repositories(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } edges { permission node { name } } } }
  }
}`;

interface Blob {
  byteSize: number;
  isBinary: boolean | null;
  isTruncated: boolean | null;
  text: string | null;
}

interface RepositoryConnection {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ permission: string; node: { name: string } | null }>;
}

/**
 * The CODEOWNERS file of each repository (or null when it has none), read in GraphQL batches and
 * kept by pushed_at: a repository not pushed to since costs nothing. A batch that fails leaves its
 * repositories out of the answer, so their inferred entities stay as they were.
 */
export async function readCodeOwners(context: GitHubContext, repos: InferableRepo[], stale: ReadonlySet<string>): Promise<Map<string, CodeOwnersFile>> {
  const found = new Map<string, CodeOwnersFile>();
  const keyOf = (repo: InferableRepo) => `graphql codeowners ${repoKey(repo.owner, repo.name)}`;
  const cached = await context.client.cacheStore.getMany(repos.map(keyOf));
  const missing: InferableRepo[] = [];
  for (const repo of repos) {
    const entry: CacheEntry | undefined = cached.get(keyOf(repo));
    if (entry && entry.version === repo.pushedAt && !stale.has(repoKey(repo.owner, repo.name))) {
      context.client.stats.fromCache++;
      found.set(repoKey(repo.owner, repo.name), entry.body as CodeOwnersFile);
    } else {
      missing.push(repo);
    }
  }
  const batches: InferableRepo[][] = [];
  for (let start = 0; start < missing.length; start += FILES_PER_QUERY) batches.push(missing.slice(start, start + FILES_PER_QUERY));
  await Promise.all(
    batches.map(async (batch) => {
      let nodes: Array<Record<string, Blob | null | string> | null>;
      let spoilt: Set<number>;
      try {
        const answer = await context.client.graphql<{ nodes: typeof nodes }>(CODEOWNERS_QUERY, { ids: batch.map((repo) => repo.nodeId) }, batch[0]!.owner);
        nodes = answer.data.nodes;
        // A field that came back null because of an error is not "no file": leave that repository as it was.
        spoilt = new Set(answer.errors.filter((error) => error.path[0] === 'nodes' && typeof error.path[1] === 'number').map((error) => error.path[1] as number));
      } catch (error) {
        if (error instanceof GitHubRateLimitError) throw error;
        return;
      }
      for (const [index, repo] of batch.entries()) {
        const node = nodes[index];
        if (!node || node.id !== repo.nodeId || spoilt.has(index)) continue;
        const file = firstFile(node, context.maxBytes);
        found.set(repoKey(repo.owner, repo.name), file);
        await context.client.cacheStore.put({ key: keyOf(repo), status: 200, etag: null, body: file, version: repo.pushedAt, checkedAt: context.now() });
      }
    }),
  );
  return found;
}

function firstFile(node: Record<string, Blob | null | string>, maxBytes: number): CodeOwnersFile {
  for (const [index, path] of CODEOWNERS_PATHS.entries()) {
    const blob = node[`f${index}`] as Blob | null | undefined;
    // A folder of that name answers an empty object: not a file, so GitHub looks further.
    if (!blob || typeof blob.byteSize !== 'number') continue;
    const limit = Math.min(maxBytes, MAX_CODEOWNERS_BYTES);
    if (blob.byteSize > limit) return { path, ignored: `${blob.byteSize} bytes, over the ${limit}-byte limit` };
    if (blob.isBinary || blob.text === null) return { path, ignored: 'it is not text' };
    // Its last rules would be missing, and the last matching rule is the one that counts.
    if (blob.isTruncated) return { path, ignored: 'GitHub returned it truncated' };
    return { path, text: blob.text };
  }
  return null;
}

/** Every team's permissions by repository name (lower case); or that the credentials may not list teams; or that reading failed this time. */
export type TeamPermissions =
  | { kind: 'read'; byRepository: Map<string, Array<{ slug: string; permission: TeamPermission }>> }
  | { kind: 'no-access' }
  | { kind: 'failed'; message: string };

/**
 * Every team's permission on every repository of the organisation. One GraphQL query covers 100
 * teams with 100 repositories each, so an organisation costs a few queries a pass. Credentials that
 * may not list teams (no read:org) are told apart from a read that failed part-way: the first is a
 * fact inference states, the second keeps what was inferred before.
 */
export async function readTeamPermissions(context: GitHubContext, org: string): Promise<TeamPermissions> {
  const permissions = new Map<string, Array<{ slug: string; permission: TeamPermission }>>();
  const add = (slug: string, connection: RepositoryConnection) => {
    for (const edge of connection.edges) {
      const permission = edge.permission.toLowerCase() as TeamPermission;
      if (!edge.node) continue;
      const name = edge.node.name.toLowerCase();
      permissions.set(name, [...(permissions.get(name) ?? []), { slug: slug.toLowerCase(), permission }]);
    }
  };
  try {
    type Teams = { organization: { teams: { pageInfo: RepositoryConnection['pageInfo']; nodes: Array<{ slug: string; repositories: RepositoryConnection }> } | null } | null };
    let cursor: string | null = null;
    do {
      const answer: { data: Teams } = await context.client.graphql<Teams>(TEAMS_QUERY, { org, cursor }, org);
      const teams = answer.data.organization?.teams;
      if (!teams) {
        if (cursor === null) return { kind: 'no-access' };
        return { kind: 'failed', message: `the teams of ${org} stopped answering part-way` };
      }
      for (const team of teams.nodes) {
        add(team.slug, team.repositories);
        for (let page = team.repositories.pageInfo; page.hasNextPage; ) {
          type TeamPage = { organization: { team: { repositories: RepositoryConnection } | null } | null };
          const { data: more }: { data: TeamPage } = await context.client.graphql<TeamPage>(TEAM_PAGE_QUERY, { org, slug: team.slug, cursor: page.endCursor }, org);
          const repositories = more.organization?.team?.repositories;
          if (!repositories) return { kind: 'failed', message: `the repositories of team ${team.slug} stopped answering part-way` };
          add(team.slug, repositories);
          page = repositories.pageInfo;
        }
      }
      cursor = teams.pageInfo.hasNextPage ? teams.pageInfo.endCursor : null;
    } while (cursor);
  } catch (error) {
    if (error instanceof GitHubRateLimitError) throw error;
    return { kind: 'failed', message: (error as Error).message };
  }
  return { kind: 'read', byRepository: permissions };
}
