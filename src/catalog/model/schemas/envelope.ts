import { z } from 'zod';
import {
  FORMAT_EXPECTATIONS,
  isNonEmptyString,
  isValidAnnotationKey,
  isValidApiVersion,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidObjectName,
  isValidTag,
  isValidUrl,
} from '../formats';
import { anyObject, formatCheck, nonEmptyString, typeName } from './common';

/**
 * Everything Backstage checks on every entity before looking at its kind: the Entity and EntityMeta
 * JSON schemas (SchemaValidEntityPolicy), the four allowed root fields
 * (NoForeignRootFieldsEntityPolicy), and the string formats (FieldFormatEntityPolicy). Type and
 * format rules for one field are merged so each bad value gets one message.
 */

const mustBeString = (value: unknown): string => `must be a string (got ${typeName(value)})`;

/** Labels and annotations: prefixed keys; values always strings, label values also name-shaped. */
function keyValueMap(options: { isValidKey: (key: string) => boolean; isValidValue?: (value: string) => boolean; valueExpectation?: string }) {
  return z.record(z.unknown()).superRefine((map, ctx) => {
    for (const [key, value] of Object.entries(map)) {
      if (!options.isValidKey(key)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `key ${JSON.stringify(key)} is not valid; expected ${FORMAT_EXPECTATIONS.prefixedKey}` });
      }
      if (typeof value !== 'string') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: mustBeString(value) });
      } else if (options.isValidValue && !options.isValidValue(value)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${JSON.stringify(value)} is not valid; expected ${options.valueExpectation}` });
      }
    }
  });
}

const tags = z.array(z.unknown()).superRefine((items, ctx) => {
  items.forEach((tag, index) => {
    if (typeof tag !== 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: mustBeString(tag) });
    else if (!isValidTag(tag)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: `${JSON.stringify(tag)} is not valid; expected ${FORMAT_EXPECTATIONS.tag}` });
  });
});

/** Link titles and icons must have something besides whitespace (Backstage's isNonEmptyString). */
const visibleText = z.string().superRefine((value, ctx) => {
  if (!isNonEmptyString(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not be empty or blank' });
});

const link = z
  .object({
    url: z.string().superRefine((value, ctx) => {
      if (!isValidUrl(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} is not a valid URL` });
    }),
    title: visibleText.optional(),
    icon: visibleText.optional(),
    type: nonEmptyString.optional(),
  })
  .passthrough();

export const metadataSchema = z
  .object({
    name: z.string().superRefine(formatCheck(isValidObjectName, FORMAT_EXPECTATIONS.objectName)),
    namespace: z.string().superRefine(formatCheck(isValidNamespace, FORMAT_EXPECTATIONS.namespace)).optional(),
    uid: nonEmptyString.optional(),
    etag: nonEmptyString.optional(),
    title: nonEmptyString.optional(),
    description: z.string().optional(),
    labels: keyValueMap({ isValidKey: isValidLabelKey, isValidValue: isValidLabelValue, valueExpectation: FORMAT_EXPECTATIONS.labelValue }).optional(),
    annotations: keyValueMap({ isValidKey: isValidAnnotationKey }).optional(),
    tags: tags.optional(),
    links: z.array(link).optional(),
  })
  .passthrough();

/** The root of an entity. `.strict()` is NoForeignRootFieldsEntityPolicy: `relations` and `status` are the catalog's to write. */
export const envelopeSchema = z
  .object({
    apiVersion: z.string().superRefine(formatCheck(isValidApiVersion, FORMAT_EXPECTATIONS.apiVersion)),
    kind: z.string().superRefine(formatCheck(isValidKind, FORMAT_EXPECTATIONS.kind)),
    metadata: metadataSchema,
    spec: anyObject.optional(),
  })
  .strict();
