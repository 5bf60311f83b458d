#!/usr/bin/env node
'use strict';
/**
 * A tiny loopback stand-in for Slack's Web API, for deploy/test-image.sh: `serve` asks auth.test who
 * its token belongs to before it starts, lists Slack's people, and may look people up for a card.
 * It listens on 127.0.0.1 only, prints its port on stdout once listening, and logs each call on stderr.
 * (The test suite's fake in test/support/fakeSlack.ts does far more; this script needs no build.)
 */
const http = require('node:http');

const answers = {
  'auth.test': { ok: true, url: 'https://backline-image-test.slack.com/', team: 'Image test', user: 'backline', team_id: 'T0BACKLINE', user_id: 'U0BACKLINE', bot_id: 'B0BACKLINE' },
  'users.list': { ok: true, members: [], response_metadata: { next_cursor: '' } },
  'users.lookupByEmail': { ok: false, error: 'users_not_found' },
  'users.info': { ok: false, error: 'user_not_found' },
};

const server = http.createServer((req, res) => {
  let size = 0;
  req.on('data', (chunk) => (size += chunk.length));
  req.on('end', () => {
    const method = new URL(req.url ?? '/', 'http://fake').pathname.replace(/^\/api\//, '');
    process.stderr.write(`fake Slack API: ${req.method} ${method} (${size} bytes)\n`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answers[method] ?? { ok: true }));
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
