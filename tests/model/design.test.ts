// Design building on hand-made frames. References: R's model.matrix() column naming and treatment coding
// (contr.treatment, first level dropped; interaction columns with the first factor varying fastest), lme4's
// expansion of (x | a/b) into (x | a) + (x | a:b), and closed forms written in each test.
import { describe, expect, it } from 'vitest';
import { frameFromColumns } from '../../src/data/frame-build.js';
import type { Frame } from '../../src/data/frame.js';
import { UserError } from '../../src/errors.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames, unconstrainedNames } from '../../src/model/layout.js';
import { applyRecipe, NEW_LEVEL, type DesignRecipe } from '../../src/model/recipe.js';
import { cat, frame, num } from '../helpers/frames.js';

/** Column j of the row-major n × p matrix X. */
function col(X: Float64Array, p: number, j: number): number[] {
  return Array.from({ length: X.length / p }, (_, i) => X[i * p + j]);
}
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

const y6 = num('y', [0, 1, 0, 1, 1, 0]);
const x6 = num('x', [1, 2, 3, 4, 5, 6]);
const z6 = num('z', [2, 0, -1, 3, 1, 1]);
const f6 = cat('f', ['A', 'B', 'C', 'A', 'B', 'C']);
const h6 = cat('h', ['X', 'X', 'Y', 'Y', 'Z', 'Z']);
const g6 = cat('g', ['u', 'v', 'u', 'v', 'w', 'w']);
const base = frame(y6, x6, z6, f6, h6, g6);

describe('fixed effects', () => {
  it('numeric covariate with intercept: layout and names', () => {
    const { spec } = buildModel(base, 'y ~ x');
    expect(spec.family).toBe('bernoulli');
    expect(spec.fixed.names).toEqual(['Intercept', 'x']);
    expect(spec.fixed.interceptColumn).toBe(0);
    expect(col(spec.fixed.X, 2, 0)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(col(spec.fixed.X, 2, 1)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(spec.y)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(spec.trials).toBeNull();
    expect(spec.logChoose).toBeNull();
    expect(spec.dim).toBe(2);
    // the sampler moves the fixed effects in the QR basis of their columns by default (src/model/fixed-basis.ts)
    expect(unconstrainedNames(spec)).toEqual(['qb_Intercept', 'qb_x']);
    expect(spec.fixedBasis).toBeInstanceOf(Float64Array);
    const natural = buildModel(base, 'y ~ x', { fixedBasis: 'natural' }).spec;
    expect(natural.fixedBasis).toBeNull();
    expect(unconstrainedNames(natural)).toEqual(['b_Intercept', 'b_x']);
  });

  it('categorical: treatment coding drops the first level; without intercept all levels', () => {
    const m = buildModel(base, 'y ~ f').spec;
    expect(m.fixed.names).toEqual(['Intercept', 'fB', 'fC']);
    expect(col(m.fixed.X, 3, 1)).toEqual([0, 1, 0, 0, 1, 0]);
    expect(col(m.fixed.X, 3, 2)).toEqual([0, 0, 1, 0, 0, 1]);
    const m0 = buildModel(base, 'y ~ 0 + f').spec;
    expect(m0.fixed.names).toEqual(['fA', 'fB', 'fC']);
    expect(m0.fixed.interceptColumn).toBe(-1);
    expect(col(m0.fixed.X, 3, 0)).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('numeric × numeric interaction is the product', () => {
    const m = buildModel(base, 'y ~ x + z + x:z').spec;
    expect(m.fixed.names).toEqual(['Intercept', 'x', 'z', 'x:z']);
    expect(col(m.fixed.X, 4, 3)).toEqual([2, 0, -3, 12, 5, 6]);
  });

  it('numeric × categorical: contrasts when the main effect of x is present, all levels otherwise (R)', () => {
    const m = buildModel(base, 'y ~ x + f + x:f').spec;
    expect(m.fixed.names).toEqual(['Intercept', 'x', 'fB', 'fC', 'x:fB', 'x:fC']);
    expect(col(m.fixed.X, 6, 4)).toEqual([0, 2, 0, 0, 5, 0]);
    const full = buildModel(base, 'y ~ x:f').spec;
    expect(full.fixed.names).toEqual(['Intercept', 'x:fA', 'x:fB', 'x:fC']);
    expect(col(full.fixed.X, 4, 1)).toEqual([1, 0, 0, 4, 0, 0]);
  });

  it('categorical × categorical: R names, first factor varying fastest', () => {
    // R: colnames(model.matrix(~ f * h)) = (Intercept) fB fC hY hZ fB:hY fC:hY fB:hZ fC:hZ
    const m = buildModel(base, 'y ~ f + h + f:h').spec;
    expect(m.fixed.names).toEqual(['Intercept', 'fB', 'fC', 'hY', 'hZ', 'fB:hY', 'fC:hY', 'fB:hZ', 'fC:hZ']);
    // rows: (A,X) (B,X) (C,Y) (A,Y) (B,Z) (C,Z)
    expect(col(m.fixed.X, 9, 6)).toEqual([0, 0, 1, 0, 0, 0]);
    expect(col(m.fixed.X, 9, 7)).toEqual([0, 0, 0, 0, 1, 0]);
    // with only f present, f in f:h is dummy-coded in full (h without f is absent), h keeps contrasts
    const m2 = buildModel(base, 'y ~ f + f:h').spec;
    // R: colnames(model.matrix(~ f + f:h)) = (Intercept) fB fC fA:hY fB:hY fC:hY fA:hZ fB:hZ fC:hZ
    expect(m2.fixed.names).toEqual(['Intercept', 'fB', 'fC', 'fA:hY', 'fB:hY', 'fC:hY', 'fA:hZ', 'fB:hZ', 'fC:hZ']);
  });

  it('scale() centres by the mean and divides by the n−1 sd, and records both', () => {
    const { spec, recipe } = buildModel(base, 'y ~ scale(x)');
    // mean 3.5, sd = sqrt(17.5 / 5) = sqrt(3.5)
    const sd = Math.sqrt(3.5);
    expect(spec.fixed.names).toEqual(['Intercept', 'scale(x)']);
    col(spec.fixed.X, 2, 1).forEach((v, i) => expect(v).toBeCloseTo((i + 1 - 3.5) / sd, 14));
    expect(recipe.variables[0]).toEqual({
      label: 'scale(x)',
      recipe: { kind: 'scale', arg: { kind: 'numeric', column: 'x' }, center: 3.5, scale: sd },
    });
  });

  it('log() and I() comparisons', () => {
    const m = buildModel(base, 'y ~ log(x) + I(f != "A") + I(z >= 1) + I(x == 2)').spec;
    expect(m.fixed.names).toEqual(['Intercept', 'log(x)', 'I(f != "A")', 'I(z >= 1)', 'I(x == 2)']);
    col(m.fixed.X, 5, 1).forEach((v, i) => expect(v).toBe(Math.log(i + 1)));
    expect(col(m.fixed.X, 5, 2)).toEqual([0, 1, 1, 0, 1, 1]);
    expect(col(m.fixed.X, 5, 3)).toEqual([1, 0, 0, 1, 1, 1]);
    expect(col(m.fixed.X, 5, 4)).toEqual([0, 1, 0, 0, 0, 0]);
    const eq = buildModel(base, 'y ~ I(f == "B") + I(z < 0) + I(z <= 0) + I(z > 2)').spec;
    expect(col(eq.fixed.X, 5, 1)).toEqual([0, 1, 0, 0, 1, 0]);
    expect(col(eq.fixed.X, 5, 2)).toEqual([0, 0, 1, 0, 0, 0]);
    expect(col(eq.fixed.X, 5, 3)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(col(eq.fixed.X, 5, 4)).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('backquoted column names', () => {
    const fr = frame(y6, num('my col', [1, 2, 3, 4, 5, 6]));
    expect(buildModel(fr, 'y ~ `my col`').spec.fixed.names).toEqual(['Intercept', 'my col']);
  });
});

describe('varying terms', () => {
  it('(1 + x || g): one independent term per coefficient, sharing the group; offsets and names', () => {
    const { spec } = buildModel(base, 'y ~ x + (1 + x || g)', { parameterization: { g: 'noncentered' }, fixedBasis: 'natural' });
    expect(spec.correlated).toBeUndefined();
    expect(spec.groups).toHaveLength(1);
    expect(spec.groups[0].name).toBe('g');
    expect(spec.groups[0].levels).toEqual(['u', 'v', 'w']);
    expect(Array.from(spec.groups[0].index)).toEqual([0, 1, 0, 1, 2, 2]);
    expect(spec.terms.map((t) => [t.group, t.term, t.sdIndex, t.offset])).toEqual([
      [0, 'Intercept', 2, 3],
      [0, 'x', 6, 7],
    ]);
    expect(spec.terms[0].x).toBeNull();
    expect(Array.from(spec.terms[1].x as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(spec.dim).toBe(2 + 4 + 4);
    // both terms share a fixed column, so their levels' means are folded into it (src/model/split.ts)
    expect(spec.terms.map((t) => t.foldColumn)).toEqual([0, 1]);
    expect(unconstrainedNames(spec)).toEqual([
      'bsum_Intercept', 'bsum_x',
      'sd_g__Intercept', 'zbar_g__Intercept', 'e_g__Intercept[1]', 'e_g__Intercept[2]',
      'sd_g__x', 'zbar_g__x', 'e_g__x[1]', 'e_g__x[2]',
    ]);
    expect(unconstrainedNames(buildModel(base, 'y ~ 1 + (0 + x | g)', { parameterization: { g: 'noncentered' }, fixedBasis: 'natural' }).spec)).toEqual([
      'b_Intercept', 'sd_g__x', 'z_g__x[1]', 'z_g__x[2]', 'z_g__x[3]',
    ]);
  });

  it('(1 + x | g): a correlated block — folded as a block, the partial correlation after the terms, cor_ in the output', () => {
    const { spec } = buildModel(base, 'y ~ x + (1 + x | g)', { parameterization: { g: 'noncentered' }, fixedBasis: 'natural' });
    expect(spec.terms.map((t) => [t.term, t.sdIndex, t.offset, t.parameterization, t.foldColumn])).toEqual([
      ['Intercept', 2, 3, 'noncentered', undefined],
      ['x', 6, 7, 'noncentered', undefined],
    ]);
    expect(spec.correlated).toEqual([{ group: 0, terms: [0, 1], parameterization: 'noncentered', eta: 1, cpcIndex: 10, foldColumns: [0, 1] }]);
    expect(spec.dim).toBe(2 + 4 + 4 + 1);
    expect(unconstrainedNames(spec)).toEqual([
      'bsum_Intercept', 'bsum_x',
      'sd_g__Intercept', 'z_g__Intercept[1]', 'z_g__Intercept[2]', 'z_g__Intercept[3]',
      'sd_g__x', 'z_g__x[1]', 'z_g__x[2]', 'z_g__x[3]',
      'cpc_g__Intercept__x',
    ]);
    expect(constrainedNames(spec)).toEqual([
      'b_Intercept', 'b_x', 'sd_g__Intercept', 'sd_g__x', 'cor_g__Intercept__x',
      'r_g__Intercept[1]', 'r_g__Intercept[2]', 'r_g__Intercept[3]', 'r_g__x[1]', 'r_g__x[2]', 'r_g__x[3]',
    ]);
    // (1 | g) alone, and a single coefficient per bar, stay independent
    expect(buildModel(base, 'y ~ (1 | g)').spec.correlated).toBeUndefined();
    expect(buildModel(base, 'y ~ (1 | g) + (0 + x | g)').spec.correlated).toBeUndefined();
  });

  it('(1 + f + x | g): brms order of the correlations (1,2), (1,3), (2,3), … and the cor prior', () => {
    const built = buildModel(base, 'y ~ (1 + f + x | g)', { priors: ['cor_g=lkj(2.5)'] });
    expect(built.spec.correlated?.[0].eta).toBe(2.5);
    expect(constrainedNames(built.spec).filter((n) => n.startsWith('cor_'))).toEqual([
      'cor_g__Intercept__fB', 'cor_g__Intercept__fC', 'cor_g__fB__fC',
      'cor_g__Intercept__x', 'cor_g__fB__x', 'cor_g__fC__x',
    ]);
    expect(built.priors.table.filter((r) => r.parameter.startsWith('cor_'))).toEqual([
      { parameter: 'cor_g', prior: { family: 'lkj', params: [2.5] }, source: 'cor_g' },
    ]);
  });

  it('(x | g) has an implicit intercept; (0 + x | g) none; categorical covariates expand', () => {
    expect(buildModel(base, 'y ~ (x | g)').spec.terms.map((t) => t.term)).toEqual(['Intercept', 'x']);
    expect(buildModel(base, 'y ~ (0 + x | g)').spec.terms.map((t) => t.term)).toEqual(['x']);
    const m = buildModel(base, 'y ~ (1 + f | g)').spec;
    expect(m.terms.map((t) => t.term)).toEqual(['Intercept', 'fB', 'fC']);
    expect(Array.from(m.terms[1].x as Float64Array)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('crossed (1 | g) + (1 | h) and nested (1 | f/h)', () => {
    const crossed = buildModel(base, 'y ~ (1 | g) + (1 | h)').spec;
    expect(crossed.groups.map((g) => g.name)).toEqual(['g', 'h']);
    expect(crossed.terms.map((t) => [t.sdIndex, t.offset])).toEqual([[1, 2], [5, 6]]);
    expect(crossed.dim).toBe(1 + 4 + 4);
    const nested = buildModel(base, 'y ~ (1 | f/h)').spec;
    expect(nested.groups.map((g) => g.name)).toEqual(['f', 'f:h']);
    // combinations present, f slowest: A:X A:Y B:X B:Z C:Y C:Z
    expect(nested.groups[1].levels).toEqual(['A:X', 'A:Y', 'B:X', 'B:Z', 'C:Y', 'C:Z']);
    expect(Array.from(nested.groups[1].index)).toEqual([0, 2, 4, 1, 3, 5]);
    expect(constrainedNames(nested)).toContain('r_f:h__Intercept[6]');
    // grouping by an interaction directly is the same factor
    expect(buildModel(base, 'y ~ (1 | f:h)').spec.groups[0].levels).toEqual(nested.groups[1].levels);
  });

  it('a numeric grouping column becomes categorical, levels sorted numerically', () => {
    const fr = frame(y6, num('store', [10, 2, 2, 10, 33, 2]));
    const g = buildModel(fr, 'y ~ (1 | store)').spec.groups[0];
    expect(g.levels).toEqual(['2', '10', '33']);
    expect(Array.from(g.index)).toEqual([1, 0, 0, 1, 2, 0]);
  });
});

describe('binomial', () => {
  it('successes | trials(n): family, trials and log C(n, k)', () => {
    const fr = frame(num('k', [0, 2, 5, 1]), num('n', [3, 5, 5, 10]), num('x', [1, 2, 3, 4]));
    const { spec } = buildModel(fr, 'k | trials(n) ~ x');
    expect(spec.family).toBe('binomial');
    expect(spec.outcome).toBe('k');
    expect(Array.from(spec.trials as Float64Array)).toEqual([3, 5, 5, 10]);
    // C(3,0) = 1, C(5,2) = 10, C(5,5) = 1, C(10,1) = 10
    const expected = [Math.log(1), Math.log(10), Math.log(1), Math.log(10)];
    Array.from(spec.logChoose as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 14));
  });

  it("lme4's cbind(k, n - k) is the same model as k | trials(n)", () => {
    const fr = frame(num('k', [0, 2, 5, 1]), num('n', [3, 5, 5, 10]), num('x', [1, 2, 3, 4]));
    const a = buildModel(fr, 'k | trials(n) ~ x').spec;
    const b = buildModel(fr, 'cbind(k, n - k) ~ x').spec;
    expect(b.family).toBe('binomial');
    expect(b.outcome).toBe('k');
    expect(Array.from(b.trials as Float64Array)).toEqual([3, 5, 5, 10]);
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    expect(Array.from(b.logChoose as Float64Array)).toEqual(Array.from(a.logChoose as Float64Array));
    expect(Array.from(b.fixed.X)).toEqual(Array.from(a.fixed.X));
  });
});

describe('data errors', () => {
  it('missing column lists the columns', () => {
    expect(errorOf(() => buildModel(base, 'y ~ x + recncy'))).toBe(
      'formula column at position 9: test frame has no column "recncy"; the columns are: y, x, z, f, h, g',
    );
    expect(errorOf(() => buildModel(base, 'yy ~ x'))).toMatch(/^formula outcome "yy" at position 1: test frame has no column "yy" \(did you mean "y"\?\)/);
    expect(errorOf(() => buildModel(base, 'y ~ (1 | gg)'))).toMatch(/^formula grouping column at position 10: test frame has no column "gg"/);
  });

  it('a frame without rows', () => {
    const empty = frame(num('y', []), num('x', []));
    expect(errorOf(() => buildModel(empty, 'y ~ x'))).toBe('test frame has no data rows; nothing to fit');
  });

  it('missing values in a used column', () => {
    const fr = frameFromColumns([y6, x6, z6], 'test frame', new Map([['z', Uint32Array.of(3)]]));
    expect(buildModel(fr, 'y ~ x').spec.n).toBe(6); // z unused: fine
    expect(errorOf(() => buildModel(fr, 'y ~ x + z'))).toBe(
      'test frame, row 4, column "z": value is missing (empty or NA); fill in or remove those rows, or leave the column out of the model',
    );
  });

  it('outcome not 0/1, successes above trials', () => {
    expect(errorOf(() => buildModel(base, 'x ~ z'))).toMatch(/^test frame, row 2, column "x": .*\b2 is not 0 or 1/);
    const fr = frame(num('k', [0, 6]), num('n', [3, 5]), num('x', [1, 2]));
    expect(errorOf(() => buildModel(fr, 'k | trials(n) ~ x'))).toMatch(
      /^test frame, row 2, column "k": successes 6 is not a whole number between 0 and the trials \(5\)/,
    );
  });

  it('bad uses of transforms and comparisons, with formula positions', () => {
    expect(errorOf(() => buildModel(base, 'y ~ scale(f)'))).toBe(
      "formula 'y ~ scale(f)', position 11: scale() of categorical column 'f'; it needs a numeric column",
    );
    expect(errorOf(() => buildModel(frame(y6, num('c', [1, 1, 1, 1, 1, 1])), 'y ~ scale(c)'))).toBe(
      "formula 'y ~ scale(c)', position 5: scale() of 'c' which is constant (sd 0) or has fewer than 2 rows",
    );
    expect(errorOf(() => buildModel(base, 'y ~ log(z)'))).toBe(
      "formula term 'log(z)' at position 5: log of 0 at test frame, row 2; log() needs positive values",
    );
    expect(errorOf(() => buildModel(base, 'y ~ I(f == "D")'))).toBe(
      `formula 'y ~ I(f == "D")', position 5: 'f' has no level "D" (levels: A, B, C)`,
    );
    expect(errorOf(() => buildModel(base, 'y ~ I(f > "A")'))).toBe(
      `formula 'y ~ I(f > "A")', position 5: 'f' is categorical: compare it with == or != and a quoted level`,
    );
    expect(errorOf(() => buildModel(base, 'y ~ I(x == "A")'))).toBe(
      `formula 'y ~ I(x == "A")', position 5: 'x' is numeric: compare it with a number`,
    );
    expect(errorOf(() => buildModel(frame(y6, cat('one', ['a', 'a', 'a', 'a', 'a', 'a'])), 'y ~ one'))).toBe(
      "formula 'y ~ one', position 5: categorical column 'one' has a single level; drop it from the formula",
    );
    expect(errorOf(() => buildModel(base, 'y ~ (1 | g) + (1 + x | g)'))).toBe(
      "formula 'y ~ (1 | g) + (1 + x | g)', position 15: repeated varying term 'g__Intercept' (also at position 5)",
    );
  });
});

describe('applyRecipe', () => {
  const built = buildModel(base, 'y ~ scale(x) + f + (1 + z | g) + (1 | f/h)');
  const roundTrip = JSON.parse(JSON.stringify(built.recipe)) as DesignRecipe;

  it('rebuilds the training design exactly, also after a JSON round trip', () => {
    const d = applyRecipe(roundTrip, base);
    expect(Array.from(d.X)).toEqual(Array.from(built.spec.fixed.X));
    d.groupIndex.forEach((idx, k) => expect(Array.from(idx)).toEqual(Array.from(built.spec.groups[k].index)));
    d.x.forEach((x, t) => expect(x && Array.from(x)).toEqual(built.spec.terms[t].x && Array.from(built.spec.terms[t].x as Float64Array)));
  });

  it('scores new rows with the training centre/scale and coding; unseen group levels are NEW_LEVEL', () => {
    // new frame: levels listed in a different order, an unseen group level 'q', an unseen f:h combination
    const fresh = frame(
      num('x', [3.5, 7]),
      num('z', [1, 2]),
      cat('f', ['C', 'A'], ['C', 'A']),
      cat('h', ['Z', 'Z'], ['Z']),
      cat('g', ['w', 'q'], ['q', 'w']),
    );
    const d = applyRecipe(roundTrip, fresh);
    const p = built.spec.fixed.names.length;
    expect(built.spec.fixed.names).toEqual(['Intercept', 'scale(x)', 'fB', 'fC']);
    expect(Array.from(d.X.subarray(0, p))).toEqual([1, 0, 0, 1]);
    expect(d.X[p + 1]).toBeCloseTo((7 - 3.5) / Math.sqrt(3.5), 14);
    expect(Array.from(d.X.subarray(p + 2, 2 * p))).toEqual([0, 0]);
    expect(Array.from(d.groupIndex[0])).toEqual([2, NEW_LEVEL]); // g: w, q
    expect(Array.from(d.groupIndex[1])).toEqual([2, 0]); // f: C, A
    expect(Array.from(d.groupIndex[2])).toEqual([5, NEW_LEVEL]); // f:h: C:Z known, A:Z unseen
    expect(Array.from(d.x[1] as Float64Array)).toEqual([1, 2]);
  });

  it('an unseen level of a fixed-effect factor is a UserError', () => {
    const fresh = frame(num('x', [1]), num('z', [1]), cat('f', ['D']), cat('h', ['X']), cat('g', ['u']));
    expect(errorOf(() => applyRecipe(roundTrip, fresh))).toBe(
      "formula term 'f': column 'f' has level 'D' at test frame, row 1, which the model does not know; known levels: A, B, C",
    );
  });
});

/** Builds with the natural basis and returns the fixed-effect names and the matrix. */
function fixedOf(fr: Frame, formula: string): { names: string[]; X: Float64Array; p: number } {
  const { spec } = buildModel(fr, formula, { fixedBasis: 'natural' });
  return { names: [...spec.fixed.names], X: spec.fixed.X, p: spec.fixed.names.length };
}

describe("R's formula algebra in the design (names from R's model.matrix rules, values by hand)", () => {
  it('f*h is f + h + f:h, column for column', () => {
    const crossed = fixedOf(base, 'y ~ f*h');
    const written = fixedOf(base, 'y ~ f + h + f:h');
    // R: colnames(model.matrix(~ f * h)) = (Intercept) fB fC hY hZ fB:hY fC:hY fB:hZ fC:hZ
    expect(crossed.names).toEqual(['Intercept', 'fB', 'fC', 'hY', 'hZ', 'fB:hY', 'fC:hY', 'fB:hZ', 'fC:hZ']);
    expect(Array.from(crossed.X)).toEqual(Array.from(written.X));
  });

  it('x*f: numeric by categorical, interaction columns by hand', () => {
    const m = fixedOf(base, 'y ~ x*f');
    expect(m.names).toEqual(['Intercept', 'x', 'fB', 'fC', 'x:fB', 'x:fC']);
    // f = A B C A B C, x = 1..6
    expect(col(m.X, m.p, 4)).toEqual([0, 2, 0, 0, 5, 0]);
    expect(col(m.X, m.p, 5)).toEqual([0, 0, 3, 0, 0, 6]);
  });

  it('(x + z + f)^2, f/h and - remove terms', () => {
    expect(fixedOf(base, 'y ~ (x + z + f)^2').names).toEqual(['Intercept', 'x', 'z', 'fB', 'fC', 'x:z', 'x:fB', 'x:fC', 'z:fB', 'z:fC']);
    // R: colnames(model.matrix(~ f/h)) = (Intercept) fB fC fA:hY fB:hY fC:hY fA:hZ fB:hZ fC:hZ
    expect(fixedOf(base, 'y ~ f/h').names).toEqual(['Intercept', 'fB', 'fC', 'fA:hY', 'fB:hY', 'fC:hY', 'fA:hZ', 'fB:hZ', 'fC:hZ']);
    expect(fixedOf(base, 'y ~ x*z - x:z').names).toEqual(['Intercept', 'x', 'z']);
    expect(fixedOf(base, 'y ~ x*f - 1').names).toEqual(['x', 'fA', 'fB', 'fC', 'x:fB', 'x:fC']);
  });

  it("without an intercept only the first factor is coded by all its levels (R's model.matrix)", () => {
    // R: colnames(model.matrix(~ 0 + f + h)) = fA fB fC hY hZ
    expect(fixedOf(base, 'y ~ 0 + f + h').names).toEqual(['fA', 'fB', 'fC', 'hY', 'hZ']);
    // R: colnames(model.matrix(~ 0 + x + f)) = x fA fB fC
    expect(fixedOf(base, 'y ~ 0 + x + f').names).toEqual(['x', 'fA', 'fB', 'fC']);
    // R: colnames(model.matrix(~ 0 + h:f)): terms "h:f"; both margins absent, so all levels of both
    expect(fixedOf(base, 'y ~ 0 + h:f').names).toEqual(['hX:fA', 'hY:fA', 'hZ:fA', 'hX:fB', 'hY:fB', 'hZ:fB', 'hX:fC', 'hY:fC', 'hZ:fC']);
    expect(buildModel(base, 'y ~ (0 + f + h | g)').spec.terms.map((t) => t.term)).toEqual(['fA', 'fB', 'fC', 'hY', 'hZ']);
  });

  it('a margin contained in a preceding term gives contrasts (TermCode tests containment, not equality)', () => {
    // terms x:f, f:h: in f:h, h without it is {f}, contained in x:f: contrasts; f without it is {h}: all levels
    expect(fixedOf(base, 'y ~ x:f + f:h').names).toEqual([
      'Intercept', 'x:fA', 'x:fB', 'x:fC', 'fA:hY', 'fB:hY', 'fC:hY', 'fA:hZ', 'fB:hZ', 'fC:hZ',
    ]);
    // R orders terms by degree and names variables in order of first appearance: h:f written first stays h:f
    expect(fixedOf(base, 'y ~ h:f + f + h').names).toEqual(['Intercept', 'fB', 'fC', 'hY', 'hZ', 'hY:fB', 'hZ:fB', 'hY:fC', 'hZ:fC']);
  });

  it('(1 + x*f | g): products expand inside varying terms', () => {
    expect(buildModel(base, 'y ~ (1 + x*f | g)').spec.terms.map((t) => t.term)).toEqual(['Intercept', 'x', 'fB', 'fC', 'x:fB', 'x:fC']);
  });
});

describe('factor(x)', () => {
  // period coded as numbers: levels in numeric order 1, 2, 10 (not "1", "10", "2")
  const period = num('period', [2, 10, 1, 2, 10, 1]);
  const fr = frame(y6, x6, period, f6, g6);

  it('treats a numeric column as categorical with R names, levels in numeric order', () => {
    const { spec, recipe } = buildModel(fr, 'y ~ factor(period)', { fixedBasis: 'natural' });
    expect(spec.fixed.names).toEqual(['Intercept', 'factor(period)2', 'factor(period)10']);
    expect(col(spec.fixed.X, 3, 1)).toEqual([1, 0, 0, 1, 0, 0]);
    expect(col(spec.fixed.X, 3, 2)).toEqual([0, 1, 0, 0, 1, 0]);
    expect(recipe.variables).toEqual([{ label: 'factor(period)', recipe: { kind: 'factor', column: 'period', levels: ['1', '2', '10'] } }]);
    // the plain column stays numeric
    expect(fixedOf(fr, 'y ~ period').names).toEqual(['Intercept', 'period']);
  });

  it('interacts with R names and can sit beside the numeric column', () => {
    expect(fixedOf(fr, 'y ~ factor(period)*f').names).toEqual([
      'Intercept', 'factor(period)2', 'factor(period)10', 'fB', 'fC',
      'factor(period)2:fB', 'factor(period)10:fB', 'factor(period)2:fC', 'factor(period)10:fC',
    ]);
    expect(fixedOf(fr, 'y ~ x:factor(period)').names).toEqual(['Intercept', 'x:factor(period)1', 'x:factor(period)2', 'x:factor(period)10']);
    expect(fixedOf(fr, 'y ~ 0 + factor(period)').names).toEqual(['factor(period)1', 'factor(period)2', 'factor(period)10']);
  });

  it('scores new rows with the training levels; an unseen value is an error naming row and value', () => {
    const { recipe, spec } = buildModel(fr, 'y ~ factor(period) + x');
    const roundTrip = JSON.parse(JSON.stringify(recipe)) as DesignRecipe;
    expect(Array.from(applyRecipe(roundTrip, fr).X)).toEqual(Array.from(spec.fixed.X));
    const fresh = frame(num('period', [10, 1]), num('x', [0.5, 2]));
    expect(Array.from(applyRecipe(roundTrip, fresh).X)).toEqual([1, 0, 1, 0.5, 1, 0, 0, 2]);
    // the same column read as text (e.g. from JSON) is recoded by name
    expect(Array.from(applyRecipe(roundTrip, frame(cat('period', ['2']), num('x', [1]))).X)).toEqual([1, 1, 0, 1]);
    expect(errorOf(() => applyRecipe(roundTrip, frame(num('period', [1, 3]), num('x', [1, 1]))))).toBe(
      "formula term 'factor(period)': column 'period' has level '3' at test frame, row 2, which the model does not know; known levels: 1, 2, 10",
    );
  });

  it('(1 | factor(g)) is (1 | g); a numeric grouping column has levels by value', () => {
    const numeric = buildModel(fr, 'y ~ (1 | factor(period))').spec.groups[0];
    expect(numeric.name).toBe('period');
    expect(numeric.levels).toEqual(['1', '2', '10']);
    expect(Array.from(numeric.index)).toEqual([1, 2, 0, 1, 2, 0]);
  });

  it('non-integer values are named with 15 significant digits, as R', () => {
    const fr2 = frame(y6, num('d', [0.1 + 0.2, 0.5, 0.1 + 0.2, 0.5, 2, 2]));
    expect(fixedOf(fr2, 'y ~ factor(d)').names).toEqual(['Intercept', 'factor(d)0.5', 'factor(d)2']);
    expect(buildModel(fr2, 'y ~ factor(d)').recipe.variables[0].recipe).toMatchObject({ levels: ['0.3', '0.5', '2'] });
  });
});

/** Orthonormal columns of 1, x, …, x^k by modified Gram–Schmidt (an independent reference for poly()), dropping 1. */
function gramSchmidt(x: number[], k: number): number[][] {
  const basis: number[][] = [];
  for (let j = 0; j <= k; j++) {
    let v = x.map((xi) => xi ** j);
    for (const q of basis) {
      const dot = v.reduce((s, vi, i) => s + vi * q[i], 0);
      v = v.map((vi, i) => vi - dot * q[i]);
    }
    const norm = Math.sqrt(v.reduce((s, vi) => s + vi * vi, 0));
    basis.push(v.map((vi) => vi / norm));
  }
  return basis.slice(1);
}

describe('poly(x, k)', () => {
  const x10 = Array.from({ length: 10 }, (_, i) => i + 1);
  const fr10 = frame(num('y', [0, 1, 0, 1, 1, 0, 0, 1, 1, 0]), num('x', x10), cat('f', ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A', 'B']));

  it('poly(1:10, 2) is R\'s: (x − 5.5)/√82.5 and ((x − 5.5)² − 8.25)/√528, coefs alpha = (5.5, 5.5), norm2 = (1, 10, 82.5, 528)', () => {
    const { spec, recipe } = buildModel(fr10, 'y ~ poly(x, 2)', { fixedBasis: 'natural' });
    expect(spec.fixed.names).toEqual(['Intercept', 'poly(x, 2)1', 'poly(x, 2)2']);
    const c1 = col(spec.fixed.X, 3, 1);
    const c2 = col(spec.fixed.X, 3, 2);
    x10.forEach((x, i) => {
      expect(c1[i]).toBeCloseTo((x - 5.5) / Math.sqrt(82.5), 14);
      expect(c2[i]).toBeCloseTo(((x - 5.5) ** 2 - 8.25) / Math.sqrt(528), 14);
    });
    // R prints poly(1:10, 2)[1, ] as -0.49543369 0.52223297
    expect(c1[0]).toBeCloseTo(-0.49543369, 8);
    expect(c2[0]).toBeCloseTo(0.52223297, 8);
    const r = recipe.variables[0].recipe;
    if (r.kind !== 'poly') throw new Error('not a poly recipe');
    r.alpha.forEach((a) => expect(a).toBeCloseTo(5.5, 13));
    [1, 10, 82.5, 528].forEach((v, i) => expect(r.norm2[i]).toBeCloseTo(v, 10));
  });

  it('matches Gram–Schmidt on uneven points (degree 3), and predicting the training x gives the same columns', () => {
    const xs = [0, 1, 3, 7, 8, 20, 21, 2.5];
    const fr = frame(num('y', [0, 1, 0, 1, 1, 0, 1, 0]), num('x', xs));
    const { spec, recipe } = buildModel(fr, 'y ~ poly(x, 3)', { fixedBasis: 'natural' });
    const reference = gramSchmidt(xs, 3);
    for (let j = 0; j < 3; j++) col(spec.fixed.X, 4, j + 1).forEach((v, i) => expect(v).toBeCloseTo(reference[j][i], 12));
    const roundTrip = JSON.parse(JSON.stringify(recipe)) as DesignRecipe;
    const again = applyRecipe(roundTrip, fr).X;
    spec.fixed.X.forEach((v, i) => expect(again[i]).toBeCloseTo(v, 12));
  });

  it("new x by R's predict.poly recurrence with the training coefs", () => {
    const { recipe } = buildModel(fr10, 'y ~ poly(x, 2)');
    const d = applyRecipe(recipe, frame(num('x', [0, 5.5, 12])));
    [0, 5.5, 12].forEach((x, i) => {
      expect(d.X[i * 3 + 1]).toBeCloseTo((x - 5.5) / Math.sqrt(82.5), 13);
      expect(d.X[i * 3 + 2]).toBeCloseTo(((x - 5.5) ** 2 - 8.25) / Math.sqrt(528), 13);
    });
  });

  it('names: one column is poly(x, 1); interactions with a factor vary the poly column fastest', () => {
    expect(fixedOf(fr10, 'y ~ poly(x, 1)').names).toEqual(['Intercept', 'poly(x, 1)']);
    expect(fixedOf(fr10, 'y ~ poly(x, 2)*f').names).toEqual([
      'Intercept', 'poly(x, 2)1', 'poly(x, 2)2', 'fB', 'poly(x, 2)1:fB', 'poly(x, 2)2:fB',
    ]);
    const m = fixedOf(fr10, 'y ~ poly(x, 2):f');
    expect(m.names).toEqual(['Intercept', 'poly(x, 2)1:fA', 'poly(x, 2)2:fA', 'poly(x, 2)1:fB', 'poly(x, 2)2:fB']);
    const p1 = col(fixedOf(fr10, 'y ~ poly(x, 2)').X, 3, 1);
    col(m.X, m.p, 3).forEach((v, i) => expect(v).toBe(i % 2 === 1 ? p1[i] : 0));
    expect(buildModel(fr10, 'y ~ (1 + poly(x, 2) | f)').spec.terms.map((t) => t.term)).toEqual(['Intercept', 'poly(x, 2)1', 'poly(x, 2)2']);
  });

  it('errors: degree not below the distinct values, poly of a factor, transforms of poly', () => {
    const few = frame(y6, num('t', [1, 2, 1, 2, 3, 3]), f6);
    expect(errorOf(() => buildModel(few, 'y ~ poly(t, 3)'))).toBe(
      "formula 'y ~ poly(t, 3)', position 5: poly() of degree 3 needs more than 3 distinct values of 't', which has 3; lower the degree to at most 2",
    );
    expect(errorOf(() => buildModel(few, 'y ~ poly(f, 2)'))).toBe("formula 'y ~ poly(f, 2)', position 10: poly() of categorical column 'f'; it needs a numeric column");
    expect(errorOf(() => buildModel(few, 'y ~ log(poly(t, 2))'))).toBe(
      "formula 'y ~ log(poly(t, 2))', position 9: log() of 'poly(t, 2)', which has 2 columns; it needs one numeric column",
    );
    expect(errorOf(() => buildModel(few, 'y ~ I(poly(t, 2) > 0)'))).toBe("formula 'y ~ I(poly(t, 2) > 0)', position 5: I() compares one column; 'poly(t, 2)' has 2 columns");
  });
});
