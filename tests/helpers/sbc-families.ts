/**
 * The small model per family that tests/sampler/sbc-families.slow.test.ts calibrates: y ~ x + (1 | g) on SBC_ROWS rows
 * with SBC_LEVELS levels of g (non-centered), and priors that keep the simulated data sane without redrawing:
 *   gaussian     Intercept ~ student_t(3, 0, 1), b ~ normal(0, 1),   sd ~ halfnormal(0.5),        sigma ~ exponential(0.5)
 *   bernoulli    (probit) Intercept ~ normal(0, 1), b ~ normal(0, 0.5), sd ~ halfnormal(0.5)
 *   binomial     (logit, 1–10 trials) Intercept ~ normal(0, 1), b ~ normal(0, 0.5), sd ~ halfstudent_t(3, 0.5)
 *   poisson      Intercept ~ normal(1, 0.5), b ~ normal(0, 0.3), sd ~ halfnormal(0.3)
 *   negbinomial  Intercept ~ normal(1, 0.5), b ~ normal(0, 0.3), sd ~ halfnormal(0.3),       shape ~ gamma(2, 0.5)
 *   gamma        Intercept ~ normal(0, 1),   b ~ normal(0, 0.5), sd ~ halfnormal(0.5),       shape ~ gamma(4, 1)
 *   lognormal    Intercept ~ normal(0, 1),   b ~ normal(0, 0.5), sd ~ exponential(2),        sigma ~ halfstudent_t(3, 1)
 * (log-link means e^η mostly below e^3; every prior family of src/model/prior.ts is drawn somewhere).
 */
import type { SbcModelOptions } from './sbc.js';

export const SBC_LEVELS = 5;
export const SBC_ROWS = 40;

export type SbcFamilyCase = Omit<SbcModelOptions, 'seed' | 'levels'> & { readonly label: string };

export const SBC_FAMILIES: readonly SbcFamilyCase[] = [
  {
    label: 'gaussian (identity)',
    family: 'gaussian',
    n: SBC_ROWS,
    intercept: { family: 'student_t', params: [3, 0, 1] },
    b: { family: 'normal', params: [0, 1] },
    sd: { family: 'halfnormal', params: [0.5] },
    aux: { family: 'exponential', params: [0.5] },
  },
  {
    label: 'bernoulli (probit)',
    family: 'bernoulli',
    link: 'probit',
    n: SBC_ROWS,
    intercept: { family: 'normal', params: [0, 1] },
    b: { family: 'normal', params: [0, 0.5] },
    sd: { family: 'halfnormal', params: [0.5] },
  },
  {
    label: 'binomial (logit, 1–10 trials)',
    family: 'binomial',
    n: SBC_ROWS,
    maxTrials: 10,
    intercept: { family: 'normal', params: [0, 1] },
    b: { family: 'normal', params: [0, 0.5] },
    sd: { family: 'halfstudent_t', params: [3, 0.5] },
  },
  {
    label: 'poisson (log)',
    family: 'poisson',
    n: SBC_ROWS,
    intercept: { family: 'normal', params: [1, 0.5] },
    b: { family: 'normal', params: [0, 0.3] },
    sd: { family: 'halfnormal', params: [0.3] },
  },
  {
    label: 'negbinomial (log, shape)',
    family: 'negbinomial',
    n: SBC_ROWS,
    intercept: { family: 'normal', params: [1, 0.5] },
    b: { family: 'normal', params: [0, 0.3] },
    sd: { family: 'halfnormal', params: [0.3] },
    aux: { family: 'gamma', params: [2, 0.5] },
  },
  {
    label: 'gamma (log, shape)',
    family: 'gamma',
    n: SBC_ROWS,
    intercept: { family: 'normal', params: [0, 1] },
    b: { family: 'normal', params: [0, 0.5] },
    sd: { family: 'halfnormal', params: [0.5] },
    aux: { family: 'gamma', params: [4, 1] },
  },
  {
    label: 'lognormal (sigma)',
    family: 'lognormal',
    n: SBC_ROWS,
    intercept: { family: 'normal', params: [0, 1] },
    b: { family: 'normal', params: [0, 0.5] },
    sd: { family: 'exponential', params: [2] },
    aux: { family: 'halfstudent_t', params: [3, 1] },
  },
];
