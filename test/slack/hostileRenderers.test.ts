import { renderNotApplicableModal, renderDigest, renderHomeHealth, renderNudge, renderShowAllView, renderWaiverSaved, snoozeConfirmation } from '../../commands/digest.blocks';
import { docsSummaryText, renderDocs } from '../../commands/docs.blocks';
import { renderFormPage, renderTaskProgress, renderTemplatePicker } from '../../commands/createService.blocks';
import { onCallSummaryText, renderOnCall } from '../../commands/oncall.blocks';
import { renderHome, renderTeamsOwnership, renderWhoOwns, summaryText } from '../../commands/whoowns.blocks';
import { UserFacingError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { checkMessageLimits, checkViewLimits } from '../../commands/blockKit/checks';
import { failureReply } from '../../src/slack/replies';
import { renderConfirmed, renderNotAMember, renderRejected, renderTeamNotice, type InferenceSubject } from '../../commands/inferredOwnership.blocks';
import { hostileDigest, hostileDocs, hostileNudge, hostileOnCall, hostileTask, hostileTeams, hostileTemplate, hostileWhoOwns, FIXTURE_MARKUP } from '../support/hostileFixtures';
import { blockUrls, foreignMarkup, HOSTILE_STRINGS, linkTargetsOf, mrkdwnTexts } from '../support/hostileStrings';

const AT = new Date(Date.UTC(2026, 4, 11, 9, 0));

const MESSAGES: Array<[message: string, render: (h: string) => { text: string; blocks: unknown }]> = [
  ['the /whoowns card', (h) => {
    const result = hostileWhoOwns(h);
    return { text: summaryText(result), blocks: renderWhoOwns(result) };
  }],
  ['the /whoowns card with its repository from backstage.io/source-location and its docs from the cache', (h) => {
    const result = hostileWhoOwns(h, { slug: false, docsFromCache: true });
    return { text: summaryText(result), blocks: renderWhoOwns(result) };
  }],
  ['the /whoowns card of an inferred entity, with its evidence and its Confirm and Not us buttons', (h) => {
    const result = hostileWhoOwns(h, { inferred: true });
    return { text: summaryText(result), blocks: renderWhoOwns(result) };
  }],
  ['the /whoowns card shared in the channel', (h) => {
    const result = hostileWhoOwns(h);
    return { text: summaryText(result), blocks: renderWhoOwns(result, { shared: { by: h } }) };
  }],
  ['the /whoowns "did you mean" answer', (h) => {
    const result = { ...hostileWhoOwns(h), match: null, owner: null, suggestions: [{ ref: 'component:default/payments-service', title: h, similarity: 0.5 }] };
    return { text: summaryText(result), blocks: renderWhoOwns(result) };
  }],
  ['the /whoowns card as the CLI prints it', (h) => {
    const result = { ...hostileWhoOwns(h), alternatives: [hostileWhoOwns(h).match!] };
    return { text: summaryText(result), blocks: renderWhoOwns(result, { plainNames: true, noButtons: true }) };
  }],
  ['the /whoowns "did you mean" answer as the CLI prints it', (h) => {
    const result = { ...hostileWhoOwns(h), match: null, owner: null, suggestions: [{ ref: h, title: h, similarity: 0.5 }] };
    return { text: summaryText(result), blocks: renderWhoOwns(result, { plainNames: true, noButtons: true }) };
  }],
  ['what the team of a channel owns', (h) => {
    const result = hostileTeams(h, { kind: 'channel', channelId: h, channelName: h });
    return { text: summaryText(result), blocks: renderTeamsOwnership(result) };
  }],
  ['what a person and their teams own', (h) => {
    const result = { ...hostileTeams(h, { kind: 'person', slackUserId: h }), person: null };
    return { text: summaryText(result), blocks: renderTeamsOwnership(result, { shared: { by: h } }) };
  }],
  ['the /oncall card', (h) => {
    const result = hostileOnCall(h);
    return { text: onCallSummaryText(result), blocks: renderOnCall(result) };
  }],
  ['the /oncall answer when nothing matched', (h) => {
    const result = { ...hostileOnCall(h), target: null, answer: null, suggestions: [{ ref: 'group:default/payments', title: h }] };
    return { text: onCallSummaryText(result), blocks: renderOnCall(result) };
  }],
  ['the /oncall card as the CLI prints it', (h) => {
    const result = hostileOnCall(h);
    return { text: onCallSummaryText(result), blocks: renderOnCall(result, { plainNames: true, noButtons: true }) };
  }],
  ['the /oncall answer when nothing matched, as the CLI prints it', (h) => {
    const result = { ...hostileOnCall(h), target: null, answer: null, suggestions: [{ ref: h, title: h }] };
    return { text: onCallSummaryText(result), blocks: renderOnCall(result, { plainNames: true, noButtons: true }) };
  }],
  ['the /docs card with a built site', (h) => {
    const result = hostileDocs(h, { site: true });
    return { text: docsSummaryText(result), blocks: renderDocs(result) };
  }],
  ['the /docs card with only a metadata.links link', (h) => {
    const result = hostileDocs(h, { site: false });
    return { text: docsSummaryText(result), blocks: renderDocs(result) };
  }],
  ['the /docs answer when nothing matched', (h) => {
    const result = { ...hostileDocs(h, { site: false }), entity: null, link: null, pages: [], suggestions: [{ ref: 'component:default/payments-service', title: h }] };
    return { text: docsSummaryText(result), blocks: renderDocs(result) };
  }],
  ['the /docs answer when nothing matched, as the CLI prints it', (h) => {
    const result = { ...hostileDocs(h, { site: false }), entity: null, link: null, pages: [], suggestions: [{ ref: h, title: h }] };
    return { text: docsSummaryText(result), blocks: renderDocs(result, { noButtons: true }) };
  }],
  ['the thread reply to Confirm', (h) => renderConfirmed(hostileSubject(h), { userId: h, pullRequest: { url: h, number: 7 } })],
  ['the thread reply to Not us', (h) => renderRejected(hostileSubject(h), { userId: h, rereading: true })],
  ['what the team hears after Not us', (h) => renderTeamNotice(hostileSubject(h), { userId: h })],
  ['the refusal of Confirm to someone outside the team', (h) => renderNotAMember(hostileSubject(h), { verdict: 'confirm', inCatalog: false })],
  ['the health digest', (h) => renderDigest(hostileDigest(h))],
  ['the snooze confirmation', (h) => snoozeConfirmation({ title: h, entities: [h], userId: h, until: AT })],
  ['a nudge', (h) => renderNudge(hostileNudge(h))],
  ['the progress of a running task', (h) => renderTaskProgress(hostileTask(h, 'processing'), { title: h })],
  ['the progress of a finished task', (h) => renderTaskProgress(hostileTask(h, 'completed'), { title: h })],
  ['the progress of a failed task', (h) => renderTaskProgress(hostileTask(h, 'failed'), { title: h })],
  ['a refusal that quotes the catalog', (h) => failureReply(new UserFacingError(`${h} is no longer in the catalog.`), { what: h, logger: silentLogger })],
  ['a failure of a command', (h) => failureReply(new Error(h), { what: h, logger: silentLogger })],
];

const VIEWS: Array<[view: string, render: (h: string) => unknown]> = [
  ['the App Home tab', (h) => renderHome(hostileTeams(h, { kind: 'person', slackUserId: 'U0ALICE' }))],
  ['the Show all view', (h) => renderShowAllView(hostileDigest(h))],
  ['the not-applicable modal', (h) => renderNotApplicableModal({ teamName: h, title: h, why: h, entities: [h, h], metadata: '{}' })],
  ['the saved waiver', (h) => renderWaiverSaved({ title: h, entities: [h], reason: h, userId: h, at: AT, expiresAt: AT })],
  ['the health section of App Home', (h) => renderHomeHealth([hostileDigest(h)], 50)],
  ['the template picker', (h) => renderTemplatePicker([hostileTemplate(h)], '{}')],
  ['a template form page', (h) => renderFormPage(hostileTemplate(h), 0, { name: h }, '{}', { host: 'github.com', orgs: [h] })],
];

describe.each(MESSAGES)('%s', (_message, render) => {
  it.each(HOSTILE_STRINGS)('shows %s as text, in blocks and fallback text: no ping, mention or link Backline did not build from checked data', (_what, hostile) => {
    const { text, blocks } = render(hostile);
    expect([...mrkdwnTexts(blocks), text].flatMap((one) => foreignMarkup(one, { ...FIXTURE_MARKUP, linkTargets: linkTargetsOf(hostile) }))).toEqual([]);
  });

  it.each(HOSTILE_STRINGS)('gives buttons only http(s) links, whatever %s does to a URL', (_what, hostile) => {
    expectOnlyHttpUrls(render(hostile).blocks);
  });

  it.each(HOSTILE_STRINGS)('keeps its fallback text within 4,000 characters with %s in it', (_what, hostile) => {
    expect(render(hostile).text.length).toBeLessThanOrEqual(4000);
  });

  it.each(HOSTILE_STRINGS)('stays inside every Block Kit limit Slack enforces with %s in every field', (_what, hostile) => {
    const { text, blocks } = render(hostile);
    expect(checkMessageLimits({ text, blocks: blocks as unknown[] })).toEqual([]);
  });
});

describe.each(VIEWS)('%s', (_view, render) => {
  it.each(HOSTILE_STRINGS)('shows %s as text: no ping, mention or link Backline did not build from checked data', (_what, hostile) => {
    expect(mrkdwnTexts(render(hostile)).flatMap((one) => foreignMarkup(one, { ...FIXTURE_MARKUP, linkTargets: linkTargetsOf(hostile) }))).toEqual([]);
  });

  it.each(HOSTILE_STRINGS)('gives buttons only http(s) links, whatever %s does to a URL', (_what, hostile) => {
    expectOnlyHttpUrls(render(hostile));
  });

  it.each(HOSTILE_STRINGS)('stays inside every Block Kit limit Slack enforces with %s in every field', (_what, hostile) => {
    const rendered = render(hostile);
    // Some renderers give a view's blocks, which the caller puts in a modal or the Home tab.
    expect(checkViewLimits(Array.isArray(rendered) ? { type: 'home', blocks: rendered } : rendered)).toEqual([]);
  });
});

function expectOnlyHttpUrls(blocks: unknown): void {
  for (const url of blockUrls(blocks)) {
    expect(['http:', 'https:']).toContain(new URL(url).protocol);
    expect(url).not.toMatch(/[\s|<>]/);
  }
}

/** What Confirm and Not us talk about, with a hostile string in everything the catalog or GitHub wrote. */
function hostileSubject(h: string): InferenceSubject {
  return { entityRef: 'component:default/payments-service', entityName: h, team: hostileWhoOwns(h).owner!, repository: h, evidence: h };
}
