import nock from 'nock';
import { WHERE_TO_GET } from '../../src/config';
import { OPSGENIE, OPSGENIE_KEY, PAGERDUTY, PD_TOKEN } from '../oncall/providerFakes';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf, check, doctor } from './helpers';

const db = useTestDatabase();
beforeAll(() => catalogOf(db()));
afterEach(() => {
  nock.cleanAll();
});

const env = () => ({ DATABASE_URL: db().url, PAGERDUTY_TOKEN: PD_TOKEN, PAGERDUTY_API_URL: PAGERDUTY, OPSGENIE_API_KEY: OPSGENIE_KEY, OPSGENIE_API_URL: OPSGENIE });
const pagerDuty = () => nock(PAGERDUTY, { reqheaders: { authorization: `Token token=${PD_TOKEN}` } }).get('/oncalls').query({ limit: '1' });
const opsgenie = () => nock(OPSGENIE, { reqheaders: { authorization: `GenieKey ${OPSGENIE_KEY}` } }).get('/v2/schedules');

describe('on-call providers', () => {
  it('read on-call schedules with their keys', async () => {
    const asked = [pagerDuty().reply(200, { oncalls: [], limit: 1, offset: 0, more: false }), opsgenie().reply(200, { data: [] })];
    const report = await doctor(env());
    expect(check(report, 'oncall.pagerduty')).toEqual({ name: 'oncall.pagerduty', status: 'ok', message: 'PagerDuty accepts PAGERDUTY_TOKEN and lets it read on-call schedules', fix: null });
    expect(check(report, 'oncall.opsgenie')).toEqual({ name: 'oncall.opsgenie', status: 'ok', message: 'Opsgenie accepts OPSGENIE_API_KEY and lets it read on-call schedules', fix: null });
    expect(asked.every((scope) => scope.isDone())).toBe(true);
  });

  it('say when a provider rejects its key, and where to create one', async () => {
    pagerDuty().reply(401, { error: { message: 'Unauthorized' } });
    opsgenie().reply(403, { message: 'Key has no access' });
    const report = await doctor(env());
    expect(check(report, 'oncall.pagerduty')).toEqual({
      name: 'oncall.pagerduty',
      status: 'problem',
      message: 'PagerDuty rejected PAGERDUTY_TOKEN (401): check the key, and that it may read schedules',
      fix: `${WHERE_TO_GET.PAGERDUTY_TOKEN} Then set PAGERDUTY_TOKEN to it.`,
    });
    expect(check(report, 'oncall.opsgenie')).toMatchObject({ status: 'problem', fix: `${WHERE_TO_GET.OPSGENIE_API_KEY} Then set OPSGENIE_API_KEY to it.` });
  });

  it('say when a provider cannot be reached, naming its URL setting', async () => {
    pagerDuty().replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    opsgenie().reply(200, { data: [] });
    expect(check(await doctor(env()), 'oncall.pagerduty')).toMatchObject({
      status: 'problem',
      message: expect.stringMatching(/^Could not reach PagerDuty at https:\/\/api\.pagerduty\.test/),
      fix: `Check that this machine reaches ${PAGERDUTY} (network, firewall, HTTPS proxy). ${WHERE_TO_GET.PAGERDUTY_API_URL}`,
    });
  });

  it('say when the URL answers something that is not the provider', async () => {
    pagerDuty().reply(200, 'not json');
    opsgenie().reply(404);
    const report = await doctor(env());
    expect(check(report, 'oncall.pagerduty')).toMatchObject({ status: 'problem', message: 'PagerDuty answered with something that is not JSON', fix: `Check PAGERDUTY_API_URL (${PAGERDUTY}). ${WHERE_TO_GET.PAGERDUTY_API_URL}` });
    expect(check(report, 'oncall.opsgenie')).toMatchObject({ status: 'problem', message: `Opsgenie has no /v2/schedules at ${OPSGENIE} (404)`, fix: `Check OPSGENIE_API_URL (${OPSGENIE}). ${WHERE_TO_GET.OPSGENIE_API_URL}` });
  });

  it('are skipped when not configured', async () => {
    const report = await doctor({ DATABASE_URL: db().url });
    expect(check(report, 'oncall.pagerduty')).toEqual({ name: 'oncall.pagerduty', status: 'skipped', message: 'not configured: PAGERDUTY_TOKEN is not set', fix: null });
    expect(check(report, 'oncall.opsgenie')).toEqual({ name: 'oncall.opsgenie', status: 'skipped', message: 'not configured: OPSGENIE_API_KEY is not set', fix: null });
  });
});
