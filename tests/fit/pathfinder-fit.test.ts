/**
 * `--method pathfinder` and `--init pathfinder` end to end: the approximate posterior against NUTS on the simulated
 * Hillstrom pooled model (means within 0.2 posterior sd, the criterion), the run layout it writes, and the
 * hand-over of initial values and metric to warm-up.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadData } from '../../src/data/load.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { variableChains } from '../../src/diagnostics/chains.js';
import { fitModel, fitPathfinder, type Fit } from '../../src/fit/fit.js';
import { pathfinderWarning } from '../../src/fit/pathfinder-fit.js';
import { runNutmeg } from '../helpers/cli.js';

function moments(fit: Fit, v: number): { mean: number; sd: number } {
  const x = variableChains(fit.draws, v).values;
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
  return { mean, sd };
}

describe('Pathfinder in a fit', () => {
  it('--method pathfinder: pooled Hillstrom-like means within 0.2 posterior sd of NUTS, Pareto k reported', async () => {
    const { frame } = loadData('sim:hillstrom', 3, 1500);
    const options = { backend: 'reference' as const, chains: 4, warmup: 400, draws: 500, seed: 3 };
    const nuts = await fitModel(frame, HILLSTROM_FORMULAS.pooled, { ...options, priors: HILLSTROM_PRIORS.pooled });
    const pf = await fitPathfinder(frame, HILLSTROM_FORMULAS.pooled, { ...options, priors: HILLSTROM_PRIORS.pooled });
    try {
      expect(pf.method).toBe('pathfinder');
      expect(pf.draws.nChains).toBe(4);
      expect(pf.draws.nDraws).toBe(500);
      expect(pf.pathfinder?.paretoK).toBeLessThan(0.7);
      for (let v = 0; v < nuts.draws.names.length; v++) {
        expect(pf.draws.names[v]).toBe(nuts.draws.names[v]);
        const a = moments(pf, v);
        const b = moments(nuts, v);
        expect(Math.abs(a.mean - b.mean) / b.sd).toBeLessThan(0.2);
        expect(a.sd / b.sd).toBeGreaterThan(0.7);
        expect(a.sd / b.sd).toBeLessThan(1.4);
      }
    } finally {
      await nuts.dispose();
      await pf.dispose();
    }
  });

  it('--init pathfinder: chains start from Pathfinder draws with its variances as the initial metric', async () => {
    const { frame } = loadData('sim:hillstrom', 4, 1000);
    const fit = await fitModel(frame, HILLSTROM_FORMULAS.pooled, { priors: HILLSTROM_PRIORS.pooled, backend: 'reference', chains: 2, warmup: 150, draws: 100, seed: 4, init: 'pathfinder', metric: 'diag' });
    try {
      expect(fit.method).toBe('nuts');
      expect(fit.sample.settings.init).toBe('given');
      expect(fit.pathfinder?.gradients).toBeGreaterThan(0);
      expect(fit.pathfinder?.paths).toHaveLength(4);
    } finally {
      await fit.dispose();
    }
  });

  it('warns in one line when the Pareto k is above 0.7, and not at or below it', () => {
    expect(pathfinderWarning(0.7)).toBeNull();
    expect(pathfinderWarning(0.93)).toMatch(/^the Pathfinder approximation's Pareto k is 0\.93 \(> 0\.7\)/);
    expect(pathfinderWarning(Infinity)).toContain('Inf');
  });

  it('nutmeg fit --method pathfinder --out writes CmdStan CSVs and fit.json with the Pareto k', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nutmeg-pf-')), 'run');
    const r = await runNutmeg(['fit', '--model', 'pooled', '--rows', '800', '--method', 'pathfinder', '--draws', '200', '--backend', 'reference', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/Pathfinder: 4 paths, [\d,]+ gradients in [\d.]+ s, Pareto k \d\.\d\d \(4 × 200 PSIS-resampled draws, not MCMC\)/);
    expect(readdirSync(dir).sort()).toEqual(['chain-1.csv', 'chain-2.csv', 'chain-3.csv', 'chain-4.csv', 'fit.json']);
    const meta = JSON.parse(readFileSync(join(dir, 'fit.json'), 'utf8'));
    expect(meta.method).toBe('pathfinder');
    expect(typeof meta.pathfinder.paretoK).toBe('number');
    expect(meta.pathfinder.paths).toHaveLength(4);
    const csv = readFileSync(join(dir, 'chain-1.csv'), 'utf8');
    expect(csv).toContain('nutmeg_method = pathfinder');
    expect(csv.split('\n').filter((l) => /^-?\d/.test(l))).toHaveLength(200);
  });
});
