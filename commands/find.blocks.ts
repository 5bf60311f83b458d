import type { ActionsBlock, KnownBlock } from '@slack/types';
import { HIGHLIGHT } from '../src/search/store';
import { limitList, truncate } from './blockKit/limits';
import { button } from './blockKit/lookups';
import { context, fitMessageBlocks, join, mention, messageText, mrkdwn, section, type Mrkdwn, type MessageText } from './blockKit/mrkdwn';
import { whyLabel, type FindHit, type FindResult } from './find';
import { FILTER_KEYS } from './findQuery';

/** Action ids of /find; listeners route on the `find:` prefix. */
export const FIND_ACTIONS = {
  card: 'find:card',
  docs: 'find:docs',
  more: 'find:more',
  query: 'find:query',
  open: 'find:open',
} as const;

/** The callback id of the search modal App Home opens. */
export const FIND_MODAL = 'find:search';

export interface FindRenderOptions {
  /** No buttons, for output nobody can press one in (the CLI, a modal): refs to type instead. */
  noButtons?: boolean;
  /** Channels as names rather than Slack links (the local shell). */
  plainNames?: boolean;
}

const WHY_LENGTH = 300;
const MAX_REF = 255;
const SUGGESTIONS_SHOWN = 5;
const FILTER_HINT = mrkdwn`Narrow it down with ${join(FILTER_KEYS.map((key) => `\`${key}:…\``), ' ')}, e.g. \`kind:api owner:payments\`.`;

/** The /find answer: the ranked list, each with its owner, why it matched and what to do next. */
export function renderFind(result: FindResult, options: FindRenderOptions = {}): KnownBlock[] {
  if (!result.query) return usage();
  const blocks: KnownBlock[] = [section(heading(result))];
  const notes: Mrkdwn[] = [];
  if (result.corrections.length) notes.push(mrkdwn`Also searched for ${join(result.corrections.map((c) => mrkdwn`*${c.meant}* (for “${c.typed}”)`), ', ')}.`);
  if (result.parsed.unknownFilters.length) notes.push(mrkdwn`/find has no filter ${join(result.parsed.unknownFilters.map((token) => `\`${truncate(token.slice(0, token.indexOf(':') + 1), 40)}\``), ', ')}; it knows ${join(FILTER_KEYS.map((key) => `\`${key}:\``), ' ')}.`);
  if (notes.length) blocks.push(context(join(notes, '\n')));
  if (result.results.length === 0) {
    blocks.push(...nothingFound(result, options));
  } else {
    result.results.forEach((hit, index) => blocks.push(...hitBlocks(hit, index, options)));
  }
  blocks.push(context(FILTER_HINT));
  return fitMessageBlocks(blocks);
}

/** The one-line summary Slack shows in notifications. */
export function findSummaryText(result: FindResult): MessageText {
  if (!result.query) return messageText(mrkdwn`Ask /find ${'<words> [kind:… owner:… tag:…]'}`);
  const asked = result.like ? `more like ${result.like.title}` : `“${truncate(result.query, 200)}”`;
  return messageText(result.results.length ? mrkdwn`${result.results.length} result(s) for ${asked}` : mrkdwn`Nothing in the catalog matches ${asked}`);
}

/** What App Home shows above "My teams": a button that opens the search modal. */
export function searchHomeBlocks(): KnownBlock[] {
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Find anything in the catalog*: services, APIs, teams, docs pages.' },
      accessory: button('Search', FIND_ACTIONS.open, 'open', 'primary'),
    },
    { type: 'divider' },
  ];
}

function heading(result: FindResult): Mrkdwn {
  if (result.like) return mrkdwn`*More like ${result.like.title}*  \`${result.like.ref}\``;
  const typed = result.parsed.filters;
  const applied = [
    ...typed.kinds.map((value) => `kind:${value}`),
    ...typed.types.map((value) => `type:${value}`),
    ...typed.owners.map((value) => `owner:${value}`),
    ...typed.tags.map((value) => `tag:${value}`),
    ...typed.lifecycles.map((value) => `lifecycle:${value}`),
    ...typed.systems.map((value) => `system:${value}`),
  ];
  const words = [...result.parsed.words, ...result.parsed.phrases.map((phrase) => `"${phrase.join(' ')}"`)].join(' ');
  return mrkdwn`*${result.results.length ? 'Found' : 'Searched'} for* ${words ? `“${truncate(words, 200)}”` : 'everything'}${applied.length ? mrkdwn` within ${join(applied.map((filter) => `\`${truncate(filter, 80)}\``), ' ')}` : ''}`;
}

function hitBlocks(hit: FindHit, index: number, options: FindRenderOptions): KnownBlock[] {
  const spec = (hit.entity.entity.spec ?? {}) as Record<string, unknown>;
  const kind = [kindLabel(hit.kind), typeof spec.type === 'string' ? spec.type : undefined].filter((part): part is string => Boolean(part)).join(' · ');
  const owner = hit.owner ? mrkdwn`  ·  ${hit.owner.displayName}${hit.owner.slackChannel ? mrkdwn` ${options.plainNames ? `#${hit.owner.slackChannel}` : mention.channel(hit.owner.slackChannel, hit.owner.slackChannel)}` : ''}` : mrkdwn`  ·  _no owner_`;
  const blocks: KnownBlock[] = [section(mrkdwn`*${truncate(hit.title, 150)}*  _${kind}_${owner}`), context(mrkdwn`${whyText(hit)}   \`${hit.ref}\``)];
  // A ref is at most a kind, a namespace and a name of 63 characters each; anything longer did not
  // come from a valid entity, and buttons carrying it would only crowd the message.
  if (options.noButtons || hit.ref.length > MAX_REF) return blocks;
  const value = `ref:${hit.ref}`;
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: `find:result:${index}`,
    elements: [button('Card', `${FIND_ACTIONS.card}:${index}`, value), ...(hit.hasDocs ? [button('Docs', `${FIND_ACTIONS.docs}:${index}`, value)] : []), button('More like this', `${FIND_ACTIONS.more}:${index}`, value)],
  };
  return [...blocks, actions];
}

/** Where it matched, and the words around the match with the matched ones in bold; all of it escaped. */
function whyText(hit: FindHit): Mrkdwn {
  const pieces: Mrkdwn[] = [];
  let remaining = WHY_LENGTH;
  // The text alternates: outside a highlight, inside one, outside, …
  for (const [position, part] of hit.why.text.split(new RegExp(`[${HIGHLIGHT.start}${HIGHLIGHT.stop}]`, 'u')).entries()) {
    if (remaining <= 0 || !part) continue;
    const shown = truncate(part, remaining);
    remaining -= shown.length;
    pieces.push(position % 2 === 1 && part.trim() ? mrkdwn`*${shown.trim()}*${/\s$/.test(part) ? ' ' : ''}` : mrkdwn`${shown}`);
  }
  return mrkdwn`_${whyLabel(hit)}_${pieces.length ? mrkdwn`: ${join(pieces, '')}` : ''}`;
}

function nothingFound(result: FindResult, options: FindRenderOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [section(mrkdwn`Nothing in the catalog matches that.`)];
  const { shown } = limitList(result.suggestions, SUGGESTIONS_SHOWN);
  if (shown.length === 0) {
    const filtered = Object.values(result.parsed.filters).some((values) => values.length > 0);
    blocks.push(context(filtered ? mrkdwn`Try fewer filters, or other words.` : mrkdwn`Try other words, or \`${'/whoowns <name>'}\` if you know its name.`));
    return blocks;
  }
  const alternatives = shown.map((word) => ({ word, query: replaceTypo(result, word) }));
  if (options.noButtons) {
    blocks.push(section(mrkdwn`The catalog has words near yours: ${join(alternatives.map((alternative) => mrkdwn`*${alternative.word}*`), ', ')}.`));
    return blocks;
  }
  blocks.push(section(mrkdwn`The catalog has words near yours. Search for:`));
  blocks.push({ type: 'actions', block_id: 'find:suggestions', elements: alternatives.map((alternative, index) => button(alternative.word, `${FIND_ACTIONS.query}:${index}`, `q:${alternative.query}`)) });
  return blocks;
}

/** The query typed, with the word nearest to `suggestion` replaced by it. */
function replaceTypo(result: FindResult, suggestion: string): string {
  const words = result.query.split(/\s+/);
  let best = -1;
  let bestScore = 0;
  words.forEach((word, index) => {
    const score = sharedBigrams(word.toLowerCase(), suggestion);
    if (!word.includes(':') && score > bestScore) [best, bestScore] = [index, score];
  });
  if (best === -1) return suggestion;
  words[best] = suggestion;
  return words.join(' ');
}

function sharedBigrams(a: string, b: string): number {
  const grams = (text: string) => new Set(Array.from({ length: Math.max(0, text.length - 1) }, (_, i) => text.slice(i, i + 2)));
  const left = grams(a);
  let shared = 0;
  for (const gram of grams(b)) if (left.has(gram)) shared++;
  return shared;
}

function usage(): KnownBlock[] {
  return [
    section(mrkdwn`*Find anything in the catalog*: names, descriptions, tags, API definitions and docs pages.`),
    section(mrkdwn`• \`/find geocoding api\` or \`/find is there a geocoding api?\`\n• \`/find "double entry"\`: words side by side; \`/find idempot*\`: words starting so\n• \`/find kind:api owner:payments\`: filters (an owner team includes the teams below it)\n• \`/find refunds tag:pci lifecycle:production\``),
  ];
}

function kindLabel(kind: string): string {
  const labels: Record<string, string> = { api: 'API', component: 'Component', resource: 'Resource', system: 'System', domain: 'Domain', group: 'Team', user: 'Person', template: 'Template', location: 'Location', rotation: 'Rotation' };
  return labels[kind] ?? kind;
}
