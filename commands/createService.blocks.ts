import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import { BLOCK_KIT_LIMITS, truncate } from './blockKit/limits';
import { context, httpUrl, join, messageText, mrkdwn, section, type MessageText, type Mrkdwn } from './blockKit/mrkdwn';
import { fieldTitle } from '../src/scaffolder/parameters';
import type { Task } from '../src/scaffolder/tasks';
import type { FieldSchema, ScaffolderTemplate } from '../src/scaffolder/template';
import { ENTITY_PICKER_ACTION } from './entityPicker';

export const CREATE_SERVICE = {
  pickCallback: 'create-service:pick',
  pageCallback: 'create-service:page',
  templateBlock: 'template',
  retryAction: 'create-service:retry',
} as const;

/** Where the RepoUrlPicker's repositories go: the GitHub host and, when configured, its organisations. */
export interface RepoTarget {
  host: string;
  orgs: string[];
}

export const fieldBlockId = (name: string, part?: 'owner' | 'repo') => `f:${name}${part ? `:${part}` : ''}`;
const VALUE_ACTION = 'value';

const text = (value: string, max: number = BLOCK_KIT_LIMITS.inputLabel) => ({ type: 'plain_text' as const, text: truncate(value, max), emoji: true });
const modalTitle = (value: string) => text(value, BLOCK_KIT_LIMITS.modalTitle);
const option = (label: string, value: string): PlainTextOption => ({ text: text(label, BLOCK_KIT_LIMITS.optionText), value: truncate(value, BLOCK_KIT_LIMITS.optionValue) });

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
 * One page of a template's form, generated from its JSON Schema: text → text input, enum → static
 * select, array of enum → multi select, boolean → checkbox, number → number input, OwnerPicker and
 * EntityPicker → external select over the catalog, RepoUrlPicker → organisation and repository name.
 * Descriptions (or `ui:help`) are hints, and only required fields are not optional.
 */
export function renderFormPage(template: ScaffolderTemplate, pageIndex: number, values: Record<string, unknown>, metadata: string, repoTarget: RepoTarget): View {
  const page = template.pages[pageIndex]!;
  const last = pageIndex === template.pages.length - 1;
  const blocks: KnownBlock[] = [];
  const heading = template.pages.length > 1 ? mrkdwn`*${page.title}* (${pageIndex + 1} of ${template.pages.length})` : mrkdwn`*${page.title}*`;
  blocks.push(section(page.description ? mrkdwn`${heading}\n${page.description}` : heading));
  if (pageIndex === 0 && template.unsupported.length) blocks.push(context(mrkdwn`:warning: Not supported here: ${template.unsupported.join(' ')}`));
  for (const [name, schema] of page.properties) {
    if (schema.type === 'object') continue;
    blocks.push(...fieldBlocks(name, schema, page.required.includes(name), values[name], repoTarget));
  }
  return {
    type: 'modal',
    callback_id: CREATE_SERVICE.pageCallback,
    private_metadata: metadata,
    title: modalTitle(template.title),
    submit: text(last ? 'Create' : 'Next', BLOCK_KIT_LIMITS.modalSubmit),
    close: text('Cancel', BLOCK_KIT_LIMITS.modalClose),
    blocks: blocks.slice(0, BLOCK_KIT_LIMITS.viewBlocks),
  };
}

function fieldBlocks(name: string, schema: FieldSchema, required: boolean, current: unknown, repoTarget: RepoTarget): KnownBlock[] {
  const label = text(fieldTitle(name, schema));
  const help = typeof schema['ui:help'] === 'string' ? schema['ui:help'] : typeof schema.description === 'string' ? schema.description : undefined;
  const hint = help ? { hint: text(help, BLOCK_KIT_LIMITS.inputHint) } : {};
  const value = current ?? schema.default;
  const field = schema['ui:field'];
  const input = (element: Record<string, unknown>, options: { blockId?: string; optional?: boolean; label?: ReturnType<typeof text> } = {}): KnownBlock =>
    ({ type: 'input', block_id: options.blockId ?? fieldBlockId(name), label: options.label ?? label, optional: options.optional ?? !required, ...hint, element: { action_id: VALUE_ACTION, ...element } }) as KnownBlock;

  if (field === 'RepoUrlPicker') {
    const parsed = typeof value === 'string' ? new URLSearchParams(value.slice(value.indexOf('?') + 1)) : undefined;
    const owner = parsed?.get('owner') ?? repoTarget.orgs[0];
    const repo = parsed?.get('repo') ?? undefined;
    const ownerElement = repoTarget.orgs.length
      ? { type: 'static_select', options: repoTarget.orgs.map((org) => option(org, org)), ...(owner && repoTarget.orgs.includes(owner) && { initial_option: option(owner, owner) }) }
      : { type: 'plain_text_input', placeholder: text('organisation', 150), ...(owner && { initial_value: owner }) };
    return [
      input(ownerElement, { blockId: fieldBlockId(name, 'owner'), label: text(`${fieldTitle(name, schema)}: organisation on ${repoTarget.host}`) }),
      input({ type: 'plain_text_input', placeholder: text('repository name', 150), max_length: 100, ...(repo && { initial_value: repo }) }, { blockId: fieldBlockId(name, 'repo'), label: text(`${fieldTitle(name, schema)}: repository name`) }),
    ];
  }
  if (field === 'OwnerPicker' || field === 'EntityPicker' || field === 'OwnedEntityPicker') {
    const kinds = pickerKinds(schema, field === 'OwnerPicker' ? ['group', 'user'] : undefined);
    return [input({ type: 'external_select', action_id: kinds ? `${ENTITY_PICKER_ACTION}:${kinds.join(',')}` : ENTITY_PICKER_ACTION, min_query_length: 1, placeholder: text('Type to search the catalog', 150), ...(typeof value === 'string' && value && { initial_option: option(value, value) }) })];
  }
  if (field === 'MultiEntityPicker') {
    const kinds = pickerKinds(schema, undefined);
    const initial = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    return [input({ type: 'multi_external_select', action_id: kinds ? `${ENTITY_PICKER_ACTION}:${kinds.join(',')}` : ENTITY_PICKER_ACTION, min_query_length: 1, placeholder: text('Type to search the catalog', 150), ...(initial.length && { initial_options: initial.map((ref) => option(ref, ref)) }) })];
  }
  if (schema.type === 'boolean') {
    const checkbox = option(fieldTitle(name, schema), 'true');
    return [input({ type: 'checkboxes', options: [checkbox], ...(value === true && { initial_options: [checkbox] }) }, { optional: true })];
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    return [
      input({
        type: 'number_input',
        is_decimal_allowed: schema.type === 'number',
        ...(typeof value === 'number' && { initial_value: String(value) }),
        ...(typeof schema.minimum === 'number' && { min_value: String(schema.minimum) }),
        ...(typeof schema.maximum === 'number' && { max_value: String(schema.maximum) }),
      }),
    ];
  }
  const items = (schema.items ?? {}) as FieldSchema;
  if (schema.type === 'array' && Array.isArray(items.enum)) {
    const options = enumOptions(items);
    const chosen = Array.isArray(value) ? options.filter((candidate) => value.includes(candidate.value)) : [];
    return [input({ type: 'multi_static_select', options, ...(chosen.length && { initial_options: chosen }) })];
  }
  if (Array.isArray(schema.enum)) {
    const options = enumOptions(schema);
    const chosen = options.find((candidate) => candidate.value === String(value));
    return [input({ type: 'static_select', options, ...(chosen && { initial_option: chosen }) })];
  }
  const options = (schema['ui:options'] ?? {}) as Record<string, unknown>;
  const multiline = schema['ui:widget'] === 'textarea' || typeof options.rows === 'number';
  const initial = Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : undefined;
  return [
    input({
      type: 'plain_text_input',
      multiline,
      ...(initial && { initial_value: initial }),
      ...(typeof schema.maxLength === 'number' && schema.maxLength <= 3000 && { max_length: schema.maxLength }),
      ...(typeof schema['ui:placeholder'] === 'string' && { placeholder: text(schema['ui:placeholder'], 150) }),
      ...(schema['ui:autofocus'] === true && { focus_on_load: true }),
    }),
  ];
}

function enumOptions(schema: FieldSchema): PlainTextOption[] {
  const values = (schema.enum as unknown[]).slice(0, BLOCK_KIT_LIMITS.staticSelectOptions);
  const names = Array.isArray(schema.enumNames) ? schema.enumNames : values;
  return values.map((value, i) => option(String(names[i] ?? value), String(value)));
}

/** The kinds a picker's `ui:options.catalogFilter.kind` (or allowedKinds) asks for. */
function pickerKinds(schema: FieldSchema, fallback: string[] | undefined): string[] | undefined {
  const options = (schema['ui:options'] ?? {}) as { catalogFilter?: { kind?: unknown } | Array<{ kind?: unknown }>; allowedKinds?: unknown };
  const filters = Array.isArray(options.catalogFilter) ? options.catalogFilter : options.catalogFilter ? [options.catalogFilter] : [];
  const kinds = [...filters.flatMap((filter) => (Array.isArray(filter.kind) ? filter.kind : [filter.kind])), ...(Array.isArray(options.allowedKinds) ? options.allowedKinds : [])].filter((kind): kind is string => typeof kind === 'string');
  return kinds.length ? kinds.map((kind) => kind.toLowerCase()) : fallback;
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
