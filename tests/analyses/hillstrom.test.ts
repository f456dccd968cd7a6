/**
 * The Hillstrom analysis end to end on small simulated data (native backend when built, else reference; short chains):
 * the pieces are wired consistently — raw counts equal direct counts, the decision column follows the thresholds,
 * the pooled effect summary equals the summary of b_treatment's draws, uplift lies between the control and treated
 * probabilities — and the JSON has the keys issue 8 promises. The numbers themselves are checked against Stan in
 * hillstrom-real.slow.test.ts and against closed forms in tests/decision.
 */
import { asFloat64 } from '../../src/data/frame-build.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeHillstrom, toJson, type HillstromAnalysis } from '../../src/analyses/hillstrom.js';
import { hillstromSections } from '../../src/report/hillstrom-report.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { probabilityAction } from '../../src/decision/policy.js';
import { variableDraws, type DrawSet } from '../../src/draws.js';
import { renderTable } from '../../src/report/table.js';

const backend = loadNativeAddon() ? 'native' : 'reference';
const { frame } = builtinDataset('hillstrom', 4, 3000);
const fit = { backend, chains: 2, warmup: 150, draws: 150, seed: 11 } as const;

describe('analyzeHillstrom on simulated data', () => {
  let a: HillstromAnalysis;
  const fitted: string[] = [];
  const drawsOf = new Map<string, DrawSet>();
  beforeAll(async () => {
    a = await analyzeHillstrom(frame, {
      fit,
      thresholds: { target: 0.8, test: 0.5 },
      economics: { valuePerConversion: 50, costPerContact: 0.1 },
      onFit: (model, f) => {
        fitted.push(`${model}:${f.draws.nChains}x${f.draws.nDraws}`);
        drawsOf.set(model, f.draws);
      },
    });
  }, 600_000);

  it('counts arms and segments exactly', () => {
    const t = frame.columns.get('treatment');
    const y = frame.columns.get('conversion');
    if (t?.kind !== 'numeric' || y?.kind !== 'numeric') throw new Error('columns');
    let nT = 0;
    let cT = 0;
    for (let i = 0; i < frame.nRows; i++) {
      nT += t.values[i];
      cT += t.values[i] * y.values[i];
    }
    expect(a.rawRates.treated.n).toBe(nT);
    expect(a.rawRates.treated.conversions).toBe(cT);
    expect(a.rawRates.control.n + a.rawRates.treated.n).toBe(3000);
    expect(a.decisions.reduce((s, d) => s + d.nControl + d.nTreated, 0)).toBe(3000);
  });

  it('runs both fits, applies the thresholds and the expected-value rule', () => {
    expect(fitted).toEqual(['pooled:2x150', 'hierarchical:2x150', 'spend-lognormal:2x150', 'spend-gamma:2x150']);
    for (const d of a.decisions) {
      expect(d.action).toBe(probabilityAction(d.effect.probPositive, { target: 0.8, test: 0.5 }));
      expect(d.uplift.probPositive).toBe(d.effect.probPositive); // σ is increasing: uplift > 0 ⇔ effect > 0
      expect(d.expectedValue!.expectedNetValue).toBeCloseTo(d.uplift.mean * 50 - 0.1, 12);
      expect(d.pTreatedMean - d.pControlMean).toBeCloseTo(d.uplift.mean, 12);
    }
    expect(a.baseline.converged).toBe(true);
    expect(a.baseline.auc).toBeGreaterThan(0.5);
    expect(a.pooled.ppc.replicatedRates.length).toBe(300);
  });

  it('gives the JSON keys of issue 8 and report sections with well-formed tables', () => {
    const json = toJson(a) as { pooled: Record<string, unknown>; segments: Record<string, unknown>[] };
    for (const key of ['prob_effect_positive', 'effect_mean', 'effect_p10', 'effect_p90']) expect(typeof json.pooled[key]).toBe('number');
    expect(json.segments).toHaveLength(7);
    for (const key of ['segment', 'n_control', 'n_treated', 'raw_lift', 'effect_mean', 'effect_p10', 'effect_p90', 'prob_effect_positive', 'uplift_mean', 'uplift_p10', 'uplift_p90', 'prob_uplift_positive', 'action']) {
      expect(json.segments[0]).toHaveProperty(key);
    }
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const j = json as unknown as { comparison: { model: string }[]; hierarchical: { loo: { pareto_k: Record<string, number> } } };
    expect(j.comparison).toHaveLength(2);
    expect(Object.keys(j.hierarchical.loo.pareto_k)).toEqual(['good', 'ok', 'bad', 'very_bad']);
    const sections = hillstromSections(a);
    expect(sections.map((s) => s.title)).toContain('Decision table');
    for (const s of sections) for (const t of s.tables) expect(() => renderTable(t)).not.toThrow();
  });

  it('keeps the main parameters of each fit for the trace and rank plots', () => {
    for (const [model, f] of [['pooled', a.pooled.figures], ['hierarchical', a.hierarchical.figures]] as const) {
      const all = drawsOf.get(model) as DrawSet;
      const S = all.nChains * all.nDraws;
      expect(f.chains.names.every((n) => n.startsWith('b_') || n.startsWith('sd_'))).toBe(true);
      f.chains.names.forEach((name, j) => {
        expect(f.chains.values.subarray(j * S, (j + 1) * S)).toEqual(variableDraws(all, all.names.indexOf(name)));
      });
    }
    expect(a.hierarchical.figures.chains.names).toContain('sd_history_segment__treatment');
  });

  it('compares pooled and hierarchical by PSIS-LOO: elpd_diff is the difference of elpd_loo, weights sum to 1', () => {
    const loo = { pooled: a.pooled.figures.loo, hierarchical: a.hierarchical.figures.loo };
    expect(a.comparison.map((r) => r.model).sort()).toEqual(['hierarchical', 'pooled']);
    const best = a.comparison[0];
    expect(best.elpdDiff).toBe(0);
    for (const r of a.comparison) {
      const l = loo[r.model as keyof typeof loo];
      expect(l.nObs).toBe(frame.nRows);
      expect(r.elpdLoo).toBe(l.elpdLoo.estimate);
      // Σ_i (elpd_i(model) − elpd_i(best)) = elpd_loo(model) − elpd_loo(best)
      expect(r.elpdDiff).toBeCloseTo(r.elpdLoo - best.elpdLoo, 8);
    }
    expect(a.comparison.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(1, 6);
    const k = loo.hierarchical.paretoKTable;
    expect(k.good + k.ok + k.bad + k.veryBad).toBe(frame.nRows);
  });

  it('calibration: deciles of every row, observed conversions recounted exactly, predictions increasing', () => {
    const y = frame.columns.get('conversion');
    if (y?.kind !== 'numeric') throw new Error('conversion');
    const cal = a.hierarchical.calibration;
    expect(cal).toHaveLength(10);
    expect(cal.reduce((s, b) => s + b.n, 0)).toBe(frame.nRows);
    const conversions = asFloat64(y.values).reduce((s, v) => s + v, 0);
    expect(cal.reduce((s, b) => s + b.n * b.observedRate, 0)).toBeCloseTo(conversions, 9);
    for (let b = 1; b < cal.length; b++) expect(cal[b].meanPredicted).toBeGreaterThanOrEqual(cal[b - 1].meanPredicted);
    for (const b of cal) expect(b.meanPredicted).toBeGreaterThan(0);
  });

  it('puts every plot of the analysis into the report sections', () => {
    const titles = hillstromSections(a).flatMap((s) => (s.plots ?? []).map((p) => JSON.stringify((p as { title?: unknown }).title)));
    for (const want of ['pooled: Trace', 'pooled: Rank', 'Posterior predictive', 'Treatment effect by segment', 'hierarchical: Trace', 'hierarchical: Rank', 'Uplift by segment', 'Calibration', 'Pareto k', 'Expected revenue uplift per contact']) {
      expect(titles.filter((t) => t.includes(want))).toHaveLength(1);
    }
    expect(titles).toHaveLength(10);
  });

  it('revenue per contact equals a direct computation from the draws: P(convert | arm) × E[spend | converted, arm]', () => {
    const r = a.revenue;
    // the choice: the family with the larger elpd_loo; elpd_diff of the other is the difference
    const elpd = new Map(r.fits.map((f) => [f.family, f.figures.loo.elpdLoo.estimate]));
    const best = elpd.get('lognormal')! >= elpd.get('gamma')! ? 'lognormal' : 'gamma';
    const other = best === 'lognormal' ? 'gamma' : 'lognormal';
    expect(r.chosen).toBe(best);
    expect(r.comparison[1].elpdDiff).toBeCloseTo(elpd.get(other)! - elpd.get(best)!, 10);
    const conversion = frame.columns.get('conversion') as { values: Float64Array };
    const spendColumn = frame.columns.get('spend') as { values: Float64Array };
    let converters = 0;
    for (let i = 0; i < frame.nRows; i++) if (conversion.values[i] === 1 && spendColumn.values[i] > 0) converters++;
    expect(r.converters).toBe(converters);
    // segment averages of every covariate over all the segment's customers, straight from the frame
    const covariates = ['recency_z', 'history_z', 'mens', 'womens', 'newbie'];
    const seg = frame.columns.get('history_segment') as { codes: Uint32Array; levels: string[] };
    const K = seg.levels.length;
    const avg = covariates.map((c) => {
      const v = (frame.columns.get(c) as { values: Float64Array }).values;
      const sum = new Float64Array(K);
      const n = new Float64Array(K);
      for (let i = 0; i < frame.nRows; i++) {
        sum[seg.codes[i]] += v[i];
        n[seg.codes[i]]++;
      }
      return Array.from(sum, (x, k) => x / n[k]);
    });
    const etaAt = (d: DrawSet, s: number, k: number, t: number): number => {
      const at = (name: string) => variableDraws(d, d.names.indexOf(name))[s];
      let eta = at('b_Intercept') + t * (at('b_treatment') + at(`r_history_segment__treatment[${k + 1}]`));
      covariates.forEach((c, j) => (eta += at(`b_${c}`) * avg[j][k]));
      return eta;
    };
    const hier = drawsOf.get('hierarchical')!;
    const spendDraws = drawsOf.get(`spend-${best}`)!;
    const S = hier.nChains * hier.nDraws;
    const sigma = best === 'lognormal' ? variableDraws(spendDraws, spendDraws.names.indexOf('sigma')) : null;
    const q7 = (x: number[], p: number) => {
      const v = [...x].sort((u, w) => u - w);
      const h = (v.length - 1) * p;
      const lo = Math.floor(h);
      return v[lo] + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] ?? v[lo]) - v[lo]);
    };
    for (let k = 0; k < K; k++) {
      const uplift: number[] = [];
      const spend1: number[] = [];
      for (let s = 0; s < S; s++) {
        const p0 = 1 / (1 + Math.exp(-etaAt(hier, s, k, 0)));
        const p1 = 1 / (1 + Math.exp(-etaAt(hier, s, k, 1)));
        const half = sigma ? 0.5 * sigma[s] * sigma[s] : 0;
        const e0 = Math.exp(etaAt(spendDraws, s, k, 0) + half);
        const e1 = Math.exp(etaAt(spendDraws, s, k, 1) + half);
        uplift.push(p1 * e1 - p0 * e0);
        spend1.push(e1);
      }
      const got = r.segments[k];
      const mean = (x: number[]) => x.reduce((u, v) => u + v, 0) / x.length;
      expect(got.segment).toBe(seg.levels[k]);
      expect(got.revenue.uplift.mean).toBeCloseTo(mean(uplift), 9);
      expect(got.revenue.uplift.p10).toBeCloseTo(q7(uplift, 0.1), 9);
      expect(got.revenue.uplift.p90).toBeCloseTo(q7(uplift, 0.9), 9);
      expect(got.spendTreated.mean / mean(spend1)).toBeCloseTo(1, 12);
      // the decision at the analysis's cost (economics: 0.1 per contact)
      expect(r.costPerContact).toBe(0.1);
      expect(got.decision.expectedNetValue).toBeCloseTo(mean(uplift) - 0.1, 9);
      expect(got.decision.probPays).toBe(uplift.filter((u) => u > 0.1).length / S);
    }
    const json = toJson(a) as { revenue: { chosen_family: string; segments: unknown[]; comparison: { family: string }[] } };
    expect(json.revenue.chosen_family).toBe(best);
    expect(json.revenue.segments).toHaveLength(K);
    expect(json.revenue.comparison.map((c) => c.family)).toEqual([best, other]);
  });

  it('refuses crossed thresholds before fitting anything', async () => {
    await expect(analyzeHillstrom(frame, { thresholds: { target: 0.5, test: 0.9 } })).rejects.toThrow(/--test-prob 0.9 is above --target-prob 0.5/);
  });
});
