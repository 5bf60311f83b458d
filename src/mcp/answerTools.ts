import { z } from 'zod';
import { findDocsOf } from '../../commands/docs';
import { renderDocs } from '../../commands/docs.blocks';
import { onCall, onCallJson } from '../../commands/oncall';
import { renderOnCall } from '../../commands/oncall.blocks';
import { canonicalEntityRef } from '../catalog/model';
import { TECHDOCS_REF } from '../docs/resolve';
import { UserFacingError } from '../errors';
import { isTimeZone } from '../health/cadence';
import { checksById } from '../health/scoring';
import { INSTANT_HINT, parseInstant } from '../oncall/instant';
import { defineTool } from './context';
import { cardText, docsPageUri, entityUri, requireEntity, TEXT_CARD } from './entities';
import { teamHealth, teamHealthText, teamHealthOutput } from './teamHealth';

const text = (what: string, max = 500) => z.string({ required_error: `send ${what}`, invalid_type_error: `send ${what} as a string` }).trim().min(1, `send ${what}; it was empty`).max(max, `send at most ${max} characters`);

const TEAM = { name: 'team', example: 'group:default/payments' };

const person = { name: z.string(), email: z.string().nullable(), userRef: z.string().nullable(), slackUserId: z.string().nullable(), level: z.number(), until: z.string().nullable() };

export const onCallTool = defineTool({
  name: 'on_call',
  title: 'Who is on call',
  description:
    "Who is on call for a team or service, now or at a given instant, until when, and who is next: from PagerDuty, Opsgenie or a catalog Rotation, found through the service's owner and the owner's parent teams. The same answer as Slack's /oncall and `backline oncall --json`.",
  input: z.object({
    query: text('a team or service: a name, ref or #channel, e.g. payments or component:default/payments-service'),
    at: z
      .string({ invalid_type_error: `send at as ${INSTANT_HINT}` })
      .refine((value) => parseInstant(value) !== undefined, `send at as ${INSTANT_HINT}`)
      .optional()
      .describe('answer for this instant instead of now (no offset means UTC)'),
    timeZone: z.string().max(64, 'send timeZone as an IANA time zone such as Europe/Berlin').refine(isTimeZone, 'send timeZone as an IANA time zone such as Europe/Berlin').optional().describe("the zone of the text answer's times (the JSON is in UTC)"),
  }),
  output: z
    .object({
      query: z.string(),
      target: z.string().nullable(),
      source: z.enum(['pagerduty', 'opsgenie', 'rotation']).nullable(),
      oncall: z.array(z.object(person).passthrough()),
      next: z.array(z.object({ ...person, from: z.string().nullable() }).passthrough()),
      via: z.object({ ref: z.string(), relation: z.string() }).passthrough().nullable().describe('where the on-call is set: the entity itself, its owner, or a parent team'),
      pageUrl: z.string().nullable(),
      at: z.string().nullable(),
      warnings: z.array(z.string()),
      suggestions: z.array(z.string()),
    })
    .passthrough(),
  readOnly: true,
  openWorld: true,
  async answer({ query, at, timeZone }, { ports }) {
    const result = await onCall({ text: query, at: at === undefined ? undefined : parseInstant(at), defaultTimeZone: timeZone ?? ports.timeZone }, { catalog: ports.catalog, oncall: ports.oncall });
    return {
      structured: onCallJson(result),
      text: cardText(renderOnCall(result, TEXT_CARD)),
      links: result.target ? [{ uri: entityUri(result.target.ref), name: result.target.ref, mimeType: 'application/json' }] : [],
    };
  },
});

const docsOutput = z
  .object({
    entity: z.string().nullable(),
    url: z.string().nullable().describe('where to open the docs: the built TechDocs site, else a docs link from metadata.links'),
    siteName: z.string().nullable(),
    builtAt: z.string().nullable(),
    builtAgo: z.string().nullable(),
    stale: z.boolean().nullable(),
    staleReason: z.string().nullable(),
    pages: z.array(
      z
        .object({ title: z.string(), url: z.string(), score: z.number(), snippet: z.string(), entity: z.string(), uri: z.string().describe('the backline://docs/… resource with the page text') })
        .passthrough(),
    ),
    searchedEverySite: z.boolean(),
    warnings: z.array(z.string()),
    suggestions: z.array(z.string()),
  })
  .passthrough();

export const findDocsTool = defineTool({
  name: 'find_docs',
  title: 'Find docs',
  description:
    "Where an entity's built docs (TechDocs) are, when they were built and whether they are stale; with words, the best matching pages of its site, or of every site when no entity is given. Each page names a backline://docs/… resource holding its text.",
  input: z.object({
    entity: z.string().trim().min(1).max(300).optional().describe('a name or ref, e.g. kyc-service or component:default/kyc-service'),
    words: z.string().trim().min(1).max(300).optional().describe('words to search for, e.g. rollback'),
  }),
  output: docsOutput,
  readOnly: true,
  openWorld: true,
  async answer({ entity, words }, { ports }) {
    if (!entity && !words) throw new UserFacingError('Send entity (a name or ref such as kyc-service), words to search every docs site for (such as rollback), or both.');
    const result = await findDocsOf({ entity, words }, { catalog: ports.catalog, docs: ports.docs });
    if (entity && !result.entity) {
      const hint = result.suggestions.length ? ` Did you mean ${result.suggestions.map((near) => canonicalEntityRef(near.ref)).join(', ')}?` : '';
      throw new UserFacingError(`Nothing in the catalog is called "${entity}".${hint} Send entity as a name or ref, or leave it out to search every docs site for the words.`);
    }
    const site = result.site;
    const noDocs = result.noDocs && result.entity ? [`${result.entity.ref} has no docs: add the annotation ${TECHDOCS_REF}: dir:. to its catalog-info.yaml and publish its TechDocs, or a link of type docs in metadata.links.`] : [];
    const pages = result.pages.map((page) => ({ title: page.title, url: page.url, score: page.score, snippet: page.snippet, entity: canonicalEntityRef(page.entityRef), uri: docsPageUri(page.entityRef, page.location) }));
    return {
      structured: {
        entity: result.entity ? canonicalEntityRef(result.entity.ref) : null,
        url: site?.openUrl ?? result.link?.url ?? null,
        siteName: site?.siteName ?? null,
        builtAt: site?.builtAt?.toISOString() ?? null,
        builtAgo: site?.builtAgo ?? null,
        stale: site?.stale ?? null,
        staleReason: site?.staleReason ?? null,
        pages,
        searchedEverySite: result.searchedEverySite,
        warnings: [...noDocs, ...result.warnings],
        suggestions: result.suggestions.map((near) => canonicalEntityRef(near.ref)),
      },
      text: cardText(renderDocs(result, TEXT_CARD)),
      // A page and its sections share one resource: the page is read whole.
      links: pages.filter((page, index) => pages.findIndex((other) => other.uri === page.uri) === index).map((page) => ({ uri: page.uri, name: page.title, description: `${page.entity}: ${page.url}`, mimeType: 'text/markdown' })),
    };
  },
});

export const teamHealthTool = defineTool({
  name: 'team_health',
  title: 'Team health',
  description:
    "A team's health: its score and level (bronze, silver, gold), each entity it owns with its score, and every failing check with why it matters and how to fix it. Read from the last evaluation (serve evaluates hourly); a team never evaluated is evaluated now.",
  input: z.object({ team: text('a team (a catalog Group): a name or ref such as payments or group:default/payments', 300) }),
  output: teamHealthOutput,
  readOnly: true,
  openWorld: true,
  async answer({ team }, { ports }) {
    const entity = await requireEntity(team, ports.catalog, TEAM);
    if (entity.kind !== 'group') {
      const owner = (await ports.catalog.relationsFrom(entity.refKey, ['ownedBy', 'memberOf']))[0];
      throw new UserFacingError(`${canonicalEntityRef(entity.ref)} is a ${entity.kind}, not a team. Send team as a Group${owner ? `, such as ${canonicalEntityRef(owner.targetRef)}` : ', such as group:default/payments'}.`);
    }
    const health = await teamHealth(entity, ports);
    return { structured: health, text: teamHealthText(health, checksById(ports.health.reader.scorecard())), links: [{ uri: entityUri(entity.ref), name: entity.ref, mimeType: 'application/json' }] };
  },
});
