import type { KnownBlock, View } from '@slack/types';
import { BLOCK_KIT_LIMITS } from './blockKit/limits';
import { context, httpUrl, join, messageText, mrkdwn, section, type MessageText, type Mrkdwn } from './blockKit/mrkdwn';
import { resolvedPage, type PageChoices } from '../src/scaffolder/parameters';
import type { Task } from '../src/scaffolder/tasks';
import type { ScaffolderTemplate } from '../src/scaffolder/template';
import { fieldBlocks, option, text, VALUE_ACTION, type PersonalOptions, type RepoTarget } from './createService.fields';

export { fieldBlockId, type PersonalOptions, type RepoTarget } from './createService.fields';

export const CREATE_SERVICE = {
  pickCallback: 'create-service:pick',
  pageCallback: 'create-service:page',
  templateBlock: 'template',
  retryAction: 'create-service:retry',
  backAction: 'create-service:back',
} as const;

/** The block of a `oneOf` selector: `c:` and the selector's path in the page's schema. */
export const choiceBlockId = (id: string) => `c:${id}`;

const modalTitle = (value: string) => text(value, BLOCK_KIT_LIMITS.modalTitle);

/** The first view: the templates this person may run, each with what it makes and what it cannot do here. */
export function renderTemplatePicker(templates: ScaffolderTemplate[], metadata: string): View {
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: CREATE_SERVICE.templateBlock,
      label: text('Template'),
      element: {
        type: 'static_select',
        action_id: VALUE_ACTION,
        placeholder: text('Pick a template', 150),
        options: templates.slice(0, BLOCK_KIT_LIMITS.staticSelectOptions).map((template) => option(template.title, template.name)),
      },
    },
  ];
  for (const template of templates.slice(0, 40)) {
    const warning = template.unsupported.length ? mrkdwn`\n:warning: ${template.unsupported.length} feature(s) not supported here: ${template.unsupported[0]!}` : '';
    blocks.push(context(mrkdwn`*${template.title}*: ${template.description || 'no description'}${warning}`));
  }
  return { type: 'modal', callback_id: CREATE_SERVICE.pickCallback, private_metadata: metadata, title: modalTitle('Create a service'), submit: text('Next', BLOCK_KIT_LIMITS.modalSubmit), close: text('Cancel', BLOCK_KIT_LIMITS.modalClose), blocks };
}

/** A view that only says something: no templates, not allowed, a form that cannot open. */
export function renderNotice(message: Mrkdwn): View {
  return { type: 'modal', callback_id: CREATE_SERVICE.pickCallback, title: modalTitle('Create a service'), close: text('Close', BLOCK_KIT_LIMITS.modalClose), blocks: [section(message)] };
}

/**
 * One page of a template's form, generated from its JSON Schema as the values so far resolve it
 * (conditions.ts): the fields of the chosen branches, a menu for each `oneOf`, and inputs whose
 * value decides the branch marked `dispatch_action` so that the page is redrawn when they change.
 * Descriptions (or `ui:help`) are hints, and only required fields are not optional.
 */
export function renderFormPage(
  template: ScaffolderTemplate,
  pageIndex: number,
  values: Record<string, unknown>,
  metadata: string,
  repoTarget: RepoTarget,
  extras: { choices?: PageChoices; personal?: PersonalOptions } = {},
): View {
  const page = template.pages[pageIndex]!;
  const last = pageIndex === template.pages.length - 1;
  const blocks: KnownBlock[] = [];
  const heading = template.pages.length > 1 ? mrkdwn`*${page.title}* (${pageIndex + 1} of ${template.pages.length})` : mrkdwn`*${page.title}*`;
  blocks.push(section(page.description ? mrkdwn`${heading}\n${page.description}` : heading));
  if (pageIndex === 0 && template.unsupported.length) blocks.push(context(mrkdwn`:warning: Not supported here: ${template.unsupported.join(' ')}`));
  const resolved = resolvedPage(template, pageIndex, values, extras.choices);
  for (const item of resolved.items) {
    if (item.kind === 'choice') {
      const options = item.titles.slice(0, BLOCK_KIT_LIMITS.staticSelectOptions).map((title, i) => option(title, String(i)));
      blocks.push({
        type: 'input',
        block_id: choiceBlockId(item.id),
        label: text('Choose one'),
        dispatch_action: true,
        element: { type: 'static_select', action_id: VALUE_ACTION, options, ...(options[item.chosen] && { initial_option: options[item.chosen] }) },
      });
      continue;
    }
    if (item.schema.type === 'object') continue;
    blocks.push(...fieldBlocks(item.name, item.schema, { required: resolved.required.includes(item.name), current: values[item.name], repoTarget, dispatch: resolved.triggers.includes(item.name), personal: extras.personal }));
  }
  // Slack has no back for a modal whose pages are updates of one view: a button asks for the page before.
  const back: KnownBlock[] = pageIndex > 0 ? [{ type: 'actions', block_id: 'nav', elements: [{ type: 'button', action_id: CREATE_SERVICE.backAction, text: text('Back', BLOCK_KIT_LIMITS.buttonText), value: String(pageIndex - 1) }] }] : [];
  return {
    type: 'modal',
    callback_id: CREATE_SERVICE.pageCallback,
    private_metadata: metadata,
    title: modalTitle(template.title),
    submit: text(last ? 'Create' : 'Next', BLOCK_KIT_LIMITS.modalSubmit),
    close: text('Cancel', BLOCK_KIT_LIMITS.modalClose),
    blocks: [...blocks.slice(0, BLOCK_KIT_LIMITS.viewBlocks - back.length), ...back],
  };
}

const STEP_ICONS: Record<Task['steps'][number]['status'], string> = { pending: ':white_circle:', running: ':hourglass_flowing_sand:', completed: ':white_check_mark:', failed: ':x:', skipped: ':fast_forward:', simulated: ':test_tube:' };

/** The one progress message of a task, updated in place: each step's state, then the links or what failed. */
export function renderTaskProgress(task: Task, template: { title: string }): { text: MessageText; blocks: KnownBlock[] } {
  const name = typeof task.parameters.name === 'string' ? task.parameters.name : task.templateName;
  const headline =
    task.status === 'completed' ? mrkdwn`:tada: *${name}* is ready` : task.status === 'failed' ? mrkdwn`:x: Creating *${name}* failed` : mrkdwn`:hammer_and_wrench: Creating *${name}* from *${template.title}*…`;
  const blocks: KnownBlock[] = [section(headline)];
  const stepLines = task.steps.map((step) => mrkdwn`${STEP_ICONS[step.status]} ${step.name}${step.status === 'failed' && step.error ? `: ${step.error}` : ''}`);
  blocks.push(section(stepLines.length ? join(stepLines, '\n') : mrkdwn`No steps.`));
  if (task.status === 'completed' && task.output) {
    // A template's output is as hostile as the catalog: a link that is not plain http(s) gets no button.
    const links = task.output.links.flatMap((link) => {
      const url = httpUrl(link.url);
      return url ? [{ title: link.title, url }] : [];
    }).slice(0, BLOCK_KIT_LIMITS.actionsElements);
    if (links.length) {
      blocks.push({ type: 'actions', block_id: 'links', elements: links.map((link, i) => ({ type: 'button', action_id: `create-service:link:${i}`, text: text(link.title, BLOCK_KIT_LIMITS.buttonText), url: link.url })) });
    }
    for (const item of task.output.text.slice(0, 10)) blocks.push(section(item.title ? mrkdwn`*${item.title}*\n${item.content}` : mrkdwn`${item.content}`));
    if (task.output.entityRef) {
      const short = task.output.entityRef.replace(/^[^:]+:default\//, '');
      blocks.push(context(mrkdwn`Registered in the catalog as \`${task.output.entityRef}\`: try \`/whoowns ${short}\`.`));
    }
  }
  if (task.status === 'failed') {
    const where = task.failedStep ? task.steps.find((step) => step.id === task.failedStep)?.name ?? task.failedStep : null;
    const leftovers = task.leftBehind.filter((item) => item.kind === 'repository');
    const lines = [
      mrkdwn`*${where ? `Failed at "${where}"` : 'Failed'}:* ${task.error ?? 'no reason was given'}`,
      leftovers.length ? mrkdwn`*Left behind:* ${leftovers.map((item) => item.description).join('; ')}. Retrying picks it up.` : mrkdwn`*Left behind:* nothing was created.`,
    ];
    blocks.push(section(join(lines, '\n')));
    blocks.push({ type: 'actions', block_id: 'retry', elements: [{ type: 'button', action_id: CREATE_SERVICE.retryAction, text: text('Retry', BLOCK_KIT_LIMITS.buttonText), value: task.id, style: 'primary' }] });
  }
  const summary = task.status === 'completed' ? mrkdwn`${name} is ready` : task.status === 'failed' ? mrkdwn`Creating ${name} failed: ${task.error ?? ''}` : mrkdwn`Creating ${name}…`;
  return { text: messageText(summary), blocks };
}
