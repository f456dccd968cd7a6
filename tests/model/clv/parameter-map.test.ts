/**
 * The sampler coordinates of the BG/NBD + Gamma-Gamma model (src/model/clv/parameter-map.ts, curvature.ts): a change of
 * variables, so the checks are that it is one — log |J| equal to the log-determinant of the finite-difference
 * Jacobian, the chained gradient equal to central differences of log p(T(u)) + log |J|, T⁻¹(T(u)) = u — and that the
 * data-fitted coordinates are what curvature.ts says: the reference point a stationary point of its objective, the
 * precisions the curvature of the log-likelihood along the rotated directions (second differences of its values, not
 * of its gradient).
 */
import { describe, expect, it } from 'vitest';
import { rfmFromEvents, simulateClvEvents } from '../../../src/data/simulate/clv.js';
import { BgNbdLikelihood } from '../../../src/model/clv/bgnbd.js';
import { clvDensityModel, defaultClvPriors, meanRepeatSpend } from '../../../src/model/clv/clv-model.js';
import { clvCoordinates } from '../../../src/model/clv/curvature.js';
import { GammaGammaLikelihood } from '../../../src/model/clv/gamma-gamma.js';
import { ClvParameterMap, nonCentredCoordinates } from '../../../src/model/clv/parameter-map.js';
import { DensityTarget } from '../../../src/model/density-model/target.js';

const data = rfmFromEvents(simulateClvEvents({ seed: 3, customers: 300 }), 52);
const priors = defaultClvPriors(meanRepeatSpend(data));
const c = priors.centers;
const logCenter = Float64Array.from([c.r, c.alpha, c.a, c.b, c.p, c.q - 1, c.gamma], Math.log);
const coordinates = clvCoordinates(data, priors);

let seed = 17;
const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const randomU = () => Float64Array.from({ length: 9 }, (_, k) => (k < 7 ? 3 * (uniform() - 0.5) : -3 + 3 * uniform()));

/** log |det A| of an n × n row-major matrix by Gaussian elimination with partial pivoting. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let out = 0;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row * n + col]) > Math.abs(m[pivot * n + col])) pivot = row;
    for (let k = 0; k < n; k++) [m[col * n + k], m[pivot * n + k]] = [m[pivot * n + k], m[col * n + k]];
    out += Math.log(Math.abs(m[col * n + col]));
    for (let row = col + 1; row < n; row++) {
      const f = m[row * n + col] / m[col * n + col];
      for (let k = col; k < n; k++) m[row * n + k] -= f * m[col * n + k];
    }
  }
  return out;
}

describe('BG/NBD + Gamma-Gamma sampler coordinates', () => {
  const map = new ClvParameterMap(logCenter, coordinates);

  it('log |J| equals the log-determinant of the finite-difference Jacobian of x = T(u)', () => {
    const x = new Float64Array(9);
    const up = new Float64Array(9);
    const down = new Float64Array(9);
    for (let trial = 0; trial < 5; trial++) {
      const u = randomU();
      const logJ = map.constrain(u, x);
      const J = new Float64Array(81);
      for (let j = 0; j < 9; j++) {
        const h = 1e-6;
        const uu = Float64Array.from(u);
        uu[j] += h;
        map.constrain(uu, up);
        uu[j] -= 2 * h;
        map.constrain(uu, down);
        for (let k = 0; k < 9; k++) J[k * 9 + j] = (up[k] - down[k]) / (2 * h);
      }
      expect(Math.abs(logJ - logAbsDet(J, 9))).toBeLessThan(1e-6 * Math.max(1, Math.abs(logJ)));
    }
  });

  it('the gradient on the sampler scale matches central differences of log p(T(u)) + log |J|', () => {
    const target = new DensityTarget(clvDensityModel(data, priors, { coordinates }));
    const grad = new Float64Array(9);
    const scratch = new Float64Array(9);
    for (let trial = 0; trial < 5; trial++) {
      const u = randomU();
      expect(Number.isFinite(target.evaluate(u, grad))).toBe(true);
      for (let k = 0; k < 9; k++) {
        const step = 1e-6 * Math.max(1, Math.abs(u[k]));
        const uu = Float64Array.from(u);
        uu[k] += step;
        const fUp = target.evaluate(uu, scratch);
        uu[k] -= 2 * step;
        const fd = (fUp - target.evaluate(uu, scratch)) / (2 * step);
        expect(Math.abs(grad[k] - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('unconstrain inverts constrain; with no data information the coordinates are the non-centred ones', () => {
    const x = new Float64Array(9);
    const back = new Float64Array(9);
    for (let trial = 0; trial < 5; trial++) {
      const u = randomU();
      map.constrain(u, x);
      map.unconstrain(x, back);
      for (let k = 0; k < 9; k++) expect(Math.abs(back[k] - u[k])).toBeLessThan(1e-10 * Math.max(1, Math.abs(u[k])));
    }
    const plain = new ClvParameterMap(logCenter, nonCentredCoordinates());
    const u = randomU();
    plain.constrain(u, x);
    for (let k = 0; k < 7; k++) {
      const sigma = Math.exp(u[k < 4 ? 7 : 8]);
      const v = Math.log(k === 5 ? x[k] - 1 : x[k]) - logCenter[k];
      expect(Math.abs(v - sigma * u[k])).toBeLessThan(1e-12);
    }
  });

  it('fitted coordinates: a stationary reference point, and precisions equal to the log-likelihood curvature along the rotation', () => {
    const bg = new BgNbdLikelihood(data);
    const gg = new GammaGammaLikelihood(data);
    const h = priors.hyperScale;
    const logLik = (v: ArrayLike<number>): number => {
      const t = Array.from({ length: 7 }, (_, k) => (k === 5 ? 1 : 0) + Math.exp(logCenter[k] + v[k]));
      return bg.logLik(t[0], t[1], t[2], t[3], null) + gg.logLik(t[4], t[5], t[6], null);
    };
    // the reference point in v: by the map's definition of the pull, w_j = β_j / (π_j + 1/h²) along each direction
    const { rotation, precision, pull } = coordinates;
    const vRef = new Float64Array(7);
    for (let k = 0; k < 7; k++) for (let j = 0; j < 7; j++) vRef[k] += rotation[k * 7 + j] * (pull[j] / (precision[j] + 1 / (h * h)));
    const objective = (v: ArrayLike<number>) => logLik(v) - Array.from(v).reduce((s, x) => s + x * x, 0) / (2 * h * h);
    for (let j = 0; j < 7; j++) {
      const e = 1e-4;
      const dir = (t: number) => vRef.map((v, k) => v + t * rotation[k * 7 + j]);
      const slope = (objective(dir(e)) - objective(dir(-e))) / (2 * e);
      expect(Math.abs(slope)).toBeLessThan(1e-3 * Math.max(1, precision[j]));
      const curvature = -(logLik(dir(e)) - 2 * logLik(vRef) + logLik(dir(-e))) / (e * e);
      expect(Math.abs(curvature - precision[j])).toBeLessThan(1e-3 * Math.max(1, precision[j]));
    }
    // the purchase rate r/α is what purchase counts pin down best: the sharpest purchase direction is ≈ ln r − ln α
    let best = 0;
    for (let j = 1; j < 4; j++) if (precision[j] > precision[best]) best = j;
    expect(Math.abs(rotation[0 * 7 + best] - rotation[1 * 7 + best]) / Math.SQRT2).toBeGreaterThan(0.9);
  });
});
