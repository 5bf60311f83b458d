import type { Button, KnownBlock } from '@slack/types';
import type { OnCallAnswer, OnCallPerson } from '../src/oncall/resolve';
import { httpUrl, context, date, join, link, literal, mention as mentionOf, messageText, mrkdwn, section, type MessageText, type Mrkdwn } from './blockKit/mrkdwn';
import { limitList, truncate } from './blockKit/limits';
import { lookupChoices } from './blockKit/lookups';
import type { OnCallResult } from './oncall';

/** Action ids the /oncall card uses. */
export const ONCALL_ACTIONS = {
  lookup: 'oncall:lookup',
  page: 'oncall:page',
} as const;

export interface OnCallRenderOptions {
  /** Names instead of Slack mentions, with the email to reach each person by: the shell and the CLI. */
  plainNames?: boolean;
  /** No buttons, for output nobody can press one in (the CLI): the page link as a link, suggestions as a list of refs. */
  noButtons?: boolean;
}

const SOURCE_NAMES: Record<NonNullable<OnCallAnswer['source']>, string> = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie', rotation: 'Rotation' };
const PEOPLE_LIMIT = 10;

/** The /oncall card: who is on call now by level, until when, who is next, from where, and a page link. */
export function renderOnCall(result: OnCallResult, options: OnCallRenderOptions = {}): KnownBlock[] {
  if (!result.target) return result.query ? notFound(result, options) : usage(result.warnings);
  const answer = result.answer!;
  const title = result.target.entity.metadata.title;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`On call for ${typeof title === 'string' && title.trim() ? title : result.target.name}`, 150), emoji: true } },
    context(mrkdwn`${sourceLine(answer)}   \`${result.target.ref}\``),
  ];
  const clock = timeFormat(result.timeZone);
  if (answer.oncall.length) {
    const { shown, more } = limitList(answer.oncall, PEOPLE_LIMIT);
    const lines = shown.map((person) => mrkdwn`*Level ${person.level}*  ${mention(person, options.plainNames)}  ${person.until === null ? mrkdwn`_no end set_` : `until ${clock(person.until)}`}`);
    blocks.push(section(join([...lines, ...(more ? [`…and ${more} more`] : [])], '\n')));
  } else if (answer.source) {
    blocks.push(section(mrkdwn`*Nobody is on call right now.*`));
  }
  if (answer.next.length) {
    const next = answer.next.map((person) => mrkdwn`${mention(person, options.plainNames)}${person.from !== null ? ` from ${clock(person.from)}` : ''}${person.until !== null ? ` until ${clock(person.until)}` : ''}`);
    blocks.push(section(mrkdwn`*Next:* ${join(next, '; ')}`));
  }
  const warnings = [...result.warnings, ...answer.warnings];
  if (warnings.length) blocks.push(context(warningLines(warnings)));
  const pageUrl = answer.pageUrl ? httpUrl(answer.pageUrl) : null;
  if (pageUrl && answer.source && answer.source !== 'rotation') {
    const label = answer.source === 'pagerduty' ? 'Page in PagerDuty' : `Open in ${SOURCE_NAMES[answer.source]}`;
    blocks.push(options.noButtons ? section(link(pageUrl, label)) : { type: 'actions', block_id: 'oncall:card', elements: [urlButton(label, ONCALL_ACTIONS.page, pageUrl)] });
  }
  blocks.push(context(mrkdwn`Times in ${result.timeZone}${freshness(answer, clock)}`));
  return blocks;
}

/** The one-line summary for notifications: who to call first. */
export function onCallSummaryText(result: OnCallResult): MessageText {
  if (!result.target) return messageText(result.query ? mrkdwn`Nothing in the catalog is called "${truncate(result.query, 200)}"` : mrkdwn`Which team or service?`);
  const first = result.answer?.oncall[0];
  if (!first) return messageText(mrkdwn`Nobody is on call for ${result.target.ref}`);
  return messageText(mrkdwn`${first.name} is on call for ${result.target.ref}${first.until !== null ? ` until ${timeFormat(result.timeZone)(first.until)}` : ''}`);
}

/**
 * The on-call field of the /whoowns card. Times use Slack's date token, which Slack renders in each
 * viewer's own time zone, so the card costs no users.info call; the shell gets plain UTC text.
 */
export function onCallField(answer: OnCallAnswer | undefined, options: OnCallRenderOptions = {}): Mrkdwn {
  if (!answer?.source) return mrkdwn`not configured`;
  const source = SOURCE_NAMES[answer.source];
  const warning = answer.warnings.length ? mrkdwn`\n:warning: ${answer.warnings[0]!}` : '';
  // No answer at all (the provider is not connected, or failed with nothing cached) is not the same
  // as an answer naming nobody.
  if (answer.oncall.length === 0) return mrkdwn`${answer.servedFrom === null ? 'unknown' : 'nobody now'} (${source})${warning}`;
  const clock = timeFormat('UTC');
  const until = (at: number) => (options.plainNames ? clock(at) : date(at, '{date_short_pretty} {time}', clock(at)));
  const people = answer.oncall.filter((person) => person.level === answer.oncall[0]!.level).slice(0, 3);
  const line = join(people.map((person) => mrkdwn`${mention(person, options.plainNames)}${person.until !== null ? mrkdwn` until ${until(person.until)}` : ''}`), ', ');
  const stale = answer.servedFrom === 'stale' ? ' :warning: provider unreachable, last known' : '';
  return mrkdwn`${line} (${source})${stale}`;
}

function sourceLine(answer: OnCallAnswer): Mrkdwn {
  if (!answer.source || !answer.origin) return mrkdwn`No on-call set up`;
  const where = answer.origin.relation === 'itself' ? '' : mrkdwn` · set on ${answer.origin.relation === 'owner' ? 'its owner' : 'the parent team'} *${answer.origin.displayName}*`;
  return mrkdwn`${SOURCE_NAMES[answer.source]}${answer.label ? ` · ${answer.label}` : ''}${where}`;
}

function freshness(answer: OnCallAnswer, clock: (at: number) => string): string {
  if (answer.servedFrom === 'cache' && answer.fetchedAt !== null) return ` · as ${SOURCE_NAMES[answer.source!]} said at ${clock(answer.fetchedAt)}`;
  if (answer.servedFrom === 'stale' && answer.fetchedAt !== null) return ` · last known answer, from ${clock(answer.fetchedAt)}`;
  return '';
}

function usage(warnings: string[]): KnownBlock[] {
  const blocks: KnownBlock[] = [
    section(mrkdwn`*Who is on call?* Ask about a team or a service:`),
    section(mrkdwn`• \`/oncall payments\`: a team\n• \`/oncall payments-service\`: a service, through its owning team\n• \`/oncall #team-payments\`: the team of a channel\n• \`/oncall\` in a team channel: that team`),
  ];
  if (warnings.length) blocks.push(context(warningLines(warnings)));
  return blocks;
}

function notFound(result: OnCallResult, options: OnCallRenderOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [section(mrkdwn`Nothing in the catalog is called *${truncate(result.query, 200)}*.`)];
  if (result.suggestions.length) {
    const targets = result.suggestions.map((suggestion) => ({ ref: suggestion.ref, label: suggestion.title ?? suggestion.ref.slice(suggestion.ref.lastIndexOf('/') + 1) }));
    blocks.push(...lookupChoices(mrkdwn`Did you mean:`, targets, { blockId: 'oncall:lookup', actionId: ONCALL_ACTIONS.lookup }, options));
  } else {
    blocks.push(context(mrkdwn`Try a team or service name, or a \`#channel\`.`));
  }
  return blocks;
}

/**
 * A Slack mention; outside Slack, where nobody can be reached through a mention, the name with the
 * email to call on, since "whom do I contact now" is what an on-call answer is for.
 */
function mention(person: OnCallPerson, plainNames = false): Mrkdwn {
  if (plainNames) return literal(person.email ? `${person.name} <${person.email}>` : person.name);
  return mentionOf.user(person.slackUserId, person.name);
}

function warningLines(warnings: string[]): Mrkdwn {
  return join(warnings.map((warning) => mrkdwn`:warning: ${warning}`), '\n');
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** "Mon 11 May, 10:00 BST" in the given zone. */
export function timeFormat(timeZone: string): (at: number) => string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    formats.set(timeZone, format);
  }
  const chosen = format;
  return (at) => chosen.format(at);
}

function urlButton(text: string, actionId: string, url: string): Button {
  return { type: 'button', text: { type: 'plain_text', text: truncate(text, 75), emoji: true }, action_id: actionId, url, style: 'danger' };
}
