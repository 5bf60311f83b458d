/**
 * The shape of catalog entities, as Backstage's `catalog-info.yaml` format defines it, plus
 * Backline's own `Rotation` kind. These are types only; `validation.ts` decides what is valid.
 */

/** The namespace an entity lives in when its metadata names none. */
export const DEFAULT_NAMESPACE = 'default';

/** A link shown with an entity: docs, dashboards, runbooks. */
export interface EntityLink {
  url: string;
  title?: string;
  icon?: string;
  type?: string;
}

export interface EntityMeta {
  name: string;
  /** Always set on an entity returned by `validateEntity` (defaults to `default`). */
  namespace?: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tags?: string[];
  links?: EntityLink[];
  uid?: string;
  etag?: string;
  /** Backstage allows any other metadata field and keeps it. */
  [field: string]: unknown;
}

/** A relation between two entities, both written as entity ref strings (see `stringifyEntityRef`). */
export interface EntityRelation {
  type: string;
  source: string;
  target: string;
}

export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: EntityMeta;
  spec?: Record<string, unknown>;
  /** Filled in by the catalog from spec fields; never accepted in a descriptor file. */
  relations?: EntityRelation[];
}

/** The three parts that identify an entity. */
export interface CompoundEntityRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface ComponentSpec {
  type: string;
  lifecycle: string;
  owner: string;
  system?: string;
  subcomponentOf?: string;
  providesApis?: string[];
  consumesApis?: string[];
  dependsOn?: string[];
  dependencyOf?: string[];
  [field: string]: unknown;
}

export interface ApiSpec {
  type: string;
  lifecycle: string;
  owner: string;
  definition: string;
  system?: string;
  [field: string]: unknown;
}

export interface ResourceSpec {
  type: string;
  owner: string;
  system?: string;
  dependsOn?: string[];
  dependencyOf?: string[];
  [field: string]: unknown;
}

export interface SystemSpec {
  owner: string;
  domain?: string;
  type?: string;
  [field: string]: unknown;
}

export interface DomainSpec {
  owner: string;
  subdomainOf?: string;
  type?: string;
  [field: string]: unknown;
}

export interface Profile {
  displayName?: string;
  email?: string;
  picture?: string;
}

export interface GroupSpec {
  type: string;
  profile?: Profile;
  parent?: string;
  children: string[];
  members?: string[];
  [field: string]: unknown;
}

export interface UserSpec {
  profile?: Profile;
  memberOf: string[];
  [field: string]: unknown;
}

export interface LocationSpec {
  type?: string;
  target?: string;
  targets?: string[];
  presence?: 'required' | 'optional';
  [field: string]: unknown;
}

export interface TemplateStep {
  id?: string;
  name?: string;
  action: string;
  input?: Record<string, unknown>;
  if?: string | boolean;
  [field: string]: unknown;
}

export interface TemplateSpec {
  type: string;
  owner?: string;
  lifecycle?: string;
  /** One JSON-Schema form page, or several. */
  parameters?: Record<string, unknown> | Array<Record<string, unknown>>;
  steps: TemplateStep[];
  output?: Record<string, unknown>;
  [field: string]: unknown;
}

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

export interface RotationHandoff {
  /** Present for a weekly handoff; absent for a daily one. Compared case-insensitively. */
  weekday?: string;
  /** Local time of day in the rotation's timezone, `HH:MM`. */
  time: string;
}

export interface RotationOverride {
  user: string;
  from: string;
  to: string;
}

export interface RotationSpec {
  owner: string;
  timezone: string;
  handoff: RotationHandoff;
  start: string;
  members: string[];
  overrides?: RotationOverride[];
  [field: string]: unknown;
}

/** An entity of a given kind whose spec has the shape validation guarantees. */
export type EntityOf<K extends string, S> = Entity & { kind: K; spec: S };

export type ComponentEntity = EntityOf<'Component', ComponentSpec>;
export type ApiEntity = EntityOf<'API', ApiSpec>;
export type ResourceEntity = EntityOf<'Resource', ResourceSpec>;
export type SystemEntity = EntityOf<'System', SystemSpec>;
export type DomainEntity = EntityOf<'Domain', DomainSpec>;
export type GroupEntity = EntityOf<'Group', GroupSpec>;
export type UserEntity = EntityOf<'User', UserSpec>;
export type LocationEntity = EntityOf<'Location', LocationSpec>;
export type TemplateEntity = EntityOf<'Template', TemplateSpec>;
export type RotationEntity = EntityOf<'Rotation', RotationSpec>;
