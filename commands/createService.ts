import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import { UserFacingError } from '../src/errors';
import { findCatalogPerson, type CatalogPerson, type PersonCatalog } from '../src/scaffolder/permissions';
import { everyField } from '../src/scaffolder/conditions';
import { validateParameters, withoutUnchosen, type PageChoices } from '../src/scaffolder/parameters';
import type { Scaffolder } from '../src/scaffolder/service';
import type { Task } from '../src/scaffolder/tasks';
import type { ScaffolderTemplate } from '../src/scaffolder/template';
import type { SlackDirectory } from '../src/directory';
import { decodePrivateMetadata, encodePrivateMetadata } from './blockKit/privateMetadata';
import { mrkdwn, type MessageText } from './blockKit/mrkdwn';
import { CREATE_SERVICE, renderFormPage, renderNotice, renderTaskProgress, renderTemplatePicker, type PersonalOptions, type RepoTarget } from './createService.blocks';
import { errorsByBlock, readPage, type ViewStateValues } from './createService.read';

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

export { readPage, type ViewElementState, type ViewStateValues } from './createService.read';

export interface ViewSubmission {
  callbackId: string;
  privateMetadata: string;
  values: ViewStateValues;
  userId: string;
}

/** A block action inside an open modal: a field that decides the branch changed, or Back was pressed. */
export interface ViewAction extends ViewSubmission {
  actionId: string;
  blockId: string;
}

/** How a view submission is answered: Slack's response_action, plus work to start once it is sent. */
export type SubmissionAnswer = { action: 'errors'; errors: Record<string, string> } | { action: 'update'; view: View } | { action: 'clear'; followUp?: () => Promise<void> };

/**
 * Slack drops a view_submission not acked within 3 s, and the repository check asks GitHub before the
 * ack: past this it is skipped (publishing refuses an existing repository anyway).
 */
const REPOSITORY_CHECK_MS = 1500;

/** What private_metadata carries between pages: template, page, values so far, and `oneOf` choices by page. */
const PageState = z.object({ t: z.string(), p: z.number().int().min(0), v: z.record(z.unknown()), o: z.record(z.record(z.number().int().min(0))).optional() });
type PageState = z.infer<typeof PageState>;

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

  const page = async (template: ScaffolderTemplate, index: number, values: Record<string, unknown>, slackUserId: string, choices: PageChoices = {}): Promise<View> => {
    const personal = await personalOptions(template, index, slackUserId);
    return renderFormPage(template, index, values, encodePrivateMetadata({ t: template.name, p: index, v: values, ...(Object.keys(choices).length && { o: choices }) }), ports.repoTarget, { choices, ...(personal && { personal }) });
  };

  /**
   * What OwnedEntityPicker and MyGroupsPicker offer, as Backstage's do: the entities owned by the
   * person or their groups, and the groups they are a member of. Only asked when the page has one.
   */
  const personalOptions = async (template: ScaffolderTemplate, index: number, slackUserId: string): Promise<PersonalOptions | undefined> => {
    const fields = [...everyField(template.pages[index]?.schema ?? {}).values()].map((schema) => schema['ui:field']);
    if (!fields.includes('OwnedEntityPicker') && !fields.includes('MyGroupsPicker')) return undefined;
    const who = await person(slackUserId);
    if (!who) return { owned: [], groups: [] };
    const groups = (await ports.catalog.relationsFrom(who.ref.toLowerCase(), ['memberOf'])).map((relation) => relation.targetRef.toLowerCase());
    const owned = new Set<string>();
    for (const owner of [who.ref.toLowerCase(), ...groups]) for (const relation of await ports.catalog.relationsFrom(owner, ['ownerOf'])) owned.add(relation.targetRef.toLowerCase());
    const choice = (ref: string) => ({ text: ref, value: ref });
    return { owned: [...owned].sort().map(choice), groups: groups.sort().map(choice) };
  };

  /** The state of the page on screen, with what the view holds now merged in, and the other branches' fields dropped. */
  const current = async (privateMetadata: string, state: ViewStateValues): Promise<{ template: ScaffolderTemplate; state: PageState; values: Record<string, unknown>; choices: PageChoices }> => {
    const saved = decodePrivateMetadata(privateMetadata, PageState);
    const template = await ports.scaffolder.template(saved.t);
    if (!template.pages[saved.p]) throw new UserFacingError('This form is out of date. Close it and open it again.');
    const read = readPage(template, saved.p, state, ports.repoTarget);
    const choices: PageChoices = { ...saved.o, [saved.p]: { ...saved.o?.[saved.p], ...read.choices } };
    const values = withoutUnchosen(template, { ...saved.v, ...read.values }, choices);
    return { template, state: saved, values, choices };
  };

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
        return page(template, 0, {}, slackUserId);
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
          return { action: 'update', view: await page(template, 0, {}, submission.userId) };
        }
        if (submission.callbackId !== CREATE_SERVICE.pageCallback) return undefined;
        const { template, state, values, choices } = await current(submission.privateMetadata, submission.values);
        // Validated against the schema the choices make: the chosen branch's required fields, not the others'.
        const problems = validateParameters(template, values, [state.p], choices);
        const fields = [...everyField(template.pages[state.p]!.schema).keys()].filter((name) => values[name] !== undefined);
        const found = problems.length ? problems : await ports.scaffolder.checkAvailability(template, values, fields, { repositoryTimeLimitMs: REPOSITORY_CHECK_MS });
        if (found.length) return { action: 'errors', errors: errorsByBlock(template, found) };
        if (state.p + 1 < template.pages.length) return { action: 'update', view: await page(template, state.p + 1, values, submission.userId, choices) };
        return finish(template, values, submission.userId, choices);
      } catch (error) {
        if (error instanceof UserFacingError) return { action: 'update', view: renderNotice(mrkdwn`:no_entry: ${error.message}`) };
        throw error;
      }
    },

    /**
     * A block action in a form page: a field that decides the branch changed (the page is drawn
     * again for the new choice), or Back (the page before, with every value kept). Undefined when
     * the view is not a form page; nothing is validated, as Backstage validates only on Next.
     */
    async change(action: ViewAction): Promise<View | undefined> {
      if (action.callbackId !== CREATE_SERVICE.pageCallback) return undefined;
      try {
        const { template, state, values, choices } = await current(action.privateMetadata, action.values);
        const target = action.actionId === CREATE_SERVICE.backAction ? Math.max(0, state.p - 1) : state.p;
        return await page(template, target, values, action.userId, choices);
      } catch (error) {
        if (error instanceof UserFacingError) return renderNotice(mrkdwn`:no_entry: ${error.message}`);
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

  async function finish(template: ScaffolderTemplate, values: Record<string, unknown>, slackUserId: string, choices: PageChoices = {}): Promise<SubmissionAnswer> {
    const who = await person(slackUserId);
    // Checked again at the end: the form may have been open while the person changed teams.
    ports.scaffolder.authorize(template, who);
    const problems = validateParameters(template, values, undefined, choices);
    if (problems.length) throw new UserFacingError(`The form is incomplete: ${problems.map((problem) => problem.message).join(' ')} Open /create-service again.`);
    const task = await ports.scaffolder.create(template, values, { slackUserId, userRef: who?.ref ?? null }, choices);
    return { action: 'clear', followUp: () => runWithProgress(task, template, slackUserId) };
  }
}

export type CreateServiceFlow = ReturnType<typeof createServiceFlow>;

