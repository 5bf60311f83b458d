import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

// What deploy/test-image.sh cannot see without a registry: compose.yaml's wiring, and the parts of
// the Dockerfile that the chart and compose.yaml rely on. The image itself is run by that script.
const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('compose.yaml', () => {
  const compose = yaml.load(read('compose.yaml')) as { services: Record<string, any>; volumes: Record<string, unknown> };
  const { backline, postgres } = compose.services;

  it('builds Backline from the Dockerfile and starts it once PostgreSQL answers', () => {
    expect(backline.build).toEqual({ context: '.', args: { NODE_IMAGE: '${NODE_IMAGE:-node:20-bookworm-slim}' } });
    expect(backline.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(postgres.healthcheck.test).toEqual(['CMD-SHELL', 'pg_isready -U backline -d backline']);
  });

  it('points DATABASE_URL at the postgres service with its user, password and database', () => {
    const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB } = postgres.environment;
    expect(backline.environment.DATABASE_URL).toBe(`postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}`);
    expect(postgres.ports).toBeUndefined();
  });

  it('reads the tokens from backline.env, which neither git nor the image build receives', () => {
    expect(backline.env_file).toBe('backline.env');
    expect(read('.gitignore').split('\n')).toContain('backline.env');
    const buildContext = read('.dockerignore').split('\n').filter((line) => line.startsWith('!'));
    expect(read('.dockerignore').split('\n')).toContain('*');
    expect(buildContext.some((line) => line.includes('env'))).toBe(false);
    expect(read('deploy/backline.env.example')).toMatch(/^SLACK_BOT_TOKEN=$/m);
  });

  it('runs the image read-only, without capabilities, writing only /tmp and the data folder, on loopback by default', () => {
    expect(backline).toMatchObject({ read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
    expect(backline.volumes).toEqual(['backline-data:/var/lib/backline']);
    expect(backline.ports).toEqual(['${BACKLINE_PORT:-127.0.0.1:3000}:3000']);
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data', 'backline-data']);
  });
});

describe('the Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('takes its Node.js image as NODE_IMAGE, node:20-bookworm-slim unless told otherwise', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM .*$/gm)).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS dependencies', 'FROM ${NODE_IMAGE}']);
  });

  it('runs serve as the numeric non-root user the chart expects, under tini, checked on /healthz', () => {
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "backline"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["serve"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(dockerfile).toMatch(/BACKLINE_DATA_DIR=\/var\/lib\/backline/);
  });
});
