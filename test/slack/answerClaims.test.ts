import { AnswerOnce } from '../../src/slack/answerOnce';
import { PgEventReceiptStore } from '../../src/slack/PgEventReceiptStore';
import { silentLogger } from '../../src/logger';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const store = () => PgEventReceiptStore.create({ pool: db().pool });

describe('claims on the answer to a request Socket Mode may deliver again', () => {
  it('go to the first delivery; a later one finds the request taken', async () => {
    expect(await store().claimAnswer('command:1.2.a')).toBe('first');
    expect(await store().claimAnswer('command:1.2.a')).toBe('taken');
    expect(await store().claimAnswer('command:1.2.b')).toBe('first');
  });

  it('go to a later delivery once, when the first answer went inside an ack Slack never got', async () => {
    await store().claimAnswer('command:2.2.a');
    await store().answeredInAck('command:2.2.a');
    const [one, other] = await Promise.all([store().claimAnswer('command:2.2.a'), store().claimAnswer('command:2.2.a')]);
    expect([one, other].sort()).toEqual(['again', 'taken']);
    expect(await store().claimAnswer('command:2.2.a')).toBe('taken');
  });

  it('go to the next delivery when the first gives its claim back', async () => {
    await store().claimAnswer('view_submission:3.2.a');
    await store().releaseAnswer('view_submission:3.2.a');
    expect(await store().claimAnswer('view_submission:3.2.a')).toBe('first');
  });

  it('live beside Events API receipts without touching them', async () => {
    expect(await store().firstDelivery('Ev0CLAIMS1')).toBe(true);
    expect(await store().claimAnswer('Ev0CLAIMS1')).toBe('first');
    expect(await store().firstDelivery('Ev0CLAIMS1')).toBe(false);
  });
});

describe('AnswerOnce', () => {
  it('lets every delivery answer over HTTP, where a request comes once', async () => {
    const answers = new AnswerOnce(store(), silentLogger);
    expect((await answers.claim(undefined)).answers).toBe(true);
    expect((await answers.claim(undefined)).answers).toBe(true);
  });

  it('makes a second delivery on this replica wait for the first to settle its ack, then follow what it decided', async () => {
    const answers = new AnswerOnce(store(), silentLogger);
    const first = await answers.claim('view_submission:4.2.a');
    let decided = false;
    const second = answers.claim('view_submission:4.2.a').then((turn) => ((decided = true), turn));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(decided).toBe(false);
    await first.release();
    first.settle();
    expect((await second).answers).toBe(true);
  });

  it('answers when the claim cannot be recorded, rather than not at all', async () => {
    const failing = { claimAnswer: async () => Promise.reject(new Error('connection refused')), answeredInAck: async () => undefined, releaseAnswer: async () => undefined };
    expect((await new AnswerOnce(failing, silentLogger).claim('command:5.2.a')).answers).toBe(true);
  });
});
