/**
 * What each renderer reads, with one hostile string in every field that came from the catalog, a
 * provider (PagerDuty, Opsgenie, GitHub, a docs search index) or the person asking. Ids that are valid
 * stand beside the hostile ones, so the renderers still have something to mention and link.
 */
import type { PersonInfo, TeamInfo, TeamsResult, WhoOwnsResult } from '../../commands/whoowns';
import type { OnCallResult } from '../../commands/oncall';
import type { DocsResult } from '../../commands/docs';
import { INFERRED_EVIDENCE_ANNOTATION, INFERRED_FROM_ANNOTATION, provenanceOf } from '../../src/catalog/provenance';
import type { StoredEntity } from '../../src/catalog/store';
import type { TeamDigest } from '../../src/health/digest';
import type { NudgeBatch } from '../../src/health/nudges';
import type { OnCallAnswer, OnCallPerson } from '../../src/oncall/resolve';
import type { Task } from '../../src/scaffolder/tasks';
import type { ScaffolderTemplate } from '../../src/scaffolder/template';
import type { LegitimateMarkup } from './hostileStrings';

/** The ids and origins these fixtures hold legitimately: markup for anything else is foreign. */
export const FIXTURE_MARKUP: LegitimateMarkup = {
  users: ['U0ALICE'],
  channels: ['C0PAYMENTS'],
  userGroups: ['S0PAYMENTS'],
  linkOrigins: ['https://github.com', 'https://docs.example', 'https://pagerduty.example', 'https://how.example'],
};

const AT = Date.UTC(2026, 4, 11, 9, 0);

export function hostileEntity(h: string, options: { slug?: boolean } = {}): StoredEntity {
  const annotations: Record<string, string> = options.slug === false ? { 'backstage.io/source-location': `url:${h}` } : { 'github.com/project-slug': h };
  return {
    ref: 'component:default/payments-service',
    refKey: 'component:default/payments-service',
    kind: 'component',
    namespace: 'default',
    name: 'payments-service',
    locationKey: 'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments-service',
        title: h,
        description: h,
        annotations: { ...annotations, 'slack.com/user-id': h, 'slack.com/usergroup': h, 'slack.com/channel': h },
        links: [{ url: h, title: h, type: 'docs' }],
      },
      spec: { type: h, lifecycle: h, owner: h },
    },
  };
}

function people(h: string): PersonInfo[] {
  return [
    { ref: 'user:default/alice', displayName: h, email: 'alice@acme.example', slackUserId: 'U0ALICE' },
    { ref: 'user:default/mallory', displayName: h, email: null, slackUserId: h },
  ];
}

function team(h: string, escalation: TeamInfo | null = null): TeamInfo {
  return { ref: `group:default/${h}`, found: true, kind: 'group', displayName: h, slackChannel: h, userGroup: { id: h, handle: h }, members: people(h), escalation };
}

function onCallPerson(h: string, slackUserId: string | null): OnCallPerson {
  return { name: h, email: null, userRef: null, slackUserId, level: 1, from: AT, until: AT + 3_600_000 };
}

export function hostileOnCallAnswer(h: string): OnCallAnswer {
  return {
    target: 'component:default/payments-service',
    source: 'pagerduty',
    origin: { ref: 'group:default/payments', displayName: h, relation: 'owner' },
    label: h,
    oncall: [onCallPerson(h, 'U0ALICE'), onCallPerson(h, h)],
    next: [onCallPerson(h, h)],
    pageUrl: h,
    servedFrom: 'stale',
    fetchedAt: AT,
    warnings: [h],
    at: AT,
  };
}

/** With `inferred`, the entity is one Backline inferred, with hostile evidence (and a hostile source). */
export function hostileWhoOwns(h: string, options: { slug?: boolean; docsFromCache?: boolean; inferred?: boolean } = {}): WhoOwnsResult {
  const declared = hostileEntity(h, options);
  const annotations = { ...declared.entity.metadata.annotations, [INFERRED_FROM_ANNOTATION]: h, [INFERRED_EVIDENCE_ANNOTATION]: h };
  const entity = options.inferred ? { ...declared, locationKey: `github-inferred:${h}`, entity: { ...declared.entity, metadata: { ...declared.entity.metadata, annotations } } } : declared;
  return {
    kind: 'entity',
    query: h,
    match: entity,
    matchedBy: 'title',
    alternatives: [{ ...entity, name: h }],
    owner: { ...team(h, team(h)), found: false, members: [] },
    provenance: provenanceOf(entity),
    placement: { system: `system:default/${h}`, domain: `domain:default/${h}`, dependsOn: 1, dependencyOf: 0, providesApis: 0, consumesApis: 0 },
    warnings: [h, h],
    suggestions: [],
    oncall: hostileOnCallAnswer(h),
    ...(options.docsFromCache && { docs: { url: h, label: h, builtAt: null, builtAgo: h, stale: true, unreachable: true } }),
  };
}

export function hostileTeams(h: string, input: TeamsResult['input']): TeamsResult {
  return {
    kind: 'teams',
    input,
    person: input.kind === 'person' ? { ...people(h)[0]!, slackUserId: input.slackUserId } : null,
    teams: [{ team: team(h), owns: [hostileEntity(h)] }],
    ownedDirectly: [hostileEntity(h)],
    warnings: [h],
  };
}

export function hostileOnCall(h: string): OnCallResult {
  return { query: h, target: hostileEntity(h), answer: hostileOnCallAnswer(h), suggestions: [], timeZone: 'Europe/London', warnings: [h] };
}

export function hostileDocs(h: string, options: { site: boolean }): DocsResult {
  return {
    query: h,
    words: h,
    entity: hostileEntity(h),
    site: options.site
      ? { url: 'https://docs.example/default/component/payments-service/', openUrl: 'https://docs.example/default/component/payments-service/', entityRef: h, borrowed: true, siteName: h, builtAt: null, builtAgo: h, stale: true, staleReason: h, fromCache: true }
      : null,
    link: { url: h, title: h },
    noDocs: !options.site,
    pages: [{ title: h, url: h, score: 1, snippet: h, entityRef: `component:default/${h}`, location: h }],
    searchedEverySite: true,
    warnings: [h],
    suggestions: [],
  };
}

export function hostileDigest(h: string): TeamDigest {
  const entities = [{ ref: 'component:default/payments-service', displayName: h, production: true }];
  const action = { checkId: 'has-runbook', title: h, why: h, fix: { text: h, url: h }, level: 'silver' as const, entities };
  const change = { entityRef: 'component:default/payments-service', displayName: h, checkId: 'has-runbook', title: h };
  return {
    team: 'group:default/payments',
    displayName: h,
    channel: 'C0PAYMENTS',
    send: true,
    reason: h,
    score: 50,
    level: 'bronze',
    previous: { score: 40, level: null, at: new Date(AT - 7 * 86_400_000) },
    trend: [40, 50],
    regressions: [change],
    improvements: [change],
    actions: [action, { ...action, checkId: 'has-oncall', fix: { text: h, url: 'https://how.example/runbooks' } }],
    waived: [{ waiver: { id: 'w1', entityRef: 'component:default/payments-service', checkId: 'has-runbook', kind: 'not_applicable', reason: h, createdBy: h, createdAt: new Date(AT), expiresAt: new Date(AT) }, displayName: h, title: h }],
    catalogProblems: [{ file: h, line: 3, message: h }],
    staleOwners: [{ ref: 'user:default/bob', displayName: h, reason: 'left-slack' }],
    failing: [],
    evaluatedAt: new Date(AT),
  };
}

export function hostileNudge(h: string): NudgeBatch {
  return { team: 'group:default/payments', displayName: h, channel: 'C0PAYMENTS', items: [{ entityRef: 'component:default/payments-service', displayName: h, checkId: 'has-runbook', title: h, level: 'gold', fix: { text: h, url: h }, transitionAt: new Date(AT) }] };
}

export function hostileTemplate(h: string): ScaffolderTemplate {
  return {
    name: 'service',
    title: h,
    description: h,
    ref: 'template:default/service',
    owner: null,
    type: h,
    tags: [],
    pages: [{ title: h, description: h, required: ['name'], properties: [['name', { type: 'string', title: h, description: h }]], schema: { title: h, description: h, required: ['name'], properties: { name: { type: 'string', title: h, description: h } } } }],
    steps: [],
    output: {},
    baseDir: null,
    source: h,
    allowedGroups: [],
    unsupported: [h],
    entity: hostileEntity(h).entity,
  };
}

export function hostileTask(h: string, status: Task['status']): Task {
  return {
    id: 'task-1',
    templateName: h,
    templateSource: h,
    parameters: { name: h },
    requestedBy: { slackUserId: 'U0ALICE', userRef: null },
    status,
    attempts: 1,
    steps: [{ id: 'publish', name: h, action: 'publish:github', status: status === 'failed' ? 'failed' : 'completed', error: h }],
    output: { links: [{ title: h, url: h }, { title: h, url: 'https://github.com/acme/payments' }], text: [{ title: h, content: h }], entityRef: `component:default/${h}` },
    error: h,
    failedStep: 'publish',
    leftBehind: [{ kind: 'repository', description: h, key: h, complete: false }],
    progressMessage: null,
    createdAt: new Date(AT),
  };
}
