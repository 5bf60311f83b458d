import type { KnownBlock, SectionBlock, ActionsBlock, Button } from '@slack/types';
import { limitList, truncate } from '../src/slack/blockKitLimits';
import type { StoredEntity } from '../src/catalog/store';
import type { PersonInfo, TeamInfo, TeamsResult, WhoOwnsResult } from './whoowns';
import { onCallField } from './oncall.blocks';

/** Action ids the whoowns card uses; listeners route on the `whoowns:` prefix. */
export const WHOOWNS_ACTIONS = {
  lookup: 'whoowns:lookup',
  share: 'whoowns:share',
} as const;

export interface RenderOptions {
  /** Leave out the "Share in channel" button (the shared copy itself). */
  shared?: { by: string };
  /** Rendering for the App Home tab: no share button, no "shared by" line. */
  home?: boolean;
  /** Show people as names rather than Slack mentions (the local shell, where mentions mean nothing). */
  plainNames?: boolean;
}

const MEMBER_LIMIT = 20;
const OWNED_LIMIT = 15;
const TEAM_LIMIT = 8;
const WARNING_LIMIT = 5;

/** The /whoowns card for one entity, or the "did you mean" answer when nothing matched. */
export function renderWhoOwns(result: WhoOwnsResult, options: RenderOptions = {}): KnownBlock[] {
  if (!result.query) return usage();
  if (!result.match) return notFound(result);
  const entity = result.match;
  const spec = (entity.entity.spec ?? {}) as Record<string, unknown>;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(titleOf(entity), 150), emoji: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate([kindLabel(entity.kind), spec.type, spec.lifecycle].filter((part) => typeof part === 'string' && part).join(' · ') + `   \`${entity.ref}\``, 3000) }] },
  ];
  const description = entity.entity.metadata.description;
  if (typeof description === 'string' && description.trim()) blocks.push(section(truncate(escape(description.trim()), 3000)));

  const fields: string[] = [];
  if (result.owner) fields.push(`*Owner*\n${teamLine(result.owner, options.plainNames)}`);
  fields.push(`*On call*\n${onCallField(result.oncall, { plainNames: options.plainNames })}`);
  const repo = repositoryOf(entity);
  if (repo) fields.push(`*Repository*\n<${repo.url}|${escape(repo.label)}>`);
  const docs = result.docs !== undefined ? result.docs : docsLinkOf(entity);
  if (docs) fields.push(`*Docs*\n${docsLine(docs)}`);
  const placement = result.placement;
  if (placement?.system || placement?.domain) fields.push(`*System*\n${[placement.system, placement.domain].filter(Boolean).map((ref) => nameOf(ref!)).join(' · ')}`);
  if (placement && (placement.dependsOn || placement.dependencyOf || placement.providesApis || placement.consumesApis)) {
    fields.push(`*Dependencies*\n${[
      placement.dependsOn && `depends on ${placement.dependsOn}`,
      placement.dependencyOf && `used by ${placement.dependencyOf}`,
      placement.providesApis && `provides ${placement.providesApis} API${placement.providesApis > 1 ? 's' : ''}`,
      placement.consumesApis && `consumes ${placement.consumesApis} API${placement.consumesApis > 1 ? 's' : ''}`,
    ].filter(Boolean).join(' · ')}`);
  }
  blocks.push({ type: 'section', fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: truncate(text, 2000) })) });

  if (result.owner?.members.length) blocks.push(section(`*${result.owner.kind === 'user' ? 'Person' : 'Members'}:* ${peopleLine(result.owner.members, MEMBER_LIMIT, options.plainNames)}`));
  if (result.owner?.escalation) {
    const parent = result.owner.escalation;
    blocks.push(section(`*Nearest team with people:* ${teamLine(parent, options.plainNames)}\n${peopleLine(parent.members, MEMBER_LIMIT, options.plainNames)}`));
  }
  if (result.warnings.length) {
    const { shown, more } = limitList(result.warnings, WARNING_LIMIT);
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate([...shown.map((w) => `:warning: ${escape(w)}`), ...(more ? [`…and ${more} more`] : [])].join('\n'), 3000) }] });
  }
  if (result.alternatives.length) {
    blocks.push(section(`Also called *${escape(result.query)}*:`));
    blocks.push(lookupButtons(result.alternatives.map((alt) => ({ ref: alt.ref, label: `${kindLabel(alt.kind)} ${alt.name}` }))));
  }
  if (options.shared) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Shared by <@${options.shared.by}> with /whoowns` }] });
  } else {
    blocks.push({ type: 'actions', block_id: 'whoowns:card', elements: [button('Share in channel', WHOOWNS_ACTIONS.share, `ref:${entity.ref}`, 'primary')] });
  }
  return blocks;
}

/** "What does #channel own?" and "what do @person's teams own?". */
export function renderTeamsOwnership(result: TeamsResult, options: RenderOptions = {}): KnownBlock[] {
  const subject =
    result.input.kind === 'person'
      ? result.person
        ? `What ${result.person.displayName} and their teams own`
        : `What <@${result.input.slackUserId}> owns`
      : `What ${result.input.channelId ? `<#${result.input.channelId}>` : `#${result.input.channelName ?? 'this channel'}`} owns`;
  const blocks: KnownBlock[] = [section(`*${subject}*`)];
  const { shown: teams, more: moreTeams } = limitList(result.teams, TEAM_LIMIT);
  for (const { team, owns } of teams) {
    blocks.push({ type: 'divider' });
    blocks.push(section(`*${escape(team.displayName)}*  ${team.slackChannel ? channelMention(team.slackChannel) : ''}\n${team.members.length ? peopleLine(team.members, 10, options.plainNames) : '_no members in the catalog_'}`));
    blocks.push(section(ownedLines(owns)));
  }
  if (moreTeams) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${moreTeams} more teams` }] });
  if (result.ownedDirectly.length) {
    blocks.push({ type: 'divider' }, section(`*Owned by ${escape(result.person?.displayName ?? 'them')} directly*\n${ownedLines(result.ownedDirectly)}`));
  }
  if (result.warnings.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(result.warnings.map((w) => `:warning: ${escape(w)}`).join('\n'), 3000) }] });
  if (!options.shared && !options.home && result.teams.length) {
    const value = result.input.kind === 'person' ? `person:${result.input.slackUserId}` : `channel:${result.input.channelId ?? ''}|${result.input.channelName ?? ''}`;
    blocks.push({ type: 'actions', block_id: 'whoowns:teams', elements: [button('Share in channel', WHOOWNS_ACTIONS.share, value, 'primary')] });
  }
  if (options.shared) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Shared by <@${options.shared.by}> with /whoowns` }] });
  return blocks;
}

/** The App Home tab: the viewer's teams and what they own, or how to get listed. */
export function renderHome(result: TeamsResult): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'My teams' } }];
  if (result.teams.length === 0 && result.ownedDirectly.length === 0) {
    blocks.push(section('You are not on any team in the catalog yet. Ask your platform team to add you to a Group (a User entity with your email in `spec.profile.email` and the team in `spec.memberOf`).'));
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Meanwhile, `/whoowns <anything>` works anywhere in Slack.' }] });
    return blocks;
  }
  // The home tab has no response_url for buttons, so it shows the shared (button-free) form.
  return [...blocks, ...renderTeamsOwnership(result, { shared: undefined, home: true })];
}

/** The one-line summary Slack shows in notifications and where blocks cannot render. */
export function summaryText(result: WhoOwnsResult | TeamsResult): string {
  if (result.kind === 'teams') return `${result.teams.length} team(s) found`;
  if (!result.match) return `Nothing in the catalog is called "${result.query}"`;
  return result.owner ? `${result.match.ref} is owned by ${result.owner.displayName}` : `${result.match.ref} has no owner`;
}

function usage(): KnownBlock[] {
  return [
    section('*Who owns what?* Ask about anything in the catalog:'),
    section('• `/whoowns payments-service`: a service, API, resource or system, by name, title or ref\n• `/whoowns northwind/card-vault` or a GitHub URL: a repository\n• `/whoowns #team-payments`: what the team of a channel owns\n• `/whoowns @jane`: what a person and their teams own\n• `/whoowns` in a team channel: what that team owns'),
  ];
}

function notFound(result: WhoOwnsResult): KnownBlock[] {
  const blocks: KnownBlock[] = [section(`Nothing in the catalog is called *${escape(truncate(result.query, 200))}*.`)];
  if (result.suggestions.length) {
    blocks.push(section('Did you mean:'));
    blocks.push(lookupButtons(result.suggestions.map((s) => ({ ref: s.ref, label: s.title ?? nameOf(s.ref) }))));
  } else {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Try a service name, a repository (`org/repo`), a `#channel` or an `@person`.' }] });
  }
  return blocks;
}

function lookupButtons(targets: Array<{ ref: string; label: string }>): ActionsBlock {
  return {
    type: 'actions',
    block_id: 'whoowns:lookup',
    // action_id must be unique within a block, so each button carries its position.
    elements: targets.slice(0, 5).map((target, index) => button(target.label, `${WHOOWNS_ACTIONS.lookup}:${index}`, `ref:${target.ref}`)),
  };
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: { type: 'plain_text', text: truncate(text, 75), emoji: true }, action_id: actionId, value: truncate(value, 2000), ...(style && { style }) };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

function teamLine(team: TeamInfo, plainNames = false): string {
  const parts = [team.found ? `*${escape(team.displayName)}*` : `${escape(team.ref)} _(not in the catalog)_`];
  if (team.slackChannel) parts.push(channelMention(team.slackChannel));
  if (team.userGroup) parts.push(team.userGroup.id && !plainNames ? `<!subteam^${team.userGroup.id}>` : `@${escape(team.userGroup.handle)}`);
  return parts.join('  ');
}

function peopleLine(people: PersonInfo[], limit = MEMBER_LIMIT, plainNames = false): string {
  const { shown, more } = limitList(people, limit);
  const names = shown.map((person) => (person.slackUserId && !plainNames ? `<@${person.slackUserId}>` : escape(person.displayName)));
  return names.join(', ') + (more ? ` …and ${more} more` : '');
}

function ownedLines(owns: StoredEntity[]): string {
  if (owns.length === 0) return '_owns nothing in the catalog yet_';
  const { shown, more } = limitList(owns, OWNED_LIMIT);
  const lines = shown.map((entity) => {
    const type = (entity.entity.spec as { type?: unknown } | undefined)?.type;
    return `• ${escape(titleOf(entity))}  _${kindLabel(entity.kind)}${typeof type === 'string' ? ` · ${escape(type)}` : ''}_`;
  });
  if (more) lines.push(`…and ${more} more`);
  return lines.join('\n');
}

/** A channel id becomes a mention Slack renders as a link; a bare name stays readable text. */
function channelMention(channel: string): string {
  return /^[CG][A-Z0-9]{6,}$/.test(channel) ? `<#${channel}>` : `#${escape(channel.replace(/^#/, ''))}`;
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
function docsLine(docs: { url: string; label: string; builtAgo?: string | null; stale?: boolean | null; unreachable?: boolean }): string {
  const parts = [`<${docs.url}|${escape(docs.label)}>`];
  if (docs.builtAgo) parts.push(`built ${docs.builtAgo}`);
  if (docs.stale) parts.push(':warning: stale');
  if (docs.unreachable) parts.push(':warning: unreachable');
  return parts.join(' · ');
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

/** Slack mrkdwn treats &, < and > as control characters; catalog text must not become markup. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
