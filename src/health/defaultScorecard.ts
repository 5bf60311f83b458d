import type { Applicability, CheckDefinition, FactCondition, Scorecard } from './model';

/** The check that fails on Components Backline inferred from GitHub; its fix is the card's Confirm button. */
export const DECLARED_IN_CATALOG_CHECK = 'declared-in-catalog';

const CATALOG_DOCS = 'https://backstage.io/docs/features/software-catalog/descriptor-format';
const OWNED: Applicability = { kinds: ['Component', 'API', 'Resource', 'System'] };
const SOFTWARE: Applicability = { kinds: ['Component', 'API'] };
const SERVICES: Applicability = { kinds: ['Component'] };
const is = (fact: string, value: boolean | number | string = true): FactCondition => ({ fact, operator: 'equal', value });

/**
 * The scorecard Backline ships: what a team can fix in its catalog-info.yaml first (bronze), what
 * makes a service operable by someone else (silver), and what keeps it so (gold). A backline.yaml
 * may extend it, replace checks by id, or switch it off.
 */
export const DEFAULT_CHECKS: CheckDefinition[] = [
  {
    id: 'owned-by-a-team',
    title: 'Owned by a team in the catalog',
    why: 'When something breaks, people need a team to go to; an owner missing from the catalog, or a single person, leaves them nowhere.',
    fix: { text: 'Set spec.owner to a Group that exists in the catalog, e.g. owner: group:default/payments.', url: `${CATALOG_DOCS}#specowner-required` },
    appliesTo: OWNED,
    rule: { all: [is('owner.exists'), is('owner.isGroup')] },
    level: 'bronze',
  },
  {
    id: DECLARED_IN_CATALOG_CHECK,
    title: 'Declared in the catalog',
    why: 'Backline inferred it from GitHub (CODEOWNERS or team permissions): until a catalog-info.yaml says who owns it, its owner is a guess.',
    fix: {
      text: 'Press Confirm on its /whoowns card (Review opens it): Backline opens a pull request adding catalog-info.yaml with the owner it inferred. Press Not us if your team does not own it.',
      url: `${CATALOG_DOCS}#overall-shape-of-an-entity`,
    },
    appliesTo: SERVICES,
    rule: { all: [is('declaredInCatalog')] },
    level: 'bronze',
  },
  {
    id: 'has-description',
    title: 'Has a description',
    why: 'A sentence saying what it does is what people read first in search results and on /whoowns cards.',
    fix: { text: 'Add metadata.description to its catalog-info.yaml.', url: `${CATALOG_DOCS}#description-optional` },
    appliesTo: OWNED,
    rule: { all: [is('hasDescription')] },
    level: 'bronze',
  },
  {
    id: 'has-lifecycle',
    title: 'States its lifecycle',
    why: 'Whether it is experimental, in production or deprecated tells people how much to rely on it.',
    fix: { text: 'Set spec.lifecycle to production, experimental or deprecated.', url: `${CATALOG_DOCS}#speclifecycle-required` },
    appliesTo: SOFTWARE,
    rule: { all: [{ fact: 'lifecycle', operator: 'exists' }] },
    level: 'bronze',
  },
  {
    id: 'team-has-members',
    title: 'Its team has members',
    why: 'A team with nobody in it cannot be mentioned, paged or asked.',
    fix: { text: "List the team's people in spec.members of its Group, or spec.memberOf of each User.", url: `${CATALOG_DOCS}#kind-group` },
    appliesTo: OWNED,
    rule: { all: [is('owner.hasMembers')] },
    level: 'bronze',
  },
  {
    id: 'team-has-slack-channel',
    title: 'Its team has a Slack channel',
    why: 'Digests, nudges and "who owns this" answers point people at the team’s channel.',
    fix: { text: 'Add the annotation slack.com/channel: <channel-name> to the Group of the owning team.' },
    appliesTo: OWNED,
    rule: { all: [is('owner.hasSlackChannel')] },
    level: 'silver',
  },
  {
    id: 'part-of-a-system',
    title: 'Part of a system',
    why: 'Systems group what ships together, so people can see the whole and its dependencies.',
    fix: { text: 'Set spec.system to the System it belongs to.', url: 'https://backstage.io/docs/features/software-catalog/system-model' },
    appliesTo: { kinds: ['Component', 'API', 'Resource'] },
    rule: { all: [is('hasSystem')] },
    level: 'silver',
  },
  {
    id: 'has-readme',
    title: 'Its repository has a README',
    why: 'The README is where a newcomer starts: how to build, run and change it.',
    fix: { text: 'Add a README.md at the root of the repository.', url: 'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-readmes' },
    appliesTo: SERVICES,
    rule: { all: [is('github.hasReadme')] },
    level: 'silver',
  },
  {
    id: 'has-codeowners',
    title: 'Its repository has CODEOWNERS',
    why: 'CODEOWNERS asks the owning team to review every change, so ownership holds in the code too.',
    fix: { text: 'Add a CODEOWNERS file (at the root, in .github/ or in docs/) naming the owning team.', url: 'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners' },
    appliesTo: SERVICES,
    rule: { all: [is('github.hasCodeowners')] },
    level: 'silver',
  },
  {
    id: 'has-oncall',
    title: 'Someone is on call',
    why: 'A service in production needs someone to page, now, not a name from last year.',
    fix: { text: 'Add pagerduty.com/service-id or opsgenie.com/team to the team\'s Group, or a Rotation owned by the team, and make sure a person is on it.', url: 'https://backstage.io/docs/features/software-catalog/well-known-annotations' },
    appliesTo: { kinds: ['Component'], lifecycles: ['production'] },
    rule: { all: [is('oncall.configured'), is('oncall.hasPersonNow')] },
    level: 'silver',
  },
  {
    id: 'has-techdocs',
    title: 'Has TechDocs',
    why: 'Docs next to the code, built and published, are the ones that stay true.',
    fix: { text: 'Add the annotation backstage.io/techdocs-ref: dir:. and an mkdocs.yml beside catalog-info.yaml.', url: 'https://backstage.io/docs/features/techdocs/getting-started' },
    appliesTo: SERVICES,
    rule: { all: [is('hasTechDocs')] },
    level: 'silver',
  },
  {
    id: 'has-ci-workflow',
    title: 'Its repository runs CI',
    why: 'Every change built and tested before it merges is what keeps main releasable.',
    fix: { text: 'Add a GitHub Actions workflow under .github/workflows/ that builds and tests on pull requests.', url: 'https://docs.github.com/en/actions/writing-workflows/quickstart' },
    appliesTo: SERVICES,
    rule: { all: [is('github.hasWorkflow')] },
    level: 'gold',
  },
  {
    id: 'default-branch-protected',
    title: 'Its default branch is protected',
    why: 'Protection keeps force-pushes and unreviewed changes off the branch that ships.',
    fix: { text: 'Protect the default branch (Settings → Branches), requiring reviews and passing checks.', url: 'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches' },
    appliesTo: SERVICES,
    rule: { all: [is('github.branchProtected')] },
    level: 'gold',
  },
  {
    id: 'docs-fresh',
    title: 'Its docs are built and fresh',
    why: 'Stale docs mislead: people trust what they read during an incident.',
    fix: { text: 'Publish TechDocs from CI on every merge, so the build follows the code.', url: 'https://backstage.io/docs/features/techdocs/configuring-ci-cd' },
    appliesTo: { kinds: ['Component'], lifecycles: ['production'] },
    rule: { all: [is('docs.built'), is('docs.stale', false)] },
    level: 'gold',
  },
  {
    id: 'recently-maintained',
    title: 'Committed to in the last year',
    why: 'A production service nobody has touched for a year has dependencies nobody has updated.',
    fix: { text: 'Update its dependencies (and merge it), or mark it deprecated if it is on its way out.' },
    appliesTo: { kinds: ['Component'], lifecycles: ['production'] },
    rule: { all: [{ fact: 'github.daysSinceLastCommit', operator: 'lessThanInclusive', value: 365 }] },
    level: 'gold',
  },
];

export const DEFAULT_SCORECARD: Scorecard = { checks: DEFAULT_CHECKS };
