import { loadConfig, requireGitHubAuth } from '../../src/config';

describe('GitHub configuration', () => {
  it('defaults to github.com, catalog-info.yaml, inference on, a 30-minute refresh, 8 requests at once, and webhook bodies of 5 MiB, 8 unverified at once', () => {
    expect(loadConfig({}).github).toEqual({
      apiUrl: 'https://api.github.com',
      auth: undefined,
      webhookSecret: undefined,
      webhook: { maxBytes: 5 * 1024 * 1024, maxInFlight: 8 },
      orgs: [],
      catalogPath: 'catalog-info.yaml',
      refreshMinutes: 30,
      importTeams: undefined,
      infer: true,
      includeArchived: false,
      includeForks: false,
      concurrency: 8,
      maxRateLimitWaitSeconds: 900,
    });
  });

  it('reads organisations, a glob, GitHub Enterprise and a token', () => {
    const { github } = loadConfig({ BACKLINE_GITHUB_ORGS: 'acme, acme-labs', BACKLINE_GITHUB_CATALOG_PATH: './**/catalog-info.yaml', GITHUB_API_URL: 'https://git.example.com/api/v3/', GITHUB_TOKEN: 'ghp_abc', BACKLINE_GITHUB_IMPORT_TEAMS: 'true' });
    expect(github).toMatchObject({ orgs: ['acme', 'acme-labs'], catalogPath: '**/catalog-info.yaml', apiUrl: 'https://git.example.com/api/v3', auth: { kind: 'token', token: 'ghp_abc' }, importTeams: true });
  });

  it('turns inference off with BACKLINE_GITHUB_INFER=false, and refuses a value that is not true or false', () => {
    expect(loadConfig({ BACKLINE_GITHUB_INFER: 'false' }).github.infer).toBe(false);
    expect(() => loadConfig({ BACKLINE_GITHUB_INFER: 'sometimes' })).toThrow(/BACKLINE_GITHUB_INFER.*must be true or false/s);
  });

  it('takes a GitHub App private key written on one line with \\n', () => {
    const { github } = loadConfig({ GITHUB_APP_ID: '4242', GITHUB_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----' });
    expect(github.auth).toEqual({ kind: 'app', appId: '4242', privateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----' });
  });

  it('names what is missing or wrong, and where to find it', () => {
    expect(() => loadConfig({ GITHUB_APP_ID: '4242' })).toThrow(/GITHUB_APP_PRIVATE_KEY is not set, but a GitHub App needs both GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/);
    expect(() => loadConfig({ BACKLINE_GITHUB_ORGS: 'acme,not an org' })).toThrow(/BACKLINE_GITHUB_ORGS: must be organisation names separated by commas/);
    expect(() => loadConfig({ BACKLINE_GITHUB_IMPORT_TEAMS: 'maybe' })).toThrow(/BACKLINE_GITHUB_IMPORT_TEAMS: must be true or false/);
    expect(() => requireGitHubAuth(loadConfig({}))).toThrow(/set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/);
  });

  it('takes webhook limits, and says what a body cap must be', () => {
    expect(loadConfig({ BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: '1048576', BACKLINE_GITHUB_WEBHOOK_CONCURRENCY: '2' }).github.webhook).toEqual({ maxBytes: 1048576, maxInFlight: 2 });
    expect(() => loadConfig({ BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: '5MB' })).toThrow(
      /BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: must be a number of bytes\. The largest webhook body POST \/github\/webhook receives, in bytes, e\.g\. 5242880 for 5 MiB/,
    );
    expect(() => loadConfig({ BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: '104857600' })).toThrow(/BACKLINE_GITHUB_WEBHOOK_MAX_BYTES: must be at most 26214400 \(25 MiB, the most GitHub sends\)/);
  });
});
