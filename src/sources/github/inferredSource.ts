import yaml from 'js-yaml';
import type { LocationSource } from '../../catalog/locationSources';
import type { LocationTarget } from '../../catalog/processing';
import { sha256 } from '../../catalog/files';
import { INFERRED_LOCATION_TYPE } from '../../catalog/provenance';
import { PREFETCH_TTL_MS, repoKey, type GitHubContext } from './context';
import { inferComponent } from './inference';
import { readCodeOwners, readTeamPermissions, type InferableRepo } from './inferenceFacts';

/** One repository without a catalog file, as a location: its target is the repository's web address. */
export const INFERRED_LOCATION = INFERRED_LOCATION_TYPE;

/**
 * The inferred children of an organisation: one location per repository without a catalog file,
 * whose Component discovery has just worked out (from CODEOWNERS, team permissions and the
 * corrections teams made) and leaves for the inferred source to hand over. A repository whose facts
 * could not be read this pass fails its own location, which keeps its last entity.
 */
export async function inferredChildren(context: GitHubContext, org: string, repos: InferableRepo[], stale: ReadonlySet<string>): Promise<LocationTarget[]> {
  if (repos.length === 0) return [];
  const [codeowners, teams, rejected] = await Promise.all([readCodeOwners(context, repos, stale), readTeamPermissions(context, org), context.corrections?.rejectedOwners(org) ?? new Map<string, Set<string>>()]);
  const at = context.now();
  return repos
    .map((repo) => {
      const target = `${context.hosts.webUrl}/${repo.owner}/${repo.name}`;
      const key = repoKey(repo.owner, repo.name);
      if (!codeowners.has(key)) {
        context.prefetched.set(target, { at, error: `the CODEOWNERS files of ${repo.owner}/${repo.name} could not be read; its inferred owner is kept until the next refresh` });
      } else if (teams.kind === 'failed') {
        context.prefetched.set(target, { at, error: `the team permissions of ${org} could not be read (${teams.message}); inferred owners are kept until the next refresh` });
      } else {
        const inference = inferComponent({
          owner: repo.owner,
          name: repo.name,
          description: repo.description,
          topics: repo.topics,
          language: repo.language,
          codeowners: codeowners.get(key) ?? null,
          teams: teams.kind === 'read' ? (teams.byRepository.get(repo.name.toLowerCase()) ?? []) : [],
          teamsUnread: teams.kind === 'no-access',
          rejected: rejected.get(key) ?? new Set(),
        });
        const header = `# Inferred by Backline from GitHub: ${repo.owner}/${repo.name} has no catalog file. Add one to declare it.\n`;
        context.prefetched.set(target, { at, etag: null, text: header + yaml.dump(inference.entity, { lineWidth: -1, noRefs: true }) });
      }
      return { type: INFERRED_LOCATION, target };
    })
    .sort((a, b) => a.target.localeCompare(b.target));
}

/**
 * Hands over the Component discovery inferred for a repository in this pass. Its entities give way
 * to declared ones (see the catalog's claims), and may lack an owner when nothing names one.
 */
export function createInferredSource(context: GitHubContext): LocationSource {
  const prefix = `${context.hosts.webUrl}/`;
  return {
    repositoryOf(target) {
      const [owner, repo, ...rest] = target.startsWith(prefix) ? target.slice(prefix.length).split('/') : [];
      return owner && repo && rest.length === 0 ? { owner, repo } : undefined;
    },
    async read(location) {
      const prefetched = context.prefetched.get(location.target);
      if (!prefetched || context.now() - prefetched.at > PREFETCH_TTL_MS) {
        return { kind: 'failed', message: `${location.target} is inferred when its organisation is read; it will be on the next refresh` };
      }
      // Kept, not taken: a location read twice in a pass (after a conflict) reads the same answer.
      if ('error' in prefetched) return { kind: 'failed', message: prefetched.error };
      return { kind: 'text', text: prefetched.text, hash: sha256(prefetched.text), inferred: true };
    },
  };
}
