import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { ConfigError } from '../errors';

/** Where `serve` hosts BACKLINE_DOCS_DIR. */
export const TECHDOCS_PATH = '/techdocs';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
};

/**
 * Serves a folder in the TechDocs storage layout read-only under /techdocs/: files as they are,
 * a folder's index.html, and a redirect to the trailing slash MkDocs' relative links need. Nothing
 * outside the folder is reachable (`..`, encoded or not, and symbolic links out are refused).
 */
export function createTechDocsHandler(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  let base: string;
  try {
    base = fs.realpathSync(path.resolve(root));
    if (!fs.statSync(base).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new ConfigError(`BACKLINE_DOCS_DIR is ${root}, which is not a folder Backline can read (${(error as Error).message}). Point it at a folder in the TechDocs layout (<namespace>/<kind>/<name>/), e.g. examples/demo-techdocs.`);
  }
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname.slice(TECHDOCS_PATH.length));
    } catch {
      return plain(res, 400, 'Bad path');
    }
    if (relative.includes('\0') || relative.split(/[\\/]/).includes('..')) return plain(res, 400, 'Bad path');
    const target = path.join(base, relative);
    fs.realpath(target, (error, real) => {
      if (error || (real !== base && !real.startsWith(base + path.sep))) return plain(res, 404, 'Not found');
      fs.stat(real, (statError, stat) => {
        if (statError) return plain(res, 404, 'Not found');
        if (stat.isDirectory()) {
          if (!url.pathname.endsWith('/')) {
            res.writeHead(301, { location: `${url.pathname}/${url.search}` });
            res.end();
            return;
          }
          return sendFile(req, res, path.join(real, 'index.html'));
        }
        sendFile(req, res, real);
      });
    });
  };
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  fs.stat(file, (error, stat) => {
    if (error || !stat.isFile()) return plain(res, 404, 'Not found');
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': stat.size, 'cache-control': 'no-cache' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
