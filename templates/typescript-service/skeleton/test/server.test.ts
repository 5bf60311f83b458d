import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApp } from '../src/server';

test('answers /healthz with ok', async () => {
  const server = createApp().listen(0);
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.deepEqual(await response.json(), { status: 'ok', service: '${{ values.name }}' });
  server.close();
});
