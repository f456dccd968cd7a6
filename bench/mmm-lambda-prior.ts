/**
 * Does the λ prior pull tv's saturation rate above its truth? (issue 19's MMM recovery: tv's λ posterior mean lies
 * above its true 2 in all five seeds of bench/mmm-recovery.ts.) For sim:mmm seeds 1–5 (the recovery bench's data and
 * fit: 156 weeks, tv/search/social, control promo, logistic, L = 8, 4 chains × 1000 warm-up + 1000 draws, target
 * acceptance 0.8, seed = data seed) the model is fitted twice: with PyMC-Marketing's default λ ~ Gamma(3, rate 1)
 * (src/model/mmm/model.ts; the same fit as the recovery bench) and with every channel's λ given a weak
 * Gamma(1, rate 0.1) (exponential, mean 10: nearly flat over the λ the data allow) in its place. Bench-only: the weak
 * prior is the model's log density plus log Gamma(1, 0.1) − log Gamma(3, 1) at each λ_c; nothing else changes.
 * Prints, per seed and channel, the λ posterior mean and median and the ROAS mean and 90% interval under each prior.
 * Run: npx tsx bench/mmm-lambda-prior.ts > bench/results/mmm-lambda-prior.md
 */
import { loadavg } from 'node:os';
import { mmmDraws } from '../src/analyses/mmm/analysis.js';
import { channelSummaries } from '../src/analyses/mmm/derived.js';
import { simulateMmm } from '../src/data/simulate/mmm.js';
import { quantileSorted } from '../src/numeric/quantile.js';
import { fitDensityModel } from '../src/fit/density-fit.js';
import { buildMmmDesign, DEFAULT_MMM_SETTINGS } from '../src/model/mmm/design.js';
import { createMmmModel, MMM_PRIORS, type MmmModel } from '../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../src/model/mmm/series.js';

const WEAK = { alpha: 1, rate: 0.1 } as const;

/** The MMM with λ_c ~ Gamma(WEAK) in place of Gamma(3, 1) (log densities up to constants). */
function withWeakLambda(model: MmmModel): MmmModel {
  const { sat1 } = model.layout;
  const C = model.design.channels.length;
  const { alpha, beta: rate } = MMM_PRIORS.lam;
  return {
    ...model,
    logDensity(theta: Float64Array, grad: Float64Array): number {
      const lp = model.logDensity(theta, grad);
      if (!Number.isFinite(lp)) return lp;
      let extra = 0;
      for (let c = 0; c < C; c++) {
        const lam = theta[sat1 + c];
        extra += (WEAK.alpha - alpha) * Math.log(lam) - (WEAK.rate - rate) * lam;
        grad[sat1 + c] += (WEAK.alpha - alpha) / lam - (WEAK.rate - rate);
      }
      return lp + extra;
    },
  };
}

const loadAverage = (): string => loadavg().map((v) => v.toFixed(1)).join(', ');
const seeds = [1, 2, 3, 4, 5];
const priors = [
  { label: 'Gamma(3, 1)', make: (m: MmmModel): MmmModel => m },
  { label: `Gamma(${WEAK.alpha}, ${WEAK.rate})`, make: withWeakLambda },
];
const started = loadAverage();
const lines = [
  '| seed | channel | λ prior | λ mean | λ median (true) | true ROAS | ROAS mean | 90% interval | inside | divergences |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
const inside = priors.map(() => 0);
const tvAbove = priors.map(() => 0);
for (const seed of seeds) {
  const sim = simulateMmm({ seed });
  const input = mmmInputFromFrame(sim.frame, { date: 'week', outcome: 'sales', channels: ['tv', 'search', 'social'], controls: ['promo'] });
  const design = buildMmmDesign(input, DEFAULT_MMM_SETTINGS);
  for (const [p, prior] of priors.entries()) {
    const model = prior.make(createMmmModel(design));
    const fit = await fitDensityModel(model, { seed });
    const draws = mmmDraws(fit, model.layout.size);
    const divergences = fit.sample.divergences.reduce((a, b) => a + b, 0);
    for (const [c, summary] of channelSummaries(design, model.layout, draws).entries()) {
      const lam = new Float64Array(draws.count);
      for (let d = 0; d < draws.count; d++) lam[d] = draws.theta[d * draws.size + model.layout.sat1 + c];
      const mean = lam.reduce((a, b) => a + b, 0) / lam.length;
      const median = quantileSorted(Float64Array.from(lam).sort(), 0.5);
      const truth = sim.truth[`roas[${summary.channel}]`];
      const ok = truth >= summary.roas.lower && truth <= summary.roas.upper;
      inside[p] += ok ? 1 : 0;
      if (summary.channel === 'tv' && summary.roas.mean > truth) tvAbove[p]++;
      lines.push(
        `| ${seed} | ${summary.channel} | ${prior.label} | ${mean.toFixed(2)} | ${median.toFixed(2)} (${sim.truth[`lam[${summary.channel}]`]}) | ` +
          `${truth.toFixed(3)} | ${summary.roas.mean.toFixed(3)} | ${summary.roas.lower.toFixed(3)}–${summary.roas.upper.toFixed(3)} | ${ok ? 'yes' : 'NO'} | ${divergences} |`,
      );
    }
  }
}
console.log('# MMM recovery under two λ priors\n');
for (const [p, prior] of priors.entries()) {
  console.log(`- λ ~ ${prior.label}: true ROAS inside the 90% interval in ${inside[p]} of ${seeds.length * 3}; tv's ROAS mean above its truth in ${tvAbove[p]} of ${seeds.length} seeds`);
}
console.log(`\nLoad average at start: ${started}; at end: ${loadAverage()}.\n`);
console.log(lines.join('\n'));
