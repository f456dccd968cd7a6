/**
 * The CLI bundle (scripts/build-node.mjs, issue 16 item 6): built into a scratch folder two levels below the package
 * root (where dist/node/ sits, so package.json, the addon and shaders/ are found from src/platform/package-root.ts
 * as they are from tsc's modules), it runs commands with the same output as the modules do, keeps the heavy
 * libraries out of its files, and its summary worker threads load the bundle's own worker entry.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNode } from '../../scripts/build-node.mjs';
import { runNutmeg } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const CBPP = join(ROOT, 'tests/fixtures/small/cbpp.csv');
const HEAVY = ['vega', 'vega-lite', 'fastify', 'zod', 'h5wasm', 'apache-arrow', 'parquet-wasm', 'webgpu'];
let out = '';
let inputs: string[] = [];

beforeAll(async () => {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  out = mkdtempSync(join(ROOT, 'dist', 'node-test-'));
  inputs = Object.keys((await buildNode({ outDir: out })).inputs);
  // scripts as files, not `node -e`: a worker thread inherits the process's flags, and --input-type=module would
  // make the summary worker's CommonJS bootstrap a module
  writeFileSync(join(out, 'cli.mjs'), "import { runCli } from './main.js';\nrunCli(process.argv);\n");
}, 120_000);
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** `nutmeg ARGS` through the bundle's main.js in a fresh process. */
function bundled(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(out, 'cli.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The lines of a fit's summary table (the run's timing line left out: it differs from run to run). */
const table = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '' && !/ draws on /.test(l));

describe('CLI bundle (scripts/build-node.mjs)', () => {
  it('writes main.js, the probe child and the summary worker entries, and leaves the heavy libraries external', () => {
    const files = readdirSync(out).filter((f) => f.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['main.js', 'probe-child.js', 'summary-worker.js']));
    const packages = new Set(inputs.filter((f) => f.includes('node_modules/')).map((f) => f.split('node_modules/')[1].split('/')[0]));
    expect([...packages].sort()).toEqual(['commander', 'csv-parse', 'hyparquet']);
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  });

  it('prints the version from the package root and the same fit summary as the modules', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(bundled(['--version'])).toMatchObject({ code: 0, out: `${version}\n` });
    const args = ['fit', '--data', CBPP, '--formula', 'incidence | trials(size) ~ factor(period) + (1 | herd)', '--chains', '2', '--warmup', '100', '--draws', '100', '--seed', '1', '--quiet'];
    const viaBundle = bundled(args);
    const viaModules = await runNutmeg(args);
    expect(viaBundle.code).toBe(0);
    expect(viaModules.code).toBe(0);
    expect(table(viaBundle.out)).toEqual(table(viaModules.out));
    expect(table(viaBundle.out)[0]).toMatch(/^variable\s+mean/);
  });

  it('a user mistake is still one line and exit code 2', () => {
    const r = bundled(['fit', '--chains', 'many']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
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
