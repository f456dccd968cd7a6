// The default warm-up (src/fit/adapt-choice.ts): fisher without varying terms and when every varying term has
// MANY_LEVELS levels or more or a scaled signed sd; Stan's windows with the early metric otherwise; an explicit choice is kept as given.
import { describe, expect, it } from 'vitest';
import { chooseAdapt } from '../../src/fit/adapt-choice.js';
import { MANY_LEVELS } from '../../src/model/parameterization.js';
import type { ModelSpec } from '../../src/model/spec.js';

function specOf(levelCounts: readonly number[]): Pick<ModelSpec, 'terms' | 'groups'> {
  return {
    groups: levelCounts.map((k, g) => ({ name: `g${g}`, levels: Array.from({ length: k }, (_, i) => `l${i}`) })),
    terms: levelCounts.map((_, g) => ({ group: g })),
  } as unknown as Pick<ModelSpec, 'terms' | 'groups'>;
}

describe('chooseAdapt', () => {
  it('auto: fisher without varying terms or when all have many levels, else stan with the early metric', () => {
    expect(chooseAdapt('auto', specOf([]))).toEqual({ adapt: 'fisher', earlyMetric: false });
    expect(chooseAdapt('auto', specOf([3000, 1000]))).toEqual({ adapt: 'fisher', earlyMetric: false });
    expect(chooseAdapt('auto', specOf([MANY_LEVELS]))).toEqual({ adapt: 'fisher', earlyMetric: false });
    expect(chooseAdapt('auto', specOf([MANY_LEVELS - 1]))).toEqual({ adapt: 'stan', earlyMetric: true });
    // one few-level term (a weakly identified sd) keeps the windows for the whole model
    expect(chooseAdapt('auto', specOf([3000, 3]))).toEqual({ adapt: 'stan', earlyMetric: true });
    expect(chooseAdapt('auto', specOf([7]))).toEqual({ adapt: 'stan', earlyMetric: true });
    // a few-level term with a signed sd and scaled levels (src/model/signed-scale.ts) joins the Fisher warm-up
    const scaled = (spec: Pick<ModelSpec, 'terms' | 'groups'>, which: readonly number[]): Pick<ModelSpec, 'terms' | 'groups'> => ({
      ...spec,
      terms: spec.terms.map((t, k) => (which.includes(k) ? { ...t, signedScale: true, levelInformation: new Float64Array(7) } : t)),
    });
    expect(chooseAdapt('auto', scaled(specOf([7]), [0]))).toEqual({ adapt: 'fisher', earlyMetric: false });
    expect(chooseAdapt('auto', scaled(specOf([3000, 7]), [1]))).toEqual({ adapt: 'fisher', earlyMetric: false });
    expect(chooseAdapt('auto', scaled(specOf([7, 3]), [0]))).toEqual({ adapt: 'stan', earlyMetric: true });
  });

  it('auto with the low-rank metric keeps the windows (its estimator lives there); explicit choices are kept', () => {
    expect(chooseAdapt('auto', specOf([3000]), 'lowrank')).toEqual({ adapt: 'stan', earlyMetric: true });
    expect(chooseAdapt('stan', specOf([]))).toEqual({ adapt: 'stan', earlyMetric: false });
    expect(chooseAdapt('fisher', specOf([3]))).toEqual({ adapt: 'fisher', earlyMetric: false });
  });
});
