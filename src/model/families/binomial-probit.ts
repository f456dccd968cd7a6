/**
 * bernoulli and binomial with the probit link: y_i ~ Binomial(n_i, Φ(η_i)), n_i = 1 for bernoulli.
 *   log p = log C(n, y) + y·log Φ(η) + (n − y)·log Φ(−η)
 *   ∂/∂η  = y·m(η) − (n − y)·m(−η),        m(z) = φ(z)/Φ(z), the inverse Mills ratio
 *   ∂²/∂η² = −y·m(η)(η + m(η)) − (n − y)·m(−η)(m(−η) − η)     (m'(z) = −m(z)(z + m(z)))
 * log Φ(±η) and m(±η) come from src/numeric/normal-cdf.ts, accurate in both tails, so a likely outcome at large |η|
 * loses no digits and an unlikely one has a finite gradient (≈ |η|). The WGSL function is
 * shaders/families/binomial-probit.wgsl (f32, from a Chebyshev fit of erfc).
 */
import { inverseMillsRatio, logNormalCdf, normalCdf } from '../../numeric/normal-cdf.js';
import { rowwiseBlock, type FamilyModule } from './family.js';

function makeBinomialProbit(name: 'bernoulli' | 'binomial'): FamilyModule {
  const logLik: FamilyModule['logLik'] = (rows, i, eta) => {
    const y = rows.y[i];
    const failures = (rows.trials ? rows.trials[i] : 1) - y;
    let ll = (y > 0 ? y * logNormalCdf(eta) : 0) + (failures > 0 ? failures * logNormalCdf(-eta) : 0);
    if (rows.logChoose) ll += rows.logChoose[i];
    return ll;
  };
  const dEta: FamilyModule['dEta'] = (rows, i, eta) => {
    const y = rows.y[i];
    const failures = (rows.trials ? rows.trials[i] : 1) - y;
    return (y > 0 ? y * inverseMillsRatio(eta) : 0) - (failures > 0 ? failures * inverseMillsRatio(-eta) : 0);
  };
  const dAux: FamilyModule['dAux'] = (_rows, _i, _eta, _aux, a) => {
    throw new RangeError(`family ${name} has no auxiliary parameter ${a}`);
  };
  return {
    name,
    link: 'probit',
    aux: [],
    mean: (eta) => normalCdf(eta),
    logLik,
    dEta,
    d2Eta: (rows, i, eta) => {
      const y = rows.y[i];
      const failures = (rows.trials ? rows.trials[i] : 1) - y;
      const up = inverseMillsRatio(eta);
      const down = inverseMillsRatio(-eta);
      return -(y > 0 ? y * up * (eta + up) : 0) - (failures > 0 ? failures * down * (down - eta) : 0);
    },
    dAux,
    logLikBlock: rowwiseBlock(logLik, dEta, dAux, 0),
  };
}

export const bernoulliProbit: FamilyModule = makeBinomialProbit('bernoulli');
export const binomialProbit: FamilyModule = makeBinomialProbit('binomial');
