/**
 * Agreement with Stan on the real Hillstrom data (golden/stan, rstan 2.21, 4 × 1000 draws): nutmeg's fit with the same
 * settings (native backend, 4 chains, 1000 + 1000, seed 1), then for every Stan variable the nutmeg equivalent
 * (names mapped as golden/README.md says), |mean difference| in combined MCSE, the sd ratio and R-hat.
 *
 *   npx tsx bench/stan-agreement.ts [pooled|hierarchical] [diag|dense] [path/to/shared]
 */
import { readFileSync } from 'node:fs';
import { loadHillstrom, HILLSTROM_FORMULAS } from '../src/data/hillstrom.js';
import { fitModel } from '../src/fit/fit.js';
import { mcseMean } from '../src/diagnostics/mcse.js';
import { rhat } from '../src/diagnostics/rhat.js';
const [model = 'pooled', metric = 'diag', shared = '../shared'] = process.argv.slice(2) as ['pooled' | 'hierarchical', 'diag' | 'dense', string];
const frame = loadHillstrom(`${shared}/data/hillstrom.csv`);
const fit = await fitModel(frame, HILLSTROM_FORMULAS[model], { backend: 'native', chains: 4, warmup: 1000, draws: 1000, seed: 1, metric });
const ds = fit.draws; const N = ds.nChains * ds.nDraws;
const col = (name: string): Float64Array => { const v = ds.names.indexOf(name); if (v < 0) throw new Error(name); return ds.values.subarray(v * N, (v + 1) * N); };
const betas = model === 'pooled' ? ['b_treatment', 'b_recency_z', 'b_history_z', 'b_mens', 'b_womens', 'b_newbie'] : ['b_recency_z', 'b_history_z', 'b_mens', 'b_womens', 'b_newbie'];
const map = (s: string): Float64Array => {
  if (s === 'alpha') return col('b_Intercept');
  let m = /^beta\[(\d)\]$/.exec(s); if (m) return col(betas[Number(m[1]) - 1]);
  if (s === 'mu_t') return col('b_treatment');
  if (s === 'sigma_t') return col('sd_history_segment__treatment');
  m = /^z_t\[(\d)\]$/.exec(s); if (m) return col(`z_history_segment__treatment[${m[1]}]`);
  m = /^beta_t_group\[(\d)\]$/.exec(s); if (m) { const a = col('b_treatment'), b = col(`r_history_segment__treatment[${m[1]}]`); return a.map((x, i) => x + b[i]); }
  throw new Error(s);
};
const lines = readFileSync(`${shared}/golden/stan/${model}.summary.csv`, 'utf8').trim().split('\n').slice(1);
let worstZ = 0, worstSd = 0, worstR = 0;
for (const line of lines) {
  const f = line.split(',').map((x) => x.replace(/"/g, '').trim());
  const [name, mean, sd] = [f[0], Number(f[1]), Number(f[2])];
  const mcseS = Number(f[8]);
  if (name === 'lp__') continue;
  const x = map(name);
  const cd = { values: Float64Array.from(x), nChains: ds.nChains, nDraws: ds.nDraws };
  const m = x.reduce((a, b) => a + b, 0) / N; const s = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (N - 1));
  const z = Math.abs(m - mean) / Math.hypot(mcseMean(cd)!, mcseS);
  const r = rhat(cd)!;
  worstZ = Math.max(worstZ, z); worstSd = Math.max(worstSd, Math.abs(s / sd - 1)); worstR = Math.max(worstR, r);
  console.log(name.padEnd(18), m.toFixed(4), mean.toFixed(4), 'z', z.toFixed(2), 'sd ratio', (s / sd).toFixed(3), 'rhat', r.toFixed(4));
}
const r = fit.sample;
console.log(JSON.stringify({ model, metric, worstZ, worstSdRel: worstSd, worstRhat: worstR, divergences: Array.from(r.divergences), gradsPerDraw: Array.from(r.samplingGradientEvaluations, (g) => g / r.samplingDone), timing: r.timing }));
await fit.dispose();
