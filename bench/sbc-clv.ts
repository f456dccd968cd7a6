/**
 * Simulation-based calibration of `nutmeg clv`'s model (BG/NBD + Gamma-Gamma, issue 19) at the issue's size:
 * 200 replicates of 200 customers over 52 weeks, drawn from the model's hierarchical prior (tests/helpers/sbc-clv.ts),
 * each fitted by NUTS through the density-model framework (500 warm-up iterations, 198 kept, thinned by 2 to L = 99
 * ranks) at the target acceptance `nutmeg clv` uses by default (0.8; another as the first argument). Uniformity check: ranks in 10 bins of 10, a χ² test with 9 degrees of freedom per parameter, passed when
 * every parameter's statistic is below the 1% family-wise critical value over the 9 parameters (Bonferroni, 27.60).
 * Also reported: each parameter's mean rank/L with its standard error (0.5 when calibrated) and the replicates with
 * any divergent transition. Writes bench/results/sbc-clv.txt (at the default target acceptance).
 *   node --import tsx bench/sbc-clv.ts [target-accept]
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { clvReplicates } from '../tests/helpers/sbc-clv.js';
import { runDensitySbc } from '../tests/helpers/sbc-density.js';
import { chiSquare9Survival, familywiseCritical } from '../tests/helpers/sbc.js';

const REPLICATES = 200;
const CUSTOMERS = 200;
const TARGET_ACCEPT = Number(process.argv[2] ?? 0.8);
const load = loadavg()[0];
const replicates = clvReplicates({ replicates: REPLICATES, customers: CUSTOMERS, weeks: 52, seed: 2026 });
const r = await runDensitySbc(replicates, { L: 99, thin: 2, warmup: 500, seed: 2026, targetAccept: TARGET_ACCEPT });
const critical = familywiseCritical(r.parameters.length);
const lines = [
  `SBC of the BG/NBD + Gamma-Gamma model: ${REPLICATES} replicates × ${CUSTOMERS} customers, 52 weeks, warm-up 500, target acceptance ${TARGET_ACCEPT}, L = 99, 10 bins`,
  `run: ${r.seconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} s CPU at load ${load.toFixed(1)}; ${Math.round(r.gradientsPerReplicate)} gradients per replicate; ` +
    `divergences ${r.divergences} in ${r.divergentReplicates} replicates`,
  `check: χ²₉ of each parameter's 10 bin counts below ${critical.toFixed(2)} (1% family-wise over ${r.parameters.length} parameters)`,
  '',
  'parameter        bin counts (ranks 0–9, 10–19, …, 90–99)      χ²₉    p      mean rank/L (se)  median ESS/L',
];
for (const p of r.parameters) {
  lines.push(
    `${p.name.padEnd(16)} ${Array.from(p.counts, (c) => String(c).padStart(3)).join(' ')}   ${p.chi2.toFixed(2).padStart(5)}  ${chiSquare9Survival(p.chi2).toFixed(3)}  ${p.meanRank.toFixed(3)} (${p.meanRankSe!.toFixed(3)})     ${p.essRatio.toFixed(2)}`,
  );
}
const pass = r.parameters.every((p) => p.chi2 < critical);
lines.push('', pass ? 'result: PASS (every histogram uniform at 1% family-wise)' : 'result: FAIL');
if (process.argv[2] === undefined) writeFileSync(new URL('./results/sbc-clv.txt', import.meta.url), lines.join('\n') + '\n');
console.log(lines.join('\n'));
