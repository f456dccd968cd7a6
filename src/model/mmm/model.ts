/**
 * The media-mix model as a DensityModel (src/model/density-model/types.ts), on the scaled data of design.ts:
 *
 *   y_t ~ Normal(μ_t, σ),   μ_t = intercept + trend·t/(T−1) + Σ_c β_c s_c(A_c,t) + Σ_k γ_k F_k,t + Σ_j δ_j z_j,t
 *
 * with A the geometric adstock and s the logistic or Hill saturation of media.ts, and the priors PyMC-Marketing's MMM
 * documents as its defaults (MMM_PRIORS below; all on the scaled outcome). The gradient is hand-derived through
 * adstock and saturation (tested against finite differences in tests/model/mmm/model.test.ts); each call runs in
 * O(C·T·L) with scratch arrays made once per model. Lift tests (lift.ts), when given, add one gaussian term each on
 * the lift the model implies for a channel's spend change.
 */
import type { DensityModel, ParameterBlock } from '../../model/density-model/types.js';
import type { Rng } from '../../rng.js';
import type { MmmDesign } from './design.js';
import { liftLogLik, scaleLiftTests, type MmmLiftTest, type ScaledLiftTests } from './lift.js';
import { adstock, adstockWeights, hillSaturation, logisticSaturation, saturationWithDerivatives } from './media.js';

/** Prior scales (PyMC-Marketing's MMM defaults): normal and half-normal sd, Laplace b, Beta and Gamma shapes. */
export const MMM_PRIORS = {
  intercept: { dist: 'Normal', mu: 0, sigma: 2 },
  betaLogistic: { dist: 'HalfNormal', sigma: 2 },
  betaHill: { dist: 'HalfNormal', sigma: 1.5 },
  decay: { dist: 'Beta', alpha: 1, beta: 3 },
  lam: { dist: 'Gamma', alpha: 3, beta: 1 },
  kappa: { dist: 'HalfNormal', sigma: 1.5 },
  slope: { dist: 'HalfNormal', sigma: 1.5 },
  trend: { dist: 'Normal', mu: 0, sigma: 2 },
  control: { dist: 'Normal', mu: 0, sigma: 2 },
  fourier: { dist: 'Laplace', mu: 0, b: 1 },
  sigma: { dist: 'HalfNormal', sigma: 2 },
} as const;

/** Where each block starts in the constrained vector (−1 for a block the model does not have). */
export interface MmmLayout {
  readonly intercept: number;
  readonly beta: number;
  readonly decay: number;
  /** λ (logistic) or κ (Hill). */
  readonly sat1: number;
  /** Hill slope n; −1 for logistic. */
  readonly sat2: number;
  readonly trend: number;
  readonly control: number;
  readonly fourier: number;
  readonly sigma: number;
  readonly size: number;
}

export function mmmParameters(design: MmmDesign): { blocks: ParameterBlock[]; layout: MmmLayout } {
  const C = design.channels.length;
  const blocks: ParameterBlock[] = [];
  let at = 0;
  const add = (block: ParameterBlock): number => {
    if (block.size === 0) return -1;
    blocks.push(block);
    at += block.size;
    return at - block.size;
  };
  const channels = design.channels;
  const intercept = add({ name: 'intercept', size: 1, transform: { kind: 'real' } });
  const beta = add({ name: 'beta', size: C, transform: { kind: 'positive' }, coordinates: channels });
  const decay = add({ name: 'decay', size: C, transform: { kind: 'unit' }, coordinates: channels });
  const hill = design.settings.saturation === 'hill';
  const sat1 = add({ name: hill ? 'kappa' : 'lam', size: C, transform: { kind: 'positive' }, coordinates: channels });
  const sat2 = hill ? add({ name: 'slope', size: C, transform: { kind: 'positive' }, coordinates: channels }) : -1;
  const trend = add({ name: 'trend', size: design.trend.length > 0 ? 1 : 0, transform: { kind: 'real' } });
  const control = add({
    name: 'gamma_control',
    size: design.controls.length,
    transform: { kind: 'real' },
    coordinates: design.controls,
  });
  const fourier = add({
    name: 'gamma_fourier',
    size: design.fourierNames.length,
    transform: { kind: 'real' },
    coordinates: design.fourierNames,
  });
  const sigma = add({ name: 'sigma', size: 1, transform: { kind: 'positive' } });
  return { blocks, layout: { intercept, beta, decay, sat1, sat2, trend, control, fourier, sigma, size: at } };
}

/**
 * Per-channel saturated media s_c,t (scaled units, before β) at the parameters theta, into out (channel-major C·T);
 * w is scratch of length L. The spend may be any scaled series of the design's length (x defaults to the data's).
 */
export function saturatedMedia(
  design: MmmDesign,
  layout: MmmLayout,
  theta: Float64Array,
  out: Float64Array,
  w: Float64Array,
  x: Float64Array = design.x,
): void {
  const C = design.channels.length;
  const T = design.T;
  const hill = design.settings.saturation === 'hill';
  for (let c = 0; c < C; c++) {
    adstockWeights(theta[layout.decay + c], w);
    adstock(x, c * T, T, w, out, c * T);
    const p1 = theta[layout.sat1 + c];
    const p2 = hill ? theta[layout.sat2 + c] : 0;
    for (let t = 0; t < T; t++) {
      const a = out[c * T + t];
      out[c * T + t] = hill ? hillSaturation(a, p1, p2) : logisticSaturation(a, p1);
    }
  }
}

export interface MmmModel extends DensityModel {
  readonly design: MmmDesign;
  readonly layout: MmmLayout;
  /** The lift tests the model is calibrated with (scaled units); count 0 for none. */
  readonly liftTests: ScaledLiftTests;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function createMmmModel(design: MmmDesign, liftTests: readonly MmmLiftTest[] = []): MmmModel {
  const { blocks, layout } = mmmParameters(design);
  const lift = scaleLiftTests(design, liftTests);
  const liftSat = new Float64Array(8);
  const C = design.channels.length;
  const T = design.T;
  const L = design.settings.maxLag;
  const hill = design.settings.saturation === 'hill';
  const betaSd = hill ? MMM_PRIORS.betaHill.sigma : MMM_PRIORS.betaLogistic.sigma;
  const nControls = design.controls.length;
  const nFourier = design.fourierNames.length;
  // Scratch, made once per model (calls are sequential: one chain at a time).
  const w = new Float64Array(L);
  const dw = new Float64Array(L);
  const a = new Float64Array(C * T);
  const da = new Float64Array(C * T);
  const s = new Float64Array(C * T);
  const dsDa = new Float64Array(C * T);
  const dsP1 = new Float64Array(C * T);
  const dsP2 = new Float64Array(C * T);
  const mu = new Float64Array(T);
  const sat = new Float64Array(4);

  function linearPredictor(theta: Float64Array, withDerivatives: boolean): void {
    const intercept = theta[layout.intercept];
    const tau = layout.trend >= 0 ? theta[layout.trend] : 0;
    for (let t = 0; t < T; t++) mu[t] = intercept + (layout.trend >= 0 ? tau * design.trend[t] : 0);
    for (let j = 0; j < nControls; j++) {
      const g = theta[layout.control + j];
      for (let t = 0; t < T; t++) mu[t] += g * design.z[j * T + t];
    }
    for (let k = 0; k < nFourier; k++) {
      const g = theta[layout.fourier + k];
      for (let t = 0; t < T; t++) mu[t] += g * design.fourier[k * T + t];
    }
    for (let c = 0; c < C; c++) {
      const beta = theta[layout.beta + c];
      const p1 = theta[layout.sat1 + c];
      const p2 = hill ? theta[layout.sat2 + c] : 0;
      adstockWeights(theta[layout.decay + c], w, withDerivatives ? dw : undefined);
      adstock(design.x, c * T, T, w, a, c * T, withDerivatives ? dw : undefined, withDerivatives ? da : undefined);
      for (let t = 0; t < T; t++) {
        const i = c * T + t;
        saturationWithDerivatives(design.settings.saturation, a[i], p1, p2, sat);
        s[i] = sat[0];
        dsDa[i] = sat[1];
        dsP1[i] = sat[2];
        dsP2[i] = sat[3];
        mu[t] += beta * sat[0];
      }
    }
  }

  function logPrior(theta: Float64Array, grad: Float64Array): number {
    let lp = 0;
    const ic = theta[layout.intercept] / MMM_PRIORS.intercept.sigma;
    lp -= 0.5 * ic * ic;
    grad[layout.intercept] = -ic / MMM_PRIORS.intercept.sigma;
    for (let c = 0; c < C; c++) {
      const beta = theta[layout.beta + c];
      const alpha = theta[layout.decay + c];
      const p1 = theta[layout.sat1 + c];
      if (!(beta >= 0) || !(alpha > 0 && alpha < 1) || !(p1 > 0)) return -Infinity;
      lp -= (0.5 * beta * beta) / (betaSd * betaSd);
      grad[layout.beta + c] = -beta / (betaSd * betaSd);
      // Beta(1, 3): (3 − 1)·log(1 − α).
      lp += (MMM_PRIORS.decay.beta - 1) * Math.log1p(-alpha);
      grad[layout.decay + c] = -(MMM_PRIORS.decay.beta - 1) / (1 - alpha);
      if (hill) {
        const n = theta[layout.sat2 + c];
        if (!(n > 0)) return -Infinity;
        const ks = MMM_PRIORS.kappa.sigma;
        const ns = MMM_PRIORS.slope.sigma;
        lp -= (0.5 * p1 * p1) / (ks * ks) + (0.5 * n * n) / (ns * ns);
        grad[layout.sat1 + c] = -p1 / (ks * ks);
        grad[layout.sat2 + c] = -n / (ns * ns);
      } else {
        // Gamma(3, rate 1): (3 − 1)·log λ − λ.
        lp += (MMM_PRIORS.lam.alpha - 1) * Math.log(p1) - MMM_PRIORS.lam.beta * p1;
        grad[layout.sat1 + c] = (MMM_PRIORS.lam.alpha - 1) / p1 - MMM_PRIORS.lam.beta;
      }
    }
    if (layout.trend >= 0) {
      const z = theta[layout.trend] / MMM_PRIORS.trend.sigma;
      lp -= 0.5 * z * z;
      grad[layout.trend] = -z / MMM_PRIORS.trend.sigma;
    }
    for (let j = 0; j < nControls; j++) {
      const z = theta[layout.control + j] / MMM_PRIORS.control.sigma;
      lp -= 0.5 * z * z;
      grad[layout.control + j] = -z / MMM_PRIORS.control.sigma;
    }
    for (let k = 0; k < nFourier; k++) {
      const g = theta[layout.fourier + k];
      lp -= Math.abs(g) / MMM_PRIORS.fourier.b;
      grad[layout.fourier + k] = -Math.sign(g) / MMM_PRIORS.fourier.b;
    }
    const sigma = theta[layout.sigma];
    if (!(sigma > 0)) return -Infinity;
    lp -= (0.5 * sigma * sigma) / (MMM_PRIORS.sigma.sigma * MMM_PRIORS.sigma.sigma);
    grad[layout.sigma] = -sigma / (MMM_PRIORS.sigma.sigma * MMM_PRIORS.sigma.sigma);
    return lp;
  }

  function logDensity(theta: Float64Array, grad: Float64Array): number {
    grad.fill(0);
    const lp = logPrior(theta, grad);
    if (!Number.isFinite(lp)) return -Infinity;
    linearPredictor(theta, true);
    const sigma = theta[layout.sigma];
    const inv2 = 1 / (sigma * sigma);
    let ll = -T * Math.log(sigma);
    let sumSq = 0;
    // r_t = (y_t − μ_t)/σ²: the derivative of the log-likelihood with respect to μ_t, kept in mu.
    for (let t = 0; t < T; t++) {
      const e = design.y[t] - mu[t];
      sumSq += e * e;
      mu[t] = e * inv2;
    }
    ll -= 0.5 * sumSq * inv2;
    grad[layout.sigma] += -T / sigma + sumSq * inv2 / sigma;
    let gi = 0;
    for (let t = 0; t < T; t++) gi += mu[t];
    grad[layout.intercept] += gi;
    if (layout.trend >= 0) {
      let g = 0;
      for (let t = 0; t < T; t++) g += mu[t] * design.trend[t];
      grad[layout.trend] += g;
    }
    for (let j = 0; j < nControls; j++) {
      let g = 0;
      for (let t = 0; t < T; t++) g += mu[t] * design.z[j * T + t];
      grad[layout.control + j] += g;
    }
    for (let k = 0; k < nFourier; k++) {
      let g = 0;
      for (let t = 0; t < T; t++) g += mu[t] * design.fourier[k * T + t];
      grad[layout.fourier + k] += g;
    }
    for (let c = 0; c < C; c++) {
      const beta = theta[layout.beta + c];
      let gb = 0;
      let gd = 0;
      let g1 = 0;
      let g2 = 0;
      for (let t = 0; t < T; t++) {
        const i = c * T + t;
        const r = mu[t];
        gb += r * s[i];
        gd += r * dsDa[i] * da[i];
        g1 += r * dsP1[i];
        g2 += r * dsP2[i];
      }
      grad[layout.beta + c] += gb;
      grad[layout.decay + c] += beta * gd;
      grad[layout.sat1 + c] += beta * g1;
      if (hill) grad[layout.sat2 + c] += beta * g2;
    }
    if (lift.count > 0) ll += liftLogLik(lift, design.settings.saturation, layout, theta, grad, liftSat);
    const total = lp + ll;
    return Number.isFinite(total) ? total : -Infinity;
  }

  function pointwiseLogLik(theta: Float64Array, out: Float64Array): void {
    linearPredictor(theta, false);
    const sigma = theta[layout.sigma];
    const logSigma = Math.log(sigma);
    for (let t = 0; t < T; t++) {
      const r = (design.y[t] - mu[t]) / sigma;
      out[t] = -HALF_LOG_2PI - logSigma - 0.5 * r * r;
    }
  }

  const gqNames: string[] = [];
  for (const c of design.channels) gqNames.push(`contribution[${c}]`);
  for (const c of design.channels) gqNames.push(`roas[${c}]`);
  const gqScratch = new Float64Array(C * T);
  const generated = {
    names: gqNames,
    compute(theta: Float64Array, out: Float64Array, _rng: Rng): void {
      saturatedMedia(design, layout, theta, gqScratch, w);
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let t = 0; t < T; t++) sum += gqScratch[c * T + t];
        const contribution = design.yScale * theta[layout.beta + c] * sum;
        out[c] = contribution;
        out[C + c] = design.spendTotal[c] > 0 ? contribution / design.spendTotal[c] : NaN;
      }
    },
  };

  return {
    kind: 'mmm',
    parameters: blocks,
    observations: T,
    design,
    layout,
    liftTests: lift,
    logDensity,
    pointwiseLogLik,
    generated,
  };
}
