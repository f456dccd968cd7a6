/**
 * The playground's static files (dist/web, written by scripts/build-browser.mjs) over HTTP, for `nutmeg playground`.
 * GET and HEAD of the files in that folder only (no listing, no path outside it), each with its content type; the
 * page loads nothing from any other origin, so the same folder also works from any static host. Every response
 * makes the page cross-origin isolated (COOP same-origin, COEP require-corp), so it may share memory with workers and
 * the wasm backend runs its threaded build (src/backend/wasm/threaded.ts); a host without these headers gets the
 * single-threaded one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { PACKAGE_ROOT_URL } from '../platform/package-root.js';

/** dist/web beside src/ or dist/ (this file is src/serve/… or dist/serve/…). */
export const WEB_DIR = fileURLToPath(new URL('dist/web/', PACKAGE_ROOT_URL));

/** The headers that make the page cross-origin isolated (crossOriginIsolated === true, SharedArrayBuffer). */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  // parquet-wasm's WebAssembly, fetched by columnar.js on the first Parquet file (compiled as it streams in)
  '.wasm': 'application/wasm',
};

export interface PlaygroundServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves `dir` (default WEB_DIR) on host:port (0: any free port). */
export async function startPlaygroundServer(port: number, host: string, dir: string = WEB_DIR): Promise<PlaygroundServer> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new UserError(`the playground is not built (${join(dir, 'index.html')} is missing); run "npm run build:browser" first`);
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const name = path === '/' ? 'index.html' : path.slice(1);
    const type = TYPES[extname(name)];
    // one plain file name: no folders, no "..", only the kinds the build writes
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !/^[\w.-]+$/.test(name) || name.startsWith('.') || type === undefined || !existsSync(join(dir, name))) {
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, { 'content-type': 'text/plain', ...ISOLATION_HEADERS }).end('not found\n');
      return;
    }
    const body = readFileSync(join(dir, name));
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache', ...ISOLATION_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new UserError(`cannot listen on ${host}:${port}: ${e.message}; pick another --port or --host`)));
    server.listen(port, host, resolve);
  });
  const a = server.address() as AddressInfo;
  const url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
  return { url, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
