/**
 * `nutmeg playground`'s static server (src/serve/playground-server.ts): the build's files with their types, nothing
 * outside the folder, and a one-line error naming the missing build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlaygroundServer, type PlaygroundServer } from '../../src/serve/playground-server.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-web-serve-'));
let served: PlaygroundServer;

beforeAll(async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html><p>page</p>');
  writeFileSync(join(dir, 'worker.js'), 'export {};');
  writeFileSync(join(dir, 'notes.txt'), 'not a build file');
  writeFileSync(join(dir, 'parquet_wasm_bg.wasm'), Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  served = await startPlaygroundServer(0, '127.0.0.1', dir);
});
afterAll(async () => {
  await served.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('playground server', () => {
  it('serves the page at /, the scripts as JavaScript and the Parquet decoder as WebAssembly', async () => {
    const page = await fetch(served.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<p>page</p>');
    const worker = await fetch(new URL('worker.js', served.url));
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // parquet-wasm's module (columnar.js fetches it): application/wasm, which WebAssembly.instantiateStreaming needs
    const wasm = await fetch(new URL('parquet_wasm_bg.wasm', served.url));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    // cross-origin isolation (the threaded wasm build needs SharedArrayBuffer), on every response
    for (const r of [page, worker, wasm]) {
      expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  });

  it('answers 404 for other files, folders and escapes, 405 for writes', async () => {
    for (const path of ['missing.js', 'notes.txt', '%2e%2e/package.json', '..%2fpackage.json', 'a/b.js']) {
      expect((await fetch(`${served.url}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(served.url, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('refuses to start without a build, in one line saying what to run', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nutmeg-web-empty-'));
    try {
      await expect(startPlaygroundServer(0, '127.0.0.1', empty)).rejects.toThrow(
        `the playground is not built (${join(empty, 'index.html')} is missing); run "npm run build:browser" first`,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
