/**
 * Derived columns (src/model/derived.ts): a model fitted to the Hillstrom features records, in its recipe, how each
 * was computed with the training data's constants (treatment from segment; recency_z, history_z standardized with
 * the training mean and sd), and rebuilds them for new rows with those constants — bit for bit on the training rows,
 * and for a scored row independently of the other rows scored with it. Given derived values are used when alone,
 * checked against the raw columns when both are given, and a missing source is named.
 */
import { describe, expect, it } from 'vitest';
import { builtinDataset } from '../../src/data/datasets.js';
import { asFloat64, frameFromColumns } from '../../src/data/frame-build.js';
import type { Column, Frame } from '../../src/data/frame.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { scoreFrame, type ScoreResult } from '../../src/decision/scoring.js';
import { makeDrawSet } from '../../src/draws.js';
import { buildModel } from '../../src/model/build.js';
import { withDerivedColumns } from '../../src/model/derived.js';
import { constrainedNames } from '../../src/model/layout.js';
import type { DesignRecipe } from '../../src/model/recipe.js';
import { Rng } from '../../src/rng.js';
import { userErrorOf } from '../helpers/user-error.js';

const { frame: training } = builtinDataset('hillstrom', 11, 800);
const built = buildModel(training, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical });
/** The recipe as a run stores it: through JSON. */
const recipe = JSON.parse(JSON.stringify(built.recipe)) as DesignRecipe;

const RAW = ['recency', 'history', 'mens', 'womens', 'newbie', 'zip_code', 'channel', 'history_segment', 'segment'];

function numbers(frame: Frame, name: string): Float64Array {
  const c = frame.columns.get(name);
  if (c?.kind !== 'numeric') throw new Error(`no numeric column ${name}`);
  return asFloat64(c.values);
}

/** The frame with only the named columns. */
function only(frame: Frame, names: readonly string[], source = frame.source): Frame {
  return frameFromColumns(names.map((n) => frame.columns.get(n) as Column), source);
}

/** Rows [from, to) of a frame's named columns. */
function slice(frame: Frame, names: readonly string[], from: number, to: number): Frame {
  const columns = names.map((n): Column => {
    const c = frame.columns.get(n) as Column;
    return c.kind === 'categorical' ? { ...c, codes: c.codes.slice(from, to) } : c.kind === 'numeric' ? { kind: 'numeric', name: n, values: c.values.slice(from, to) } : { ...c, values: c.values.slice(from, to) };
  });
  return frameFromColumns(columns, `rows ${from + 1}-${to}`);
}

function mean(x: Float64Array): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

describe('the recipe records derivations', () => {
  it('with the training constants, as formula terms', () => {
    const derived = recipe.derived ?? [];
    expect(derived.map((d) => [d.name, d.label])).toEqual([
      ['treatment', 'I(segment != "No E-Mail")'],
      ['recency_z', 'scale(recency)'],
      ['history_z', 'scale(history)'],
    ]);
    const recency = numbers(training, 'recency');
    const m = mean(recency);
    const sd = Math.sqrt(recency.reduce((a, x) => a + (x - m) ** 2, 0) / (recency.length - 1));
    const scale = derived[1].recipe;
    if (scale.kind !== 'scale') throw new Error('recency_z is not a scale()');
    expect(scale.center).toBe(m);
    expect(Math.abs(scale.scale - sd)).toBeLessThan(1e-12 * sd);
    // parameter names are unchanged
    expect(built.spec.fixed.names).toEqual(['Intercept', 'treatment', 'recency_z', 'history_z', 'mens', 'womens', 'newbie']);
  });

  it('reproduce the training features bit for bit from the raw columns', () => {
    const rebuilt = withDerivedColumns(recipe, only(training, RAW));
    for (const name of ['treatment', 'recency_z', 'history_z']) expect(numbers(rebuilt, name)).toEqual(numbers(training, name));
  });

  it('are absent for a frame whose columns were read as given', () => {
    const plain = only(training, [...RAW, 'conversion', 'recency_z', 'history_z', 'treatment']);
    const stripped = frameFromColumns(
      [...plain.columns.values()].map((c) => (c.kind === 'numeric' ? { kind: 'numeric', name: c.name, values: c.values } : c)),
      'plain.csv',
    );
    expect(buildModel(stripped, HILLSTROM_FORMULAS.pooled, { priors: HILLSTROM_PRIORS.pooled }).recipe.derived).toBeUndefined();
  });
});

describe('withDerivedColumns', () => {
  const raw = only(simulateHillstrom({ seed: 12, n: 50 }).frame, RAW, 'new.csv');

  it('uses given derived values when their sources are absent', () => {
    const given = only(training, ['recency_z', 'history_z', 'mens']);
    const out = withDerivedColumns(recipe, given, new Set(['treatment']));
    expect(numbers(out, 'recency_z')).toBe(numbers(given, 'recency_z'));
    expect(out.columns.has('treatment')).toBe(false);
  });

  it('accepts given derived values that agree with the raw columns, and refuses ones standardized on the batch', () => {
    const agreeing = only(training, [...RAW, 'recency_z', 'history_z', 'treatment']);
    expect(numbers(withDerivedColumns(recipe, agreeing), 'recency_z')).toEqual(numbers(training, 'recency_z'));
    const { frame: batch } = builtinDataset('hillstrom', 12, 50); // features standardized on these 50 rows
    expect(userErrorOf(() => withDerivedColumns(recipe, batch))).toMatch(
      /^simulated hillstrom \(seed 12\), row 1: column "recency_z" is -?[\d.e-]+, but the model computes it from "recency" as \(recency − [\d.]+\) \/ [\d.]+, the training data's mean and sd, which gives -?[\d.e-]+; leave "recency_z" out/,
    );
  });

  it('names the raw column when neither it nor the derived one is given', () => {
    const noHistory = only(raw, RAW.filter((c) => c !== 'history'));
    expect(userErrorOf(() => withDerivedColumns(recipe, noHistory))).toMatch(
      /^new\.csv has no column "history", from which the model computes "history_z" as \(history − [\d.]+\) \/ [\d.]+, the training data's mean and sd; give "history" \(or "history_z" itself\)$/,
    );
  });

  it('names an unknown segment level when deriving the treatment', () => {
    const c = raw.columns.get('segment');
    if (c?.kind !== 'categorical') throw new Error('segment');
    const odd = frameFromColumns([...[...raw.columns.values()].filter((x) => x.name !== 'segment'), { ...c, levels: c.levels.map((l) => (l === 'Mens E-Mail' ? 'SMS' : l)) }], 'new.csv');
    expect(userErrorOf(() => withDerivedColumns(recipe, odd))).toMatch(/column 'segment' has level 'SMS' .*known levels: Mens E-Mail, No E-Mail, Womens E-Mail/);
  });
});

describe('scoring raw rows', () => {
  const names = constrainedNames(built.spec);
  const draws = makeDrawSet(names, 2, 30);
  const rng = new Rng(4, 0);
  const S = 60;
  names.forEach((name, v) => {
    for (let s = 0; s < S; s++) draws.values[v * S + s] = name.startsWith('sd_') ? Math.abs(rng.normal()) : name === 'b_Intercept' ? -4 : 0.3 * rng.normal();
  });
  const model = prepareScoring({ recipe, draws });
  const batch = only(simulateHillstrom({ seed: 13, n: 10_000 }).frame, RAW.filter((c) => c !== 'segment'), 'batch.csv');

  function expectRow(a: ScoreResult, i: number, b: ScoreResult, j: number): void {
    for (const key of ['treated', 'control', 'probUpliftPositive'] as const) expect(a[key]![i]).toBe(b[key]![j]);
    for (const key of ['mean', 'low', 'high'] as const) expect(a.uplift![key][i]).toBe(b.uplift![key][j]);
  }

  it('gives each row of a 10,000-row batch exactly what it gets alone', () => {
    const all = scoreFrame(model, batch);
    expect(all.n).toBe(10_000);
    for (const i of [0, 1, 4321, 9999]) expectRow(all, i, scoreFrame(model, slice(batch, [...batch.columns.keys()], i, i + 1)), 0);
    // a block of rows in the middle, too
    const middle = scoreFrame(model, slice(batch, [...batch.columns.keys()], 5000, 5007));
    for (let k = 0; k < 7; k++) expectRow(all, 5000 + k, middle, k);
  });

  it('gives the training rows, raw, exactly what the featured training frame gives', () => {
    const featured = scoreFrame(model, training);
    const rawRows = scoreFrame(model, only(training, RAW));
    expect(rawRows.probability!.mean).toEqual(featured.probability!.mean);
    expect(rawRows.uplift!.mean).toEqual(featured.uplift!.mean);
  });
});
