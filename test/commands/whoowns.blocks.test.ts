import { renderTeamsOwnership, renderWhoOwns } from '../../commands/whoowns.blocks';
import type { PersonInfo, TeamInfo, TeamsResult, WhoOwnsResult } from '../../commands/whoowns';
import type { StoredEntity } from '../../src/catalog/store';
import { checkMessageLimits } from '../../commands/blockKit/checks';

function entity(kind: string, name: string, extra: { title?: string; description?: string; spec?: Record<string, unknown>; annotations?: Record<string, string>; links?: Array<{ url: string; title?: string; type?: string }> } = {}): StoredEntity {
  return {
    ref: `${kind}:default/${name}`,
    refKey: `${kind}:default/${name}`,
    kind,
    namespace: 'default',
    name,
    locationKey: 'file:/x.yaml',
    entity: { apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, namespace: 'default', ...(extra.title && { title: extra.title }), ...(extra.description && { description: extra.description }), ...(extra.annotations && { annotations: extra.annotations }), ...(extra.links && { links: extra.links }) }, spec: extra.spec ?? {} },
  };
}

const person = (n: number, slackUserId: string | null = null): PersonInfo => ({ ref: `user:default/p${n}`, displayName: `Person ${n}`, email: `p${n}@x.example`, slackUserId });
const team = (members: PersonInfo[], extra: Partial<TeamInfo> = {}): TeamInfo => ({ ref: 'group:default/payments', found: true, kind: 'group', displayName: 'Payments', slackChannel: 'C04PAYMENTS1', userGroup: null, members, escalation: null, ...extra });

function result(extra: Partial<WhoOwnsResult> = {}): WhoOwnsResult {
  return {
    kind: 'entity',
    query: 'payments-service',
    match: entity('component', 'payments-service', { title: 'Payments Service', description: 'Takes <payments> & refunds.', spec: { type: 'service', lifecycle: 'production' }, annotations: { 'github.com/project-slug': 'northwind/payments-service' }, links: [{ url: 'https://docs.example/payments', title: 'Runbook', type: 'docs' }] }),
    matchedBy: 'name',
    alternatives: [],
    owner: team([person(1, 'U01'), person(2)]),
    provenance: null,
    placement: { system: 'system:default/payments-platform', domain: 'domain:default/financial-core', dependsOn: 2, dependencyOf: 1, providesApis: 1, consumesApis: 0 },
    warnings: [],
    suggestions: [],
    ...extra,
  };
}

describe('the /whoowns card', () => {
  it('renders the entity, its owner team with channel and mentions, and where it sits', () => {
    expect(renderWhoOwns(result())).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Payments Service', emoji: true } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Component · service · production   `component:default/payments-service`' }] },
      { type: 'section', text: { type: 'mrkdwn', text: 'Takes &lt;payments&gt; &amp; refunds.' } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Owner*\n*Payments*  <#C04PAYMENTS1>' },
          { type: 'mrkdwn', text: '*On call*\nnot configured' },
          { type: 'mrkdwn', text: '*Repository*\n<https://github.com/northwind/payments-service|northwind/payments-service>' },
          { type: 'mrkdwn', text: '*Docs*\n<https://docs.example/payments|Runbook>' },
          { type: 'mrkdwn', text: '*System*\npayments-platform · financial-core' },
          { type: 'mrkdwn', text: '*Dependencies*\ndepends on 2 · used by 1 · provides 1 API' },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*Members:* <@U01>, Person 2' } },
      { type: 'actions', block_id: 'whoowns:card', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Share in channel', emoji: true }, action_id: 'whoowns:share', value: 'ref:component:default/payments-service', style: 'primary' }] },
    ]);
  });

  it('names the team\'s Slack user group when the catalog knows it', () => {
    const withId = renderWhoOwns(result({ owner: team([], { userGroup: { id: 'S04PAY', handle: 'payments-team' } }) }));
    expect(withId[3]).toMatchObject({ fields: expect.arrayContaining([{ type: 'mrkdwn', text: '*Owner*\n*Payments*  <#C04PAYMENTS1>  <!subteam^S04PAY>' }]) });
    const byHandle = renderWhoOwns(result({ owner: team([], { userGroup: { id: null, handle: 'payments-team' } }) }));
    expect(byHandle[3]).toMatchObject({ fields: expect.arrayContaining([{ type: 'mrkdwn', text: '*Owner*\n*Payments*  <#C04PAYMENTS1>  @payments-team' }]) });
  });

  it('shows warnings and the nearest team with people, and leaves out the share button once shared', () => {
    const blocks = renderWhoOwns(result({ owner: team([], { escalation: team([person(3)], { ref: 'group:default/money', displayName: 'Money Movement', slackChannel: null }) }), warnings: ['The team group:default/payments has no members in the catalog.'] }), { shared: { by: 'U9' } });
    expect(blocks.slice(-3)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Nearest team with people:* *Money Movement*\nPerson 3' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':warning: The team group:default/payments has no members in the catalog.' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@U9> with /whoowns' }] },
    ]);
  });

  it('offers "did you mean" buttons that carry the ref to look up', () => {
    const blocks = renderWhoOwns(result({ match: null, owner: null, placement: null, query: 'paymnets', suggestions: [{ ref: 'component:default/payments-service', title: 'Payments Service', similarity: 0.5 }, { ref: 'group:default/payments', title: null, similarity: 0.4 }] }));
    expect(blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Nothing in the catalog is called *paymnets*.' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Did you mean:' } },
      {
        type: 'actions',
        block_id: 'whoowns:lookup',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Payments Service', emoji: true }, action_id: 'whoowns:lookup:0', value: 'ref:component:default/payments-service' },
          { type: 'button', text: { type: 'plain_text', text: 'payments', emoji: true }, action_id: 'whoowns:lookup:1', value: 'ref:group:default/payments' },
        ],
      },
    ]);
  });

  it('lists "did you mean" and same-named entities with the ref to type, and no share button, where nothing can press a button', () => {
    const suggestions = [{ ref: 'component:default/payments-service', title: 'Payments Service', similarity: 0.5 }, { ref: 'group:default/payments', title: null, similarity: 0.4 }];
    expect(renderWhoOwns(result({ match: null, owner: null, placement: null, query: 'paymnets', suggestions }), { noButtons: true })).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Nothing in the catalog is called *paymnets*.' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Did you mean:\n• Payments Service  `component:default/payments-service`\n• payments  `group:default/payments`' } },
    ]);
    const card = renderWhoOwns(result({ query: 'payments', alternatives: [entity('group', 'payments')] }), { plainNames: true, noButtons: true });
    expect(card.filter((block) => block.type === 'actions')).toEqual([]);
    expect(card.slice(-2)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Members:* Person 1, Person 2' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Also called *payments*:\n• Team payments  `group:default/payments`' } },
    ]);
  });

  it('cuts long member lists with "…and N more" and stays inside Block Kit limits', () => {
    const members = Array.from({ length: 130 }, (_, i) => person(i, `U${String(i).padStart(8, '0')}`));
    const blocks = renderWhoOwns(result({ owner: team(members), warnings: Array.from({ length: 9 }, (_, i) => `warning ${i} ${'x'.repeat(500)}`) }));
    const text = JSON.stringify(blocks);
    expect(text).toContain('…and 110 more');
    expect(text).toContain('…and 4 more');
    expect(checkMessageLimits({ text: 'x', blocks })).toEqual([]);
  });
});

describe('the /whoowns card of an inferred entity', () => {
  const inferred = (from: string, evidence: string): StoredEntity => ({
    ...entity('component', 'payments-api', { spec: { type: 'unknown', lifecycle: 'unknown' }, annotations: { 'backline.dev/inferred-from': from, 'backline.dev/inferred-evidence': evidence, 'github.com/project-slug': 'acme/payments-api' } }),
    locationKey: 'github-inferred:https://github.com/acme/payments-api',
  });

  it('marks the owner inferred, says from what with the evidence, and offers Confirm and Not us beside Share', () => {
    const match = inferred('codeowners', '.github/CODEOWNERS line 3: * @acme/payments');
    const blocks = renderWhoOwns(result({ query: 'payments-api', match, placement: null, provenance: { kind: 'inferred', evidence: '.github/CODEOWNERS line 3: * @acme/payments' } }));
    expect(blocks[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Owner*\n*Payments*  <#C04PAYMENTS1>  _(inferred)_' },
        { type: 'mrkdwn', text: '*On call*\nnot configured' },
        { type: 'mrkdwn', text: '*Repository*\n<https://github.com/acme/payments-api|acme/payments-api>' },
      ],
    });
    expect(blocks.slice(-2)).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':mag: *Owner inferred from CODEOWNERS*, not declared in a catalog file\nEvidence: .github/CODEOWNERS line 3: * @acme/payments' }] },
      {
        type: 'actions',
        block_id: 'whoowns:card',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Share in channel', emoji: true }, action_id: 'whoowns:share', value: 'ref:component:default/payments-api', style: 'primary' },
          { type: 'button', text: { type: 'plain_text', text: 'Confirm', emoji: true }, action_id: 'whoowns:confirm', value: 'component:default/payments-api|group:default/payments' },
          { type: 'button', text: { type: 'plain_text', text: 'Not us', emoji: true }, action_id: 'whoowns:not-us', value: 'component:default/payments-api|group:default/payments', style: 'danger' },
        ],
      },
    ]);
  });

  it('keeps Confirm and Not us on the shared card, where the team sees it, and leaves them out where nothing can press them', () => {
    const match = inferred('team-permission', 'team payments has admin permission on acme/payments-api');
    const shared = renderWhoOwns(result({ match, placement: null, provenance: { kind: 'inferred', evidence: 'team payments has admin permission on acme/payments-api' } }), { shared: { by: 'U9' } });
    expect(shared.slice(-3).map((block) => block.type === 'actions' ? block.elements.map((element) => (element as { action_id: string }).action_id) : block)).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':mag: *Owner inferred from team permissions*, not declared in a catalog file\nEvidence: team payments has admin permission on acme/payments-api' }] },
      ['whoowns:confirm', 'whoowns:not-us'],
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@U9> with /whoowns' }] },
    ]);
    const printed = renderWhoOwns(result({ match, placement: null, provenance: { kind: 'inferred', evidence: 'x' } }), { noButtons: true, plainNames: true });
    expect(printed.filter((block) => block.type === 'actions')).toEqual([]);
  });

  it('says when no owner could be inferred, with nothing to confirm', () => {
    const match = inferred('none', 'no CODEOWNERS rule owns the repository root, and no single team administers acme/payments-api');
    const blocks = renderWhoOwns(result({ match, owner: null, placement: null, provenance: { kind: 'inferred', evidence: 'no CODEOWNERS rule owns the repository root, and no single team administers acme/payments-api' } }));
    expect(blocks[2]).toMatchObject({ fields: expect.arrayContaining([{ type: 'mrkdwn', text: '*Owner*\n_unknown_' }]) });
    expect(blocks.slice(-2)).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':grey_question: *No owner could be inferred*, not declared in a catalog file\nEvidence: no CODEOWNERS rule owns the repository root, and no single team administers acme/payments-api' }] },
      { type: 'actions', block_id: 'whoowns:card', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Share in channel', emoji: true }, action_id: 'whoowns:share', value: 'ref:component:default/payments-api', style: 'primary' }] },
    ]);
  });

  it('says where a declared owner is declared', () => {
    const blocks = renderWhoOwns(result({ provenance: { kind: 'declared', evidence: 'spec.owner: payments in https://github.com/northwind/payments-service/blob/main/catalog-info.yaml' } }));
    expect(blocks.at(-2)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: ':page_facing_up: Owner declared in the catalog: spec.owner: payments in https://github.com/northwind/payments-service/blob/main/catalog-info.yaml' }] });
  });
});

describe('the teams view', () => {
  it('lists what each team owns, cut to fit, with a share button', () => {
    const owns = Array.from({ length: 40 }, (_, i) => entity('component', `svc-${i}`, { spec: { type: 'service' } }));
    const teams: TeamsResult['teams'] = Array.from({ length: 11 }, () => ({ team: team([person(1)]), owns }));
    const blocks = renderTeamsOwnership({ kind: 'teams', input: { kind: 'channel', channelId: 'C04PAYMENTS1', channelName: 'team-payments' }, person: null, teams, ownedDirectly: [], warnings: [] });
    const text = JSON.stringify(blocks);
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*What <#C04PAYMENTS1> owns*' } });
    expect(text).toContain('…and 25 more');
    expect(text).toContain('…and 3 more teams');
    expect(blocks.at(-1)).toEqual({ type: 'actions', block_id: 'whoowns:teams', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Share in channel', emoji: true }, action_id: 'whoowns:share', value: 'channel:C04PAYMENTS1|team-payments', style: 'primary' }] });
    expect(checkMessageLimits({ text: 'x', blocks })).toEqual([]);
  });

  it('marks what a team is only guessed to own', () => {
    const guessed = { ...entity('component', 'payments-api', { spec: { type: 'unknown' }, annotations: { 'backline.dev/inferred-from': 'codeowners' } }), locationKey: 'github-inferred:https://github.com/acme/payments-api' };
    const blocks = renderTeamsOwnership({ kind: 'teams', input: { kind: 'channel', channelId: 'C04PAYMENTS1', channelName: null }, person: null, teams: [{ team: team([]), owns: [entity('component', 'ledger', { spec: { type: 'service' } }), guessed] }], ownedDirectly: [], warnings: [] });
    expect(blocks[3]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '• ledger  _Component · service_\n• payments-api  _Component · unknown · owner inferred_' } });
  });
});
