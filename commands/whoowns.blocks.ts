import type { KnownBlock } from '@slack/types';
import { limitList, truncate } from './blockKit/limits';
import { button, lookupChoices, type LookupTarget } from './blockKit/lookups';
import { context, fitMessageBlocks, join, link, literal, mention, messageText, mrkdwn, mrkdwnObject, section, type Interpolation, type MessageText, type Mrkdwn } from './blockKit/mrkdwn';
import { inferenceOf, type Inference, type Provenance } from '../src/catalog/provenance';
import type { StoredEntity } from '../src/catalog/store';
import type { PersonInfo, TeamInfo, TeamsResult, WhoOwnsResult } from './whoowns';
import { onCallField } from './oncall.blocks';

/**
 * Action ids the whoowns card uses. Confirm and Not us carry `<entity ref>|<owner ref>`: the
 * inference the card showed, so that a press acts on what the presser saw.
 */
export const WHOOWNS_ACTIONS = {
  lookup: 'whoowns:lookup',
  share: 'whoowns:share',
  confirm: 'whoowns:confirm',
  notUs: 'whoowns:not-us',
} as const;

export interface RenderOptions {
  /** Leave out the "Share in channel" button (the shared copy itself). */
  shared?: { by: string };
  /** Rendering for the App Home tab: no share button, no "shared by" line. */
  home?: boolean;
  /** Show people as names rather than Slack mentions (the local shell, where mentions mean nothing). */
  plainNames?: boolean;
  /** No buttons, for output nobody can press one in (the CLI): no share button, entities to look up as a list of refs. */
  noButtons?: boolean;
}

const MEMBER_LIMIT = 20;
const OWNED_LIMIT = 15;
const TEAM_LIMIT = 8;
const WARNING_LIMIT = 5;
const EVIDENCE_LIMIT = 1000;

/** The /whoowns card for one entity, or the "did you mean" answer when nothing matched. */
export function renderWhoOwns(result: WhoOwnsResult, options: RenderOptions = {}): KnownBlock[] {
  if (!result.query) return usage();
  if (!result.match) return notFound(result, options);
  const entity = result.match;
  const spec = (entity.entity.spec ?? {}) as Record<string, unknown>;
  const kindTypeLifecycle = [kindLabel(entity.kind), spec.type, spec.lifecycle].filter((part): part is string => typeof part === 'string' && part !== '');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(titleOf(entity), 150), emoji: true } },
    context(mrkdwn`${join(kindTypeLifecycle, ' · ')}   \`${entity.ref}\``),
  ];
  const description = entity.entity.metadata.description;
  if (typeof description === 'string' && description.trim()) blocks.push(section(literal(description.trim())));

  const inference = inferenceOf(entity);
  const fields: Mrkdwn[] = [];
  if (result.owner) fields.push(mrkdwn`*Owner*\n${teamLine(result.owner, options.plainNames)}${inference ? mrkdwn`  _(inferred)_` : ''}`);
  else if (inference) fields.push(mrkdwn`*Owner*\n_unknown_`);
  fields.push(mrkdwn`*On call*\n${onCallField(result.oncall, { plainNames: options.plainNames })}`);
  const repo = repositoryOf(entity);
  if (repo) fields.push(mrkdwn`*Repository*\n${link(repo.url, repo.label)}`);
  const docs = result.docs !== undefined ? result.docs : docsLinkOf(entity);
  if (docs) fields.push(mrkdwn`*Docs*\n${docsLine(docs)}`);
  const placement = result.placement;
  if (placement?.system || placement?.domain) fields.push(mrkdwn`*System*\n${join([placement.system, placement.domain].filter((ref): ref is string => Boolean(ref)).map(nameOf), ' · ')}`);
  if (placement && (placement.dependsOn || placement.dependencyOf || placement.providesApis || placement.consumesApis)) {
    const counts = [
      placement.dependsOn && `depends on ${placement.dependsOn}`,
      placement.dependencyOf && `used by ${placement.dependencyOf}`,
      placement.providesApis && `provides ${placement.providesApis} API${placement.providesApis > 1 ? 's' : ''}`,
      placement.consumesApis && `consumes ${placement.consumesApis} API${placement.consumesApis > 1 ? 's' : ''}`,
    ].filter((part): part is string => Boolean(part));
    fields.push(mrkdwn`*Dependencies*\n${join(counts, ' · ')}`);
  }
  blocks.push({ type: 'section', fields: fields.slice(0, 10).map((text) => mrkdwnObject(text, 2000)) });

  if (result.owner?.members.length) blocks.push(section(mrkdwn`*${result.owner.kind === 'user' ? 'Person' : 'Members'}:* ${peopleLine(result.owner.members, MEMBER_LIMIT, options.plainNames)}`));
  if (result.owner?.escalation) {
    const parent = result.owner.escalation;
    blocks.push(section(mrkdwn`*Nearest team with people:* ${teamLine(parent, options.plainNames)}\n${peopleLine(parent.members, MEMBER_LIMIT, options.plainNames)}`));
  }
  if (result.provenance) blocks.push(context(provenanceLine(result.provenance, inference)));
  if (result.warnings.length) blocks.push(context(warningLines(result.warnings, WARNING_LIMIT)));
  if (result.alternatives.length) {
    blocks.push(...lookups(mrkdwn`Also called *${result.query}*:`, result.alternatives.map((alt) => ({ ref: alt.ref, label: `${kindLabel(alt.kind)} ${alt.name}` })), options));
  }
  // Only an inference with an owner can be confirmed or rejected, and only where a button can be pressed.
  const verdicts = inference && result.owner && !options.noButtons && !options.home ? inferenceButtons(entity.ref, result.owner.ref) : [];
  if (options.shared) {
    if (verdicts.length) blocks.push({ type: 'actions', block_id: 'whoowns:inferred', elements: verdicts });
    blocks.push(context(sharedBy(options.shared.by)));
  } else if (!options.noButtons) {
    blocks.push({ type: 'actions', block_id: 'whoowns:card', elements: [button('Share in channel', WHOOWNS_ACTIONS.share, `ref:${entity.ref}`, 'primary'), ...verdicts] });
  }
  return fitMessageBlocks(blocks);
}

/** What an inference rested on, in the words the card uses. */
export function inferenceHeadline(from: Inference['from']): string {
  if (from === 'codeowners') return 'Owner inferred from CODEOWNERS';
  if (from === 'team-permission') return 'Owner inferred from team permissions';
  if (from === 'none') return 'No owner could be inferred';
  return 'Owner inferred by Backline';
}

/** How the owner is known: the inference and its evidence, or where the catalog declares it. */
function provenanceLine(provenance: Provenance, inference: Inference | null): Mrkdwn {
  const evidence = truncate(provenance.evidence, EVIDENCE_LIMIT);
  if (provenance.kind === 'declared') return mrkdwn`:page_facing_up: Owner declared in the catalog: ${evidence}`;
  const headline = inferenceHeadline(inference?.from ?? 'unknown');
  const icon = inference?.from === 'none' ? ':grey_question:' : ':mag:';
  return mrkdwn`${icon} *${headline}*, not declared in a catalog file\nEvidence: ${evidence}`;
}

function inferenceButtons(entityRef: string, ownerRef: string) {
  const value = `${entityRef}|${ownerRef}`;
  return [button('Confirm', WHOOWNS_ACTIONS.confirm, value), button('Not us', WHOOWNS_ACTIONS.notUs, value, 'danger')];
}

/** "What does #channel own?" and "what do @person's teams own?". */
export function renderTeamsOwnership(result: TeamsResult, options: RenderOptions = {}): KnownBlock[] {
  const subject =
    result.input.kind === 'person'
      ? result.person
        ? mrkdwn`What ${result.person.displayName} and their teams own`
        : mrkdwn`What ${mention.user(result.input.slackUserId, 'this person')} owns`
      : mrkdwn`What ${mention.channel(result.input.channelId, result.input.channelName ?? 'this channel')} owns`;
  const blocks: KnownBlock[] = [section(mrkdwn`*${subject}*`)];
  const { shown: teams, more: moreTeams } = limitList(result.teams, TEAM_LIMIT);
  for (const { team, owns } of teams) {
    blocks.push({ type: 'divider' });
    const channel = team.slackChannel ? channelMention(team.slackChannel) : '';
    blocks.push(section(mrkdwn`*${team.displayName}*  ${channel}\n${team.members.length ? peopleLine(team.members, 10, options.plainNames) : mrkdwn`_no members in the catalog_`}`));
    blocks.push(section(ownedLines(owns)));
  }
  if (moreTeams) blocks.push(context(mrkdwn`…and ${moreTeams} more teams`));
  if (result.ownedDirectly.length) {
    blocks.push({ type: 'divider' }, section(mrkdwn`*Owned by ${result.person?.displayName ?? 'them'} directly*\n${ownedLines(result.ownedDirectly)}`));
  }
  if (result.warnings.length) blocks.push(context(warningLines(result.warnings, result.warnings.length)));
  if (!options.shared && !options.home && !options.noButtons && result.teams.length) {
    const value = result.input.kind === 'person' ? `person:${result.input.slackUserId}` : `channel:${result.input.channelId ?? ''}|${result.input.channelName ?? ''}`;
    blocks.push({ type: 'actions', block_id: 'whoowns:teams', elements: [button('Share in channel', WHOOWNS_ACTIONS.share, value, 'primary')] });
  }
  if (options.shared) blocks.push(context(sharedBy(options.shared.by)));
  return options.home ? blocks : fitMessageBlocks(blocks);
}

/** The App Home tab: the viewer's teams and what they own, or how to get listed. */
export function renderHome(result: TeamsResult): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'My teams' } }];
  if (result.teams.length === 0 && result.ownedDirectly.length === 0) {
    blocks.push(section(mrkdwn`You are not on any team in the catalog yet. Ask your platform team to add you to a Group (a User entity with your email in \`spec.profile.email\` and the team in \`spec.memberOf\`).`));
    blocks.push(context(mrkdwn`Meanwhile, \`${'/whoowns <anything>'}\` works anywhere in Slack.`));
    return blocks;
  }
  // The home tab has no response_url for buttons, so it shows the shared (button-free) form.
  return [...blocks, ...renderTeamsOwnership(result, { shared: undefined, home: true })];
}

/** The one-line summary Slack shows in notifications and where blocks cannot render. */
export function summaryText(result: WhoOwnsResult | TeamsResult): MessageText {
  if (result.kind === 'teams') return messageText(mrkdwn`${result.teams.length} team(s) found`);
  if (!result.match) return messageText(mrkdwn`Nothing in the catalog is called "${truncate(result.query, 200)}"`);
  const inferred = result.provenance?.kind === 'inferred';
  if (!result.owner) return messageText(inferred ? mrkdwn`${result.match.ref} has no owner Backline could infer` : mrkdwn`${result.match.ref} has no owner`);
  return messageText(inferred ? mrkdwn`${result.match.ref} is probably owned by ${result.owner.displayName} (inferred, not declared)` : mrkdwn`${result.match.ref} is owned by ${result.owner.displayName}`);
}

function usage(): KnownBlock[] {
  return [
    section(mrkdwn`*Who owns what?* Ask about anything in the catalog:`),
    section(mrkdwn`• \`/whoowns payments-service\`: a service, API, resource or system, by name, title or ref\n• \`/whoowns northwind/card-vault\` or a GitHub URL: a repository\n• \`/whoowns #team-payments\`: what the team of a channel owns\n• \`/whoowns @jane\`: what a person and their teams own\n• \`/whoowns\` in a team channel: what that team owns`),
  ];
}

function notFound(result: WhoOwnsResult, options: RenderOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [section(mrkdwn`Nothing in the catalog is called *${truncate(result.query, 200)}*.`)];
  if (result.suggestions.length) {
    blocks.push(...lookups(mrkdwn`Did you mean:`, result.suggestions.map((s) => ({ ref: s.ref, label: s.title ?? nameOf(s.ref) })), options));
  } else {
    blocks.push(context(mrkdwn`Try a service name, a repository (\`org/repo\`), a \`#channel\` or an \`@person\`.`));
  }
  return blocks;
}

function lookups(heading: Mrkdwn, targets: LookupTarget[], options: RenderOptions): KnownBlock[] {
  return lookupChoices(heading, targets, { blockId: 'whoowns:lookup', actionId: WHOOWNS_ACTIONS.lookup }, options);
}

function sharedBy(userId: string): Mrkdwn {
  return mrkdwn`Shared by ${mention.user(userId, 'someone')} with /whoowns`;
}

function warningLines(warnings: string[], limit: number): Mrkdwn {
  const { shown, more } = limitList(warnings, limit);
  return join([...shown.map((warning) => mrkdwn`:warning: ${warning}`), ...(more ? [`…and ${more} more`] : [])], '\n');
}

function teamLine(team: TeamInfo, plainNames = false): Mrkdwn {
  const parts = [team.found ? mrkdwn`*${team.displayName}*` : mrkdwn`${team.ref} _(not in the catalog)_`];
  if (team.slackChannel) parts.push(channelMention(team.slackChannel));
  if (team.userGroup) parts.push(mention.userGroup(plainNames ? null : team.userGroup.id, team.userGroup.handle));
  return join(parts, '  ');
}

function peopleLine(people: PersonInfo[], limit = MEMBER_LIMIT, plainNames = false): Mrkdwn {
  const { shown, more } = limitList(people, limit);
  const names = shown.map((person) => mention.user(plainNames ? null : person.slackUserId, person.displayName));
  return mrkdwn`${join(names, ', ')}${more ? ` …and ${more} more` : ''}`;
}

function ownedLines(owns: StoredEntity[]): Mrkdwn {
  if (owns.length === 0) return mrkdwn`_owns nothing in the catalog yet_`;
  const { shown, more } = limitList(owns, OWNED_LIMIT);
  const lines = shown.map((entity) => {
    const type = (entity.entity.spec as { type?: unknown } | undefined)?.type;
    const inferred = inferenceOf(entity) ? ' · owner inferred' : '';
    return mrkdwn`• ${titleOf(entity)}  _${kindLabel(entity.kind)}${typeof type === 'string' ? ` · ${type}` : ''}${inferred}_`;
  });
  return join([...lines, ...(more ? [`…and ${more} more`] : [])], '\n');
}

/** slack.com/channel holds a channel id (a mention Slack renders as a link) or a name (readable text). */
function channelMention(channel: string): Mrkdwn {
  return mention.channel(channel, channel);
}

export function repositoryOf(entity: StoredEntity): { url: string; label: string } | null {
  const annotations = entity.entity.metadata.annotations ?? {};
  const slug = annotations['github.com/project-slug'];
  if (slug) return { url: `https://github.com/${slug}`, label: slug };
  const source = annotations['backstage.io/source-location'];
  if (source) {
    const url = source.replace(/^url:/, '');
    if (/^https?:\/\//.test(url)) return { url, label: url.replace(/^https?:\/\//, '').replace(/\/tree\/.*$/, '') };
  }
  return null;
}

/** The docs link, with the build's age and a warning when stale or unreachable, from the docs cache. */
function docsLine(docs: { url: string; label: string; builtAgo?: string | null; stale?: boolean | null; unreachable?: boolean }): Mrkdwn {
  const parts: Interpolation[] = [link(docs.url, docs.label)];
  if (docs.builtAgo) parts.push(`built ${docs.builtAgo}`);
  if (docs.stale) parts.push(':warning: stale');
  if (docs.unreachable) parts.push(':warning: unreachable');
  return join(parts, ' · ');
}

export function docsLinkOf(entity: StoredEntity): { url: string; label: string } | null {
  const link = (entity.entity.metadata.links ?? []).find((candidate) => candidate.type === 'docs' || candidate.icon === 'docs');
  return link ? { url: link.url, label: link.title ?? 'Documentation' } : null;
}

function titleOf(entity: StoredEntity): string {
  const title = entity.entity.metadata.title;
  return typeof title === 'string' && title.trim() ? title : entity.name;
}

function kindLabel(kind: string): string {
  const labels: Record<string, string> = { api: 'API', component: 'Component', resource: 'Resource', system: 'System', domain: 'Domain', group: 'Team', user: 'Person', template: 'Template', location: 'Location', rotation: 'Rotation' };
  return labels[kind] ?? kind;
}

function nameOf(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}
