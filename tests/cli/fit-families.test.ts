/**
 * `nutmeg fit --family …` end to end through main() on the reference backend: a tiny recovery fit per family on data
 * simulated here with known parameters (500 rows; posterior means within 4 posterior sd of the truth), fit.json
 * records the family, `nutmeg loo` rebuilds the model from it, and `nutmeg score` scores it (the expected value; P(y = 1)
 * for probit).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../helpers/cli.js';
import { Rng } from '../../src/rng.js';

afterEach(() => vi.restoreAllMocks());

const B0 = 0.5;
const B1 = 0.4;

interface Case {
  readonly family: string;
  readonly link?: string;
  readonly aux: { name: string; value: number } | null;
  readonly draw: (rng: Rng, eta: number) => number;
}

const CASES: Case[] = [
  { family: 'gaussian', aux: { name: 'sigma', value: 0.8 }, draw: (rng, eta) => eta + 0.8 * rng.normal() },
  { family: 'lognormal', aux: { name: 'sigma', value: 0.6 }, draw: (rng, eta) => Math.exp(eta + 0.6 * rng.normal()) },
  { family: 'poisson', aux: null, draw: (rng, eta) => rng.poisson(Math.exp(eta)) },
  // NB2 as a gamma–Poisson mixture: λ ~ Gamma(shape φ, mean μ)
  { family: 'negbinomial', aux: { name: 'shape', value: 4 }, draw: (rng, eta) => rng.poisson((rng.gamma(4) * Math.exp(eta)) / 4) },
  { family: 'gamma', aux: { name: 'shape', value: 3 }, draw: (rng, eta) => (rng.gamma(3) * Math.exp(eta)) / 3 },
  // probit as a latent normal: y = 1 when η + ε > 0, ε ~ Normal(0, 1), so P(y = 1) = Φ(η)
  { family: 'bernoulli', link: 'probit', aux: null, draw: (rng, eta) => (eta + rng.normal() > 0 ? 1 : 0) },
];

function writeData(c: Case, dir: string): string {
  const rng = new Rng(20261202, 1);
  const lines = ['y,x'];
  for (let i = 0; i < 500; i++) {
    const x = rng.normal();
    lines.push(`${c.draw(rng, B0 + B1 * x)},${x}`);
  }
  const file = join(dir, `${c.family}${c.link ?? ''}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('nutmeg fit --family', () => {
  for (const c of CASES) {
    it(`${c.family}${c.link ? ` (${c.link})` : ''}: recovers the simulated parameters; fit.json records the family; loo and score work`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `nutmeg-${c.family}-`));
      const data = writeData(c, dir);
      const out = join(dir, 'run');
      let io = captureOutput();
      const args = ['node', 'nutmeg', 'fit', '--data', data, '--formula', 'y ~ x', '--family', c.family, ...(c.link ? ['--link', c.link] : [])];
      const code = await main([...args, '--chains', '2', '--warmup', '200', '--draws', '200', '--backend', 'reference', '--out', out, '--json']);
      expect(code, io.err()).toBe(0);
      const rows = JSON.parse(io.out()).summary as { variable: string; mean: number; sd: number }[];
      const row = (name: string) => {
        const r = rows.find((s) => s.variable === name);
        if (!r) throw new Error(`no ${name} in the summary`);
        return r;
      };
      const truth: [string, number][] = [['b_Intercept', B0], ['b_x', B1], ...(c.aux ? [[c.aux.name, c.aux.value] as [string, number]] : [])];
      for (const [name, value] of truth) {
        const r = row(name);
        expect(Math.abs(r.mean - value), `${name}: mean ${r.mean}, sd ${r.sd}, truth ${value}`).toBeLessThan(4 * r.sd);
      }
      expect(rows.some((r) => r.variable === (c.family === 'poisson' ? 'sigma' : 'nothing'))).toBe(false);
      expect(io.err()).toContain('on reference (TypeScript, float64)');
      const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
      expect(meta.family).toBe(c.family);
      expect(meta.link).toBe(c.link ?? (c.family === 'gaussian' || c.family === 'lognormal' ? 'identity' : 'log'));
      if (c.aux) expect(Object.keys(meta.priors)).toContain(c.aux.name);

      vi.restoreAllMocks();
      io = captureOutput();
      expect(await main(['node', 'nutmeg', 'loo', out, '--json']), io.err()).toBe(0);
      const loo = JSON.parse(io.out());
      expect(loo.pareto_k).toHaveLength(500);
      expect(Number.isFinite(loo.elpd_loo)).toBe(true);

      vi.restoreAllMocks();
      io = captureOutput();
      expect(await main(['node', 'nutmeg', 'score', out, '--data', data, '--json', '--quiet']), io.err()).toBe(0);
      const scored = JSON.parse(io.out());
      expect(scored.measure).toBe(c.link ? 'probability' : 'expected');
      expect(scored.ranked_by).toBe(c.link ? 'p_mean' : 'expected_mean');
      expect(scored.top).toHaveLength(10);
    }, 120_000);
  }

  it('an unknown --family is a one-line usage error', async () => {
    const io = captureOutput();
    expect(await main(['node', 'nutmeg', 'fit', '--family', 'weibull', '--rows', '100'])).toBe(2);
    expect(io.err()).toMatch(/--family must be one of bernoulli, binomial, gaussian, poisson, negbinomial, gamma, lognormal, got "weibull"/);
  });
});
