import { isInferred } from '../../catalog/provenance';
import type { StoredEntity } from '../../catalog/store';
import type { Facts } from '../model';
import type { EntityTraits } from '../rules';
import type { CatalogSnapshot } from './snapshot';

const TECHDOCS_ANNOTATIONS = ['backstage.io/techdocs-ref', 'backstage.io/techdocs-entity'];

/** Kinds whose health is evaluated: Users, Locations and Templates describe no running software or team. */
export const HEALTH_KINDS = ['component', 'api', 'resource', 'system', 'domain', 'group', 'rotation'];

/** What the catalog alone says about an entity; every value is known (the catalog is at hand). */
export function catalogFacts(entity: StoredEntity, snapshot: CatalogSnapshot): Facts {
  const { metadata } = entity.entity;
  const spec = (entity.entity.spec ?? {}) as Record<string, unknown>;
  const annotations = metadata.annotations ?? {};
  // A Group answers for itself: the team responsible for a team is the team.
  const ownerKey = entity.kind === 'group' ? entity.refKey : snapshot.targets(entity.refKey, 'ownedBy')[0];
  // Of an owner that is not a Group only its existence counts, which a snapshot may know without holding it.
  const owner = ownerKey ? snapshot.get(ownerKey) : undefined;
  const ownerIsGroup = owner?.kind === 'group';
  return {
    declaredInCatalog: !isInferred(entity),
    hasDescription: typeof metadata.description === 'string' && metadata.description.trim() !== '',
    lifecycle: typeof spec.lifecycle === 'string' && spec.lifecycle.trim() ? spec.lifecycle : null,
    hasSystem: snapshot.targets(entity.refKey, 'partOf').some((ref) => ref.startsWith('system:')),
    hasTechDocs: TECHDOCS_ANNOTATIONS.some((name) => Boolean(annotations[name]?.trim())),
    hasRepository: Boolean(annotations['github.com/project-slug']?.trim() || annotations['backstage.io/source-location']?.trim()),
    'owner.exists': ownerKey !== undefined && snapshot.kindOf(ownerKey) !== undefined,
    'owner.isGroup': ownerIsGroup,
    'owner.hasMembers': ownerIsGroup && snapshot.targets(owner.refKey, 'hasMember').some((member) => snapshot.kindOf(member) !== undefined),
    'owner.hasSlackChannel': ownerIsGroup && Boolean(channelOf(owner)),
  };
}

/** The owning team's Slack channel as the catalog writes it: slack.com/channel, else slack.com/bot-notify. */
export function channelOf(group: StoredEntity): string | null {
  const annotations = group.entity.metadata.annotations ?? {};
  return annotations['slack.com/channel']?.trim() || annotations['slack.com/bot-notify']?.trim() || null;
}

export function traitsOf(entity: StoredEntity): EntityTraits {
  const spec = (entity.entity.spec ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);
  return { kind: entity.kind, type: text(spec.type), lifecycle: text(spec.lifecycle), tags: Array.isArray(entity.entity.metadata.tags) ? entity.entity.metadata.tags.filter((tag): tag is string => typeof tag === 'string') : [] };
}

export function displayNameOf(entity: StoredEntity): string {
  const title = entity.entity.metadata.title;
  return typeof title === 'string' && title.trim() ? title : entity.name;
}
