import { everyField, type Choices } from '../src/scaffolder/conditions';
import type { FieldProblem } from '../src/scaffolder/parameters';
import type { ScaffolderTemplate } from '../src/scaffolder/template';
import { fieldBlockId, type RepoTarget } from './createService.fields';

/** The state of a Slack view as view_submission and block_actions carry it: block id → action id → element state. */
export type ViewStateValues = Record<string, Record<string, ViewElementState>>;
export interface ViewElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: Array<{ value: string }>;
}

/**
 * A page's values from the view state, typed as the template's schema says, and the option chosen
 * in each of its `oneOf` menus. Every field any branch could show is read; the caller drops those
 * the chosen branches do not show (withoutUnchosen).
 */
export function readPage(template: ScaffolderTemplate, pageIndex: number, state: ViewStateValues, repoTarget: RepoTarget): { values: Record<string, unknown>; choices: Choices } {
  const values: Record<string, unknown> = {};
  const choices: Choices = {};
  const page = template.pages[pageIndex];
  if (!page) return { values, choices };
  for (const [blockId, block] of Object.entries(state)) {
    if (!blockId.startsWith('c:')) continue;
    const chosen = Number(elementValue(block));
    if (Number.isInteger(chosen) && chosen >= 0) choices[blockId.slice(2)] = chosen;
  }
  for (const [name, schema] of everyField(page.schema)) {
    if (schema.type === 'object') continue;
    // A field of a branch not shown has no block: reading it would blank a value kept from before.
    const blocks = schema['ui:field'] === 'RepoUrlPicker' ? [fieldBlockId(name, 'owner'), fieldBlockId(name, 'repo')] : [fieldBlockId(name)];
    if (!blocks.some((id) => id in state)) continue;
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
  return { values, choices };
}

function elementValue(block: Record<string, ViewElementState> | undefined): string | string[] | null | undefined {
  const element = block ? Object.values(block)[0] : undefined;
  if (!element) return undefined;
  if (element.selected_options) return element.selected_options.map((selected) => selected.value);
  if (element.selected_option !== undefined) return element.selected_option?.value ?? null;
  return element.value ?? null;
}

/** Slack shows errors on input blocks: a RepoUrlPicker's problem goes on its repository name. */
export function errorsByBlock(template: ScaffolderTemplate, problems: FieldProblem[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    const schema = template.pages.map((page) => everyField(page.schema).get(problem.field)).find(Boolean);
    const block = fieldBlockId(problem.field, schema?.['ui:field'] === 'RepoUrlPicker' ? 'repo' : undefined);
    errors[block] ??= problem.message;
  }
  return errors;
}
