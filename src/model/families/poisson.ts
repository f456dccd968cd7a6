/**
 * poisson with the log link: y_i ~ Poisson(μ_i), μ_i = e^{η_i}, y a whole number ≥ 0.
 *   log p = y·η − e^η − log y!,   ∂/∂η = y − e^η,   ∂²/∂η² = −e^η
 * log y! from the exact table / Stirling series of src/model/log-choose.ts. For η large e^η overflows to +∞ and the
 * row's log-likelihood to −∞, which the sampler treats as a rejected proposal.
 */
import { logFactorial } from '../log-choose.js';
import { rowwiseBlock, type FamilyModule } from './family.js';
import * as pm from '../../numeric/portable-math.js';

const logLik: FamilyModule['logLik'] = (rows, i, eta) => {
  const y = rows.y[i];
  return (y > 0 ? y * eta : 0) - pm.exp(eta) - logFactorial(y);
};
const dEta: FamilyModule['dEta'] = (rows, i, eta) => rows.y[i] - pm.exp(eta);
const dAux: FamilyModule['dAux'] = (_rows, _i, _eta, _aux, a) => {
  throw new RangeError(`family poisson has no auxiliary parameter ${a}`);
};

export const poissonLog: FamilyModule = {
  name: 'poisson',
  link: 'log',
  aux: [],
  mean: (eta) => pm.exp(eta),
  logLik,
  dEta,
  d2Eta: (_rows, _i, eta) => -pm.exp(eta),
  dAux,
  logLikBlock: rowwiseBlock(logLik, dEta, dAux, 0),
};
