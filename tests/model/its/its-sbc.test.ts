/**
 * Simulation-based calibration of the ITS model, both families: 100 replicates each, ranks among 99 draws (thin 2),
 * every parameter's rank histogram (10 bins) under the χ²₉ critical value at 1% family-wise (Bonferroni over the
 * parameters; tests/helpers/sbc.ts). The 200-replicate run is scripts/its-sbc.ts (bench/results/its-sbc.svg).
 */
import { describe, expect, it } from 'vitest';
import { runItsSbc } from '../../helpers/its-sbc.js';

describe('ITS simulation-based calibration', () => {
  for (const family of ['gaussian', 'student'] as const) {
    it(`${family}: uniform ranks for every parameter`, async () => {
      const r = await runItsSbc({ family, replicates: 100, L: 99, thin: 2, warmup: 300, seed: 1 });
      expect(r.parameters.map((p) => p.name)).toEqual(['alpha', 'beta[1]', 'beta[2]', 'beta[3]', 'beta[4]', 'sigma', ...(family === 'student' ? ['nu'] : [])]);
      for (const p of r.parameters) {
        expect(p.chi2, `${p.name}: χ²₉ = ${p.chi2.toFixed(2)}, bins ${Array.from(p.counts).join(' ')}`).toBeLessThan(r.critical);
      }
    });
  }
});
