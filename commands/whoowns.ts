import type { CatalogStore, StoredEntity } from '../src/catalog/store';

/** The ports the whoowns core needs: only the catalog, read-only. */
export interface WhoOwnsPorts {
  catalog: Pick<CatalogStore, 'getByRef' | 'getManyByRef' | 'findByName' | 'findByTitle' | 'findSimilar' | 'relationsFrom' | 'findByAnnotation'>;
}

export interface PersonInfo {
  ref: string;
  displayName: string;
  email: string | null;
  slackUserId: string | null;
}

export interface TeamInfo {
  ref: string;
  /** False when the owner named in the spec is not in the catalog. */
  found: boolean;
  kind: string;
  displayName: string;
  slackChannel: string | null;
  members: PersonInfo[];
  /** The nearest ancestor team with members, when this team has none. */
  escalation: TeamInfo | null;
}

export type MatchKind = 'ref' | 'repository' | 'name' | 'title';

export interface WhoOwnsResult {
  query: string;
  match: StoredEntity | null;
  matchedBy: MatchKind | null;
  /** Other entities the query names equally well (same name in another kind or namespace). */
  alternatives: StoredEntity[];
  owner: TeamInfo | null;
  warnings: string[];
  /** Near misses by trigram similarity, best first, when nothing matched exactly. */
  suggestions: Array<{ ref: string; title: string | null; similarity: number }>;
}

// When a name is shared, the thing people ask about first wins: software before the people and
// groups that own it.
const KIND_PRIORITY = ['component', 'api', 'resource', 'system', 'domain', 'group', 'user', 'template', 'rotation', 'location'];
const SUGGESTION_LIMIT = 5;
const GITHUB_URL = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/\s]+)\/([^/\s#?]+?)(?:\.git)?\/?(?:[#?].*)?$/i;
const REPO_SLUG = /^([A-Za-z0-9][-A-Za-z0-9_.]*)\/([A-Za-z0-9][-A-Za-z0-9_.]*)$/;

/**
 * Answers "who owns X?": finds the entity by ref, repository, name, title, or else suggests near
 * misses; then resolves its owner team, the team's members, and warns about weak ownership.
 */
export async function whoOwns(rawQuery: string, ports: WhoOwnsPorts): Promise<WhoOwnsResult> {
  const query = rawQuery.trim();
  const result: WhoOwnsResult = { query, match: null, matchedBy: null, alternatives: [], owner: null, warnings: [], suggestions: [] };
  if (query === '') return result;

  const found = await findEntity(query, ports);
  if (!found) {
    const similar = await ports.catalog.findSimilar(query, SUGGESTION_LIMIT);
    result.suggestions = similar.map(({ entity, similarity }) => ({ ref: entity.ref, title: titleOf(entity), similarity: Math.round(similarity * 100) / 100 }));
    return result;
  }
  const [match, ...alternatives] = found.entities;
  result.match = match!;
  result.matchedBy = found.by;
  result.alternatives = alternatives;
  const owner = await resolveOwner(match!, ports, result.warnings);
  result.owner = owner;
  return result;
}

async function findEntity(query: string, ports: WhoOwnsPorts): Promise<{ entities: StoredEntity[]; by: MatchKind } | undefined> {
  const { catalog } = ports;
  const repository = GITHUB_URL.exec(query) ?? (query.includes(':') ? null : REPO_SLUG.exec(query));
  if (repository) {
    const slug = `${repository[1]}/${repository[2]}`;
    const bySlug = await catalog.findByAnnotation('github.com/project-slug', slug);
    if (bySlug.length) return { entities: rank(bySlug), by: 'repository' };
  }
  if (query.includes(':') || query.includes('/')) {
    const refKey = asRefKey(query);
    if (refKey) {
      const entity = await catalog.getByRef(refKey);
      if (entity) return { entities: [entity], by: 'ref' };
    }
  }
  const byName = await catalog.findByName(query);
  if (byName.length) return { entities: rank(byName), by: 'name' };
  const byTitle = await catalog.findByTitle(query);
  if (byTitle.length) return { entities: rank(byTitle), by: 'title' };
  return undefined;
}

/** `kind:namespace/name`, `kind:name` (default namespace), or undefined when it cannot be a ref. */
function asRefKey(query: string): string | undefined {
  const match = /^([A-Za-z][-A-Za-z0-9]*):(?:([^/:\s]+)\/)?([^/:\s]+)$/.exec(query);
  if (!match) return undefined;
  return `${match[1]}:${match[2] ?? 'default'}/${match[3]}`.toLowerCase();
}

function rank(entities: StoredEntity[]): StoredEntity[] {
  const priority = (entity: StoredEntity) => {
    const index = KIND_PRIORITY.indexOf(entity.kind);
    return index === -1 ? KIND_PRIORITY.length : index;
  };
  return [...entities].sort((a, b) => priority(a) - priority(b) || Number(b.namespace === 'default') - Number(a.namespace === 'default') || a.refKey.localeCompare(b.refKey));
}

/**
 * A group answers for itself; a user for their first team; anything else for its `ownedBy` target.
 */
async function resolveOwner(entity: StoredEntity, ports: WhoOwnsPorts, warnings: string[]): Promise<TeamInfo | null> {
  const { catalog } = ports;
  let ownerRef: string | undefined;
  if (entity.kind === 'group') ownerRef = entity.ref;
  else if (entity.kind === 'user') ownerRef = (await catalog.relationsFrom(entity.refKey, ['memberOf']))[0]?.targetRef;
  else ownerRef = (await catalog.relationsFrom(entity.refKey, ['ownedBy']))[0]?.targetRef;
  if (!ownerRef) return null;

  const owner = await catalog.getByRef(ownerRef.toLowerCase());
  if (!owner) {
    warnings.push(`The owner ${ownerRef} is not in the catalog: add it, or fix spec.owner of ${entity.ref}.`);
    return { ref: ownerRef, found: false, kind: ownerRef.slice(0, ownerRef.indexOf(':')), displayName: nameOf(ownerRef), slackChannel: null, members: [], escalation: null };
  }
  if (owner.kind === 'user') {
    warnings.push(`${entity.ref} is owned by an individual (${owner.ref}) rather than a team: ownership leaves when they do.`);
    return { ref: owner.ref, found: true, kind: 'user', displayName: displayNameOf(owner), slackChannel: null, members: [personOf(owner)], escalation: null };
  }
  const team = await describeTeam(owner, ports);
  if (team.kind === 'group' && team.members.length === 0) {
    warnings.push(`The team ${owner.ref} has no members in the catalog${team.escalation ? `; ${team.escalation.ref} is the nearest team with people` : ''}.`);
  }
  return team;
}

async function describeTeam(group: StoredEntity, ports: WhoOwnsPorts, depth = 0): Promise<TeamInfo> {
  const { catalog } = ports;
  const memberRefs = (await catalog.relationsFrom(group.refKey, ['hasMember'])).map((relation) => relation.targetRef.toLowerCase());
  const members = (await catalog.getManyByRef(memberRefs)).map(personOf).sort((a, b) => a.displayName.localeCompare(b.displayName));
  let escalation: TeamInfo | null = null;
  // Walk up a bounded number of parents: a cycle in spec.parent must not hang the lookup.
  if (group.kind === 'group' && members.length === 0 && depth < 8) {
    const parentRef = (await catalog.relationsFrom(group.refKey, ['childOf']))[0]?.targetRef;
    const parent = parentRef ? await catalog.getByRef(parentRef.toLowerCase()) : undefined;
    if (parent) {
      const parentTeam = await describeTeam(parent, ports, depth + 1);
      escalation = parentTeam.members.length ? { ...parentTeam, escalation: null } : parentTeam.escalation;
    }
  }
  return { ref: group.ref, found: true, kind: group.kind, displayName: displayNameOf(group), slackChannel: slackChannelOf(group), members, escalation };
}

function personOf(user: StoredEntity): PersonInfo {
  const profile = (user.entity.spec as { profile?: { email?: unknown } } | undefined)?.profile;
  const annotations = user.entity.metadata.annotations ?? {};
  return {
    ref: user.ref,
    displayName: displayNameOf(user),
    email: typeof profile?.email === 'string' ? profile.email : null,
    slackUserId: annotations['slack.com/user-id'] ?? null,
  };
}

function displayNameOf(entity: StoredEntity): string {
  const profile = (entity.entity.spec as { profile?: { displayName?: unknown } } | undefined)?.profile;
  if (typeof profile?.displayName === 'string' && profile.displayName.trim()) return profile.displayName;
  return titleOf(entity) ?? entity.name;
}

function titleOf(entity: StoredEntity): string | null {
  return typeof entity.entity.metadata.title === 'string' ? entity.entity.metadata.title : null;
}

export function slackChannelOf(entity: StoredEntity): string | null {
  const annotations = entity.entity.metadata.annotations ?? {};
  return annotations['slack.com/channel'] ?? annotations['slack.com/bot-notify'] ?? null;
}

function nameOf(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}
