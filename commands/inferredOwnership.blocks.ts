import type { KnownBlock } from '@slack/types';
import { limitList, truncate } from './blockKit/limits';
import { context, join, link, mention, messageText, mrkdwn, section, type MessageText, type Mrkdwn } from './blockKit/mrkdwn';
import type { PersonInfo, TeamInfo } from './whoowns';

/** What the replies to Confirm and Not us talk about: the inferred entity, its team, and the evidence. */
export interface InferenceSubject {
  entityRef: string;
  /** The entity's title, or its name. */
  entityName: string;
  team: TeamInfo;
  /** `owner/name`. */
  repository: string;
  evidence: string;
}

export type Verdict = 'confirm' | 'not-us';

const EVIDENCE_LIMIT = 1000;
const MEMBER_LIMIT = 10;

export interface RenderedMessage {
  text: MessageText;
  blocks: KnownBlock[];
}

function message(text: Mrkdwn, ...more: KnownBlock[]): RenderedMessage {
  return { text: messageText(text), blocks: [section(text), ...more] };
}

function evidenceLine(subject: InferenceSubject): KnownBlock {
  return context(mrkdwn`Evidence was: ${truncate(subject.evidence, EVIDENCE_LIMIT)}`);
}

/** The thread reply once the pull request is open (or updated). */
export function renderConfirmed(subject: InferenceSubject, input: { userId: string; pullRequest: { url: string; number: number } }): RenderedMessage {
  const pull = link(input.pullRequest.url, `pull request #${input.pullRequest.number}`);
  return message(
    mrkdwn`:white_check_mark: ${mention.user(input.userId, 'Someone')} confirmed that *${subject.team.displayName}* owns *${subject.entityName}*: ${pull} adds catalog-info.yaml to ${subject.repository}. Once it is merged, the owner is declared rather than inferred.`,
    evidenceLine(subject),
  );
}

/** The thread reply once a team member said the team does not own it. */
export function renderRejected(subject: InferenceSubject, input: { userId: string; rereading: boolean }): RenderedMessage {
  const next = input.rereading ? ` and is reading ${subject.repository} again now` : '';
  return message(
    mrkdwn`:no_entry_sign: ${mention.user(input.userId, 'Someone')} said *${subject.team.displayName}* does not own *${subject.entityName}*. Backline will stop inferring ${subject.team.displayName} for ${subject.repository}${next}.`,
    evidenceLine(subject),
  );
}

/** The answer to Not us pressed again (a double click, a replay, another card): nothing new was recorded. */
export function renderAlreadyRejected(subject: InferenceSubject): RenderedMessage {
  return message(mrkdwn`:information_source: Backline already knows *${subject.team.displayName}* does not own *${subject.entityName}*: it no longer infers ${subject.team.displayName} for ${subject.repository}, and the card changes once the repository is read again.`);
}

/** What the team that was inferred hears in its channel. */
export function renderTeamNotice(subject: InferenceSubject, input: { userId: string }): RenderedMessage {
  return message(
    mrkdwn`${mention.user(input.userId, 'Someone')} said ${subject.entityName} is not owned by ${subject.team.displayName}; Backline will stop inferring it. Evidence was: ${truncate(subject.evidence, EVIDENCE_LIMIT)}`,
    context(mrkdwn`If you know who owns ${subject.repository}, a catalog-info.yaml in it naming the owner settles it.`),
  );
}

/** Why someone outside the team may not confirm or reject, and who may. */
export function renderNotAMember(subject: InferenceSubject, input: { verdict: Verdict; inCatalog: boolean; plainNames?: boolean }): RenderedMessage {
  const { team } = subject;
  const what = input.verdict === 'confirm' ? mrkdwn`confirm that *${team.displayName}* owns *${subject.entityName}*` : mrkdwn`say that *${team.displayName}* does not own *${subject.entityName}*`;
  const who = team.kind === 'user' ? mrkdwn`Only ${people(team.members, input.plainNames)} can ${what}.` : mrkdwn`Only members of *${team.displayName}* can ${what}${team.members.length ? mrkdwn`: ${people(team.members, input.plainNames)}` : mrkdwn`, and it has no members in the catalog`}.`;
  const you = input.inCatalog ? '' : mrkdwn` Backline cannot find you in the catalog, so it cannot tell whether you are one of them: ask your platform team for a User entity with your email, or the annotation slack.com/user-id.`;
  return message(mrkdwn`:no_entry_sign: ${who}${you}`, context(mrkdwn`Anyone who knows who owns ${subject.repository} can add a catalog-info.yaml to it naming the owner: a declared owner always wins over Backline's guess.`));
}

function people(members: PersonInfo[], plainNames = false): Mrkdwn {
  const { shown, more } = limitList(members, MEMBER_LIMIT);
  return mrkdwn`${join(shown.map((person) => mention.user(plainNames ? null : person.slackUserId, person.displayName)), ', ')}${more ? ` …and ${more} more` : ''}`;
}

/**
 * The pull request's description, in GitHub Markdown. The evidence came from GitHub and the
 * catalog, so it goes in a fence longer than any run of tildes in it: nothing in it can end the
 * fence, mention anyone or make a link.
 */
export function pullRequestBody(subject: InferenceSubject, input: { confirmedBy: string }): string {
  const longestRun = Math.max(0, ...(subject.evidence.match(/~+/g) ?? []).map((run) => run.length));
  const fence = '~'.repeat(Math.max(3, longestRun + 1));
  return [
    `Backline inferred that \`${subject.team.ref}\` owns this repository, and \`${input.confirmedBy}\`, a member of it, confirmed that in Slack.`,
    '',
    'This adds a `catalog-info.yaml` that declares it, so the software catalog no longer has to guess. Once this is merged, Backline reads the file on its next pass and the component is declared rather than inferred.',
    '',
    'The inference rested on:',
    '',
    fence,
    subject.evidence.replace(/\r\n?/g, '\n'),
    fence,
  ].join('\n');
}
