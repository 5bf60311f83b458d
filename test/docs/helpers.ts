import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTechDocsHandler, TECHDOCS_PATH } from '../../src/docs/staticSite';

export const FIXTURE_SITES = path.resolve(__dirname, '..', 'fixtures', 'techdocs');
/** 2026-11-22T06:00:00Z: the fixture's payments-service site was built three days earlier. */
export const NOW = new Date('2026-11-22T06:00:00Z');

/** A copy of the fixture sites that a test may rebuild (change a build's etag, add pages). */
export function copyOfFixtureSites(): { root: string; dispose(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-techdocs-'));
  fs.cpSync(FIXTURE_SITES, root, { recursive: true });
  return { root, dispose: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Rewrites a site's techdocs_metadata.json and search index, as a new TechDocs build would. */
export function rebuildSite(root: string, site: string, change: { etag: string; builtAt: Date; docs: Array<{ location: string; title: string; text: string }> }): void {
  const folder = path.join(root, site);
  const metadata = JSON.parse(fs.readFileSync(path.join(folder, 'techdocs_metadata.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(folder, 'techdocs_metadata.json'), JSON.stringify({ ...metadata, etag: change.etag, build_timestamp: change.builtAt.getTime() }));
  fs.writeFileSync(path.join(folder, 'search', 'search_index.json'), JSON.stringify({ config: { lang: ['en'] }, docs: change.docs }));
}

export interface LoopbackSite {
  /** The TechDocs base URL, e.g. http://127.0.0.1:PORT/techdocs */
  baseUrl: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves a folder in the TechDocs layout over HTTP on the loopback interface, recording requests. */
export async function serveSites(root: string): Promise<LoopbackSite> {
  const handle = createTechDocsHandler(root);
  const requests: string[] = [];
  return listen((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://localhost').pathname);
    handle(req, res);
  }, requests);
}

const MB = 1024 * 1024;

/**
 * A TechDocs host whose sites are broken in the ways real ones are, by site name under /techdocs/default/component/:
 * `missing` (404), `invalid` (metadata that is not JSON), `huge` (a 50 MB index with a content-length),
 * `huge-chunked` (50 MB streamed without one), `bad-index` (a valid metadata file, an index that is not JSON),
 * `silent` (accepts the connection and never answers).
 */
export async function serveBrokenSites(): Promise<LoopbackSite> {
  const requests: string[] = [];
  const metadata = JSON.stringify({ site_name: 'Broken', etag: 'etag-broken', build_timestamp: Date.UTC(2026, 10, 20) });
  return listen((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(pathname);
    const [, , , , site, ...file] = pathname.split('/');
    const name = file.join('/');
    if (site === 'silent') return;
    if (site === 'missing') return send(res, 404, 'Not found');
    if (site === 'invalid') return send(res, 200, '{"site_name": "Invalid", build_timestamp: ');
    if (name === 'techdocs_metadata.json') return send(res, 200, metadata);
    if (site === 'bad-index') return send(res, 200, '<html>not an index</html>');
    if (site === 'huge' || site === 'huge-chunked') {
      const chunk = Buffer.alloc(MB, 0x20);
      res.writeHead(200, { 'content-type': 'application/json', ...(site === 'huge' && { 'content-length': String(50 * MB) }) });
      let sent = 0;
      const pump = () => {
        while (sent < 50 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = 50));
      pump();
      return;
    }
    send(res, 404, 'Not found');
  }, requests);
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, requests: string[]): Promise<LoopbackSite> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${TECHDOCS_PATH}`,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** Catalog files for docs tests: entities with their own, borrowed, linked and no docs. */
export const DOCS_CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Payments-Service
  title: Payments Service
  annotations:
    backstage.io/techdocs-ref: dir:.
    github.com/project-slug: northwind/payments-service
  links:
    - url: https://wiki.example/payments
      title: Wiki
      type: docs
spec: { type: service, lifecycle: production, owner: payments }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger-service
  annotations:
    backstage.io/techdocs-ref: dir:.
spec: { type: service, lifecycle: production, owner: payments }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
  annotations:
    backstage.io/techdocs-entity: component:payments-service
    backstage.io/techdocs-entity-path: idempotency/
spec: { type: openapi, lifecycle: production, owner: payments, definition: "openapi: 3.0.0" }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: wiki-only
  links:
    - url: https://wiki.example/wiki-only
      title: Wiki page
      icon: docs
spec: { type: service, lifecycle: production, owner: payments }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: marketing-site
spec: { type: website, lifecycle: production, owner: payments }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec: { type: team, children: [] }
`;

/** Entities whose sites are the broken ones of serveBrokenSites. */
export const BROKEN_CATALOG = ['missing', 'invalid', 'huge', 'huge-chunked', 'bad-index', 'silent']
  .map((name) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec: { type: service, lifecycle: production, owner: payments }\n`)
  .join('---\n');
