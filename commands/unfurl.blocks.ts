import type { KnownBlock } from '@slack/types';
import { truncate } from './blockKit/limits';
import { context, join, mention, mrkdwn, section, type Mrkdwn } from './blockKit/mrkdwn';
import { onCallField } from './oncall.blocks';
import type { MatchKind, WhoOwnsResult } from './whoowns';

/**
 * The card a pasted link unfurls into: what it is, the team that owns it with its channel, and who
 * is on call now. Compact: it sits under someone else's message.
 */
export function renderUnfurl(result: WhoOwnsResult, options: { source?: MatchKind } = {}): KnownBlock[] {
  const entity = result.match!;
  const spec = (entity.entity.spec ?? {}) as Record<string, unknown>;
  const title = typeof entity.entity.metadata.title === 'string' && entity.entity.metadata.title.trim() ? entity.entity.metadata.title : entity.name;
  const kind = [kindLabel(entity.kind), typeof spec.type === 'string' ? spec.type : undefined, typeof spec.lifecycle === 'string' ? spec.lifecycle : undefined].filter((part): part is string => Boolean(part));
  const owner: Mrkdwn = result.owner
    ? join([mrkdwn`*${result.owner.displayName}*`, ...(result.owner.slackChannel ? [mention.channel(result.owner.slackChannel, result.owner.slackChannel)] : [])], '  ')
    : mrkdwn`_no owner in the catalog_`;
  const lines = [mrkdwn`*${truncate(title, 150)}*  _${join(kind, ' · ')}_`, mrkdwn`Owned by ${owner}`, mrkdwn`On call: ${onCallField(result.oncall)}`];
  const notes = [mrkdwn`\`${entity.ref}\``, ...(options.source === 'repository' ? [mrkdwn`from its repository`] : []), ...(result.warnings.length ? [mrkdwn`:warning: ${truncate(result.warnings[0]!, 200)}`] : [])];
  return [section(join(lines, '\n')), context(join(notes, '  ·  '))];
}

function kindLabel(kind: string): string {
  const labels: Record<string, string> = { api: 'API', component: 'Component', resource: 'Resource', system: 'System', domain: 'Domain', group: 'Team', user: 'Person', template: 'Template', location: 'Location', rotation: 'Rotation' };
  return labels[kind] ?? kind;
}
