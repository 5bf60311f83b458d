import { z } from 'zod';
import { renderBlocksAsText } from '../../commands/blockKit/text';
import { findEntity } from '../../commands/whoowns';
import { canonicalEntityRef, parseEntityRef } from '../catalog/model';
import type { CatalogStore, StoredEntity } from '../catalog/store';
import { UserFacingError } from '../errors';

/** How MCP resources name what Backline knows: entities by ref, docs pages by their entity, tasks by id. */
export const URI_TEMPLATES = {
  entity: 'backline://entity/{kind}/{namespace}/{name}',
  docsPage: 'backline://docs/{kind}/{namespace}/{+path}',
  task: 'backline://task/{id}',
} as const;

/** `component:default/payments-service` → `backline://entity/component/default/payments-service`. */
export function entityUri(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(canonicalEntityRef(ref));
  return `backline://entity/${[kind, namespace, name].map(encodeURIComponent).join('/')}`;
}

/**
 * A page of an entity's docs site: `backline://docs/component/default/kyc-service/runbook/`, the
 * home page with nothing after the name's slash. The page's anchor is dropped: a page is read whole.
 */
export function docsPageUri(entityRef: string, location: string): string {
  const { kind, namespace, name } = parseEntityRef(canonicalEntityRef(entityRef));
  const page = location.split('#')[0]!.replace(/^\/+/, '');
  return `backline://docs/${[kind, namespace, name].map(encodeURIComponent).join('/')}/${encodeURI(page)}`;
}

export function taskUri(id: string): string {
  return `backline://task/${encodeURIComponent(id)}`;
}

/** Cards as the CLI prints them: names rather than Slack mentions, no buttons, plain text. */
export const TEXT_CARD = { plainNames: true, noButtons: true } as const;

export function cardText(blocks: unknown[]): string {
  return renderBlocksAsText(blocks, { width: 100 }).text.trimEnd();
}

/** Finds what `text` names (a ref, repository, name or title), or says what to send as `field` instead. */
export async function requireEntity(text: string, catalog: CatalogStore, field: { name: string; example: string }): Promise<StoredEntity> {
  const found = await findEntity(text.trim(), { catalog });
  if (found) return found.entities[0]!;
  const similar = await catalog.findSimilar(text, 5);
  const hint = similar.length ? ` Did you mean ${similar.map(({ entity }) => canonicalEntityRef(entity.ref)).join(', ')}?` : '';
  throw new UserFacingError(`Nothing in the catalog is called "${text.trim().slice(0, 200)}".${hint} Send ${field.name} as a ref such as ${field.example}, or a name, title or repository (org/repo).`);
}

export const relationJson = z.object({ type: z.string(), target: z.string() });

export const entityJsonSchema = z
  .object({
    ref: z.string().describe('kind:namespace/name, lower-cased as Backstage writes refs'),
    kind: z.string(),
    namespace: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    owner: z.string().nullable().describe('the ref of the owning Group or User, when it has one'),
    uri: z.string().describe('the backline://entity/… resource of this entity'),
    entity: z.record(z.unknown()).describe('the descriptor as catalog-info.yaml declares it'),
    relations: z.array(relationJson).describe('every relation from this entity, both directions of each spec field'),
  })
  .passthrough();

/** An entity with its relations, as get_entity and the entity resources give it. */
export async function entityJson(entity: StoredEntity, catalog: Pick<CatalogStore, 'relationsFrom'>): Promise<z.infer<typeof entityJsonSchema>> {
  const relations = await catalog.relationsFrom(entity.refKey);
  const { metadata } = entity.entity;
  const owner = relations.find((relation) => relation.type === 'ownedBy');
  return {
    ref: canonicalEntityRef(entity.ref),
    kind: entity.kind,
    namespace: entity.namespace,
    name: entity.name,
    title: typeof metadata.title === 'string' ? metadata.title : null,
    description: typeof metadata.description === 'string' ? metadata.description : null,
    owner: owner ? canonicalEntityRef(owner.targetRef) : null,
    uri: entityUri(entity.ref),
    entity: entity.entity as unknown as Record<string, unknown>,
    relations: relations.map((relation) => ({ type: relation.type, target: canonicalEntityRef(relation.targetRef) })).sort((a, b) => a.type.localeCompare(b.type) || a.target.localeCompare(b.target)),
  };
}

/** A few lines on an entity for people: what it is, who owns it, what it relates to. */
export function entityText(json: z.infer<typeof entityJsonSchema>): string {
  const counts = new Map<string, number>();
  for (const relation of json.relations) counts.set(relation.type, (counts.get(relation.type) ?? 0) + 1);
  const related = [...counts].map(([type, count]) => `${type} ${count}`).join(', ');
  return [
    `${json.title ?? json.name} (${json.ref})`,
    ...(json.description ? [json.description] : []),
    `Owner: ${json.owner ?? 'none'}`,
    `Relations: ${related || 'none'}`,
  ].join('\n');
}
