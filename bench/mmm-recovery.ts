/**
 * MMM recovery check (issue 19): fit `nutmeg mmm`'s model to sim:mmm for seeds 1–5 (156 weeks, tv/search/social,
 * control promo, logistic saturation, L = 8, 4 chains × 1000 warm-up + 1000 draws) and report, per seed and channel,
 * the true ROAS and the posterior mean and 90% interval, and the posterior means of the channel's decay and saturation
 * rate beside their true values (to see which way a miss leans). Prints a markdown table; the committed output is
 * bench/results/mmm-recovery.md. Run: npx tsx bench/mmm-recovery.ts > bench/results/mmm-recovery.md
 */
import { runMmm } from '../src/analyses/mmm/analysis.js';
import { simulateMmm } from '../src/data/simulate/mmm.js';
import { loadavg } from 'node:os';

const loadAverage = (): string => loadavg().map((v) => v.toFixed(1)).join(', ');

const seeds = [1, 2, 3, 4, 5];
const lines = [
  '| seed | channel | true ROAS | mean | 90% interval | inside | decay mean (true) | λ mean (true) | divergences |',
  '|---|---|---|---|---|---|---|---|---|',
];
let inside = 0;
let total = 0;
const started = loadAverage();
for (const seed of seeds) {
  const sim = simulateMmm({ seed });
  const r = await runMmm(sim.frame, {
    date: 'week',
    outcome: 'sales',
    channels: ['tv', 'search', 'social'],
    controls: ['promo'],
    fit: { seed },
  });
  const divergences = r.fit.sample.divergences.reduce((a, b) => a + b, 0);
  const { count, size, theta } = r.draws;
  const meanOf = (index: number): number => {
    let sum = 0;
    for (let d = 0; d < count; d++) sum += theta[d * size + index];
    return sum / count;
  };
  for (const [k, c] of r.channels.entries()) {
    const truth = sim.truth[`roas[${c.channel}]`];
    const ok = truth >= c.roas.lower && truth <= c.roas.upper;
    inside += ok ? 1 : 0;
    total++;
    lines.push(
      `| ${seed} | ${c.channel} | ${truth.toFixed(3)} | ${c.roas.mean.toFixed(3)} | ${c.roas.lower.toFixed(3)}–${c.roas.upper.toFixed(3)} | ${ok ? 'yes' : 'NO'} | ` +
        `${meanOf(r.model.layout.decay + k).toFixed(2)} (${sim.truth[`decay[${c.channel}]`]}) | ${meanOf(r.model.layout.sat1 + k).toFixed(2)} (${sim.truth[`lam[${c.channel}]`]}) | ${divergences} |`,
    );
  }
}
console.log(`# MMM recovery: true ROAS inside the 90% interval in ${inside} of ${total} (channel, seed) pairs\n`);
console.log(`Load average at start: ${started}; at end: ${loadAverage()}.\n`);
console.log(lines.join('\n'));
