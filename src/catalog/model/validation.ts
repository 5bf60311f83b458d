import type { z } from 'zod';
import { DEFAULT_NAMESPACE, type Entity } from './entity';
import { isValidApiVersion, isValidKind } from './formats';
import {
  apiSpecSchema,
  BACKSTAGE_API_VERSIONS,
  componentSpecSchema,
  domainSpecSchema,
  groupSpecSchema,
  locationSpecSchema,
  resourceSpecSchema,
  systemSpecSchema,
  userSpecSchema,
} from './schemas/backstageKinds';
import { describeIssues, isPlainObject, typeName } from './schemas/common';
import { envelopeSchema } from './schemas/envelope';
import { ROTATION_API_VERSIONS, rotationSpecSchema } from './schemas/rotation';
import { TEMPLATE_API_VERSIONS, templateSpecSchema } from './schemas/template';

export type ValidationResult = { valid: true; entity: Entity; errors: [] } | { valid: false; errors: string[] };

/** One kind the catalog accepts: its exact (case-sensitive) name, apiVersions, and spec rules. */
export interface KindDefinition {
  kind: string;
  apiVersions: readonly string[];
  spec: z.ZodTypeAny;
}

/**
 * The kinds with a validator: Backstage's built-in kinds (BuiltinKindsEntityProcessor), `Template`
 * (the scaffolder's catalog module) and Backline's `Rotation`. Anything else, including kinds newer
 * catalog-model releases describe such as `AiResource`, is rejected, as Backstage's catalog rejects
 * entities no processor validates.
 */
export const KIND_DEFINITIONS: readonly KindDefinition[] = [
  { kind: 'Component', apiVersions: BACKSTAGE_API_VERSIONS, spec: componentSpecSchema },
  { kind: 'API', apiVersions: BACKSTAGE_API_VERSIONS, spec: apiSpecSchema },
  { kind: 'Resource', apiVersions: BACKSTAGE_API_VERSIONS, spec: resourceSpecSchema },
  { kind: 'System', apiVersions: BACKSTAGE_API_VERSIONS, spec: systemSpecSchema },
  { kind: 'Domain', apiVersions: BACKSTAGE_API_VERSIONS, spec: domainSpecSchema },
  { kind: 'Group', apiVersions: BACKSTAGE_API_VERSIONS, spec: groupSpecSchema },
  { kind: 'User', apiVersions: BACKSTAGE_API_VERSIONS, spec: userSpecSchema },
  { kind: 'Location', apiVersions: BACKSTAGE_API_VERSIONS, spec: locationSpecSchema },
  { kind: 'Template', apiVersions: TEMPLATE_API_VERSIONS, spec: templateSpecSchema },
  { kind: 'Rotation', apiVersions: ROTATION_API_VERSIONS, spec: rotationSpecSchema },
];

/**
 * Decides whether a parsed descriptor document is an entity the catalog accepts, with the verdict
 * of Backstage's catalog (catalog-model 1.10.1 default policies, then the kind validators) and
 * Backline's Rotation rules. Rather than stopping at the first problem as Backstage does, it reports
 * every problem it can find.
 *
 * A valid result carries a copy of the input with `metadata.namespace` filled in (`default`);
 * the input is never modified.
 */
export function validateEntity(input: unknown, options: { copy?: boolean; ownerOptional?: boolean } = {}): ValidationResult {
  if (!isPlainObject(input)) {
    return { valid: false, errors: [`entity must be an object with apiVersion, kind, metadata and spec (got ${typeName(input)})`] };
  }

  const errors: string[] = [];
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) errors.push(...describeIssues(envelope.error.issues));
  errors.push(...kindErrors(input, options.ownerOptional ?? false));

  if (errors.length > 0) return { valid: false, errors };
  return { valid: true, entity: withDefaultNamespace(input as unknown as Entity, options.copy ?? true), errors: [] };
}

/**
 * DefaultNamespaceEntityPolicy, on a deep copy by default. A caller that owns the input outright
 * (ingestion, holding a freshly parsed document) passes `copy: false` and gets the envelope copied
 * with nested values shared: deep-copying every entity was a large share of ingestion time.
 */
function withDefaultNamespace(input: Entity, deep: boolean): Entity {
  if (deep) {
    const entity = structuredClone(input);
    if (!entity.metadata.namespace) entity.metadata.namespace = DEFAULT_NAMESPACE;
    return entity;
  }
  return { ...input, metadata: { ...input.metadata, namespace: input.metadata.namespace || DEFAULT_NAMESPACE } };
}

/**
 * `ownerOptional`: a Component Backline inferred (from a repository without a catalog file) may have
 * no owner when nothing names one; it says so rather than inventing one. Files never get this.
 */
function kindErrors(input: Record<string, unknown>, ownerOptional: boolean): string[] {
  const { apiVersion, kind, spec } = input;
  // A missing or malformed apiVersion or kind is already reported by the envelope.
  if (!isValidApiVersion(apiVersion) || !isValidKind(kind)) return [];

  const candidates = KIND_DEFINITIONS.filter((definition) => definition.kind === kind);
  if (candidates.length === 0) return [unsupportedKind(kind, apiVersion)];

  const definition = candidates.find((candidate) => candidate.apiVersions.includes(apiVersion));
  if (!definition) {
    const expected = [...new Set(candidates.flatMap((candidate) => candidate.apiVersions))];
    return [`Unsupported apiVersion ${JSON.stringify(apiVersion)} for kind ${kind}: no validator accepts it; expected ${expected.join(' or ')}`];
  }

  if (spec === undefined) return [`spec is required for kind ${kind}`];
  if (!isPlainObject(spec)) return []; // the envelope reports that spec must be an object
  const schema = ownerOptional && kind === 'Component' ? componentSpecSchema.partial({ owner: true }) : definition.spec;
  const result = schema.safeParse(spec);
  return result.success ? [] : describeIssues(result.error.issues, { prefix: ['spec'], kind });
}

function unsupportedKind(kind: string, apiVersion: string): string {
  const message = `Unsupported kind ${JSON.stringify(kind)} (apiVersion ${JSON.stringify(apiVersion)}): no validator accepts it`;
  // Kinds are case-sensitive in Backstage too; a near miss deserves a pointer.
  const nearMiss = KIND_DEFINITIONS.find((definition) => definition.kind.toLowerCase() === kind.toLowerCase());
  if (nearMiss) return `${message}; kinds are case-sensitive, did you mean ${JSON.stringify(nearMiss.kind)}?`;
  const known = [...new Set(KIND_DEFINITIONS.map((definition) => definition.kind))].sort();
  return `${message}; supported kinds are ${known.join(', ')}`;
}
