/**
 * The ITS model's log density and gradient: the gradient against central finite differences (both families, on the
 * constrained and unconstrained scales), the pointwise log-likelihood against the normal and student-t densities
 * written out here, and the log density at 20 random unconstrained points against rstan's log_prob (with the
 * Jacobian) on the same data, up to one constant (tests/fixtures/its/stan-logprob-*.json, scripts/reference/its.R).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DensityTarget } from '../../../src/model/density-model/target.js';
import { itsModel } from '../../../src/model/its/model.js';
import { lgamma } from '../../../src/numeric/log-gamma.js';
import { Rng } from '../../../src/rng.js';
import { referenceData } from '../../../scripts/reference/its-data.js';

const FIXTURES = 'tests/fixtures/its';

describe('ITS model', () => {
  for (const family of ['gaussian', 'student'] as const) {
    const { design, priors } = referenceData(family);
    const model = itsModel(design, family, priors);
    const P = design.names.length;
    const D = P + (family === 'student' ? 3 : 2);

    it(`${family}: gradient on the constrained scale equals central finite differences`, () => {
      const rng = new Rng(17);
      const theta = new Float64Array(D);
      const grad = new Float64Array(D);
      const scratch = new Float64Array(D);
      for (let rep = 0; rep < 5; rep++) {
        theta[0] = priors.alphaMean + rng.uniformRange(-5, 5);
        for (let j = 0; j < P; j++) theta[1 + j] = rng.uniformRange(-4, 4);
        theta[1 + P] = rng.uniformRange(2, 8);
        if (family === 'student') theta[2 + P] = rng.uniformRange(1, 30);
        model.logDensity(theta, grad);
        for (let j = 0; j < D; j++) {
          const h = 1e-5 * Math.max(1, Math.abs(theta[j]));
          const up = theta.slice();
          const dn = theta.slice();
          up[j] += h;
          dn[j] -= h;
          const fd = (model.logDensity(up, scratch) - model.logDensity(dn, scratch)) / (2 * h);
          expect(Math.abs(grad[j] - fd), `d/d theta[${j}]`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      }
    });

    it(`${family}: pointwise log-likelihood is the ${family} density`, () => {
      const theta = new Float64Array(D);
      theta[0] = priors.alphaMean;
      theta[1] = 1.5;
      theta[1 + P] = 3;
      if (family === 'student') theta[2 + P] = 4.5;
      const out = new Float64Array(design.nPre);
      model.pointwiseLogLik!(theta, out);
      for (const i of [0, 7, design.nPre - 1]) {
        const mu = theta[0] + 1.5 * design.x[i * P];
        const r = (design.y[i] - mu) / 3;
        const nu = 4.5;
        const expected =
          family === 'gaussian'
            ? Math.log(1 / (3 * Math.sqrt(2 * Math.PI))) - r * r / 2
            : lgamma((nu + 1) / 2) - lgamma(nu / 2) - Math.log(Math.sqrt(nu * Math.PI) * 3) - ((nu + 1) / 2) * Math.log(1 + (r * r) / nu);
        expect(out[i]).toBeCloseTo(expected, 12);
      }
    });

    const fixture = `${FIXTURES}/stan-logprob-${family}.json`;
    it(`${family}: log density equals rstan's log_prob up to a constant`, () => {
      const ref = JSON.parse(readFileSync(fixture, 'utf8')) as { points: { u: number[]; lp: number }[] };
      const target = new DensityTarget(model);
      const grad = new Float64Array(target.dim);
      const diffs = ref.points.map((p) => target.evaluate(Float64Array.from(p.u), grad) - p.lp);
      expect(ref.points.length).toBe(20);
      for (const d of diffs) expect(d).toBeCloseTo(diffs[0], 8);
    });
  }
});
