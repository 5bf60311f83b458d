import { count, messageOf, ok, problem, skipped, type Finding } from '../findings';
import type { CatalogPort, SlackAnswer, SlackChannelState, SlackIdentity, SlackProbe } from '../ports';
import { describeFailure } from './slack';

const NAME = 'slack.channels';
/**
 * conversations.info is Tier 3 (50+ calls a minute): a few teams' channels are asked one by one;
 * more are looked up in one listing (conversations.list, Tier 2, 1,000 a page), which says the same
 * (a private channel the bot is not in is in neither).
 */
const ASKED_ONE_BY_ONE = 20;
const MAX_CHANNELS = 1_000;
const CONCURRENCY = 4;
/** Channels named in a problem's message and fix; the rest are counted. */
const SHOWN = 20;

type Verdict = { ok: true } | { ok: false; why: string; fix: string };

/**
 * The bot is in every channel a team's Group names, so that digests and nudges reach it, and so
 * that after a restart the sender can read the channel's history to avoid posting a message twice.
 */
export async function checkTeamChannels(input: { probe: SlackProbe | undefined; bot: SlackIdentity | null; catalog: CatalogPort | null; notReady: string }): Promise<Finding> {
  const { probe, bot, catalog } = input;
  if (!probe || !bot) return skipped(NAME, 'not checked: no working bot token (see slack.token)');
  if (!catalog) return skipped(NAME, `not checked: ${input.notReady}`);
  let teams: Array<{ group: string; channel: string }>;
  try {
    teams = await catalog.teamChannels();
  } catch (error) {
    return skipped(NAME, `not checked: the catalog could not be read (${messageOf(error)})`);
  }
  const byChannel = new Map<string, string[]>();
  for (const { group, channel } of teams) {
    const key = channel.replace(/^#/, '');
    if (key) byChannel.set(key, [...(byChannel.get(key) ?? []), group]);
  }
  if (byChannel.size === 0) return skipped(NAME, 'not checked: no Group in the catalog names a Slack channel (annotation slack.com/channel)');

  const channels = [...byChannel.keys()].sort().slice(0, MAX_CHANNELS);
  const oneByOne = channels.length <= ASKED_ONE_BY_ONE;
  const listing = channels.some((channel) => !oneByOne || !isChannelId(channel)) ? await probe.channels() : undefined;
  if (listing && !listing.ok) {
    const cause = listingProblem(listing);
    return problem(NAME, `the channels the catalog names could not be looked up: ${cause.why}`, `${cause.fix.charAt(0).toUpperCase()}${cause.fix.slice(1)}.`);
  }
  const verdicts = await mapLimited(channels, CONCURRENCY, async (channel) => {
    const answer = oneByOne && isChannelId(channel) ? await probe.channel(channel) : listed(listing!, channel);
    return verdictOf(answer, channel, byChannel.get(channel)!, bot.user);
  });
  const blocked = verdicts.map((verdict, i) => ({ channel: channels[i]!, verdict })).filter((entry): entry is { channel: string; verdict: Extract<Verdict, { ok: false }> } => !entry.verdict.ok);
  const unchecked = byChannel.size - channels.length;
  const tail = unchecked > 0 ? ` (${count(unchecked, 'more channel')} not checked)` : '';
  if (blocked.length === 0) return ok(NAME, `@${bot.user} is in ${channels.length === 1 ? 'the team channel' : `each of the ${count(channels.length, 'team channel')}`} the catalog names${tail}`);
  const shown = blocked.slice(0, SHOWN);
  const more = blocked.length > SHOWN ? `; and ${count(blocked.length - SHOWN, 'more channel')}` : '';
  return problem(
    NAME,
    `@${bot.user} cannot post to or read ${blocked.length} of the ${count(channels.length, 'team channel')} the catalog names: ${shown.map(({ channel, verdict }) => `${label(channel)} (${verdict.why})`).join('; ')}${more}${tail}`,
    [...shown.map(({ channel, verdict }) => `${label(channel)}: ${verdict.fix}`), ...(more ? [`…and the same for ${count(blocked.length - SHOWN, 'more channel')}: run backline doctor again once these are fixed`] : [])].join('\n'),
  );
}

function verdictOf(answer: SlackAnswer<SlackChannelState> | undefined, channel: string, groups: string[], bot: string): Verdict {
  const teams = groups.join(', ');
  const invite = `type /invite @${bot} in the channel`;
  if (!answer || (!answer.ok && answer.error === 'channel_not_found')) {
    return { ok: false, why: `Slack has no such channel that @${bot} can see`, fix: `check the slack.com/channel annotation of ${teams} (a channel id such as C04PAYMENTS1, or its name); if the channel is private, ${invite}` };
  }
  if (!answer.ok) return listingProblem(answer);
  const state = answer.value;
  if (state.isArchived) return { ok: false, why: 'archived', fix: `unarchive it, or point the slack.com/channel annotation of ${teams} at the team's current channel` };
  if (!state.isMember) {
    return {
      ok: false,
      why: `@${bot} is not a member`,
      fix: `${invite} (${state.isPrivate ? 'it cannot post in a private channel it is not in' : 'it can post with chat:write.public, but cannot read the history it checks after a restart so as not to post a digest twice'})`,
    };
  }
  return { ok: true };
}

/** Why Slack did not say, and what to do. */
function listingProblem(answer: { error: string; detail?: string; needed?: string }): { ok: false; why: string; fix: string } {
  if (answer.error === 'missing_scope') return { ok: false, why: `the token lacks ${answer.needed ?? 'channels:read or groups:read'} to look at channels`, fix: 'add the scopes of manifest.yml to the app and reinstall it (see slack.scopes)' };
  return { ok: false, why: describeFailure(answer), fix: 'run backline doctor again; if this persists, check the network and SLACK_API_URL' };
}

/** A channel of the listing, by id or by name. */
function listed(channels: SlackAnswer<SlackChannelState[]>, channel: string): SlackAnswer<SlackChannelState> {
  if (!channels.ok) return channels;
  const found = isChannelId(channel) ? channels.value.find((candidate) => candidate.id === channel) : (channels.value.find((candidate) => candidate.name === channel) ?? channels.value.find((candidate) => candidate.name === channel.toLowerCase()));
  return found ? { ok: true, value: found } : { ok: false, error: 'channel_not_found' };
}

/** Channel ids (C…, G…) are upper-case; Slack channel names never are. */
function isChannelId(channel: string): boolean {
  return /^[CG][A-Z0-9]{2,}$/.test(channel);
}

function label(channel: string): string {
  return isChannelId(channel) ? channel : `#${channel}`;
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
