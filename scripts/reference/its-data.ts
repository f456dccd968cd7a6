/**
 * Writes tests/fixtures/its/stan-data-<family>.json: the pre-period design, outcome and priors of the ITS model on
 * sim:its (seed 3, 80 days, intervention on day 60, weekly seasonality of order 1, temperature as covariate), as
 * scripts/reference/its.R reads them for rstan. Run: npx tsx scripts/reference/its-data.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { builtinDataset } from '../../src/data/datasets.js';
import { defaultItsPriors, itsDesign } from '../../src/model/its/design.js';
import type { ItsFamily } from '../../src/model/its/model.js';
import { readSeries } from '../../src/model/its/series.js';

export const ITS_REFERENCE_CASE = {
  seed: 3,
  rows: 80,
  columns: { time: 'date', outcome: 'sales', covariates: ['temperature'], intervention: '2023-03-02' },
  design: { seasonality: 'weekly' as const, fourier: 1 },
};

export function referenceData(family: ItsFamily) {
  const { frame } = builtinDataset('its', ITS_REFERENCE_CASE.seed, ITS_REFERENCE_CASE.rows);
  const series = readSeries(frame, ITS_REFERENCE_CASE.columns);
  const design = itsDesign(series, ITS_REFERENCE_CASE.design);
  const priors = defaultItsPriors(design);
  const P = design.names.length;
  const X = Array.from({ length: design.nPre }, (_, i) => Array.from(design.x.subarray(i * P, (i + 1) * P)));
  return {
    series,
    design,
    priors,
    stan: {
      N: design.nPre,
      P,
      X,
      y: Array.from(design.y.subarray(0, design.nPre)),
      student: family === 'student' ? 1 : 0,
      alpha_mean: priors.alphaMean,
      alpha_sd: priors.alphaSd,
      beta_sd: priors.betaSd,
      sigma_rate: priors.sigmaRate,
      nu_shape: priors.nuShape,
      nu_rate: priors.nuRate,
    },
  };
}

if (process.argv[1]?.endsWith('its-data.ts')) {
  mkdirSync('tests/fixtures/its', { recursive: true });
  for (const family of ['gaussian', 'student'] as const) {
    writeFileSync(`tests/fixtures/its/stan-data-${family}.json`, JSON.stringify(referenceData(family).stan, null, 1) + '\n');
  }
}
