/**
 * Writes tests/fixtures/mmm/data.json: the scaled design of sim:mmm (seed 7, 104 weeks, control promo, logistic, L = 8,
 * Fourier order 2, trend) as mmm.stan reads it, and 10 random constrained points per saturation for the log-density
 * comparison. Run: npx tsx scripts/reference/mmm-export.ts, then Rscript scripts/reference/mmm.R.
 */
import { writeFileSync } from 'node:fs';
import { buildMmmDesign } from '../../src/model/mmm/design.js';
import { createMmmModel } from '../../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../../src/model/mmm/series.js';
import { simulateMmm } from '../../src/data/simulate/mmm.js';
import { Rng } from '../../src/rng.js';

export const REFERENCE_CASE = { seed: 7, n: 104, channels: ['tv', 'search', 'social'], controls: ['promo'] } as const;

const sim = simulateMmm({ seed: REFERENCE_CASE.seed, n: REFERENCE_CASE.n });
const input = mmmInputFromFrame(sim.frame, {
  date: 'week',
  outcome: 'sales',
  channels: REFERENCE_CASE.channels,
  controls: REFERENCE_CASE.controls,
});
const out: Record<string, unknown> = {};
for (const saturation of ['logistic', 'hill'] as const) {
  const design = buildMmmDesign(input, { saturation, maxLag: 8, fourierOrder: 2, trend: true });
  const model = createMmmModel(design);
  const T = design.T;
  const C = design.channels.length;
  const F = design.fourierNames.length;
  const K = design.controls.length;
  const rng = new Rng(2026);
  const points: number[][] = [];
  for (let p = 0; p < 10; p++) {
    const theta: number[] = [];
    for (const block of model.parameters) {
      for (let i = 0; i < block.size; i++) {
        if (block.name === 'sigma') theta.push(0.03 + 0.1 * rng.uniform());
        else if (block.transform.kind === 'positive') theta.push(0.1 + 2 * rng.uniform());
        else if (block.transform.kind === 'unit') theta.push(0.05 + 0.9 * rng.uniform());
        else theta.push(-1 + 2 * rng.uniform());
      }
    }
    points.push(theta);
  }
  out[saturation] = {
    stan: {
      T,
      C,
      L: 8,
      x: Array.from({ length: C }, (_, c) => Array.from(design.x.subarray(c * T, (c + 1) * T))),
      y: Array.from(design.y),
      hill: saturation === 'hill' ? 1 : 0,
      has_trend: 1,
      trend_col: Array.from(design.trend),
      K,
      Z: Array.from({ length: T }, (_, t) => Array.from({ length: K }, (_, j) => design.z[j * T + t])),
      F,
      fourier: Array.from({ length: T }, (_, t) => Array.from({ length: F }, (_, k) => design.fourier[k * T + t])),
    },
    blocks: model.parameters.map((b) => ({ name: b.name, size: b.size })),
    points,
  };
}
writeFileSync('tests/fixtures/mmm/data.json', JSON.stringify(out) + '\n');
console.log('wrote tests/fixtures/mmm/data.json');
