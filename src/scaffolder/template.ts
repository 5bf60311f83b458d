import { stringifyEntityRef, validateEntity, type Entity, type TemplateSpec } from '../catalog/model';
import { ACTION_IDS } from './actionIds';
import { FORM_WIDGETS, unknownFilters } from './syntax';

/** A JSON Schema of one form field, as Backstage templates write them (with `ui:*` hints). */
export type FieldSchema = Record<string, unknown>;

/** One page of a template's form: Backstage's `parameters` array item. */
export interface ParameterPage {
  title: string;
  description: string | null;
  required: string[];
  /** In the order the template lists them; fields that `dependencies`, `oneOf`, `allOf` or `if` add are not here. */
  properties: Array<[name: string, schema: FieldSchema]>;
  /** The page's whole JSON Schema, which conditions.ts resolves against the values given so far. */
  schema: Record<string, unknown>;
}

export interface TemplateStepDefinition {
  id: string;
  name: string;
  action: string;
  input: Record<string, unknown>;
  if: unknown;
  /** Backstage's `each:`: an expression (or a literal list or mapping) the step runs once per item of. */
  each: unknown;
}

/** A scaffolder template, ready for a form and a task. */
export interface ScaffolderTemplate {
  name: string;
  title: string;
  description: string;
  /** The template's own ref, e.g. template:default/typescript-service. */
  ref: string;
  /** spec.owner as a ref, or null. */
  owner: string | null;
  type: string;
  tags: string[];
  pages: ParameterPage[];
  steps: TemplateStepDefinition[];
  output: Record<string, unknown>;
  /** Where `./skeleton` and other relative URLs in steps resolve; null when the template has no folder on disk. */
  baseDir: string | null;
  /**
   * The folder those URLs may climb to with `..` and never leave: the templates folder for a template
   * under it (`url: ../../skeletons/node`), the template's own folder otherwise.
   */
  root?: string | null;
  /** Where it came from: its template.yaml, or its catalog location. */
  source: string;
  /** Groups allowed to run it besides its owner (annotation backline.dev/allowed-groups). */
  allowedGroups: string[];
  /** The line of each step (by id) in its template.yaml, when it came from a file. */
  stepLines?: Record<string, number>;
  /** Template features Backline does not support, each named with what happens instead. */
  unsupported: string[];
  entity: Entity;
}

/** The form widgets `ui:field` may name; anything else is shown as a text input and reported. */
export const SUPPORTED_FIELDS = ['OwnerPicker', 'EntityPicker', 'OwnedEntityPicker', 'MyGroupsPicker', 'MultiEntityPicker', 'RepoUrlPicker', 'EntityNamePicker', 'EntityTagsPicker', 'Secret'] as const;

/** `dependencies`, `oneOf`, `anyOf`, `allOf` and `if` are resolved per page (conditions.ts); `$ref` is not followed. */
const UNSUPPORTED_SCHEMA_KEYWORDS = ['$ref'];

export const ALLOWED_GROUPS_ANNOTATION = 'backline.dev/allowed-groups';

export class TemplateLoadError extends Error {
  override name = 'TemplateLoadError';
}

/**
 * A Template entity (from a file or the catalog) as a ScaffolderTemplate. Throws TemplateLoadError
 * with the catalog's own validation messages when it is not a valid v1beta3 Template.
 */
export function templateFromEntity(value: unknown, where: { baseDir: string | null; source: string; root?: string | null; stepLines?: Record<string, number> }): ScaffolderTemplate {
  const validated = validateEntity(value);
  if (!validated.valid) throw new TemplateLoadError(`${where.source} is not a valid Template: ${validated.errors.join('; ')}`);
  const entity = validated.entity;
  if (entity.kind !== 'Template' || entity.apiVersion !== 'scaffolder.backstage.io/v1beta3') {
    throw new TemplateLoadError(`${where.source} is a ${entity.kind} (${entity.apiVersion}); Backline runs Templates of scaffolder.backstage.io/v1beta3`);
  }
  const spec = entity.spec as TemplateSpec;
  const unsupported: string[] = [];
  const rawPages = spec.parameters === undefined ? [] : Array.isArray(spec.parameters) ? spec.parameters : [spec.parameters];
  const pages = rawPages.map((page, index) => toPage(page, index, unsupported));
  const steps = spec.steps.map((step, index) => ({
    id: typeof step.id === 'string' && step.id ? step.id : `step-${index + 1}`,
    name: typeof step.name === 'string' && step.name ? step.name : (typeof step.id === 'string' && step.id) || step.action,
    action: step.action,
    input: (step.input ?? {}) as Record<string, unknown>,
    if: step.if,
    each: step.each,
  }));
  for (const step of steps) {
    if (!ACTION_IDS.includes(step.action)) unsupported.push(`Step "${step.id}"${where.stepLines?.[step.id] ? ` (${where.source} line ${where.stepLines[step.id]})` : ''} uses the action ${step.action}, which Backline does not run (docs/templates.md lists the actions it runs): the form works, but running the template stops before any step.`);
  }
  const expressionSites = [...steps.map((step) => ({ label: `Step "${step.id}"`, value: [step.input, step.if, step.each] })), { label: 'The output', value: spec.output }];
  for (const { label, filter } of unknownFilters(expressionSites)) {
    unsupported.push(`${label} uses the filter ${filter}, which is not one of Backstage's own (an installation's custom filter): rendering it fails.`);
  }
  for (const key of ['formDecorators', 'EXPERIMENTAL_formDecorators', 'EXPERIMENTAL_recovery']) {
    if (spec[key] !== undefined) unsupported.push(`spec.${key} is ignored.`);
  }
  const annotations = entity.metadata.annotations ?? {};
  const owner = typeof spec.owner === 'string' && spec.owner.trim() ? qualify(spec.owner, 'group', entity.metadata.namespace ?? 'default') : null;
  return {
    name: entity.metadata.name,
    title: typeof entity.metadata.title === 'string' ? entity.metadata.title : entity.metadata.name,
    description: typeof entity.metadata.description === 'string' ? entity.metadata.description : '',
    ref: stringifyEntityRef(entity),
    owner,
    type: spec.type,
    tags: Array.isArray(entity.metadata.tags) ? entity.metadata.tags : [],
    pages,
    steps,
    output: (spec.output ?? {}) as Record<string, unknown>,
    baseDir: where.baseDir,
    root: where.root ?? where.baseDir,
    ...(where.stepLines && { stepLines: where.stepLines }),
    source: where.source,
    allowedGroups: (annotations[ALLOWED_GROUPS_ANNOTATION] ?? '')
      .split(',')
      .map((ref) => ref.trim())
      .filter(Boolean)
      .map((ref) => qualify(ref, 'group', entity.metadata.namespace ?? 'default')),
    unsupported,
    entity,
  };
}

function toPage(page: Record<string, unknown>, index: number, unsupported: string[]): ParameterPage {
  const title = typeof page.title === 'string' && page.title ? page.title : `Step ${index + 1}`;
  const properties = isRecord(page.properties) ? Object.entries(page.properties).filter((entry): entry is [string, FieldSchema] => isRecord(entry[1])) : [];
  for (const keyword of UNSUPPORTED_SCHEMA_KEYWORDS) {
    if (page[keyword] !== undefined) unsupported.push(`Page "${title}" uses ${keyword}: references are not followed, so only the fields the page lists itself are shown.`);
  }
  for (const [name, schema] of properties) {
    const field = schema['ui:field'];
    if (typeof field === 'string' && !(SUPPORTED_FIELDS as readonly string[]).includes(field)) {
      unsupported.push(`Field "${name}" uses ui:field ${field}, which Backline does not have: it is shown as a text input.`);
    }
    const widget = schema['ui:widget'];
    if (typeof widget === 'string' && !FORM_WIDGETS.has(widget)) unsupported.push(`Field "${name}" uses ui:widget ${widget}, which no form knows: it is shown as its type's usual input.`);
    if (schema.type === 'object') unsupported.push(`Field "${name}" is an object: nested forms are not supported, so it is left out of the form.`);
    if (schema.type === 'array' && !isRecord(schema.items) && field !== 'MultiEntityPicker' && field !== 'EntityTagsPicker') {
      unsupported.push(`Field "${name}" is an array without items: it is shown as a text input of comma-separated values.`);
    }
  }
  return {
    title,
    description: typeof page.description === 'string' ? page.description : null,
    required: Array.isArray(page.required) ? page.required.filter((name): name is string => typeof name === 'string') : [],
    properties,
    schema: page,
  };
}

/** `team-a` → `group:default/team-a`; `user:guest` → `user:default/guest`. */
export function qualify(ref: string, defaultKind: string, namespace: string): string {
  const colon = ref.indexOf(':');
  const kind = colon === -1 ? defaultKind : ref.slice(0, colon);
  const rest = colon === -1 ? ref : ref.slice(colon + 1);
  const slash = rest.indexOf('/');
  return `${kind.toLowerCase()}:${slash === -1 ? namespace : rest.slice(0, slash)}/${slash === -1 ? rest : rest.slice(slash + 1)}`.toLowerCase();
}

/** Where a step is written, for errors: `, templates/x/template.yaml line 12`, or nothing when not known. */
export function stepLocation(template: Pick<ScaffolderTemplate, 'source' | 'stepLines'>, stepId: string): string {
  const line = template.stepLines?.[stepId];
  return line ? `, ${template.source} line ${line}` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
