import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserFacingError } from '../errors';
import type { GitHubApi } from './actions/githubApi';
import { isGlob, pathMatcher } from '../sources/github/urls';
import { createGitHubPullRequest } from './actions/githubPullRequest';
import { ActionError, type ActionContext } from './actions/types';

/** The branch every catalog file pull request comes from: pressing Confirm again updates the same one. */
export const CATALOG_FILE_BRANCH = 'backline/catalog-info';
const DEFAULT_CATALOG_FILE = 'catalog-info.yaml';

export interface CatalogFilePullRequest {
  /** `owner/name`. */
  repository: string;
  /** The whole catalog-info.yaml, as it goes at the repository's root. */
  yaml: string;
  title: string;
  /** The pull request's description (GitHub Markdown). */
  body: string;
}

/** Opens pull requests that add a catalog-info.yaml to a repository. */
export interface CatalogFilePullRequests {
  /**
   * Opens the pull request, or updates the one already open from the same branch: asking twice
   * leaves one pull request.
   */
  open(request: CatalogFilePullRequest): Promise<{ url: string; number: number }>;
}

/**
 * The scaffolder's publish:github:pull-request, run on a workspace holding the one file: one tree,
 * one commit on CATALOG_FILE_BRANCH, one pull request, with `update: true`. Requests for the same
 * repository run one after another, so that two presses at once do not race to open two.
 */
export function createCatalogFilePullRequests(options: { api: GitHubApi; webUrl: string; catalogPath?: string }): CatalogFilePullRequests {
  const action = createGitHubPullRequest(options);
  const catalogFile = catalogFileFor(options.catalogPath ?? DEFAULT_CATALOG_FILE);
  const host = new URL(options.webUrl).host;
  const queues = new Map<string, Promise<unknown>>();

  const run = async (request: CatalogFilePullRequest): Promise<{ url: string; number: number }> => {
    const [owner, repo] = request.repository.split('/');
    if (!owner || !repo) throw new UserFacingError(`${request.repository} is not a repository (owner/name), so Backline cannot open a pull request there.`);
    const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-catalog-file-'));
    try {
      if (!catalogFile.ok) throw new UserFacingError(catalogFile.message);
      await fs.mkdir(path.dirname(path.join(workspace, catalogFile.path)), { recursive: true });
      await fs.writeFile(path.join(workspace, catalogFile.path), request.yaml);
      const context: ActionContext = {
        input: {
          repoUrl: `${host}?owner=${encodeURIComponent(owner)}&repo=${encodeURIComponent(repo)}`,
          branchName: CATALOG_FILE_BRANCH,
          title: request.title,
          description: request.body,
          commitMessage: request.title,
          update: true,
        },
        workspace,
        templateDir: null,
        templateName: 'catalog-info.yaml',
        log: () => undefined,
        previouslyLeftBehind: [],
        leave: () => undefined,
        dryRun: false,
        publishedRepositories: [],
      };
      const output = await action.run(context);
      return { url: String(output.remoteUrl), number: Number(output.pullRequestNumber) };
    } catch (error) {
      // The action's messages name what GitHub answered and the request: safe to show, and the fix.
      if (error instanceof ActionError) throw new UserFacingError(`Backline could not open the pull request in ${request.repository}: ${error.message}`);
      throw error;
    } finally {
      await fs.rm(workspace, { recursive: true, force: true });
    }
  };

  return {
    open(request) {
      const key = request.repository.toLowerCase();
      const previous = queues.get(key) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => run(request));
      queues.set(key, next);
      void next.catch(() => undefined).finally(() => {
        if (queues.get(key) === next) queues.delete(key);
      });
      return next;
    },
  };
}

/**
 * Where the file goes so that discovery reads it: BACKLINE_GITHUB_CATALOG_PATH itself, or for a glob,
 * catalog-info.yaml at the root when the glob finds it there.
 */
function catalogFileFor(catalogPath: string): { ok: true; path: string } | { ok: false; message: string } {
  if (!isGlob(catalogPath)) return { ok: true, path: catalogPath };
  if (pathMatcher(catalogPath)(DEFAULT_CATALOG_FILE)) return { ok: true, path: DEFAULT_CATALOG_FILE };
  return { ok: false, message: `Backline reads catalog files matching ${catalogPath} (BACKLINE_GITHUB_CATALOG_PATH), and cannot tell where in this repository one should go: add it by hand where that pattern finds it.` };
}
