/**
 * The separation analysis on small simulated data (native backend when built, else reference; short chains).
 * References: maximum likelihood with a dummy per city solves the score equations, so each city's mean fitted rate
 * equals its observed rate (0 for the zero-conversion cities, whose log-odds diverge); the simulator's truth (city,
 * not lead source, carries the signal) ranks the by-city model above the by-source one; the hierarchical model's
 * rates for the zero cities are positive and below the active cities' rates.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeSeparation, separationJson, type SeparationAnalysis } from '../../src/analyses/separation.js';
import { separationSections } from '../../src/report/separation-report.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { simulateSeparation } from '../../src/data/simulate/separation.js';
import { stackingOptimum, stackingWeightsR } from '../../src/loo/stacking.js';
import { renderTable } from '../../src/report/table.js';

const backend = loadNativeAddon() ? 'native' : 'reference';

describe('analyzeSeparation', () => {
  let a: SeparationAnalysis;
  beforeAll(async () => {
    const { frame } = simulateSeparation({ seed: 2, n: 1500 });
    a = await analyzeSeparation(frame, { fit: { backend, chains: 2, warmup: 200, draws: 200, seed: 5 } });
  }, 600_000);

  it('maximum likelihood: fitted rate = observed rate per city; zero cities diverge', () => {
    expect(a.mle.separation).toBe(true);
    for (const c of a.cities) {
      expect(Math.abs(c.mleRate - c.observedRate)).toBeLessThan(1e-6);
      expect(c.mleDiverging).toBe(c.conversions === 0);
      if (c.conversions === 0) expect(c.mleLogOdds).toBeLessThan(-10);
    }
    expect(a.cities.filter((c) => c.conversions === 0)).toHaveLength(7);
  });

  it('shrinks the zero cities to small positive rates below the active cities', () => {
    const active = Math.min(...a.cities.filter((c) => c.conversions > 0).map((c) => c.observedRate));
    for (const c of a.cities.filter((x) => x.conversions === 0)) {
      expect(c.rateMean).toBeGreaterThan(0);
      expect(c.rateMean).toBeLessThan(active);
      expect(c.rateP05).toBeLessThan(c.rateMean);
      expect(c.rateP95).toBeGreaterThan(c.rateMean);
    }
  });

  it('ranks the four models by PSIS-LOO with stacking weights; by-city beats by-source', () => {
    expect(a.comparison.map((r) => r.model).sort()).toEqual(['city', 'crossed', 'flat', 'source']);
    expect(a.comparison[0].elpdDiff).toBe(0);
    const total = a.comparison.reduce((s, r) => s + r.weight, 0);
    expect(total).toBeCloseTo(1, 6);
    const rank = (m: string): number => a.comparison.findIndex((r) => r.model === m);
    expect(rank('city')).toBeLessThan(rank('source'));
    expect(['city', 'crossed']).toContain(a.comparison[0].model);
    for (const s of separationSections(a)) for (const t of s.tables) expect(() => renderTable(t)).not.toThrow();
  });

  it("uses the stacking maximum (R loo 2.5.1's weights beside it) in the comparison and in the report's table", () => {
    // compareModels saw the models in the order fitted (a.figures's); the comparison lists them best first
    const lpd = a.figures.map((f) => f.loo.pointwise.elpdLoo);
    const row = (k: number) => a.comparison.find((r) => r.model === a.figures[k].model);
    const optimum = stackingOptimum(lpd);
    expect(optimum.converged).toBe(true);
    expect(lpd.map((_, k) => row(k)?.weight)).toEqual(Array.from(optimum.weights));
    expect(lpd.map((_, k) => row(k)?.weightR)).toEqual(Array.from(stackingWeightsR(lpd) ?? []));
    // near-equivalent models leave the maximiser poorly determined, but any order of the models reaches the maximum
    const reversed = stackingOptimum([...lpd].reverse());
    expect(Math.abs(reversed.objective - optimum.objective)).toBeLessThan(1e-9);
    const table = separationSections(a)[0].tables[0];
    const column = table.columns.indexOf('stacking_weight');
    expect(table.rows.map((r) => r[column])).toEqual(a.comparison.map((r) => r.weight));
    const best = a.comparison[0];
    expect(separationSections(a)[0].text).toContain(`(stacking weight ${best.weight.toFixed(2)})`);
  });

  it('keeps per model the LOO behind the comparison and its main parameters for the plots; JSON leaves them out', () => {
    expect(a.figures.map((f) => f.model)).toEqual(['flat', 'city', 'source', 'crossed']);
    for (const f of a.figures) {
      const row = a.loo.find((m) => m.model === f.model);
      expect(f.loo.elpdLoo.estimate).toBe(row?.elpdLoo);
      expect(f.loo.pointwise.paretoK).toHaveLength(a.data.rows);
      expect(f.chains.names.length).toBeGreaterThan(0);
    }
    const plots = separationSections(a).flatMap((s) => s.plots ?? []);
    // a Pareto-k plot per model, and a trace and a rank plot per model
    expect(plots).toHaveLength(12);
    const json = JSON.parse(JSON.stringify(separationJson(a))) as Record<string, unknown>;
    expect(json).not.toHaveProperty('figures');
    expect(Object.keys(json).sort()).toEqual(['cities', 'comparison', 'data', 'loo', 'mle']);
  });
});
