/**
 * `nutmeg fit --netcdf FILE [--save-loglik] [--save-effects …]` end to end: the file holds the fit's InferenceData,
 * and its log_likelihood group agrees with the closed form computed from its own posterior group — for a bernoulli
 * model y ~ x + (1 | g), log p(y_i) = y_i log p_i + (1 − y_i) log(1 − p_i) with p_i = logit⁻¹(b_Intercept + b_x x_i +
 * r_g[g_i]), the level found by name in the g__level coordinate — so draws, level order and observation order all
 * line up. Usage mistakes are one-line errors before any fit.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { runNutmeg } from '../helpers/cli.js';

type H5 = typeof import('h5wasm/node');
let h5: H5;
const dir = mkdtempSync(join(tmpdir(), 'nutmeg-netcdf-cli-'));
const N = 120;
const x = Array.from({ length: N }, (_, i) => ((i * 37) % 101) / 50 - 1);
const g = Array.from({ length: N }, (_, i) => `level ${(i * 7) % 5}`);
const y = Array.from({ length: N }, (_, i) => ((i * 13) % 10 < 3 + (i % 5 === 0 ? 3 : 0) ? 1 : 0));
const backend = loadNativeAddon() === null ? 'reference' : 'native';
const tiny = ['--chains', '2', '--warmup', '30', '--draws', '5', '--max-treedepth', '4', '--backend', backend, '--quiet'];

beforeAll(async () => {
  writeFileSync(join(dir, 'data.csv'), 'y,x,g\n' + y.map((v, i) => `${v},${x[i]},${g[i]}`).join('\n') + '\n');
  h5 = await import('h5wasm/node');
  await h5.ready;
});

function values(f: InstanceType<H5['File']>, path: string): Float64Array | string[] | BigInt64Array {
  const d = f.get(path);
  if (!(d instanceof h5.Dataset)) throw new Error(`${path} is not a dataset`);
  return d.value as Float64Array | string[] | BigInt64Array;
}

describe('nutmeg fit --netcdf', () => {
  it('writes posterior, sample_stats, log_likelihood and observed_data; the log-likelihood matches the posterior', async () => {
    const path = join(dir, 'fit.nc');
    const r = await runNutmeg(['fit', '--data', join(dir, 'data.csv'), '--formula', 'y ~ x + (1 | g)', ...tiny, '--netcdf', path, '--save-loglik']);
    expect(r.err).not.toMatch(/^nutmeg:/m);
    expect(r.code).toBe(0);
    const f = new h5.File(path, 'r');
    try {
      expect(f.keys()).toEqual(['posterior', 'sample_stats', 'log_likelihood', 'observed_data']);
      const levels = values(f, 'posterior/g__level') as string[];
      expect([...levels].sort()).toEqual(['level 0', 'level 1', 'level 2', 'level 3', 'level 4']);
      expect(Array.from(values(f, 'observed_data/y') as Float64Array)).toEqual(y);
      const b0 = values(f, 'posterior/b_Intercept') as Float64Array;
      const bx = values(f, 'posterior/b_x') as Float64Array;
      const rg = values(f, 'posterior/r_g__Intercept') as Float64Array;
      const ll = values(f, 'log_likelihood/y') as Float64Array;
      const S = 2 * 5;
      const K = levels.length;
      expect(ll.length).toBe(S * N);
      let worst = 0;
      for (let s = 0; s < S; s++) {
        for (let i = 0; i < N; i++) {
          const eta = b0[s] + bx[s] * x[i] + rg[s * K + levels.indexOf(g[i])];
          const p = 1 / (1 + Math.exp(-eta));
          const expected = y[i] === 1 ? Math.log(p) : Math.log(1 - p);
          worst = Math.max(worst, Math.abs(ll[s * N + i] - expected));
        }
      }
      expect(worst).toBeLessThan(1e-9);
      expect((values(f, 'sample_stats/n_steps') as BigInt64Array).every((n) => n >= 1n)).toBe(true);
    } finally {
      f.close();
    }
  }, 120_000);

  it('--save-effects summary keeps the group effects as summaries, next to an --out run', async () => {
    const path = join(dir, 'summary.nc');
    const r = await runNutmeg(['fit', '--data', join(dir, 'data.csv'), '--formula', 'y ~ x + (1 | g)', ...tiny, '--netcdf', path, '--save-effects', 'summary', '--out', join(dir, 'run')]);
    expect(r.code).toBe(0);
    const f = new h5.File(path, 'r');
    try {
      expect(f.keys()).toEqual(['posterior', 'sample_stats', 'observed_data', 'effects_summary']);
      expect((f.get('posterior') as InstanceType<H5['Group']>).keys().filter((k) => /^[rz]_/.test(k))).toEqual([]);
      const summary = f.get('effects_summary/r_g__Intercept') as InstanceType<H5['Dataset']>;
      expect(summary.shape?.[0]).toBe(5);
    } finally {
      f.close();
    }
  }, 120_000);

  it('--format netcdf --out DIR adds inference_data.nc to the run and prints the table', async () => {
    const run = join(dir, 'format-run');
    const r = await runNutmeg(['fit', '--data', join(dir, 'data.csv'), '--formula', 'y ~ x + (1 | g)', ...tiny.filter((a) => a !== '--quiet'), '--format', 'netcdf', '--out', run, '--save-loglik']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s*variable\s+mean/m);
    const f = new h5.File(join(run, 'inference_data.nc'), 'r');
    try {
      expect(f.keys()).toEqual(['posterior', 'sample_stats', 'log_likelihood', 'observed_data']);
      expect((values(f, 'posterior/b_x') as Float64Array).length).toBe(2 * 5);
    } finally {
      f.close();
    }
  }, 120_000);

  it('refuses --format netcdf without --out or with --netcdf, --save-loglik without --netcdf or past 4 GiB, and --netcdf with --method map, in one line each', async () => {
    const data = ['--data', join(dir, 'data.csv'), '--formula', 'y ~ x'];
    for (const [args, message] of [
      [['--format', 'netcdf'], /^nutmeg: --format netcdf writes inference_data\.nc into the run directory: give --out DIR too \(or --netcdf FILE\.nc for a file of its own\)\n$/],
      [['--format', 'netcdf', '--out', join(dir, 'both'), '--netcdf', join(dir, 'both.nc')], /^nutmeg: --format netcdf and --netcdf FILE both ask for the NetCDF file: give one of them\n$/],
      [['--save-loglik'], /^nutmeg: --save-loglik adds the pointwise log-likelihood to the --netcdf file; give --netcdf FILE\.nc too/],
      [['--method', 'map', '--netcdf', join(dir, 'map.nc')], /^nutmeg: --netcdf writes the draws of --method nuts; --method map has none/],
      [['--netcdf', dir], /^nutmeg: --netcdf .*: is a directory; give a file name/],
      // 8 × 1,000,000 draws × 120 rows × 8 bytes = 7.2 GiB
      [['--netcdf', join(dir, 'big.nc'), '--save-loglik', '--chains', '8', '--draws', '1000000'], /^nutmeg: --save-loglik: 8,000,000 draws × 120 rows would write 7\.2 GiB of log-likelihood \(at most 4 GiB\)/],
    ] as const) {
      const r = await runNutmeg(['fit', ...data, ...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
