/**
 * gamma with the log link, shape α and mean μ = e^η (brms's parameterisation: rate α/μ), y > 0:
 *   log p = α log α − α η + (α − 1) log y − α y e^{−η} − lgamma(α)
 *   ∂/∂η  = α (y e^{−η} − 1),   ∂²/∂η² = −α y e^{−η}   (Fisher information α)
 *   ∂/∂α  = log α + 1 − η + log y − y e^{−η} − ψ(α)
 * y e^{−η} is computed as exp(log y − η), finite whenever the row's log-likelihood is. shape's default prior:
 * gamma(0.01, 0.01), as brms.
 */
import { digamma } from '../../numeric/digamma.js';
import { lgamma } from '../../numeric/log-gamma.js';
import { rowwiseBlock, type FamilyModule } from './family.js';
import * as pm from '../../numeric/portable-math.js';

const logLik: FamilyModule['logLik'] = (rows, i, eta, aux) => {
  const a = aux[0];
  const logY = pm.log(rows.y[i]);
  return a * pm.log(a) - a * eta + (a - 1) * logY - a * pm.exp(logY - eta) - lgamma(a);
};
const dEta: FamilyModule['dEta'] = (rows, i, eta, aux) => aux[0] * (pm.exp(pm.log(rows.y[i]) - eta) - 1);
const dAux: FamilyModule['dAux'] = (rows, i, eta, aux) => {
  const a = aux[0];
  const logY = pm.log(rows.y[i]);
  return pm.log(a) + 1 - eta + logY - pm.exp(logY - eta) - digamma(a);
};

export const gammaLog: FamilyModule = {
  name: 'gamma',
  link: 'log',
  aux: [{ name: 'shape', transform: 'log', defaultPrior: () => ({ family: 'gamma', params: [0.01, 0.01] }) }],
  mean: (eta) => pm.exp(eta),
  logLik,
  dEta,
  d2Eta: (rows, i, eta, aux) => -aux[0] * pm.exp(pm.log(rows.y[i]) - eta),
  dAux,
  logLikBlock: rowwiseBlock(logLik, dEta, dAux, 1),
};
