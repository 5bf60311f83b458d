import type { Entity } from '../catalog/model';
import type { Action } from './actions/types';
import { isTruthy, renderValue, toText, type ExpressionScope } from './expressions';
import { TemplateSandbox, type SandboxOptions } from './templating/sandbox';
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
  /** Limits of the task's template sandbox (time per render, memory). */
  sandbox?: SandboxOptions;
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
 * Every expression and skeleton of the task renders in one sandbox, started here and stopped at the
 * end: a sandbox per task, so that one template cannot tamper with the renderer of another.
 */
export async function runTemplate(options: RunOptions): Promise<RunResult> {
  let sandbox: TemplateSandbox;
  try {
    sandbox = await TemplateSandbox.start(options.sandbox);
  } catch (error) {
    const message = `The template renderer could not start: ${(error as Error).message}. Nothing was created.`;
    const steps: TaskStep[] = options.template.steps.map((step) => ({ id: step.id, name: step.name, action: step.action, status: 'pending', error: null }));
    return { status: 'failed', steps, output: null, error: message, failedStep: null, leftBehind: options.previouslyLeftBehind };
  }
  try {
    return await runSteps(options, sandbox);
  } finally {
    sandbox.close();
  }
}

async function runSteps(options: RunOptions, sandbox: TemplateSandbox): Promise<RunResult> {
  const { template, hooks } = options;
  const named = (what: string) => `The template ${template.name} cannot be rendered: ${what}`;
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
      const skip = step.if === false || (typeof step.if === 'string' && !isTruthy(await renderValue(sandbox, step.if, scope, `step ${step.id} if`)));
      if (skip) {
        steps[position]!.status = 'skipped';
        await hooks.step(position, 'skipped', {});
        await hooks.log(step.id, `skipped: its condition ${toText(step.if)} is false`);
        continue;
      }
      input = ((await renderValue(sandbox, step.input ?? {}, scope, `step ${step.id} input`)) ?? {}) as Record<string, unknown>;
    } catch (error) {
      return fail(position, named((error as Error).message));
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
        sandbox,
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
    const rendered = await renderValue(sandbox, template.output ?? {}, scope, 'output');
    output = readOutput((rendered ?? {}) as Record<string, unknown>, outputs);
  } catch (error) {
    return { status: 'failed', steps, output: null, error: named((error as Error).message), failedStep: null, leftBehind: [...leftBehind.values()] };
  }
  return { status: 'completed', steps, output, error: null, failedStep: null, leftBehind: [...leftBehind.values()] };
}

/** The rendered output as links, text and the registered entity; `if:` is judged after rendering. */
function readOutput(definition: Record<string, unknown>, outputs: Record<string, { output: Record<string, unknown> }>): TaskOutput {
  const shown = (item: Record<string, unknown>) => !('if' in item) || isTruthy(item.if);
  const items = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []).filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null);
  const links: OutputLink[] = [];
  let entityRef: string | null = null;
  for (const link of items(definition.links).filter(shown)) {
    const title = toText(link.title);
    const url = toText(link.url);
    const ref = toText(link.entityRef);
    if (url) links.push({ title: title || url, url });
    else if (ref) entityRef ??= ref;
  }
  const text = items(definition.text)
    .filter(shown)
    .map((item) => ({ title: toText(item.title), content: toText(item.content) }));
  if (!entityRef) {
    const registered = Object.values(outputs).find((step) => typeof step.output.entityRef === 'string' && step.output.entityRef);
    entityRef = (registered?.output.entityRef as string | undefined) ?? null;
  }
  return { links, text, entityRef };
}
