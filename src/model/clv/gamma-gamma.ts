/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005b, "RFM and CLV: using iso-value curves for customer base
 * analysis", and Fader & Hardie's note on it): each purchase's spend is Gamma(p, ν) with ν ~ Gamma(q, γ) across
 * customers, so the mean m of a customer's x repeat purchases has density
 *   f(m | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · m^(px−1) · x^(px) / (γ + m x)^(px+q),
 * and its log is, with the gradient in (p, q, γ),
 *   ∂/∂p = x [ψ(px+q) − ψ(px) + ln m + ln x − ln(γ + m x)]
 *   ∂/∂q = ψ(px+q) − ψ(q) + ln γ − ln(γ + m x)
 *   ∂/∂γ = q/γ − (px+q)/(γ + m x).
 * Customers with no repeat purchase (x = 0) have no spend term. The terms that depend on x alone are computed once per
 * distinct x. Checked against finite differences and scripts/reference/bgnbd_gg.stan in tests/model/clv/.
 */
import { digamma } from '../../numeric/digamma.js';
import { lgamma } from '../../numeric/log-gamma.js';
import { frequencyGroups, type FrequencyGroups, type RfmData } from './rfm-data.js';

export class GammaGammaLikelihood {
  private readonly groups: FrequencyGroups;
  /** Σ ln m over the customers of each x group. */
  private readonly sumLogSpend: Float64Array;
  private readonly logSpend: Float64Array;
  private readonly constant: Float64Array;

  constructor(private readonly data: RfmData) {
    this.groups = frequencyGroups(data.frequency);
    this.sumLogSpend = new Float64Array(this.groups.values.length);
    this.constant = new Float64Array(this.groups.values.length);
    this.logSpend = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) {
      if (data.frequency[i] === 0) continue;
      this.logSpend[i] = Math.log(data.meanSpend[i]);
      this.sumLogSpend[this.groups.groupOf[i]] += this.logSpend[i];
    }
  }

  /** Σ log f(m_i | x_i) over customers with x > 0; gradient added to grad[offset … offset+2], pointwise added per customer. */
  logLik(p: number, q: number, gamma: number, grad: Float64Array | null, offset = 0, pointwise: Float64Array | null = null): number {
    if (!(p > 0 && q > 0 && gamma > 0) || !Number.isFinite(p + q + gamma)) return -Infinity;
    const { values, counts, groupOf } = this.groups;
    const { frequency, meanSpend } = this.data;
    const lgQ = lgamma(q);
    const lnGamma = Math.log(gamma);
    const psiQ = digamma(q);
    let total = 0;
    let gp = 0;
    let gq = 0;
    let gg = 0;
    for (let g = 0; g < values.length; g++) {
      const x = values[g];
      if (x === 0) continue;
      const px = p * x;
      const lnX = Math.log(x);
      this.constant[g] = lgamma(px + q) - lgamma(px) - lgQ + q * lnGamma + px * lnX;
      total += counts[g] * this.constant[g] + (px - 1) * this.sumLogSpend[g];
      if (grad) {
        const psiPXQ = digamma(px + q);
        gp += counts[g] * x * (psiPXQ - digamma(px) + lnX) + x * this.sumLogSpend[g];
        gq += counts[g] * (psiPXQ - psiQ + lnGamma);
        gg += (counts[g] * q) / gamma;
      }
    }
    for (let i = 0; i < frequency.length; i++) {
      const x = frequency[i];
      if (x === 0) continue;
      const px = p * x;
      const lnDen = Math.log(gamma + meanSpend[i] * x);
      total -= (px + q) * lnDen;
      if (pointwise) pointwise[i] += this.constant[groupOf[i]] + (px - 1) * this.logSpend[i] - (px + q) * lnDen;
      if (grad) {
        gp -= x * lnDen;
        gq -= lnDen;
        gg -= (px + q) / (gamma + meanSpend[i] * x);
      }
    }
    if (grad) {
      grad[offset] += gp;
      grad[offset + 1] += gq;
      grad[offset + 2] += gg;
    }
    return Number.isFinite(total) ? total : -Infinity;
  }
}
