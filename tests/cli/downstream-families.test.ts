/**
 * Everything downstream of a fit, per family (issue 15 item 6), end to end through main() on the reference backend:
 * one small data set per family simulated here with a fixed seed (300 rows, y ~ x), fitted with `--out` and
 * `--report` (2 chains × 150 draws), then
 *  - fit.json and the chain CSVs' header comments record family and link; the aux parameter (sigma, shape) is a
 *    named column that reads back (src/io/draws-csv-read.ts) with the values `fit` summarised, and `nutmeg summary`
 *    shows it with the model line;
 *  - `nutmeg loo`'s elpd_loo equals PSIS-LOO of the pointwise log density computed directly from the run's draws
 *    with the family module (η from the draws' b_, log p(y_i | η_i, aux) from src/model/families/);
 *  - the HTML reports (`fit --report` and `nutmeg report RUN_DIR`) name the family and link, tabulates the aux parameter, has the family's posterior predictive
 *    statistics and plot, and speaks of probabilities only for the binary family;
 *  - `nutmeg compare` prefers negbinomial to poisson on overdispersed counts, and refuses in one line runs whose
 *    outcomes or rows differ.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { negbinomialVariate } from '../../src/decision/count-variates.js';
import { LinearPredictor, drawColumns, gatherDraw } from '../../src/decision/linear-predictor.js';
import { readDrawsCsv } from '../../src/io/draws-csv-read.js';
import { rebuildRun } from '../../src/io/run-dir.js';
import { psisLoo } from '../../src/loo/loo.js';
import { familyModule } from '../../src/model/families/index.js';
import { Rng } from '../../src/rng.js';
import { runNutmeg } from '../helpers/cli.js';

interface Case {
  readonly name: string;
  readonly family: string;
  readonly link?: string;
  readonly defaultLink: string;
  readonly aux: string | null;
  readonly draw: (rng: Rng, eta: number) => number;
  /** The PPC statistics the report lists. */
  readonly statistics: readonly string[];
  /** The y-against-y_rep plot's title. */
  readonly overlay: string | null;
}

const CONTINUOUS = ['mean of y', 'sd of y'];
const COUNTS = ['mean of y', 'dispersion (variance / mean)', 'share of zeros'];

const CASES: Case[] = [
  { name: 'gaussian', family: 'gaussian', defaultLink: 'identity', aux: 'sigma', draw: (rng, eta) => eta + 0.8 * rng.normal(), statistics: CONTINUOUS, overlay: 'distribution of y' },
  { name: 'lognormal', family: 'lognormal', defaultLink: 'identity', aux: 'sigma', draw: (rng, eta) => Math.exp(eta + 0.6 * rng.normal()), statistics: CONTINUOUS, overlay: 'distribution of y' },
  { name: 'gamma', family: 'gamma', defaultLink: 'log', aux: 'shape', draw: (rng, eta) => (rng.gamma(3) * Math.exp(eta)) / 3, statistics: CONTINUOUS, overlay: 'distribution of y' },
  { name: 'poisson', family: 'poisson', defaultLink: 'log', aux: null, draw: (rng, eta) => rng.poisson(Math.exp(eta)), statistics: COUNTS, overlay: 'counts of y' },
  // overdispersed counts: NB2 with shape 1.5 (variance μ + μ²/1.5)
  { name: 'negbinomial', family: 'negbinomial', defaultLink: 'log', aux: 'shape', draw: (rng, eta) => negbinomialVariate(rng, Math.exp(eta), 1.5), statistics: COUNTS, overlay: 'counts of y' },
  { name: 'probit', family: 'bernoulli', link: 'probit', defaultLink: 'logit', aux: null, draw: (rng, eta) => (eta + rng.normal() > 0 ? 1 : 0), statistics: ['rate (share of successes)'], overlay: null },
];

const N = 300;
const root = mkdtempSync(join(tmpdir(), 'nutmeg-downstream-'));

function writeData(c: Case): string {
  const rng = new Rng(20261202, 7);
  const lines = ['y,x'];
  for (let i = 0; i < N; i++) {
    const x = rng.normal();
    lines.push(`${c.draw(rng, 0.6 + 0.4 * x)},${x}`);
  }
  const file = join(root, `${c.name}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

interface Fitted {
  readonly data: string;
  readonly run: string;
  readonly report: string;
  readonly summary: { variable: string; mean: number; sd: number }[];
}

const fitted = new Map<string, Fitted>();

async function fit(c: Case, family: string, data: string, name: string): Promise<Fitted> {
  const run = join(root, name);
  const report = join(root, `${name}.html`);
  const args = ['fit', '--data', data, '--formula', 'y ~ x', '--family', family, ...(c.link ? ['--link', c.link] : [])];
  const r = await runNutmeg([...args, '--chains', '2', '--warmup', '150', '--draws', '150', '--backend', 'reference', '--out', run, '--report', report, '--json', '--quiet']);
  expect(r.code, r.err).toBe(0);
  return { data, run, report, summary: JSON.parse(r.out).summary };
}

beforeAll(async () => {
  for (const c of CASES) fitted.set(c.name, await fit(c, c.family, writeData(c), c.name));
  // poisson on the overdispersed counts, for compare
  const nb = fitted.get('negbinomial')!;
  fitted.set('poisson-on-nb', await fit(CASES[3], 'poisson', nb.data, 'poisson-on-nb'));
}, 300_000);

describe.each(CASES)('$name: downstream of the fit', (c) => {
  const link = c.link ?? c.defaultLink;

  it('fit.json and the CSV header comments record family and link; the aux parameter round-trips by name', () => {
    const f = fitted.get(c.name)!;
    const meta = JSON.parse(readFileSync(join(f.run, 'fit.json'), 'utf8'));
    expect(meta.family).toBe(c.family);
    expect(meta.link).toBe(link);
    const csv = readFileSync(join(f.run, 'chain-1.csv'), 'utf8');
    expect(csv).toMatch(new RegExp(`^#\\s+nutmeg_family = ${c.family}$`, 'm'));
    expect(csv).toMatch(new RegExp(`^#\\s+nutmeg_link = ${link}$`, 'm'));
    const read = readDrawsCsv([join(f.run, 'chain-1.csv'), join(f.run, 'chain-2.csv')]);
    expect(read.model).toEqual({ family: c.family, link, formula: 'y ~ x' });
    if (c.aux === null) {
      expect(read.draws.names.filter((n) => n === 'sigma' || n === 'shape')).toEqual([]);
      return;
    }
    const v = read.draws.names.indexOf(c.aux);
    expect(v).toBeGreaterThan(0);
    const size = read.draws.nChains * read.draws.nDraws;
    let sum = 0;
    for (let s = 0; s < size; s++) sum += read.draws.values[v * size + s];
    const fromFit = f.summary.find((r) => r.variable === c.aux)!;
    // the CSV holds every draw at full precision: the same mean as the fit's own summary
    expect(sum / size).toBeCloseTo(fromFit.mean, 12);
    expect(read.draws.values.subarray(v * size, (v + 1) * size).every((x) => x > 0)).toBe(true);
  });

  it('nutmeg summary on the run shows the model line and the aux parameter', async () => {
    const f = fitted.get(c.name)!;
    const r = await runNutmeg(['summary', f.run]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`model: ${c.family} (${link} link): y ~ x\n`);
    expect(r.out).toMatch(/^b_x\s/m);
    if (c.aux) expect(r.out).toMatch(new RegExp(`^${c.aux}\\s+\\d`, 'm'));
    const json = await runNutmeg(['summary', f.run, '--json']);
    expect(json.err).not.toContain('model:');
    const rows = JSON.parse(json.out) as { variable: string; mean: number }[];
    if (c.aux) expect(rows.find((x) => x.variable === c.aux)!.mean).toBeCloseTo(f.summary.find((x) => x.variable === c.aux)!.mean, 12);
  });

  it("nutmeg loo's elpd equals PSIS-LOO of the pointwise log density computed from the draws with the family module", async () => {
    const f = fitted.get(c.name)!;
    const r = await runNutmeg(['loo', f.run, '--json']);
    expect(r.code, r.err).toBe(0);
    const loo = JSON.parse(r.out) as { elpd_loo: number; p_loo: number; pointwise: { elpd_loo: number; p_loo: number }[] };
    const { model, draws } = rebuildRun(f.run);
    const { spec } = model;
    const family = familyModule(spec.family, spec.link);
    const predictor = new LinearPredictor(spec);
    const columns = drawColumns(spec, draws);
    const theta = new Float64Array(predictor.dim);
    const eta = new Float64Array(spec.n);
    const S = draws.nChains * draws.nDraws;
    const auxAt = (spec.aux ?? []).map((a) => draws.names.indexOf(a.name));
    const matrix = new Float64Array(S * spec.n);
    for (let s = 0; s < S; s++) {
      gatherDraw(draws, columns, s, theta);
      predictor.evaluate(theta, eta);
      const aux = auxAt.map((v) => draws.values[v * S + s]);
      for (let i = 0; i < spec.n; i++) matrix[s * spec.n + i] = family.logLik(spec, i, eta[i], aux);
    }
    const chainOfDraw = Uint32Array.from({ length: S }, (_, s) => Math.floor(s / draws.nDraws));
    const direct = psisLoo(matrix, S, spec.n, chainOfDraw);
    expect(loo.elpd_loo).toBeCloseTo(direct.elpdLoo.estimate, 8);
    expect(loo.p_loo).toBeCloseTo(direct.pLoo.estimate, 8);
    // lpd = Σ_i log mean_s p(y_i | θ_s) = elpd_loo + p_loo, from the matrix without PSIS
    let lpd = 0;
    for (let i = 0; i < spec.n; i++) {
      let max = -Infinity;
      for (let s = 0; s < S; s++) max = Math.max(max, matrix[s * spec.n + i]);
      let sum = 0;
      for (let s = 0; s < S; s++) sum += Math.exp(matrix[s * spec.n + i] - max);
      lpd += max + Math.log(sum / S);
    }
    expect(loo.elpd_loo + loo.p_loo).toBeCloseTo(lpd, 8);
  });

  it('the reports (fit --report, and nutmeg report RUN_DIR) name family and link, tabulate the aux parameter and have the family’s predictive check', async () => {
    const f = fitted.get(c.name)!;
    const saved = join(root, `${c.name}-saved.html`);
    const r = await runNutmeg(['report', f.run, '--out', saved, '--quiet']);
    expect(r.code, r.err).toBe(0);
    for (const file of [f.report, saved]) checkReport(c, readFileSync(file, 'utf8'));
  });
});

function checkReport(c: Case, html: string): void {
  const link = c.link ?? c.defaultLink;
  {
    expect(html).toContain(`Family ${c.family}, ${link} link`);
    expect(html).toContain('Posterior predictive check</h2>');
    if (c.aux) expect(html).toMatch(new RegExp(`<td>${c.aux}</td>`));
    for (const s of c.statistics) expect(html).toContain(`<td>${s.replace(/</g, '&lt;')}</td>`);
    if (c.overlay) expect(html).toContain(`Posterior predictive check: ${c.overlay}`);
    else expect(html).not.toContain('Posterior predictive check: distribution');
    expect(html).toContain('PSIS-LOO estimates');
    if (c.family === 'bernoulli') expect(html).toContain('P(y = 1) = Φ(η)');
    else expect(html).not.toMatch(/probabilit|conversion/i);
  }
}

describe('nutmeg compare across families', () => {
  it('prefers negbinomial to poisson on overdispersed counts', async () => {
    const r = await runNutmeg(['compare', fitted.get('poisson-on-nb')!.run, fitted.get('negbinomial')!.run, '--json']);
    expect(r.code, r.err).toBe(0);
    const models = JSON.parse(r.out).models as { model: string; elpd_diff: number; se_diff: number; weight: number }[];
    expect(models[0].model).toBe('negbinomial');
    expect(models[1].model).toBe('poisson-on-nb');
    // here elpd_diff ≈ −53 with se_diff ≈ 15
    expect(models[1].elpd_diff).toBeLessThan(-3 * models[1].se_diff);
    expect(models[0].weight).toBeGreaterThan(0.9);
  });

  it('refuses in one line runs fitted to different rows', async () => {
    const r = await runNutmeg(['compare', fitted.get('poisson')!.run, fitted.get('negbinomial')!.run]);
    expect(r.code).toBe(2);
    // the first run's backend notice, then the refusal: one line, before the second run's LOO
    expect(r.err).toMatch(/\nnutmeg: compare: negbinomial and poisson were fitted to different rows \(y is 0 and 2 at row 1\); LOO compares models of the same outcome on the same rows\n$/);
    expect(r.err.match(/^nutmeg:/gm)).toHaveLength(1);
  });

  it('refuses in one line runs of different outcomes', async () => {
    // the negbinomial data with the outcome renamed: same values, another outcome
    const file = join(root, 'renamed.csv');
    writeFileSync(file, readFileSync(fitted.get('negbinomial')!.data, 'utf8').replace(/^y,x/, 'count,x'));
    const run = join(root, 'renamed');
    const fitRun = await runNutmeg(['fit', '--data', file, '--formula', 'count ~ x', '--family', 'negbinomial', '--chains', '1', '--warmup', '50', '--draws', '20', '--backend', 'reference', '--out', run, '--quiet']);
    expect(fitRun.code, fitRun.err).toBe(0);
    const r = await runNutmeg(['compare', fitted.get('negbinomial')!.run, run]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\nnutmeg: compare: renamed and negbinomial model different outcomes \(count and y\); LOO compares models of the same outcome on the same rows\n$/);
    expect(r.err.match(/^nutmeg:/gm)).toHaveLength(1);
  });
});
