import { z } from 'zod';
import { whoOwns } from '../../commands/whoowns';
import { renderWhoOwns } from '../../commands/whoowns.blocks';
import { UserFacingError } from '../errors';
import { find, findJson } from '../../commands/find';
import { ownerRefOf, type SearchAnswer, type SearchFilters } from './catalogSearch';
import { defineTool, type McpPorts } from './context';
import { cardText, entityJson, entityJsonSchema, entityText, entityUri, requireEntity, TEXT_CARD } from './entities';

const query = (what: string) =>
  z
    .string({ required_error: `send ${what}`, invalid_type_error: `send ${what} as a string` })
    .trim()
    .min(1, `send ${what}; it was empty`)
    .max(500, 'send at most 500 characters');

const person = z.object({ name: z.string(), email: z.string().nullable(), userRef: z.string().nullable(), slackUserId: z.string().nullable(), level: z.number().nullable(), until: z.string().nullable() }).passthrough();

const whoOwnsOutput = z
  .object({
    query: z.string(),
    match: z.string().nullable().describe('the entity the query names; null when nothing matched (see suggestions)'),
    owner: z
      .object({
        ref: z.string(),
        found: z.boolean().describe('false when the owner named in the spec is not in the catalog'),
        displayName: z.string(),
        members: z.array(z.string()),
        slackChannel: z.string().nullable(),
        escalation: z.object({ ref: z.string(), members: z.array(z.string()) }).passthrough().nullable().describe('the nearest team above with people, when the owner has none'),
        oncall: z.array(person).describe('who is on call now for the owner'),
      })
      .passthrough()
      .nullable(),
    provenance: z
      .object({ kind: z.enum(['declared', 'inferred']), evidence: z.string() })
      .passthrough()
      .nullable()
      .optional()
      .describe('whether the ownership is declared in catalog-info.yaml or inferred (CODEOWNERS, team permissions), and the evidence'),
    alternatives: z.array(z.string()).describe('other entities the query names as well'),
    warnings: z.array(z.string()).describe('weak ownership: an owner missing from the catalog, an individual owner, a team without members, people who left'),
    suggestions: z.array(z.string()).describe('near misses when nothing matched'),
  })
  .passthrough();

export const whoOwnsTool = defineTool({
  name: 'who_owns',
  title: 'Who owns it',
  description:
    "Who owns a service, API, resource, system, team or person in the software catalog: the owning team with its Slack channel and members, who is on call now, the escalation team, and warnings about weak ownership. Accepts a name, title, ref (component:default/payments-service), or a GitHub repository (org/repo or its URL). The same answer as Slack's /whoowns and `backline whoowns --json`.",
  input: z.object({ query: query('a name, title, ref or repository, e.g. payments-service or northwind/card-vault') }),
  output: whoOwnsOutput,
  readOnly: true,
  openWorld: true,
  async answer({ query: text }, { ports }) {
    const result = await whoOwns(text, { catalog: ports.catalog, oncall: ports.oncall, docs: ports.docs });
    return {
      structured: ports.whoOwnsJson(result) as z.infer<typeof whoOwnsOutput>,
      text: cardText(renderWhoOwns(result, TEXT_CARD)),
      links: result.match ? [{ uri: entityUri(result.match.ref), name: result.match.ref, mimeType: 'application/json' }] : [],
    };
  },
});

const searchOutput = z.object({
  query: z.string(),
  filters: z.object({ kind: z.array(z.string()).optional(), owner: z.string().optional(), tag: z.array(z.string()).optional() }).passthrough(),
  results: z.array(
    z
      .object({
        ref: z.string(),
        kind: z.string(),
        title: z.string().nullable(),
        owner: z.string().nullable(),
        score: z.number().describe('0 to 1, best first'),
        why: z.string().describe('what matched'),
      })
      .passthrough(),
  ),
  suggestions: z.array(z.string()),
});

const kindFilter = z
  .array(z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9-]*$/, 'send kinds as words such as component, api, resource, system, group'))
  .max(10)
  .optional()
  .describe('only these kinds, e.g. ["component", "api"]');

export const searchCatalogTool = defineTool({
  name: 'search_catalog',
  title: 'Search the catalog',
  description:
    "Search the software catalog as Slack's /find does: names, titles, descriptions, tags, owners, API definitions and docs pages, with typo correction; optionally only some kinds, only what one team (and its sub-teams) owns, or only entities with given tags. Each result has its owner, a score and why it matched.",
  input: z.object({
    query: query('the words to look for, e.g. payments or geocoding'),
    kind: kindFilter,
    owner: z.string().trim().min(1).max(200).optional().describe('only what this team or person owns: payments, group:default/payments or user:default/jane'),
    tag: z.array(z.string().trim().min(1).max(63)).max(10).optional().describe('only entities with every one of these tags'),
    limit: z.number({ invalid_type_error: 'send limit as a number from 1 to 50' }).int().min(1, 'send a limit from 1 to 50').max(50, 'send a limit from 1 to 50').optional().describe('at most this many results (default 10)'),
  }),
  output: searchOutput,
  readOnly: true,
  openWorld: false,
  async answer(args, { ports }) {
    const owner = args.owner === undefined ? undefined : ownerRefOf(args.owner);
    if (args.owner !== undefined && !owner) throw new UserFacingError(`"${args.owner}" is not a team or person: send owner as a name or ref, e.g. payments or group:default/payments.`);
    const filters = { ...(args.kind?.length && { kind: args.kind }), ...(owner && { owner }), ...(args.tag?.length && { tag: args.tag }) };
    const answer = await searchWithFind(args.query, filters, args.limit ?? 10, ports.finder);
    const lines = answer.results.map((hit) => `${hit.ref}${hit.title ? ` "${hit.title}"` : ''}  owner ${hit.owner ?? 'none'}  (${hit.why}, ${hit.score})`);
    const text = lines.length
      ? `${lines.length} result(s) for "${answer.query}":\n${lines.join('\n')}`
      : `Nothing in the catalog fits "${answer.query}"${Object.keys(filters).length ? ' with those filters' : ''}.${answer.suggestions.length ? ` Did you mean ${answer.suggestions.join(', ')}?` : ''}`;
    return { structured: answer, text, links: answer.results.slice(0, 10).map((hit) => ({ uri: entityUri(hit.ref), name: hit.ref, mimeType: 'application/json' })) };
  },
});

export const getEntityTool = defineTool({
  name: 'get_entity',
  title: 'Get an entity',
  description: 'One catalog entity as its catalog-info.yaml declares it, with every relation (owner, system, dependencies, APIs, members) as refs to follow with get_entity again.',
  input: z.object({ ref: query('a ref such as component:default/payments-service, or a name, title or repository') }),
  output: entityJsonSchema,
  readOnly: true,
  openWorld: false,
  async answer({ ref }, { ports }) {
    const entity = await requireEntity(ref, ports.catalog, { name: 'ref', example: 'component:default/payments-service' });
    const json = await entityJson(entity, ports.catalog);
    return { structured: json, text: entityText(json), links: [{ uri: json.uri, name: json.ref, mimeType: 'application/json' }] };
  },
});

/** The answer of `/find` (its core, `backline search --json`) for the words and the tool's filters, written as /find's filters. */
async function searchWithFind(query: string, filters: SearchFilters, limit: number, finder: McpPorts['finder']): Promise<SearchAnswer> {
  // Filter values become /find's own filter words; anything else typed stays words, never syntax.
  const typed = [query, ...(filters.kind ?? []).map((kind) => `kind:${kind}`), ...(filters.owner ? [`owner:${filters.owner}`] : []), ...(filters.tag ?? []).map((tag) => `tag:${tag}`)].join(' ');
  const json = findJson(await find(typed, { finder }, { limit }));
  return { query, filters, results: json.results.map((hit) => ({ ...hit, title: hit.title || null })), suggestions: json.suggestions };
}
