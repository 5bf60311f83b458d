import fs from 'node:fs/promises';
import path from 'node:path';
import type { IngestReport, RootLocation } from '../catalog/ingest';
import type { CatalogStore } from '../catalog/store';
import type { GitHubAuth } from '../sources/github/transport';
import type { Logger } from '../logger';
import type { GitHubCacheStore } from '../sources/github/cache';
import { GitHubClient } from '../sources/github/client';
import { createOctokitTransport } from '../sources/github/transport';
import { githubHosts } from '../sources/github/urls';
import { createCatalogRegister } from './actions/catalog';
import { createCatalogEntityActions } from './actions/catalogEntities';
import { createDebugActions } from './actions/debug';
import { createFetchActions } from './actions/fetch';
import { createFilesystemActions } from './actions/filesystem';
import type { GitHubApi } from './actions/githubApi';
import { createGitHubPullRequest } from './actions/githubPullRequest';
import { createGitHubRepoCreate } from './actions/githubRepoCreate';
import { createGitHubRepoPush } from './actions/githubRepoPush';
import { createGitHubRepositoryActions } from './actions/githubRepository';
import { createGitHubPublisher } from './actions/publishGithub';
import { createLocalPublisher } from './actions/publishLocal';
import type { Action } from './actions/types';
import { parseRepoUrl } from './expressions';
import { TemplateLibrary } from './library';
import { Scaffolder } from './service';
import type { TaskStore } from './tasks';
import { qualify } from './template';
import { SpareSandboxes } from './templating/spare';

const GITHUB_ONLY_ACTIONS = ['github:issues:label', 'github:actions:dispatch', 'github:webhook', 'github:repo:create', 'github:repo:push'];

export interface ScaffolderSettings {
  templatesDir: string;
  /** Where publish:local (and publish:github without GitHub credentials) creates repositories. */
  localReposDir: string;
  allowedGroups: string[];
}

export interface ComposeScaffolderOptions {
  settings: ScaffolderSettings;
  store: TaskStore;
  catalog: Pick<CatalogStore, 'findByName' | 'getByRef' | 'getManyByRef' | 'findByNamePrefix'>;
  /** Ingests one location through the catalog's pipeline (with GitHub's reader when configured). */
  ingest(root: RootLocation): Promise<IngestReport>;
  /** GitHub, when credentials are configured: the API for writes, and its web host. */
  github?: { api: GitHubApi; webUrl: string };
  logger: Logger;
  workspaceRoot?: string;
  /**
   * Keep a warmed template sandbox ready for the next task (serve): a dry run of a large skeleton
   * then takes about half as long. A one-task CLI gains nothing from it. `true` makes one, which
   * `Scaffolder.close()` stops.
   */
  spareSandboxes?: boolean | SpareSandboxes;
}

/**
 * The scaffolder with its actions. Without GitHub credentials, publish:github creates a local git
 * repository instead and says so in the task's log: the demo and the embedded default still work.
 */
export function composeScaffolder(options: ComposeScaffolderOptions): Scaffolder {
  const { settings, github, catalog } = options;
  const teamOf = async (ownerRef: string) => {
    const group = await catalog.getByRef(qualify(ownerRef, 'group', 'default'));
    return group?.entity.metadata.annotations?.['github.com/team-slug'] ?? null;
  };
  const actions: Action[] = [
    ...createFetchActions(),
    ...createFilesystemActions(),
    ...createDebugActions(),
    createLocalPublisher({ reposDir: settings.localReposDir }),
    github ? createGitHubPublisher({ api: github.api, webUrl: github.webUrl, teamOf }) : createLocalPublisher({ reposDir: settings.localReposDir, id: 'publish:github' }),
    createCatalogRegister({ ingest: options.ingest }),
    ...createCatalogEntityActions({ catalog }),
    // Without GitHub these have nothing to act on: they are named unavailable, so a task using them stops before its first step.
    ...(github
      ? [createGitHubPullRequest(github), ...createGitHubRepositoryActions(github), createGitHubRepoCreate(github), createGitHubRepoPush(github)]
      : ['publish:github:pull-request', ...GITHUB_ONLY_ACTIONS].map((id) => ({ id, unavailable: 'GitHub is not configured (GITHUB_TOKEN or a GitHub App)', run: async () => ({}) }))),
  ];
  const githubHost = github ? new URL(github.webUrl).host : undefined;
  const repositoryExists = async (repoUrl: string): Promise<boolean> => {
    const { host, owner, repo } = parseRepoUrl(repoUrl);
    if (github && (host === githubHost || (host === 'github.com' && githubHost === 'github.com'))) {
      const answer = await github.api.request({ method: 'GET', path: `/repos/${owner}/${repo}`, owner });
      if (answer.status !== 200 && answer.status !== 404) options.logger.warn('could not check whether a repository exists', { owner, repo, status: answer.status });
      return answer.status === 200;
    }
    if (!/^[A-Za-z0-9._-]+$/.test(owner) || !/^[A-Za-z0-9._-]+$/.test(repo) || [owner, repo].some((name) => name === '.' || name === '..')) return false;
    const entries = await fs.readdir(path.join(settings.localReposDir, owner, repo)).catch(() => []);
    return entries.length > 0;
  };
  return new Scaffolder({
    library: new TemplateLibrary({ folder: settings.templatesDir, catalog }),
    store: options.store,
    actions: new Map(actions.map((action) => [action.id, action])),
    catalog,
    repositoryExists,
    allowedGroups: settings.allowedGroups,
    logger: options.logger,
    workspaceRoot: options.workspaceRoot,
    sandboxes: options.spareSandboxes === true ? new SpareSandboxes() : options.spareSandboxes || undefined,
  });
}

/**
 * A GitHub client for publishing: octokit with Backline's rate-limit handling, but no automatic
 * retries, since repeating a POST that GitHub may have carried out (creating a repository) is not
 * safe; a failed publish is retried by the person, with what it left behind taken into account.
 * No waits for a rate limit either: a form submission asks it whether a repository exists before
 * Slack's 3 s ack, so a rate limit fails the request at once (and a task, which can be retried).
 */
export function createGitHubWriter(options: { apiUrl: string; auth: GitHubAuth; cache: GitHubCacheStore }): GitHubApi {
  return new GitHubClient({ transport: createOctokitTransport({ apiUrl: options.apiUrl, auth: options.auth }), cache: options.cache, retries: 0, maxRateLimitWaitMs: 0 });
}

/** Where the RepoUrlPicker creates repositories: the GitHub host (github.com without GitHub) and the configured organisations. */
export function repoTargetOf(github: { apiUrl: string; auth: unknown; orgs: string[] }): { host: string; orgs: string[] } {
  return { host: github.auth ? new URL(githubHosts(github.apiUrl).webUrl).host : 'github.com', orgs: github.orgs };
}
