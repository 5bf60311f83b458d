import { describeFsError, expandGlob, findYamlFiles, readTextFile, sha256 } from './files';
import type { UrlReader } from './placeholders';
import { unreadableUrl } from './remoteUrls';
import type { LocationTarget } from './processing';
import type { LocationState, LocationType } from './store';

/**
 * Where the entities of a location type come from, beyond local files and folders: a URL reader,
 * a GitHub organisation. A source either returns text to parse or stands for child locations.
 */
export interface LocationSource {
  read(location: { type: LocationType; target: string }, previous: { contentHash: string | null; etag: string | null } | undefined): Promise<SourceRead>;
  /** The repository a location of this source stands for, so that `{github: …}` catalog rules apply to it. */
  repositoryOf?(target: string): { owner: string; repo: string } | undefined;
}

export type SourceRead =
  /** `inferred`: generated from what a source knows rather than written by anyone; it gives way to declared entities. */
  | { kind: 'text'; text: string; hash: string; etag?: string | null; inferred?: boolean }
  /** The server said nothing changed (an HTTP 304 to a conditional request). */
  | { kind: 'not-modified' }
  | { kind: 'children'; children: LocationTarget[]; hash: string }
  | { kind: 'failed'; message: string };

export function sourceFor(type: LocationType, deps: { sources?: Record<string, LocationSource>; urlReader?: UrlReader; maxBytes: number }): LocationSource {
  const configured = deps.sources?.[type];
  if (configured) return configured;
  if (type === 'file') return fileSource(deps.maxBytes);
  if (type === 'directory') return directorySource;
  if (type === 'url' && deps.urlReader) return urlSource(deps.urlReader);
  return {
    read: async (location) => ({
      kind: 'failed',
      message: type === 'url' ? unreadableUrl(location.target, false) : `Location type "${type}" is not supported here (${location.target})`,
    }),
  };
}

const directorySource: LocationSource = {
  async read(location) {
    let files: string[];
    try {
      files = await findYamlFiles(location.target);
    } catch (error) {
      return { kind: 'failed', message: describeFsError(error, location.target) };
    }
    if (files.length === 0) return { kind: 'failed', message: `${location.target} contains no .yaml or .yml files` };
    return { kind: 'children', children: files.map((file) => ({ type: 'file' as const, target: file })), hash: sha256(files.join('\n')) };
  },
};

function fileSource(maxBytes: number): LocationSource {
  return {
    async read(location) {
      if (/[*?]/.test(location.target)) {
        const files = await expandGlob(location.target);
        if (files.length === 0) return { kind: 'failed', message: `no files match ${location.target}` };
        return { kind: 'children', children: files.map((file) => ({ type: 'file' as const, target: file })), hash: sha256(files.join('\n')) };
      }
      const read = await readTextFile(location.target, maxBytes);
      return read.ok ? { kind: 'text', text: read.text, hash: read.hash } : { kind: 'failed', message: read.message };
    },
  };
}

function urlSource(reader: UrlReader): LocationSource {
  return {
    async read(location, previous) {
      if (!reader.canRead(location.target)) return { kind: 'failed', message: unreadableUrl(location.target, true) };
      try {
        const answer = await reader.read(location.target, { etag: previous?.etag ?? undefined });
        if (answer.notModified) return { kind: 'not-modified' };
        return { kind: 'text', text: answer.text, hash: sha256(answer.text), etag: answer.etag ?? null };
      } catch (error) {
        return { kind: 'failed', message: `${location.target} could not be read: ${(error as Error).message}` };
      }
    },
  };
}

export async function dependenciesUnchanged(previous: LocationState, maxBytes: number): Promise<boolean> {
  for (const dependency of previous.dependencies) {
    const read = await readTextFile(dependency.file, maxBytes);
    if (!read.ok || read.hash !== dependency.hash) return false;
  }
  return true;
}
