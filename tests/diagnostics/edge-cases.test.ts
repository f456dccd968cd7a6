/**
 * Edge cases as R posterior 1.4 treats them (read from its R/convergence.R and R/split_chains.R): split chains drop
 * an odd chain's middle draw; constant draws give NA (null); fewer than three draws per split chain give NA ESS;
 * with at most five draws per split chain Geyer's loop never runs and posterior's `sum(rho_hat_t[1:0])` (R's 1:0 is
 * c(1, 0)) makes τ̂ = 2, so ESS = S/2 whatever the draws; non-finite draws give null and a warning.
 */
import { describe, expect, it } from 'vitest';
import { splitChains, splitIndex } from '../../src/diagnostics/chains.js';
import { essBulk, essMean, essOfChains, essQuantile, essTail } from '../../src/diagnostics/ess.js';
import { mcseMean, mcseQuantile, mcseSd } from '../../src/diagnostics/mcse.js';
import { rhat, rhatOfChains } from '../../src/diagnostics/rhat.js';
import { summarizeDraws } from '../../src/diagnostics/summary.js';
import { makeDrawSet } from '../../src/draws.js';
import { Rng } from '../../src/rng.js';

function chains(values: number[], nChains: number): { values: Float64Array; nChains: number; nDraws: number } {
  return { values: Float64Array.from(values), nChains, nDraws: values.length / nChains };
}

describe('split chains', () => {
  it('an even chain splits into its halves (sharing the values)', () => {
    const x = chains([1, 2, 3, 4, 5, 6, 7, 8], 2);
    const s = splitChains(x);
    expect([s.nChains, s.nDraws]).toEqual([4, 2]);
    expect(Array.from(s.values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('an odd chain drops its middle draw', () => {
    const s = splitChains(chains([1, 2, 3, 4, 5, 10, 20, 30, 40, 50], 2));
    expect([s.nChains, s.nDraws]).toEqual([4, 2]);
    expect(Array.from(s.values)).toEqual([1, 2, 4, 5, 10, 20, 40, 50]);
    expect(splitIndex(5, 1, 2)).toBe(-1);
    expect(splitIndex(5, 1, 3)).toBe(6);
  });
  it('a one-draw chain is left alone', () => {
    const x = chains([1, 2, 3], 3);
    expect(splitChains(x)).toBe(x);
  });
});

describe('NA cases', () => {
  it('constant draws: every convergence diagnostic and MCSE is null', () => {
    const x = chains(new Array(400).fill(3.5), 4);
    for (const f of [rhat, essBulk, essTail, essMean, mcseMean, mcseSd]) expect(f(x), f.name).toBeNull();
    expect(essQuantile(x, 0.05)).toBeNull();
    expect(mcseQuantile(x, 0.95)).toBeNull();
  });
  it('a value below machine epsilon apart still counts as constant (posterior: max − min < 2.2e-16)', () => {
    const v = new Array(40).fill(0);
    v[7] = 1e-17;
    expect(rhatOfChains(chains(v, 2))).toBeNull();
    v[7] = 1e-15;
    expect(rhatOfChains(chains(v, 2))).not.toBeNull();
  });
  it('fewer than three draws per split chain: ESS is null', () => {
    const x = chains([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2); // split: 4 chains of 2
    expect(essMean(x)).toBeNull();
  });
  it('non-finite draws: null', () => {
    const v = Array.from({ length: 100 }, (_, i) => Math.sin(i));
    for (const bad of [NaN, Infinity, -Infinity]) {
      v[13] = bad;
      const x = chains(v, 2);
      for (const f of [rhat, essBulk, essTail, essMean, mcseMean, mcseSd]) expect(f(x), `${f.name} ${bad}`).toBeNull();
    }
  });
  it('a binary variable whose 95% quantile is its maximum has no tail ESS (every indicator is 1)', () => {
    const rng = new Rng(5);
    const x = chains(Array.from({ length: 800 }, () => (rng.uniform() < 0.1 ? 1 : 0)), 4);
    expect(essTail(x)).toBeNull();
    expect(essBulk(x)).not.toBeNull();
  });
});

describe("posterior's ESS with at most five draws per split chain", () => {
  it('τ̂ = 2, so ESS = S/2 for any draws', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 5; trial++) {
      const x = chains(Array.from({ length: 16 }, () => rng.normal()), 2); // split: 4 chains × 4 draws
      expect(essMean(x)).toBeCloseTo(8, 12);
      expect(essOfChains(chains(Array.from({ length: 15 }, () => rng.normal()), 3))).toBeCloseTo(7.5, 12);
    }
  });
});

describe('summarizeDraws with non-finite draws', () => {
  it('nulls the variable and warns, naming it and the count', () => {
    const ds = makeDrawSet(['ok', 'bad'], 2, 50);
    const rng = new Rng(1);
    for (let i = 0; i < ds.values.length; i++) ds.values[i] = rng.normal();
    ds.values[100 + 3] = NaN;
    ds.values[100 + 60] = Infinity;
    const { rows, warnings } = summarizeDraws(ds);
    expect(rows[0].mean).not.toBeNull();
    expect(Object.entries(rows[1]).filter(([k, v]) => k !== 'variable' && v !== null)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe('nonfinite');
    expect(warnings[0].message).toMatch(/^bad has 2 NaN or infinite draws/);
  });
});
