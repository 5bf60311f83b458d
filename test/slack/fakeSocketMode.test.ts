/**
 * The fake Slack's Socket Mode side, driven by undici's WebSocket client, the one
 * @slack/socket-mode connects with.
 */
import { WebSocket } from 'undici';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { waitUntil } from '../support/waitFor';

let slack: FakeSlack;

beforeEach(async () => {
  slack = await startFakeSlack();
});

afterEach(async () => {
  await slack.close();
});

async function openUrl(token = 'xapp-1-fake'): Promise<Record<string, unknown>> {
  const answer = await fetch(`${slack.url}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return (await answer.json()) as Record<string, unknown>;
}

/** Connects and collects every message, parsed. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: Array<Record<string, unknown>> }> {
  const socket = new WebSocket(url);
  const messages: Array<Record<string, unknown>> = [];
  socket.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('could not connect')));
  });
  await waitUntil(() => messages.length > 0, 2000, 'hello');
  return { socket, messages };
}

const closed = (socket: WebSocket) => new Promise<void>((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve() : socket.addEventListener('close', () => resolve())));

it('opens a connection only for an app-level token, and takes app-level tokens for nothing else', async () => {
  expect(await openUrl('xoxb-bot')).toEqual({ ok: false, error: 'invalid_auth' });
  const answer = await fetch(`${slack.url}chat.postMessage`, { method: 'POST', headers: { authorization: 'Bearer xapp-1-fake' }, body: new URLSearchParams({ channel: 'C1', text: 'hi' }) });
  expect(await answer.json()).toEqual({ ok: false, error: 'invalid_auth' });
  expect(await openUrl()).toEqual({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]{36}&app_id=A0BACKLINE$/) });
});

it('says hello on a URL once; the same URL does not open a second connection', async () => {
  const { url } = (await openUrl()) as { url: string };
  const { socket, messages } = await connect(url);
  expect(messages[0]).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0BACKLINE' } });
  await expect(connect(url)).rejects.toThrow('could not connect');
  socket.close(1000);
  await closed(socket);
});

it('sends an envelope again on the next connection when its own closed before the ack, and takes the first ack only', async () => {
  const first = await connect(((await openUrl()) as { url: string }).url);
  const envelope = slack.socketMode.slashCommand({ text: 'payments' });
  await waitUntil(() => first.messages.length === 2, 2000, 'the envelope');
  expect(first.messages[1]).toEqual({ envelope_id: envelope.id, type: 'slash_commands', payload: envelope.payload, accepts_response_payload: true });
  first.socket.close(1000);
  await closed(first.socket);
  expect(slack.socketMode.connections[0]).toEqual({ id: 1, open: false, closedWith: 1000 });

  const second = await connect(((await openUrl()) as { url: string }).url);
  await waitUntil(() => second.messages.length === 2, 2000, 'the envelope again');
  expect(second.messages[1]).toMatchObject({ envelope_id: envelope.id, type: 'slash_commands' });
  second.socket.send(JSON.stringify({ envelope_id: envelope.id, payload: { text: 'answer' } }));
  second.socket.send(JSON.stringify({ envelope_id: envelope.id, payload: { text: 'again' } }));
  await waitUntil(() => envelope.acks.length === 2, 2000, 'both acks');
  expect(envelope.deliveries.map(({ connection, reason }) => ({ connection, reason }))).toEqual([
    { connection: 1, reason: 'first' },
    { connection: 2, reason: 'connection closed' },
  ]);
  expect(envelope.acks.map(({ payload, outcome }) => ({ payload, outcome }))).toEqual([
    { payload: { text: 'answer' }, outcome: 'taken' },
    { payload: { text: 'again' }, outcome: 'already acknowledged' },
  ]);
  second.socket.close(1000);
  await closed(second.socket);
});

it('tells a connection to go, sends it nothing new, and with link_disabled closes it at once', async () => {
  const { socket, messages } = await connect(((await openUrl()) as { url: string }).url);
  slack.socketMode.disconnect('link_disabled');
  await closed(socket);
  expect(messages[1]).toEqual({ type: 'disconnect', reason: 'link_disabled', debug_info: { host: 'fake-slack' } });
  const envelope = slack.socketMode.event({ type: 'app_home_opened', user: 'U1', tab: 'home' }, 'Ev0FAKE1');
  expect(envelope.deliveries).toEqual([]);
});
