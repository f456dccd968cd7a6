// The centered / non-centered rule (src/model/parameterization.ts): I_k = Σ x_i² p̄(1 − p̄) trials_i per level,
// pinned when max_k (1/√I_k) / s ≤ 0.4; a pinned term is split when a fixed-effect column equals its covariate,
// centered otherwise. Expected figures are computed by hand in the comments. The rule's figures are for an sd prior of
// scale 0.5 (halfnormal(0.5), given explicitly: the data-scaled default is exponential(1) on the logit scale).
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { UserError } from '../../src/errors.js';
import { buildModel } from '../../src/model/build.js';
import { CENTERED_MAX_RATIO, MANY_LEVELS, parseParameterizationArgs } from '../../src/model/parameterization.js';
import { crudeRowScores } from '../../src/model/family-priors.js';
import { loadData } from '../../src/data/load.js';
import { CROSSED_FORMULA } from '../../src/data/simulate/crossed.js';
import { unconstrainedNames } from '../../src/model/layout.js';

// binomial rows: level a has 2000 trials, level b 1000; 300 successes of 3000 → p̄ = 0.1, p̄(1 − p̄) = 0.09
const frame = frameFromColumns(
  [
    numericColumn('k', Float64Array.of(100, 100, 50, 50)),
    numericColumn('n', Float64Array.of(1000, 1000, 500, 500)),
    numericColumn('x', Float64Array.of(0.5, 1, 2, 0)),
    categoricalColumn('g', Uint32Array.of(0, 0, 1, 1), ['a', 'b', 'c']),
    categoricalColumn('h', Uint32Array.of(0, 0, 1, 1), ['a', 'b']),
  ],
  'test frame',
);

/**
 * The sd prior the rule's figures below are computed for, with the sd on log scale: the default sd-scale ('scaled')
 * samples a pinned few-level term with such a prior non-centered with scaled levels instead (tested at the end).
 */
const SD05 = { priors: { sd: 'halfnormal(0.5)' }, sdScale: 'log' as const };

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('default rule', () => {
  it('intercept: I_a = 2000·0.09 = 180, I_b = 1000·0.09 = 90 → worst sd 1/√90 = 0.10541, ratio 0.2108 → pinned; beside the fixed intercept → split', () => {
    const m = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', SD05);
    const e = m.parameterization[0];
    expect(e.maxLikelihoodSd).toBeCloseTo(1 / Math.sqrt(90), 12);
    expect(e.worstLevel).toBe(1);
    expect(e.priorScale).toBe(0.5);
    expect(e.ratio).toBeCloseTo(2 / Math.sqrt(90), 12);
    expect(e.chosen).toBe('split');
    expect(m.spec.terms[0].parameterization).toBe('split');
    expect(unconstrainedNames(m.spec)).toEqual(['bsum_Intercept', 'sd_h__Intercept', 'zbar_h__Intercept', 'e_h__Intercept[1]']);
    expect(m.notes).toContain(
      "h__Intercept: split — largest likelihood sd 0.105 (level 'b') = 0.211 × sd prior scale 0.5; rule: centered when ≤ 0.4 for every level, with the levels' mean non-centered as a fixed effect shares the covariate; levels' mean folded into b_Intercept",
    );
  });

  it('a pinned term whose covariate is not a fixed effect stays centered', () => {
    const noIntercept = buildModel(frame, 'k | trials(n) ~ 0 + x + (1 | h)', SD05);
    expect(noIntercept.spec.terms[0].parameterization).toBe('centered');
    expect(unconstrainedNames(noIntercept.spec)).toEqual(['b_x', 'sd_h__Intercept', 'r_h__Intercept[1]', 'r_h__Intercept[2]']);
    const slopeOnly = buildModel(frame, 'k | trials(n) ~ 1 + (0 + x | h)', SD05);
    expect(slopeOnly.spec.terms[0].parameterization).toBe('centered');
  });

  it('slope: I_a = (0.25·1000 + 1·1000)·0.09 = 112.5, I_b = 4·500·0.09 = 180 → 1/√112.5 = 0.0943', () => {
    const m = buildModel(frame, 'k | trials(n) ~ x + (0 + x | h)', SD05);
    expect(m.parameterization[0].maxLikelihoodSd).toBeCloseTo(1 / Math.sqrt(112.5), 12);
    expect(m.parameterization[0].worstLevel).toBe(0);
    expect(m.parameterization[0].chosen).toBe('split'); // x is also a fixed effect
  });

  it('the sd prior scale matters: halfnormal(0.2) gives ratio 0.527 > 0.4 → non-centered; exponential(2) has scale 0.5', () => {
    const tight = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { priors: ['sd=halfnormal(0.2)'] });
    expect(tight.parameterization[0].ratio).toBeCloseTo(1 / Math.sqrt(90) / 0.2, 12);
    expect(tight.parameterization[0].ratio).toBeGreaterThan(CENTERED_MAX_RATIO);
    expect(tight.spec.terms[0].parameterization).toBe('noncentered');
    const expo = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { priors: ['sd=exponential(2)'] });
    expect(expo.parameterization[0].priorScale).toBe(0.5);
    expect(expo.spec.terms[0].parameterization).toBe('split');
    const student = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { priors: ['sd=halfstudent_t(3, 0.25)'] });
    expect(student.parameterization[0].priorScale).toBe(0.25);
    expect(student.spec.terms[0].parameterization).toBe('noncentered'); // 0.1054 / 0.25 = 0.42
  });

  it('a level without rows carries no information → non-centered', () => {
    const m = buildModel(frame, 'k | trials(n) ~ 1 + (1 | g)', SD05);
    expect(m.parameterization[0].maxLikelihoodSd).toBe(Infinity);
    expect(m.parameterization[0].worstLevel).toBe(2);
    expect(m.spec.terms[0].parameterization).toBe('noncentered');
  });

  it('bernoulli rows count one trial each: 40 rows, 4 ones → I = 20·0.09 = 1.8 per level → non-centered', () => {
    const y = new Float64Array(40);
    y[0] = y[1] = y[20] = y[21] = 1;
    const g = Uint32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
    const fr = frameFromColumns([numericColumn('y', y), categoricalColumn('g', g, ['a', 'b'])], 'test frame');
    const e = buildModel(fr, 'y ~ (1 | g)', SD05).parameterization[0];
    expect(e.maxLikelihoodSd).toBeCloseTo(1 / Math.sqrt(1.8), 12);
    expect(e.chosen).toBe('noncentered');
  });
});

describe('with the data-scaled default sd prior', () => {
  it('exponential(1) on the logit scale: scale 1, so 1/√90 = 0.1054 gives ratio 0.1054 → split', () => {
    const e = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)').parameterization[0];
    expect(e.priorScale).toBe(1);
    expect(e.ratio).toBeCloseTo(1 / Math.sqrt(90), 12);
    expect(e.chosen).toBe('split');
  });
});

describe('many levels: the median level decides, against the levels\' crude sd', () => {
  // bernoulli rows; a level is [rows, ones]. The levels below hold half of all rows as ones → p̄ = 0.5, p̄(1 − p̄) =
  // 0.25: a level of m rows has I = m/4, and its one-step effect is r̂ = (ones − m/2)/(m/4) = 4·ones/m − 2
  // (crudeLevelSd: sd̂² = mean (r̂ − r̄)² − mean 1/I over the levels)
  function levelsFrame(levels: readonly (readonly [number, number])[]) {
    const g: number[] = [];
    const y: number[] = [];
    levels.forEach(([m, ones], k) => {
      for (let i = 0; i < m; i++) {
        g.push(k);
        y.push(i < ones ? 1 : 0);
      }
    });
    const names = levels.map((_, k) => `L${k}`);
    return frameFromColumns([numericColumn('y', Float64Array.from(y)), categoricalColumn('g', Uint32Array.from(g), names)], 'test frame');
  }
  const alike = (count: number, m: number) => Array.from({ length: count }, () => [m, m / 2] as const);

  it('60 levels, 31 of 20 rows (1/√5 = 0.447) and 29 of 4 rows (1/√1 = 1): median 0.447; r̂ = ±1.6 on 30 levels, 0 on 30 → sd̂ = √(1.28 − 0.58667) = 0.83267, ratio 0.537 ≤ 1 → split; the worst level no longer decides', () => {
    const levels = [...Array(15).fill([20, 18]), ...Array(15).fill([20, 2]), [20, 10], ...alike(29, 4)] as [number, number][];
    const m = buildModel(levelsFrame(levels), 'y ~ 1 + (1 | g)', SD05);
    const e = m.parameterization[0];
    expect(e.judgedBy).toBe('median level');
    expect(e.medianLikelihoodSd).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(e.maxLikelihoodSd).toBeCloseTo(1, 12);
    // mean r̂² = 30·1.6²/60 = 1.28; mean 1/I = (31·(1/5) + 29·1)/60 = 0.586667
    const sd = Math.sqrt(1.28 - (31 / 5 + 29) / 60);
    expect(e.sdEstimate).toBeCloseTo(sd, 12);
    expect(e.ratio).toBeCloseTo(1 / Math.sqrt(5) / sd, 12);
    expect(e.chosen).toBe('split');
    expect(m.notes).toContain(
      "g__Intercept: split — median likelihood sd over 60 levels 0.447 = 0.537 × the levels' crude sd 0.833 (method of moments); rule: with 50 levels or more, centered when the median level's is ≤ 1, with the levels' mean non-centered as a fixed effect shares the covariate; levels' mean folded into b_Intercept",
    );
  });

  it('levels that differ no more than their noise: sd̂ = 0 → ratio Infinity → non-centered, whatever the sd prior; an even count takes the mean of the middle two', () => {
    const built = buildModel(levelsFrame([...alike(29, 20), ...alike(31, 4)]), 'y ~ 1 + (1 | g)', SD05);
    const e = built.parameterization[0];
    // the note has no "Infinity ×" (as printed for a gaussian (1 | id) with one row per id)
    expect(built.notes.find((n) => n.startsWith('g__Intercept'))).toMatch(/^g__Intercept: noncentered — median likelihood sd over 60 levels 1\.00 against the levels' crude sd 0\.00 \(method of moments\);/);
    expect(e.medianLikelihoodSd).toBeCloseTo(1, 12);
    expect(e.sdEstimate).toBe(0);
    expect(e.ratio).toBe(Infinity);
    expect(e.chosen).toBe('noncentered');
    const middle = buildModel(levelsFrame([...alike(30, 20), ...alike(30, 4)]), 'y ~ 1 + (1 | g)', SD05).parameterization[0];
    expect(middle.medianLikelihoodSd).toBeCloseTo((1 / Math.sqrt(5) + 1) / 2, 12);
  });

  it(`below ${MANY_LEVELS} levels the worst level and the sd prior decide as before: 49 levels of 20 rows, ratio 0.894 > 0.4 → non-centered`, () => {
    const e = buildModel(levelsFrame(alike(49, 20)), 'y ~ 1 + (1 | g)', SD05).parameterization[0];
    expect(e.judgedBy).toBe('worst level');
    expect(e.sdEstimate).toBeUndefined();
    expect(e.ratio).toBeCloseTo(2 / Math.sqrt(5), 12);
    expect(e.chosen).toBe('noncentered');
    // 50 levels of 20 rows, r̂ = ±1.6: sd̂ = √(2.56 − 0.2) = 1.5362, ratio 0.447/1.536 = 0.291 → split
    const many = buildModel(levelsFrame([...Array(25).fill([20, 18]), ...Array(25).fill([20, 2])]), 'y ~ 1 + (1 | g)', SD05).parameterization[0];
    expect(many.sdEstimate).toBeCloseTo(Math.sqrt(2.56 - 0.2), 12);
    expect(many.chosen).toBe('split');
  });

  it('simulated data with known sd (src/data/simulate): sim:levels (sd 0.5, 10 rows a level) becomes non-centered; sim:crossed (sds 0.6 and 0.35) stays split', () => {
    const levels = buildModel(loadData('sim:levels', 1, 20_000).frame, 'y ~ x + (1 | g)').parameterization[0];
    // the one-step estimate is attenuated (10 bernoulli rows a level) but within 25% of the true 0.5
    expect(Math.abs(levels.sdEstimate! - 0.5)).toBeLessThan(0.125);
    expect(levels.ratio).toBeGreaterThan(1);
    expect(levels.chosen).toBe('noncentered');
    const crossed = buildModel(loadData('sim:crossed', 1).frame, CROSSED_FORMULA).parameterization;
    expect(crossed.map((e) => [e.label, e.chosen])).toEqual([
      ['student__Intercept', 'split'],
      ['instructor__Intercept', 'split'],
    ]);
    expect(Math.abs(crossed[0].sdEstimate! - 0.6)).toBeLessThan(0.15);
    expect(Math.abs(crossed[1].sdEstimate! - 0.35)).toBeLessThan(0.0875);
  });
});

describe('crude row scores (src/model/family-priors.ts): one Newton step for η from the crude fit', () => {
  it('poisson (log): s = y − ȳ; gaussian (identity): (y − ȳ)/s²; logit binomial: y − t·p̄; an unsupported link → null', () => {
    const y = Float64Array.of(0, 2, 4);
    expect(Array.from(crudeRowScores('poisson', y)!)).toEqual([-2, 0, 2]);
    // sample variance (n − 1) of 0, 2, 4 is 4
    const g = crudeRowScores('gaussian', y)!;
    [-0.5, 0, 0.5].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 14));
    // 6 successes of 12 trials → p̄ = 0.5
    expect(Array.from(crudeRowScores('binomial', y, Float64Array.of(4, 4, 4))!)).toEqual([-2, 0, 2]);
    expect(crudeRowScores('gaussian', y, null, 'log')).toBeNull();
  });
});

describe('explicit choices', () => {
  it('by group (all its terms) and by term label, the term label winning', () => {
    const m = buildModel(frame, 'k | trials(n) ~ x + (1 + x || h)', {
      ...SD05,
      parameterization: { h: 'noncentered', h__x: 'centered' },
    });
    expect(m.spec.terms.map((t) => t.parameterization)).toEqual(['noncentered', 'centered']);
    expect(m.parameterization.map((e) => e.source)).toEqual(['h', 'h__x']);
    expect(m.notes).toContain(
      "h__Intercept: noncentered — largest likelihood sd 0.105 (level 'b') = 0.211 × sd prior scale 0.5; set by 'h', the rule would choose split; levels' mean folded into b_Intercept",
    );
  });

  it('a correlated block (1 + x | h) is centered, split or non-centered as a whole; disagreeing choices are an error', () => {
    const rule = buildModel(frame, 'k | trials(n) ~ x + (1 + x | h)', SD05);
    const kinds = rule.parameterization.map((e) => e.ruleChoice);
    // both terms share a fixed column (Intercept, x): pinned down they are split, else non-centered
    const expected = kinds.every((k) => k !== 'noncentered') ? 'split' : 'noncentered';
    expect(rule.spec.terms.map((t) => t.parameterization)).toEqual([expected, expected]);
    expect(rule.spec.correlated?.[0].parameterization).toBe(expected);
    expect(rule.spec.correlated?.[0].foldColumns).toEqual([0, 1]);
    expect(rule.spec.terms.every((t) => t.foldColumn === undefined)).toBe(true);
    expect(buildModel(frame, 'k | trials(n) ~ x + (1 + x | h)', { parameterization: { h__x: 'centered' } }).spec.correlated?.[0].parameterization).toBe('centered');
    expect(buildModel(frame, 'k | trials(n) ~ x + (1 + x | h)', { parameterization: { h: 'split' } }).spec.correlated?.[0].parameterization).toBe('split');
    expect(errorOf(() => buildModel(frame, 'k | trials(n) ~ x + (1 + x | h)', { parameterization: { h: 'noncentered', h__x: 'centered' } }))).toBe(
      "parameterization: the correlated terms of (… | h) are set to noncentered and centered ('h', 'h__x'); they share one parameterization — set it once for the group: h=noncentered",
    );
  });

  it('CLI strings --param g=centered', () => {
    expect(parseParameterizationArgs(['h=centered', 'h__x=non-centered', 'g=split'])).toEqual({ h: 'centered', h__x: 'noncentered', g: 'split' });
    expect(errorOf(() => parseParameterizationArgs(['h=wobbly']))).toBe(
      "--param 'h=wobbly': expected <group>=centered|noncentered|split or <group>__<term>=centered|noncentered|split",
    );
    expect(errorOf(() => parseParameterizationArgs(['h=centered', 'h=noncentered']))).toBe("--param 'h=noncentered': 'h' is set twice");
  });

  it('unknown group or term, or a bad value, is a UserError', () => {
    expect(errorOf(() => buildModel(frame, 'k | trials(n) ~ (1 | h)', { parameterization: { zip: 'centered' } }))).toBe(
      "parameterization 'zip=centered': the model has no varying term or grouping factor 'zip'; valid: h, h__Intercept",
    );
    const bad = { h: 'centred' } as unknown as Record<string, 'centered'>;
    expect(errorOf(() => buildModel(frame, 'k | trials(n) ~ (1 | h)', { parameterization: bad }))).toBe(
      "parameterization 'h=centred': use centered, noncentered or split",
    );
  });
});

describe('with the default sd-scale (scaled levels, src/model/signed-scale.ts)', () => {
  const HALF = { priors: { sd: 'halfnormal(0.5)' } };
  it('a pinned few-level term (rule: split or centered) is non-centered on log sd with scaled levels; I_k as the rule computed them', () => {
    const m = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', HALF);
    const e = m.parameterization[0];
    expect([e.ruleChoice, e.chosen, e.source]).toEqual(['split', 'noncentered', 'rule']);
    const t = m.spec.terms[0];
    expect(t.parameterization).toBe('noncentered');
    expect(t.signedScale).toBeUndefined();
    // folded into the intercept, so the levels are the rotated [u, e]: I = [0, (180 + 90)/2] (split.ts rotatedInformation)
    expect(Array.from(t.levelInformation!)).toEqual([0, 135].map((x) => expect.closeTo(x, 9)));
    expect(unconstrainedNames(m.spec)).toEqual(['bsum_Intercept', 'sd_h__Intercept', 'zbar_h__Intercept', 'e_h__Intercept[1]']);
    expect(m.notes).toContain(
      "h__Intercept: noncentered — largest likelihood sd 0.105 (level 'b') = 0.211 × sd prior scale 0.5; rule: centered when ≤ 0.4 for every level; levels' mean folded into b_Intercept; pinned, so (sd-scale scaled) non-centered with log sd and its levels scaled by √(1 + sd²·I_k): centered in the data's units unless sd is near 0",
    );
    const centered = buildModel(frame, 'k | trials(n) ~ 0 + x + (1 | h)', HALF).spec.terms[0];
    expect([centered.parameterization, centered.signedScale, centered.levelInformation?.length]).toEqual(['noncentered', undefined, 2]);
  });

  it('a term the data do not pin keeps the signed sd; forced split or centered, an exponential prior or sd-scale signed keep the rule', () => {
    const loose = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { priors: ['sd=halfnormal(0.2)'] });
    expect([loose.spec.terms[0].parameterization, loose.spec.terms[0].signedScale]).toEqual(['noncentered', true]);
    expect(loose.notes.at(-1)).toMatch(/; sd sampled signed \(sd = \|v\|\), levels scaled by √\(1 \+ sd²·I_k\)$/);
    const forced = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { ...HALF, parameterization: { h: 'split' } }).spec.terms[0];
    expect([forced.parameterization, forced.levelInformation]).toEqual(['split', undefined]);
    const expo = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { priors: { sd: 'exponential(2)' } }).spec.terms[0];
    expect([expo.parameterization, expo.levelInformation]).toEqual(['split', undefined]);
    const signed = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { ...HALF, sdScale: 'signed' }).spec.terms[0];
    expect([signed.parameterization, signed.levelInformation]).toEqual(['split', undefined]);
    // forced non-centered on a pinned term: log sd with scaled levels too
    const nc = buildModel(frame, 'k | trials(n) ~ 1 + (1 | h)', { ...HALF, parameterization: { h: 'noncentered' } }).spec.terms[0];
    expect([nc.parameterization, nc.signedScale, nc.levelInformation !== undefined]).toEqual(['noncentered', undefined, true]);
  });
});
