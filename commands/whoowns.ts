import { answeringFrom, joinNeighbourhoods } from '../src/catalog/neighbourhood';
import type { CatalogStore, Neighbourhood, NeighbourhoodRequest, RelationRow, StoredEntity } from '../src/catalog/store';
import type { OnCallAnswer, OnCallResolver } from '../src/oncall/resolve';
import type { DocsLibrary, DocsLine } from '../src/docs/library';
import type { SlackDirectory } from '../src/directory';
import { isInferred, provenanceOf, type Provenance } from '../src/catalog/provenance';

/** The ports the whoowns core needs: the catalog, read-only, and optionally Slack's directory. */
export interface WhoOwnsPorts {
  catalog: Pick<CatalogStore, 'getByRef' | 'getManyByRef' | 'findByName' | 'findByTitle' | 'findByNameOrTitle' | 'findSimilar' | 'relationsFrom' | 'neighbourhood' | 'groupAncestry' | 'findByAnnotation' | 'findUsersByEmail'>;
  /** Resolves members' emails to Slack users; without it, people show by name. */
  directory?: SlackDirectory;
  /** Who is on call (cached, time-bounded); without it, the card says on-call is not configured. */
  oncall?: Pick<OnCallResolver, 'resolve'>;
  /** The docs line from the docs cache (no network); without it, the card shows metadata.links. */
  docs?: Pick<DocsLibrary, 'lineOf'>;
}

/** What the user typed, as Slack escapes it: a channel, a person, nothing, or free text. */
export type WhoOwnsInput =
  | { kind: 'text'; text: string }
  | { kind: 'channel'; channelId: string | null; channelName: string | null }
  | { kind: 'person'; slackUserId: string };

/** A question about teams rather than one entity: a channel, or a person. */
export type TeamQuery = Exclude<WhoOwnsInput, { kind: 'text' }>;

export function parseWhoOwnsInput(raw: string, context: { channelId?: string; channelName?: string } = {}): WhoOwnsInput {
  const text = raw.trim();
  const channel = /^<#([A-Z0-9]+)(?:\|([^>]*))?>$/.exec(text);
  if (channel) return { kind: 'channel', channelId: channel[1]!, channelName: channel[2] || null };
  const person = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text);
  if (person) return { kind: 'person', slackUserId: person[1]! };
  const plainChannel = /^#([a-z0-9][-_a-z0-9]*)$/i.exec(text);
  if (plainChannel) return { kind: 'channel', channelId: null, channelName: plainChannel[1]!.toLowerCase() };
  if (text === '') return { kind: 'channel', channelId: context.channelId ?? null, channelName: context.channelName ?? null };
  return { kind: 'text', text: text.replace(/^@/, '') };
}

export interface PersonInfo {
  ref: string;
  displayName: string;
  email: string | null;
  slackUserId: string | null;
  /** Their Slack account was deactivated: they left. */
  leftSlack?: boolean;
}

export interface TeamInfo {
  ref: string;
  /** False when the owner named in the spec is not in the catalog. */
  found: boolean;
  kind: string;
  displayName: string;
  slackChannel: string | null;
  /** The team's Slack user group, from the slack.com/usergroup annotation (`S0123|handle` or `handle`). */
  userGroup: { id: string | null; handle: string } | null;
  members: PersonInfo[];
  /** The nearest ancestor team with members, when this team has none. */
  escalation: TeamInfo | null;
}

export type MatchKind = 'ref' | 'repository' | 'name' | 'title';

/** Counts and parents that place an entity in the architecture. */
export interface Placement {
  system: string | null;
  domain: string | null;
  dependsOn: number;
  dependencyOf: number;
  providesApis: number;
  consumesApis: number;
}

export interface WhoOwnsResult {
  kind: 'entity';
  query: string;
  match: StoredEntity | null;
  matchedBy: MatchKind | null;
  /** Other entities the query names equally well (same name in another kind or namespace). */
  alternatives: StoredEntity[];
  owner: TeamInfo | null;
  /** How the owner is known: declared in a catalog file, or inferred by Backline with its evidence; null when nothing matched. */
  provenance: Provenance | null;
  placement: Placement | null;
  warnings: string[];
  /** Near misses by trigram similarity, best first, when nothing matched exactly. */
  suggestions: Array<{ ref: string; title: string | null; similarity: number }>;
  /** Who is on call for the entity, when an on-call resolver was given. */
  oncall?: OnCallAnswer;
  /** The built docs and their age, when a docs library was given; null when the entity has no docs. */
  docs?: DocsLine | null;
}

// When a name is shared, the thing people ask about first wins: software before the people and
// groups that own it.
const KIND_PRIORITY = ['component', 'api', 'resource', 'system', 'domain', 'group', 'user', 'template', 'rotation', 'location'];
const SUGGESTION_LIMIT = 5;
// What a card reads around the entity: its own relations. What they lead to (the owner team, the
// system) is read apart, because many cards share it.
export const CARD_NEIGHBOURHOOD: NeighbourhoodRequest = {
  relations: ['ownedBy', 'memberOf', 'partOf', 'dependsOn', 'dependencyOf', 'providesApi', 'consumesApi'],
  follow: [],
  nextRelations: [],
  nextFollow: [],
};
// What a card reads around the entity's system: the system and its domain.
export const SYSTEM_NEIGHBOURHOOD: NeighbourhoodRequest = { relations: ['partOf'], follow: [], nextRelations: [], nextFollow: [] };
// What a card reads around its owner (a group itself, a user's team, or what `ownedBy` names): the
// owner with its members and its parent. Read apart from the entity because every card of a team
// shares it: teams are few next to what they own, and `serve` keeps this read in its cache.
export const TEAM_NEIGHBOURHOOD: NeighbourhoodRequest = {
  relations: ['hasMember', 'childOf'],
  follow: [],
  nextRelations: [],
  nextFollow: ['hasMember'],
};
const GITHUB_URL = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/\s]+)\/([^/\s#?]+?)(?:\.git)?\/?(?:[#?].*)?$/i;
const REPO_SLUG = /^([A-Za-z0-9][-A-Za-z0-9_.]*)\/([A-Za-z0-9][-A-Za-z0-9_.]*)$/;

/**
 * Answers "who owns X?": finds the entity by ref, repository, name, title, or else suggests near
 * misses; then resolves its owner team, the team's members, and warns about weak ownership.
 */
export async function whoOwns(rawQuery: string, ports: WhoOwnsPorts): Promise<WhoOwnsResult> {
  const query = rawQuery.trim();
  const result: WhoOwnsResult = { kind: 'entity', query, match: null, matchedBy: null, alternatives: [], owner: null, provenance: null, placement: null, warnings: [], suggestions: [] };
  if (query === '') return result;

  const found = await findEntity(query, ports, CARD_NEIGHBOURHOOD);
  if (!found) {
    const similar = await ports.catalog.findSimilar(query, SUGGESTION_LIMIT);
    result.suggestions = similar.map(({ entity, similarity }) => ({ ref: entity.ref, title: titleOf(entity), similarity: Math.round(similarity * 100) / 100 }));
    return result;
  }
  const [match, ...alternatives] = found.entities;
  result.match = match!;
  result.matchedBy = found.by;
  result.alternatives = alternatives;
  result.provenance = provenanceOf(match!);
  // A card reads the entity with its relations (a lookup by name or title made that read already),
  // then, at once, its owner with the owner's people and its system with the system's domain: those
  // two are shared by many cards, and serve keeps them in its read cache. The steps below read from
  // memory, and go to the store only for what is rarer (a rotation, the parent of a team).
  const neighbourhood = found.neighbourhood?.relationTypesRead.has(match!.refKey) ? found.neighbourhood : await ports.catalog.neighbourhood(match!.refKey, CARD_NEIGHBOURHOOD);
  const relations = await answeringFrom(ports.catalog, neighbourhood).relationsFrom(match!.refKey, CARD_NEIGHBOURHOOD.relations);
  const ownerRef = ownerRefOf(match!, relations);
  if (!ownerRef && isInferred(match!)) result.warnings.push(`Nobody is known to own ${match!.ref}: ${result.provenance.evidence}. Name its team in CODEOWNERS, or add a catalog-info.yaml with spec.owner.`);
  const systemRef = systemRefOf(relations);
  const around = await Promise.all([
    ownerRef ? ports.catalog.neighbourhood(ownerRef.toLowerCase(), TEAM_NEIGHBOURHOOD) : undefined,
    systemRef ? ports.catalog.neighbourhood(systemRef.toLowerCase(), SYSTEM_NEIGHBOURHOOD) : undefined,
  ]);
  const local: WhoOwnsPorts = { ...ports, catalog: answeringFrom(ports.catalog, joinNeighbourhoods(neighbourhood, ...around.filter((part): part is Neighbourhood => part !== undefined))) };
  [result.owner, result.placement, result.oncall, result.docs] = await Promise.all([
    // The team's people are looked up in Slack as soon as the team is known, while on-call is
    // still climbing its parents: a team's first card waits for the slower of the two, not both.
    resolveOwner(match!, relations, local, result.warnings).then(async (owner) => {
      if (owner) await addSlackIds([owner, ...(owner.escalation ? [owner.escalation] : [])], ports);
      return owner;
    }),
    placementOf(relations, local),
    // The neighbourhood already holds the owner team, so on-call starts from memory too.
    ports.oncall?.resolve(match!, { catalog: local.catalog }),
    ports.docs?.lineOf(match!),
  ]);
  if (result.owner) {
    const left = result.owner.members.filter((member) => member.leftSlack);
    if (left.length) result.warnings.push(`${left.map((member) => member.displayName).join(', ')} left Slack but ${left.length === 1 ? 'is' : 'are'} still listed in ${result.owner.ref}.`);
  }
  return result;
}

function systemRefOf(relations: RelationRow[]): string | undefined {
  return relations.find((relation) => relation.type === 'partOf' && relation.targetRef.startsWith('system:'))?.targetRef;
}

async function placementOf(relations: RelationRow[], ports: WhoOwnsPorts): Promise<Placement> {
  const count = (type: string) => relations.filter((relation) => relation.type === type).length;
  const system = systemRefOf(relations) ?? null;
  let domain = relations.find((relation) => relation.type === 'partOf' && relation.targetRef.startsWith('domain:'))?.targetRef ?? null;
  if (!domain && system) domain = (await ports.catalog.relationsFrom(system, ['partOf'])).find((relation) => relation.targetRef.startsWith('domain:'))?.targetRef ?? null;
  return { system, domain, dependsOn: count('dependsOn'), dependencyOf: count('dependencyOf'), providesApis: count('providesApi'), consumesApis: count('consumesApi') };
}

/** Fills in Slack user ids from the directory for people whose entity does not name one. */
async function addSlackIds(teams: TeamInfo[], ports: WhoOwnsPorts): Promise<void> {
  if (!ports.directory) return;
  const people = teams.flatMap((team) => team.members).filter((person) => !person.slackUserId && person.email);
  if (people.length === 0) return;
  const accounts = await ports.directory.accountsByEmail(people.map((person) => person.email!));
  for (const person of people) {
    const account = accounts.get(person.email!.toLowerCase());
    person.slackUserId = account?.slackUserId ?? null;
    if (account?.deactivated) person.leftSlack = true;
  }
}

export interface TeamOwnership {
  team: TeamInfo;
  /** What the team owns, best-known kinds first. */
  owns: StoredEntity[];
}

export interface TeamsResult {
  kind: 'teams';
  input: TeamQuery;
  /** The person asked about, when the input was "@person". */
  person: PersonInfo | null;
  teams: TeamOwnership[];
  /** Entities a person owns directly, rather than through a team. */
  ownedDirectly: StoredEntity[];
  warnings: string[];
}

/**
 * Answers "what does this channel's team own?" and "what do this person and their teams own?".
 */
export async function whoOwnsByTeam(input: TeamQuery, ports: WhoOwnsPorts): Promise<TeamsResult> {
  const result: TeamsResult = { kind: 'teams', input, person: null, teams: [], ownedDirectly: [], warnings: [] };
  const { catalog } = ports;
  let groups: StoredEntity[] = [];
  if (input.kind === 'channel') {
    if (input.channelId) groups = await catalog.findByAnnotation('slack.com/channel', input.channelId);
    if (groups.length === 0 && input.channelName) {
      groups = (await catalog.findByAnnotation('slack.com/channel-name', input.channelName)).filter((entity) => entity.kind === 'group');
      if (groups.length === 0) groups = (await catalog.findByAnnotation('slack.com/channel', input.channelName)).filter((entity) => entity.kind === 'group');
    }
    if (groups.length === 0) {
      const named = input.channelName ? `#${input.channelName}` : 'this channel';
      result.warnings.push(`No team in the catalog has ${named} as its channel. Add the annotation slack.com/channel: ${input.channelId ?? input.channelName ?? '<channel id>'} to the team's Group entity.`);
    }
  } else {
    const user = await findPerson(input.slackUserId, ports);
    if (!user) {
      result.warnings.push(`Slack user ${input.slackUserId} is not in the catalog: add a User entity with their email, or the annotation slack.com/user-id: ${input.slackUserId}.`);
      return result;
    }
    result.person = { ...personOf(user), slackUserId: input.slackUserId };
    const teamRefs = (await catalog.relationsFrom(user.refKey, ['memberOf'])).map((relation) => relation.targetRef.toLowerCase());
    groups = await catalog.getManyByRef(teamRefs);
    result.ownedDirectly = await ownedBy(user, ports);
    if (groups.length === 0) result.warnings.push(`${result.person.displayName} is not a member of any team in the catalog.`);
  }
  for (const group of groups) {
    result.teams.push({ team: await describeTeam(group, ports), owns: await ownedBy(group, ports) });
  }
  await addSlackIds(result.teams.map((ownership) => ownership.team), ports);
  return result;
}

async function findPerson(slackUserId: string, ports: WhoOwnsPorts): Promise<StoredEntity | undefined> {
  const byAnnotation = (await ports.catalog.findByAnnotation('slack.com/user-id', slackUserId)).find((entity) => entity.kind === 'user');
  if (byAnnotation) return byAnnotation;
  const email = await ports.directory?.emailOfUser(slackUserId);
  return email ? (await ports.catalog.findUsersByEmail(email))[0] : undefined;
}

async function ownedBy(owner: StoredEntity, ports: WhoOwnsPorts): Promise<StoredEntity[]> {
  const refs = (await ports.catalog.relationsFrom(owner.refKey, ['ownerOf'])).map((relation) => relation.targetRef.toLowerCase());
  return rank(await ports.catalog.getManyByRef(refs));
}

/** Finds what a query names: a repository, a ref, a name or a title, best-known kinds first. */
export async function findEntity(
  query: string,
  ports: { catalog: Pick<CatalogStore, 'findByAnnotation' | 'getByRef' | 'findByNameOrTitle'> },
  /** What to read around a match by name or title, in the same round trip. */
  around?: NeighbourhoodRequest,
): Promise<{ entities: StoredEntity[]; by: MatchKind; neighbourhood?: Neighbourhood } | undefined> {
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
  const { byName, byTitle, neighbourhood } = await catalog.findByNameOrTitle(query, around);
  if (byName.length) return { entities: rank(byName), by: 'name', neighbourhood };
  if (byTitle.length) return { entities: rank(byTitle), by: 'title', neighbourhood };
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
  // Declared always wins: an inferred twin of something declared elsewhere is never the answer.
  return [...entities].sort((a, b) => Number(isInferred(a)) - Number(isInferred(b)) || priority(a) - priority(b) || Number(b.namespace === 'default') - Number(a.namespace === 'default') || a.refKey.localeCompare(b.refKey));
}

/**
 * A group answers for itself; a user for their first team; anything else for its `ownedBy` target.
 */
async function resolveOwner(entity: StoredEntity, relations: RelationRow[], ports: WhoOwnsPorts, warnings: string[]): Promise<TeamInfo | null> {
  const { catalog } = ports;
  const ownerRef = ownerRefOf(entity, relations);
  if (!ownerRef) return null;

  const owner = await catalog.getByRef(ownerRef.toLowerCase());
  if (!owner) {
    warnings.push(
      isInferred(entity)
        ? `The inferred owner ${ownerRef} is not in the catalog: add it, or add a catalog-info.yaml to the repository naming the real owner.`
        : `The owner ${ownerRef} is not in the catalog: add it, or fix spec.owner of ${entity.ref}.`,
    );
    if (ownerRef.toLowerCase().startsWith('user:')) warnings.push(`${entity.ref} is owned by an individual (${ownerRef}) rather than a team: ownership leaves when they do.`);
    return { ref: ownerRef, found: false, kind: ownerRef.slice(0, ownerRef.indexOf(':')), displayName: nameOf(ownerRef), slackChannel: null, userGroup: null, members: [], escalation: null };
  }
  if (owner.kind === 'user') {
    warnings.push(`${entity.ref} is owned by an individual (${owner.ref}) rather than a team: ownership leaves when they do.`);
    return { ref: owner.ref, found: true, kind: 'user', displayName: displayNameOf(owner), slackChannel: null, userGroup: null, members: [personOf(owner)], escalation: null };
  }
  const team = await describeTeam(owner, ports);
  if (team.kind === 'group' && team.members.length === 0) {
    warnings.push(`The team ${owner.ref} has no members in the catalog${team.escalation ? `; ${team.escalation.ref} is the nearest team with people` : ''}.`);
  }
  return team;
}

function ownerRefOf(entity: StoredEntity, relations: RelationRow[]): string | undefined {
  if (entity.kind === 'group') return entity.ref;
  return relations.find((relation) => relation.type === (entity.kind === 'user' ? 'memberOf' : 'ownedBy'))?.targetRef;
}

async function describeTeam(group: StoredEntity, ports: WhoOwnsPorts, depth = 0): Promise<TeamInfo> {
  const { catalog } = ports;
  const relations = await catalog.relationsFrom(group.refKey, ['hasMember', 'childOf']);
  const memberRefs = relations.filter((relation) => relation.type === 'hasMember').map((relation) => relation.targetRef.toLowerCase());
  const members = (await catalog.getManyByRef(memberRefs)).map(personOf).sort((a, b) => a.displayName.localeCompare(b.displayName));
  let escalation: TeamInfo | null = null;
  // Walk up a bounded number of parents: a cycle in spec.parent must not hang the lookup.
  if (group.kind === 'group' && members.length === 0 && depth < 8) {
    const parentRef = relations.find((relation) => relation.type === 'childOf')?.targetRef?.toLowerCase();
    // The parent is read as a team is (one read, which serve's cache shares between cards).
    const around = parentRef ? answeringFrom(catalog, await catalog.neighbourhood(parentRef, TEAM_NEIGHBOURHOOD)) : undefined;
    const parent = parentRef ? await around!.getByRef(parentRef) : undefined;
    if (parent) {
      const parentTeam = await describeTeam(parent, { ...ports, catalog: around! }, depth + 1);
      escalation = parentTeam.members.length ? { ...parentTeam, escalation: null } : parentTeam.escalation;
    }
  }
  return { ref: group.ref, found: true, kind: group.kind, displayName: displayNameOf(group), slackChannel: slackChannelOf(group), userGroup: userGroupOf(group), members, escalation };
}

export function personOf(user: StoredEntity): PersonInfo {
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

function userGroupOf(entity: StoredEntity): TeamInfo['userGroup'] {
  const value = entity.entity.metadata.annotations?.['slack.com/usergroup'];
  if (!value) return null;
  const [first, second] = value.split('|');
  if (second !== undefined) return { id: first!.trim() || null, handle: second.trim().replace(/^@/, '') };
  return /^S[A-Z0-9]+$/.test(first!.trim()) ? { id: first!.trim(), handle: first!.trim() } : { id: null, handle: first!.trim().replace(/^@/, '') };
}

function nameOf(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}
