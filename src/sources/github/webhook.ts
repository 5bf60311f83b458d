import type { Logger } from '../../logger';
import { CODEOWNERS_PATHS } from './codeowners';
import { isGlob, pathMatcher } from './urls';

/** A delivery whose signature was checked as it arrived (see webhookReceiver.ts). */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The body as received; empty for events other than those in EVENTS_READ, which are not kept. */
  body: Buffer;
}

/** The events whose payload is read; every other event is answered without keeping its body. */
export const EVENTS_READ: ReadonlySet<string> = new Set(['push', 'repository', 'ping']);

export interface WebhookAnswer {
  status: number;
  body: { status: string; reason?: string; repository?: string };
}

export interface WebhookDependencies {
  /** The catalog file path or glob: a push refreshes a repository only when it touches a match. */
  catalogPath: string;
  /**
   * Owners are inferred for repositories without a catalog file: a push that touches a CODEOWNERS
   * file, and a repository edited (its description or topics), refresh the repository too.
   */
  infer?: boolean;
  /** Queues a refresh of the repository; undefined when its organisation is not configured. */
  refreshRepository(owner: string, repo: string): Promise<unknown> | undefined;
  logger: Logger;
}

// GitHub puts at most 20 commits in a push payload; a longer push may touch files we cannot see.
const PUSH_COMMITS_SHOWN = 20;

/**
 * A verified delivery to POST /github/webhook: a push to a repository's default branch that touches
 * its catalog file refreshes the repository; a repository deleted, archived, unarchived, renamed or
 * transferred is refreshed too (the refresh adds or removes its entities). The refresh runs after
 * the answer, within seconds. Unreadable payloads get 400, everything else 202.
 */
export function handleGitHubWebhook(request: WebhookRequest, deps: WebhookDependencies): WebhookAnswer {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const event = header('x-github-event') ?? '';
  const delivery = header('x-github-delivery');
  const ignored = (reason: string): WebhookAnswer => ({ status: 202, body: { status: 'ignored', reason } });
  if (!EVENTS_READ.has(event)) return ignored(`${event || 'an unnamed'} event`);
  const payload = parsePayload(request.body, header('content-type'));
  if (payload === undefined) {
    deps.logger.warn('GitHub webhook with an unreadable body', { event, delivery });
    return { status: 400, body: { status: 'rejected', reason: 'the body is not a JSON webhook payload' } };
  }
  if (event === 'ping') return { status: 200, body: { status: 'pong' } };

  const repository = payload.repository as { name?: unknown; owner?: { login?: unknown; name?: unknown }; default_branch?: unknown } | undefined;
  const owner = typeof repository?.owner?.login === 'string' ? repository.owner.login : typeof repository?.owner?.name === 'string' ? repository.owner.name : undefined;
  const name = typeof repository?.name === 'string' ? repository.name : undefined;
  if (!owner || !name) return { status: 400, body: { status: 'rejected', reason: `a ${event} event without repository.owner and repository.name` } };
  const slug = `${owner}/${name}`;

  if (event === 'push') {
    if (payload.ref !== `refs/heads/${String(repository?.default_branch ?? '')}`) return ignored(`a push to ${String(payload.ref)}, not to the default branch of ${slug}`);
    const watched = deps.infer ? [deps.catalogPath, ...CODEOWNERS_PATHS] : [deps.catalogPath];
    if (!touchesAny(payload, watched)) return ignored(`the push to ${slug} does not touch ${watched.join(' or ')}`);
  } else if (!['deleted', 'archived', 'unarchived', 'renamed', 'transferred', 'created', ...(deps.infer ? ['edited'] : [])].includes(String(payload.action))) {
    return ignored(`repository ${String(payload.action)}`);
  }
  // A transfer also takes the repository out of its former organisation.
  const from = (payload.changes as { owner?: { from?: { organization?: { login?: unknown }; user?: { login?: unknown } } } } | undefined)?.owner?.from;
  const formerOwner = event === 'repository' && payload.action === 'transferred' ? (from?.organization?.login ?? from?.user?.login) : undefined;
  const former = typeof formerOwner === 'string' ? deps.refreshRepository(formerOwner, name) : undefined;
  const refresh = deps.refreshRepository(owner, name) ?? former;
  if (!refresh) return ignored(`${owner} is not one of the organisations in BACKLINE_GITHUB_ORGS`);
  refresh.catch((error: unknown) => deps.logger.error('GitHub webhook refresh failed', { repository: slug, event, delivery, error }));
  deps.logger.info('GitHub webhook: refreshing', { repository: slug, event, action: payload.action, delivery });
  return { status: 202, body: { status: 'refreshing', repository: slug } };
}

function parsePayload(body: Buffer, contentType: string | undefined): Record<string, unknown> | undefined {
  try {
    let text = body.toString('utf8');
    // GitHub sends application/x-www-form-urlencoded with a `payload` field when configured so.
    if (contentType?.startsWith('application/x-www-form-urlencoded')) text = new URLSearchParams(text).get('payload') ?? '';
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function touchesAny(payload: Record<string, unknown>, paths: string[]): boolean {
  const commits = Array.isArray(payload.commits) ? (payload.commits as Array<Record<string, unknown>>) : [];
  // A forced push or a long one: the payload cannot show every file, so refresh to be sure.
  if (payload.forced === true || commits.length === 0 || commits.length >= PUSH_COMMITS_SHOWN) return true;
  const matchers = paths.map((wanted) => (isGlob(wanted) ? pathMatcher(wanted) : (path: string) => path === wanted));
  const matches = (path: string) => matchers.some((match) => match(path));
  return commits.some((commit) => ['added', 'modified', 'removed'].some((field) => Array.isArray(commit[field]) && (commit[field] as unknown[]).some((path) => typeof path === 'string' && matches(path))));
}
