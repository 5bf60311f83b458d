import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf } from './helpers';

const db = useTestDatabase();
let slack: FakeSlack;
let server: RunningServer | undefined;

beforeAll(async () => {
  await catalogOf(db());
  slack = await startFakeSlack();
});
afterAll(async () => {
  await server?.stop();
  await slack.close();
});

describe('serve at start', () => {
  it("logs the doctor's problems as warnings with their fixes, and starts anyway while GitHub is down", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const port = await freePort();
    const githubDown = `http://127.0.0.1:${await freePort()}/api/v3`;
    server = await startServer(
      loadConfig({
        DATABASE_URL: db().url,
        PORT: String(port),
        SLACK_BOT_TOKEN: 'xoxb-e2e',
        SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aa11ee85a5',
        SLACK_API_URL: slack.url,
        GITHUB_API_URL: githubDown,
        GITHUB_TOKEN: 'ghp_backline_test',
        BACKLINE_GITHUB_ORGS: 'acme',
        BACKLINE_GITHUB_REFRESH_MINUTES: '0',
      }),
      { logger },
    );
    await server.checkedAtStart;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    const doctor = lines.filter((line) => line.component === 'doctor');
    expect(doctor.filter((line) => line.level === 'warn').map((line) => [line.check ?? null, line.msg])).toEqual([
      ['github.auth', expect.stringMatching(/^github\.auth: GitHub did not answer at http:\/\/127\.0\.0\.1:\d+\/api\/v3/)],
      ['github.org:acme', expect.stringMatching(/^github\.org:acme: GitHub did not answer/)],
      [null, 'start-up checks found 2 problems; serve runs on, and `backline doctor` prints them with their fixes'],
    ]);
    expect(doctor.find((line) => line.check === 'github.auth')?.fix).toBe(
      `Check that this machine reaches ${githubDown} (network, firewall, HTTPS proxy) and that GITHUB_API_URL is right: Leave it unset for github.com; for GitHub Enterprise Server use https://HOST/api/v3.`,
    );
    expect(JSON.stringify(doctor)).not.toContain('ghp_backline_test');
  });
});
