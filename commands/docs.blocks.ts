import type { KnownBlock } from '@slack/types';
import { TECHDOCS_ANNOTATION_HINT } from '../src/docs/resolve';
import { limitList, truncate } from './blockKit/limits';
import { button, lookupChoices } from './blockKit/lookups';
import { context, httpUrl, join, link, messageText, mrkdwn, section, type Interpolation, type MessageText } from './blockKit/mrkdwn';
import type { DocsResult, DocsSiteAnswer } from './docs';

/** Action ids of the docs card; listeners route on the `docs:` prefix. */
export const DOCS_ACTIONS = {
  lookup: 'docs:lookup',
  open: 'docs:open',
} as const;

export interface DocsRenderOptions {
  /**
   * No buttons, for output nobody can press one in (the CLI): suggestions as a list of refs, and no
   * "Open docs", whose link the card shows already.
   */
  noButtons?: boolean;
}

const WARNING_LIMIT = 5;
const SNIPPET_LENGTH = 220;

/** The /docs card: the site, its age and freshness, the best pages, and what is wrong. */
export function renderDocs(result: DocsResult, options: DocsRenderOptions = {}): KnownBlock[] {
  if (!result.query) return usage();
  const blocks: KnownBlock[] = [];
  const entity = result.entity;
  if (entity) {
    blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(`Docs: ${titleOf(entity)}`, 150), emoji: true } });
    blocks.push(context(mrkdwn`\`${entity.ref}\``));
    if (result.site) blocks.push(...siteBlocks(result.site, entity.ref));
    if (result.link) {
      if (result.site) blocks.push(context(mrkdwn`Also linked: ${link(result.link.url, result.link.title)}`));
      else blocks.push(section(mrkdwn`*${link(result.link.url, result.link.title)}*\n_A link from the entity's metadata.links; there is no built TechDocs site to search._`));
    }
    if (result.noDocs) {
      blocks.push(section(mrkdwn`*${titleOf(entity)}* has no docs yet. Add this to its \`catalog-info.yaml\` and publish its TechDocs:`));
      blocks.push(section(mrkdwn`\`\`\`\n${TECHDOCS_ANNOTATION_HINT}\n\`\`\``));
    }
  }
  if (!entity && result.pages.length === 0) blocks.push(...notFound(result, options));
  else if (result.words) blocks.push(...pageBlocks(result));
  if (result.warnings.length) {
    const { shown, more } = limitList(result.warnings, WARNING_LIMIT);
    blocks.push(context(join([...shown.map((warning) => mrkdwn`:warning: ${warning}`), ...(more ? [`…and ${more} more`] : [])], '\n')));
  }
  const open = [result.site?.openUrl, result.link?.url].map((url) => (url ? httpUrl(url) : null)).find((url) => url !== null);
  if (open && !options.noButtons) blocks.push({ type: 'actions', block_id: 'docs:card', elements: [{ ...button('Open docs', DOCS_ACTIONS.open, 'open'), url: open, style: 'primary' }] });
  return blocks;
}

/** The one-line summary Slack shows in notifications. */
export function docsSummaryText(result: DocsResult): MessageText {
  if (!result.query) return messageText(mrkdwn`Ask /docs ${'<service> [words]'}`);
  if (!result.entity) return messageText(result.pages.length ? mrkdwn`${result.pages.length} page(s) match "${truncate(result.words, 200)}"` : mrkdwn`No docs match "${truncate(result.query, 200)}"`);
  if (result.site) return messageText(mrkdwn`Docs of ${result.entity.ref}: ${result.site.openUrl}${result.site.builtAgo ? ` (built ${result.site.builtAgo}${result.site.stale ? ', stale' : ''})` : ''}`);
  if (result.link) return messageText(mrkdwn`Docs of ${result.entity.ref}: ${result.link.url}`);
  return messageText(mrkdwn`${result.entity.ref} has no docs`);
}

function siteBlocks(site: DocsSiteAnswer, entityRef: string): KnownBlock[] {
  const name = site.siteName ?? 'TechDocs';
  const facts: Interpolation[] = [];
  if (site.builtAgo) facts.push(`built ${site.builtAgo}${site.fromCache ? ' (last known)' : ''}`);
  else facts.push('build time unknown');
  if (site.stale === true) facts.push(mrkdwn`:warning: *stale*: ${site.staleReason ?? 'older than its sources'}`);
  else if (site.stale === false) facts.push('up to date');
  const blocks: KnownBlock[] = [section(mrkdwn`*${link(site.openUrl, name)}*\n${join(facts, ' · ')}`)];
  if (site.borrowed) blocks.push(context(mrkdwn`The docs of \`${site.entityRef}\` (backstage.io/techdocs-entity on \`${entityRef}\`)`));
  return blocks;
}

function pageBlocks(result: DocsResult): KnownBlock[] {
  const where = result.searchedEverySite ? (result.entity ? ' in every docs site' : '') : '';
  if (result.pages.length === 0) {
    return [section(mrkdwn`No page matches *${truncate(result.words, 200)}*${where}.`), context(mrkdwn`Try fewer or other words; pages are searched in English, with prefixes ("idempot") and typos in titles.`)];
  }
  const lines = result.pages.map((page) => {
    const origin = result.searchedEverySite ? mrkdwn`  _${nameOf(page.entityRef)}_` : '';
    const snippet = page.snippet ? `\n${truncate(page.snippet, SNIPPET_LENGTH)}` : '';
    return mrkdwn`*${link(page.url, truncate(page.title, 150))}*${origin}${snippet}`;
  });
  return [section(mrkdwn`*Best pages for “${truncate(result.words, 200)}”${where}*`), ...lines.map(section)];
}

function notFound(result: DocsResult, options: DocsRenderOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [section(mrkdwn`Nothing in the catalog is called *${truncate(result.query, 200)}*, and no cached docs page matches it.`)];
  if (result.suggestions.length) {
    const targets = result.suggestions.map((suggestion) => ({ ref: suggestion.ref, label: suggestion.title ?? nameOf(suggestion.ref) }));
    blocks.push(...lookupChoices(mrkdwn`Did you mean:`, targets, { blockId: 'docs:lookup', actionId: DOCS_ACTIONS.lookup }, options));
  } else {
    blocks.push(context(mrkdwn`Try \`${'/docs <service>'}\` for a service's docs, or \`${'/docs <service> <words>'}\` for its best pages.`));
  }
  return blocks;
}

function usage(): KnownBlock[] {
  return [
    section(mrkdwn`*Where are the docs?* Ask about anything in the catalog:`),
    section(mrkdwn`• \`/docs payments-service\`: its built docs, when they were built, and whether they are stale\n• \`/docs payments-service refunds\`: the best pages of its docs for those words\n• \`/docs idempotency keys\`: the best pages of every docs site`),
  ];
}

function titleOf(entity: NonNullable<DocsResult['entity']>): string {
  const title = entity.entity.metadata.title;
  return typeof title === 'string' && title.trim() ? title : entity.name;
}

function nameOf(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}
