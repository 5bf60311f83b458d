import { z } from 'zod';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { personOf, whoOwns } from '../../commands/whoowns';
import { canonicalEntityRef } from '../catalog/model';
import type { StoredEntity } from '../catalog/store';
import { UserFacingError } from '../errors';
import type { McpContext } from './context';
import { entityJson, entityUri, requireEntity } from './entities';

const LISTED = 40;

const titleOf = (entity: StoredEntity) => (typeof entity.entity.metadata.title === 'string' ? entity.entity.metadata.title : entity.name);
const typeOf = (entity: StoredEntity) => {
  const type = (entity.entity.spec as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? ` (${entity.kind}, ${type})` : ` (${entity.kind})`;
};
const lines = (entities: StoredEntity[]) => [...entities.slice(0, LISTED).map((entity) => `- ${canonicalEntityRef(entity.ref)}: ${titleOf(entity)}${typeOf(entity)}`), ...(entities.length > LISTED ? [`- …and ${entities.length - LISTED} more`] : [])];

/**
 * Prompts an assistant offers its user as commands: each names the tools to answer with, and
 * carries what the catalog says now, so the first answer is grounded before any tool is called.
 */
export function registerPrompts(server: McpServer, context: McpContext): void {
  const { catalog } = context.ports;
  const groups = async (value: string) => (await catalog.findByNamePrefix(value, 20, ['group'])).map((group) => group.name);

  server.registerPrompt(
    'onboard_me',
    {
      title: 'Onboard me to a team',
      description: 'A brief for someone joining a team: what it owns, its people and on-call, where the docs and runbooks are, and what to fix first.',
      argsSchema: { team: completable(z.string().max(300, 'send team as a Group name or ref, e.g. payments').describe('the team: a Group name or ref, e.g. payments'), groups) },
    },
    ({ team }) =>
      context.audited({ prompt: 'onboard_me', arguments: { team } }, async () => {
        const group = await requireEntity(team, catalog, { name: 'team', example: 'group:default/payments' });
        if (group.kind !== 'group') throw new UserFacingError(`${canonicalEntityRef(group.ref)} is a ${group.kind}, not a team: send team as a Group name or ref, e.g. payments.`);
        const relations = await catalog.relationsFrom(group.refKey, ['ownerOf', 'hasMember', 'childOf']);
        const refs = (type: string) => relations.filter((relation) => relation.type === type).map((relation) => relation.targetRef.toLowerCase());
        const [owned, members] = await Promise.all([catalog.getManyByRef(refs('ownerOf')), catalog.getManyByRef(refs('hasMember'))]);
        const ref = canonicalEntityRef(group.ref);
        const text = [
          `I am joining the team ${titleOf(group)} (${ref}). Using Backline's tools, give me an onboarding brief:`,
          `1. What the team owns and how it fits together: systems, services, APIs and what depends on them (get_entity, who_owns).`,
          `2. Who is on the team, and who is on call now (on_call ${ref}).`,
          `3. Where the docs and runbooks are, and whether they are stale (find_docs for each service; read the backline://docs/… pages that matter).`,
          `4. The team's health: what fails and which fixes come first (team_health ${ref}).`,
          `End with the three things I should read or do first.`,
          '',
          `What the catalog says now:`,
          ...(typeof group.entity.metadata.description === 'string' ? [group.entity.metadata.description] : []),
          `Members (${members.length}): ${members.map((member) => personOf(member).displayName).join(', ') || 'none in the catalog'}`,
          `Owns (${owned.length}):`,
          ...lines(owned),
        ].join('\n');
        return {
          description: `Onboarding to ${titleOf(group)}`,
          messages: [
            { role: 'user' as const, content: { type: 'text' as const, text } },
            { role: 'user' as const, content: { type: 'resource' as const, resource: { uri: entityUri(group.ref), mimeType: 'application/json', text: JSON.stringify(await entityJson(group, catalog)) } } },
          ],
        };
      }),
  );

  server.registerPrompt(
    'review_change',
    {
      title: 'Who should review a change',
      description: "Who should review a change to a repository: the owning team's people, and the owners of what depends on it.",
      argsSchema: {
        repository: z.string().max(500, 'send repository as org/repo or its GitHub URL').describe('the repository: org/repo, its GitHub URL, or the name of what it holds'),
        change: z.string().max(4000, 'send change as a sentence or two, at most 4,000 characters').optional().describe('what the change does, in a sentence'),
      },
    },
    ({ repository, change }) =>
      context.audited({ prompt: 'review_change', arguments: { repository } }, async () => {
        const answer = await whoOwns(repository, { catalog, oncall: context.ports.oncall });
        if (!answer.match) {
          const hint = answer.suggestions.length ? ` Did you mean ${answer.suggestions.map((near) => canonicalEntityRef(near.ref)).join(', ')}?` : '';
          throw new UserFacingError(`No catalog entity is the repository "${repository}".${hint} Send repository as org/repo, its GitHub URL, or the name of the component it holds.`);
        }
        const match = answer.match;
        const dependents = await dependentsOf(match, context);
        const owner = answer.owner;
        const team = owner ? `${owner.displayName} (${canonicalEntityRef(owner.ref)})${owner.slackChannel ? `, Slack ${owner.slackChannel}` : ''}` : 'nobody: it has no owner in the catalog';
        const text = [
          `Who should review this change to ${repository} (${canonicalEntityRef(match.ref)})?${change ? ` The change: ${change}` : ''}`,
          `Suggest two or three reviewers with a reason each: people of the owning team first, then owners of dependents the change could break. Use who_owns and get_entity to check anything below, and on_call only if the change is urgent.`,
          '',
          `What the catalog says now:`,
          `Owned by ${team}.`,
          ...(owner ? [`Members: ${owner.members.map((member) => `${member.displayName} (${canonicalEntityRef(member.ref)})`).join(', ') || `none${owner.escalation ? `; the nearest team with people is ${canonicalEntityRef(owner.escalation.ref)}` : ''}`}`] : []),
          ...(answer.oncall?.oncall.length ? [`On call now: ${answer.oncall.oncall.map((person) => person.name).join(', ')}`] : []),
          ...answer.warnings.map((warning) => `Warning: ${warning}`),
          `Depended on by (${dependents.length}):`,
          ...(dependents.length ? dependents.slice(0, LISTED).map(({ ref, owner: by }) => `- ${ref}, owned by ${by ?? 'nobody'}`) : ['- nothing in the catalog']),
        ].join('\n');
        return { description: `Reviewers for ${canonicalEntityRef(match.ref)}`, messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] };
      }),
  );
}

/** What depends on the entity, directly or through an API it provides, with each one's owner. */
async function dependentsOf(entity: StoredEntity, context: McpContext): Promise<Array<{ ref: string; owner: string | null }>> {
  const { catalog } = context.ports;
  const relations = await catalog.relationsFrom(entity.refKey, ['dependencyOf', 'providesApi', 'apiConsumedBy']);
  const apis = relations.filter((relation) => relation.type === 'providesApi').map((relation) => relation.targetRef.toLowerCase());
  const consumers = apis.length ? await catalog.relationsFromMany(apis, ['apiConsumedBy']) : [];
  const refs = [...new Set([...relations.filter((relation) => relation.type !== 'providesApi'), ...consumers].map((relation) => relation.targetRef.toLowerCase()))].filter((ref) => ref !== entity.refKey);
  const owners = refs.length ? await catalog.relationsFromMany(refs, ['ownedBy']) : [];
  const ownerOf = new Map(owners.map((relation) => [relation.sourceRef.toLowerCase(), canonicalEntityRef(relation.targetRef)]));
  return refs.sort().map((ref) => ({ ref: canonicalEntityRef(ref), owner: ownerOf.get(ref) ?? null }));
}
