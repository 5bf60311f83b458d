import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The least of Slack a benchmark of slash commands needs: `auth.test` naming the bot, every other
 * Web API method answering `{ ok: true }`, and response_urls that take what is posted. Nothing is
 * recorded or checked (test/support/fakeSlack.ts does that, for tests).
 */
export async function startQuietSlack(): Promise<{ url: string; responseUrl: (id: string) => string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      res.end(JSON.stringify(method === 'auth.test' ? { ok: true, user_id: 'U0BENCH', bot_id: 'B0BENCH', team_id: 'T0BENCH', user: 'backline' } : { ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/api/`,
    responseUrl: (id) => `${origin}/response/${id}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
