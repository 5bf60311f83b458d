import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import { UserFacingError } from '../src/errors';
import { findCatalogPerson, type CatalogPerson, type PersonCatalog } from '../src/scaffolder/permissions';
import { validateParameters, type FieldProblem } from '../src/scaffolder/parameters';
import type { Scaffolder } from '../src/scaffolder/service';
import type { Task } from '../src/scaffolder/tasks';
import type { ScaffolderTemplate } from '../src/scaffolder/template';
import type { SlackDirectory } from '../src/directory';
import { decodePrivateMetadata, encodePrivateMetadata } from './blockKit/privateMetadata';
import { mrkdwn, type MessageText } from './blockKit/mrkdwn';
import { CREATE_SERVICE, fieldBlockId, renderFormPage, renderNotice, renderTaskProgress, renderTemplatePicker, type RepoTarget } from './createService.blocks';

/** Posts the one progress message of a task and updates it in place. */
export interface ProgressMessenger {
  post(channel: string, message: { text: MessageText; blocks: KnownBlock[] }): Promise<{ channel: string; ts: string }>;
  update(message: { channel: string; ts: string }, content: { text: MessageText; blocks: KnownBlock[] }): Promise<void>;
}

export interface CreateServicePorts {
  scaffolder: Scaffolder;
  catalog: PersonCatalog;
  directory?: Pick<SlackDirectory, 'emailOfUser'>;
  /** Absent outside Slack: there is nowhere to report progress. */
  messenger?: ProgressMessenger;
  repoTarget: RepoTarget;
}

/** The state of a Slack view as view_submission carries it: block id → action id → element state. */
export type ViewStateValues = Record<string, Record<string, ViewElementState>>;
export interface ViewElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: Array<{ value: string }>;
}

export interface ViewSubmission {
  callbackId: string;
  privateMetadata: string;
  values: ViewStateValues;
  userId: string;
}

/** How a view submission is answered: Slack's response_action, plus work to start once it is sent. */
export type SubmissionAnswer = { action: 'errors'; errors: Record<string, string> } | { action: 'update'; view: View } | { action: 'clear'; followUp?: () => Promise<void> };

/**
 * Slack drops a view_submission not acked within 3 s, and the repository check asks GitHub before the
 * ack: past this it is skipped (publishing refuses an existing repository anyway).
 */
const REPOSITORY_CHECK_MS = 1500;

const PageState = z.object({ t: z.string(), p: z.number().int().min(0), v: z.record(z.unknown()) });

/**
 * /create-service in Slack: a template picker, one modal page per parameter page with inline
 * errors, then a task whose progress is one message to the requester, updated in place.
 */
export function createServiceFlow(ports: CreateServicePorts) {
  const person = async (slackUserId: string) => findCatalogPerson(slackUserId, { catalog: ports.catalog, directory: ports.directory });

  const runnable = async (slackUserId: string): Promise<{ person: CatalogPerson | null; templates: ScaffolderTemplate[]; refusals: string[] }> => {
    const who = await person(slackUserId);
    const { templates } = await ports.scaffolder.listTemplates();
    const allowed: ScaffolderTemplate[] = [];
    const refusals: string[] = [];
    for (const template of templates) {
      try {
        ports.scaffolder.authorize(template, who);
        allowed.push(template);
      } catch (error) {
        refusals.push((error as Error).message);
      }
    }
    return { person: who, templates: allowed, refusals };
  };

  const page = (template: ScaffolderTemplate, index: number, values: Record<string, unknown>): View =>
    renderFormPage(template, index, values, encodePrivateMetadata({ t: template.name, p: index, v: values }), ports.repoTarget);

  /** Starts the task after the modal closed: the message first, then each step updates it. */
  const runWithProgress = async (task: Task, template: ScaffolderTemplate, slackUserId: string): Promise<void> => {
    let message = task.progressMessage;
    if (ports.messenger && !message) {
      try {
        message = await ports.messenger.post(slackUserId, renderTaskProgress(task, template));
      } catch (error) {
        // The modal has closed and the task is recorded: Slack refusing the message must not leave it unrun.
        ports.scaffolder.logger.child({ command: '/create-service', taskId: task.id, userId: slackUserId }).warn('could not post the progress message; running the task without one', { error });
      }
      if (message) await ports.scaffolder.recordProgressMessage(task.id, message);
    }
    await ports.scaffolder.run(task.id, {
      onProgress: async (current) => {
        if (ports.messenger && message) await ports.messenger.update(message, renderTaskProgress(current, template));
      },
    });
  };

  return {
    /** The first view of the modal; `text` may name a template to skip the picker. */
    async open(text: string, slackUserId: string): Promise<View> {
      const { templates, refusals, person: who } = await runnable(slackUserId);
      const named = text.trim();
      if (named) {
        const template = await ports.scaffolder.template(named);
        ports.scaffolder.authorize(template, who);
        return page(template, 0, {});
      }
      if (templates.length === 0) {
        return renderNotice(refusals.length ? mrkdwn`:no_entry: You cannot use any template yet. ${refusals[0]!}` : mrkdwn`No templates are installed. Add one under the templates folder (BACKLINE_TEMPLATES_DIR), or register a Template entity in the catalog.`);
      }
      return renderTemplatePicker(templates, '{}');
    },

    async submit(submission: ViewSubmission): Promise<SubmissionAnswer | undefined> {
      try {
        if (submission.callbackId === CREATE_SERVICE.pickCallback) {
          const chosen = submission.values[CREATE_SERVICE.templateBlock]?.value?.selected_option?.value;
          if (!chosen) return { action: 'errors', errors: { [CREATE_SERVICE.templateBlock]: 'Pick a template.' } };
          const template = await ports.scaffolder.template(chosen);
          ports.scaffolder.authorize(template, await person(submission.userId));
          if (template.pages.length === 0) return finish(template, {}, submission.userId);
          return { action: 'update', view: page(template, 0, {}) };
        }
        if (submission.callbackId !== CREATE_SERVICE.pageCallback) return undefined;
        const state = decodePrivateMetadata(submission.privateMetadata, PageState);
        const template = await ports.scaffolder.template(state.t);
        const current = template.pages[state.p];
        if (!current) throw new UserFacingError('This form is out of date. Close it and open it again.');
        const values = { ...state.v, ...readPage(template, state.p, submission.values, ports.repoTarget) };
        const problems = validateParameters(template, values, [state.p]);
        const fields = current.properties.map(([name]) => name);
        const found = problems.length ? problems : await ports.scaffolder.checkAvailability(template, values, fields, { repositoryTimeLimitMs: REPOSITORY_CHECK_MS });
        if (found.length) return { action: 'errors', errors: errorsByBlock(template, found) };
        if (state.p + 1 < template.pages.length) return { action: 'update', view: page(template, state.p + 1, values) };
        return finish(template, values, submission.userId);
      } catch (error) {
        if (error instanceof UserFacingError) return { action: 'update', view: renderNotice(mrkdwn`:no_entry: ${error.message}`) };
        throw error;
      }
    },

    /** The Retry button of a failed task's message: only the requester may press it. */
    async retry(taskId: string, slackUserId: string): Promise<{ text: MessageText; blocks: KnownBlock[]; followUp: () => Promise<void> }> {
      const task = await ports.scaffolder.task(taskId);
      if (task.requestedBy.slackUserId && task.requestedBy.slackUserId !== slackUserId) throw new UserFacingError('Only the person who started this task can retry it.');
      if (task.status !== 'failed') throw new UserFacingError(task.status === 'completed' ? 'This task finished already; nothing to retry.' : 'This task is running already.');
      const template = await ports.scaffolder.template(task.templateName);
      ports.scaffolder.authorize(template, await person(slackUserId));
      const retrying = { ...task, status: 'processing' as const, steps: task.steps.map((step) => ({ ...step, status: 'pending' as const, error: null })) };
      return { ...renderTaskProgress(retrying, template), followUp: () => runWithProgress(task, template, slackUserId) };
    },
  };

  async function finish(template: ScaffolderTemplate, values: Record<string, unknown>, slackUserId: string): Promise<SubmissionAnswer> {
    const who = await person(slackUserId);
    // Checked again at the end: the form may have been open while the person changed teams.
    ports.scaffolder.authorize(template, who);
    const problems = validateParameters(template, values);
    if (problems.length) throw new UserFacingError(`The form is incomplete: ${problems.map((problem) => problem.message).join(' ')} Open /create-service again.`);
    const task = await ports.scaffolder.create(template, values, { slackUserId, userRef: who?.ref ?? null });
    return { action: 'clear', followUp: () => runWithProgress(task, template, slackUserId) };
  }
}

export type CreateServiceFlow = ReturnType<typeof createServiceFlow>;

/** A page's values from the view state, typed as the template's schema says. */
export function readPage(template: ScaffolderTemplate, pageIndex: number, state: ViewStateValues, repoTarget: RepoTarget): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of template.pages[pageIndex]?.properties ?? []) {
    if (schema.type === 'object') continue;
    if (schema['ui:field'] === 'RepoUrlPicker') {
      const owner = elementValue(state[fieldBlockId(name, 'owner')]);
      const repo = elementValue(state[fieldBlockId(name, 'repo')]);
      if (typeof owner === 'string' && owner.trim() && typeof repo === 'string' && repo.trim()) {
        values[name] = `${repoTarget.host}?owner=${encodeURIComponent(owner.trim())}&repo=${encodeURIComponent(repo.trim())}`;
      } else if ((typeof owner === 'string' && owner.trim()) || (typeof repo === 'string' && repo.trim())) {
        values[name] = `${repoTarget.host}?owner=${encodeURIComponent(String(owner ?? '').trim())}&repo=${encodeURIComponent(String(repo ?? '').trim())}`;
      }
      continue;
    }
    const raw = elementValue(state[fieldBlockId(name, undefined)]);
    if (schema.type === 'boolean') values[name] = Array.isArray(raw) && raw.includes('true');
    else if (schema.type === 'number' || schema.type === 'integer') values[name] = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : undefined;
    else if (schema.type === 'array' && typeof raw === 'string') values[name] = raw.split(',').map((item) => item.trim()).filter(Boolean);
    else values[name] = raw === null ? undefined : raw;
  }
  return values;
}

function elementValue(block: Record<string, ViewElementState> | undefined): string | string[] | null | undefined {
  const element = block ? Object.values(block)[0] : undefined;
  if (!element) return undefined;
  if (element.selected_options) return element.selected_options.map((selected) => selected.value);
  if (element.selected_option !== undefined) return element.selected_option?.value ?? null;
  return element.value ?? null;
}

/** Slack shows errors on input blocks: a RepoUrlPicker's problem goes on its repository name. */
function errorsByBlock(template: ScaffolderTemplate, problems: FieldProblem[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    const schema = template.pages.flatMap((page) => page.properties).find(([name]) => name === problem.field)?.[1];
    const block = fieldBlockId(problem.field, schema?.['ui:field'] === 'RepoUrlPicker' ? 'repo' : undefined);
    errors[block] ??= problem.message;
  }
  return errors;
}
