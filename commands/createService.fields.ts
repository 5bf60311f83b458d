import type { KnownBlock, PlainTextOption } from '@slack/types';
import { BLOCK_KIT_LIMITS, truncate } from './blockKit/limits';
import { fieldTitle } from '../src/scaffolder/parameters';
import type { FieldSchema } from '../src/scaffolder/template';
import { ENTITY_PICKER_ACTION, type PickerOption } from './entityPicker';

/**
 * One form field as Slack inputs: text → text input (textarea → multiline; password → a text input
 * whose value is kept as a secret), enum → static select (radio → radio buttons), array of enum →
 * multi select, boolean → checkbox, number → number input, OwnerPicker and EntityPicker → external
 * select over the catalog, OwnedEntityPicker and MyGroupsPicker → the person's own entities or
 * groups, RepoUrlPicker → organisation and repository name.
 */

/** Where the RepoUrlPicker's repositories go: the GitHub host and, when configured, its organisations. */
export interface RepoTarget {
  host: string;
  orgs: string[];
}

/** Choices only the requester has, looked up before rendering: what they own, the groups they are in. */
export interface PersonalOptions {
  owned: PickerOption[];
  groups: PickerOption[];
}

export const fieldBlockId = (name: string, part?: 'owner' | 'repo') => `f:${name}${part ? `:${part}` : ''}`;
export const VALUE_ACTION = 'value';

export const text = (value: string, max: number = BLOCK_KIT_LIMITS.inputLabel) => ({ type: 'plain_text' as const, text: truncate(value, max), emoji: true });
export const option = (label: string, value: string): PlainTextOption => ({ text: text(label, BLOCK_KIT_LIMITS.optionText), value: truncate(value, BLOCK_KIT_LIMITS.optionValue) });

export interface FieldRendering {
  required: boolean;
  current: unknown;
  repoTarget: RepoTarget;
  /** The field decides what else the page shows: Slack sends a block action when it changes. */
  dispatch: boolean;
  personal?: PersonalOptions;
}

export function fieldBlocks(name: string, schema: FieldSchema, { required, current, repoTarget, dispatch, personal }: FieldRendering): KnownBlock[] {
  const label = text(fieldTitle(name, schema));
  const help = typeof schema['ui:help'] === 'string' ? schema['ui:help'] : typeof schema.description === 'string' ? schema.description : undefined;
  const hint = help ? { hint: text(help, BLOCK_KIT_LIMITS.inputHint) } : {};
  const value = current ?? schema.default;
  const field = schema['ui:field'];
  const input = (element: Record<string, unknown>, options: { blockId?: string; optional?: boolean; label?: ReturnType<typeof text> } = {}): KnownBlock =>
    ({ type: 'input', block_id: options.blockId ?? fieldBlockId(name), label: options.label ?? label, optional: options.optional ?? !required, ...(dispatch && { dispatch_action: true }), ...hint, element: { action_id: VALUE_ACTION, ...element } }) as KnownBlock;

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
  if ((field === 'OwnedEntityPicker' || field === 'MyGroupsPicker') && personal) {
    // Backstage lists only what the person owns, or the groups they are in: known before the form opens.
    const choices = (field === 'MyGroupsPicker' ? personal.groups : personal.owned).slice(0, BLOCK_KIT_LIMITS.staticSelectOptions).map((choice) => option(choice.text, choice.value));
    if (choices.length) {
      const chosen = choices.find((candidate) => candidate.value === value);
      return [input({ type: 'static_select', options: choices, ...(chosen && { initial_option: chosen }) })];
    }
  }
  if (field === 'OwnerPicker' || field === 'EntityPicker' || field === 'OwnedEntityPicker' || field === 'MyGroupsPicker') {
    const kinds = pickerKinds(schema, field === 'OwnerPicker' ? ['group', 'user'] : field === 'MyGroupsPicker' ? ['group'] : undefined);
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
    // Slack allows ten radio buttons; a longer list stays a menu.
    const radio = schema['ui:widget'] === 'radio' && options.length <= BLOCK_KIT_LIMITS.radioOptions;
    return [input({ type: radio ? 'radio_buttons' : 'static_select', options, ...(chosen && { initial_option: chosen }) })];
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

export function enumOptions(schema: FieldSchema): PlainTextOption[] {
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
