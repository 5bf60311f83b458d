import { isValidObjectName } from '../catalog/model';
import { everyField, fieldsOf, resolvePage, type Choices, type ResolvedPage } from './conditions';
import { parseRepoUrl } from './expressions';
import type { FieldSchema, ScaffolderTemplate } from './template';

/** A value the form cannot accept, for the field it belongs to. */
export interface FieldProblem {
  field: string;
  message: string;
}

export function fieldTitle(name: string, schema: FieldSchema): string {
  return typeof schema.title === 'string' && schema.title ? schema.title : name;
}

/** The option chosen in each `oneOf` selector, by page index. */
export type PageChoices = Record<number, Choices>;

/** A page as the values so far make it: the fields of the branches they choose, and what those require. */
export function resolvedPage(template: ScaffolderTemplate, index: number, values: Record<string, unknown>, choices: PageChoices = {}): ResolvedPage {
  const page = template.pages[index];
  return page ? resolvePage(page.schema, values, choices[index]) : { items: [], required: [], triggers: [] };
}

/** The pages' `default`s for fields the values leave out, in the branches the values choose. */
export function withDefaults(template: ScaffolderTemplate, values: Record<string, unknown>, choices: PageChoices = {}): Record<string, unknown> {
  const result = { ...values };
  for (const index of template.pages.keys()) {
    for (const [name, schema] of fieldsOf(resolvedPage(template, index, result, choices))) {
      if (result[name] === undefined && schema.default !== undefined) result[name] = schema.default;
    }
  }
  return result;
}

/**
 * Drops the values of fields that only branches not chosen would show, as Backstage's form sends
 * only what the chosen branches hold. Values no page knows of are kept (the CLI may pass them).
 */
export function withoutUnchosen(template: ScaffolderTemplate, values: Record<string, unknown>, choices: PageChoices = {}): Record<string, unknown> {
  const shown = new Set(template.pages.flatMap((_, index) => fieldsOf(resolvedPage(template, index, values, choices)).map(([name]) => name)));
  const known = new Set(template.pages.flatMap((page) => [...everyField(page.schema).keys()]));
  return Object.fromEntries(Object.entries(values).filter(([name]) => shown.has(name) || !known.has(name)));
}

/**
 * Fields whose values are secrets: `ui:widget: password`, Backstage's `ui:field: Secret`, and the
 * properties of `spec.secrets.schema`. Their values stay out of logs and of stored tasks.
 */
export function secretFields(template: ScaffolderTemplate): string[] {
  const names = new Set<string>();
  for (const page of template.pages) {
    for (const [name, schema] of everyField(page.schema)) if (schema['ui:widget'] === 'password' || schema['ui:field'] === 'Secret') names.add(name);
  }
  const declared = (template.entity.spec as { secrets?: { schema?: { properties?: unknown } } } | undefined)?.secrets?.schema?.properties;
  if (declared && typeof declared === 'object') for (const name of Object.keys(declared)) names.add(name);
  return [...names];
}

export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Checks values against the JSON Schema of the given pages (all by default), as Backstage's form
 * does before it lets a user go on: required, type, pattern, lengths, enum, minimum and maximum,
 * and the formats of Backstage's pickers (entity names, refs, repository URLs).
 */
export function validateParameters(template: ScaffolderTemplate, values: Record<string, unknown>, pages: number[] = template.pages.map((_, i) => i), choices: PageChoices = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const index of pages) {
    if (!template.pages[index]) continue;
    // The schema that applies is the one the values choose: a branch's required fields only count when it is chosen.
    const page = resolvedPage(template, index, values, choices);
    for (const [name, schema] of fieldsOf(page)) {
      if (schema.type === 'object') continue;
      const value = values[name];
      const title = fieldTitle(name, schema);
      if (isEmpty(value)) {
        if (page.required.includes(name)) problems.push({ field: name, message: `${title} is required.` });
        continue;
      }
      const message = problemWith(value, schema, title);
      if (message) problems.push({ field: name, message });
    }
  }
  return problems;
}

function problemWith(value: unknown, schema: FieldSchema, title: string): string | undefined {
  const field = schema['ui:field'];
  switch (schema.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${title} must be a number.`;
      if (schema.type === 'integer' && !Number.isInteger(value)) return `${title} must be a whole number.`;
      if (typeof schema.minimum === 'number' && value < schema.minimum) return `${title} must be at least ${schema.minimum}.`;
      if (typeof schema.maximum === 'number' && value > schema.maximum) return `${title} must be at most ${schema.maximum}.`;
      return enumProblem(value, schema, title);
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${title} must be true or false.`;
    case 'array': {
      if (!Array.isArray(value)) return `${title} must be a list.`;
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) return `${title} needs at least ${schema.minItems} choice(s).`;
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return `${title} takes at most ${schema.maxItems} choice(s).`;
      const items = (schema.items ?? {}) as FieldSchema;
      for (const item of value) {
        const problem = enumProblem(item, items, title);
        if (problem) return problem;
      }
      if (field === 'MultiEntityPicker') return value.find((item) => typeof item !== 'string' || !isEntityRef(item)) !== undefined ? `${title} must be catalog entities.` : undefined;
      return undefined;
    }
    default: {
      if (typeof value !== 'string') return `${title} must be text.`;
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) return `${title} must be at least ${schema.minLength} characters.`;
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return `${title} must be at most ${schema.maxLength} characters.`;
      if (typeof schema.pattern === 'string') {
        let pattern: RegExp | undefined;
        try {
          pattern = new RegExp(schema.pattern, 'u');
        } catch {
          pattern = undefined;
        }
        if (pattern && !pattern.test(value)) return `${title} must match ${schema.pattern}.`;
      }
      const inEnum = enumProblem(value, schema, title);
      if (inEnum) return inEnum;
      if (field === 'EntityNamePicker' && !isValidObjectName(value)) return `${title} must be 1–63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.`;
      if ((field === 'OwnerPicker' || field === 'EntityPicker' || field === 'OwnedEntityPicker') && !isEntityRef(value)) return `${title} must be a catalog entity, such as group:default/payments.`;
      if (field === 'RepoUrlPicker') {
        try {
          const { owner, repo } = parseRepoUrl(value);
          if (!/^[A-Za-z0-9._-]{1,100}$/.test(repo) || repo === '.' || repo === '..') return `${title}: "${repo}" is not a valid repository name (letters, digits, ".", "_" and "-").`;
          if (!/^[A-Za-z0-9-]{1,39}$/.test(owner)) return `${title}: "${owner}" is not a valid organisation name.`;
        } catch (error) {
          return `${title}: ${(error as Error).message}`;
        }
      }
      return undefined;
    }
  }
}

function enumProblem(value: unknown, schema: FieldSchema, title: string): string | undefined {
  if (!Array.isArray(schema.enum)) return undefined;
  if (schema.enum.some((allowed) => allowed === value)) return undefined;
  // The allowed values themselves, as Backstage's validator lists them: enumNames are only labels.
  return `${title} must be one of ${schema.enum.map((item) => String(item)).join(', ')}.`;
}

function isEntityRef(value: string): boolean {
  return /^(?:[A-Za-z][A-Za-z0-9]*:)?(?:[a-z0-9-]+\/)?[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(value);
}
