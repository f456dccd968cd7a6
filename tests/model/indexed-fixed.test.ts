// Indexed fixed-effect terms in the design, the model's linear predictor and scoring (src/model/indexed-fixed.ts,
// src/model/recipe.ts, src/decision/scoring-model.ts and scoring-eta.ts). Reference: the same formula coded as dense
// columns by R's model.matrix rule (src/model/design.ts) — the same η for any coefficients, matched by name.
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { UserError } from '../../src/errors.js';
import { buildModel } from '../../src/model/build.js';
import { cellCoefficients, indexedColumnNames } from '../../src/model/indexed-fixed.js';
import { coefficientStarts, linearPredictor } from '../../src/model/linear-predictor.js';
import { applyRecipe, type DesignRecipe } from '../../src/model/recipe.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { linearPredictorBlock } from '../../src/decision/scoring-eta.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { Rng } from '../../src/rng.js';
import { levelsFrame } from '../helpers/frames.js';

/** Coefficients by name (b_ + fixed name), the same numbers for any spec of the same formula. */
function coefficients(names: readonly string[], seed: number): Map<string, number> {
  const rng = new Rng(seed, 1);
  return new Map([...names].sort().map((n) => [n, rng.normal()]));
}

function eta(spec: ModelSpec, b: Map<string, number>): Float64Array {
  const coef = new Float64Array(coefficientStarts(spec).size);
  spec.fixed.names.forEach((n, j) => (coef[j] = b.get(n)!));
  const out = new Float64Array(spec.n);
  linearPredictor(spec, coef, coefficientStarts(spec).rStart, 0, spec.n, out);
  return out;
}

describe('indexed fixed-effect terms: cells and names', () => {
  it('cellCoefficients numbers the kept levels first-fastest and gives −1 to dropped ones', () => {
    // 3 × 2 cells, the first factor treatment-coded: cells (0,0) (1,0) (2,0) (0,1) (1,1) (2,1)
    expect(Array.from(cellCoefficients([{ levels: 3, dropFirst: true }, { levels: 2, dropFirst: false }]))).toEqual([-1, 0, 1, -1, 2, 3]);
    expect(Array.from(cellCoefficients([{ levels: 3, dropFirst: true }, { levels: 2, dropFirst: true }]))).toEqual([-1, -1, -1, -1, 0, 1]);
  });

  it('indexedColumnNames gives the dense coding’s names in its order', () => {
    const frame = levelsFrame(300, 40);
    for (const formula of ['y ~ x + s + c + x:s + c:s', 'y ~ s:c', 'y ~ 0 + s', 'y ~ x:s']) {
      const dense = buildModel(frame, formula, { indexedAbove: Infinity }).recipe;
      const indexed = buildModel(frame, formula, { indexedAbove: 0 }).recipe;
      const names = (indexed.indexed ?? []).flatMap((t) => indexedColumnNames(indexed.variables, t));
      expect([...indexed.fixed.map((c) => c.name), ...names].sort()).toEqual(dense.fixed.map((c) => c.name).sort());
    }
  });
});

describe('indexed fixed-effect terms: linear predictor and scoring equal the dense coding', () => {
  const frame = levelsFrame(600, 40);
  for (const formula of ['y ~ x + s + c + x:s + c:s', 'y ~ s:c', 'y ~ 0 + s + x:s']) {
    it(`η on the training rows, ${formula}`, () => {
      const dense = buildModel(frame, formula, { indexedAbove: Infinity }).spec;
      const indexed = buildModel(frame, formula, { indexedAbove: 0 }).spec;
      expect(indexed.fixed.indexed?.length).toBeGreaterThan(0);
      const b = coefficients(dense.fixed.names, 3);
      const want = eta(dense, b);
      const got = eta(indexed, b);
      for (let i = 0; i < frame.nRows; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12);
    });
  }

  it('scoring new rows: the same η per draw; the recipe survives JSON', () => {
    const formula = 'y ~ x + s + c + x:s + c:s';
    const dense = buildModel(frame, formula, { indexedAbove: Infinity });
    const indexed = buildModel(frame, formula, { indexedAbove: 0 });
    const recipe = JSON.parse(JSON.stringify(indexed.recipe)) as DesignRecipe;
    const names = dense.spec.fixed.names.map((n) => `b_${n}`);
    const S = 5;
    const rng = new Rng(8, 2);
    const draws = { names, nChains: 1, nDraws: S, values: Float64Array.from({ length: names.length * S }, () => rng.normal()) };
    const rows = levelsFrame(700, 40, 9);
    const etaOf = (r: DesignRecipe) => {
      const model = prepareScoring({ recipe: r, draws });
      const out = new Float64Array(rows.nRows * S);
      linearPredictorBlock(model, applyRecipe(r, rows), 0, rows.nRows, out);
      return out;
    };
    const want = etaOf(dense.recipe);
    const got = etaOf(recipe);
    for (let k = 0; k < want.length; k++) expect(Math.abs(got[k] - want[k])).toBeLessThan(1e-12);
  });

  it('a level the model never saw is a one-line error naming the row and a few known levels', () => {
    const { recipe } = buildModel(frame, 'y ~ x + s', {});
    expect(recipe.indexed?.map((t) => t.label)).toEqual(['s']);
    const rows = frameFromColumns(
      [numericColumn('x', Float64Array.of(0.5, 1)), categoricalColumn('s', Uint32Array.of(0, 1), ['L01', 'L99'])],
      'new rows',
    );
    let message = '';
    try {
      applyRecipe(recipe, rows);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      message = (e as Error).message;
    }
    expect(message).toBe(
      "formula term 's': column 's' has level 'L99' at new rows, row 2, which the model does not know; known levels: L00, L01, L02, L03, L04, L05, L06, L07, L08, L09, … (40 in all)",
    );
  });
});
