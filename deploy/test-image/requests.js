#!/usr/bin/env node
'use strict';
/**
 * The requests deploy/test-image.sh makes of a running image, with Node's own fetch (no build, no
 * dependencies). Each subcommand exits 0 when the answer is right and 1, saying why, when it is not.
 *
 *   requests.js wait URL SECONDS                 GET URL until it answers 200
 *   requests.js status URL                       print the status GET URL answers
 *   requests.js whoowns BASE SECRET RESPONSE_URL TEXT EXPECTED...
 *       POST a /whoowns TEXT signed with SECRET to BASE/slack/events, as Slack does
 *       (X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:<ts>:<body>"))), and expect the card in
 *       the ack to contain every EXPECTED string; then expect the same request unsigned to get 401.
 */
const { createHmac } = require('node:crypto');

const [, , command, ...args] = process.argv;

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function wait(url, seconds) {
  const deadline = Date.now() + Number(seconds) * 1000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (response.status === 200) return process.stdout.write(`${body}\n`);
      last = `${response.status} ${body}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  fail(`${url} did not answer 200 within ${seconds} s (last: ${last})`);
}

async function status(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  process.stdout.write(`${response.status}\n`);
}

async function whoowns(base, secret, responseUrl, text, expected) {
  const body = new URLSearchParams({
    token: 'unused-verification-token',
    team_id: 'T0BACKLINE',
    team_domain: 'backline-image-test',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0TESTER',
    user_name: 'tester',
    command: '/whoowns',
    text,
    api_app_id: 'A0BACKLINE',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: '1000001.4744562912.0123456789abcdef0123456789abcdef',
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  const form = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(timestamp) };
  const url = `${base}/slack/events`;

  const signed = await fetch(url, { method: 'POST', headers: { ...form, 'X-Slack-Signature': `v0=${signature}` }, body });
  const answer = await signed.text();
  if (signed.status !== 200) fail(`signed /whoowns ${text}: expected 200, got ${signed.status} ${answer}`);
  let card;
  try {
    card = JSON.parse(answer);
  } catch {
    fail(`signed /whoowns ${text}: the ack carried no card (body: ${JSON.stringify(answer)})`);
  }
  if (!Array.isArray(card.blocks) || card.blocks.length === 0) fail(`signed /whoowns ${text}: the ack has no blocks: ${answer}`);
  const missing = expected.filter((words) => !answer.includes(words));
  if (missing.length) fail(`signed /whoowns ${text}: the card lacks ${missing.map((words) => JSON.stringify(words)).join(', ')}: ${answer}`);
  process.stdout.write(`signed /whoowns ${text}: 200, a card of ${card.blocks.length} blocks naming ${expected.join(', ')}\n`);

  const forged = await fetch(url, { method: 'POST', headers: { ...form, 'X-Slack-Signature': `v0=${'0'.repeat(64)}` }, body });
  await forged.text();
  if (forged.status !== 401) fail(`/whoowns with a wrong signature: expected 401, got ${forged.status}`);
  process.stdout.write('the same command with a wrong signature: 401\n');
}

const commands = {
  wait: () => wait(args[0], args[1] ?? '60'),
  status: () => status(args[0]),
  whoowns: () => whoowns(args[0], args[1], args[2], args[3], args.slice(4)),
};

if (!commands[command]) fail('usage: requests.js wait URL SECONDS | status URL | whoowns BASE SECRET RESPONSE_URL TEXT EXPECTED...');
commands[command]().catch((error) => fail(`${command}: ${error.cause?.code ?? error.message}`));
