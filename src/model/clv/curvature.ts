/**
 * Sampler coordinates fitted to a data set (parameter-map.ts): the directions of v = ln θ − ln center that the data
 * inform, and how sharply, from the curvature of each sub-model's log-likelihood. Only the sampler's coordinates depend
 * on the data here; the model (density and priors) does not.
 *
 * 1. A reference point: the maximum of log-likelihood + log prior in v with σ fixed at the hyperprior's scale h
 *    (v ~ Normal(0, h² I)), by Newton steps with a finite-difference Hessian of the analytic gradient, its eigenvalues
 *    floored at the prior's 1/h², and step halving.
 * 2. There, −∇² log-likelihood (central differences of the gradient) of each sub-model: its eigenvectors are the
 *    rotation's columns and its eigenvalues (floored at 0) the precisions π_j along them. The log-likelihood's
 *    Gaussian approximation along direction j is centred where its slope balances the prior's at the reference point
 *    w_j: π_j (ŵ_j − w_j) = w_j / h², so the pull β_j = π_j ŵ_j = w_j (π_j + 1/h²).
 * Where a step fails (non-finite likelihood) the sub-model's coordinates stay non-centred log scales (π = β = 0).
 */
import { symmetricEigen } from '../../numeric/symmetric-eigen.js';
import { BgNbdLikelihood } from './bgnbd.js';
import type { ClvPriors } from './clv-model.js';
import { GammaGammaLikelihood } from './gamma-gamma.js';
import { nonCentredCoordinates, type ClvCoordinates } from './parameter-map.js';
import type { RfmData } from './rfm-data.js';

/** One sub-model's log-likelihood with its gradient in v (n coordinates from `first` of the seven). */
interface SubModel {
  readonly first: number;
  readonly n: number;
  /** log-likelihood at θ, gradient in θ written to g (length n); −Infinity outside the domain. */
  logLik(theta: Float64Array, g: Float64Array): number;
}

const SHIFT = [0, 0, 0, 0, 0, 1, 0] as const;

/** log L and ∂/∂v of one sub-model at v (θ_k = shift + exp(μ_k + v_k)). */
function evaluate(m: SubModel, mu: Float64Array, v: Float64Array, theta: Float64Array, gTheta: Float64Array, gv: Float64Array): number {
  for (let k = 0; k < m.n; k++) theta[k] = SHIFT[m.first + k] + Math.exp(mu[m.first + k] + v[k]);
  gTheta.fill(0);
  const ll = m.logLik(theta, gTheta);
  for (let k = 0; k < m.n; k++) gv[k] = gTheta[k] * (theta[k] - SHIFT[m.first + k]);
  return ll;
}

/** −∇² log L at v by central differences of the gradient (step 1e-5), symmetrised; false where not finite. */
function negativeHessian(m: SubModel, mu: Float64Array, v: Float64Array, out: Float64Array): boolean {
  const n = m.n;
  const theta = new Float64Array(n);
  const gTheta = new Float64Array(n);
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  const h = 1e-5;
  for (let j = 0; j < n; j++) {
    const vj = v[j];
    v[j] = vj + h;
    evaluate(m, mu, v, theta, gTheta, up);
    v[j] = vj - h;
    evaluate(m, mu, v, theta, gTheta, down);
    v[j] = vj;
    for (let k = 0; k < n; k++) out[k * n + j] = -(up[k] - down[k]) / (2 * h);
  }
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      const a = 0.5 * (out[j * n + k] + out[k * n + j]);
      out[j * n + k] = a;
      out[k * n + j] = a;
    }
  }
  return out.every(Number.isFinite);
}

/**
 * The mode of log L(v) − |v|²/(2h²) (Newton, at most 50 steps), written to v (starting at 0); false where it failed.
 */
export function referencePoint(m: SubModel, mu: Float64Array, h: number, v: Float64Array): boolean {
  const n = m.n;
  const theta = new Float64Array(n);
  const gTheta = new Float64Array(n);
  const g = new Float64Array(n);
  const H = new Float64Array(n * n);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const step = new Float64Array(n);
  const start = new Float64Array(n);
  const objective = (): number => {
    let f = evaluate(m, mu, v, theta, gTheta, g);
    for (let k = 0; k < n; k++) {
      f -= (v[k] * v[k]) / (2 * h * h);
      g[k] -= v[k] / (h * h);
    }
    return f;
  };
  v.fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const f0 = objective();
    if (!Number.isFinite(f0) || !g.every(Number.isFinite)) return false;
    if (!negativeHessian(m, mu, v, H)) return false;
    for (let k = 0; k < n; k++) H[k * n + k] += 1 / (h * h);
    symmetricEigen(H, n, values, vectors);
    step.fill(0);
    for (let e = 0; e < n; e++) {
      let along = 0;
      for (let k = 0; k < n; k++) along += vectors[k * n + e] * g[k];
      const lambda = Math.max(values[e], 1 / (h * h));
      for (let k = 0; k < n; k++) step[k] += (vectors[k * n + e] * along) / lambda;
    }
    let size = 0;
    for (let k = 0; k < n; k++) size = Math.max(size, Math.abs(step[k]));
    if (size < 1e-8) return true;
    start.set(v);
    let t = 1;
    for (; t > 1e-6; t /= 2) {
      for (let k = 0; k < n; k++) v[k] = start[k] + t * step[k];
      if (objective() >= f0) break;
    }
    if (!(t > 1e-6)) {
      v.set(start);
      return true;
    }
  }
  return true;
}

/** The sampler coordinates of `data` under `priors`: rotation, precisions and pulls per sub-model. */
export function clvCoordinates(data: RfmData, priors: ClvPriors): ClvCoordinates {
  const c = priors.centers;
  const mu = Float64Array.from([c.r, c.alpha, c.a, c.b, c.p, c.q - 1, c.gamma], Math.log);
  const h = priors.hyperScale;
  const purchases = new BgNbdLikelihood(data);
  const spend = new GammaGammaLikelihood(data);
  const subModels: SubModel[] = [
    { first: 0, n: 4, logLik: (t, g) => purchases.logLik(t[0], t[1], t[2], t[3], g, 0) },
    { first: 4, n: 3, logLik: (t, g) => spend.logLik(t[0], t[1], t[2], g, 0) },
  ];
  const out = nonCentredCoordinates();
  for (const m of subModels) {
    const n = m.n;
    const v = new Float64Array(n);
    const H = new Float64Array(n * n);
    if (!referencePoint(m, mu, h, v) || !negativeHessian(m, mu, v, H)) continue;
    const values = new Float64Array(n);
    const vectors = new Float64Array(n * n);
    symmetricEigen(H, n, values, vectors);
    for (let e = 0; e < n; e++) {
      let along = 0;
      for (let k = 0; k < n; k++) {
        out.rotation[(m.first + k) * 7 + m.first + e] = vectors[k * n + e];
        along += vectors[k * n + e] * v[k];
      }
      const precision = Math.max(0, values[e]);
      out.precision[m.first + e] = precision;
      out.pull[m.first + e] = along * (precision + 1 / (h * h));
    }
  }
  return out;
}
