import { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { UserFacingError } from '../../src/errors';
import { decodePrivateMetadata, encodePrivateMetadata } from '../../commands/blockKit/privateMetadata';
import { openModalThenLoad } from '../../src/slack/modals';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { newTriggerId } from '../support/slackSigning';

let slack: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  slack = await startFakeSlack();
  client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
});
afterAll(() => slack.close());
afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
});

describe('private_metadata', () => {
  const Step = z.object({ template: z.string(), page: z.number() });

  it('round-trips modal state', () => {
    expect(decodePrivateMetadata(encodePrivateMetadata({ template: 'node-service', page: 2 }), Step)).toEqual({ template: 'node-service', page: 2 });
  });

  it('refuses state over Slack\'s 3,000 characters instead of letting views.open fail', () => {
    expect(() => encodePrivateMetadata({ blob: 'x'.repeat(3000) })).toThrow(/private_metadata would be 3011 characters, over Slack's limit of 3000/);
  });

  it('tells the user to reopen a form whose state it cannot read', () => {
    expect(() => decodePrivateMetadata('{not json', Step)).toThrow('This form is out of date. Close it and open it again.');
    expect(() => decodePrivateMetadata('{"template":1}', Step)).toThrow('This form is out of date. Close it and open it again.');
  });
});

describe('opening a modal before slow work', () => {
  it('opens a loading view with the trigger first, then replaces it with the loaded view', async () => {
    const viewId = await openModalThenLoad(client, newTriggerId(), { callbackId: 'create-service', title: 'Create a service' }, async () => {
      expect(slack.callsTo('views.open')).toHaveLength(1);
      return { type: 'modal', callback_id: 'create-service', title: { type: 'plain_text', text: 'Create a service' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Pick a template' } }] };
    });
    expect(slack.calls.map((call) => call.method)).toEqual(['views.open', 'views.update']);
    expect(slack.callsTo('views.update')[0]!.args.view_id).toBe(viewId);
    expect(slack.views.get(viewId)).toMatchObject({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Pick a template' } }] });
  });

  it('shows what went wrong in the open modal when loading fails', async () => {
    await expect(openModalThenLoad(client, newTriggerId(), { callbackId: 'x', title: 'Create a service' }, async () => Promise.reject(new Error('GitHub timed out')))).rejects.toThrow('GitHub timed out');
    const update = slack.callsTo('views.update')[0]!.args.view as { blocks: Array<{ text: { text: string } }> };
    expect(update.blocks[0]!.text.text).toBe(':warning: Something went wrong while preparing this form. Close it and try again.');
  });

  it('shows a refusal that quotes the catalog as text, pinging nobody', async () => {
    const refusal = new UserFacingError('<!channel> is no longer in the catalog.');
    await expect(openModalThenLoad(client, newTriggerId(), { callbackId: 'x', title: 'Not applicable' }, async () => Promise.reject(refusal))).rejects.toBe(refusal);
    const update = slack.callsTo('views.update')[0]!.args.view as { blocks: Array<{ text: { text: string } }> };
    expect(update.blocks[0]!.text.text).toBe(':warning: &lt;!channel&gt; is no longer in the catalog.');
  });
});
