/**
 * The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy way", eq. 6): while alive a
 * customer buys at Poisson rate λ ~ Gamma(r, α) and after every purchase drops out with probability p ~ Beta(a, b).
 * A customer with x repeat purchases, the last at t_x, observed for T has likelihood
 *   L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) · [ (α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x) ],
 * here on the log scale as c(x) + log(e^A + 1{x>0} e^B) with
 *   c(x) = lnΓ(r+x) − lnΓ(r) + r ln α + lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
 *   A = −(r+x) ln(α+T),   B = ln a − ln(b+x−1) − (r+x) ln(α+t_x),
 * and the analytic gradient in (r, α, a, b): with w = e^B / (e^A + e^B) (0 where x = 0),
 *   ∂/∂r = ψ(r+x) − ψ(r) + ln α − (1−w) ln(α+T) − w ln(α+t_x)
 *   ∂/∂α = r/α − (r+x) [(1−w)/(α+T) + w/(α+t_x)]
 *   ∂/∂a = ψ(a+b) − ψ(a+b+x) + w/a
 *   ∂/∂b = ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − w/(b+x−1).
 * The terms of c(x) are computed once per distinct x (frequencyGroups), the rest once per customer. Checked against
 * finite differences and the Stan program scripts/reference/bgnbd_gg.stan in tests/model/clv/.
 */
import { digamma } from '../../numeric/digamma.js';
import { lgamma } from '../../numeric/log-gamma.js';
import { frequencyGroups, type FrequencyGroups, type RfmData } from './rfm-data.js';

export class BgNbdLikelihood {
  private readonly groups: FrequencyGroups;
  private readonly constant: Float64Array;
  private readonly dr: Float64Array;
  private readonly da: Float64Array;
  private readonly db: Float64Array;
  private readonly lnA: Float64Array;

  constructor(private readonly data: RfmData) {
    this.groups = frequencyGroups(data.frequency);
    const k = this.groups.values.length;
    this.constant = new Float64Array(k);
    this.dr = new Float64Array(k);
    this.da = new Float64Array(k);
    this.db = new Float64Array(k);
    this.lnA = new Float64Array(k);
  }

  /**
   * Σ log L over customers at (r, α, a, b); the gradient is added to grad[offset … offset+3] when grad is given, and
   * each customer's log L is added to pointwise[i] when that is given. NaN-free: −Infinity outside the domain.
   */
  logLik(r: number, alpha: number, a: number, b: number, grad: Float64Array | null, offset = 0, pointwise: Float64Array | null = null): number {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0) || !Number.isFinite(r + alpha + a + b)) return -Infinity;
    const { values, counts, groupOf } = this.groups;
    const { frequency, recency, age } = this.data;
    const lgR = lgamma(r);
    const lgAB = lgamma(a + b);
    const lgB = lgamma(b);
    const lnAlpha = Math.log(alpha);
    const lnAp = Math.log(a);
    const psiR = digamma(r);
    const psiAB = digamma(a + b);
    const psiB = digamma(b);
    let total = 0;
    let gr = 0;
    let gAlpha = 0;
    let ga = 0;
    let gb = 0;
    for (let g = 0; g < values.length; g++) {
      const x = values[g];
      this.constant[g] = lgamma(r + x) - lgR + r * lnAlpha + lgAB + lgamma(b + x) - lgB - lgamma(a + b + x);
      this.lnA[g] = x > 0 ? lnAp - Math.log(b + x - 1) : 0;
      total += counts[g] * this.constant[g];
      if (grad) {
        const psiABX = digamma(a + b + x);
        this.dr[g] = digamma(r + x) - psiR + lnAlpha;
        this.da[g] = psiAB - psiABX;
        this.db[g] = psiAB + digamma(b + x) - psiB - psiABX;
        gr += counts[g] * this.dr[g];
        gAlpha += (counts[g] * r) / alpha;
        ga += counts[g] * this.da[g];
        gb += counts[g] * this.db[g];
      }
    }
    for (let i = 0; i < frequency.length; i++) {
      const g = groupOf[i];
      const x = frequency[i];
      const rx = r + x;
      const lnT = Math.log(alpha + age[i]);
      const termA = -rx * lnT;
      let ll: number;
      let w = 0;
      let lnTx = 0;
      if (x > 0) {
        lnTx = Math.log(alpha + recency[i]);
        const termB = this.lnA[g] - rx * lnTx;
        const m = termA > termB ? termA : termB;
        const eA = Math.exp(termA - m);
        const eB = Math.exp(termB - m);
        ll = m + Math.log(eA + eB);
        w = eB / (eA + eB);
      } else {
        ll = termA;
      }
      total += ll;
      if (pointwise) pointwise[i] += ll + this.constant[g];
      if (grad) {
        gr -= (1 - w) * lnT + w * lnTx;
        gAlpha -= rx * ((1 - w) / (alpha + age[i]) + (x > 0 ? w / (alpha + recency[i]) : 0));
        if (x > 0) {
          ga += w / a;
          gb -= w / (b + x - 1);
        }
      }
    }
    if (grad) {
      grad[offset] += gr;
      grad[offset + 1] += gAlpha;
      grad[offset + 2] += ga;
      grad[offset + 3] += gb;
    }
    return Number.isFinite(total) ? total : -Infinity;
  }
}
