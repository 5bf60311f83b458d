import { loadConfig, requireSlackConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { AppError, asAppError } from '../src/errors';
import { createLogger } from '../src/logger';
import { redactSecrets } from '../src/redact';
import { identifyBot } from '../src/slack/app';
import { freePort } from './support/net';

const DATABASE_URL = 'postgresql://backline@db.internal:5432/backline?sslmode=disable&password=secret';
const PROXY_URL = 'https://user:pass@proxy.example/api/';

function messageThrownBy(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected it to throw');
}

function recordLines() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) };
}

describe('log lines', () => {
  it('never show a password given in a connection string’s query or in a URL’s user info', () => {
    const { lines, logger } = recordLines();
    logger.info(`connecting to ${DATABASE_URL} through ${PROXY_URL}`, { url: DATABASE_URL, nested: { proxy: PROXY_URL } });
    logger.child({ databaseUrl: DATABASE_URL }).error('request failed', { error: new Error(`connect ECONNREFUSED ${PROXY_URL}users.list`) });
    const output = lines.join('');
    expect(output).not.toContain('secret');
    expect(output).not.toContain('user:pass');
    expect(output).toContain('postgresql://backline@db.internal:5432/backline?sslmode=disable&password=***');
    expect(output).toContain('https://user:***@proxy.example/api/');
  });

  it('hide a password that holds characters JSON escapes, and one with an unencoded @', () => {
    const { lines, logger } = recordLines();
    logger.warn('cannot connect', { to: 'postgresql://backline:pa"ss\\word@db:5432/x', other: 'postgres://u:p@ss@db/x' });
    const output = lines.join('');
    expect(output).not.toMatch(/pa\\?"ss|word@|p@ss|ss@db/);
    expect(JSON.parse(output)).toMatchObject({ to: 'postgresql://backline:***@db:5432/x', other: 'postgres://u:***@db/x' });
  });

  it('keep the rest of the line as it was', () => {
    expect(redactSecrets('owner is payments@northwind.example; see https://github.com/acme/billing?tab=readme and postgresql://db:5432/x')).toBe(
      'owner is payments@northwind.example; see https://github.com/acme/billing?tab=readme and postgresql://db:5432/x',
    );
  });

  it('hide tokens of Slack, GitHub and bearer headers', () => {
    expect(redactSecrets('xoxb-123-456-abc xapp-1-A0-xyz ghp_abcdef github_pat_11AB_cd Authorization: Bearer abc.def token=t0k3n')).toBe(
      'xoxb-*** xapp-*** ghp_*** github_pat_*** Authorization: Bearer *** token=***',
    );
  });

  it("hide Opsgenie's GenieKey header and API keys in JSON", () => {
    expect(redactSecrets('Authorization: GenieKey 0b1c-2d3e {"apiKey":"k3y","api_key":"k4y","name":"ops"}')).toBe('Authorization: GenieKey *** {"apiKey":"***","api_key":"***","name":"ops"}');
  });
});

describe('error messages', () => {
  it('carry no password, whether made by Backline or wrapped from elsewhere', () => {
    expect(new AppError('INTERNAL', `cannot reach ${DATABASE_URL}`).message).toBe('cannot reach postgresql://backline@db.internal:5432/backline?sslmode=disable&password=***');
    expect(asAppError(new Error(`request to ${PROXY_URL} failed`)).message).toBe('request to https://user:***@proxy.example/api/ failed');
  });

  it('of a database that does not answer name it without its password', async () => {
    const url = `postgresql://backline@127.0.0.1:${await freePort()}/backline?password=secret&connect_timeout=2`;
    const failure = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent' }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/^Cannot connect to postgresql:\/\/backline@127\.0\.0\.1:\d+\/backline\?password=\*\*\*&connect_timeout=2: /);
    expect(failure?.message).not.toContain('secret');
  });

  it('of a Slack API URL that does not answer, and the Slack client’s warnings, name it without its password', async () => {
    const apiUrl = `http://user:pass@127.0.0.1:${await freePort()}/api/`;
    const slack = requireSlackConfig(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'signing-secret-0123456789' }));
    const { lines, logger } = recordLines();
    const failure = await identifyBot({ ...slack, apiUrl }, logger).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain('Check the network and SLACK_API_URL (http://user:***@127.0.0.1:');
    expect(failure?.message).not.toContain('pass@');
    expect(lines.join('')).toContain('http://user:***@127.0.0.1:');
    expect(lines.join('')).not.toContain('pass@');
  });

  it('of the configuration never repeat the value that was refused', () => {
    const message = messageThrownBy(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@db/x', SLACK_API_URL: 'https://user:pass@proxy.example/api/' }));
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ connection string/);
    expect(message).toMatch(/SLACK_API_URL: must not hold a user name or password \(user:pass@\)/);
    expect(message).not.toMatch(/secret|pass@proxy/);
  });
});
