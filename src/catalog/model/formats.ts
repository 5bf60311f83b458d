/**
 * The string formats Backstage's FieldFormatEntityPolicy enforces (its Kubernetes-style and common
 * validator functions, with the catalog's default tag rule). Each takes `unknown` because policies
 * run on input that has not been type-checked yet.
 */

const OBJECT_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_LABEL = /^[a-z0-9]+(?:-+[a-z0-9]+)*$/;
const KIND = /^[a-zA-Z][a-z0-9A-Z]*$/;
const API_VERSION_SUFFIX = /^[a-z0-9A-Z]+$/;
// The catalog's default tag rule also allows `:` (catalog-model's own deprecated isValidTag does not).
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

export const FORMAT_EXPECTATIONS = {
  objectName: 'strings of 1-63 characters matching [a-z0-9A-Z] separated by [-_.], starting and ending with [a-z0-9A-Z]',
  labelValue: 'an empty string or 1-63 characters matching [a-z0-9A-Z] separated by [-_.], starting and ending with [a-z0-9A-Z]',
  namespace: 'a lowercase DNS label: 1-63 characters of [a-z0-9] separated by [-]',
  prefixedKey:
    'an optional DNS-subdomain prefix and "/" (like "example.com/") followed by 1-63 characters matching [a-z0-9A-Z] separated by [-_.], starting and ending with [a-z0-9A-Z]',
  apiVersion: 'an optional DNS-subdomain group and "/" followed by a version of 1-63 characters of [a-z0-9A-Z], like "backstage.io/v1alpha1"',
  kind: 'a letter followed by letters and digits, at most 63 characters, like "Component"',
  tag: '1-63 characters of [a-z0-9:+#] separated by [-], like "java" or "c++"',
} as const;

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/**
 * `<suffix>` or `<prefix><separator><suffix>`, each part checked on its own; a second separator
 * makes the whole value invalid.
 */
function isValidPrefixAndOrSuffix(
  value: unknown,
  separator: string,
  isValidPrefix: (part: string) => boolean,
  isValidSuffix: (part: string) => boolean,
): boolean {
  if (!isString(value)) return false;
  const parts = value.split(separator);
  if (parts.length === 1) return isValidSuffix(parts[0]!);
  if (parts.length === 2) return isValidPrefix(parts[0]!) && isValidSuffix(parts[1]!);
  return false;
}

/** RFC 1123 label: lowercase letters and digits separated by dashes, 1-63 characters. */
export function isValidDnsLabel(value: unknown): boolean {
  return isString(value) && value.length >= 1 && value.length <= 63 && DNS_LABEL.test(value);
}

/** RFC 1123 subdomain: dot-separated DNS labels, at most 253 characters. */
export function isValidDnsSubdomain(value: unknown): boolean {
  return isString(value) && value.length >= 1 && value.length <= 253 && value.split('.').every(isValidDnsLabel);
}

/** Entity names, label values and the name part of label and annotation keys. */
export function isValidObjectName(value: unknown): boolean {
  return isString(value) && value.length >= 1 && value.length <= 63 && OBJECT_NAME.test(value);
}

export function isValidNamespace(value: unknown): boolean {
  return isValidDnsLabel(value);
}

export function isValidApiVersion(value: unknown): value is string {
  return isValidPrefixAndOrSuffix(value, '/', isValidDnsSubdomain, (part) => part.length >= 1 && part.length <= 63 && API_VERSION_SUFFIX.test(part));
}

export function isValidKind(value: unknown): value is string {
  return isString(value) && value.length >= 1 && value.length <= 63 && KIND.test(value);
}

export function isValidLabelKey(value: unknown): boolean {
  return isValidPrefixAndOrSuffix(value, '/', isValidDnsSubdomain, isValidObjectName);
}

export function isValidLabelValue(value: unknown): boolean {
  return value === '' || isValidObjectName(value);
}

export function isValidAnnotationKey(value: unknown): boolean {
  return isValidPrefixAndOrSuffix(value, '/', isValidDnsSubdomain, isValidObjectName);
}

export function isValidTag(value: unknown): boolean {
  return isString(value) && value.length >= 1 && value.length <= 63 && TAG.test(value);
}

/** Anything WHATWG's URL parser accepts, as Backstage checks it. */
export function isValidUrl(value: unknown): boolean {
  if (!isString(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** A string with something other than whitespace in it. */
export function isNonEmptyString(value: unknown): boolean {
  return isString(value) && value.trim().length >= 1;
}
