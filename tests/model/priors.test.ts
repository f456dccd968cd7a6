// Prior configuration: the data-scaled defaults of every family (src/model/family-priors.ts, computed here by hand
// from the rule in its comment: c = the link of the outcome's centre, b scales 2.5·s/sd(x)), overrides and every
// validation error with its message. The Hillstrom reference analysis's priors (DESIGN.md / golden/stan/*.stan:
// alpha ~ normal(-3, 1), beta ~ normal(0, 0.5), sigma ~ normal(0, 0.5) on a positive parameter = halfnormal(0.5)) are
// its presets' (HILLSTROM_PRIORS), not defaults.
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { UserError } from '../../src/errors.js';
import { buildModel } from '../../src/model/build.js';
import type { FamilyDefaults } from '../../src/model/family-priors.js';
import { parsePrior, parsePriorArgs, resolvePriors, type PriorTargets } from '../../src/model/priors-config.js';
import { LISTED_PRIOR_GROUPS, priorGroupsText } from '../../src/report/prior-groups.js';

// defaults as familyDefaults would give them (values arbitrary here: resolvePriors only places them)
const defaults: FamilyDefaults = {
  intercept: { family: 'student_t', params: [3, -2, 2.5] },
  b: [
    { family: 'normal', params: [0, 99] },
    { family: 'normal', params: [0, 5.3] },
    { family: 'normal', params: [0, 2.5] },
  ],
  sd: { family: 'halfstudent_t', params: [3, 2.5] },
  aux: [],
};

const targets: PriorTargets = {
  fixed: ['Intercept', 'treatment', 'recency_z'],
  interceptColumn: 0,
  terms: [
    { group: 'history_segment', term: 'Intercept' },
    { group: 'history_segment', term: 'treatment' },
    { group: 'zip_code', term: 'Intercept' },
  ],
  defaults,
};

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

const logit = (p: number): number => Math.log(p / (1 - p));
const sig4 = (v: number): number => Number(v.toPrecision(4));

describe('defaults', () => {
  it('resolvePriors places the defaults: the intercept, b per column, one sd prior', () => {
    const r = resolvePriors(targets);
    expect(r.fixed).toEqual([defaults.intercept, defaults.b[1], defaults.b[2]]);
    expect(r.sd).toEqual(Array(3).fill(defaults.sd));
    expect(r.table.map((row) => row.parameter)).toEqual([
      'b_Intercept',
      'b_treatment',
      'b_recency_z',
      'sd_history_segment__Intercept',
      'sd_history_segment__treatment',
      'sd_zip_code__Intercept',
    ]);
    expect(r.table.every((row) => row.source === 'default')).toBe(true);
  });

  // y = 0, 0, 0, 1 (p̄ = 1/4); x = 1…4 (sd √(5/3)); d = 0, 0, 1, 1 (a 0/1 column, sd √(1/3)); g two levels
  const fr = frameFromColumns(
    [
      numericColumn('y', Float64Array.of(0, 0, 0, 1)),
      numericColumn('zero', Float64Array.of(0, 0, 0, 0)),
      numericColumn('n', Float64Array.of(2, 2, 4, 4)),
      numericColumn('x', Float64Array.of(1, 2, 3, 4)),
      numericColumn('d', Float64Array.of(0, 0, 1, 1)),
      categoricalColumn('g', Uint32Array.of(0, 1, 0, 1), ['a', 'b']),
    ],
    'test frame',
  );
  const bx = { family: 'normal', params: [0, sig4(2.5 / Math.sqrt(5 / 3))] };
  const bd = { family: 'normal', params: [0, sig4(2.5 / Math.sqrt(1 / 3))] };
  const sd = { family: 'exponential', params: [1] };

  it('bernoulli (logit): Intercept student_t(3, logit p̄, 2.5), b normal(0, 2.5/sd(x)), sd exponential(1)', () => {
    const m = buildModel(fr, 'y ~ x + d + (1 | g)');
    expect(m.spec.fixed.priors).toEqual([{ family: 'student_t', params: [3, sig4(logit(0.25)), 2.5] }, bx, bd]);
    expect(m.spec.terms[0].sdPrior).toEqual(sd);
    expect(m.notes).toContain(
      `default priors (data-scaled; README "Priors"): b_Intercept ~ student_t(3, -1.099, 2.5); b_x ~ normal(0, 1.936); b_d ~ normal(0, 4.33); sd_g__Intercept ~ exponential(1)`,
    );
  });

  it('binomial: p̄ = Σ y / Σ trials; probit: centre Φ⁻¹(p̄); no successes: p̄ = 1/(2 Σ trials)', () => {
    // Σ y = 1, Σ n = 12
    expect(buildModel(fr, 'y | trials(n) ~ x').spec.fixed.priors[0]).toEqual({ family: 'student_t', params: [3, sig4(logit(1 / 12)), 2.5] });
    // Φ⁻¹(0.25) = −0.6744898 (R: qnorm(0.25))
    expect(buildModel(fr, 'y ~ x', { link: 'probit' }).spec.fixed.priors[0]).toEqual({ family: 'student_t', params: [3, -0.6745, 2.5] });
    expect(buildModel(fr, 'zero ~ x').spec.fixed.priors[0]).toEqual({ family: 'student_t', params: [3, sig4(logit(1 / 8)), 2.5] });
    expect(buildModel(fr, 'zero ~ x').spec.fixed.priors[1]).toEqual(bx);
  });

  it('the Hillstrom presets carry the reference priors: normal(-3, 1), normal(0, 0.5), halfnormal(0.5)', () => {
    const m = buildModel(fr, 'y ~ x + (1 | g)', { priors: HILLSTROM_PRIORS.hierarchical });
    expect(m.spec.fixed.priors).toEqual([
      { family: 'normal', params: [-3, 1] },
      { family: 'normal', params: [0, 0.5] },
    ]);
    expect(m.spec.terms[0].sdPrior).toEqual({ family: 'halfnormal', params: [0.5] });
    expect(buildModel(fr, 'y ~ x', { priors: HILLSTROM_PRIORS.pooled }).spec.fixed.priors[0]).toEqual({ family: 'normal', params: [-3, 1] });
  });
});

describe('overrides', () => {
  it('CLI strings: class, coefficient, group and term, most specific wins', () => {
    const r = resolvePriors(targets, [
      'b=normal(0,1)',
      'Intercept=student_t(3,-3,2.5)',
      'b_treatment=normal(0, 2)',
      'sd=exponential(2)',
      'sd_history_segment=halfstudent_t(3, 1)',
      'sd_history_segment__treatment=halfnormal(1)',
    ]);
    expect(r.fixed).toEqual([
      { family: 'student_t', params: [3, -3, 2.5] },
      { family: 'normal', params: [0, 2] },
      { family: 'normal', params: [0, 1] },
    ]);
    expect(r.sd).toEqual([
      { family: 'halfstudent_t', params: [3, 1] },
      { family: 'halfnormal', params: [1] },
      { family: 'exponential', params: [2] },
    ]);
    expect(r.table.map((row) => row.source)).toEqual([
      'Intercept',
      'b_treatment',
      'b',
      'sd_history_segment',
      'sd_history_segment__treatment',
      'sd',
    ]);
  });

  it('API record with Prior objects or text; b_Intercept beats Intercept; b excludes the intercept', () => {
    const r = resolvePriors(targets, {
      b: { family: 'normal', params: [0, 3] },
      Intercept: 'normal(-2, 1)',
      b_Intercept: 'normal(-4, 0.5)',
    });
    expect(r.fixed[0]).toEqual({ family: 'normal', params: [-4, 0.5] });
    expect(r.fixed[1]).toEqual({ family: 'normal', params: [0, 3] });
  });

  it('reach buildModel and its notes', () => {
    const fr = frameFromColumns(
      [
        numericColumn('y', Float64Array.of(0, 1, 0, 1)),
        numericColumn('x', Float64Array.of(1, 2, 3, 4)),
        numericColumn('z', Float64Array.of(2, 1, 4, 3)),
        categoricalColumn('g', Uint32Array.of(0, 1, 0, 1), ['a', 'b']),
      ],
      'test frame',
    );
    const m = buildModel(fr, 'y ~ x + (1 | g)', { priors: ['b_x=normal(0, 1)', 'sd_g=exponential(1)'] });
    expect(m.spec.fixed.priors[1]).toEqual({ family: 'normal', params: [0, 1] });
    expect(m.spec.terms[0].sdPrior).toEqual({ family: 'exponential', params: [1] });
    expect(m.notes).toContain("prior b_x ~ normal(0, 1) (from 'b_x')");
    expect(m.notes).toContain("prior sd_g__Intercept ~ exponential(1) (from 'sd_g')");
    // parameters with the same prior from the same target share a line
    const two = buildModel(fr, 'y ~ x + z', { priors: { b: 'normal(0, 0.5)' } });
    expect(two.notes).toContain("prior b_x, b_z ~ normal(0, 0.5) (from 'b')");
  });

  it('parses numbers in every notation', () => {
    expect(parsePrior(' normal( -1.5e-1 , .25 ) ', 'p')).toEqual({ family: 'normal', params: [-0.15, 0.25] });
    expect(parsePriorArgs(['b = normal(0,1)'])).toEqual({ b: ' normal(0,1)' });
  });
});

describe('validation errors', () => {
  const cases: [string[], string][] = [
    [['b=gauss(0,1)'], "prior 'b=gauss(0,1)': unknown family 'gauss'; use one of normal, student_t, halfnormal, halfstudent_t, exponential, gamma"],
    [['b=normal(0)'], "prior 'b=normal(0)': normal takes 2 parameters (mu, sigma), got 1"],
    [['Intercept=student_t(3, 0)'], "prior 'Intercept=student_t(3, 0)': student_t takes 3 parameters (nu, mu, sigma), got 2"],
    [['sd=exponential(1, 2)'], "prior 'sd=exponential(1, 2)': exponential takes 1 parameter (rate), got 2"],
    [['b=normal(0, 0)'], "prior 'b=normal(0, 0)': sigma must be positive, got 0"],
    [['sd=halfnormal(-1)'], "prior 'sd=halfnormal(-1)': sigma must be positive, got -1"],
    [['b=student_t(-3, 0, 1)'], "prior 'b=student_t(-3, 0, 1)': nu must be positive, got -3"],
    [['sd=exponential(0)'], "prior 'sd=exponential(0)': rate must be positive, got 0"],
    [['b=normal(0, abc)'], "prior 'b=normal(0, abc)': parameter 2 'abc' is not a finite number"],
    [['b=normal'], "prior 'b=normal': expected family(parameters), e.g. normal(0, 1)"],
    [['normal(0,1)'], "prior 'normal(0,1)': expected target=family(parameters), e.g. b_treatment=normal(0, 1)"],
    [['b=normal(0,1)', 'b=normal(0,2)'], "prior 'b=normal(0,2)': 'b' is given a prior twice; give it once"],
    [['b=exponential(1)'], "prior 'b=exponential(1)': exponential is for positive parameters; a coefficient takes normal or student_t"],
    [['b_treatment=halfnormal(1)'], "prior 'b_treatment=halfnormal(1)': halfnormal is for positive parameters; a coefficient takes normal or student_t"],
    [['sd=normal(0, 1)'], "prior 'sd=normal(0, 1)': normal is on the whole real line; an sd takes halfnormal, halfstudent_t, exponential or gamma"],
    [['sd_zip_code=student_t(3, 0, 1)'], "prior 'sd_zip_code=student_t(3, 0, 1)': student_t is on the whole real line; an sd takes halfnormal, halfstudent_t, exponential or gamma"],
    [
      ['b_recency=normal(0,1)'],
      "prior 'b_recency=normal(0,1)': the model has no parameter or class 'b_recency'; valid targets: Intercept, b, sd, b_Intercept, b_treatment, b_recency_z, sd_history_segment, sd_zip_code, sd_history_segment__Intercept, sd_history_segment__treatment, sd_zip_code__Intercept",
    ],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), () => expect(errorOf(() => resolvePriors(targets, args))).toBe(message));
  }

  it('a class the model lacks is an unknown target', () => {
    const pooled: PriorTargets = { fixed: ['x'], interceptColumn: -1, terms: [], defaults: { ...defaults, b: [defaults.b[1]] } };
    expect(errorOf(() => resolvePriors(pooled, ['Intercept=normal(0,1)']))).toBe(
      "prior 'Intercept=normal(0,1)': the model has no parameter or class 'Intercept'; valid targets: b, b_x",
    );
    expect(errorOf(() => resolvePriors(pooled, { sd: 'halfnormal(1)' }))).toBe(
      "prior 'sd=halfnormal(1)': the model has no parameter or class 'sd'; valid targets: b, b_x",
    );
  });

  it('a Prior object from the API is checked the same way', () => {
    expect(errorOf(() => resolvePriors(targets, { b: { family: 'normal', params: [0, -1] } }))).toBe(
      "prior 'b=normal(0, -1)': sigma must be positive, got -1",
    );
  });
});

describe('correlation priors (cor, cor_<group>)', () => {
  const corr: PriorTargets = { ...targets, correlations: ['history_segment'] };

  it('default lkj(1) per correlated group; cor for all, cor_<group> for one, the group winning', () => {
    expect(resolvePriors(corr).cor).toEqual([{ family: 'lkj', params: [1] }]);
    const two: PriorTargets = {
      ...targets,
      terms: [...targets.terms, { group: 'zip_code', term: 'x' }],
      correlations: ['history_segment', 'zip_code'],
    };
    const r = resolvePriors(two, ['cor=lkj(2)', 'cor_zip_code=lkj(0.5)']);
    expect(r.cor).toEqual([
      { family: 'lkj', params: [2] },
      { family: 'lkj', params: [0.5] },
    ]);
    expect(r.table.slice(-2)).toEqual([
      { parameter: 'cor_history_segment', prior: { family: 'lkj', params: [2] }, source: 'cor' },
      { parameter: 'cor_zip_code', prior: { family: 'lkj', params: [0.5] }, source: 'cor_zip_code' },
    ]);
    // fit.json's record (parameter → prior object) reproduces them
    expect(resolvePriors(two, { cor_history_segment: { family: 'lkj', params: [2] } }).cor[0]).toEqual({ family: 'lkj', params: [2] });
  });

  const cases: [string[], string][] = [
    [['cor=lkj(0)'], "prior 'cor=lkj(0)': eta must be a positive number, got 0"],
    [['cor=lkj(-1)'], "prior 'cor=lkj(-1)': eta must be a positive number, got -1"],
    [['cor=lkj()'], "prior 'cor=lkj()': lkj takes 1 parameter (eta), got 0"],
    [['cor=lkj(1, 2)'], "prior 'cor=lkj(1, 2)': lkj takes 1 parameter (eta), got 2"],
    [['cor=lkj(x)'], "prior 'cor=lkj(x)': eta must be a positive number, got NaN"],
    [['cor=normal(0, 1)'], "prior 'cor=normal(0, 1)': a correlation takes lkj(eta), e.g. lkj(2)"],
    [['b=lkj(2)'], "prior 'b=lkj(2)': lkj is the prior of correlations; give it to cor or cor_<group>"],
    [
      ['cor_nosuchgroup=lkj(2)'],
      "prior 'cor_nosuchgroup=lkj(2)': the model has no parameter or class 'cor_nosuchgroup'; valid targets: Intercept, b, sd, b_Intercept, b_treatment, b_recency_z, sd_history_segment, sd_zip_code, sd_history_segment__Intercept, sd_history_segment__treatment, sd_zip_code__Intercept, cor, cor_history_segment",
    ],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), () => expect(errorOf(() => resolvePriors(corr, args))).toBe(message));
  }

  it('a model without correlated terms has no cor target', () => {
    expect(errorOf(() => resolvePriors(targets, ['cor=lkj(2)']))).toMatch(/^prior 'cor=lkj\(2\)': the model has no parameter or class 'cor'; valid targets: /);
  });
});

describe('priorGroupsText', () => {
  it('puts parameters with the same prior together and counts what is past the listed groups', () => {
    const normal = (s: number) => ({ family: 'normal' as const, params: [0, s] });
    expect(priorGroupsText([{ parameter: 'b_x', prior: normal(1) }, { parameter: 'b_z', prior: normal(2) }, { parameter: 'b_w', prior: normal(1) }])).toBe(
      'b_x, b_w ~ normal(0, 1); b_z ~ normal(0, 2)',
    );
    const many = Array.from({ length: LISTED_PRIOR_GROUPS + 3 }, (_, j) => ({ parameter: `b_${j}`, prior: normal(j + 1) }));
    expect(priorGroupsText(many)).toMatch(/; b_7 ~ normal\(0, 8\); and 3 more \(fit\.json lists every prior\)$/);
  });
  it('names the first few parameters of a large group and counts the rest (a 600-level factor: one line, not 599 names)', () => {
    const normal = { family: 'normal' as const, params: [0, 61.28] };
    const factor = Array.from({ length: 599 }, (_, k) => ({ parameter: `b_gL${k + 2}`, prior: normal }));
    expect(priorGroupsText([{ parameter: 'b_x', prior: { family: 'normal', params: [0, 2.5] } }, ...factor])).toBe(
      'b_x ~ normal(0, 2.5); b_gL2, b_gL3, b_gL4, b_gL5 and 595 more ~ normal(0, 61.28)',
    );
    // five names are all listed (a count would save nothing)
    const five = factor.slice(0, 5);
    expect(priorGroupsText(five)).toBe('b_gL2, b_gL3, b_gL4, b_gL5, b_gL6 ~ normal(0, 61.28)');
  });
});
