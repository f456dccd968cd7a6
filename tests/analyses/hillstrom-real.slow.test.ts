/**
 * The "done when" check of issue 8 on the real Hillstrom file (../shared/data/hillstrom.csv; skipped with a notice
 * when absent): `analyzeHillstrom` with the native backend, 4 chains × 1000 draws after 1000 warm-up, against the
 * same quantities computed by the same code from Stan 2.21's reference draws (tests/fixtures/analyses): the pooled
 * P(effect > 0) and effect mean, and every segment's uplift mean, P(uplift > 0) and effect mean agree within
 * 4 combined MCSE (√(mcse_nutmeg² + mcse_stan²)); the per-arm counts and the naive-lift column reproduce the raw
 * data exactly (counts from Python's csv module). Heavy: several minutes. Also skipped with a notice when the native
 * addon is not built (npm run build).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { analyzeHillstrom, SEGMENT, TREATMENT, type HillstromAnalysis } from '../../src/analyses/hillstrom.js';
import type { Frame } from '../../src/data/frame.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom } from '../../src/data/hillstrom.js';
import { summarizeQuantity, type DrawSummary } from '../../src/decision/draw-summary.js';
import { segmentEffectDraws, summarizeSegmentEffects } from '../../src/decision/effects.js';
import { variableDraws, variableIndex } from '../../src/draws.js';
import { buildModel } from '../../src/model/build.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';
import { stanHierarchicalDraws, stanPooledDraws } from './stan-reference.js';

const path = hillstromPathOrNotice('real-data analysis vs Stan (tests/analyses/hillstrom-real.slow.test.ts)');
const native = loadNativeAddon();
if (!native) console.warn('NOTICE: real-data analysis vs Stan skipped: the native addon is not built (npm run build)');

function within4Mcse(ours: number, oursMcse: number, stan: number, stanMcse: number, what: string): void {
  const bound = 4 * Math.hypot(oursMcse, stanMcse);
  const diff = Math.abs(ours - stan);
  const ratio = bound > 0 ? (diff / Math.hypot(oursMcse, stanMcse)).toFixed(2) : diff === 0 ? 'equal (both MCSE 0)' : 'differ with MCSE 0';
  console.log(`${what}: nutmeg ${ours.toPrecision(5)} ± ${oursMcse.toPrecision(2)}, Stan ${stan.toPrecision(5)} ± ${stanMcse.toPrecision(2)}, |diff|/combined MCSE ${ratio}`);
  expect(diff, what).toBeLessThanOrEqual(bound);
}

describe.skipIf(path === null || !native)('analyze hillstrom on the real data vs Stan', () => {
  let frame: Frame;
  let analysis: HillstromAnalysis;
  let seconds = 0;
  beforeAll(async () => {
    frame = loadHillstrom(path!);
    const t = performance.now();
    analysis = await analyzeHillstrom(frame, { fit: { backend: 'native', chains: 4, warmup: 1000, draws: 1000, seed: 20240 } });
    seconds = (performance.now() - t) / 1000;
    console.log(
      `analyzeHillstrom on 64,000 rows: ${seconds.toFixed(1)} s (pooled sampling ${analysis.pooled.diagnostics.seconds.toFixed(1)} s, ` +
        `hierarchical sampling ${analysis.hierarchical.diagnostics.seconds.toFixed(1)} s)`,
    );
  }, 3_600_000);

  it('per-arm counts and the naive lift reproduce the raw data exactly', () => {
    const r = analysis.rawRates;
    expect([r.control.n, r.control.conversions, r.treated.n, r.treated.conversions]).toEqual([21306, 122, 42694, 456]);
    const counts = [
      [7612, 32, 15358, 132],
      [4836, 20, 9418, 79],
      [4044, 28, 8245, 89],
      [2124, 24, 4285, 62],
      [1652, 9, 3259, 48],
      [622, 3, 1237, 24],
      [416, 6, 892, 22],
    ];
    analysis.decisions.forEach((d, k) => {
      expect([d.nControl, d.nTreated]).toEqual([counts[k][0], counts[k][2]]);
      expect(d.rawLift).toBe(counts[k][3] / counts[k][2] - counts[k][1] / counts[k][0]);
    });
  });

  it('the fits converged', () => {
    for (const d of [analysis.pooled.diagnostics, analysis.hierarchical.diagnostics]) {
      expect(d.maxRhat!).toBeLessThan(1.01);
      expect(d.divergences).toBe(0);
    }
  });

  it('pooled P(effect > 0) and effect mean agree with Stan within 4 combined MCSE', () => {
    const stan = stanPooledDraws();
    const v = variableIndex(stan, `b_${TREATMENT}`);
    const ref: DrawSummary = summarizeQuantity(variableDraws(stan, v), stan.nChains, stan.nDraws);
    const ours = analysis.pooled.effect;
    within4Mcse(ours.probPositive, ours.mcseProbPositive, ref.probPositive, ref.mcseProbPositive, 'pooled P(effect > 0)');
    within4Mcse(ours.mean, ours.mcseMean, ref.mean, ref.mcseMean, 'pooled effect mean');
  });

  it('every segment\'s uplift (mean, P(> 0)) and effect mean agree with Stan within 4 combined MCSE', () => {
    const { spec } = buildModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical });
    const column = frame.columns.get(SEGMENT);
    if (column?.kind !== 'categorical') throw new Error('history_segment is not categorical');
    const stan = stanHierarchicalDraws(column.levels.length);
    const segments = { name: SEGMENT, codes: column.codes, levels: column.levels };
    const ref = summarizeSegmentEffects(segmentEffectDraws(spec, stan, TREATMENT, segments), new Float64Array(7), stan.nChains, stan.nDraws);
    analysis.hierarchical.segments.forEach((ours, k) => {
      expect(ours.segment).toBe(ref[k].segment);
      within4Mcse(ours.uplift.mean, ours.uplift.mcseMean, ref[k].uplift.mean, ref[k].uplift.mcseMean, `${ours.segment} uplift mean`);
      within4Mcse(ours.uplift.probPositive, ours.uplift.mcseProbPositive, ref[k].uplift.probPositive, ref[k].uplift.mcseProbPositive, `${ours.segment} P(uplift > 0)`);
      within4Mcse(ours.effect.mean, ours.effect.mcseMean, ref[k].effect.mean, ref[k].effect.mcseMean, `${ours.segment} effect mean`);
    });
  });
});
