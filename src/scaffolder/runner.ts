import type { Entity } from '../catalog/model';
import type { Action } from './actions/types';
import { isTruthy, renderValue, toText, type ExpressionScope } from './expressions';
import type { LeftBehind, OutputLink, StepStatus, TaskOutput, TaskStep } from './tasks';
import type { ScaffolderTemplate } from './template';

export interface RunHooks {
  step(position: number, status: StepStatus, detail: { output?: Record<string, unknown>; error?: string }): Promise<void>;
  log(stepId: string | null, line: string): Promise<void>;
  leftBehind(items: LeftBehind[]): Promise<void>;
}

export interface RunOptions {
  template: ScaffolderTemplate;
  parameters: Record<string, unknown>;
  actions: ReadonlyMap<string, Action>;
  /** The requester as `${{ user.ref }}` and `${{ user.entity }}` read them. */
  user: { ref: string; entity: Entity } | null;
  workspace: string;
  dryRun: boolean;
  previouslyLeftBehind: LeftBehind[];
  hooks: RunHooks;
}

export interface RunResult {
  status: 'completed' | 'failed';
  steps: TaskStep[];
  output: TaskOutput | null;
  error: string | null;
  failedStep: string | null;
  leftBehind: LeftBehind[];
}

/**
 * Runs a template's steps in order in one workspace: each step's `if` and input are rendered against
 * the parameters, the outputs of the steps before it and the requester, then its action runs. The
 * first failure stops the task; it is reported with the step, the reason, and what was left behind.
 */
export async function runTemplate(options: RunOptions): Promise<RunResult> {
  const { template, hooks } = options;
  const steps: TaskStep[] = template.steps.map((step) => ({ id: step.id, name: step.name, action: step.action, status: 'pending', error: null }));
  const outputs: Record<string, { output: Record<string, unknown> }> = {};
  const scope: ExpressionScope = { parameters: options.parameters, steps: outputs, user: options.user ?? {} };
  const leftBehind = new Map(options.previouslyLeftBehind.map((item) => [item.key, item]));
  const publishedRepositories: string[] = [];
  const fail = async (position: number, error: string): Promise<RunResult> => {
    steps[position]!.status = 'failed';
    steps[position]!.error = error;
    await hooks.step(position, 'failed', { error });
    return { status: 'failed', steps, output: null, error, failedStep: steps[position]!.id, leftBehind: [...leftBehind.values()] };
  };

  // Refuse before any step runs: a template that would stop halfway should not start.
  const missing = template.steps.findIndex((step) => !options.actions.has(step.action));
  if (missing !== -1) {
    const step = template.steps[missing]!;
    return fail(missing, `The step "${step.name}" uses the action ${step.action}, which Backline does not run (it runs ${[...options.actions.keys()].join(', ')}). Nothing was created.`);
  }

  for (const [position, step] of template.steps.entries()) {
    let input: Record<string, unknown>;
    try {
      if (step.if !== undefined && !isTruthy(step.if, scope)) {
        steps[position]!.status = 'skipped';
        await hooks.step(position, 'skipped', {});
        await hooks.log(step.id, `skipped: its condition ${toText(step.if)} is false`);
        continue;
      }
      input = renderValue(step.input, scope) as Record<string, unknown>;
    } catch (error) {
      return fail(position, (error as Error).message);
    }
    steps[position]!.status = 'running';
    await hooks.step(position, 'running', {});
    const pendingLogs: Promise<void>[] = [];
    try {
      const output = await options.actions.get(step.action)!.run({
        input,
        workspace: options.workspace,
        templateDir: template.baseDir,
        templateName: template.name,
        dryRun: options.dryRun,
        publishedRepositories,
        previouslyLeftBehind: options.previouslyLeftBehind,
        log: (line) => void pendingLogs.push(hooks.log(step.id, line)),
        leave: (item) => {
          leftBehind.set(item.key, item);
          pendingLogs.push(hooks.leftBehind([...leftBehind.values()]));
        },
      });
      await Promise.all(pendingLogs);
      outputs[step.id] = { output };
      if (step.action.startsWith('publish:') && typeof output.repoContentsUrl === 'string') publishedRepositories.push(output.repoContentsUrl);
      steps[position]!.status = 'completed';
      await hooks.step(position, 'completed', { output });
    } catch (error) {
      await Promise.allSettled(pendingLogs);
      return fail(position, (error as Error).message);
    }
  }

  let output: TaskOutput;
  try {
    output = renderOutput(template.output, scope, outputs);
  } catch (error) {
    return { status: 'failed', steps, output: null, error: `The template's output could not be rendered: ${(error as Error).message}`, failedStep: null, leftBehind: [...leftBehind.values()] };
  }
  return { status: 'completed', steps, output, error: null, failedStep: null, leftBehind: [...leftBehind.values()] };
}

function renderOutput(definition: Record<string, unknown>, scope: ExpressionScope, outputs: Record<string, { output: Record<string, unknown> }>): TaskOutput {
  const links: OutputLink[] = [];
  let entityRef: string | null = null;
  for (const link of Array.isArray(definition.links) ? (definition.links as Array<Record<string, unknown>>) : []) {
    if (link.if !== undefined && !isTruthy(link.if, scope)) continue;
    const title = toText(renderValue(link.title ?? '', scope));
    const url = toText(renderValue(link.url ?? '', scope));
    const ref = toText(renderValue(link.entityRef ?? '', scope));
    if (url) links.push({ title: title || url, url });
    else if (ref) entityRef ??= ref;
  }
  const text = (Array.isArray(definition.text) ? (definition.text as Array<Record<string, unknown>>) : [])
    .filter((item) => item.if === undefined || isTruthy(item.if, scope))
    .map((item) => ({ title: toText(renderValue(item.title ?? '', scope)), content: toText(renderValue(item.content ?? '', scope)) }));
  if (!entityRef) {
    const registered = Object.values(outputs).find((step) => typeof step.output.entityRef === 'string' && step.output.entityRef);
    entityRef = (registered?.output.entityRef as string | undefined) ?? null;
  }
  return { links, text, entityRef };
}
