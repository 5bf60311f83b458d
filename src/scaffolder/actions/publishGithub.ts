import { caller, createOrReuseRepository, repoTarget, repositoryKey, type Call, type GitHubApi } from './githubApi';
import { ActionError, stringInput, stringListInput, type Action, type ActionContext } from './types';
import { checkBranch, readWorkspaceFiles, type WorkspaceFile } from './workspaceFiles';

export type { GitHubApi };

export interface GitHubPublisherOptions {
  api: GitHubApi;
  /** The web host repositories live on, e.g. https://github.com or https://github.example.com. */
  webUrl: string;
  /** The GitHub team (`org/slug`, from the annotation github.com/team-slug) of a catalog owner, if any. */
  teamOf?: (ownerRef: string) => Promise<string | null>;
}

const ACTION = 'publish:github';
const TEAM_PERMISSIONS = ['pull', 'triage', 'push', 'maintain', 'admin'];

/**
 * Creates the repository in the organisation and pushes the whole workspace as one commit through
 * the git data API: text files travel inside the one tree request, so the number of calls does not
 * grow with the number of files (binary files, which a tree cannot carry inline, are sent as blobs).
 * Then the description, topics, default branch, and access for the owning team.
 *
 * GitHub's git data API does not work on an empty repository, so the repository is created with
 * auto_init and its README commit is replaced by ours (a root commit, forced onto the branch).
 */
export function createGitHubPublisher(options: GitHubPublisherOptions): Action {
  return {
    id: ACTION,
    async run(context: ActionContext) {
      const { input } = context;
      const { owner, repo } = repoTarget(input, ACTION, options.webUrl);
      const description = stringInput(input, 'description', { action: ACTION });
      const visibility = stringInput(input, 'repoVisibility', { action: ACTION }) ?? 'private';
      if (!['private', 'internal', 'public'].includes(visibility)) throw new ActionError(`${ACTION}: repoVisibility must be private, internal or public, not ${JSON.stringify(visibility)}`);
      const wantedBranch = stringInput(input, 'defaultBranch', { action: ACTION });
      if (wantedBranch) checkBranch(wantedBranch, ACTION);
      const topics = stringListInput(input, 'topics', ACTION).map((topic) => topic.toLowerCase());
      const badTopic = topics.find((topic) => !/^[a-z0-9][a-z0-9-]{0,49}$/.test(topic));
      if (badTopic) throw new ActionError(`${ACTION}: the topic ${JSON.stringify(badTopic)} is not valid on GitHub (lower-case letters, digits and hyphens, up to 50 characters)`);
      const message = stringInput(input, 'gitCommitMessage', { action: ACTION }) ?? `Initial commit from the ${context.templateName} template`;
      const files = await readWorkspaceFiles(context.workspace, stringInput(input, 'sourcePath', { action: ACTION }), ACTION);
      const teams = await teamsToGrant(context, options, owner);
      const remoteUrl = `${options.webUrl}/${owner}/${repo}`;
      const key = repositoryKey(owner, repo);


      const call = caller(options.api, owner);

      // A retry finds the repository its earlier attempt created and fills it instead of failing on it.
      const defaultBranch = await createOrReuseRepository(options.api, context, {
        action: ACTION,
        owner,
        repo,
        remoteUrl,
        settings: { ...(description && { description }), private: visibility !== 'public', visibility },
      });

      const tree = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/trees`, body: { tree: await treeEntries(files, owner, repo, call) } }, [201], 'creating the tree of files');
      const treeSha = (tree.data as { sha: string }).sha;
      const commit = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/commits`, body: { message, tree: treeSha, parents: [] } }, [201], 'creating the commit');
      const commitHash = (commit.data as { sha: string }).sha;
      const branch = wantedBranch ?? defaultBranch;
      if (branch === defaultBranch) {
        await call({ method: 'PATCH', path: `/repos/${owner}/${repo}/git/refs/heads/${branch}`, body: { sha: commitHash, force: true } }, [200], `pointing ${branch} at the commit`);
      } else {
        await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/refs`, body: { ref: `refs/heads/${branch}`, sha: commitHash } }, [201, 422], `creating the branch ${branch}`);
        await call({ method: 'PATCH', path: `/repos/${owner}/${repo}`, body: { default_branch: branch } }, [200], `making ${branch} the default branch`);
        await call({ method: 'DELETE', path: `/repos/${owner}/${repo}/git/refs/heads/${defaultBranch}` }, [204, 422], `removing the branch ${defaultBranch}`);
      }
      context.leave({ kind: 'repository', key, description: `the GitHub repository ${owner}/${repo} (${remoteUrl})`, complete: true });
      if (topics.length) await call({ method: 'PUT', path: `/repos/${owner}/${repo}/topics`, body: { names: topics } }, [200], 'setting the topics');
      for (const team of teams) {
        await call({ method: 'PUT', path: `/orgs/${team.org}/teams/${team.slug}/repos/${owner}/${repo}`, body: { permission: team.permission } }, [204], `giving the team ${team.org}/${team.slug} ${team.permission} access`);
        context.log(`${ACTION}: gave ${team.org}/${team.slug} ${team.permission} access`);
      }
      context.log(`${ACTION}: created ${owner}/${repo} with ${files.length} file(s) in commit ${commitHash.slice(0, 12)} on ${branch}`);
      return { remoteUrl, repoContentsUrl: `${remoteUrl}/blob/${branch}`, commitHash };
    },
  };
}

/** Tree entries for files: text inline in the one tree request, binary files uploaded as blobs first. */
export async function treeEntries(files: WorkspaceFile[], owner: string, repo: string, call: Call): Promise<Array<Record<string, unknown>>> {
  const entries: Array<Record<string, unknown>> = [];
  for (const file of files) {
    const mode = file.executable ? '100755' : '100644';
    const text = asText(file.content);
    if (text !== undefined) {
      entries.push({ path: file.path, mode, type: 'blob', content: text });
    } else {
      const blob = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/blobs`, body: { content: file.content.toString('base64'), encoding: 'base64' } }, [201], `uploading ${file.path}`);
      entries.push({ path: file.path, mode, type: 'blob', sha: (blob.data as { sha: string }).sha });
    }
  }
  return entries;
}

function asText(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}

interface TeamGrant {
  org: string;
  slug: string;
  permission: string;
}

/**
 * Who gets access: the `access` input (`org/team`, admin, as in Backstage), `collaborators` with a
 * team and an access level, and otherwise the owning team of the new component, by the
 * github.com/team-slug annotation of its catalog Group.
 */
async function teamsToGrant(context: ActionContext, options: GitHubPublisherOptions, repoOwner: string): Promise<TeamGrant[]> {
  const grants: TeamGrant[] = [];
  const add = (slugRef: string, permission: string, source: string) => {
    const [org, slug] = slugRef.includes('/') ? slugRef.split('/', 2) : [repoOwner, slugRef];
    if (!org || !slug) return;
    if (!TEAM_PERMISSIONS.includes(permission)) throw new ActionError(`${ACTION}: ${source} asks for ${JSON.stringify(permission)} access; GitHub knows ${TEAM_PERMISSIONS.join(', ')}`);
    if (org.toLowerCase() !== repoOwner.toLowerCase()) {
      context.log(`${ACTION}: the team ${org}/${slug} is not in ${repoOwner}, so it cannot be given access`);
      return;
    }
    grants.push({ org: repoOwner, slug, permission });
  };
  const access = stringInput(context.input, 'access', { action: ACTION });
  if (access) add(access, 'admin', 'access');
  const collaborators = context.input.collaborators;
  if (Array.isArray(collaborators)) {
    for (const collaborator of collaborators as Array<Record<string, unknown>>) {
      if (typeof collaborator?.team === 'string') add(collaborator.team, typeof collaborator.access === 'string' ? collaborator.access : 'push', 'a collaborator');
      else if (typeof collaborator?.user === 'string') context.log(`${ACTION}: collaborators that are users are not supported; ${collaborator.user} was not added`);
    }
  }
  const ownerRef = stringInput(context.input, 'owner', { action: ACTION });
  if (!access && ownerRef && options.teamOf) {
    const team = await options.teamOf(ownerRef);
    if (team) add(team, 'admin', `the owner ${ownerRef}`);
    else context.log(`${ACTION}: ${ownerRef} has no github.com/team-slug annotation in the catalog, so no team was given access`);
  }
  return grants;
}
