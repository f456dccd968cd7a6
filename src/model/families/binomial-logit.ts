/**
 * bernoulli and binomial with the logit link: y_i ~ Binomial(n_i, σ(η_i)), n_i = 1 for bernoulli.
 *   log p = log C(n, y) + y·log σ(η) + (n − y)·log(1 − σ(η)) = log C(n, y) − y·softplus(−η) − (n − y)·softplus(η)
 *   ∂/∂η  = y − n·σ(η) = y·σ(−η) − (n − y)·σ(η)
 *   ∂²/∂η² = −n·σ(η)·σ(−η)
 * Written as sums of same-signed terms, no digits cancel when a likely outcome has |η| large (y·η − n·softplus(η)
 * would subtract two nearly equal numbers); σ(−η) = 1 − σ(η) is computed directly, not by subtraction. The native
 * kernel (native/src/kernel_impl.hpp, loglik_and_residual) and the WGSL one (shaders/families/binomial-logit.wgsl) compute
 * the same function; their tests compare them with this one through the reference backend.
 * log C(n, y) comes precomputed per row (spec.logChoose, src/model/log-choose.ts); bernoulli has none.
 */
import { sigmoid, softplus } from '../../numeric/logistic.js';
import type { FamilyModule, FamilyRows } from './family.js';
import * as pm from '../../numeric/portable-math.js';

function rowLogLik(rows: FamilyRows, i: number, eta: number): number {
  const y = rows.y[i];
  const failures = (rows.trials ? rows.trials[i] : 1) - y;
  let ll = (y > 0 ? -y * softplus(-eta) : 0) + (failures > 0 ? -failures * softplus(eta) : 0);
  if (rows.logChoose) ll += rows.logChoose[i];
  return ll;
}

function rowDEta(rows: FamilyRows, i: number, eta: number): number {
  const y = rows.y[i];
  const failures = (rows.trials ? rows.trials[i] : 1) - y;
  return (y > 0 ? y * sigmoid(-eta) : 0) - (failures > 0 ? failures * sigmoid(eta) : 0);
}

function noAux(name: string, a: number): never {
  throw new RangeError(`family ${name} has no auxiliary parameter ${a}`);
}

function makeBinomialLogit(name: 'bernoulli' | 'binomial'): FamilyModule {
  return {
    name,
    link: 'logit',
    aux: [],
    mean: (eta) => sigmoid(eta),
    logLik: (rows, i, eta) => rowLogLik(rows, i, eta),
    dEta: (rows, i, eta) => rowDEta(rows, i, eta),
    d2Eta: (rows, i, eta) => -(rows.trials ? rows.trials[i] : 1) * sigmoid(eta) * sigmoid(-eta),
    dAux: (_rows, _i, _eta, _aux, a) => noAux(name, a),
    logLikBlock(rows, eta, i0, i1, _aux, dEta) {
      const { y, trials, logChoose } = rows;
      let sum = 0;
      for (let i = i0; i < i1; i++) {
        // the row functions above from one exponential and one log1p (as the native and WGSL kernels do):
        // e = e^{−|η|}, softplus(±η) = max(±η, 0) + log1p(e), σ(±η) = 1/(1 + e) or e/(1 + e) by the sign of ±η
        const h = eta[i - i0];
        const e = pm.exp(-Math.abs(h));
        const l = pm.log1p(e);
        const inv = 1 / (1 + e);
        const yi = y[i];
        const failures = (trials ? trials[i] : 1) - yi;
        const positive = h >= 0;
        const softplusPos = (positive ? h : 0) + l;
        const softplusNeg = (positive ? 0 : -h) + l;
        let ll = (yi > 0 ? -yi * softplusNeg : 0) + (failures > 0 ? -failures * softplusPos : 0);
        if (logChoose) ll += logChoose[i];
        sum += ll;
        dEta[i - i0] = (yi > 0 ? yi * (positive ? e * inv : inv) : 0) - (failures > 0 ? failures * (positive ? inv : e * inv) : 0);
      }
      return sum;
    },
  };
}

export const bernoulliLogit: FamilyModule = makeBinomialLogit('bernoulli');
export const binomialLogit: FamilyModule = makeBinomialLogit('binomial');
