/**
 * CmdStan-format CSV and fit.json output: round trip through nutmeg's own CmdStan reader, CmdStan's layout (header,
 * adaptation block, timing block), and — where R is installed — rstan::read_stan_csv (rstan 2.21) reading the files
 * unchanged and reporting the same draws.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { variableIndex, chainDraws } from '../../src/draws.js';
import { writeCmdStanCsvFiles } from '../../src/io/cmdstan-csv-write.js';
import { readDrawsCsv } from '../../src/io/draws-csv-read.js';
import { constrain, constrainedDim, constrainedNames } from '../../src/model/layout.js';
import { sample, type SampleResult } from '../../src/sampler/run.js';
import { randomSpec } from '../helpers/specs.js';
import { GaussianTarget } from '../sampler/helpers/targets.js';

const spec = randomSpec('hierarchical', { n: 300, seed: 3 });
let result: SampleResult;
let dir: string;
let files: string[];

function hasRstan(): boolean {
  try {
    execFileSync('Rscript', ['-e', 'suppressMessages(library(rstan))'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const backend = await createReferenceBackend(spec);
  result = await sample(backend, { chains: 2, warmup: 150, draws: 60, seed: 21, thin: 2, metric: 'diag' });
  dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-'));
  files = writeCmdStanCsvFiles(dir, {
    result,
    names: constrainedNames(spec),
    constrain: (theta, out) => constrain(spec, theta, out),
    model: 'hierarchical',
    extra: { backend: 'reference', formula: spec.formula },
  });
});

describe('CmdStan CSV writer', () => {
  it("writes CmdStan's layout: configuration, header with dotted indices, adaptation, draws, timing", () => {
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['chain-1.csv', 'chain-2.csv']);
    const lines = readFileSync(files[1], 'utf8').trimEnd().split('\n');
    const header = lines.findIndex((l) => !l.startsWith('#'));
    expect(lines.slice(0, header)).toContain('#     num_samples = 60');
    expect(lines.slice(0, header)).toContain('# id = 2');
    expect(lines.slice(0, header)).toContain('#             max_depth = 10');
    const names = lines[header].split(',');
    expect(names.slice(0, 7)).toEqual(['lp__', 'accept_stat__', 'stepsize__', 'treedepth__', 'n_leapfrog__', 'divergent__', 'energy__']);
    expect(names).toContain('r_segment__treatment.3');
    expect(names).toContain('z_segment__treatment.7');
    expect(names.length).toBe(7 + constrainedDim(spec));
    expect(lines[header + 1]).toBe('# Adaptation terminated');
    expect(lines[header + 2]).toBe(`# Step size = ${result.stepSize[1]}`);
    expect(lines[header + 3]).toBe('# Diagonal elements of inverse mass matrix:');
    expect(lines[header + 4].slice(2).split(', ').map(Number)).toEqual(Array.from(result.inverseMetric[1]));
    const rows = lines.slice(header + 5).filter((l) => !l.startsWith('#'));
    expect(rows.length).toBe(30); // 60 iterations, thin 2
    expect(lines.at(-4)).toMatch(/^#  Elapsed Time: \d+\.\d{3} seconds \(Warm-up\)$/);
    expect(lines.at(-2)).toMatch(/^#\s+\d+\.\d{3} seconds \(Total\)$/);
  });

  it('round-trips through the CmdStan reader: statistics and constrained draws exactly', () => {
    const back = readDrawsCsv(files);
    expect(back.format).toBe('cmdstan');
    expect(back.draws.nChains).toBe(2);
    expect(back.draws.nDraws).toBe(30);
    const stats = back.samplerStats!;
    for (const name of ['lp__', 'stepsize__', 'n_leapfrog__', 'energy__']) {
      for (let c = 0; c < 2; c++) {
        expect(Array.from(chainDraws(stats, variableIndex(stats, name), c))).toEqual(
          Array.from(chainDraws(result.stats, variableIndex(result.stats, name), c)),
        );
      }
    }
    // sd (exp of the unconstrained coordinate) and r = sd · z, computed from the unconstrained draws
    const term = spec.terms[0];
    const sdName = back.draws.names.find((n) => n.startsWith('sd_'))!;
    const rName = back.draws.names.find((n) => /^r_segment__treatment(\.|\[)3\]?$/.test(n))!;
    const sd = chainDraws(back.draws, variableIndex(back.draws, sdName), 1);
    const r3 = chainDraws(back.draws, variableIndex(back.draws, rName), 1);
    const d = result.dim;
    for (let s = 0; s < 30; s++) {
      const theta = result.draws[1].subarray(s * d, (s + 1) * d);
      expect(sd[s]).toBe(Math.exp(theta[term.sdIndex]));
      expect(r3[s]).toBe(Math.exp(theta[term.sdIndex]) * theta[term.offset + 2]);
    }
  });

  it('marks an interrupted run incomplete and writes no adaptation block when warm-up did not finish', async () => {
    const controller = new AbortController();
    const aborted = await sample(GaussianTarget.standard(2), {
      chains: 1,
      warmup: 100,
      draws: 10,
      seed: 1,
      signal: controller.signal,
      onProgress: (p) => p.iteration === 5 && controller.abort(),
    });
    const [path] = writeCmdStanCsvFiles(join(dir, 'aborted'), {
      result: aborted,
      names: ['x[1]', 'x[2]'],
      constrain: (theta, out) => out.set(theta),
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('#   incomplete = 1');
    expect(text).toContain('#     num_samples = 0');
    expect(text).not.toContain('Adaptation terminated');
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual([
      'lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,x.1,x.2',
    ]);
  });

  it.skipIf(!hasRstan())('is read unchanged by rstan::read_stan_csv', () => {
    const script = [
      'suppressMessages(library(rstan))',
      'args <- commandArgs(trailingOnly = TRUE)',
      'fit <- read_stan_csv(args)',
      'a <- as.array(fit)',
      'cat(dim(a), "\\n")',
      'm <- colMeans(a[, 1, , drop = TRUE])',
      'cat(sprintf("%s=%.17g", names(m), m), sep = "\\n")',
      'sp <- get_sampler_params(fit, inc_warmup = FALSE)',
      'cat(sprintf("stepsize=%.17g", sp[[2]][1, "stepsize__"]), "\\n")',
    ].join('\n');
    const out = execFileSync('Rscript', ['-e', script, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = out.trim().split('\n');
    // iterations × chains × (parameters + lp__)
    expect(lines[0].trim().split(/\s+/).map(Number)).toEqual([30, 2, constrainedDim(spec) + 1]);
    const means = new Map(lines.slice(1, -1).map((l) => l.split('=') as [string, string]));
    const names = constrainedNames(spec);
    const row = new Float64Array(names.length);
    const d = result.dim;
    names.forEach((name, j) => {
      let s = 0;
      for (let k = 0; k < 30; k++) {
        constrain(spec, result.draws[0].subarray(k * d, (k + 1) * d), row);
        s += row[j];
      }
      expect(Number(means.get(name))).toBeCloseTo(s / 30, 12);
    });
    expect(Number(lines.at(-1)!.split('=')[1])).toBe(result.stepSize[1]);
  });

  it('names the low-rank metric in the nutmeg block (CmdStan readers still see diag_e) and lists the diagonal of M⁻¹', async () => {
    const backend = await createReferenceBackend(spec);
    const low = await sample(backend, { chains: 1, warmup: 150, draws: 20, seed: 5, metric: 'lowrank' });
    const d2 = mkdtempSync(join(tmpdir(), 'nutmeg-csv-lowrank-'));
    const [file] = writeCmdStanCsvFiles(d2, {
      result: low,
      names: constrainedNames(spec),
      constrain: (theta, out) => constrain(spec, theta, out),
      model: 'hierarchical',
    });
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toContain('#         metric = diag_e');
    expect(lines.filter((l) => l.startsWith('#   metric_kind = lowrank'))).toHaveLength(1);
    const at = lines.indexOf('# Diagonal elements of inverse mass matrix:');
    expect(lines[at + 1].slice(2).split(', ').map(Number)).toEqual(Array.from(low.inverseMetric[0]));
    // the plain diagonal run of the first test has no such line
    expect(readFileSync(files[0], 'utf8')).not.toContain('metric_kind');
  });
});
