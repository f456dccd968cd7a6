/**
 * analyzeIts beyond the CLI test: with no true effect (the simulated series cut before its intervention) the
 * effect's interval covers 0; a pre-period too short for the placebos asked gives one warning and fewer placebos;
 * an interrupted fit reports its draws without placebo fits.
 */
import { describe, expect, it } from 'vitest';
import { analyzeIts } from '../../src/analyses/its.js';
import { frameRows } from '../../src/data/frame-build.js';
import { simulateIts } from '../../src/data/simulate/its.js';

const COLUMNS = { time: 'date', outcome: 'sales', covariates: ['temperature'], seasonality: 'weekly' as const, fourier: 1 };
const FAST = { chains: 2, warmup: 200, draws: 200, seed: 5 };

describe('analyzeIts', () => {
  it('finds no effect where there is none, and says when placebos do not fit', async () => {
    // 100 days: the intervention of sim:its is on day 75 (2023-03-17); cut there, a fake one at day 30 has no effect
    const sim = simulateIts({ seed: 2, n: 100 });
    expect(sim.truth.intervention_day).toBe(75);
    const frame = frameRows(sim.frame, Uint32Array.from({ length: 75 }, (_, i) => i));
    const r = await analyzeIts(frame, { ...COLUMNS, intervention: '2023-01-31', placebos: 5, fit: FAST });
    expect(r.effect.preRows).toBe(30);
    expect(r.effect.postRows).toBe(45);
    expect(r.rows.length).toBe(75);
    expect(r.effect.cumulative.low < 0 && r.effect.cumulative.high > 0).toBe(true);
    // placebos 5 points long (30 / (5 + 1)) at rows 25, 20, 15, 10: the fifth, at row 5, would have 5 points before it
    expect(r.placebos.map((p) => p.preRows)).toEqual([25, 20, 15, 10]);
    expect(r.warnings).toEqual(['placebo checks: the pre-period (30 points) has room for 4 of the 5 asked (each needs 10 points before it)']);
    // the cumulative effect's last row is the effect summary's
    expect(r.rows[74].cumulative!.mean).toBeCloseTo(r.effect.cumulative.mean, 10);
  });

  it('an interrupted fit keeps its draws and runs no placebo', async () => {
    const { frame } = simulateIts({ seed: 2, n: 100 });
    const controller = new AbortController();
    let iterations = 0;
    const r = await analyzeIts(frame, {
      ...COLUMNS,
      intervention: '2023-03-02',
      fit: { ...FAST, signal: controller.signal, onProgress: () => { if (++iterations === 300) controller.abort(); } },
    });
    expect(r.fit.sample.incomplete).toBe(true);
    expect(r.fit.sample.nDraws).toBeGreaterThan(0);
    expect(r.fit.sample.nDraws).toBeLessThan(200);
    expect(r.placebos).toEqual([]);
  });
});
