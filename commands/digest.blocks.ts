import type { Button, KnownBlock, ModalView, View } from '@slack/types';
import { BLOCK_KIT_LIMITS, limitList, truncate } from './blockKit/limits';
import { context, date, join, link, mention, messageText, mrkdwn, section, truncateMrkdwn, type Interpolation, type MessageText, type Mrkdwn } from './blockKit/mrkdwn';
import { DECLARED_IN_CATALOG_CHECK } from '../src/health/defaultScorecard';
import { TOP_ACTIONS, type DigestAction, type TeamDigest } from '../src/health/digest';
import type { Level } from '../src/health/model';
import type { NudgeBatch } from '../src/health/nudges';

/**
 * Action ids of digest and nudge buttons; values are `<team ref>|<check id>[|<entity ref>]`, but
 * reviewInferred's (`:<position>`) is `ref:<entity ref>`: it shows that entity's /whoowns card.
 */
export const DIGEST_ACTIONS = {
  snooze: 'digest:snooze',
  notApplicable: 'digest:not-applicable',
  showAll: 'digest:show-all',
  reviewInferred: 'digest:review-inferred',
} as const;

/** Inferred entities a "declared in the catalog" action offers to review, each a button. */
const REVIEW_LIMIT = 3;

export const DIGEST_VIEWS = {
  notApplicable: 'digest:not-applicable',
  showAll: 'digest:show-all',
} as const;

/** Block ids of the not-applicable modal's inputs, where inline errors go. */
export const NOT_APPLICABLE_BLOCKS = { reason: 'reason', expiry: 'expiry' } as const;
export const EXPIRY_CHOICES = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Until someone removes it' },
] as const;

const LIST_LIMIT = 8;
const ENTITY_LIMIT = 6;
const PROBLEM_LIMIT = 5;

/**
 * The digest message a team's channel receives. Slack refuses a message whose blocks pass roughly
 * 13k characters (msg_blocks_too_long) however each block is sized, so long lists shrink until it fits.
 */
export function renderDigest(digest: TeamDigest): { text: MessageText; blocks: KnownBlock[] } {
  for (const limits of [{ list: LIST_LIMIT, problems: PROBLEM_LIMIT }, { list: 4, problems: 3 }, { list: 2, problems: 1 }]) {
    const blocks = digestBlocks(digest, limits);
    if (JSON.stringify(blocks).length <= BLOCK_KIT_LIMITS.messageBlocksJson) return { text: digestSummary(digest), blocks };
  }
  const blocks = digestBlocks(digest, { list: 1, problems: 1 }, 1000);
  return { text: digestSummary(digest), blocks };
}

function digestBlocks(digest: TeamDigest, limits: { list: number; problems: number }, sectionLength?: number): KnownBlock[] {
  // The last resort against msg_blocks_too_long: every section shortened.
  const fitted = (text: Mrkdwn) => section(sectionLength === undefined ? text : truncateMrkdwn(text, sectionLength));
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Health digest: ${digest.displayName}`, BLOCK_KIT_LIMITS.headerText), emoji: true } },
    fitted(standing(digest)),
  ];
  if (digest.regressions.length) blocks.push(fitted(mrkdwn`*:small_red_triangle_down: Started failing since the last digest*\n${bullets(digest.regressions.map((change) => mrkdwn`*${change.displayName}*: ${change.title}`), limits.list)}`));
  if (digest.improvements.length) blocks.push(fitted(mrkdwn`*:white_check_mark: Fixed since the last digest*\n${bullets(digest.improvements.map((change) => mrkdwn`*${change.displayName}*: ${change.title}`), limits.list)}`));
  if (digest.actions.length) {
    blocks.push({ type: 'divider' }, fitted(mrkdwn`*Top ${Math.min(TOP_ACTIONS, digest.actions.length)} action${digest.actions.length === 1 ? '' : 's'}*`));
    digest.actions.slice(0, TOP_ACTIONS).forEach((action, index) => blocks.push(...actionBlocks(digest.team, action, index, { section: fitted })));
    const more = digest.actions.length - TOP_ACTIONS;
    if (more > 0) blocks.push(context(mrkdwn`…and ${more} more failing check${more === 1 ? '' : 's'}: *Show all* lists them with how to fix each.`));
  } else if (digest.catalogProblems.length === 0 && digest.staleOwners.length === 0) {
    blocks.push(fitted(mrkdwn`:tada: Every check passes.`));
  }
  blocks.push(...problemBlocks(digest, limits.problems, fitted));
  if (digest.waived.length) blocks.push(context(mrkdwn`${digest.waived.length} failing check${digest.waived.length === 1 ? ' is' : 's are'} snoozed or marked not applicable: *Show all* says by whom and why.`));
  blocks.push({ type: 'actions', block_id: 'digest:more', elements: [button('Show all', DIGEST_ACTIONS.showAll, digest.team)] });
  return blocks;
}

export function digestSummary(digest: TeamDigest): MessageText {
  const failing = digest.actions.length ? `${digest.actions.length} failing check${digest.actions.length === 1 ? '' : 's'}` : 'every check passes';
  return messageText(mrkdwn`Health digest for ${digest.displayName}: ${levelName(digest.level)}, score ${scoreText(digest.score)}, ${failing}`);
}

/** Every failing check with how to fix it, what is snoozed or waived (by whom, why, until when), and the catalog problems. */
export function showAllBlocks(digest: TeamDigest, maxBlocks: number): KnownBlock[] {
  const blocks: KnownBlock[] = [section(mrkdwn`*${digest.displayName}*: ${standing(digest)}`)];
  const room = maxBlocks - 8;
  const { shown, more } = limitList(digest.actions, Math.max(1, Math.floor(room / 2)));
  if (shown.length === 0) blocks.push(section(mrkdwn`:tada: No check fails that is not snoozed or waived.`));
  shown.forEach((action, index) => blocks.push(...actionBlocks(digest.team, action, index, { numbered: false })));
  if (more) blocks.push(context(mrkdwn`…and ${more} more failing checks`));
  if (digest.waived.length) {
    const lines = digest.waived.map(({ waiver, displayName, title }) => {
      const what = waiver.kind === 'snooze' ? 'snoozed' : 'not applicable';
      const why = waiver.reason ? mrkdwn`: "${waiver.reason}"` : '';
      const until = waiver.expiresAt ? mrkdwn` until ${dateText(waiver.expiresAt)}` : '';
      return mrkdwn`*${displayName}*: ${title}, ${what} by ${person(waiver.createdBy)} on ${dateText(waiver.createdAt)}${until}${why}`;
    });
    blocks.push({ type: 'divider' }, section(mrkdwn`*Snoozed or not applicable*\n${bullets(lines, 15)}`));
  }
  blocks.push(...problemBlocks(digest, 15, section));
  return blocks.slice(0, maxBlocks);
}

export function renderShowAllView(digest: TeamDigest): View {
  return modal(DIGEST_VIEWS.showAll, 'All failing checks', showAllBlocks(digest, BLOCK_KIT_LIMITS.viewBlocks));
}

/** Asks why a check does not apply, and for how long; the reason is required. */
export function renderNotApplicableModal(input: { teamName: string; title: string; why: string; entities: string[]; metadata: string }): View {
  const { shown, more } = limitList(input.entities, 20);
  const blocks: KnownBlock[] = [
    section(mrkdwn`Mark *${input.title}* as not applicable to ${join(shown.map((name) => mrkdwn`*${name}*`), ', ')}${more ? ` and ${more} more` : ''} (${input.teamName}).${input.why ? mrkdwn`\n_${input.why}_` : ''}`),
    {
      type: 'input',
      block_id: NOT_APPLICABLE_BLOCKS.reason,
      label: plain('Why does it not apply?'),
      hint: plain('Your team reads this in its digests, with your name and the date.'),
      element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500, placeholder: plain('e.g. a batch job with no users: it needs no on-call rotation') },
    },
    {
      type: 'input',
      block_id: NOT_APPLICABLE_BLOCKS.expiry,
      label: plain('For how long?'),
      element: { type: 'static_select', action_id: 'value', options: EXPIRY_CHOICES.map(option), initial_option: option(EXPIRY_CHOICES[1]) },
    },
  ];
  return { ...modal(DIGEST_VIEWS.notApplicable, 'Not applicable', blocks), private_metadata: input.metadata, submit: plain('Save', BLOCK_KIT_LIMITS.modalSubmit) };
}

/** What the modal shows once the waiver is stored, so the person sees it took effect. */
export function renderWaiverSaved(input: { title: string; entities: string[]; reason: string; userId: string; at: Date; expiresAt: Date | null }): View {
  const until = input.expiresAt ? mrkdwn`until ${dateText(input.expiresAt)}` : 'until someone removes it';
  return modal(DIGEST_VIEWS.notApplicable, 'Not applicable', [
    section(mrkdwn`:white_check_mark: *${input.title}* no longer counts for ${list(input.entities, 20)}, ${until}.`),
    context(mrkdwn`Recorded by ${person(input.userId)} on ${dateText(input.at)}: "${input.reason}"`),
  ]);
}

/** The confirmation of a snooze, shown to whoever pressed the button. */
export function snoozeConfirmation(input: { title: string; entities: string[]; userId: string; until: Date }): { text: MessageText; blocks: KnownBlock[] } {
  const text = mrkdwn`:zzz: Snoozed *${input.title}* on ${list(input.entities, ENTITY_LIMIT)} until ${dateText(input.until)} (by ${person(input.userId)}). Digests and nudges leave it out until then.`;
  return { text: messageText(text), blocks: [section(text)] };
}

/** The App Home section: each of the viewer's teams with its level, score and open actions. */
export function renderHomeHealth(digests: TeamDigest[], maxBlocks: number): KnownBlock[] {
  if (digests.length === 0) return [];
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Health of my teams', BLOCK_KIT_LIMITS.headerText) }];
  for (const digest of digests) {
    const actions = digest.actions.slice(0, TOP_ACTIONS).map((action) => mrkdwn`*${action.title}* on ${names(action)}\n      _Fix:_ ${fixText(action)}`);
    const more = digest.actions.length - TOP_ACTIONS;
    const body = actions.length ? mrkdwn`${bullets(actions, TOP_ACTIONS)}${more > 0 ? `\n…and ${more} more failing checks` : ''}` : mrkdwn`:tada: Every check passes.`;
    blocks.push(section(mrkdwn`*${digest.displayName}*  ${standing(digest)}\n${body}`));
  }
  blocks.push(context(mrkdwn`Snooze a check or mark it not applicable from the team's digest in its channel.`));
  return blocks.slice(0, maxBlocks);
}

/** One message per team and hour: the checks that started failing on production entities. */
export function renderNudge(batch: NudgeBatch): { text: MessageText; blocks: KnownBlock[] } {
  const count = batch.items.length;
  const headline = mrkdwn`:rotating_light: ${count === 1 ? 'A check' : `${count} checks`} started failing on production for *${batch.displayName}*`;
  const blocks: KnownBlock[] = [section(headline)];
  const { shown, more } = limitList(batch.items, 10);
  for (const item of shown) {
    blocks.push(section(mrkdwn`*${item.displayName}*: ${item.title} (${levelName(item.level)})\n_Fix:_ ${fixText(item)}`));
    blocks.push({
      type: 'actions',
      block_id: truncate(`nudge:${item.entityRef}:${item.checkId}`, BLOCK_KIT_LIMITS.blockId),
      elements: [
        button('Snooze 2 weeks', DIGEST_ACTIONS.snooze, `${batch.team}|${item.checkId}|${item.entityRef}`),
        button('Not applicable…', DIGEST_ACTIONS.notApplicable, `${batch.team}|${item.checkId}|${item.entityRef}`),
      ],
    });
  }
  if (more) blocks.push(context(mrkdwn`…and ${more} more: the team's digest lists them all.`));
  return { text: messageText(mrkdwn`${count} check${count === 1 ? '' : 's'} started failing on production for ${batch.displayName}`), blocks };
}

function actionBlocks(team: string, action: DigestAction, index: number, options: { numbered?: boolean; section?: (text: Mrkdwn) => KnownBlock } = {}): KnownBlock[] {
  const production = action.entities.filter((entity) => entity.production).length;
  const scope = `${action.entities.length} ${action.entities.length === 1 ? 'entity' : 'entities'}${production ? `, ${production} in production` : ''}`;
  const lines = [mrkdwn`*${options.numbered === false ? '' : `${index + 1}. `}${action.title}*  ${levelName(action.level)} · ${scope}`];
  if (action.why) lines.push(mrkdwn`_${action.why}_`);
  lines.push(mrkdwn`*Fix:* ${fixText(action)}`, mrkdwn`On ${names(action)}`);
  return [
    (options.section ?? section)(join(lines, '\n')),
    {
      type: 'actions',
      block_id: truncate(`digest:action:${action.checkId}`, BLOCK_KIT_LIMITS.blockId),
      elements: [...reviewButtons(action), button('Snooze 2 weeks', DIGEST_ACTIONS.snooze, `${team}|${action.checkId}`), button('Not applicable…', DIGEST_ACTIONS.notApplicable, `${team}|${action.checkId}`)],
    },
  ];
}

/** An inferred entity's fix is its card's Confirm button: "Review" shows the card, to the presser alone. */
function reviewButtons(action: DigestAction): Button[] {
  if (action.checkId !== DECLARED_IN_CATALOG_CHECK) return [];
  return action.entities.slice(0, REVIEW_LIMIT).map((entity, index) => button(`Review ${entity.displayName}`, `${DIGEST_ACTIONS.reviewInferred}:${index}`, `ref:${entity.ref}`));
}

function problemBlocks(digest: TeamDigest, limit: number, section: (text: Mrkdwn) => KnownBlock): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (digest.catalogProblems.length) {
    const lines = digest.catalogProblems.map((problem) => mrkdwn`\`${problem.file}\`${problem.line ? ` line ${problem.line}` : ''}: ${problem.message}`);
    blocks.push(section(mrkdwn`*:page_facing_up: Catalog files with problems*\n${bullets(lines, limit)}`));
  }
  if (digest.staleOwners.length) {
    const lines = digest.staleOwners.map((owner) => mrkdwn`${owner.displayName}: ${owner.reason === 'left-slack' ? 'left Slack' : 'no longer in the catalog (left the organisation)'}`);
    blocks.push(section(mrkdwn`*:busts_in_silhouette: Members who left*\n${bullets(lines, limit)}\nRemove them from the team's Group in the catalog.`));
  }
  return blocks;
}

/** "Silver (was Bronze) · score 80 (+5 since …) · 70 → 75 → 80". */
function standing(digest: TeamDigest): Mrkdwn {
  const parts: Interpolation[] = [mrkdwn`*${levelName(digest.level)}*${digest.previous && digest.previous.level !== digest.level ? ` (was ${levelName(digest.previous.level)})` : ''}`];
  let score = mrkdwn`score *${scoreText(digest.score)}*`;
  if (digest.previous && digest.previous.score !== null && digest.score !== null) {
    const delta = Math.round(digest.score) - Math.round(digest.previous.score);
    score = mrkdwn`${score} (${delta === 0 ? 'no change' : `${delta > 0 ? '+' : ''}${delta}`} since ${dateText(digest.previous.at)})`;
  }
  parts.push(score);
  if (digest.trend.length > 1) parts.push(`trend ${digest.trend.join(' → ')}`);
  return join(parts, ' · ');
}

const LEVEL_NAMES: Record<Level, string> = { bronze: ':3rd_place_medal: Bronze', silver: ':2nd_place_medal: Silver', gold: ':1st_place_medal: Gold' };

function levelName(level: Level | null): string {
  return level ? LEVEL_NAMES[level] : 'Below bronze';
}

function scoreText(score: number | null): string {
  return score === null ? 'n/a' : String(Math.round(score));
}

function fixText(item: { fix: { text: string; url?: string } }): Mrkdwn {
  const text = item.fix.text || 'see the check\'s documentation';
  return item.fix.url ? mrkdwn`${text} ${link(item.fix.url, 'How to')}` : mrkdwn`${text}`;
}

function names(action: DigestAction): Mrkdwn {
  const { shown, more } = limitList(action.entities, ENTITY_LIMIT);
  return mrkdwn`${join(shown.map((entity) => mrkdwn`${entity.displayName}${entity.production ? mrkdwn` _(production)_` : ''}`), ', ')}${more ? ` …and ${more} more` : ''}`;
}

function list(items: string[], limit: number): Mrkdwn {
  const { shown, more } = limitList(items, limit);
  return mrkdwn`${join(shown, ', ')}${more ? ` and ${more} more` : ''}`;
}

function bullets(lines: Mrkdwn[], limit: number): Mrkdwn {
  const { shown, more } = limitList(lines, limit);
  return join([...shown.map((line) => mrkdwn`• ${line}`), ...(more ? [`…and ${more} more`] : [])], '\n');
}

/** A date Slack shows in each reader's own time zone; the fallback is the UTC date. */
function dateText(at: Date): Mrkdwn {
  return date(at, '{date_short}', at.toISOString().slice(0, 10));
}

/** A Slack user id becomes a mention; a name (from the CLI) stays text. */
function person(createdBy: string): Mrkdwn {
  return mention.user(createdBy, createdBy);
}

function modal(callbackId: string, title: string, blocks: KnownBlock[]): ModalView {
  return { type: 'modal', callback_id: callbackId, title: plain(title, BLOCK_KIT_LIMITS.modalTitle), close: plain('Close', BLOCK_KIT_LIMITS.modalClose), blocks };
}

function button(text: string, actionId: string, value: string): Button {
  return { type: 'button', text: plain(text, BLOCK_KIT_LIMITS.buttonText), action_id: actionId, value: truncate(value, BLOCK_KIT_LIMITS.buttonValue) };
}

function option(choice: { value: string; label: string }) {
  return { text: plain(choice.label, BLOCK_KIT_LIMITS.optionText), value: choice.value };
}

function plain(text: string, max: number = BLOCK_KIT_LIMITS.inputLabel) {
  return { type: 'plain_text' as const, text: truncate(text, max), emoji: true };
}
