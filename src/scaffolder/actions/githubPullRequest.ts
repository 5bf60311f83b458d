import path from 'node:path';
import { normaliseRelative, relativePathProblem } from '../paths';
import { caller, repoTarget, type GitHubApi } from './githubApi';
import { treeEntries } from './publishGithub';
import { ActionError, booleanInput, stringInput, stringListInput, type Action, type ActionContext } from './types';
import { checkBranch, readWorkspaceFiles } from './workspaceFiles';

const ACTION = 'publish:github:pull-request';

/**
 * Backstage's publish:github:pull-request: the workspace (or its `sourcePath`) as one commit on a
 * new branch of an existing repository, under `targetPath`, and a pull request from it. However many
 * files, it is one tree (text inline, built on the target branch's tree), one commit, one ref and one
 * pull request. With `update: true` an existing branch is moved and its open pull request updated.
 */
export function createGitHubPullRequest(options: { api: GitHubApi; webUrl: string }): Action {
  return {
    id: ACTION,
    async run(context: ActionContext) {
      const { input } = context;
      const { owner, repo } = repoTarget(input, ACTION, options.webUrl);
      const branchName = checkBranch(stringInput(input, 'branchName', { required: true, action: ACTION }), ACTION);
      const title = stringInput(input, 'title', { required: true, action: ACTION });
      const description = stringInput(input, 'description', { required: true, action: ACTION });
      const wantedBase = stringInput(input, 'targetBranchName', { action: ACTION });
      if (wantedBase) checkBranch(wantedBase, ACTION);
      const targetPath = normaliseRelative(stringInput(input, 'targetPath', { action: ACTION }) ?? '');
      const problem = targetPath ? relativePathProblem(targetPath) : undefined;
      if (problem) throw new ActionError(`${ACTION}'s targetPath ${JSON.stringify(targetPath)} ${problem}; it must be a folder inside the repository`);
      const draft = booleanInput(input, 'draft', ACTION, false);
      const update = booleanInput(input, 'update', ACTION, false);
      const reviewers = stringListInput(input, 'reviewers', ACTION);
      const teamReviewers = [...new Set(stringListInput(input, 'teamReviewers', ACTION))];
      const commitMessage = stringInput(input, 'commitMessage', { action: ACTION }) ?? title;
      for (const name of ['forceFork', 'token', 'gitAuthorName', 'gitAuthorEmail', 'forceEmptyGitAuthor', 'createWhenEmpty']) {
        if (input[name] !== undefined) context.log(`${ACTION}: the input "${name}" is not supported and was ignored`);
      }
      const files = (await readWorkspaceFiles(context.workspace, stringInput(input, 'sourcePath', { action: ACTION }), ACTION)).map((file) => ({
        ...file,
        path: targetPath ? path.posix.join(targetPath, file.path) : file.path,
      }));
      const call = caller(options.api, owner);
      const key = `github-branch:${owner}/${repo}#${branchName}`.toLowerCase();

      const found = await options.api.request({ method: 'GET', path: `/repos/${owner}/${repo}`, owner });
      if (found.status === 404) throw new ActionError(`${ACTION}: GitHub has no repository ${owner}/${repo} that Backline's credentials can see`);
      if (found.status !== 200) throw new ActionError(`GitHub answered ${found.status} when reading the repository (GET /repos/${owner}/${repo})`);
      const base = wantedBase ?? String((found.data as { default_branch?: unknown }).default_branch ?? 'main');
      const baseRef = await call({ method: 'GET', path: `/repos/${owner}/${repo}/git/ref/heads/${base}` }, [200], `reading the branch ${base}`);
      const baseSha = (baseRef.data as { object: { sha: string } }).object.sha;
      const baseCommit = await call({ method: 'GET', path: `/repos/${owner}/${repo}/git/commits/${baseSha}` }, [200], `reading the head commit of ${base}`);
      const baseTree = (baseCommit.data as { tree: { sha: string } }).tree.sha;

      const tree = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/trees`, body: { base_tree: baseTree, tree: await treeEntries(files, owner, repo, call) } }, [201], 'creating the tree of files');
      const commit = await call(
        { method: 'POST', path: `/repos/${owner}/${repo}/git/commits`, body: { message: commitMessage, tree: (tree.data as { sha: string }).sha, parents: [baseSha] } },
        [201],
        'creating the commit',
      );
      const commitSha = (commit.data as { sha: string }).sha;
      const created = await call({ method: 'POST', path: `/repos/${owner}/${repo}/git/refs`, body: { ref: `refs/heads/${branchName}`, sha: commitSha } }, [201, 422], `creating the branch ${branchName}`);
      // A retry moves the branch its own earlier attempt pushed, as update: true would.
      const ours = context.previouslyLeftBehind.some((item) => item.key === key);
      if (created.status === 422) {
        if (!update && !ours) throw new ActionError(`${ACTION}: the branch ${branchName} already exists in ${owner}/${repo}; choose another branchName, or set update: true to update it`);
        await call({ method: 'PATCH', path: `/repos/${owner}/${repo}/git/refs/heads/${branchName}`, body: { sha: commitSha, force: true } }, [200], `updating the branch ${branchName}`);
      }
      context.leave({ kind: 'branch', key, description: `the branch ${branchName} of ${owner}/${repo}, pushed without its pull request`, complete: false });

      let pull: { number: number; html_url: string; base: { ref: string } } | undefined;
      const updateOpen = async () => {
        const open = await call({ method: 'GET', path: `/repos/${owner}/${repo}/pulls`, query: { head: `${owner}:${branchName}`, base, state: 'open' } }, [200], 'looking for an open pull request');
        const existing = (open.data as Array<{ number: number }>)[0];
        if (!existing) return undefined;
        const patched = await call({ method: 'PATCH', path: `/repos/${owner}/${repo}/pulls/${existing.number}`, body: { title, body: description } }, [200], `updating pull request #${existing.number}`);
        return patched.data as typeof pull;
      };
      if (update || ours) pull = await updateOpen();
      if (!pull) {
        const opened = await call({ method: 'POST', path: `/repos/${owner}/${repo}/pulls`, body: { title, body: description, head: branchName, base, draft } }, update || ours ? [201, 422] : [201], 'opening the pull request');
        // Another run opened it between the look above and this request (two at once): update that one.
        pull = opened.status === 422 ? await updateOpen() : (opened.data as typeof pull);
        if (!pull) {
          const said = (opened.data as { message?: unknown } | null)?.message;
          throw new ActionError(`GitHub answered 422 when opening the pull request (POST /repos/${owner}/${repo}/pulls)${typeof said === 'string' && said ? `: ${said}` : ''}`);
        }
      }
      const { number, html_url: remoteUrl } = pull!;
      context.leave({ kind: 'branch', key, description: `the pull request #${number} of ${owner}/${repo} (${remoteUrl})`, complete: true });
      if (reviewers.length || teamReviewers.length) {
        // As in Backstage, reviewers who cannot be asked (not collaborators) do not undo the pull request.
        const asked = await options.api.request({ method: 'POST', path: `/repos/${owner}/${repo}/pulls/${number}/requested_reviewers`, owner, body: { reviewers, team_reviewers: teamReviewers } });
        context.log(asked.status === 201 ? `${ACTION}: asked ${[...reviewers, ...teamReviewers.map((team) => `team ${team}`)].join(', ')} to review` : `${ACTION}: GitHub answered ${asked.status} when asking for reviewers; the pull request stands without them`);
      }
      context.log(`${ACTION}: opened #${number} from ${branchName} into ${base} with ${files.length} file(s) in commit ${commitSha.slice(0, 12)}`);
      return { remoteUrl, pullRequestNumber: number, targetBranchName: pull!.base.ref };
    },
  };
}
