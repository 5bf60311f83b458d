import yaml from 'js-yaml';
import { isValidTag, validateEntity, type Entity } from './model';
import type { StoredEntity } from './store';

/**
 * How ownership is known. A repository without a catalog file becomes a Component Backline infers
 * from GitHub; it carries these annotations, so every surface can say it is a guess and what the
 * guess rests on. Everything else was declared in a catalog file.
 */
export const INFERRED_FROM_ANNOTATION = 'backline.dev/inferred-from';
export const INFERRED_EVIDENCE_ANNOTATION = 'backline.dev/inferred-evidence';
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** What an inference rested on: a CODEOWNERS rule, the one team administering the repository, or nothing. */
export type InferenceSource = 'codeowners' | 'team-permission' | 'none';

export interface Provenance {
  kind: 'declared' | 'inferred';
  /** Human-readable, from the catalog or GitHub: hostile text, escaped by whoever shows it. */
  evidence: string;
}

export interface Inference {
  /** The annotation's value as written; an unknown value is kept, and surfaces word it generically. */
  from: InferenceSource | (string & {});
  evidence: string;
  /** `owner/name` of the repository it was inferred from, when the entity names one. */
  repository: string | null;
}

/**
 * The location type of entities Backline inferred (one repository without a catalog file each). Only
 * entities read from such a location are inferred: a catalog file that writes the inferred-from
 * annotation itself is still declared, so it cannot borrow Confirm (a pull request in the repository
 * its slug names) or Not us.
 */
export const INFERRED_LOCATION_TYPE = 'github-inferred';

/** The inference a stored entity carries, or null when it was declared. */
export function inferenceOf(stored: Pick<StoredEntity, 'entity' | 'locationKey'>): Inference | null {
  if (!stored.locationKey.startsWith(`${INFERRED_LOCATION_TYPE}:`)) return null;
  const annotations = stored.entity.metadata.annotations ?? {};
  const from = annotations[INFERRED_FROM_ANNOTATION]?.trim();
  if (!from) return null;
  const evidence = annotations[INFERRED_EVIDENCE_ANNOTATION]?.trim() || 'Backline recorded no evidence for this inference.';
  const slug = annotations[PROJECT_SLUG_ANNOTATION]?.trim();
  return { from, evidence, repository: slug && /^[^/\s]+\/[^/\s]+$/.test(slug) ? slug : null };
}

export function isInferred(stored: Pick<StoredEntity, 'entity' | 'locationKey'>): boolean {
  return inferenceOf(stored) !== null;
}

/**
 * How the owner of a stored entity is known: an inference with its evidence, or the catalog file
 * (or other location) it was declared in, with the field that names the owner.
 */
export function provenanceOf(stored: StoredEntity): Provenance {
  const inference = inferenceOf(stored);
  if (inference) return { kind: 'inferred', evidence: inference.evidence };
  const where = locationDescription(stored.locationKey);
  const spec = (stored.entity.spec ?? {}) as Record<string, unknown>;
  if (stored.kind === 'group') return { kind: 'declared', evidence: `the team itself, declared in ${where}` };
  if (stored.kind === 'user') {
    const teams = Array.isArray(spec.memberOf) ? spec.memberOf.filter((team): team is string => typeof team === 'string') : [];
    return { kind: 'declared', evidence: teams.length ? `spec.memberOf: ${teams.join(', ')} in ${where}` : `declared in ${where}, which names no team` };
  }
  if (typeof spec.owner === 'string' && spec.owner.trim()) return { kind: 'declared', evidence: `spec.owner: ${spec.owner.trim()} in ${where}` };
  return { kind: 'declared', evidence: `declared in ${where}, which names no owner` };
}

/** Where a location key (`<type>:<target>`) read its entities, in words. */
function locationDescription(locationKey: string): string {
  const colon = locationKey.indexOf(':');
  const type = colon === -1 ? '' : locationKey.slice(0, colon);
  const target = colon === -1 ? locationKey : locationKey.slice(colon + 1);
  if (type === 'github-teams') return `the GitHub teams imported from ${target}`;
  return target || 'the catalog';
}

/**
 * The catalog-info.yaml that declares what an inferred Component says: its name (and namespace),
 * description, tags and repository slug, its type and lifecycle, and the owner it was confirmed to
 * have. Backline's own annotations stay out: once merged, the file is a declaration, not a guess.
 */
export function declaredEntityOf(inferred: Entity, owner: string): Entity {
  const { metadata } = inferred;
  const spec = (inferred.spec ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  // Topics and languages become tags; one Backstage would refuse is left out rather than failing the file.
  const tags = Array.isArray(metadata.tags) ? [...new Set(metadata.tags.filter((tag): tag is string => typeof tag === 'string' && isValidTag(tag)))] : [];
  const slug = metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: metadata.name,
      ...(metadata.namespace && metadata.namespace !== 'default' && { namespace: metadata.namespace }),
      ...(text(metadata.description) && { description: text(metadata.description) }),
      ...(tags.length && { tags }),
      ...(slug && { annotations: { [PROJECT_SLUG_ANNOTATION]: slug } }),
    },
    spec: { type: text(spec.type) ?? 'unknown', lifecycle: text(spec.lifecycle) ?? 'unknown', owner },
  };
}

/** The file's text; throws with Backstage's verdicts when the entity would not validate. */
export function catalogInfoYaml(entity: Entity): string {
  const verdict = validateEntity(entity, { copy: true });
  if (!verdict.valid) throw new Error(`the catalog-info.yaml for ${entity.metadata.name} would not validate: ${verdict.errors.join('; ')}`);
  return yaml.dump(entity, { lineWidth: -1, noRefs: true, sortKeys: false });
}
