/**
 * The browser build (scripts/build-browser.mjs): it builds, holds no Node built-in, stays within the size budget of
 * issue 18 (400 KB gzipped, plotting libraries aside), inlines the WGSL and the WebAssembly engine, and every platform
 * swap pairs modules with the same exports.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowser, PLATFORM_SWAPS } from '../../scripts/build-browser.mjs';

const ROOT = join(import.meta.dirname, '../..');
const SIZE_BUDGET_GZIP = 400 * 1024;
const out = mkdtempSync(join(tmpdir(), 'nutmeg-web-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

beforeAll(async () => {
  await buildBrowser({ outDir: out });
}, 120_000);

function wgslFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return wgslFiles(path);
    return name.endsWith('.wgsl') ? [relative(join(ROOT, 'shaders'), path)] : [];
  });
}

describe('browser build', () => {
  it('writes the library, the worker, the page, its script and the plotting chunks split off it', () => {
    const files = readdirSync(out);
    expect(files.filter((f) => !f.startsWith('plots-')).sort()).toEqual(['columnar.js', 'index.html', 'nutmeg.js', 'parquet_wasm_bg.wasm', 'playground.js', 'worker.js']);
    expect(files.filter((f) => /^plots-[\w-]+\.js$/.test(f)).length).toBeGreaterThanOrEqual(1);
  });

  it('leaves Vega and Vega-Lite out of the page script (a chunk it imports on the first plot) and keeps the page within budget', () => {
    const script = readFileSync(join(out, 'playground.js'), 'utf8');
    // the libraries' own names for themselves, present in their code
    const chunks = readdirSync(out).filter((f) => f.startsWith('plots-')).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    for (const marker of ['vega-lite', 'scenegraph']) {
      expect(chunks.includes(marker), `${marker} in a plots chunk`).toBe(true);
      expect(script.includes(marker), `${marker} in playground.js`).toBe(false);
    }
    // the script loads only files beside it (relative imports), so the page asks nothing of another origin
    expect(script.match(/\bimport\s*\(?\s*["'](?!\.\/)[^"']*["']/g)).toBeNull();
    const page = ['index.html', 'playground.js', 'worker.js'].reduce((n, f) => n + gzipSync(readFileSync(join(out, f)), { level: 9 }).length, 0);
    expect(page).toBeLessThanOrEqual(SIZE_BUDGET_GZIP);
  });

  it('leaves apache-arrow and parquet-wasm out of the library and the worker (columnar.js, fetched from beside them on the first such file)', () => {
    const columnar = readFileSync(join(out, 'columnar.js'), 'utf8');
    for (const file of ['nutmeg.js', 'worker.js']) {
      const text = readFileSync(join(out, file), 'utf8');
      // the libraries' own names, present in their code
      for (const marker of ['RecordBatchReader', 'parquet_wasm_bg.wasm']) {
        expect(columnar.includes(marker), `${marker} in columnar.js`).toBe(true);
        expect(text.includes(marker), `${marker} in ${file}`).toBe(false);
      }
      expect(text).toContain('"./columnar.js"');
    }
    // the bundle fetches parquet-wasm's WebAssembly from beside itself, nothing from another origin
    expect(columnar.match(/https?:\/\/(?!www\.w3\.org)[\w.-]+/g) ?? []).toEqual([]);
  });

  it('holds no Node built-in, no require and no process global in the engine bundles', () => {
    for (const file of ['nutmeg.js', 'worker.js', 'columnar.js']) {
      const text = readFileSync(join(out, file), 'utf8');
      expect(text.match(/["']node:[a-z_]+["']/g), file).toBeNull();
      expect(text.match(/\brequire\(["']/g), file).toBeNull();
      expect(text.match(/\bprocess\.(env|platform|exit|stderr|stdout)\b/g), file).toBeNull();
    }
  });

  it(`keeps the library and the worker within ${SIZE_BUDGET_GZIP / 1024} KB gzipped`, () => {
    for (const file of ['nutmeg.js', 'worker.js']) {
      const gz = gzipSync(readFileSync(join(out, file)), { level: 9 }).length;
      expect(gz, file).toBeLessThanOrEqual(SIZE_BUDGET_GZIP);
    }
  });

  it('inlines every WGSL file of shaders/ (shader-files.browser.ts lists them all)', () => {
    const listed = readFileSync(join(ROOT, 'src/backend/webgpu/shader-files.browser.ts'), 'utf8').match(/^ {2}'([^']+\.wgsl)':/gm) ?? [];
    expect(listed.map((l) => l.trim().slice(1, -2)).sort()).toEqual(wgslFiles(join(ROOT, 'shaders')).sort());
    const worker = readFileSync(join(out, 'worker.js'), 'utf8');
    // the WGSL text itself is in the bundle
    expect(worker).toContain('@compute @workgroup_size(WG)');
  });

  it('inlines the WebAssembly engine (build/wasm/nutmeg_kernels.wasm) in the library and the worker', () => {
    const wasm = readFileSync(join(ROOT, 'build/wasm/nutmeg_kernels.wasm')).toString('base64');
    for (const file of ['nutmeg.js', 'worker.js']) expect(readFileSync(join(out, file), 'utf8'), file).toContain(wasm);
  });

  it('pairs each swapped module with a browser twin whose exports the Node module also has, of the same kind', async () => {
    // what browser-only modules (select.browser.ts) import from a twin beyond the Node module's exports
    const browserOnly: Record<string, readonly string[]> = { 'src/backend/webgpu/device.browser.ts': ['browserGpu', 'browserAdapter'] };
    for (const [node, browser] of Object.entries(PLATFORM_SWAPS)) {
      // import .wgsl text and .wasm bytes (esbuild only); checked above
      if (browser.endsWith('shader-files.browser.ts') || browser.endsWith('module-bytes.browser.ts')) continue;
      const n = (await import(join(ROOT, node))) as Record<string, unknown>;
      const b = (await import(join(ROOT, browser))) as Record<string, unknown>;
      const extra = browserOnly[browser] ?? [];
      for (const [name, value] of Object.entries(b)) {
        if (extra.includes(name)) continue;
        expect(typeof n[name], `${node} exports ${name}`).toBe(typeof value);
      }
    }
  });
});
