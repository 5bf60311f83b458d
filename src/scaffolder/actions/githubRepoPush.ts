import { caller, repoTarget, repositoryKey, type Call, type GitHubApi } from './githubApi';
import { treeEntries } from './publishGithub';
import { ActionError, booleanInput, stringInput, stringListInput, type Action, type ActionContext } from './types';
import { checkBranch, readWorkspaceFiles } from './workspaceFiles';

const ACTION = 'github:repo:push';
const IGNORED_INPUTS = ['token', 'description'];

/**
 * Backstage's github:repo:push: the workspace (or its `sourcePath`) as the first commit of a
 * repository github:repo:create made, on `defaultBranch` (Backstage's default: master), which
 * becomes the repository's default branch, then protected as the template asks.
 *
 * Backstage runs `git init` and `git push`, which GitHub refuses on a repository with history of its
 * own. Backline pushes through the git data API instead (one tree however many files, one commit,
 * one ref), so it must refuse that case itself: it writes only into a repository that is empty or
 * holds nothing but the README commit GitHub's auto_init makes, or one this task pushed before.
 */
export function createGitHubRepoPush(options: { api: GitHubApi; webUrl: string }): Action {
  return {
    id: ACTION,
    async run(context: ActionContext) {
      const { input } = context;
      const { owner, repo } = repoTarget(input, ACTION, options.webUrl);
      const branch = checkBranch(stringInput(input, 'defaultBranch', { action: ACTION }) ?? 'master', ACTION);
      const message = stringInput(input, 'gitCommitMessage', { action: ACTION }) ?? 'initial commit';
      const authorName = stringInput(input, 'gitAuthorName', { action: ACTION });
      const authorEmail = stringInput(input, 'gitAuthorEmail', { action: ACTION });
      for (const name of IGNORED_INPUTS) if (input[name] !== undefined) context.log(`${ACTION}: the input "${name}" is not supported and was ignored`);
      const protection = protectionOf(input);
      const files = await readWorkspaceFiles(context.workspace, stringInput(input, 'sourcePath', { action: ACTION }), ACTION);
      const call = caller(options.api, owner);
      const key = repositoryKey(owner, repo);
      const remoteUrl = `${options.webUrl}/${owner}/${repo}`;

      const found = await options.api.request({ method: 'GET', path: `/repos/${owner}/${repo}`, owner });
      if (found.status === 404) throw new ActionError(`${ACTION}: GitHub has no repository ${owner}/${repo} that Backline's credentials can see; create it first (github:repo:create)`);
      if (found.status !== 200) throw new ActionError(`GitHub answered ${found.status} when reading the repository (GET /repos/${owner}/${repo})`);
      const current = String((found.data as { default_branch?: unknown }).default_branch ?? 'main');
      const ours = context.previouslyLeftBehind.some((item) => item.key === key && item.complete);
      const state = await repositoryState(call, owner, repo, current);
      if (state === 'has history' && !ours) {
        throw new ActionError(`${ACTION}: ${owner}/${repo} already has commits on ${current}; github:repo:push fills a new repository (as Backstage's git push would be refused), so use publish:github:pull-request to change an existing one`);
      }
      // The git data API refuses an empty repository; one file through the contents API starts its history.
      if (state === 'empty') {
        await call({ method: 'PUT', path: `/repos/${owner}/${repo}/contents/README.md`, body: { message: 'Initialise the repository', content: Buffer.from(`# ${repo}\n`).toString('base64') } }, [201], 'initialising the empty repository');
      }

      const tree = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/trees`, body: { tree: await treeEntries(files, owner, repo, call) } }, [201], 'creating the tree of files');
      const author = authorName && authorEmail ? { author: { name: authorName, email: authorEmail } } : {};
      const commit = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/commits`, body: { message, tree: (tree.data as { sha: string }).sha, parents: [], ...author } }, [201], 'creating the commit');
      const commitHash = (commit.data as { sha: string }).sha;
      if (branch === current) {
        await call({ method: 'PATCH', path: `/repos/${owner}/${repo}/git/refs/heads/${branch}`, body: { sha: commitHash, force: true } }, [200], `pointing ${branch} at the commit`);
      } else {
        const created = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/refs`, body: { ref: `refs/heads/${branch}`, sha: commitHash } }, [201, 422], `creating the branch ${branch}`);
        if (created.status === 422) await call({ method: 'PATCH', path: `/repos/${owner}/${repo}/git/refs/heads/${branch}`, body: { sha: commitHash, force: true } }, [200], `pointing ${branch} at the commit`);
        await call({ method: 'PATCH', path: `/repos/${owner}/${repo}`, body: { default_branch: branch } }, [200], `making ${branch} the default branch`);
        // The branch auto_init (or the contents API) made holds only a README nobody asked for.
        await call({ method: 'DELETE', path: `/repos/${owner}/${repo}/git/refs/heads/${current}` }, [204, 422], `removing the branch ${current}`);
      }
      context.leave({ kind: 'repository', key, description: `the GitHub repository ${owner}/${repo} (${remoteUrl})`, complete: true });
      if (protection) await protect(options.api, context, { owner, repo, branch }, protection);
      context.log(`${ACTION}: pushed ${files.length} file(s) to ${owner}/${repo} in commit ${commitHash.slice(0, 12)} on ${branch}`);
      return { remoteUrl: `${remoteUrl}.git`, repoContentsUrl: `${remoteUrl}/blob/${branch}`, commitHash };
    },
  };
}

/**
 * Whether the repository may be filled: `empty` (no commits), `placeholder` (only the README commit
 * of auto_init or the contents API: one commit without parents, one file), or `has history`.
 */
async function repositoryState(call: Call, owner: string, repo: string, branch: string): Promise<'empty' | 'placeholder' | 'has history'> {
  const ref = await call({ method: 'GET', path: `/repos/${owner}/${repo}/git/ref/heads/${branch}` }, [200, 404, 409], `reading the branch ${branch}`);
  if (ref.status !== 200) return 'empty';
  const sha = (ref.data as { object: { sha: string } }).object.sha;
  const commit = await call({ method: 'GET', path: `/repos/${owner}/${repo}/git/commits/${sha}` }, [200], `reading the head commit of ${branch}`);
  const { parents, tree } = commit.data as { parents: unknown[]; tree: { sha: string } };
  if (parents.length) return 'has history';
  const files = await call({ method: 'GET', path: `/repos/${owner}/${repo}/git/trees/${tree.sha}` }, [200], `reading the files of ${branch}`);
  const entries = (files.data as { tree: Array<{ path: string }> }).tree;
  return entries.length <= 1 && entries.every((entry) => /^readme(\.md)?$/i.test(entry.path)) ? 'placeholder' : 'has history';
}

interface Protection {
  body: Record<string, unknown>;
  signatures: boolean;
}

/** Backstage's branch protection inputs as GitHub's protection request, or null when protectDefaultBranch is false. */
function protectionOf(input: Record<string, unknown>): Protection | null {
  if (!booleanInput(input, 'protectDefaultBranch', ACTION, true)) return null;
  const count = input.requiredApprovingReviewCount ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 6) throw new ActionError(`${ACTION}'s input "requiredApprovingReviewCount" must be a whole number from 0 to 6`);
  const people = (name: string) => {
    const value = input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new ActionError(`${ACTION}'s input "${name}" must be a mapping of users, teams and apps`);
    const record = value as Record<string, unknown>;
    return Object.fromEntries(['users', 'teams', 'apps'].filter((field) => record[field] !== undefined).map((field) => [field, stringListInput(record, field, `${ACTION}'s ${name}`)]));
  };
  const bypass = people('bypassPullRequestAllowances');
  return {
    body: {
      required_status_checks: { strict: booleanInput(input, 'requireBranchesToBeUpToDate', ACTION, true), contexts: stringListInput(input, 'requiredStatusCheckContexts', ACTION) },
      restrictions: people('restrictions') ?? null,
      enforce_admins: booleanInput(input, 'protectEnforceAdmins', ACTION, true),
      required_pull_request_reviews: {
        required_approving_review_count: count,
        require_code_owner_reviews: booleanInput(input, 'requireCodeOwnerReviews', ACTION, false),
        dismiss_stale_reviews: booleanInput(input, 'dismissStaleReviews', ACTION, false),
        require_last_push_approval: booleanInput(input, 'requireLastPushApproval', ACTION, false),
        ...(bypass && { bypass_pull_request_allowances: bypass }),
      },
      required_conversation_resolution: booleanInput(input, 'requiredConversationResolution', ACTION, false),
      required_linear_history: booleanInput(input, 'requiredLinearHistory', ACTION, false),
    },
    signatures: booleanInput(input, 'requiredCommitSigning', ACTION, false),
  };
}

/** As in Backstage, protection GitHub refuses (a private repository without GitHub Pro) is a warning, not a failed push. */
async function protect(api: GitHubApi, context: ActionContext, where: { owner: string; repo: string; branch: string }, protection: Protection): Promise<void> {
  const base = `/repos/${where.owner}/${where.repo}/branches/${encodeURIComponent(where.branch)}/protection`;
  const answer = await api.request({ method: 'PUT', path: base, owner: where.owner, body: protection.body });
  if (answer.status !== 200) {
    const said = (answer.data as { message?: unknown } | null)?.message;
    context.log(`${ACTION}: GitHub answered ${answer.status} when protecting ${where.branch}${typeof said === 'string' ? ` (${said})` : ''}; the branch is not protected`);
    return;
  }
  if (protection.signatures) {
    const signed = await api.request({ method: 'POST', path: `${base}/required_signatures`, owner: where.owner });
    if (signed.status !== 200) context.log(`${ACTION}: GitHub answered ${signed.status} when requiring signed commits on ${where.branch}; they are not required`);
  }
  context.log(`${ACTION}: protected ${where.branch}`);
}
