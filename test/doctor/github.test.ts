import { generateKeyPairSync } from 'node:crypto';
import { WHERE_TO_GET } from '../../src/config';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf, check, doctor } from './helpers';

const db = useTestDatabase();
const TOKEN = 'ghp_backline_test';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
let github: FakeGitHub;

async function withGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  github = await startFakeGitHub(options);
  github.addRepo('acme', 'billing');
  return github;
}
beforeAll(() => catalogOf(db()));
afterEach(() => github?.close());

const tokenEnv = (extra: Record<string, string> = {}) => ({ DATABASE_URL: db().url, GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, BACKLINE_GITHUB_ORGS: 'acme', ...extra });
const appEnv = (extra: Record<string, string> = {}) => ({ DATABASE_URL: db().url, GITHUB_API_URL: github.url, GITHUB_APP_ID: '4242', GITHUB_APP_PRIVATE_KEY: keys.privateKey, BACKLINE_GITHUB_ORGS: 'acme', ...extra });
const resetClock = () => `${new Date(Math.ceil((Date.now() + 3600_000) / 1000) * 1000).toISOString().slice(11, 16)} UTC`;

describe('GitHub with a token', () => {
  it('signs in and reads each organisation, with the rate limit left', async () => {
    await withGitHub({ rateLimit: 1000 });
    const report = await doctor(tokenEnv());
    expect(check(report, 'github.auth')).toEqual({ name: 'github.auth', status: 'ok', message: expect.stringMatching(/^GITHUB_TOKEN works; rate limit: [\d,]+ of 1,000 requests left until \d\d:\d\d UTC$/), fix: null });
    expect(check(report, 'github.org:acme')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^reads acme's repositories; rate limit: 99\d of 1,000 requests left until/) });
    expect(github.requests.map((request) => `${request.method} ${request.path} ${request.status}`).sort()).toEqual(['GET /orgs/acme/repos 200', 'GET /rate_limit 200']);
  });

  it('says when GitHub rejects the token, and how to make a new one', async () => {
    await withGitHub({ tokens: ['ghp_another'] });
    const report = await doctor(tokenEnv());
    expect(check(report, 'github.auth')).toEqual({ name: 'github.auth', status: 'problem', message: 'GitHub rejected GITHUB_TOKEN: GitHub answered 401 to GET /rate_limit: Bad credentials', fix: `The token is wrong, expired or revoked. ${WHERE_TO_GET.GITHUB_TOKEN}` });
    expect(check(report, 'github.org:acme')).toMatchObject({ status: 'problem', fix: 'See github.auth.' });
  });

  it('names an organisation the token cannot see, and what to check', async () => {
    await withGitHub();
    const found = check(await doctor(tokenEnv({ BACKLINE_GITHUB_ORGS: 'acme,acme-labs' })), 'github.org:acme-labs');
    expect(found.status).toBe('problem');
    expect(found.message).toBe('GitHub has no organisation acme-labs that these credentials can see');
    expect(found.fix).toContain('Check the spelling of acme-labs in BACKLINE_GITHUB_ORGS');
    expect(found.fix).toContain('If acme-labs uses SAML single sign-on, authorize the token for it');
  });

  it('says when an organisation lists no repositories the token can read', async () => {
    await withGitHub();
    github.addTeam('globex', { slug: 'radar' });
    const found = check(await doctor(tokenEnv({ BACKLINE_GITHUB_ORGS: 'globex' })), 'github.org:globex');
    expect(found).toMatchObject({ status: 'problem', message: 'globex lists no repositories these credentials can read', fix: expect.stringContaining("Give the token read access to globex's repositories") });
  });

  it('says when the rate limit is used up, and until when', async () => {
    await withGitHub();
    github.limitRemaining(0, 3600);
    const reset = resetClock();
    const report = await doctor(tokenEnv());
    expect(check(report, 'github.auth')).toMatchObject({ status: 'problem', message: `GITHUB_TOKEN works, but its rate limit is used up until ${reset}`, fix: expect.stringContaining('use a GitHub App') });
    expect(check(report, 'github.org:acme')).toMatchObject({ status: 'problem', message: `GitHub is rate-limiting reads of acme until ${reset}` });
  });

  it('says when GitHub does not answer, naming GITHUB_API_URL', async () => {
    await withGitHub();
    const url = github.url;
    await github.close();
    const found = check(await doctor({ DATABASE_URL: db().url, GITHUB_API_URL: url, GITHUB_TOKEN: TOKEN }), 'github.auth');
    expect(found.status).toBe('problem');
    expect(found.message).toMatch(new RegExp(`^GitHub did not answer at ${url.replace(/[.]/g, '\\.')} within 3 s or could not be reached`));
    expect(found.fix).toBe(`Check that this machine reaches ${url} (network, firewall, HTTPS proxy) and that GITHUB_API_URL is right: ${WHERE_TO_GET.GITHUB_API_URL}`);
    github = await startFakeGitHub();
  });

  it('is a problem when organisations are configured without credentials, since serve would not start', async () => {
    await withGitHub();
    const report = await doctor({ DATABASE_URL: db().url, BACKLINE_GITHUB_ORGS: 'acme' });
    expect(check(report, 'github.auth')).toMatchObject({ status: 'problem', message: 'BACKLINE_GITHUB_ORGS names acme, but no GitHub credentials are set, so serve will not start' });
    expect(check(report, 'github.org:acme')).toMatchObject({ status: 'skipped' });
  });

  it('is skipped when GitHub is not configured', async () => {
    await withGitHub();
    const report = await doctor({ DATABASE_URL: db().url });
    expect([check(report, 'github.auth').status, check(report, 'github.orgs').status]).toEqual(['skipped', 'skipped']);
    expect(github.requests).toEqual([]);
  });
});

describe('GitHub as an App', () => {
  const app = { id: '4242', publicKey: keys.publicKey, installations: { acme: 11 } };

  it("signs in with the App's key and reads each organisation as its installation there", async () => {
    await withGitHub({ tokens: [], app });
    const report = await doctor(appEnv());
    expect(check(report, 'github.auth')).toMatchObject({ status: 'ok', message: "the GitHub App signs in: Backline (App 4242); each organisation is read as its installation there" });
    expect(check(report, 'github.org:acme')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^reads acme's repositories; rate limit/) });
  });

  it('says when the App is not installed on an organisation, and how to install it', async () => {
    await withGitHub({ tokens: [], app });
    github.addOrg('initech');
    expect(check(await doctor(appEnv({ BACKLINE_GITHUB_ORGS: 'initech' })), 'github.org:initech')).toEqual({
      name: 'github.org:initech',
      status: 'problem',
      message: 'the GitHub App is not installed on initech',
      fix: "Install it on initech: the App's settings page → Install App → initech, with access to the repositories Backline should read.",
    });
  });

  it("says when GitHub rejects the App's key", async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    await withGitHub({ tokens: [], app: { ...app, publicKey: other.publicKey } });
    expect(check(await doctor(appEnv()), 'github.auth')).toMatchObject({
      status: 'problem',
      message: 'GitHub rejected the GitHub App (GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY): GitHub answered 401 to GET /app: A JSON web token could not be decoded',
      fix: expect.stringContaining("Check that GITHUB_APP_ID is the App's ID and GITHUB_APP_PRIVATE_KEY a current private key of that App."),
    });
  });
});
