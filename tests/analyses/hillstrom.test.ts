/**
 * The Hillstrom analysis end to end on small simulated data (native backend when built, else reference; short chains):
 * the pieces are wired consistently — raw counts equal direct counts, the decision column follows the thresholds,
 * the pooled effect summary equals the summary of b_treatment's draws, uplift lies between the control and treated
 * probabilities — and the JSON has the keys issue 8 promises. The numbers themselves are checked against Stan in
 * hillstrom-real.slow.test.ts and against closed forms in tests/decision.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeHillstrom, toJson, type HillstromAnalysis } from '../../src/analyses/hillstrom.js';
import { hillstromSections } from '../../src/analyses/hillstrom-report.js';
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
    expect(fitted).toEqual(['pooled:2x150', 'hierarchical:2x150']);
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
    const conversions = y.values.reduce((s, v) => s + v, 0);
    expect(cal.reduce((s, b) => s + b.n * b.observedRate, 0)).toBeCloseTo(conversions, 9);
    for (let b = 1; b < cal.length; b++) expect(cal[b].meanPredicted).toBeGreaterThanOrEqual(cal[b - 1].meanPredicted);
    for (const b of cal) expect(b.meanPredicted).toBeGreaterThan(0);
  });

  it('puts every plot of the analysis into the report sections', () => {
    const titles = hillstromSections(a).flatMap((s) => (s.plots ?? []).map((p) => JSON.stringify((p as { title?: unknown }).title)));
    for (const want of ['pooled: Trace', 'pooled: Rank', 'Posterior predictive', 'Treatment effect by segment', 'hierarchical: Trace', 'hierarchical: Rank', 'Uplift by segment', 'Calibration', 'Pareto k']) {
      expect(titles.filter((t) => t.includes(want))).toHaveLength(1);
    }
    expect(titles).toHaveLength(9);
  });

  it('refuses crossed thresholds before fitting anything', async () => {
    await expect(analyzeHillstrom(frame, { thresholds: { target: 0.5, test: 0.9 } })).rejects.toThrow(/--test-prob 0.9 is above --target-prob 0.5/);
  });
});
