import {
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

/**
 * The rules of `envelopeSchema`, checked directly. Nearly every entity ingestion sees is valid, and
 * zod spends most of its time building a parse result nobody reads; this only answers yes or no.
 * It answers yes exactly when `envelopeSchema` accepts (the tests hold the two to each other), and a
 * "no" is handed to `envelopeSchema`, which says why.
 */
export function envelopeIsValid(input: unknown): boolean {
  if (!isRecord(input)) return false;
  // for…in, as zod walks keys: inherited enumerable ones count too.
  for (const key in input) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && key !== 'spec') return false;
  }
  if (!isValidApiVersion(input.apiVersion) || !isValidKind(input.kind)) return false;
  if (input.spec !== undefined && !isRecord(input.spec)) return false;
  return metadataIsValid(input.metadata);
}

function metadataIsValid(metadata: unknown): boolean {
  if (!isRecord(metadata)) return false;
  const { name, namespace, uid, etag, title, description, labels, annotations, tags, links } = metadata;
  if (!isValidObjectName(name)) return false;
  if (namespace !== undefined && !isValidNamespace(namespace)) return false;
  if (!optionalNonEmptyString(uid) || !optionalNonEmptyString(etag) || !optionalNonEmptyString(title)) return false;
  if (description !== undefined && typeof description !== 'string') return false;
  if (labels !== undefined && !mapIsValid(labels, isValidLabelKey, isValidLabelValue)) return false;
  if (annotations !== undefined && !mapIsValid(annotations, isValidAnnotationKey)) return false;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every(isValidTag))) return false;
  if (links !== undefined && !(Array.isArray(links) && links.every(linkIsValid))) return false;
  return true;
}

function linkIsValid(link: unknown): boolean {
  if (!isRecord(link)) return false;
  const { url, title, icon, type } = link;
  if (!isValidUrl(url)) return false;
  if (title !== undefined && !isNonEmptyString(title)) return false;
  if (icon !== undefined && !isNonEmptyString(icon)) return false;
  return optionalNonEmptyString(type);
}

function mapIsValid(map: unknown, isValidKey: (key: string) => boolean, isValidValue?: (value: string) => boolean): boolean {
  if (!isRecord(map)) return false;
  for (const key in map) {
    const value = map[key];
    if (!isValidKey(key) || typeof value !== 'string') return false;
    if (isValidValue && !isValidValue(value)) return false;
  }
  return true;
}

function optionalNonEmptyString(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length >= 1);
}

/** An object as zod's `z.object` and `z.record` see one: not null, an array, a date, a map or a set. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Object]';
}
