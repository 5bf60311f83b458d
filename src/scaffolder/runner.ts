import type { Entity } from '../catalog/model';
import type { Action } from './actions/types';
import { ExpressionError, isTruthy, renderValue, toText, type ExpressionScope } from './expressions';
import { TemplateSandbox, type SandboxOptions } from './templating/sandbox';
import type { LeftBehind, OutputLink, StepStatus, TaskOutput, TaskStep } from './tasks';
import { stepLocation, type ScaffolderTemplate, type TemplateStepDefinition } from './template';

export interface RunHooks {
  step(position: number, status: StepStatus, detail: { output?: Record<string, unknown>; error?: string }): Promise<void>;
  log(stepId: string | null, line: string): Promise<void>;
  leftBehind(items: LeftBehind[]): Promise<void>;
}

export interface RunOptions {
  template: ScaffolderTemplate;
  parameters: Record<string, unknown>;
  /**
   * The values of the template's secret fields, as `${{ secrets.x }}` reads them in step inputs (as in
   * Backstage). The caller keeps them out of storage and hides them in what the task records.
   */
  secrets?: Record<string, unknown>;
  actions: ReadonlyMap<string, Action>;
  /** The requester as `${{ user.ref }}` and `${{ user.entity }}` read them. */
  user: { ref: string; entity: Entity } | null;
  workspace: string;
  dryRun: boolean;
  previouslyLeftBehind: LeftBehind[];
  hooks: RunHooks;
  /** Limits of the task's template sandbox (time per render, memory). */
  sandbox?: SandboxOptions;
  /** Where the task's sandbox comes from (a warmed spare); else one is started with `sandbox`'s limits. */
  sandboxes?: { take(): Promise<TemplateSandbox> };
}

export interface RunResult {
  status: 'completed' | 'failed';
  steps: TaskStep[];
  output: TaskOutput | null;
  error: string | null;
  failedStep: string | null;
  leftBehind: LeftBehind[];
}

/** Actions whose repoContentsUrl catalog:register may register from: they put the files there. */
const PUBLISHING_ACTIONS = /^(publish:|github:repo:push$)/;

/** Most iterations one `each:` may ask for: a hostile or mistaken list must not run an action without end. */
export const MAX_EACH_ITERATIONS = 500;

interface Iteration {
  each?: { key: string; value: unknown };
  shouldRun: boolean;
  input: Record<string, unknown>;
}

/**
 * Runs a template's steps in order in one workspace: each step's `if`, `each` and input are rendered
 * against the parameters, the outputs of the steps before it and the requester, then its action runs
 * (once, or once per item of `each`). The first failure stops the task; it is reported with the step,
 * the reason, and what was left behind. In a dry run, actions that would change the world are not
 * called: their steps are marked simulated and have no output, so no link points at nothing. Every
 * expression and skeleton of the task renders in one sandbox, taken here (a warmed spare, or a new
 * one) and stopped at the end: a sandbox per task, so that one template cannot tamper with the
 * renderer of another.
 */
export async function runTemplate(options: RunOptions): Promise<RunResult> {
  let sandbox: TemplateSandbox;
  try {
    sandbox = await (options.sandboxes ? options.sandboxes.take() : TemplateSandbox.start(options.sandbox));
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
  const scope: ExpressionScope = { parameters: options.parameters, steps: outputs, user: options.user ?? {}, secrets: options.secrets ?? {} };
  const leftBehind = new Map(options.previouslyLeftBehind.map((item) => [item.key, item]));
  const publishedRepositories: string[] = [];
  const fail = async (position: number, error: string): Promise<RunResult> => {
    steps[position]!.status = 'failed';
    steps[position]!.error = error;
    await hooks.step(position, 'failed', { error });
    return { status: 'failed', steps, output: null, error, failedStep: steps[position]!.id, leftBehind: [...leftBehind.values()] };
  };

  // Refuse before any step runs: a template that would stop halfway should not start.
  const refusal = cannotRun(template, options.actions);
  if (refusal) return fail(refusal.position, refusal.error);

  for (const [position, step] of template.steps.entries()) {
    const action = options.actions.get(step.action)!;
    let iterations: Iteration[];
    try {
      // As Backstage: without `each`, a false `if` skips the step; with `each`, `if` is judged per item.
      if (step.if === false || (step.if !== undefined && step.each === undefined && !(await holds(sandbox, step.if, scope, `step ${step.id} if`)))) {
        steps[position]!.status = 'skipped';
        await hooks.step(position, 'skipped', {});
        await hooks.log(step.id, `skipped: its condition ${toText(step.if)} is false`);
        continue;
      }
      if (options.dryRun && !action.supportsDryRun) {
        // Backstage skips such steps in a dry run too; their output stays empty rather than invented.
        outputs[step.id] = { output: {} };
        steps[position]!.status = 'simulated';
        await hooks.step(position, 'simulated', {});
        await hooks.log(step.id, `simulated: ${step.action} changes things outside the workspace, so a dry run does not call it`);
        continue;
      }
      iterations = await iterationsOf(sandbox, step, scope);
    } catch (error) {
      return fail(position, error instanceof ExpressionError ? (error as Error).message : named((error as Error).message));
    }
    steps[position]!.status = 'running';
    await hooks.step(position, 'running', {});
    const pendingLogs: Promise<void>[] = [];
    const stepOutput: Record<string, unknown> = {};
    try {
      for (const iteration of iterations) {
        const label = iteration.each ? JSON.stringify({ key: iteration.each.key, value: toText(iteration.each.value) }) : '';
        if (!iteration.shouldRun) {
          pendingLogs.push(hooks.log(step.id, `skipping each: ${label}`));
          continue;
        }
        if (iteration.each) pendingLogs.push(hooks.log(step.id, `running each: ${label}`));
        const output = await action.run({
          input: iteration.input,
          workspace: options.workspace,
          templateDir: template.baseDir,
          templateRoot: template.root ?? template.baseDir,
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
        if (PUBLISHING_ACTIONS.test(step.action) && typeof output.repoContentsUrl === 'string') publishedRepositories.push(output.repoContentsUrl);
        // With `each`, every output becomes a list with one entry per iteration that ran, as in Backstage.
        for (const [name, value] of Object.entries(output)) {
          if (iteration.each) ((stepOutput[name] ??= []) as unknown[]).push(value);
          else stepOutput[name] = value;
        }
      }
      await Promise.all(pendingLogs);
      outputs[step.id] = { output: stepOutput };
      steps[position]!.status = 'completed';
      await hooks.step(position, 'completed', { output: stepOutput });
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

/** The first step that cannot run here, and why: an action Backline does not have, or cannot use on this installation. */
export function cannotRun(template: ScaffolderTemplate, actions: ReadonlyMap<string, Action>): { position: number; error: string } | null {
  for (const [position, step] of template.steps.entries()) {
    const action = actions.get(step.action);
    if (!action) {
      return { position, error: `The step "${step.name}" (${step.id}${stepLocation(template, step.id)}) uses the action ${step.action}, which Backline does not run (docs/templates.md lists the actions it runs). Nothing was created.` };
    }
    if (action.unavailable) return { position, error: `The step "${step.name}" (${step.id}${stepLocation(template, step.id)}) uses the action ${step.action}, which cannot run here: ${action.unavailable}. Nothing was created.` };
  }
  return null;
}

/** A step's `if:`: `true`/`false` as written, else the truth of what its expression renders to. */
async function holds(sandbox: TemplateSandbox, condition: unknown, scope: ExpressionScope, where: string): Promise<boolean> {
  return typeof condition === 'boolean' ? condition : isTruthy(await renderValue(sandbox, condition, scope, where));
}

/**
 * Every run of a step, with its input rendered, before any runs: as in Backstage, an input that
 * cannot be rendered for the third item stops the step before the first item has done anything.
 */
async function iterationsOf(sandbox: TemplateSandbox, step: TemplateStepDefinition, scope: ExpressionScope): Promise<Iteration[]> {
  if (step.each === undefined) return [{ shouldRun: true, input: await renderInput(sandbox, step, scope) }];
  const resolved = await renderValue(sandbox, step.each, scope, `step ${step.id} each`);
  if (!resolved || typeof resolved !== 'object') {
    throw new ExpressionError(`The step ${step.id}'s each: ${toText(step.each)} cannot be resolved to a list or a mapping`);
  }
  // Object.entries, as Backstage does: a list's keys are "0", "1", …; a mapping's are its keys.
  const entries = Object.entries(resolved as Record<string, unknown>);
  if (entries.length > MAX_EACH_ITERATIONS) throw new ExpressionError(`The step ${step.id}'s each: has ${entries.length} items; Backline runs a step at most ${MAX_EACH_ITERATIONS} times`);
  const iterations: Iteration[] = [];
  for (const [key, value] of entries) {
    const itemScope = { ...scope, each: { key, value } };
    const shouldRun = step.if === undefined || (await holds(sandbox, step.if, itemScope, `step ${step.id} if`));
    iterations.push({ each: { key, value }, shouldRun, input: await renderInput(sandbox, step, itemScope) });
  }
  return iterations;
}

async function renderInput(sandbox: TemplateSandbox, step: TemplateStepDefinition, scope: ExpressionScope): Promise<Record<string, unknown>> {
  const rendered = await renderValue(sandbox, step.input ?? {}, scope, `step ${step.id} input`);
  return typeof rendered === 'object' && rendered !== null && !Array.isArray(rendered) ? (rendered as Record<string, unknown>) : {};
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
