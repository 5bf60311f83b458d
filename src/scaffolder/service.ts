import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CatalogStore } from '../catalog/store';
import { UserFacingError } from '../errors';
import type { Logger } from '../logger';
import type { Action } from './actions/types';
import { parseRepoUrl } from './expressions';
import type { TemplateLibrary, TemplateListing } from './library';
import { everyField } from './conditions';
import { isEmpty, secretFields, withDefaults, type FieldProblem, type PageChoices } from './parameters';
import { mayRun, type CatalogPerson } from './permissions';
import { runTemplate, type RunResult } from './runner';
import type { Requester, Task, TaskStore } from './tasks';
import { stepLocation, type ScaffolderTemplate } from './template';
import type { SpareSandboxes } from './templating/spare';

export interface ScaffolderOptions {
  library: TemplateLibrary;
  store: TaskStore;
  actions: ReadonlyMap<string, Action>;
  catalog: Pick<CatalogStore, 'findByName' | 'getByRef'>;
  /** Whether a repository named by a RepoUrlPicker value exists already (GitHub, or the local folder). */
  repositoryExists(repoUrl: string): Promise<boolean>;
  /** Groups that may run every template (BACKLINE_TEMPLATE_ALLOWED_GROUPS). */
  allowedGroups: string[];
  logger: Logger;
  /** Where task workspaces are made; the system's temporary folder by default. */
  workspaceRoot?: string;
  /** Warmed template sandboxes for tasks (serve); without it, each task starts one. */
  sandboxes?: SpareSandboxes;
}

export interface DryRun {
  template: string;
  files: string[];
  /** The rendered workspace, when kept; removed otherwise. */
  directory: string | null;
  result: RunResult;
}

/**
 * The scaffolder as every surface uses it: the templates, who may run them, checks that need the
 * world (the repository or the component name is taken), and tasks recorded in the task store.
 */
export class Scaffolder {
  constructor(private readonly options: ScaffolderOptions) {}

  /** Where the surfaces running tasks log what goes wrong around them (a progress message Slack refused). */
  get logger(): Logger {
    return this.options.logger;
  }

  async listTemplates(): Promise<TemplateListing> {
    const listing = await this.options.library.list();
    return { ...listing, templates: listing.templates.map((template) => this.withAvailability(template)) };
  }

  /** The template by name; a UserFacingError naming the ones there are when it does not exist. */
  async template(name: string): Promise<ScaffolderTemplate> {
    const found = await this.options.library.get(name);
    if (found) return this.withAvailability(found);
    const { templates } = await this.options.library.list();
    throw new UserFacingError(`There is no template called ${name}. ${templates.length ? `There are: ${templates.map((template) => template.name).join(', ')}.` : 'No templates are installed: add one under the templates folder (BACKLINE_TEMPLATES_DIR).'}`);
  }

  /**
   * The template with its steps whose actions cannot run on this installation (GitHub is not
   * configured) named among what it does not support, for `template list` and the modal.
   */
  private withAvailability(template: ScaffolderTemplate): ScaffolderTemplate {
    const unavailable = template.steps.flatMap((step) => {
      const reason = this.options.actions.get(step.action)?.unavailable;
      return reason ? [`Step "${step.id}" uses the action ${step.action}, which cannot run here: ${reason}. Running the template stops before any step.`] : [];
    });
    return unavailable.length ? { ...template, unsupported: [...template.unsupported, ...unavailable] } : template;
  }

  /** Throws a UserFacingError saying who may run the template when this person may not. */
  authorize(template: ScaffolderTemplate, person: CatalogPerson | null): void {
    const permission = mayRun(template, person, this.options.allowedGroups);
    if (!permission.allowed) throw new UserFacingError(permission.reason);
  }

  /**
   * What only the world can tell: a repository that exists already (RepoUrlPicker), or a component
   * name the catalog has (EntityNamePicker). Only fields in `fields` are checked, when given.
   */
  async checkAvailability(template: ScaffolderTemplate, values: Record<string, unknown>, fields?: string[], options: { repositoryTimeLimitMs?: number } = {}): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    for (const page of template.pages) {
      for (const [name, schema] of everyField(page.schema)) {
        if (fields && !fields.includes(name)) continue;
        const value = values[name];
        if (isEmpty(value) || typeof value !== 'string') continue;
        if (schema['ui:field'] === 'RepoUrlPicker') {
          let repo: string;
          try {
            const parsed = parseRepoUrl(value);
            repo = `${parsed.owner}/${parsed.repo}`;
          } catch {
            continue;
          }
          if (await this.repositoryExists(value, repo, options.repositoryTimeLimitMs)) problems.push({ field: name, message: `The repository ${repo} already exists. Choose another name.` });
        }
        if (schema['ui:field'] === 'EntityNamePicker') {
          const taken = (await this.options.catalog.findByName(value)).find((entity) => !['user', 'group', 'template', 'location'].includes(entity.kind));
          if (taken) problems.push({ field: name, message: `${taken.ref} already has the name ${value} in the catalog. Choose another name.` });
        }
      }
    }
    return problems;
  }

  /**
   * Whether the repository exists; with a time limit, false when the answer does not come in time or
   * cannot be had. Skipping the check is safe: publishing refuses an existing repository by name.
   */
  private async repositoryExists(repoUrl: string, repo: string, timeLimitMs: number | undefined): Promise<boolean> {
    if (timeLimitMs === undefined) return this.options.repositoryExists(repoUrl);
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<'time up'>((resolve) => {
      timer = setTimeout(() => resolve('time up'), timeLimitMs);
    });
    try {
      const answer = await Promise.race([this.options.repositoryExists(repoUrl), timeUp]);
      if (answer === 'time up') this.options.logger.warn('skipped checking whether a repository exists: no answer in time', { repo, timeLimitMs });
      return answer === true;
    } catch (error) {
      this.options.logger.warn('skipped checking whether a repository exists: the check failed', { repo, error });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A task by id; a UserFacingError when there is none. */
  async task(taskId: string): Promise<Task> {
    const task = await this.options.store.get(taskId);
    if (!task) throw new UserFacingError('That task no longer exists. Run /create-service again.');
    return task;
  }

  /** Remembers where the task's progress message is, so that a retry updates the same message. */
  recordProgressMessage(taskId: string, message: { channel: string; ts: string }): Promise<void> {
    return this.options.store.setProgressMessage(taskId, message);
  }

  /**
   * Secret values of tasks this process created, by task id. They are never written to the task
   * store (its rows are read by anyone with the database), so only this process can run or retry them.
   */
  private readonly secrets = new Map<string, Record<string, unknown>>();

  /** Records a new task; `run` carries it out. Secret fields are held in memory, not stored. */
  async create(template: ScaffolderTemplate, values: Record<string, unknown>, requestedBy: Requester, choices: PageChoices = {}): Promise<Task> {
    const parameters = withDefaults(template, values, choices);
    const secret = secretFields(template);
    const held = pick(parameters, secret);
    const task = await this.options.store.create({
      id: randomUUID(),
      templateName: template.name,
      templateSource: template.source,
      parameters: Object.fromEntries(Object.entries(parameters).filter(([name]) => !secret.includes(name))),
      requestedBy,
      steps: template.steps.map((step) => ({ id: step.id, name: step.name, action: step.action })),
    });
    if (secret.length) {
      // Bounded: a process that never runs what it created must not grow without end.
      if (this.secrets.size >= 1000) this.secrets.delete(this.secrets.keys().next().value!);
      this.secrets.set(task.id, held);
    }
    return task;
  }

  /**
   * Runs an attempt of a task (the first, or a retry after a failure) in a fresh workspace, recording
   * each step's state and log. `onProgress` hears the task after every change of a step's state.
   */
  async run(taskId: string, options: { onProgress?: (task: Task) => Promise<void> } = {}): Promise<Task> {
    const { store } = this.options;
    const task = await store.get(taskId);
    if (!task) throw new UserFacingError(`There is no task ${taskId}.`);
    if (task.status === 'processing') throw new UserFacingError('This task is running already.');
    if (task.status === 'completed') throw new UserFacingError('This task finished already; nothing to retry.');
    const template = await this.template(task.templateName);
    const held = this.secrets.get(taskId);
    if (secretFields(template).length && !held) throw new UserFacingError('This task was given secret values, which Backline does not store, and they are gone (Backline restarted since). Run /create-service again.');
    // Every secret string is hidden in what the task records: step logs, errors and outputs.
    const hide = redactor(Object.values(held ?? {}));
    const logger = this.options.logger.child({ taskId, template: template.name });
    const progress = async () => {
      if (!options.onProgress) return;
      const current = await store.get(taskId);
      // A progress message that cannot be updated must not fail the task; it is logged instead.
      if (current) await options.onProgress(current).catch((error: unknown) => logger.warn('could not report task progress', { error }));
    };
    const attempt = await store.startAttempt(taskId, template.steps.map((step) => ({ id: step.id, name: step.name, action: step.action })));
    if (attempt === null) {
      // Another run started (or finished) it between the read above and now.
      const now = await store.get(taskId);
      throw new UserFacingError(now?.status === 'completed' ? 'This task finished already; nothing to retry.' : 'This task is running already.');
    }
    let workspace: string | undefined;
    let result: RunResult;
    // Everything after startAttempt is inside the try: a throw must end the task as failed, not leave it processing.
    try {
      await progress();
      const user = task.requestedBy.userRef ? await this.options.catalog.getByRef(task.requestedBy.userRef.toLowerCase()) : undefined;
      workspace = await this.workspace();
      result = await runTemplate({
        template,
        parameters: { ...task.parameters, ...held },
        secrets: held ?? {},
        actions: this.options.actions,
        user: user ? { ref: user.ref, entity: user.entity } : null,
        workspace,
        dryRun: false,
        previouslyLeftBehind: task.leftBehind,
        sandboxes: this.options.sandboxes,
        hooks: {
          step: async (position, status, detail) => {
            await store.updateStep(taskId, position, { status, output: hide(detail.output), error: hide(detail.error) });
            const step = template.steps[position];
            // The log names where the step is written, so an author goes straight to the line.
            if (status === 'failed') await store.log(taskId, attempt, step?.id ?? null, hide(`failed in the template ${template.name}, step "${step?.id}"${step ? stepLocation(template, step.id) : ''}: ${detail.error}`));
            await progress();
          },
          log: (stepId, line) => store.log(taskId, attempt, stepId, hide(line)),
          leftBehind: (items) => store.setLeftBehind(taskId, items),
        },
      });
    } catch (error) {
      logger.error('scaffolder task failed unexpectedly', { error });
      result = { status: 'failed', steps: [], output: null, error: `Backline failed while running the task: ${(error as Error).message}`, failedStep: null, leftBehind: task.leftBehind };
    } finally {
      if (workspace) await fs.rm(workspace, { recursive: true, force: true });
    }
    result = { ...result, output: hide(result.output), error: hide(result.error) };
    await store.setLeftBehind(taskId, result.leftBehind);
    await store.finish(taskId, { status: result.status, output: result.output, error: result.error, failedStep: result.failedStep });
    if (result.status === 'completed') this.secrets.delete(taskId);
    logger.info(`scaffolder task ${result.status}`, { attempt, failedStep: result.failedStep, error: result.error });
    const finished = (await store.get(taskId))!;
    await progress();
    return finished;
  }

  /** Renders the template into a temporary folder, publishing and registering nothing. */
  async dryRun(template: ScaffolderTemplate, values: Record<string, unknown>, options: { keep?: boolean } = {}): Promise<DryRun> {
    const workspace = await this.workspace();
    const parameters = withDefaults(template, values);
    try {
      const result = await runTemplate({
        template,
        parameters,
        secrets: pick(parameters, secretFields(template)),
        actions: this.options.actions,
        user: null,
        workspace,
        dryRun: true,
        previouslyLeftBehind: [],
        sandboxes: this.options.sandboxes,
        hooks: { step: async () => undefined, log: async () => undefined, leftBehind: async () => undefined },
      });
      return { template: template.name, files: await listFiles(workspace), directory: options.keep ? workspace : null, result };
    } finally {
      if (!options.keep) await fs.rm(workspace, { recursive: true, force: true });
    }
  }

  /** Stops the spare template sandbox, if any; tasks still running keep theirs. */
  close(): void {
    this.options.sandboxes?.close();
  }

  private async workspace(): Promise<string> {
    const root = this.options.workspaceRoot ?? os.tmpdir();
    await fs.mkdir(root, { recursive: true });
    return fs.mkdtemp(path.join(root, 'backline-task-'));
  }
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

function pick(values: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => values[name] !== undefined).map((name) => [name, values[name]]));
}

/** Replaces each secret string in a value (text, or JSON-like data) with ***; short ones are left, as hiding them would hide ordinary words. */
function redactor(secrets: unknown[]): <T>(value: T) => T {
  const strings = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4).sort((a, b) => b.length - a.length);
  const hide = (value: unknown): unknown => {
    if (typeof value === 'string') return strings.reduce((text, secret) => text.split(secret).join('***'), value);
    if (Array.isArray(value)) return value.map(hide);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hide(item)]));
    return value;
  };
  return <T>(value: T) => (strings.length ? (hide(value) as T) : value);
}
