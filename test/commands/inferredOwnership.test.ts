import { createCommandSet, type CommandPorts } from '../../commands';
import { pullRequestBody } from '../../commands/inferredOwnership.blocks';
import type { TeamInfo } from '../../commands/whoowns';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { PgOwnershipCorrections } from '../../src/catalog/PgOwnershipCorrections';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import type { CatalogFilePullRequest } from '../../src/scaffolder/catalogFilePullRequests';
import type { OutgoingMessage } from '../../src/scheduler/ports';
import { CatalogFolder, docs, group } from '../support/catalogFiles';
import { inferredComponent, storeInferred } from '../support/inferredFixtures';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const folder = new CatalogFolder();
let catalog: PgCatalogStore;

// Checkout is a team inside Payments; Quiet has no channel. Sam is in Checkout, Ana in no team.
const TEAMS = docs(
  group('payments'),
  group('checkout', { parent: 'payments' }),
  group('quiet'),
  'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: sam\n  annotations:\n    slack.com/user-id: U0SAM\nspec:\n  memberOf: [checkout, quiet]',
  'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ana\n  annotations:\n    slack.com/user-id: U0ANA\nspec:\n  memberOf: []',
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n  annotations:\n    github.com/project-slug: acme/ledger\nspec:\n  type: service\n  lifecycle: production\n  owner: payments',
);

beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  const report = await ingest([await rootFromPath(folder.write('teams.yaml', TEAMS))], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  await storeInferred(
    catalog,
    [
      inferredComponent({ name: 'payments-api', slug: 'acme/payments-api', from: 'codeowners', evidence: 'CODEOWNERS line 1: * @acme/payments', owner: 'group:default/payments' }),
      inferredComponent({ name: 'quiet-job', slug: 'acme/quiet-job', from: 'team-permission', evidence: 'team quiet has admin permission on acme/quiet-job', owner: 'group:default/quiet' }),
    ].join('---\n'),
  );
});

afterAll(() => folder.dispose());

function commands(extra: Partial<CommandPorts['inferred']> = {}) {
  const opened: CatalogFilePullRequest[] = [];
  const queued: OutgoingMessage[] = [];
  const rereads: string[] = [];
  const set = createCommandSet({
    catalog,
    inferred: {
      corrections: PgOwnershipCorrections.create({ pool: db().pool }),
      pullRequests: { open: async (request) => (opened.push(request), { url: 'https://github.com/acme/payments-api/pull/4', number: 4 }) },
      outbox: { enqueue: async (messages) => (queued.push(...messages), { queued: messages.length, alreadyQueued: 0 }) },
      refreshRepository: (owner, repo) => (rereads.push(`${owner}/${repo}`), Promise.resolve()),
      ...extra,
    },
  });
  return { set, opened, queued, rereads };
}

const as = (userId: string | null) => ({ userId, channelId: 'C0GENERAL', channelName: 'general' });

describe('Confirm and Not us', () => {
  it('let a member of a team below the inferred one confirm, and write the file with the owner as the catalog would', async () => {
    const { set, opened } = commands();
    const reply = await set.act('whoowns:confirm', 'component:default/payments-api|group:default/payments', as('U0SAM'));
    expect(reply).toMatchObject({ visibility: 'in_channel', inThread: true });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ repository: 'acme/payments-api', title: 'Add catalog-info.yaml' });
    expect(opened[0]!.yaml).toContain('  owner: payments\n');
    expect(opened[0]!.yaml).not.toContain('backline.dev/');
  });

  it('refuse a card whose inference changed since it was shown, and an entity declared since', async () => {
    const { set, opened } = commands();
    await expect(set.act('whoowns:confirm', 'component:default/payments-api|group:default/risk', as('U0SAM'))).rejects.toThrow(
      "Backline's guess about component:default/payments-api changed since this card was shown: it now says group:default/payments. Run /whoowns payments-api again.",
    );
    await expect(set.act('whoowns:not-us', 'component:default/ledger|group:default/payments', as('U0SAM'))).rejects.toThrow(/^component:default\/ledger is declared in the catalog now \(spec\.owner: payments in .*teams\.yaml\)/);
    expect(opened).toEqual([]);
  });

  it('say what is missing: Slack to know who pressed, GitHub to open a pull request', async () => {
    await expect(commands().set.act('whoowns:not-us', 'component:default/payments-api|group:default/payments', as(null))).rejects.toThrow(/press them on the card in Slack/);
    await expect(commands({ pullRequests: undefined }).set.act('whoowns:confirm', 'component:default/payments-api|group:default/payments', as('U0SAM'))).rejects.toThrow(/no GitHub credentials .*GITHUB_TOKEN or a GitHub App/);
  });

  it('tell someone outside the team who may, even when the team lists nobody directly', async () => {
    const reply = await commands().set.act('whoowns:confirm', 'component:default/payments-api|group:default/payments', as('U0ANA'));
    expect(reply).toMatchObject({ visibility: 'ephemeral', replaceOriginal: false });
    expect(reply!.text).toBe(':no_entry_sign: Only members of *payments* can confirm that *payments* owns *payments-api*, and it has no members in the catalog.');
  });

  it('record Not us for a team without a channel, read the repository again once the reply is out, and queue nothing', async () => {
    const { set, queued, rereads } = commands();
    const reply = await set.act('whoowns:not-us', 'component:default/quiet-job|group:default/quiet', as('U0SAM'));
    expect(rereads).toEqual([]);
    await reply!.followUp!();
    expect(rereads).toEqual(['acme/quiet-job']);
    expect(queued).toEqual([]);
    const { rows } = await db().pool.query('SELECT rejected_by FROM ownership_corrections WHERE repository = $1', ['acme/quiet-job']);
    expect(rows).toEqual([{ rejected_by: 'user:default/sam' }]);
  });
});

describe('the pull request description', () => {
  it('quotes the evidence in a fence longer than any run of tildes in it, so nothing in it can close the fence', () => {
    const team: TeamInfo = { ref: 'group:default/payments', found: true, kind: 'group', displayName: 'Payments', slackChannel: null, userGroup: null, members: [], escalation: null };
    const evidence = 'CODEOWNERS line 1: * @acme/payments\n~~~~\n@everyone [click](https://evil.example)';
    const body = pullRequestBody({ entityRef: 'component:default/x', entityName: 'x', team, repository: 'acme/x', evidence }, { confirmedBy: 'user:default/sam' });
    expect(body.endsWith(`\n~~~~~\n${evidence}\n~~~~~`)).toBe(true);
    expect(body).toContain('`group:default/payments` owns this repository, and `user:default/sam`, a member of it, confirmed that in Slack.');
  });
});
