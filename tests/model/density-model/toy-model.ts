/**
 * A density model whose posterior is known in closed form, for the framework's tests: y_i ~ normal(mu, 1) with
 * mu ~ normal(0, 10) (conjugate: normal posterior), and three blocks the data do not touch, so their posterior is
 * their prior: tau ~ gamma(3, rate 2) (positive), w ~ Dirichlet(2, 3, 5) (simplex), r = −1 + 5p with
 * p ~ beta(2, 2) (interval (−1, 4)). Generated: y_rep ~ normal(mu, 1).
 */
import type { DensityModel } from '../../../src/model/density-model/types.js';

export const TOY_ALPHA = [2, 3, 5];
const PRIOR_SD = 10;

export function toyModel(y: Float64Array): DensityModel & { posterior: { mean: number; sd: number } } {
  const n = y.length;
  let sum = 0;
  for (const v of y) sum += v;
  const precision = n + 1 / PRIOR_SD ** 2;
  const logNorm = -0.5 * Math.log(2 * Math.PI);
  return {
    kind: 'toy',
    posterior: { mean: sum / precision, sd: Math.sqrt(1 / precision) },
    parameters: [
      { name: 'mu', size: 1, transform: { kind: 'real' } },
      { name: 'tau', size: 1, transform: { kind: 'positive' } },
      { name: 'w', size: 3, transform: { kind: 'simplex' }, coordinates: ['a', 'b', 'c'] },
      { name: 'r', size: 1, transform: { kind: 'interval', lower: -1, upper: 4 } },
    ],
    observations: n,
    logDensity(theta, grad) {
      const [mu, tau, w0, w1, w2, r] = theta;
      if (!(tau > 0) || !(w0 > 0 && w1 > 0 && w2 > 0) || !(r > -1 && r < 4)) return -Infinity;
      let lp = -0.5 * (mu / PRIOR_SD) ** 2;
      let gmu = -mu / PRIOR_SD ** 2;
      for (let i = 0; i < n; i++) {
        lp -= 0.5 * (y[i] - mu) ** 2;
        gmu += y[i] - mu;
      }
      lp += 2 * Math.log(tau) - 2 * tau;
      lp += (TOY_ALPHA[0] - 1) * Math.log(w0) + (TOY_ALPHA[1] - 1) * Math.log(w1) + (TOY_ALPHA[2] - 1) * Math.log(w2);
      const p = (r + 1) / 5;
      lp += Math.log(p) + Math.log(1 - p);
      grad[0] = gmu;
      grad[1] = 2 / tau - 2;
      grad[2] = (TOY_ALPHA[0] - 1) / w0;
      grad[3] = (TOY_ALPHA[1] - 1) / w1;
      grad[4] = (TOY_ALPHA[2] - 1) / w2;
      grad[5] = (1 / p - 1 / (1 - p)) / 5;
      return lp;
    },
    pointwiseLogLik(theta, out) {
      for (let i = 0; i < n; i++) out[i] = logNorm - 0.5 * (y[i] - theta[0]) ** 2;
    },
    generated: {
      names: ['y_rep'],
      compute(theta, out, rng) {
        out[0] = theta[0] + rng.normal();
      },
    },
  };
}
