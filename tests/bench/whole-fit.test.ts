/**
 * bench/whole-fit.ts: the rows a whole fit reports are the rows it used, whether or not Stan ran for that model,
 * and Stan's figures are matched only to a fit of the same model on the same rows (ratios by hand below).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { machineSlug, parseCpuinfo, peakThroughput, type MachineDescription } from '../../bench/machine.js';
import { parseStanResult, type StanResult } from '../../bench/peers/stan.js';
import { renderSection } from '../../bench/report.js';
import type { BenchResults } from '../../bench/results.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';
import type { MicroResult } from '../../bench/micro/log-density.js';
import { backendsFor, dataPathOf, defaultWholeFitBackends, nutmegFitRunner, positiveRows, runWholeFits, SLEEPSTUDY_PATH, type FitRunner, type FitSettings } from '../../bench/whole-fit.js';
import { frameFromColumns, categoricalColumn, numericColumn } from '../../src/data/frame-build.js';

const stanPooled: StanResult = parseStanResult(
  readFileSync(new URL('../fixtures/bench/stan-pooled-result.json', import.meta.url), 'utf8'),
);
const settings: FitSettings = { dataPath: 'unused.csv', rows: 0, chains: 4, warmup: 1000, draws: 1000, seed: 1 };

/** A runner standing in for the fit API: every fit used 64,000 rows (the whole file, settings.rows = 0). */
const allRows: FitRunner = (backend, model) =>
  Promise.resolve({ rows: 64000, wallSeconds: model === 'pooled' ? 20 : 50, gradients: 100000, minEssBulk: 1000 });

describe('whole fits', () => {
  it('report the rows each fit used, with or without a Stan counterpart', async () => {
    const failures: string[] = [];
    const results = await runWholeFits(allRows, ['native'], ['pooled', 'hierarchical', 'crossed'], settings, [stanPooled], failures);
    expect(failures).toEqual([]);
    expect(results.map((r) => [r.model, r.rows])).toEqual([
      ['pooled', 64000],
      ['hierarchical', 64000],
      ['crossed', 64000],
    ]);
    const pooled = results[0];
    // ESS/s 1000/20 = 50 against the fixture's 5.25318; time per gradient 20/1e5 against (warm-up + sampling)/gradients
    expect(pooled.vsStan?.essPerSecond).toBeCloseTo(50 / stanPooled.essPerSecond, 12);
    expect(pooled.vsStan?.secondsPerGradient).toBeCloseTo(
      (20 / 100000) / ((stanPooled.warmupSeconds + stanPooled.samplingSeconds) / stanPooled.gradients),
      12,
    );
    expect(results[1].vsStan).toBeNull();
    expect(results[2].vsStan).toBeNull();
    const cpu = parseCpuinfo(readFileSync(new URL('../fixtures/bench/cpuinfo-amd-epyc-2c.txt', import.meta.url), 'utf8'));
    const machine: MachineDescription = {
      cpu,
      peak: peakThroughput(cpu),
      memoryBytes: 2 ** 33,
      lastLevelCacheBytes: null,
      gpu: null,
      node: process.version,
      platform: 'linux-x64',
      slug: machineSlug(cpu),
      versions: {},
    };
    const report: BenchResults = {
      schema: 1,
      startedAt: '2026-01-02T03:04:05.000Z',
      quick: false,
      machine,
      micro: { results: [], skipped: [], failures: [] },
      modules: [],
      stan: { notice: null, results: [stanPooled] },
      wholeFit: { notice: null, results, failures },
      plots: [],
    };
    const section = renderSection(report);
    expect(section).toMatch(/\| native \| hierarchical \| 64000 \| 50\.0 \| 100000 \| 1000 \| 20\.0 \| — \| — \|/);
    expect(section).not.toMatch(/\| native \| \w+ \| 0 \|/);
  });

  it('match Stan only on the same rows', async () => {
    const fewRows: FitRunner = () => Promise.resolve({ rows: 1000, wallSeconds: 2, gradients: 5000, minEssBulk: 400 });
    const results = await runWholeFits(fewRows, ['reference'], ['pooled'], { ...settings, rows: 1000 }, [stanPooled], []);
    expect(results[0].rows).toBe(1000);
    expect(results[0].vsStan).toBeNull(); // Stan fitted 64,000 rows: no ratio
  });

  it('fit the family models on every backend asked (their kernels exist on native and webgpu), without notices', () => {
    const notices: string[] = [];
    expect(backendsFor('pooled', ['native', 'webgpu'], notices)).toEqual(['native', 'webgpu']);
    expect(backendsFor('hillstrom_spend', ['native'], notices)).toEqual(['native']);
    expect(backendsFor('sleepstudy', ['reference', 'native'], notices)).toEqual(['reference', 'native']);
    expect(notices).toEqual([]);
  });

  it('take sleepstudy from the fixture and the spend model from the Hillstrom file', () => {
    expect(dataPathOf('sleepstudy', '/data/h.csv')).toBe(SLEEPSTUDY_PATH);
    expect(dataPathOf('hillstrom_spend', '/data/h.csv')).toBe('/data/h.csv');
    expect(dataPathOf('crossed_centered', '/data/h.csv')).toBe('/data/h.csv');
  });

  it('keep the rows with a positive outcome and only the levels those rows have', () => {
    const frame = frameFromColumns(
      [numericColumn('spend', Float64Array.of(0, 12.5, 0, 3)), categoricalColumn('g', Uint32Array.of(0, 2, 1, 2), ['a', 'b', 'c'])],
      'test',
    );
    const kept = positiveRows(frame, 'spend');
    expect(kept.nRows).toBe(2);
    const spend = kept.columns.get('spend')!;
    const g = kept.columns.get('g')!;
    expect(spend.kind === 'numeric' && [...spend.values]).toEqual([12.5, 3]);
    expect(g.kind === 'categorical' && { codes: [...g.codes], levels: g.levels }).toEqual({ codes: [0, 0], levels: ['c'] });
  });

  it('the fit API runner fits sleepstudy (gaussian, 180 rows) and says what differs from Stan\'s model', async () => {
    const figures = await nutmegFitRunner('reference', 'sleepstudy', { dataPath: 'unused.csv', rows: 50, chains: 1, warmup: 30, draws: 30, seed: 3 });
    expect(figures.rows).toBe(180); // every row, whatever settings.rows says
    expect(figures.gradients).toBeGreaterThan(0);
    // until nutmeg models the correlation of (1 + Days | Subject), the runner notes it
    if (figures.note !== undefined) expect(figures.note).toMatch(/without the correlation/);
  }, 60_000);

  const data = hillstromPathOrNotice('whole-fit runner on the real data');
  it.skipIf(data === null)('the fit API runner reports the rows it fitted (real data, first 300 rows)', async () => {
    const figures = await nutmegFitRunner('reference', 'pooled', { dataPath: data ?? '', rows: 300, chains: 1, warmup: 30, draws: 30, seed: 3 });
    expect(figures.rows).toBe(300);
    expect(figures.gradients).toBeGreaterThan(0);
  }, 60_000);

  it.skipIf(data === null)('the fit API runner fits the spend model on the converters only (real data)', async () => {
    const figures = await nutmegFitRunner('reference', 'hillstrom_spend', { dataPath: data ?? '', rows: 300, chains: 1, warmup: 30, draws: 30, seed: 3 });
    expect(figures.rows).toBe(578); // rows of the file with spend > 0
  }, 60_000);
});

/** A micro result with the fields defaultWholeFitBackends reads (the rest filled in consistently). */
function cell(backend: string, description: string, nsPerEval: number): MicroResult {
  const evalsPerSecond = 1e9 / nsPerEval;
  return {
    sweeps: ['rows'],
    backend,
    description,
    model: 'pooled',
    rows: 100_000,
    chains: 4,
    precision: 'f64',
    iterations: 5,
    secondsPerCall: (400_000 * nsPerEval) / 1e9,
    rmePercent: 1,
    evalsPerSecond,
    nsPerEval,
    limit: { computeBound: 1e9, memoryBound: 2e9, binding: 'compute', evalsPerSecond: 1e9, secondsPerEval: 1e-9 },
    ratioToLimit: evalsPerSecond / 1e9,
  };
}

describe('default whole-fit backends of a full run', () => {
  const micro = [cell('native', 'native (2 threads)', 3), cell('reference', 'reference', 111), cell('webgpu', 'webgpu (llvmpipe-llvm-15, opengl)', 183)];

  it('fit native, and leave out the oracle and a software adapter with how much slower they are', () => {
    const chosen = defaultWholeFitBackends(['reference', 'native', 'webgpu'], micro);
    expect(chosen.backends).toEqual(['native']);
    // 183 / 3 = 61, 111 / 3 = 37
    expect(chosen.notices).toEqual([
      "webgpu: not in the default whole fits — software adapter (webgpu (llvmpipe-llvm-15, opengl)), 61× native's time per row·chain in the micro benchmark; add with --fit-backends",
      "reference: not in the default whole fits — the float64 oracle, 37× native's time per row·chain in the micro benchmark; add with --fit-backends",
    ]);
  });

  it('fit webgpu on a hardware adapter, and reference when native is missing', () => {
    const gpu = [cell('native', 'native', 3), cell('webgpu', 'webgpu (NVIDIA H100, vulkan)', 0.5)];
    expect(defaultWholeFitBackends(['reference', 'native', 'webgpu'], gpu).backends).toEqual(['native', 'webgpu']);
    expect(defaultWholeFitBackends(['reference'], []).backends).toEqual(['reference']);
    // without micro results (--no-micro) the adapter is unknown: webgpu is not fitted by default
    expect(defaultWholeFitBackends(['native', 'webgpu'], []).backends).toEqual(['native']);
  });
});
