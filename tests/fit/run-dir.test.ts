/**
 * A fit written with writeRun reads back (our CSV reader, and the CmdStan layout) with the same draws, and the model
 * and unconstrained draws are rebuilt exactly from fit.json (a signed sd as its positive preimage).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDataset } from '../../src/data/datasets.js';
import { fitModel } from '../../src/fit/fit.js';
import { loadRun, rebuildRun, rebuildUnconstrained, runMeta, writeRun } from '../../src/io/run-dir.js';
import { main } from '../../src/cli/main.js';
import { signedTerms } from '../../src/model/signed-scale.js';
import { looOfFit } from '../../src/loo/fit-loo.js';

describe('run directory', () => {
  for (const sdScale of ['signed', 'scaled'] as const)
  it(`round-trips a fit: draws, stats, and the unconstrained coordinates rebuilt from fit.json (sd-scale ${sdScale})`, async () => {
    const { frame } = builtinDataset('hillstrom', 3, 600);
    const formula = 'conversion ~ treatment + recency_z + (1 | zip_code) + (0 + treatment | history_segment)';
    const fit = await fitModel(frame, formula, {
      backend: 'reference',
      chains: 2,
      warmup: 60,
      draws: 40,
      seed: 5,
      // both non-centered and sampled signed (src/model/signed-scale.ts), whose draws come back below
      parameterization: { zip_code: 'noncentered' },
      sdScale,
      // the signed scale suits half-normal and half-t sd priors, not the data-scaled default exponential(1)
      priors: { sd: 'halfnormal(0.5)' },
    });
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-run-'));
    writeRun(dir, fit, runMeta(fit, { source: 'sim:hillstrom', seed: 3, rows: 600 }, '0.0.0-test'));
    // reading back the numbers written: every value is identical (shortest round-trip formatting)
    const run = loadRun(dir);
    expect(run.draws.names).toEqual(fit.draws.names);
    expect(Array.from(run.draws.values)).toEqual(Array.from(fit.draws.values));
    expect(run.stats?.names).toEqual(fit.stats.names);
    expect(run.meta.parameterization).toEqual({ zip_code__Intercept: 'noncentered', history_segment__treatment: 'noncentered' });
    // the warm-up each chain used (the Fisher warm-up may end before --warmup)
    expect(run.meta.warmupIterations).toEqual(Array.from(fit.sample.warmupIterations));
    for (const w of run.meta.warmupIterations ?? []) expect(w > 0 && w <= 60).toBe(true);
    const header = readFileSync(join(dir, 'chain-1.csv'), 'utf8').split('\n').find((l) => l.startsWith('lp__'));
    expect(header).toContain('r_zip_code__Intercept.1');
    expect(run.meta.signedSd).toEqual(['zip_code__Intercept', 'history_segment__treatment']);
    expect(run.meta.scaledSd).toEqual(sdScale === 'scaled' ? ['zip_code__Intercept', 'history_segment__treatment'] : []);
    // rebuilt from fit.json (data re-simulated from its seed and size): the sampler's own coordinates come back, a
    // signed sd as its positive preimage (v, z) → (|v|, sign(v)·z), which carries the same sd, z and r (scaled levels
    // likewise: ζ = z·√(1 + v²·I) is odd in z and even in v)
    const rebuilt = rebuildRun(dir);
    const spec = fit.model.spec;
    expect(rebuilt.model.spec.dim).toBe(spec.dim);
    const signed = signedTerms(spec);
    for (let c = 0; c < 2; c++) {
      const a = rebuilt.unconstrained[c];
      const b = fit.sample.draws[c].slice();
      for (let d = 0; d < b.length / spec.dim; d++) {
        for (const t of signed) {
          const at = d * spec.dim;
          if (b[at + t.sdIndex] >= 0) continue;
          b[at + t.sdIndex] = -b[at + t.sdIndex];
          for (let k = 0; k < t.K; k++) b[at + t.offset + k] = -b[at + t.offset + k];
        }
      }
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(b[i])));
    }
    // LOO's reading: the chain files straight into the sampler's coordinates, no constrained DrawSet — the same numbers
    const direct = rebuildUnconstrained(dir);
    expect(direct.nDraws).toBe(rebuilt.nDraws);
    expect(direct.unconstrained).toEqual(rebuilt.unconstrained);
    expect(direct.model.spec.dim).toBe(spec.dim);
    await fit.dispose();
  });

  it('keepUnconstrained: false releases the unconstrained draws once constrained; the constrained draws (shared for the summary) and the chain CSVs are those of a fit that keeps them', async () => {
    const { frame } = builtinDataset('hillstrom', 3, 400);
    const formula = 'conversion ~ treatment + (1 | zip_code)';
    const options = { backend: 'reference' as const, chains: 2, warmup: 40, draws: 30, seed: 7 };
    const kept = await fitModel(frame, formula, options);
    const released = await fitModel(frame, formula, { ...options, keepUnconstrained: false });
    expect(kept.sample.draws.map((d) => d.length)).toEqual([30 * kept.model.spec.dim, 30 * kept.model.spec.dim]);
    expect(released.sample.draws.map((d) => d.length)).toEqual([0, 0]);
    expect(released.draws.names).toEqual(kept.draws.names);
    expect(Array.from(released.draws.values)).toEqual(Array.from(kept.draws.values));
    // in a SharedArrayBuffer: the threaded summary (summary-parallel.ts) reads it in place instead of copying it
    expect(released.draws.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    const text = (dir: string) => readFileSync(join(dir, 'chain-2.csv'), 'utf8').split('\n').filter((l) => !l.startsWith('#'));
    const a = mkdtempSync(join(tmpdir(), 'nutmeg-run-'));
    const b = mkdtempSync(join(tmpdir(), 'nutmeg-run-'));
    writeRun(a, kept, runMeta(kept, { source: 'sim:hillstrom', seed: 3, rows: 400 }, '0.0.0-test'));
    writeRun(b, released, runMeta(released, { source: 'sim:hillstrom', seed: 3, rows: 400 }, '0.0.0-test'));
    expect(text(b)).toEqual(text(a));
    expect(text(a).length).toBe(32); // the header, 30 draws and the empty string after the last newline
    // what needs them says so instead of reading empty arrays
    await expect(looOfFit(released)).rejects.toThrow(/released them \(FitOptions.keepUnconstrained: false\)/);
    await kept.dispose();
    await released.dispose();
  });

  it('nutmeg fit --out writes a run that nutmeg summary reads; bad flags exit 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-cli-'));
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      const args = ['--rows', '400', '--model', 'pooled', '--chains', '2', '--warmup', '50', '--draws', '30', '--backend', 'reference'];
      expect(await main(['node', 'nutmeg', 'fit', ...args, '--quiet', '--out', dir])).toBe(0);
      expect(await main(['node', 'nutmeg', 'summary', join(dir, 'chain-1.csv'), join(dir, 'chain-2.csv'), '--json'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const rows = JSON.parse(out[out.length - 1]) as Array<{ variable: string }>;
    expect(rows.map((r) => r.variable)).toContain('b_treatment');
    const err: string[] = [];
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'nutmeg', 'fit', '--chains', 'zero'])).toBe(2);
    } finally {
      process.stderr.write = writeErr;
    }
    expect(err.join('')).toBe('nutmeg: --chains must be a whole number from 1 to 4,096, in decimal digits; got "zero"\n');
    err.length = 0;
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'nutmeg', 'fit', '--adapt', 'nutpie'])).toBe(2);
    } finally {
      process.stderr.write = writeErr;
    }
    expect(err.join('')).toBe('nutmeg: --adapt must be one of auto, fisher, stan, got "nutpie"\n');
  });

  it("summary of a run directory names group effects as the fit printed them (r_g__t[3]); bare chain CSVs keep their columns' spelling", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-cli-names-'));
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let fitted: string[];
    let fromRun: string[];
    let fromFiles: string[];
    try {
      const args = ['--rows', '400', '--model', 'hierarchical', '--chains', '2', '--warmup', '50', '--draws', '30', '--backend', 'reference'];
      expect(await main(['node', 'nutmeg', 'fit', ...args, '--quiet', '--out', dir, '--format', 'json'])).toBe(0);
      fitted = (JSON.parse(out.splice(0).join('')) as { summary: Array<{ variable: string }> }).summary.map((r) => r.variable);
      expect(await main(['node', 'nutmeg', 'summary', dir, '--json'])).toBe(0);
      fromRun = (JSON.parse(out.splice(0).join('')) as Array<{ variable: string }>).map((r) => r.variable);
      expect(await main(['node', 'nutmeg', 'summary', join(dir, 'chain-1.csv'), join(dir, 'chain-2.csv'), '--json'])).toBe(0);
      fromFiles = (JSON.parse(out.splice(0).join('')) as Array<{ variable: string }>).map((r) => r.variable);
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
    expect(fitted.some((n) => /^r_.+\[\d+\]$/.test(n))).toBe(true);
    expect(fromRun).toEqual(fitted);
    expect(fromFiles).toEqual(fitted.map((n) => n.replace(/\[(\d+)\]$/, '.$1')));
  });
});
