import { z } from 'zod';
import { nonEmptyString as text, nonEmptyStringList as textList } from './common';

/**
 * The spec schemas of Backstage's built-in kinds, from `schema/kinds/*.v1alpha1.schema.json` in
 * @backstage/catalog-model 1.10.1. Each of these kinds accepts apiVersion `backstage.io/v1alpha1`
 * and `backstage.io/v1beta1`. Fields a schema does not declare (such as `spec.dependencyOf`) are
 * allowed with any value, as in Backstage.
 */

export const BACKSTAGE_API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'] as const;

const profile = z
  .object({
    displayName: text.optional(),
    email: text.optional(),
    picture: text.optional(),
  })
  .passthrough();

export const componentSpecSchema = z
  .object({
    type: text,
    lifecycle: text,
    owner: text,
    system: text.optional(),
    subcomponentOf: text.optional(),
    providesApis: textList.optional(),
    consumesApis: textList.optional(),
    dependsOn: textList.optional(),
  })
  .passthrough();

// `definition` is required even for API types that describe remotes instead (`mcp-server`): 1.10.1's
// catalog validates every API with this schema, so such entities are rejected.
export const apiSpecSchema = z
  .object({
    type: text,
    lifecycle: text,
    owner: text,
    system: text.optional(),
    definition: text,
  })
  .passthrough();

export const resourceSpecSchema = z
  .object({
    type: text,
    owner: text,
    dependsOn: textList.optional(),
    system: text.optional(),
  })
  .passthrough();

export const systemSpecSchema = z
  .object({
    owner: text,
    domain: text.optional(),
    type: text.optional(),
  })
  .passthrough();

export const domainSpecSchema = z
  .object({
    owner: text,
    subdomainOf: text.optional(),
    type: text.optional(),
  })
  .passthrough();

export const groupSpecSchema = z
  .object({
    type: text,
    profile: profile.optional(),
    parent: text.optional(),
    children: textList,
    members: textList.optional(),
  })
  .passthrough();

// `memberOf` is required (an empty list is fine) in the 1.10.1 schema.
export const userSpecSchema = z
  .object({
    profile: profile.optional(),
    memberOf: textList,
  })
  .passthrough();

// Nothing is required: a Location with neither target nor targets is valid, and simply reads nothing.
export const locationSpecSchema = z
  .object({
    type: text.optional(),
    target: text.optional(),
    targets: textList.optional(),
    presence: z.enum(['required', 'optional']).optional(),
  })
  .passthrough();
