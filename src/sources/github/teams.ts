import yaml from 'js-yaml';
import type { LocationSource, SourceRead } from '../../catalog/locationSources';
import { sha256 } from '../../catalog/files';
import type { GitHubContext } from './context';
import { listAll } from './pages';
import { parseTeamsTarget } from './urls';

interface Team {
  slug: string;
  name: string;
  description: string | null;
  parent: string | null;
}

interface Person {
  login: string;
  name: string | null;
  email: string | null;
  avatarUrl: string | null;
}

/**
 * The `github-teams` location type: an organisation's teams as Group entities (parent from the
 * parent team, annotation `github.com/team-slug: ORG/SLUG`) and their members as User entities
 * (annotation `github.com/user-login`, public name and email from the users API, `spec.memberOf`).
 * They are generated as catalog YAML and go through the same validation and relations as any file,
 * so /whoowns can name the people of a team that owns something.
 *
 * Every list is read conditionally: an unchanged organisation costs 304s, and unchanged YAML (same
 * hash) costs no writes.
 */
export function createTeamsSource(context: GitHubContext): LocationSource {
  return {
    async read(location): Promise<SourceRead> {
      const target = parseTeamsTarget(context.hosts, location.target);
      if (!target) return { kind: 'failed', message: `${location.target} is not a GitHub teams location (expected ${context.hosts.webUrl}/orgs/ORG/teams)` };
      try {
        const text = await teamsYaml(context, target.org);
        if (text === undefined) return { kind: 'failed', message: `The teams of ${target.org} could not be listed: the organisation was not found, or the credentials lack read:org (members: read)` };
        return { kind: 'text', text, hash: sha256(text) };
      } catch (error) {
        return { kind: 'failed', message: `Importing the teams of ${target.org}: ${(error as Error).message}` };
      }
    },
  };
}

async function teamsYaml(context: GitHubContext, org: string): Promise<string | undefined> {
  const { client } = context;
  const path = `/orgs/${encodeURIComponent(org)}`;
  const teams = await listAll<Team>(client, { path: `${path}/teams`, owner: org }, (item) => {
    const team = item as { slug: string; name?: string; description?: string | null; parent?: { slug?: string } | null };
    return { slug: team.slug, name: team.name ?? team.slug, description: team.description || null, parent: team.parent?.slug ?? null };
  });
  if (!teams) return undefined;
  teams.sort((a, b) => a.slug.localeCompare(b.slug));

  const listed = await Promise.all(
    teams.map(async (team) => (await listAll<string>(client, { path: `${path}/teams/${encodeURIComponent(team.slug)}/members`, owner: org }, (item) => (item as { login: string }).login)) ?? []),
  );
  const all = new Map(teams.map((team, index) => [team.slug, new Set(listed[index])]));
  // GitHub lists a team's members together with its child teams' members. A person belongs to the
  // team they were added to: take out everyone the child teams list (someone added to both a team
  // and its child then shows in the child only, which still leads to the parent through spec.parent).
  const direct = new Map<string, string[]>();
  for (const team of teams) {
    const inChildren = new Set(teams.filter((child) => child.parent === team.slug).flatMap((child) => [...(all.get(child.slug) ?? [])]));
    direct.set(team.slug, [...(all.get(team.slug) ?? [])].filter((login) => !inChildren.has(login)).sort());
  }

  const logins = [...new Set([...direct.values()].flat())].sort();
  const people = await Promise.all(
    logins.map(async (login): Promise<Person> => {
      const answer = await client.getCached<Person>({
        request: { method: 'GET', path: `/users/${encodeURIComponent(login)}`, owner: org },
        keep: (data) => {
          const user = data as { login?: string; name?: string | null; email?: string | null; avatar_url?: string | null };
          return { login: user.login ?? login, name: user.name || null, email: user.email || null, avatarUrl: user.avatar_url || null };
        },
      });
      return answer.found ? answer.data : { login, name: null, email: null, avatarUrl: null };
    }),
  );

  const teamsOf = new Map<string, string[]>();
  for (const [slug, members] of direct) for (const login of members) teamsOf.set(login, [...(teamsOf.get(login) ?? []), slug]);
  const documents = [
    ...teams.map((team) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: team.slug,
        ...(team.description && { description: team.description }),
        annotations: { 'github.com/team-slug': `${org}/${team.slug}` },
      },
      spec: {
        type: 'team',
        profile: { displayName: team.name },
        ...(team.parent && { parent: team.parent }),
        children: teams.filter((child) => child.parent === team.slug).map((child) => child.slug),
      },
    })),
    ...people.map((person) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: person.login, annotations: { 'github.com/user-login': person.login } },
      spec: {
        profile: { ...(person.name && { displayName: person.name }), ...(person.email && { email: person.email }), ...(person.avatarUrl && { picture: person.avatarUrl }) },
        memberOf: teamsOf.get(person.login) ?? [],
      },
    })),
  ];
  const header = `# Generated by Backline from the teams of the GitHub organisation ${org}; edit the teams on GitHub.\n`;
  return header + documents.map((document) => yaml.dump(document, { lineWidth: -1, noRefs: true })).join('---\n');
}
