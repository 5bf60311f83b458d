import { caller, createOrReuseRepository, repoTarget, type GitHubApi } from './githubApi';
import { ActionError, booleanInput, stringInput, stringListInput, type Action, type ActionContext } from './types';

const ACTION = 'github:repo:create';
const PERMISSIONS = ['pull', 'triage', 'push', 'maintain', 'admin'];
const SQUASH_TITLES = ['PR_TITLE', 'COMMIT_OR_PR_TITLE'];
const SQUASH_MESSAGES = ['PR_BODY', 'COMMIT_MESSAGES', 'BLANK'];
/** Backstage's inputs that Backline does not carry out; each one a template sets is named in the task log. */
const IGNORED_INPUTS = ['token', 'secrets', 'oidcCustomization', 'customProperties', 'subscribe', 'requireCommitSigning', 'requiredCommitSigning'];

/**
 * Backstage's github:repo:create: a repository in an organisation with the settings, access and
 * topics the template asks for; github:repo:push then fills it. Unlike Backstage the repository is
 * created with auto_init: GitHub's git data API, which pushes every file in one tree, does not work
 * on an empty repository, and github:repo:push replaces that first README commit with its own.
 *
 * As in Backstage, a collaborator or topics GitHub refuses is a warning in the task log, not a failed
 * step; the repository itself failing to be created fails it.
 */
export function createGitHubRepoCreate(options: { api: GitHubApi; webUrl: string }): Action {
  return {
    id: ACTION,
    async run(context: ActionContext) {
      const { input } = context;
      const { owner, repo } = repoTarget(input, ACTION, options.webUrl);
      const visibility = stringInput(input, 'repoVisibility', { action: ACTION }) ?? 'private';
      if (!['private', 'internal', 'public'].includes(visibility)) throw new ActionError(`${ACTION}: repoVisibility must be private, internal or public, not ${JSON.stringify(visibility)}`);
      const squashTitle = oneOf(input, 'squashMergeCommitTitle', SQUASH_TITLES);
      const squashMessage = oneOf(input, 'squashMergeCommitMessage', SQUASH_MESSAGES);
      const topics = stringListInput(input, 'topics', ACTION).map((topic) => topic.toLowerCase());
      const variables = mapping(input, 'repoVariables');
      for (const name of IGNORED_INPUTS) if (input[name] !== undefined) context.log(`${ACTION}: the input "${name}" is not supported and was ignored`);
      const remoteUrl = `${options.webUrl}/${owner}/${repo}`;
      const call = caller(options.api, owner);

      const defaultBranch = await createOrReuseRepository(options.api, context, {
        action: ACTION,
        owner,
        repo,
        remoteUrl,
        settings: {
          private: visibility === 'private',
          visibility,
          ...optional('description', stringInput(input, 'description', { action: ACTION })),
          ...optional('homepage', stringInput(input, 'homepage', { action: ACTION })),
          delete_branch_on_merge: booleanInput(input, 'deleteBranchOnMerge', ACTION, false),
          allow_merge_commit: booleanInput(input, 'allowMergeCommit', ACTION, true),
          allow_squash_merge: booleanInput(input, 'allowSquashMerge', ACTION, true),
          squash_merge_commit_title: squashTitle ?? 'COMMIT_OR_PR_TITLE',
          squash_merge_commit_message: squashMessage ?? 'COMMIT_MESSAGES',
          allow_rebase_merge: booleanInput(input, 'allowRebaseMerge', ACTION, true),
          allow_auto_merge: booleanInput(input, 'allowAutoMerge', ACTION, false),
          ...optional('has_projects', input.hasProjects === undefined ? undefined : booleanInput(input, 'hasProjects', ACTION, true)),
          ...optional('has_wiki', input.hasWiki === undefined ? undefined : booleanInput(input, 'hasWiki', ACTION, true)),
          ...optional('has_issues', input.hasIssues === undefined ? undefined : booleanInput(input, 'hasIssues', ACTION, true)),
        },
      });

      for (const grant of grants(context, owner, repo)) {
        const answer = await options.api.request({ ...grant.request, owner });
        context.log(answer.status < 300 ? `${ACTION}: gave ${grant.who} ${grant.permission} access` : `${ACTION}: GitHub answered ${answer.status} when giving ${grant.who} ${grant.permission} access; skipped`);
      }
      if (topics.length) {
        const answer = await options.api.request({ method: 'PUT', path: `/repos/${owner}/${repo}/topics`, owner, body: { names: topics } });
        if (answer.status !== 200) context.log(`${ACTION}: GitHub answered ${answer.status} when setting the topics ${topics.join(' ')}; skipped`);
      }
      for (const [name, value] of Object.entries(variables)) {
        await call({ method: 'POST', path: `/repos/${owner}/${repo}/actions/variables`, body: { name, value } }, [201], `creating the Actions variable ${name}`);
      }
      context.log(`${ACTION}: created ${owner}/${repo}`);
      // Backstage's remoteUrl is the clone URL; github:repo:push and publish steps take either form.
      return { remoteUrl: `${remoteUrl}.git`, repoContentsUrl: `${remoteUrl}/blob/${defaultBranch}` };
    },
  };
}

interface Grant {
  who: string;
  permission: string;
  request: { method: 'PUT'; path: string; body: Record<string, unknown> };
}

/**
 * Backstage's `access` (`org/team`, or a user, given admin) and `collaborators` (`{ team | user,
 * access }`, entity refs reduced to their names as Backstage's entityRefToName does).
 */
function grants(context: ActionContext, owner: string, repo: string): Grant[] {
  const out: Grant[] = [];
  const team = (slug: string, permission: string) =>
    out.push({ who: `the team ${owner}/${slug}`, permission, request: { method: 'PUT', path: `/orgs/${owner}/teams/${slug}/repos/${owner}/${repo}`, body: { permission } } });
  const user = (login: string, permission: string) =>
    out.push({ who: login, permission, request: { method: 'PUT', path: `/repos/${owner}/${repo}/collaborators/${login}`, body: { permission } } });
  const access = stringInput(context.input, 'access', { action: ACTION });
  if (access?.toLowerCase().startsWith(`${owner.toLowerCase()}/`)) team(safeName(access.slice(owner.length + 1)), 'admin');
  else if (access && access.toLowerCase() !== owner.toLowerCase()) user(safeName(access), 'admin');
  const collaborators = context.input.collaborators;
  if (collaborators !== undefined && !Array.isArray(collaborators)) throw new ActionError(`${ACTION}'s input "collaborators" must be a list of { team or user, access }`);
  for (const collaborator of (collaborators ?? []) as Array<Record<string, unknown>>) {
    const permission = typeof collaborator?.access === 'string' ? collaborator.access : '';
    if (!PERMISSIONS.includes(permission)) throw new ActionError(`${ACTION}: a collaborator asks for ${JSON.stringify(permission)} access; GitHub knows ${PERMISSIONS.join(', ')}`);
    const name = collaborator.team ?? collaborator.username ?? collaborator.user;
    if (typeof name !== 'string' || !name) throw new ActionError(`${ACTION}: every collaborator needs a team or a user`);
    if (collaborator.user !== undefined) user(safeName(entityRefToName(name)), permission);
    else team(safeName(entityRefToName(name)), permission);
  }
  return out;
}

/** `group:default/platform` → `platform`, as Backstage names collaborators. */
function entityRefToName(name: string): string {
  return name.replace(/^.*[:/]/g, '');
}

/** A user or team name, safe as a path segment of a GitHub API request. */
function safeName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new ActionError(`${ACTION}: ${JSON.stringify(name)} is not a GitHub user or team name`);
  return name;
}

function oneOf(input: Record<string, unknown>, name: string, allowed: string[]): string | undefined {
  const value = stringInput(input, name, { action: ACTION });
  if (value !== undefined && !allowed.includes(value)) throw new ActionError(`${ACTION}'s input "${name}" must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return value;
}

function mapping(input: Record<string, unknown>, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((item) => typeof item === 'string')) throw new ActionError(`${ACTION}'s input "${name}" must be a mapping of names to text`);
  return value as Record<string, string>;
}

function optional<T>(name: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [name]: value };
}
