import fs from 'node:fs';
import type { EmbeddedServer } from '../../src/db/embedded';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__backlineTestServer as { server: EmbeddedServer; dataDir: string } | undefined;
  if (!state) return;
  await state.server.release();
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
