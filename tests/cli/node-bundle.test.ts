/**
 * The CLI bundle (scripts/build-node.mjs, issue 16 item 6): built into a scratch folder two levels below the package
 * root (where dist/node/ sits, so package.json, the addon and shaders/ are found from src/platform/package-root.ts
 * as they are from tsc's modules), it runs commands with the same output as the modules do, keeps the heavy
 * libraries out of its files, V8 accepts its code cache under the CLI's flags (bin/cli-bundle.js), its dynamic imports
 * of ES-module packages work, and its summary worker threads load the bundle's own worker entry.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNode } from '../../scripts/build-node.mjs';
import { runNutmeg } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const CBPP = join(ROOT, 'tests/fixtures/small/cbpp.csv');
const HEAVY = ['vega', 'vega-lite', 'fastify', 'zod', 'h5wasm', 'apache-arrow', 'parquet-wasm', 'webgpu'];
const LOADER = pathToFileURL(join(ROOT, 'bin/cli-bundle.js')).href;
let out = '';
let inputs: string[] = [];

beforeAll(async () => {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  out = mkdtempSync(join(ROOT, 'dist', 'node-test-'));
  inputs = Object.keys((await buildNode({ outDir: out })).inputs);
  // bin/nutmeg.js with this folder for dist/node/; scripts as files, not `node -e`: a worker thread inherits the
  // process's flags, and --input-type=module would make the summary worker's CommonJS bootstrap a module
  writeFileSync(
    join(out, 'cli.mjs'),
    `import { applyCliV8Flags, loadCliBundle } from ${JSON.stringify(LOADER)};\n` +
      'applyCliV8Flags();\n' +
      'const bundle = loadCliBundle(import.meta.dirname);\n' +
      "if (process.env.NUTMEG_TEST_CACHE) process.stderr.write(`cache rejected: ${bundle.cacheRejected}\\n`);\n" +
      'bundle.exports.runCli(process.argv);\n',
  );
}, 240_000);
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** `nutmeg ARGS` through the bundle's cli.cjs in a fresh process, as bin/nutmeg.js runs it. */
function bundled(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(out, 'cli.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** stderr without the sampler's warnings (these short fits have not mixed). */
const notWarnings = (text: string): string => text.split('\n').filter((l) => !l.startsWith('warning: ')).join('\n');

/** The lines of a fit's summary table (the run's timing line left out: it differs from run to run). */
const table = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '' && !/ draws on /.test(l));

describe('CLI bundle (scripts/build-node.mjs)', () => {
  it('writes cli.cjs, its code cache, the probe child and the summary worker entries, and leaves the heavy libraries external', () => {
    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['cli.cjs', 'cli.cache', 'probe-child.js', 'summary-worker.js']));
    expect(statSync(join(out, 'cli.cache')).mtimeMs).toBeGreaterThanOrEqual(statSync(join(out, 'cli.cjs')).mtimeMs);
    const packages = new Set(inputs.filter((f) => f.includes('node_modules/')).map((f) => f.split('node_modules/')[1].split('/')[0]));
    expect([...packages].sort()).toEqual(['commander', 'csv-parse', 'hyparquet']);
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
    // the ES-module packages are imported through the loader's importer, never by an import() of the bundle's own
    const text = readFileSync(join(out, 'cli.cjs'), 'utf8');
    for (const name of ['vega', 'vega-lite', 'h5wasm/node', 'webgpu']) {
      expect(text).toContain(`__nutmegImport(${JSON.stringify(name)})`);
      expect(text).not.toContain(`import(${JSON.stringify(name)})`);
    }
  });

  it('prints the version from the package root and the same fit summary as the modules, with the code cache accepted', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(bundled(['--version'])).toMatchObject({ code: 0, out: `${version}\n` });
    const args = ['fit', '--data', CBPP, '--formula', 'incidence | trials(size) ~ factor(period) + (1 | herd)', '--chains', '2', '--warmup', '100', '--draws', '100', '--seed', '1', '--quiet'];
    const viaBundle = bundled(args, { NUTMEG_TEST_CACHE: '1' });
    const viaModules = await runNutmeg(args);
    expect(viaBundle.code).toBe(0);
    expect(notWarnings(viaBundle.err)).toBe('cache rejected: false\n');
    expect(viaModules.code).toBe(0);
    expect(table(viaBundle.out)).toEqual(table(viaModules.out));
    expect(table(viaBundle.out)[0]).toMatch(/^variable\s+mean/);
  });

  it('without the CLI flags V8 rejects the cache and the bundle compiles as usual', () => {
    const script = `
      import { loadCliBundle } from ${JSON.stringify(LOADER)};
      const bundle = loadCliBundle(import.meta.dirname);
      process.stdout.write(JSON.stringify({ rejected: bundle.cacheRejected, main: typeof bundle.exports.runCli }));
    `;
    writeFileSync(join(out, 'no-flags.mjs'), script);
    const r = spawnSync(process.execPath, [join(out, 'no-flags.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(r.stdout)).toEqual({ rejected: true, main: 'function' });
  });

  it('a user mistake is still one line and exit code 2', () => {
    const r = bundled(['fit', '--chains', 'many']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('loads an ES-module package on first use (h5wasm for --netcdf) from outside the package', () => {
    const scratch = mkdtempSync(join(out, 'netcdf-'));
    const file = join(scratch, 'fit.nc');
    const args = ['fit', '--data', CBPP, '--formula', 'incidence | trials(size) ~ (1 | herd)', '--chains', '2', '--warmup', '50', '--draws', '50', '--seed', '1', '--quiet', '--netcdf', file];
    const r = spawnSync(process.execPath, [join(out, 'cli.mjs'), ...args], { cwd: scratch, encoding: 'utf8' });
    expect(notWarnings(r.stderr)).toBe('');
    expect(r.status).toBe(0);
    // HDF5's signature: the file is NetCDF-4
    expect([...readFileSync(file).subarray(0, 8)]).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("the summary's worker threads load the bundle's worker entry and give the single-thread rows", () => {
    const script = `
      const m = await import('./summary-worker.js');
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];
      const nChains = 4, nDraws = 200;
      const values = new Float64Array(names.length * nChains * nDraws);
      let s = 7;
      for (let i = 0; i < values.length; i++) { s = (s * 48271) % 2147483647; values[i] = Math.sin(i / 7) + s / 2147483647; }
      const draws = { names, nChains, nDraws, values };
      const parallel = await m.summarizeDrawsParallel(draws, { threads: 2, minParallelDraws: 0, useCallingThread: false });
      const single = await m.summarizeDrawsParallel(draws, { threads: 1 });
      process.stdout.write(JSON.stringify({ fromWorkers: parallel.rowsFromWorkers, same: JSON.stringify(parallel.rows) === JSON.stringify(single.rows) }));
    `;
    writeFileSync(join(out, 'summary-check.mjs'), script);
    const r = spawnSync(process.execPath, [join(out, 'summary-check.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ fromWorkers: 6, same: true });
  });
});
