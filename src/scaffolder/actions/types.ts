import type { LeftBehind } from '../tasks';
import type { TemplateSandbox } from '../templating/sandbox';

/** A step's action failed; the message is for the person who ran the template. */
export class ActionError extends Error {
  override name = 'ActionError';
}

export interface ActionContext {
  /** The step's input with its expressions rendered. */
  input: Record<string, unknown>;
  /** The task's workspace: what fetch actions write and publish actions send. */
  workspace: string;
  /** The template's folder, where relative URLs such as ./skeleton resolve; null when it has none. */
  templateDir: string | null;
  /** The folder the template's URLs may climb to with `..` (the templates folder); templateDir when not given. */
  templateRoot?: string | null;
  templateName: string;
  /** A line in the task's log. */
  log(line: string): void;
  /** What earlier attempts of this task left behind, so that a retry can reuse it. */
  previouslyLeftBehind: LeftBehind[];
  /** Records something this attempt created, so that a failure names it and a retry finds it. */
  leave(item: LeftBehind): void;
  /** Render and check, but create nothing outside the workspace. */
  dryRun: boolean;
  /** The `repoContentsUrl` of every repository this task's publish steps have made so far. */
  publishedRepositories: readonly string[];
  /** The task's template sandbox (fetch:template renders in it); an action run alone starts its own. */
  sandbox?: TemplateSandbox;
}

/** One scaffolder action, e.g. publish:github. Returns the step's output. */
export interface Action {
  id: string;
  /**
   * Whether a dry run calls it. Actions that only read, or write inside the workspace, say true; the
   * others (GitHub, the catalog) are simulated by the runner instead, so that a dry run can neither
   * change the world nor hand back a link to something it did not create.
   */
  supportsDryRun?: boolean;
  /** Why it cannot run on this installation (e.g. GitHub is not configured); a task using it stops before its first step. */
  unavailable?: string;
  run(context: ActionContext): Promise<Record<string, unknown>>;
}

export function stringInput(input: Record<string, unknown>, name: string, options: { required: true; action: string }): string;
export function stringInput(input: Record<string, unknown>, name: string, options?: { required?: false; action: string }): string | undefined;
export function stringInput(input: Record<string, unknown>, name: string, options: { required?: boolean; action: string } = { action: 'the action' }): string | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') {
    if (options.required) throw new ActionError(`${options.action} needs the input "${name}"`);
    return undefined;
  }
  if (typeof value !== 'string') throw new ActionError(`${options.action}'s input "${name}" must be text, not ${Array.isArray(value) ? 'a list' : typeof value}`);
  return value;
}

export function booleanInput(input: Record<string, unknown>, name: string, action: string, fallback: boolean): boolean {
  const value = input[name];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ActionError(`${action}'s input "${name}" must be true or false, not ${JSON.stringify(value)}`);
}

export function stringListInput(input: Record<string, unknown>, name: string, action: string): string[] {
  const value = input[name];
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw new ActionError(`${action}'s input "${name}" must be a list of text`);
}
