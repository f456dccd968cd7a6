/**
 * The ITS posterior against rstan's on one simulated data set (scripts/reference/its-data.ts: sim:its seed 3,
 * 80 days, weekly order 1, temperature): nutmeg's fit of the same model (4 chains × 1000 draws) has every
 * parameter's posterior mean within 4 combined MCSE (√(mcse² + Stan's se_mean²)) of Stan's and its sd within 10%
 * (tests/fixtures/its/stan-posterior-*.json, scripts/reference/its.R, 4 chains × 5000 draws).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeDraws } from '../../src/diagnostics/summary.js';
import { fitDensityModel } from '../../src/fit/density-fit.js';
import { itsInits } from '../../src/analyses/its.js';
import { itsModel } from '../../src/model/its/model.js';
import { referenceData } from '../../scripts/reference/its-data.js';

interface StanRow {
  variable: string;
  mean: number;
  se_mean: number;
  sd: number;
}

describe('ITS posterior vs rstan', () => {
  for (const family of ['gaussian', 'student'] as const) {
    it(`${family}: means within 4 combined MCSE, sd within 10%`, async () => {
      const ref = JSON.parse(readFileSync(`tests/fixtures/its/stan-posterior-${family}.json`, 'utf8')) as { rows: StanRow[] };
      const { design, priors } = referenceData(family);
      const model = itsModel(design, family, priors);
      const fit = await fitDensityModel(model, { chains: 4, warmup: 1000, draws: 1000, seed: 3, init: itsInits(model, 4) });
      const ours = new Map(summarizeDraws(fit.draws, { variables: ['alpha', 'beta', 'sigma', ...(family === 'student' ? ['nu'] : [])] }).rows.map((r) => [r.variable, r]));
      expect(ref.rows.length).toBe(design.names.length + (family === 'student' ? 3 : 2));
      for (const s of ref.rows) {
        const row = ours.get(s.variable === 'nu[1]' ? 'nu' : s.variable)!;
        const mcse = Math.sqrt(row.mcse_mean! ** 2 + s.se_mean ** 2);
        expect(Math.abs(row.mean! - s.mean), `${s.variable}: ${row.mean} vs Stan ${s.mean} (combined MCSE ${mcse})`).toBeLessThan(4 * mcse);
        expect(Math.abs(row.sd! / s.sd - 1), `${s.variable}: sd ${row.sd} vs Stan ${s.sd}`).toBeLessThan(0.1);
      }
    });
  }
});
