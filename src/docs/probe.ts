import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SiteRead } from './site';

/**
 * Whether anything answers at TECHDOCS_BASE_URL itself, for `backline doctor` when no entity has a
 * site to read yet. Storage buckets often refuse to list their root (403, 404): any answer short of
 * a server error counts, since it shows the host is there. A file: URL must be a folder.
 */
export async function probeDocsBase(baseUrl: string, options: { timeoutMs: number; fetch?: typeof fetch }): Promise<SiteRead<string>> {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/`);
  if (url.protocol === 'file:') {
    try {
      const stat = await fs.stat(fileURLToPath(url));
      return stat.isDirectory() ? { ok: true, value: 'the folder exists' } : { ok: false, problem: `${fileURLToPath(url)} is not a folder` };
    } catch (error) {
      return { ok: false, problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? `there is no folder ${fileURLToPath(url)}` : `${fileURLToPath(url)} cannot be read (${(error as Error).message})` };
    }
  }
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 500) return { ok: false, problem: `it answered ${response.status} ${response.statusText}`.trim() };
    return { ok: true, value: `HTTP ${response.status} at its root` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if ((error as Error).name === 'TimeoutError') return { ok: false, problem: `it did not answer within ${options.timeoutMs / 1000} s` };
    return { ok: false, problem: `it could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})` };
  }
}
