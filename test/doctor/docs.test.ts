import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import nock from 'nock';
import { WHERE_TO_GET } from '../../src/config';
import { component } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf, check, doctor } from './helpers';

const db = useTestDatabase();
const SITES = pathToFileURL(path.join(__dirname, '..', 'fixtures', 'techdocs')).toString();
const documented = (name: string) => component(name).replace('metadata:\n', 'metadata:\n  annotations:\n    backstage.io/techdocs-ref: dir:.\n');
const docsCheck = async (env: Record<string, string>) => check(await doctor({ DATABASE_URL: db().url, ...env }), 'docs.techdocs');
const reachFix = (base: string) => `Check that TECHDOCS_BASE_URL (${base}) is the folder that holds <namespace>/<kind>/<name>/ (where techdocs-cli publish writes), that the sites are published there, and that this machine reaches it. ${WHERE_TO_GET.TECHDOCS_BASE_URL}`;

afterEach(() => nock.cleanAll());

describe('TECHDOCS_BASE_URL', () => {
  beforeAll(() => catalogOf(db(), documented('ledger-service'), documented('payments-service'), documented('unbuilt-service'), component('plain-service')));

  it("answers with the builds of the catalog's sites", async () => {
    expect(await docsCheck({ TECHDOCS_BASE_URL: SITES })).toEqual({
      name: 'docs.techdocs',
      status: 'ok',
      message: 'TECHDOCS_BASE_URL answers: read the build of component:default/ledger-service, component:default/payments-service; not of component:default/unbuilt-service: techdocs_metadata.json is not there (/default/component/unbuilt-service/techdocs_metadata.json): the site has not been built yet, or was published elsewhere'.replace('(/default', `(${new URL(SITES).pathname}/default`),
      fix: null,
    });
  });

  it('is a problem when none of the sites read there answers, with what to check', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'techdocs-'));
    const base = pathToFileURL(empty).toString();
    const found = await docsCheck({ TECHDOCS_BASE_URL: base });
    expect(found.status).toBe('problem');
    expect(found.message).toMatch(/^none of the 3 docs sites read under TECHDOCS_BASE_URL \(.+\) answered: component:default\/ledger-service: techdocs_metadata.json is not there/);
    expect(found.fix).toBe(reachFix(base));
    fs.rmSync(empty, { recursive: true });
  });

  it('is a problem when entities have TechDocs and no base URL is set', async () => {
    expect(await docsCheck({})).toEqual({ name: 'docs.techdocs', status: 'problem', message: '3 entities have TechDocs (backstage.io/techdocs-ref), but TECHDOCS_BASE_URL is not set, so serve links none of their sites', fix: `Set TECHDOCS_BASE_URL. ${WHERE_TO_GET.TECHDOCS_BASE_URL}` });
  });

  it('is not needed when serve hosts BACKLINE_DOCS_DIR', async () => {
    expect(await docsCheck({ BACKLINE_DOCS_DIR: path.join(__dirname, '..', 'fixtures', 'techdocs') })).toMatchObject({ status: 'skipped' });
  });
});

describe('TECHDOCS_BASE_URL in a large catalog', () => {
  beforeAll(() => catalogOf(db(), ...Array.from({ length: 1_001 }, (_, i) => documented(`service-${String(i).padStart(4, '0')}`))));

  it('counts documented entities up to a thousand and says when there are more', async () => {
    expect(await docsCheck({})).toMatchObject({ status: 'problem', message: '1,000 entities or more have TechDocs (backstage.io/techdocs-ref), but TECHDOCS_BASE_URL is not set, so serve links none of their sites' });
  });

  it('reads the sites of the first entities by ref among those it reads', async () => {
    const found = await docsCheck({ TECHDOCS_BASE_URL: SITES });
    expect(found.message).toMatch(/^none of the 3 docs sites read under TECHDOCS_BASE_URL \(.+\) answered: component:default\/service-0000: .*; component:default\/service-0001: .*; component:default\/service-0002: /);
  });
});

describe('TECHDOCS_BASE_URL before any entity has docs', () => {
  beforeAll(() => catalogOf(db(), component('plain-service')));

  it('answers when its host answers at all, as storage buckets that refuse to list do', async () => {
    nock('https://docs.example.test').get('/techdocs/').reply(403);
    expect(await docsCheck({ TECHDOCS_BASE_URL: 'https://docs.example.test/techdocs' })).toMatchObject({ status: 'ok', message: 'TECHDOCS_BASE_URL answers (HTTP 403 at its root); no entity in the catalog has TechDocs yet, so no site was read' });
  });

  it('is a problem when its host cannot be reached', async () => {
    nock('https://docs.example.test').get('/techdocs/').replyWithError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND docs.example.test' });
    expect(await docsCheck({ TECHDOCS_BASE_URL: 'https://docs.example.test/techdocs' })).toEqual({
      name: 'docs.techdocs',
      status: 'problem',
      message: expect.stringMatching(/^TECHDOCS_BASE_URL \(https:\/\/docs\.example\.test\/techdocs\) does not answer: it could not be reached \(.*ENOTFOUND.*\)$/),
      fix: reachFix('https://docs.example.test/techdocs'),
    });
  });

  it('is skipped when not configured', async () => {
    expect(await docsCheck({})).toEqual({ name: 'docs.techdocs', status: 'skipped', message: 'not configured: TECHDOCS_BASE_URL is not set', fix: null });
  });
});
