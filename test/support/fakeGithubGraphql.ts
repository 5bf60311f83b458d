/**
 * The GraphQL side of the fake GitHub: the queries Backline sends, recognised by their operation
 * name and answered from the fake's repositories and teams with GitHub's shapes (node IDs, blobs by
 * `HEAD:path` expression, cursor pagination of teams and their repositories, enum permissions).
 */

export interface GraphqlRepo {
  nodeId: string;
  owner: string;
  name: string;
  files: Map<string, string>;
  /** Team slug → REST permission name (pull, triage, push, maintain, admin). */
  teams?: Map<string, string>;
}

export interface GraphqlWorld {
  repoByNodeId(id: string): GraphqlRepo | undefined;
  repos(org: string): GraphqlRepo[];
  teamSlugs(org: string): string[] | undefined;
}

type Reply = { status: number; body?: unknown };

const PAGE = 100;
const PERMISSIONS: Record<string, string> = { pull: 'READ', triage: 'TRIAGE', push: 'WRITE', maintain: 'MAINTAIN', admin: 'ADMIN' };

/** The operation a query names (`query BacklineCodeOwners(…)`), which is how the fake knows what is asked. */
export function operationOf(body: Record<string, unknown>): string | undefined {
  return /^\s*query\s+(\w+)/.exec(typeof body.query === 'string' ? body.query : '')?.[1];
}

export function answerGraphql(world: GraphqlWorld, body: Record<string, unknown>): Reply {
  const query = typeof body.query === 'string' ? body.query : '';
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const operation = operationOf(body);
  switch (operation) {
    case 'BacklineCodeOwners':
      return codeOwners(world, query, variables);
    case 'BacklineTeamRepositories':
      return teamRepositories(world, variables);
    case 'BacklineTeamRepositoryPage':
      return teamRepositoryPage(world, variables);
    default:
      return { status: 200, body: { data: null, errors: [{ message: `the fake GitHub does not answer the query ${operation ?? '(unnamed)'}` }] } };
  }
}

function codeOwners(world: GraphqlWorld, query: string, variables: Record<string, unknown>): Reply {
  const ids = Array.isArray(variables.ids) ? (variables.ids as string[]) : [];
  if (ids.length > 100) return { status: 200, body: { data: null, errors: [{ type: 'EXCESSIVE_PAGINATION', message: 'nodes(ids:) takes at most 100 IDs' }] } };
  // The aliases and paths as the query names them: `f0: object(expression: "HEAD:.github/CODEOWNERS")`.
  const objects = [...query.matchAll(/(\w+):\s*object\(expression:\s*"HEAD:([^"]+)"\)/g)].map((match) => ({ alias: match[1]!, path: match[2]! }));
  const errors: Array<{ message: string; path: unknown[] }> = [];
  const nodes = ids.map((id, index) => {
    const repo = world.repoByNodeId(id);
    if (!repo) {
      errors.push({ message: `Could not resolve to a node with the global id of '${id}'`, path: ['nodes', index] });
      return null;
    }
    const node: Record<string, unknown> = { id };
    for (const { alias, path } of objects) {
      const text = repo.files.get(path);
      const isFolder = [...repo.files.keys()].some((file) => file.startsWith(`${path}/`));
      node[alias] = text !== undefined ? { byteSize: Buffer.byteLength(text), isBinary: text.includes('\u0000'), text: text.includes('\u0000') ? null : text } : isFolder ? {} : null;
    }
    return node;
  });
  return { status: 200, body: { data: { nodes }, ...(errors.length && { errors }) } };
}

function repositoriesOf(world: GraphqlWorld, org: string, slug: string, after: unknown) {
  const edges = world
    .repos(org)
    .filter((repo) => repo.teams?.has(slug))
    .map((repo) => ({ permission: PERMISSIONS[repo.teams!.get(slug)!] ?? 'READ', node: { name: repo.name } }));
  return paginate(edges, after);
}

function paginate<T>(items: T[], after: unknown): { pageInfo: { hasNextPage: boolean; endCursor: string | null }; items: T[] } {
  const start = typeof after === 'string' ? Number(Buffer.from(after, 'base64').toString('utf8')) : 0;
  const end = Math.min(items.length, start + PAGE);
  return { pageInfo: { hasNextPage: end < items.length, endCursor: end > start ? Buffer.from(String(end)).toString('base64') : null }, items: items.slice(start, end) };
}

function teamRepositories(world: GraphqlWorld, variables: Record<string, unknown>): Reply {
  const org = String(variables.org ?? '');
  const slugs = world.teamSlugs(org);
  if (!slugs) return { status: 200, body: { data: { organization: null }, errors: [{ type: 'NOT_FOUND', message: `Could not resolve to an Organization with the login of '${org}'.` }] } };
  const teams = paginate(slugs, variables.cursor);
  return {
    status: 200,
    body: {
      data: {
        organization: {
          teams: {
            pageInfo: teams.pageInfo,
            nodes: teams.items.map((slug) => {
              const repositories = repositoriesOf(world, org, slug, null);
              return { slug, repositories: { pageInfo: repositories.pageInfo, edges: repositories.items } };
            }),
          },
        },
      },
    },
  };
}

function teamRepositoryPage(world: GraphqlWorld, variables: Record<string, unknown>): Reply {
  const org = String(variables.org ?? '');
  const slug = String(variables.slug ?? '');
  if (!world.teamSlugs(org)?.includes(slug)) return { status: 200, body: { data: { organization: { team: null } } } };
  const repositories = repositoriesOf(world, org, slug, variables.cursor);
  return { status: 200, body: { data: { organization: { team: { repositories: { pageInfo: repositories.pageInfo, edges: repositories.items } } } } } };
}
