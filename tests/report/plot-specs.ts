/** One spec of every plot kind, on small fixed inputs, shared by the plot and page tests. */
import { makeDrawSet, type DrawSet } from '../../src/draws.js';
import { Rng } from '../../src/rng.js';
import { calibrationSpec } from '../../src/report/plots/calibration.js';
import { rankSpec, traceSpec } from '../../src/report/plots/chains.js';
import { forestSpec, upliftSpec } from '../../src/report/plots/intervals.js';
import { paretoKSpec } from '../../src/report/plots/pareto-k.js';
import { ppcSpec } from '../../src/report/plots/ppc.js';
import type { PlotSpec } from '../../src/report/plots/spec.js';

/** Two variables, 4 chains × 200 draws of seeded normals. */
export function normalDraws(seed = 7): DrawSet {
  const ds = makeDrawSet(['b_Intercept', 'b_treatment'], 4, 200);
  const rng = new Rng(seed, 0);
  for (let i = 0; i < ds.values.length; i++) ds.values[i] = rng.normal();
  return ds;
}

export function everyPlotKind(): Record<string, PlotSpec> {
  const draws = normalDraws();
  const rng = new Rng(11, 0);
  const k = Float64Array.from({ length: 3000 }, () => rng.uniform() * 0.9);
  const segments = ['1) $0 - $100', '2) $100 - $200', '3) <script>alert(1)</script>'];
  return {
    trace: traceSpec(draws, draws.names),
    rank: rankSpec(draws, draws.names),
    forest: forestSpec(segments.map((label, i) => ({ label, mean: 0.1 * i, low: 0.1 * i - 0.2, high: 0.1 * i + 0.2 }))),
    uplift: upliftSpec(segments.map((label, i) => ({ label, mean: 0.002 * i, low: 0.002 * i - 0.003, high: 0.002 * i + 0.003 }))),
    ppc: ppcSpec(Float64Array.from({ length: 400 }, () => 0.009 + 0.001 * rng.normal()), 0.0091),
    calibration: calibrationSpec(
      Array.from({ length: 10 }, (_, b) => ({
        bin: b + 1, n: 100, minPredicted: b / 100, maxPredicted: (b + 1) / 100, meanPredicted: (b + 0.5) / 100, observedRate: (b + 0.4) / 100,
      })),
    ),
    paretoK: paretoKSpec(k),
  };
}
