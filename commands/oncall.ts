import { canonicalEntityRef } from '../src/catalog/model';
import type { CatalogStore, StoredEntity } from '../src/catalog/store';
import type { OnCallAnswer, OnCallResolver } from '../src/oncall/resolve';
import type { ViewerTimeZone } from '../src/oncall/viewerTimeZone';
import type { SlackDirectory } from '../src/directory';
import { findEntity, parseWhoOwnsInput } from './whoowns';

/** The ports /oncall needs: the catalog to find what was asked about, and the on-call resolver. */
export interface OnCallPorts {
  catalog: Pick<CatalogStore, 'getByRef' | 'getManyByRef' | 'findByName' | 'findByTitle' | 'findByNameOrTitle' | 'findSimilar' | 'relationsFrom' | 'findByAnnotation' | 'findUsersByEmail'>;
  oncall: OnCallResolver;
  directory?: SlackDirectory;
  /** The asker's time zone (Slack's users.info); without it, times show in `defaultTimeZone`. */
  timeZoneOf?: ViewerTimeZone;
}

export interface OnCallQuery {
  text: string;
  /** Where and by whom it was asked: an empty query means the team of this channel. */
  channelId?: string | null;
  channelName?: string | null;
  userId?: string | null;
  /** The instant to answer for (the CLI's --at); default now. */
  at?: number;
  /** Time zone for surfaces without a viewer (the shell, the CLI). Default UTC. */
  defaultTimeZone?: string;
}

export interface OnCallResult {
  query: string;
  /** What the answer is about; null when nothing matched. */
  target: StoredEntity | null;
  answer: OnCallAnswer | null;
  /** Near misses when nothing matched. */
  suggestions: Array<{ ref: string; title: string | null }>;
  /** The time zone times are shown in: the viewer's, when Slack says. */
  timeZone: string;
  warnings: string[];
}

const SUGGESTION_LIMIT = 5;

/** Answers "who is on call for X?" for a team, a service (through its owner), a channel or a person's team. */
export async function onCall(query: OnCallQuery, ports: OnCallPorts): Promise<OnCallResult> {
  const input = parseWhoOwnsInput(query.text, { channelId: query.channelId ?? undefined, channelName: query.channelName ?? undefined });
  const viewerZone = query.userId && ports.timeZoneOf ? await ports.timeZoneOf(query.userId) : null;
  const result: OnCallResult = { query: query.text.trim(), target: null, answer: null, suggestions: [], timeZone: viewerZone ?? query.defaultTimeZone ?? 'UTC', warnings: [] };

  if (input.kind === 'text') {
    const found = await findEntity(input.text, ports);
    if (!found) {
      const similar = await ports.catalog.findSimilar(input.text, SUGGESTION_LIMIT);
      result.suggestions = similar.map(({ entity }) => ({ ref: entity.ref, title: typeof entity.entity.metadata.title === 'string' ? entity.entity.metadata.title : null }));
      return result;
    }
    result.target = found.entities[0]!;
  } else if (input.kind === 'channel') {
    result.target = (await teamsOfChannel(input.channelId, input.channelName, ports))[0] ?? null;
    if (!result.target) {
      if (!input.channelId && !input.channelName) return result;
      const named = input.channelName ? `#${input.channelName}` : 'this channel';
      result.warnings.push(`No team in the catalog has ${named} as its channel: try /oncall <team or service>, or add the annotation slack.com/channel: ${input.channelId ?? input.channelName} to the team's Group.`);
      return result;
    }
  } else {
    const person = (await ports.catalog.findByAnnotation('slack.com/user-id', input.slackUserId)).find((entity) => entity.kind === 'user') ?? (await personByEmail(input.slackUserId, ports));
    if (!person) {
      result.warnings.push(`Slack user ${input.slackUserId} is not in the catalog, so Backline does not know their team: try /oncall <team>.`);
      return result;
    }
    result.target = person;
  }
  result.answer = await ports.oncall.resolve(result.target, { at: query.at });
  return result;
}

async function teamsOfChannel(channelId: string | null, channelName: string | null, ports: OnCallPorts): Promise<StoredEntity[]> {
  const groups = (entities: StoredEntity[]) => entities.filter((entity) => entity.kind === 'group');
  let teams = channelId ? groups(await ports.catalog.findByAnnotation('slack.com/channel', channelId)) : [];
  if (teams.length === 0 && channelName) {
    teams = groups(await ports.catalog.findByAnnotation('slack.com/channel-name', channelName));
    if (teams.length === 0) teams = groups(await ports.catalog.findByAnnotation('slack.com/channel', channelName));
  }
  return teams;
}

async function personByEmail(slackUserId: string, ports: OnCallPorts): Promise<StoredEntity | undefined> {
  const email = await ports.directory?.emailOfUser(slackUserId);
  return email ? (await ports.catalog.findUsersByEmail(email))[0] : undefined;
}

/** The JSON shape of one person on call, shared by `backline oncall --json` and `backline whoowns --json`. */
export function onCallPersonJson(person: OnCallAnswer['oncall'][number]) {
  return {
    name: person.name,
    email: person.email,
    userRef: person.userRef && canonicalEntityRef(person.userRef),
    slackUserId: person.slackUserId,
    level: person.level,
    until: person.until === null ? null : new Date(person.until).toISOString(),
  };
}

/** The JSON shape of `backline oncall --json`, as DESIGN §7 and the on-call issue fix it: refs as Backstage writes them. */
export function onCallJson(result: OnCallResult) {
  const answer = result.answer;
  return {
    query: result.query,
    target: result.target ? canonicalEntityRef(result.target.ref) : null,
    source: answer?.source ?? null,
    oncall: answer ? answer.oncall.map(onCallPersonJson) : [],
    next: answer ? answer.next.map((person) => ({ ...onCallPersonJson(person), from: person.from === null ? null : new Date(person.from).toISOString() })) : [],
    via: answer?.origin ? { ref: canonicalEntityRef(answer.origin.ref), relation: answer.origin.relation } : null,
    pageUrl: answer?.pageUrl ?? null,
    at: answer ? new Date(answer.at).toISOString() : null,
    warnings: [...result.warnings, ...(answer?.warnings ?? [])],
    suggestions: result.suggestions.map((suggestion) => canonicalEntityRef(suggestion.ref)),
  };
}
