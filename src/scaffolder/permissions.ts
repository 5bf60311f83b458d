import type { Entity } from '../catalog/model';
import type { CatalogStore, StoredEntity } from '../catalog/store';
import type { SlackDirectory } from '../directory';
import type { ScaffolderTemplate } from './template';

/** The requester as the catalog knows them: their User, and every group they belong to (with parents). */
export interface CatalogPerson {
  ref: string;
  entity: Entity;
  /** Lower-cased group refs: direct memberships and the groups above them. */
  groups: string[];
}

export type PersonCatalog = Pick<CatalogStore, 'findByAnnotation' | 'findUsersByEmail' | 'relationsFrom'>;

/**
 * Finds the catalog User behind a Slack user: the slack.com/user-id annotation first, then the
 * email Slack has for them. Null when neither leads to a User.
 */
export async function findCatalogPerson(slackUserId: string, ports: { catalog: PersonCatalog; directory?: Pick<SlackDirectory, 'emailOfUser'> }): Promise<CatalogPerson | null> {
  let user: StoredEntity | undefined = (await ports.catalog.findByAnnotation('slack.com/user-id', slackUserId)).find((entity) => entity.kind === 'user');
  if (!user) {
    const email = await ports.directory?.emailOfUser(slackUserId);
    user = email ? (await ports.catalog.findUsersByEmail(email))[0] : undefined;
  }
  if (!user) return null;
  return { ref: user.ref, entity: user.entity, groups: await groupsOf(user.refKey, ports.catalog) };
}

/**
 * The catalog User a ref names (the user an MCP token acts as), with their groups. Null when the
 * catalog holds no such User: someone the catalog does not know is refused where a template is not open.
 */
export async function catalogPersonByRef(userRef: string, catalog: Pick<CatalogStore, 'getByRef' | 'relationsFrom'>): Promise<CatalogPerson | null> {
  const user = await catalog.getByRef(userRef.toLowerCase());
  if (user?.kind !== 'user') return null;
  return { ref: user.ref, entity: user.entity, groups: await groupsOf(user.refKey, catalog) };
}

/** Direct groups and their ancestors (childOf), so that allowing a department allows its teams. */
async function groupsOf(userRefKey: string, catalog: Pick<CatalogStore, 'relationsFrom'>): Promise<string[]> {
  const found = new Set<string>();
  let frontier = (await catalog.relationsFrom(userRefKey, ['memberOf'])).map((relation) => relation.targetRef.toLowerCase());
  while (frontier.length && found.size < 200) {
    const next: string[] = [];
    for (const group of frontier) {
      if (found.has(group)) continue;
      found.add(group);
      next.push(...(await catalog.relationsFrom(group, ['childOf'])).map((relation) => relation.targetRef.toLowerCase()));
    }
    frontier = next;
  }
  return [...found];
}

export type RunPermission = { allowed: true } | { allowed: false; reason: string };

/**
 * Who may run a template: its owner (the user, or members of the group and the groups below it) and
 * members of the allow-listed groups (the template's backline.dev/allowed-groups annotation and
 * BACKLINE_TEMPLATE_ALLOWED_GROUPS). A template without owner or allow-list is open to everyone.
 */
export function mayRun(template: ScaffolderTemplate, person: CatalogPerson | null, globallyAllowed: string[]): RunPermission {
  const allowed = [...(template.owner ? [template.owner] : []), ...template.allowedGroups, ...globallyAllowed].map((ref) => ref.toLowerCase());
  if (allowed.length === 0) return { allowed: true };
  const who = allowed.map((ref) => ref.replace(/^group:default\//, '').replace(/^user:default\//, '')).join(', ');
  if (!person) {
    return { allowed: false, reason: `Backline cannot find you in the catalog, so it cannot tell whether you may use ${template.title} (open to ${who}). Ask your platform team to add a User entity with your email, or the annotation slack.com/user-id.` };
  }
  if (allowed.includes(person.ref.toLowerCase()) || person.groups.some((group) => allowed.includes(group))) return { allowed: true };
  return { allowed: false, reason: `${template.title} is open to ${who}, and you are not a member. Ask its owner to add your team to the annotation backline.dev/allowed-groups, or ask someone in ${who} to run it.` };
}
