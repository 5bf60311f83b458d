/**
 * Backstage's template expressions, `${{ parameters.name | lower }}`, as they appear in step inputs,
 * `if:` conditions and outputs. They are Nunjucks, rendered in the task's sandbox
 * (templating/sandbox.ts) exactly as Backstage's NunjucksWorkflowRunner renders them.
 */
import { TemplateRenderError, type TemplateSandbox } from './templating/sandbox';

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

/** What expressions can read: `parameters`, `steps`, `user`, `secrets`. */
export type ExpressionScope = Record<string, unknown>;

export interface RepoUrl {
  host: string;
  owner: string;
  repo: string;
}

/**
 * The RepoUrlPicker's value, `github.com?owner=acme&repo=payments`, as its parts. Only GitHub-style
 * owner/repo URLs: Bitbucket's workspace/project and GitLab's nested groups are refused by name.
 */
export function parseRepoUrl(value: string): RepoUrl {
  const question = value.indexOf('?');
  const host = question === -1 ? '' : value.slice(0, question).trim();
  const query = new URLSearchParams(question === -1 ? '' : value.slice(question + 1));
  const owner = query.get('owner') ?? query.get('organization') ?? '';
  const repo = query.get('repo') ?? '';
  if (!host || !owner || !repo) {
    throw new ExpressionError(`"${value}" is not a repository URL: expected host?owner=ORG&repo=NAME, e.g. github.com?owner=acme&repo=payments-service`);
  }
  return { host, owner, repo };
}

/**
 * Renders every string in a value (deeply) in the sandbox. A string that is one expression and
 * nothing else keeps the value's JSON type (an array stays an array, `true` a boolean), and a
 * string that renders empty is dropped, as in Backstage. `where` names the value in errors:
 * `step "publish" input`.
 */
export async function renderValue(sandbox: TemplateSandbox, value: unknown, scope: ExpressionScope, where: string): Promise<unknown> {
  try {
    return await sandbox.renderValue(value, scope, where);
  } catch (error) {
    if (error instanceof TemplateRenderError) throw new ExpressionError(error.message);
    throw error;
  }
}

/** Backstage's isTruthy for a rendered `if:`: an empty list is false, everything else as JavaScript. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
