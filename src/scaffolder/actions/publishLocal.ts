import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseRepoUrl } from '../expressions';
import { ActionError, stringInput, type Action, type ActionContext } from './types';
import { checkBranch, checkName, readWorkspaceFiles } from './workspaceFiles';

const run = promisify(execFile);

export interface LocalPublisherOptions {
  /** Where repositories are created: `<reposDir>/<owner>/<repo>`. */
  reposDir: string;
  /** The id this action answers to: publish:local, or publish:github when GitHub is not configured. */
  id?: string;
}

/**
 * Publishes the workspace as a git repository on this machine, with one commit: for the demo, the
 * embedded default, and trying templates without GitHub. git is run with execFile and fixed
 * arguments (no shell), so values from the form never reach a command line interpreter.
 */
export function createLocalPublisher(options: LocalPublisherOptions): Action {
  const id = options.id ?? 'publish:local';
  return {
    id,
    async run(context: ActionContext) {
      const { input } = context;
      const repoUrl = stringInput(input, 'repoUrl', { required: true, action: id });
      let owner: string;
      let repo: string;
      try {
        ({ owner, repo } = parseRepoUrl(repoUrl));
      } catch (error) {
        throw new ActionError(`${id}: ${(error as Error).message}`);
      }
      checkName(owner, 'owner', id);
      checkName(repo, 'repository name', id);
      const branch = checkBranch(stringInput(input, 'defaultBranch', { action: id }) ?? 'main', id);
      const message = stringInput(input, 'gitCommitMessage', { action: id }) ?? `Initial commit from the ${context.templateName} template`;
      const directory = path.join(options.reposDir, owner, repo);
      const key = `local:${directory}`;
      const url = pathToFileURL(directory).toString();
      const files = await readWorkspaceFiles(context.workspace, stringInput(input, 'sourcePath', { action: id }), id);
      if (id !== 'publish:local') context.log(`${id}: GitHub is not configured (GITHUB_TOKEN or a GitHub App), so the repository is created on this machine at ${directory}`);
      const existing = await fs.readdir(directory).catch(() => undefined);
      const ours = context.previouslyLeftBehind.some((item) => item.key === key);
      if (existing && existing.length > 0 && !ours) throw new ActionError(`${id}: ${directory} already exists; choose another repository name`);
      if (ours) await fs.rm(directory, { recursive: true, force: true });
      await fs.mkdir(directory, { recursive: true });
      context.leave({ kind: 'repository', key, description: `the local repository ${directory}`, complete: false });
      await git(['init', '--quiet', `--initial-branch=${branch}`, directory]);
      for (const file of files) {
        const destination = path.join(directory, file.path);
        await fs.mkdir(path.dirname(destination), { recursive: true });
        await fs.writeFile(destination, file.content, { mode: file.executable ? 0o755 : 0o644 });
      }
      await git(['-C', directory, 'add', '--all']);
      await git(['-C', directory, '-c', 'user.name=Backline', '-c', 'user.email=backline@localhost', '-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', message]);
      const commitHash = (await git(['-C', directory, 'rev-parse', 'HEAD'])).trim();
      context.leave({ kind: 'repository', key, description: `the local repository ${directory}`, complete: true });
      context.log(`${id}: created ${directory} with ${files.length} file(s) in commit ${commitHash.slice(0, 12)}`);
      return { remoteUrl: url, repoContentsUrl: url, commitHash };
    },
  };
}

/**
 * git's environment: only what it needs to run. Backline's own environment holds secrets (tokens,
 * DATABASE_URL) that git and its hooks have no business seeing, and GIT_* variables that would
 * change what is committed (author, git dir) — the identity is fixed on the command line instead.
 */
function gitEnvironment(): NodeJS.ProcessEnv {
  return {
    ...(process.env.PATH !== undefined && { PATH: process.env.PATH }),
    ...(process.env.HOME !== undefined && { HOME: process.env.HOME }),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

async function git(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { env: gitEnvironment() });
    return stdout;
  } catch (error) {
    const failed = error as { code?: string; stderr?: string; message: string };
    if (failed.code === 'ENOENT') throw new ActionError('publish:local needs git, which is not installed on this machine');
    throw new ActionError(`git ${args.find((arg) => !arg.startsWith('-') && !arg.includes('/')) ?? ''} failed: ${(failed.stderr || failed.message).trim()}`);
  }
}
