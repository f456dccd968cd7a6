/**
 * Issue 4's acceptance check on the real data: the pooled, hierarchical and crossed Hillstrom models, fitted with the
 * parameterization nutmeg picks by default (native backend, 4 chains × 1000 warm-up + 1000 draws, as Stan's
 * reference), against Stan 2.21's posterior summaries (tests/fixtures/stan, from the shared golden/stan):
 *   every parameter's posterior mean within 4 combined MCSE, sd within 10% (20% for crossed), R-hat < 1.01,
 *   no divergences for pooled.
 * Skipped with a notice when ../shared/data/hillstrom.csv is absent or the native addon is not built.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { HILLSTROM_FORMULAS, loadHillstrom, type HillstromModel } from '../../src/data/hillstrom.js';
import type { ChainDraws } from '../../src/diagnostics/chains.js';
import { summarizeVariable, type SummaryRow } from '../../src/diagnostics/summary.js';
import { variableDraws, variableIndex, type DrawSet } from '../../src/draws.js';
import { fitModel } from '../../src/fit/fit.js';
import { hillstromPath } from '../helpers/hillstrom.js';

interface StanRow {
  mean: number;
  sd: number;
  mcse_mean: number;
  rhat: number;
}

function readStanSummary(file: string): Map<string, StanRow> {
  const lines = readFileSync(new URL(`../fixtures/stan/${file}`, import.meta.url), 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const col = (name: string) => header.indexOf(name);
  const out = new Map<string, StanRow>();
  for (const line of lines.slice(1)) {
    const f = line.split(',').map((x) => x.replace(/"/g, '').trim());
    out.set(f[0], { mean: +f[col('mean')], sd: +f[col('sd')], mcse_mean: +f[col('mcse_mean')], rhat: +f[col('rhat')] });
  }
  return out;
}

const FIXED = ['b_recency_z', 'b_history_z', 'b_mens', 'b_womens', 'b_newbie'];

/** Stan name → a function giving nutmeg's draws of the same quantity (golden/README.md's mapping). */
function mapping(model: HillstromModel): Array<[string, (d: DrawSet) => ChainDraws]> {
  const plain = (name: string) => (d: DrawSet): ChainDraws => ({ values: variableDraws(d, variableIndex(d, name)), nChains: d.nChains, nDraws: d.nDraws });
  const sum = (a: string, b: string) => (d: DrawSet): ChainDraws => {
    const x = variableDraws(d, variableIndex(d, a));
    const y = variableDraws(d, variableIndex(d, b));
    return { values: x.map((v, i) => v + y[i]), nChains: d.nChains, nDraws: d.nDraws };
  };
  const rows: Array<[string, (d: DrawSet) => ChainDraws]> = [['alpha', plain('b_Intercept')]];
  if (model === 'pooled') {
    ['b_treatment', ...FIXED].forEach((n, k) => rows.push([`beta[${k + 1}]`, plain(n)]));
    return rows;
  }
  FIXED.forEach((n, k) => rows.push([`beta[${k + 1}]`, plain(n)]));
  rows.push(['mu_t', plain('b_treatment')], ['sigma_t', plain('sd_history_segment__treatment')]);
  for (let g = 1; g <= 7; g++) {
    rows.push([`z_t[${g}]`, plain(`z_history_segment__treatment[${g}]`)]);
    rows.push([`beta_t_group[${g}]`, sum('b_treatment', `r_history_segment__treatment[${g}]`)]);
  }
  if (model === 'crossed') {
    rows.push(['sigma_zip', plain('sd_zip_code__Intercept')], ['sigma_ch', plain('sd_channel__Intercept')]);
    for (let k = 1; k <= 3; k++) {
      rows.push([`a_zip[${k}]`, plain(`r_zip_code__Intercept[${k}]`)], [`a_ch[${k}]`, plain(`r_channel__Intercept[${k}]`)]);
    }
  }
  return rows;
}

const path = hillstromPath();
const native = loadNativeAddon();
if (!path) console.warn('NOTICE: Stan reference comparison skipped: ../shared/data/hillstrom.csv not present');
if (!native) console.warn('NOTICE: Stan reference comparison skipped: the native addon is not built (npm run build)');

const CASES: Array<[HillstromModel, string, number]> = [
  ['pooled', 'pooled.summary.csv', 0.1],
  ['hierarchical', 'hierarchical.summary.csv', 0.1],
  ['crossed', 'crossed_centered.summary.csv', 0.2],
];

describe.skipIf(!path || !native)('posterior on the real Hillstrom data agrees with Stan', () => {
  for (const [model, file, sdTolerance] of CASES) {
    it(`${model} model`, { timeout: 1_200_000 }, async () => {
      const frame = loadHillstrom(path!);
      const fit = await fitModel(frame, HILLSTROM_FORMULAS[model], { backend: 'native', chains: 4, warmup: 1000, draws: 1000, seed: 20261122 });
      const stan = readStanSummary(file);
      const failures: string[] = [];
      const lines: string[] = [];
      for (const [stanName, draws] of mapping(model)) {
        const ref = stan.get(stanName)!;
        const ours: SummaryRow = summarizeVariable(stanName, draws(fit.draws));
        const z = (ours.mean! - ref.mean) / Math.hypot(ours.mcse_mean!, ref.mcse_mean);
        const sdRatio = ours.sd! / ref.sd;
        lines.push(`${stanName}: mean ${ours.mean!.toFixed(4)} vs ${ref.mean.toFixed(4)} (z ${z.toFixed(2)}), sd ratio ${sdRatio.toFixed(3)}, rhat ${ours.rhat!.toFixed(4)}`);
        if (Math.abs(z) > 4) failures.push(`${stanName} mean z = ${z.toFixed(2)}`);
        if (Math.abs(sdRatio - 1) > sdTolerance) failures.push(`${stanName} sd ratio ${sdRatio.toFixed(3)}`);
        if (!(ours.rhat! < 1.01)) failures.push(`${stanName} rhat ${ours.rhat}`);
      }
      const divergences = fit.sample.divergences.reduce((a, b) => a + b, 0);
      console.log(`${model}: ${divergences} divergences, ${(fit.sample.timing.warmupSeconds + fit.sample.timing.samplingSeconds).toFixed(1)} s\n` + lines.join('\n'));
      if (model === 'pooled') expect(divergences).toBe(0);
      expect(failures).toEqual([]);
      await fit.dispose();
    });
  }
});
