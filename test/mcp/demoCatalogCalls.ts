/**
 * What Backline's MCP server answers on the demo catalog, the same over stdio and over HTTP: each
 * transport's test file runs these against its own client.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../support/cli';
import { waitUntil } from '../support/waitFor';

export const TOOLS = ['who_owns', 'on_call', 'search_catalog', 'get_entity', 'find_docs', 'team_health', 'list_templates', 'dry_run_template', 'run_template', 'get_task'];

type Structured = Record<string, any>;

/** A tool call that must answer: its structured document and its text. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<{ structured: Structured; text: string; links: string[] }> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as Array<{ type: string; text?: string; uri?: string }>;
  if (result.isError) throw new Error(`${name} answered an error: ${content[0]?.text}`);
  return { structured: result.structuredContent as Structured, text: content[0]!.text!, links: content.filter((item) => item.type === 'resource_link').map((item) => item.uri!) };
}

/** A tool call that must be refused: the message it gives. */
export async function refusal(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  return (result.content as Array<{ text: string }>)[0]!.text;
}

/** A resource that must read as text. */
export async function readText(client: Client, uri: string): Promise<{ uri: string; mimeType?: string; text: string }> {
  const first = (await client.readResource({ uri })).contents[0]!;
  if (!('text' in first)) throw new Error(`${uri} did not read as text`);
  return first;
}

export const SERVICE_VALUES = (name: string) => ({ name, description: 'Tools for the ledger team.', owner: 'group:default/ledger', repoUrl: `github.com?owner=northwind&repo=${name}`, docs: false });

/** Polls get_task until the task has finished. */
export async function finishedTask(client: Client, task: string): Promise<Structured> {
  let last: Structured = {};
  await waitUntil(
    async () => {
      last = (await call(client, 'get_task', { task })).structured;
      return last.status === 'completed' || last.status === 'failed';
    },
    30_000,
    `task ${task} to finish`,
  );
  return last;
}

/** The tests every transport passes; `databaseUrl` is the catalog the server answers from. */
export function answersOnTheDemoCatalog(client: () => Client, databaseUrl: () => string): void {
  it('lists every tool with JSON Schemas for its input and output, read-only ones annotated as such', async () => {
    const { tools } = await client().listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.description!.length).toBeGreaterThan(60);
      expect(tool.annotations?.readOnlyHint).toBe(tool.name !== 'run_template');
    }
    expect(tools.find((tool) => tool.name === 'who_owns')!.inputSchema).toMatchObject({ properties: { query: { type: 'string' } }, required: ['query'] });
  });

  it('answers who_owns with the document `backline whoowns --json` prints, the card as text, and the entity as a resource', async () => {
    const cli = await runCli(['whoowns', '--json', 'payments-service'], { DATABASE_URL: databaseUrl() });
    const { structured, text, links } = await call(client(), 'who_owns', { query: 'payments-service' });
    expect(structured).toEqual(JSON.parse(cli.stdout));
    expect(structured).toMatchObject({ match: 'component:default/payments-service', owner: { ref: 'group:default/payments', slackChannel: 'C04PAYMENTS1' } });
    expect(text).toContain('Owner: Payments');
    expect(text).toContain('Members: Ana Silva, Ben Okafor');
    expect(links).toEqual(['backline://entity/component/default/payments-service']);
  });

  it('answers who_owns for a typo with suggestions, and warns about weak ownership', async () => {
    expect((await call(client(), 'who_owns', { query: 'paymnets-servce' })).structured).toMatchObject({ match: null, owner: null, suggestions: expect.arrayContaining(['component:default/payments-service']) });
    const individual = (await call(client(), 'who_owns', { query: 'pdf-statements' })).structured;
    expect(individual.warnings).toEqual([expect.stringContaining('is owned by an individual (user:default/dmitri.ivanov) rather than a team')]);
  });

  it('answers on_call from a catalog Rotation at a given instant', async () => {
    const { structured, text } = await call(client(), 'on_call', { query: 'risk', at: '2026-03-02T10:00:00Z' });
    expect(structured).toMatchObject({ target: 'group:default/risk', source: 'rotation', at: '2026-03-02T10:00:00.000Z', via: { ref: 'group:default/risk', relation: 'itself' } });
    expect(structured.oncall).toEqual([expect.objectContaining({ name: 'Ravi Patel', userRef: 'user:default/ravi.patel', level: 1, until: '2026-03-09T09:00:00.000Z' })]);
    expect(structured.next[0]).toMatchObject({ name: 'Elena Petrova', from: '2026-03-09T09:00:00.000Z' });
    expect(text).toContain('Ravi Patel');
  });

  it('searches as /find does, names first, with its filters: kinds, owner and tags', async () => {
    const byKind = (await call(client(), 'search_catalog', { query: 'payments', kind: ['component'] })).structured;
    expect(byKind.filters).toEqual({ kind: ['component'] });
    expect(byKind.results.every((hit: Structured) => hit.kind === 'component')).toBe(true);
    expect(byKind.results.slice(0, 3).map((hit: Structured) => hit.ref)).toEqual(expect.arrayContaining(['component:default/payments-js-sdk', 'component:default/payments-service']));
    expect(byKind.results.find((hit: Structured) => hit.ref === 'component:default/payments-service')).toMatchObject({ title: 'Payments Service', owner: 'group:default/payments', why: 'name: Payments Service (payments-service)' });
    // Beyond names, what the descriptions, tags and owners say, as /find reads them.
    expect(byKind.results.map((hit: Structured) => hit.ref)).toContain('component:default/card-vault');
    const byTitle = (await call(client(), 'search_catalog', { query: 'Hosted Checkout' })).structured;
    expect(byTitle.results[0]).toMatchObject({ ref: 'component:default/checkout-web', why: 'name: Hosted Checkout (checkout-web)' });
    const owned = (await call(client(), 'search_catalog', { query: 'payments', owner: 'payments', tag: ['pci'] })).structured;
    expect(owned.filters).toEqual({ owner: 'group:default/payments', tag: ['pci'] });
    expect(owned.results.every((hit: Structured) => hit.owner === 'group:default/payments')).toBe(true);
    expect(owned.results.map((hit: Structured) => hit.ref)).toEqual(expect.arrayContaining(['component:default/payments-service', 'resource:default/payments-db', 'component:default/card-vault']));
    expect(owned.results.map((hit: Structured) => hit.ref)).not.toContain('component:default/payments-js-sdk');
    const nothing = (await call(client(), 'search_catalog', { query: 'paymnets', kind: ['domain'] })).structured;
    expect(nothing).toMatchObject({ results: [], suggestions: expect.arrayContaining(['payments']) });
  });

  it('gives an entity with its relations, by ref, name or repository', async () => {
    const { structured } = await call(client(), 'get_entity', { ref: 'component:default/payments-service' });
    expect(structured).toMatchObject({ ref: 'component:default/payments-service', kind: 'component', title: 'Payments Service', owner: 'group:default/payments', uri: 'backline://entity/component/default/payments-service' });
    expect(structured.entity.spec).toMatchObject({ type: 'service', lifecycle: 'production' });
    expect(structured.relations).toEqual(expect.arrayContaining([{ type: 'ownedBy', target: 'group:default/payments' }, { type: 'partOf', target: 'system:default/payments-platform' }, { type: 'providesApi', target: 'api:default/payments-api' }]));
    expect((await call(client(), 'get_entity', { ref: 'northwind/card-vault' })).structured.ref).toBe('component:default/card-vault');
  });

  it('finds docs: the site, its freshness and the best pages, each page a resource whose text can be read', async () => {
    const { structured, links } = await call(client(), 'find_docs', { entity: 'kyc-service', words: 'rollback' });
    expect(structured).toMatchObject({ entity: 'component:default/kyc-service', siteName: 'KYC Service', stale: false, searchedEverySite: false, warnings: [] });
    expect(structured.url).toMatch(/default\/component\/kyc-service\//);
    expect(structured.pages[0]).toMatchObject({ title: 'Runbook', entity: 'component:default/kyc-service', uri: 'backline://docs/component/default/kyc-service/runbook/' });
    expect(links).toEqual(['backline://docs/component/default/kyc-service/runbook/']);
    const page = await readText(client(), links[0]!);
    expect(page.mimeType).toBe('text/markdown');
    expect(page.text).toContain('# Runbook\n\nHow to operate KYC Service');
    expect(page.text).toContain("## Rolling back\n\nRoll KYC Service back with the deploy tool's rollback button");
    // Words alone search every site, even when the first of them names an entity.
    const everywhere = (await call(client(), 'find_docs', { words: 'kyc-service rollback' })).structured;
    expect(everywhere).toMatchObject({ entity: null, searchedEverySite: true });
    expect(everywhere.pages.length).toBeGreaterThan(1);
  });

  it("gives a team's health: score, level, and each failing check with why and how to fix it", async () => {
    const { structured, text } = await call(client(), 'team_health', { team: 'payments' });
    expect(structured).toMatchObject({ team: 'group:default/payments', displayName: 'Payments', channel: 'C04PAYMENTS1', score: expect.any(Number), level: 'bronze' });
    const legacy = structured.entities.find((entity: Structured) => entity.ref === 'component:default/legacy-checkout');
    expect(legacy.failing).toEqual([expect.objectContaining({ check: 'has-techdocs', level: 'silver', why: expect.any(String), fix: { text: expect.stringContaining('backstage.io/techdocs-ref: dir:.'), url: expect.any(String) } })]);
    expect(text).toContain('✗ Has TechDocs [silver]');
  });

  it('lists the templates with the JSON Schema of their parameters, and dry-runs one without creating anything', async () => {
    const { templates } = (await call(client(), 'list_templates', {})).structured;
    expect(templates.map((template: Structured) => template.name)).toEqual(['scheduled-job', 'typescript-service', 'typescript-library']);
    const service = templates.find((template: Structured) => template.name === 'typescript-service');
    expect(service).toMatchObject({ owner: 'group:default/platform-engineering', pages: [{ required: ['name', 'description', 'owner'], schema: { properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,48}[a-z0-9]$' } } } }, { required: ['repoUrl'] }] });
    const dry = (await call(client(), 'dry_run_template', { name: 'typescript-service', values: SERVICE_VALUES('dry-tools') })).structured;
    expect(dry).toMatchObject({ template: 'typescript-service', status: 'completed', error: null, steps: [{ id: 'fetch', status: 'completed' }, { id: 'publish', status: 'simulated' }, { id: 'register', status: 'simulated' }] });
    expect(dry.files).toEqual(expect.arrayContaining(['catalog-info.yaml', 'package.json', 'src/server.ts']));
    expect((await client().callTool({ name: 'get_entity', arguments: { ref: 'dry-tools' } })).isError).toBe(true);
  });

  it('reads entities as resources, and completes their names', async () => {
    const read = await readText(client(), 'backline://entity/component/default/payments-service');
    expect(read).toMatchObject({ uri: 'backline://entity/component/default/payments-service', mimeType: 'application/json' });
    expect(JSON.parse(read.text)).toEqual((await call(client(), 'get_entity', { ref: 'component:default/payments-service' })).structured);
    const { resourceTemplates } = await client().listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual(['backline://entity/{kind}/{namespace}/{name}', 'backline://docs/{kind}/{namespace}/{+path}', 'backline://task/{id}']);
    const completion = await client().complete({ ref: { type: 'ref/resource', uri: 'backline://entity/{kind}/{namespace}/{name}' }, argument: { name: 'name', value: 'payments-' }, context: { arguments: { kind: 'component' } } });
    expect(completion.completion.values).toEqual(['payments-js-sdk', 'payments-service']);
  });

  it('offers prompts to onboard someone to a team and to find reviewers for a change, grounded in the catalog', async () => {
    const { prompts } = await client().listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(['onboard_me', 'review_change']);
    const onboarding = await client().getPrompt({ name: 'onboard_me', arguments: { team: 'payments' } });
    const brief = onboarding.messages[0]!.content as { text: string };
    expect(brief.text).toContain('I am joining the team Payments (group:default/payments)');
    expect(brief.text).toContain('Members (5): Ana Silva, Ben Okafor, Chloé Martin, Hannah Kim, Tomáš Novák');
    expect(brief.text).toContain('- component:default/payments-service: Payments Service (component, service)');
    expect(onboarding.messages[1]!.content).toMatchObject({ type: 'resource', resource: { uri: 'backline://entity/group/default/payments' } });
    const review = await client().getPrompt({ name: 'review_change', arguments: { repository: 'northwind/payments-service', change: 'Retries captures on timeouts.' } });
    const question = (review.messages[0]!.content as { text: string }).text;
    expect(question).toContain('Who should review this change to northwind/payments-service (component:default/payments-service)? The change: Retries captures on timeouts.');
    expect(question).toContain('- component:default/reconciliation-worker, owned by group:default/ledger');
  });

  it('refuses malformed calls with a message that says what to send instead', async () => {
    expect(await refusal(client(), 'who_owns', {})).toContain('send a name, title, ref or repository');
    expect(await refusal(client(), 'who_owns', { query: 42 })).toContain('send a name, title, ref or repository, e.g. payments-service or northwind/card-vault as a string');
    expect(await refusal(client(), 'on_call', { query: 'risk', at: 'next tuesday' })).toContain('send at as an ISO 8601 date-time such as 2026-03-29T09:00:00Z');
    expect(await refusal(client(), 'get_entity', { ref: 'no-such-thing-anywhere' })).toContain('Nothing in the catalog is called "no-such-thing-anywhere". Send ref as a ref such as component:default/payments-service, or a name, title or repository (org/repo).');
    expect(await refusal(client(), 'team_health', { team: 'payments-service' })).toBe('component:default/payments-service is a component, not a team. Send team as a Group, such as group:default/payments.');
    expect(await refusal(client(), 'find_docs', {})).toContain('Send entity (a name or ref such as kyc-service), words');
    expect(await refusal(client(), 'search_catalog', { query: 'payments', limit: 500 })).toContain('send a limit from 1 to 50');
    expect(await refusal(client(), 'dry_run_template', { name: 'typescript-service', values: { name: 'X' } })).toMatch(/^The values do not fit typescript-service: .*Send values again with those fields changed/);
    expect(await refusal(client(), 'dry_run_template', { name: 'no-such-template', values: {} })).toBe('There is no template called no-such-template. There are: scheduled-job, typescript-service, typescript-library.');
    expect(await refusal(client(), 'get_task', { task: 'not-a-task' })).toContain('Send task as the id run_template answered with');
    expect(await refusal(client(), 'no_such_tool', {})).toContain('Tool no_such_tool not found');
    const unknown = await client().readResource({ uri: 'backline://entity/component/default/no-such-thing' }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(McpError);
    expect(unknown).toMatchObject({ code: -32602, message: expect.stringContaining('backline://entity/component/default/no-such-thing names nothing in the catalog. Send a ref as backline://entity/<kind>/<namespace>/<name>') });
    const noPage = await client().readResource({ uri: 'backline://docs/component/default/kyc-service/no-such-page/' }).catch((error: unknown) => error);
    expect(noPage).toMatchObject({ code: -32602, message: expect.stringContaining('has no docs page "no-such-page/"') });
    const notATeam = await client().getPrompt({ name: 'onboard_me', arguments: { team: 'payments-service' } }).catch((error: unknown) => error);
    expect(notATeam).toMatchObject({ code: -32602, message: expect.stringContaining('is a component, not a team') });
    const badEncoding = await client().readResource({ uri: 'backline://entity/component/default/%E0%A4%A' }).catch((error: unknown) => error);
    expect(badEncoding).toMatchObject({ code: -32602, message: expect.stringContaining('is not percent-encoded correctly') });
    expect(await refusal(client(), 'on_call', { query: 'risk', timeZone: 'Europe/'.padEnd(100_000, 'x') })).toContain('send timeZone as an IANA time zone such as Europe/Berlin');
  });
}
