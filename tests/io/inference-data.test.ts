/**
 * The NetCDF-4 InferenceData file (src/io/inference-data.ts on src/io/netcdf4.ts), read back two ways:
 *  - always, with h5wasm itself: groups, dimension scales (NAME, _Netcdf4Dimid, the scales attached to every axis of
 *    every variable: the DIMENSION_LIST references), shapes, level-name coordinates and every value against the
 *    draw set it was written from (values are made distinct per variable, chain and draw, so a transposition or a
 *    level off by one fails);
 *  - when a Python with xarray and h5netcdf is on the machine (Debian: python3-xarray python3-h5netcdf
 *    python3-netcdf4), with xarray through both engines, arviz.from_netcdf when arviz is importable, and ncdump -h
 *    (netcdf-bin) when present; skipped with a notice otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import type { SummaryRow } from '../../src/diagnostics/summary.js';
import type { DrawSet } from '../../src/draws.js';
import { EFFECTS_SUMMARY_COLUMNS } from '../../src/io/effects-summary.js';
import { inferenceDataFile, writeInferenceData, type InferenceDataInput } from '../../src/io/inference-data.js';
import { groupNcNames, writeNetcdf4 } from '../../src/io/netcdf4.js';
import type { LogLikBlock } from '../../src/loo/loo.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { SAMPLER_STAT_NAMES } from '../../src/sampler/run.js';

type H5 = typeof import('h5wasm/node');
let h5: H5;
const dir = mkdtempSync(join(tmpdir(), 'nutmeg-netcdf-'));

const C = 2;
const D = 3;
const N = 24;
/** Levels with a space, a slash-free non-ASCII name and a digit: all must survive as coordinates. */
const G_LEVELS = ['north', 'süd', 'east 2', 'west'];
const H_LEVELS = ['a', 'b', 'c'];

function spec(): ModelSpec {
  const y = Float64Array.from({ length: N }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
  const x = Float64Array.from({ length: N }, (_, i) => ((i * 5) % 11) / 5 - 1);
  const g = Uint32Array.from({ length: N }, (_, i) => i % 4);
  const h = Uint32Array.from({ length: N }, (_, i) => (i * 2) % 3);
  const frame = frameFromColumns(
    [numericColumn('y', y), numericColumn('x', x), categoricalColumn('g', g, G_LEVELS), categoricalColumn('h', h, H_LEVELS)],
    'netcdf test frame',
  );
  return buildModel(frame, 'y ~ x + (1 | g) + (0 + x | h)', { parameterization: { g: 'noncentered', h: 'centered' } }).spec;
}

/** Value of variable v, chain c, draw d: distinct everywhere. */
const value = (v: number, c: number, d: number): number => v * 100 + c * 10 + d + 0.25;

function drawSet(names: readonly string[]): DrawSet {
  const values = new Float64Array(names.length * C * D);
  for (let v = 0; v < names.length; v++) for (let c = 0; c < C; c++) for (let d = 0; d < D; d++) values[(v * C + c) * D + d] = value(v, c, d);
  return { names, nChains: C, nDraws: D, values };
}

function stats(): DrawSet {
  const s = drawSet(SAMPLER_STAT_NAMES);
  const div = SAMPLER_STAT_NAMES.indexOf('divergent__');
  for (let i = 0; i < C * D; i++) s.values[div * C * D + i] = i % 2;
  return s;
}

/** Log-likelihood of draw s (chain-major) and observation i: −(s + i/100), in blocks of 10 observations. */
function* logLik(): Generator<LogLikBlock> {
  for (let start = 0; start < N; start += 10) {
    const count = Math.min(10, N - start);
    const values = new Float64Array(C * D * count);
    for (let s = 0; s < C * D; s++) for (let j = 0; j < count; j++) values[s * count + j] = -(s + (start + j) / 100);
    yield { start, count, values };
  }
}

beforeAll(async () => {
  h5 = await import('h5wasm/node');
  await h5.ready;
});

function dataset(f: InstanceType<H5['File']>, path: string): InstanceType<H5['Dataset']> {
  const d = f.get(path);
  if (!(d instanceof h5.Dataset)) throw new Error(`${path} is not a dataset`);
  return d;
}

describe('InferenceData as NetCDF-4, read back with h5wasm', () => {
  const s = spec();
  const names = constrainedNames(s);
  const draws = drawSet(names);
  const path = join(dir, 'all.nc');
  const input: InferenceDataInput = { spec: s, draws, stats: stats(), logLik: logLik(), nutmegVersion: '9.9.9', samplingSeconds: 1.5, tuningSteps: 100, createdAt: '2026-01-02T03:04:05.000Z' };

  beforeAll(async () => {
    await writeInferenceData(path, input);
  });

  it('has ArviZ groups and attributes, and dimension scales with ids unique through the file', () => {
    const f = new h5.File(path, 'r');
    try {
      expect(f.keys()).toEqual(['posterior', 'sample_stats', 'log_likelihood', 'observed_data']);
      expect(f.attrs.inference_library.value).toBe('nutmeg');
      expect(f.attrs.created_at.value).toBe('2026-01-02T03:04:05.000Z');
      expect(String(f.attrs._NCProperties.value)).toMatch(/^version=2,nutmeg=9\.9\.9,/);
      const post = f.get('posterior') as InstanceType<H5['Group']>;
      expect(post.attrs.tuning_steps.value).toBe(100n);
      expect(post.attrs.sampling_time.value).toBe(1.5);
      const ids: number[] = [];
      for (const [group, dims] of [
        ['posterior', ['chain', 'draw', 'g__level', 'h__level']],
        ['sample_stats', ['chain', 'draw']],
        ['log_likelihood', ['chain', 'draw', 'y_dim_0']],
        ['observed_data', ['y_dim_0']],
      ] as const) {
        for (const dim of dims) {
          const scale = dataset(f, `${group}/${dim}`);
          expect(scale.get_scale_name()).toBe(dim);
          expect(String(scale.attrs.CLASS.value)).toBe('DIMENSION_SCALE');
          ids.push(Number(scale.attrs._Netcdf4Dimid.value));
        }
      }
      expect(ids).toEqual(ids.map((_, i) => i));
    } finally {
      f.close();
    }
  });

  it('writes each population-level variable over (chain, draw) and each family over (chain, draw, <group>__level)', () => {
    const f = new h5.File(path, 'r');
    try {
      expect(dataset(f, 'posterior/chain').value).toEqual(BigInt64Array.from([0n, 1n]));
      expect(dataset(f, 'posterior/draw').value).toEqual(BigInt64Array.from([0n, 1n, 2n]));
      expect(dataset(f, 'posterior/g__level').value).toEqual(G_LEVELS);
      expect(dataset(f, 'posterior/h__level').value).toEqual(H_LEVELS);
      const post = f.get('posterior') as InstanceType<H5['Group']>;
      expect([...post.keys()].sort()).toEqual(['chain', 'draw', 'b_Intercept', 'b_x', 'sd_g__Intercept', 'sd_h__x', 'g__level', 'h__level', 'z_g__Intercept', 'r_g__Intercept', 'r_h__x'].sort());
      const b = dataset(f, 'posterior/b_x');
      expect(b.shape).toEqual([C, D]);
      expect([0, 1].map((axis) => b.get_attached_scales(axis))).toEqual([['/posterior/chain'], ['/posterior/draw']]);
      const bv = names.indexOf('b_x');
      expect(Array.from(b.value as Float64Array)).toEqual(Array.from({ length: C * D }, (_, i) => value(bv, Math.floor(i / D), i % D)));
      for (const [family, levels, dim] of [
        ['r_g__Intercept', G_LEVELS, 'g__level'],
        ['z_g__Intercept', G_LEVELS, 'g__level'],
        ['r_h__x', H_LEVELS, 'h__level'],
      ] as const) {
        const ds = dataset(f, `posterior/${family}`);
        const K = levels.length;
        expect(ds.shape).toEqual([C, D, K]);
        expect(ds.get_attached_scales(2)).toEqual([`/posterior/${dim}`]);
        const got = ds.value as Float64Array;
        for (let c = 0; c < C; c++) {
          for (let d = 0; d < D; d++) {
            for (let k = 0; k < K; k++) expect(got[(c * D + d) * K + k]).toBe(value(names.indexOf(`${family}[${k + 1}]`), c, d));
          }
        }
      }
    } finally {
      f.close();
    }
  });

  it('writes sample_stats under ArviZ names and types, the outcome, and the log-likelihood blocks in place', () => {
    const f = new h5.File(path, 'r');
    try {
      const ss = f.get('sample_stats') as InstanceType<H5['Group']>;
      expect(ss.keys().filter((k) => k !== 'chain' && k !== 'draw')).toEqual(['lp', 'acceptance_rate', 'step_size', 'tree_depth', 'n_steps', 'diverging', 'energy']);
      const div = dataset(f, 'sample_stats/diverging');
      expect(div.value).toEqual(Int8Array.from([0, 1, 0, 1, 0, 1]));
      expect(div.attrs.dtype.value).toBe('bool');
      const depth = SAMPLER_STAT_NAMES.indexOf('treedepth__');
      expect(dataset(f, 'sample_stats/tree_depth').value).toEqual(BigInt64Array.from({ length: C * D }, (_, i) => BigInt(Math.round(value(depth, Math.floor(i / D), i % D)))));
      expect(dataset(f, 'observed_data/y').value).toEqual(s.y);
      expect(dataset(f, 'observed_data/y_dim_0').value).toEqual(BigInt64Array.from({ length: N }, (_, i) => BigInt(i)));
      const ll = dataset(f, 'log_likelihood/y');
      expect(ll.shape).toEqual([C, D, N]);
      expect(ll.get_attached_scales(2)).toEqual(['/log_likelihood/y_dim_0']);
      const got = ll.value as Float64Array;
      for (let sIdx = 0; sIdx < C * D; sIdx++) for (let i = 0; i < N; i++) expect(got[sIdx * N + i]).toBe(-(sIdx + i / 100));
    } finally {
      f.close();
    }
  });

  it('with effects summary keeps population-level draws and each family summary over (level, statistic); none keeps neither', async () => {
    const perLevel = names.filter((n) => /^(r|z)_/.test(n));
    const rows: SummaryRow[] = perLevel.map((variable, j) => {
      const row = { variable } as SummaryRow;
      EFFECTS_SUMMARY_COLUMNS.forEach((c, k) => (row[c] = k === 6 ? null : j * 100 + k));
      return row;
    });
    const summaryPath = join(dir, 'summary.nc');
    await writeInferenceData(summaryPath, { spec: s, draws, stats: null, effects: 'summary', effectsSummary: rows, nutmegVersion: '9.9.9' });
    const f = new h5.File(summaryPath, 'r');
    try {
      expect(f.keys()).toEqual(['posterior', 'observed_data', 'effects_summary']);
      expect((f.get('posterior') as InstanceType<H5['Group']>).keys().filter((k) => /^(r|z)_/.test(k))).toEqual([]);
      expect(dataset(f, 'effects_summary/statistic').value).toEqual([...EFFECTS_SUMMARY_COLUMNS]);
      const r = dataset(f, 'effects_summary/r_g__Intercept');
      expect(r.shape).toEqual([G_LEVELS.length, EFFECTS_SUMMARY_COLUMNS.length]);
      expect(r.get_attached_scales(0)).toEqual(['/effects_summary/g__level']);
      const j = perLevel.indexOf('r_g__Intercept[2]');
      const got = r.value as Float64Array;
      const nStat = EFFECTS_SUMMARY_COLUMNS.length;
      expect(got[nStat + 0]).toBe(j * 100);
      expect(got[nStat + 6]).toBeNaN();
    } finally {
      f.close();
    }
    const none = inferenceDataFile({ spec: s, draws, stats: null, effects: 'none', nutmegVersion: '9.9.9' });
    expect(none.groups.map((g) => g.name)).toEqual(['posterior', 'observed_data']);
    expect(none.groups[0].variables.map((v) => v.name)).toEqual(names.filter((n) => !/^(r|z)_/.test(n)));
  });
});

describe('InferenceData of a binomial model', () => {
  it('puts the trials in constant_data over the outcome dimension', () => {
    const n = Float64Array.from({ length: N }, (_, i) => 3 + (i % 4));
    const y = Float64Array.from(n, (t, i) => i % Math.round(t));
    const x = Float64Array.from({ length: N }, (_, i) => i / N);
    const frame = frameFromColumns([numericColumn('k', y), numericColumn('n', n), numericColumn('x', x)], 'binomial frame');
    const s = buildModel(frame, 'k | trials(n) ~ x').spec;
    const file = inferenceDataFile({ spec: s, draws: drawSet(constrainedNames(s)), stats: null, nutmegVersion: '9.9.9' });
    expect(file.groups.map((g) => g.name)).toEqual(['posterior', 'observed_data', 'constant_data']);
    const constant = file.groups[2];
    expect(constant.dims.map((d) => d.name)).toEqual(['k_dim_0']);
    expect(constant.variables.map((v) => [v.name, v.dims])).toEqual([['trials', ['k_dim_0']]]);
    expect([...(constant.variables[0].blocks as Iterable<{ values: Float64Array }>)][0].values).toEqual(n);
  });
});

describe('NetCDF-4 writer', () => {
  it('writes a variable given in uneven blocks into a chunked dataset, values in place', async () => {
    const path = join(dir, 'blocks.nc');
    const K = 7;
    const full = Float64Array.from({ length: 2 * K }, (_, i) => i + 0.5);
    const block = (start: number, count: number) => ({ start, count, values: Float64Array.from({ length: 2 * count }, (_, i) => full[Math.floor(i / count) * K + start + (i % count)]) });
    await writeNetcdf4(path, { groups: [{ name: 'g', dims: [{ name: 'a', values: Float64Array.from([1, 2]) }, { name: 'k', values: ['p', 'q', 'r', 's', 't', 'u', 'v'] }], variables: [{ name: 'x/y', dims: ['a', 'k'], dtype: 'float64', blocks: [block(0, 3), block(3, 1), block(4, 3)] }] }] }, 'test=1');
    const f = new h5.File(path, 'r');
    try {
      const x = dataset(f, 'g/x_y');
      expect(x.shape).toEqual([2, K]);
      expect(x.value).toEqual(full);
      expect(x.get_attached_scales(1)).toEqual(['/g/k']);
    } finally {
      f.close();
    }
  });

  it('writes every variable when two names meet after "/" → "_" (columns "a/b" and "a_b"; an outcome named "chain")', async () => {
    // found probing issue 16 (session 13): the second dataset of one name was refused by HDF5, its diagnostics went to
    // stderr, and the file lacked the variable (exit 0)
    expect(groupNcNames(['chain', 'draw'], ['b_a/b', 'b_a_b', 'chain', 'b_a_b_2'])).toEqual({
      dims: new Map([['chain', 'chain'], ['draw', 'draw']]),
      variables: new Map([['b_a/b', 'b_a_b_3'], ['b_a_b', 'b_a_b'], ['chain', 'chain_2'], ['b_a_b_2', 'b_a_b_2']]),
    });
    const path = join(dir, 'names.nc');
    const one = (v: number) => [{ start: 0, count: 2, values: Float64Array.of(v, v + 1) }];
    const variables = [
      { name: 'b_a/b', dims: ['chain'], dtype: 'float64' as const, blocks: one(1) },
      { name: 'b_a_b', dims: ['chain'], dtype: 'float64' as const, blocks: one(10) },
      { name: 'chain', dims: ['chain'], dtype: 'float64' as const, blocks: one(100) },
    ];
    await writeNetcdf4(path, { groups: [{ name: 'g', dims: [{ name: 'chain', values: Float64Array.of(0, 1) }], variables }] }, 'test=1');
    const f = new h5.File(path, 'r');
    try {
      expect(Array.from(dataset(f, 'g/b_a_b').value as Float64Array)).toEqual([10, 11]);
      const renamed = dataset(f, 'g/b_a_b_2');
      expect(Array.from(renamed.value as Float64Array)).toEqual([1, 2]);
      expect(renamed.attrs.nutmeg_name?.value).toBe('b_a/b');
      expect(Array.from(dataset(f, 'g/chain_2').value as Float64Array)).toEqual([100, 101]);
      expect(Array.from(dataset(f, 'g/chain').value as Float64Array)).toEqual([0, 1]);
      expect(dataset(f, 'g/chain_2').get_attached_scales(0)).toEqual(['/g/chain']);
    } finally {
      f.close();
    }
  });

  it('refuses blocks that skip a position and leaves no file behind', async () => {
    const path = join(dir, 'bad.nc');
    const bad = writeNetcdf4(path, { groups: [{ name: 'g', dims: [{ name: 'k', values: Float64Array.from([1, 2, 3]) }], variables: [{ name: 'x', dims: ['k'], dtype: 'float64', blocks: [{ start: 0, count: 1, values: Float64Array.of(1) }, { start: 2, count: 1, values: Float64Array.of(3) }] }] }] }, 'test=1');
    await expect(bad).rejects.toThrow(/block at 2 .* where 1 was due/);
    expect(spawnSync('ls', [path]).status).not.toBe(0);
  });
});

/** A Python with xarray and h5netcdf, or null. */
function python(): string | null {
  for (const exe of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(exe, ['-c', 'import xarray, h5netcdf'], { encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  return null;
}

const PY = python();
const READ_BACK = `
import json, sys, xarray as xr
out = {}
engines = ['h5netcdf']
try:
    import netCDF4
    engines.append('netcdf4')
    out['groups'] = list(netCDF4.Dataset(sys.argv[1]).groups)
except ImportError:
    import h5netcdf
    out['groups'] = list(h5netcdf.File(sys.argv[1], 'r').groups)
for eng in engines:
    for g in out['groups']:
        ds = xr.open_dataset(sys.argv[1], group=g, engine=eng)
        out[eng + ':' + g] = {'dims': dict(ds.sizes), 'vars': {k: [list(v.dims), str(v.dtype)] for k, v in ds.data_vars.items()}}
post = xr.open_dataset(sys.argv[1], group='posterior', engine='h5netcdf')
out['g__level'] = [str(v) for v in post['g__level'].values]
out['r_sued'] = post['r_g__Intercept'].sel(g__level='süd').values.tolist()
try:
    import arviz
    idata = arviz.from_netcdf(sys.argv[1])
    out['arviz'] = sorted(idata.groups())
except ImportError:
    out['arviz'] = None
print(json.dumps(out))
`;

describe.skipIf(PY === null)('InferenceData read by xarray (and ArviZ when installed)', () => {
  it('opens every group with named dims, string coordinates and the right values', async () => {
    const s = spec();
    const names = constrainedNames(s);
    const path = join(dir, 'python.nc');
    await writeInferenceData(path, { spec: s, draws: drawSet(names), stats: stats(), logLik: logLik(), nutmegVersion: '9.9.9' });
    const out = JSON.parse(execFileSync(PY!, ['-c', READ_BACK, path], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(out.groups).toEqual(['posterior', 'sample_stats', 'log_likelihood', 'observed_data']);
    const engines = Object.keys(out).filter((k) => k.endsWith(':posterior')).map((k) => k.split(':')[0]);
    for (const eng of engines) {
      expect(out[`${eng}:posterior`]).toMatchObject({
        dims: { chain: C, draw: D, g__level: 4, h__level: 3 },
        vars: { b_x: [['chain', 'draw'], 'float64'], r_g__Intercept: [['chain', 'draw', 'g__level'], 'float64'], r_h__x: [['chain', 'draw', 'h__level'], 'float64'] },
      });
      expect(out[`${eng}:sample_stats`]).toMatchObject({ vars: { diverging: [['chain', 'draw'], 'bool'], tree_depth: [['chain', 'draw'], 'int64'] } });
      expect(out[`${eng}:log_likelihood`]).toMatchObject({ dims: { chain: C, draw: D, y_dim_0: N }, vars: { y: [['chain', 'draw', 'y_dim_0'], 'float64'] } });
    }
    expect(out.g__level).toEqual(G_LEVELS);
    const v = names.indexOf('r_g__Intercept[2]');
    expect(out.r_sued).toEqual([0, 1].map((c) => [0, 1, 2].map((d) => value(v, c, d))));
    if (out.arviz === null) console.info('arviz is not installed: checked with xarray only');
    else expect(out.arviz).toEqual(['log_likelihood', 'observed_data', 'posterior', 'sample_stats']);
    const ncdump = spawnSync('ncdump', ['-h', path], { encoding: 'utf8' });
    if (ncdump.error) console.info('ncdump (netcdf-bin) is not installed: header not checked with netCDF-C');
    else expect(ncdump.stdout).toContain('double r_g__Intercept(chain, draw, g__level) ;');
  }, 60_000);
});

if (PY === null) console.info('skipped the xarray/ArviZ read-back: no python3 with xarray and h5netcdf (Debian: apt-get install python3-xarray python3-h5netcdf python3-netcdf4)');
