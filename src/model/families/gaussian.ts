/**
 * gaussian (identity link) and lognormal, both with the auxiliary parameter sigma (sampled as log sigma):
 *   gaussian:  y_i ~ Normal(η_i, σ)         log p = −½ log 2π − log σ − (y − η)²/(2σ²)
 *   lognormal: log y_i ~ Normal(η_i, σ)     log p = the same at log y, − log y (the Jacobian of y ↦ log y)
 *   E[y] = η (gaussian), e^{η + σ²/2} (lognormal: the mean of a log-normal distribution)
 *   ∂/∂η = (y − η)/σ²,  ∂²/∂η² = −1/σ²,  ∂/∂σ = −1/σ + (y − η)²/σ³   (y read as log y for lognormal)
 * sigma's default prior is brms's, half student_t(3, 0, 2.5·sd(y)) (sd(log y) for lognormal).
 */
import { rowwiseBlock, type FamilyModule, type FamilyRows } from './family.js';
import * as pm from '../../numeric/portable-math.js';

const HALF_LOG_2PI = 0.5 * pm.log(2 * Math.PI);

function makeNormal(name: 'gaussian' | 'lognormal'): FamilyModule {
  const onLog = name === 'lognormal';
  const value = onLog ? (rows: FamilyRows, i: number) => pm.log(rows.y[i]) : (rows: FamilyRows, i: number) => rows.y[i];
  const logLik: FamilyModule['logLik'] = (rows, i, eta, aux) => {
    const v = value(rows, i);
    const sigma = aux[0];
    const u = (v - eta) / sigma;
    return -HALF_LOG_2PI - pm.log(sigma) - 0.5 * u * u - (onLog ? v : 0);
  };
  const dEta: FamilyModule['dEta'] = (rows, i, eta, aux) => (value(rows, i) - eta) / (aux[0] * aux[0]);
  const dAux: FamilyModule['dAux'] = (rows, i, eta, aux) => {
    const sigma = aux[0];
    const d = value(rows, i) - eta;
    return (d * d) / (sigma * sigma * sigma) - 1 / sigma;
  };
  return {
    name,
    link: 'identity',
    aux: [{ name: 'sigma', transform: 'log', defaultPrior: (scale) => ({ family: 'halfstudent_t', params: [3, 2.5 * scale] }) }],
    mean: onLog ? (eta, aux) => pm.exp(eta + 0.5 * aux[0] * aux[0]) : (eta) => eta,
    logLik,
    dEta,
    d2Eta: (_rows, _i, _eta, aux) => -1 / (aux[0] * aux[0]),
    dAux,
    logLikBlock: rowwiseBlock(logLik, dEta, dAux, 1),
  };
}

export const gaussianIdentity: FamilyModule = makeNormal('gaussian');
export const lognormalIdentity: FamilyModule = makeNormal('lognormal');
