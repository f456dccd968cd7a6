/** The package entry point: the README's API example runs as written (small sizes). */
import { describe, expect, it } from 'vitest';
import { builtinDataset, fitModel, prepareScoring, scoreFrame, summarizeDraws } from '../src/index.js';

describe('API', () => {
  it('fits through the entry point and summarises the draws', async () => {
    const { frame, truth } = builtinDataset('hillstrom', 1, 2000);
    const fit = await fitModel(frame, 'conversion ~ treatment + recency_z + (0 + treatment | history_segment)', {
      chains: 2,
      warmup: 100,
      draws: 100,
      backend: 'reference',
    });
    const { rows } = summarizeDraws(fit.draws);
    const intercept = rows.find((r) => r.variable === 'b_Intercept')!;
    // 2,000 simulated rows pin the intercept down to about ±0.4 around the simulator's truth
    expect(Math.abs(intercept.mean! - truth!.b_Intercept)).toBeLessThan(1.5);
    expect(fit.draws.names).toContain('r_history_segment__treatment[7]');
    const scores = scoreFrame(prepareScoring({ recipe: fit.model.recipe, draws: fit.draws }), frame, { newLevels: 'uncertainty', seed: 7 });
    expect(scores.probability!.mean).toHaveLength(2000);
    expect(scores.uplift!.mean).toHaveLength(2000);
    expect(scores.newLevels).toBe('uncertainty');
    await fit.dispose();
  });
});
