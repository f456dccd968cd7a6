/**
 * The per-level draws held in place (src/fit/constrain-columns.ts, src/column-draws.ts) against the materialised
 * constrained draws of old (constrainDraws, src/fit/fit.ts) as the reference: every value bit for bit, for each way
 * a group term is parameterized (rotated and plain non-centered, centered, split, signed sd, a correlated block), and
 * what reads them — the summary (threaded and not), effects-draws.bin, the term-efficiency lookup — gives what it
 * gives on the materialised draws.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allStored, columnValue, columnVariable, materializeColumns } from '../../src/column-draws.js';
import { fitModel } from '../../src/fit/fit.js';
import { inferenceDataFile } from '../../src/io/inference-data.js';
import { runMeta, writeRun } from '../../src/io/run-dir.js';
import type { NcBlock } from '../../src/io/netcdf4.js';
import { summarizeColumns, summarizeColumnsParallel, summarizeDrawsParallel } from '../../src/diagnostics/summary-parallel.js';
import { summarizeDraws } from '../../src/diagnostics/summary.js';
import { diagnosticsFromRows } from '../../src/diagnostics/term-efficiency.js';
import { constrainToColumns } from '../../src/fit/constrain-columns.js';
import { constrainDraws } from '../../src/fit/fit.js';
import { writeEffectsDraws } from '../../src/io/effects-draws.js';
import { buildModel, type BuildOptions } from '../../src/model/build.js';
import { levelPlaces } from '../../src/model/layout.js';
import { hasSignedScale } from '../../src/model/signed-scale.js';
import { isRotated } from '../../src/model/split.js';
import type { ModelSpec } from '../../src/model/spec.js';
import type { SampleResult } from '../../src/sampler/run.js';
import { Rng } from '../../src/rng.js';
import { levelsFrame } from '../helpers/frames.js';

const frame = levelsFrame(400, 60);

function spec(formula: string, options: BuildOptions = {}): ModelSpec {
  return buildModel(frame, formula, { family: 'bernoulli', ...options }).spec;
}

/** The second term's sd signed, its levels scaled (as src/model/build.ts makes a few-level term; the tests of signed-scale.ts do the same). */
function signed(s: ModelSpec): ModelSpec {
  const K = s.groups[s.terms[1].group].levels.length;
  return { ...s, terms: s.terms.map((t, k) => (k === 1 ? { ...t, signedScale: true, levelInformation: Float64Array.from({ length: K }, (_, j) => 0.5 + j) } : t)) };
}

const SPECS: Record<string, ModelSpec> = {
  rotated: spec('y ~ x + (1 | s)'),
  plainNoncentered: spec('y ~ x + (0 + x | s)', { parameterization: { s: 'noncentered' } }),
  centered: spec('y ~ x + (1 | s)', { parameterization: { s: 'centered' } }),
  split: spec('y ~ x + (1 | s)', { parameterization: { s: 'split' } }),
  signedAndMany: signed(spec('y ~ x + (1 | s) + (0 + x | g)', { parameterization: { s: 'noncentered', g: 'noncentered' } })),
  correlated: spec('y ~ x + (1 + x | s)'),
};

/** A stand-in for the sampler's result: nDraws × dim positions per chain, each coordinate ~ 0.8·Normal(0, 1). */
function fakeResult(s: ModelSpec, nChains: number, nDraws: number, seed: number): SampleResult {
  const rng = new Rng(seed, 3);
  const draws = Array.from({ length: nChains }, () => Float64Array.from({ length: nDraws * s.dim }, () => 0.8 * rng.normal()));
  return { nChains, nDraws, dim: s.dim, draws } as unknown as SampleResult;
}

/** The first index where a and b differ as bits (Object.is), or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function copyResult(r: SampleResult): SampleResult {
  return { ...r, draws: r.draws.map((d) => d.slice()) };
}

describe('constrainToColumns', () => {
  it('covers every kind of term: rotated and plain non-centered, centered, split, signed sd, correlated block', () => {
    const terms = Object.values(SPECS).flatMap((s) => s.terms);
    expect(terms.some((t) => isRotated(t))).toBe(true);
    expect(terms.some((t) => t.parameterization === 'noncentered' && !isRotated(t))).toBe(true);
    expect(terms.some((t) => t.parameterization === 'centered')).toBe(true);
    expect(terms.some((t) => t.parameterization === 'split')).toBe(true);
    expect(hasSignedScale(SPECS.signedAndMany)).toBe(true);
    expect((SPECS.correlated.correlated ?? []).length).toBe(1);
  });

  for (const [kind, s] of Object.entries(SPECS)) {
    it(`${kind}: every constrained value equals constrainDraws's, bit for bit, and the sampler's arrays are handed over`, () => {
      const result = fakeResult(s, 3, 7, 11);
      const reference = constrainDraws(s, copyResult(result));
      const columns = constrainToColumns(s, result);
      expect(result.draws.map((d) => d.length)).toEqual([0, 0, 0]);
      expect(columns.names).toEqual(reference.names);
      const whole = materializeColumns(columns);
      expect(firstDifference(whole.values, reference.values)).toBe(-1);
      // the per-level variables of an independent term are read in place, not stored again
      const { place } = levelPlaces(s);
      const inPlace = place.filter((p) => p >= 0).length;
      expect(columns.column.length).toBe(inPlace);
      expect(columns.base.names.length).toBe(reference.names.length - inPlace);
      if (kind !== 'correlated') expect(columns.base.names.some((n) => n.includes('['))).toBe(false);
      else expect(inPlace).toBe(0);
    });
  }
});

describe('what reads the draws in place', () => {
  const s = SPECS.signedAndMany;
  const result = fakeResult(s, 2, 40, 5);
  const reference = constrainDraws(s, copyResult(result));
  const columns = constrainToColumns(s, result);

  it('columnVariable gathers each variable as the materialised draws hold it', () => {
    const size = reference.nChains * reference.nDraws;
    for (let i = 0; i < reference.names.length; i++) {
      expect(Array.from(columnVariable(columns, i))).toEqual(Array.from(reference.values.subarray(i * size, (i + 1) * size)));
    }
    expect(allStored(reference).source.every((v, i) => v === i)).toBe(true);
  });

  it('the summary (one thread and several) equals summarizeDraws of the materialised draws', async () => {
    const expected = summarizeDraws(reference);
    expect(summarizeColumns(columns)).toEqual(expected);
    const threaded = await summarizeColumnsParallel(columns, { threads: 2, minParallelDraws: 0, workerCode: 'source' });
    expect(threaded.rows).toEqual(expected.rows);
    expect(threaded.warnings).toEqual(expected.warnings);
    const filtered = await summarizeColumnsParallel(columns, { variables: ['r_s'], threads: 2, minParallelDraws: 0, workerCode: 'source' });
    expect(filtered.rows).toEqual(summarizeDraws(reference, { variables: ['r_s'] }).rows);
    expect((await summarizeDrawsParallel(reference, { threads: 2, minParallelDraws: 0, workerCode: 'source' })).rows).toEqual(expected.rows);
  }, 60_000);

  it('effects-draws.bin written from them is byte for byte the file written from the materialised draws', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-columns-'));
    const a = join(dir, 'a.bin');
    const b = join(dir, 'b.bin');
    const stored = writeEffectsDraws(a, reference);
    expect(writeEffectsDraws(b, columns)).toBe(stored);
    expect(stored).toBeGreaterThan(60);
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
  });

  it('the term-efficiency lookup computes a variable left out of the rows as from the materialised draws', () => {
    const name = reference.names.find((n) => n.startsWith('r_s'))!;
    const fromColumns = diagnosticsFromRows([], columns)(name);
    const fromDraws = diagnosticsFromRows([], reference)(name);
    expect(fromColumns).toEqual(fromDraws);
    expect(fromColumns?.essBulk).toBeGreaterThan(0);
  });
});

describe('the value at one chain and draw, the NetCDF posterior and a whole fit', () => {
  const s = SPECS.rotated;
  const result = fakeResult(s, 2, 9, 8);
  const reference = constrainDraws(s, copyResult(result));
  const columns = constrainToColumns(s, result);

  it('columnValue is the materialised value at every (variable, chain, draw)', () => {
    const { nChains, nDraws } = reference;
    let checked = 0;
    for (let i = 0; i < reference.names.length; i++) {
      for (let c = 0; c < nChains; c++) {
        for (let d = 0; d < nDraws; d++) {
          expect(Object.is(columnValue(columns, i, c, d), reference.values[(i * nChains + c) * nDraws + d])).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBe(reference.values.length);
  });

  it("the NetCDF posterior's blocks read in place equal those of the materialised draws", async () => {
    const blocks = async (draws: typeof reference | typeof columns) => {
      const file = inferenceDataFile({ spec: s, draws, stats: null, nutmegVersion: 'test', createdAt: 'then' });
      const posterior = file.groups.find((g) => g.name === 'posterior')!;
      const out: Record<string, number[]> = {};
      for (const v of posterior.variables) {
        const values: number[] = [];
        for await (const b of v.blocks as AsyncIterable<NcBlock>) values.push(b.start, b.count, ...Array.from(b.values as Float64Array));
        out[v.name] = values;
      }
      return out;
    };
    const expected = await blocks(reference);
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['z_g__Intercept', 'r_g__Intercept'].map((n) => n.replace('g', 's'))));
    expect(await blocks(columns)).toEqual(expected);
  });

  it('nutmeg fit with levelsInPlace writes the chain CSVs and effects-draws.bin of a fit that materialises them', async () => {
    const frame400 = levelsFrame(400, 60);
    const options = { backend: 'reference' as const, chains: 2, warmup: 30, draws: 20, seed: 5, family: 'bernoulli' as const };
    const whole = await fitModel(frame400, 'y ~ x + (1 | s)', { ...options, keepUnconstrained: false });
    const inPlace = await fitModel(frame400, 'y ~ x + (1 | s)', { ...options, keepUnconstrained: false, levelsInPlace: true });
    expect(inPlace.columns).not.toBeNull();
    expect(inPlace.columns!.column.length).toBe(120);
    expect(inPlace.draws.names.some((n) => n.includes('['))).toBe(false);
    const text = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => !l.startsWith('#'));
    for (const saveEffects of ['all', 'summary'] as const) {
      const dirs = [whole, inPlace].map((fit) => {
        const dir = mkdtempSync(join(tmpdir(), 'nutmeg-columns-'));
        const meta = runMeta(fit, { source: 'test', seed: null, rows: 400 }, '0.0.0-test');
        const effects = saveEffects === 'summary' ? { saveEffects, effectsDraws: { file: 'effects-draws.bin', dtype: 'float32' as const, variables: 0 } } : { saveEffects };
        writeRun(dir, fit, { ...meta, ...effects });
        return dir;
      });
      expect(text(dirs[1], 'chain-2.csv')).toEqual(text(dirs[0], 'chain-2.csv'));
      expect(text(dirs[0], 'chain-2.csv')[0].split(',').length).toBe(saveEffects === 'all' ? 7 + 3 + 120 : 7 + 3);
      if (saveEffects === 'summary') expect(readFileSync(join(dirs[1], 'effects-draws.bin')).equals(readFileSync(join(dirs[0], 'effects-draws.bin')))).toBe(true);
    }
    await whole.dispose();
    await inPlace.dispose();
  }, 120_000);
});
