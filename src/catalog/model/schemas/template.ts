import { z } from 'zod';
import { anyObject, nonEmptyString as text, oneOfByType, stringOrBoolean } from './common';

/**
 * `Template` at `scaffolder.backstage.io/v1beta3`, from @backstage/plugin-scaffolder-common's
 * `Template.v1beta3.schema.json`, which the scaffolder's catalog module validates templates with.
 * Only `type` and `steps` are required; parameters are JSON-Schema form pages, checked here only as
 * far as Backstage checks them.
 */

export const TEMPLATE_API_VERSIONS = ['scaffolder.backstage.io/v1beta3'] as const;

const permissions = z.object({ tags: z.array(z.string()).optional() }).passthrough();

const parameterPage = z.object({ 'backstage:permissions': permissions.optional() }).passthrough();

const formDecorator = z.object({ id: z.string().optional(), input: anyObject.optional() }).passthrough();

const step = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    action: z.string(),
    input: anyObject.optional(),
    if: stringOrBoolean.optional(),
    'backstage:permissions': permissions.optional(),
  })
  .passthrough();

const outputLink = z
  .object({
    if: stringOrBoolean.optional(),
    url: text.optional(),
    entityRef: text.optional(),
    title: text.optional(),
    icon: text.optional(),
  })
  .passthrough();

const outputText = z
  .object({
    if: stringOrBoolean.optional(),
    title: text.optional(),
    icon: text.optional(),
    content: z.string().optional(),
  })
  .passthrough();

// Any other output value must be a string (the schema's `additionalProperties: { type: string }`).
const output = z
  .object({
    links: z.array(outputLink).optional(),
    text: z.array(outputText).optional(),
  })
  .catchall(z.string());

export const templateSpecSchema = z
  .object({
    type: text,
    owner: text.optional(),
    lifecycle: text.optional(),
    parameters: oneOfByType({ object: parameterPage, array: z.array(parameterPage) }, 'an object or an array of objects').optional(),
    secrets: z.object({ schema: anyObject.optional() }).passthrough().optional(),
    presentation: z
      .object({
        buttonLabels: z
          .object({
            backButtonText: z.string().optional(),
            createButtonText: z.string().optional(),
            reviewButtonText: z.string().optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
    EXPERIMENTAL_recovery: z.object({ EXPERIMENTAL_strategy: z.string().optional() }).passthrough().optional(),
    formDecorators: z.array(formDecorator).optional(),
    EXPERIMENTAL_formDecorators: z.array(formDecorator).optional(),
    steps: z.array(step),
    output: output.optional(),
  })
  .passthrough();
