// The response families' row functions, one per family, over a block of rows: each returns the block's
// log-likelihood (without the per-row constants of families_host.hpp row_constant / log C(n, y), which the caller
// adds once), writes res[i] = ∂ loglik_i / ∂η_i and, for a family with an auxiliary parameter, adds
// Σ_i ∂ loglik_i / ∂aux (constrained scale, as FamilyModule.dAux) into g_aux; the `*_rows` twins write each row's
// log-likelihood (pointwise, for LOO). The algebra is that of the TypeScript family modules (src/model/families/,
// whose comments derive it); row-independent quantities come precomputed per chain in AuxChain.
//
// Included by kernel_impl.hpp once per instruction set (internal linkage, see there): plain loops over float64
// arrays with selects only, which the compiler vectorises (the probit link's log Φ partly: see there).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "family.hpp"
#include "families_host.hpp"
#include "kernel.hpp"
#include "vmath.hpp"

namespace nutmeg {
namespace families {
namespace {

// ---- bernoulli / binomial, logit link (binomial-logit.ts) -----------------------------------------------------------

// |eta| at or above which e^{-|eta|} <= e^-3 and vmath::log1p_and_reciprocal_tail applies.
constexpr double kTailEta = 3.0;

// e[i] = e^{-|eta_i|}; returns the block's smallest |eta_i| (which decides the log1p series of logit_block, below).
inline double exp_neg_abs(std::size_t nb, const double* __restrict eta, double* __restrict e) {
  double m = 1e308;
#pragma omp simd reduction(min : m)
  for (std::size_t i = 0; i < nb; i++) {
    const double a = eta[i] < 0.0 ? -eta[i] : eta[i];
    m = a < m ? a : m;
    e[i] = vmath::exp_nonpos(-a);
  }
  return m;
}

// res[i] = y_i - n_i sigmoid(eta_i), where n_i is trials[i] (Binomial) or 1:
//   loglik_i = (y_i eta_i - n_i max(eta_i, 0)) - n_i log1p(e^{-|eta_i|})
// with res holding e^{-|eta_i|} (exp_neg_abs) on entry. Two passes rather than one: a row's exp, division and log1p
// series form one long chain of dependent operations, and in one pass the core could not overlap enough rows to
// hide it; split, the 3,000-row logistic regression's 4-chain gradient took 18 µs instead of 25 with AVX-512, 35
// instead of 49 with AVX2 (bench/README.md, "Small models, third step"); the same bits.
// Tail: every |eta_i| >= kTailEta (rare events, as in most conversion data): the shorter log1p series.
template <bool Binomial, bool Tail>
inline double logit_block(std::size_t nb, const double* __restrict eta, const double* __restrict y,
                          const double* __restrict trials, double* __restrict res) {
  double total = 0.0;
#pragma omp simd reduction(+ : total)
  for (std::size_t i = 0; i < nb; i++) {
    const double h = eta[i];
    const double e = res[i];
    double l, inv;
    if constexpr (Tail) {
      vmath::log1p_and_reciprocal_tail(e, l, inv);
    } else {
      vmath::log1p_and_reciprocal(e, l, inv);
    }
    const double prob = h >= 0.0 ? inv : e * inv;
    const double positive = h > 0.0 ? h : 0.0;
    const double ni = Binomial ? trials[i] : 1.0;
    total += (y[i] * h - ni * positive) - ni * l;
    res[i] = y[i] - ni * prob;
  }
  return total;
}

// logit_block with the variant picked for the trials and the block's smallest |eta|.
inline double logit(std::size_t nb, const double* eta, const double* y, const double* trials, double* res) {
  const bool tail = exp_neg_abs(nb, eta, res) >= kTailEta;
  if (trials != nullptr) {
    return tail ? logit_block<true, true>(nb, eta, y, trials, res) : logit_block<true, false>(nb, eta, y, trials, res);
  }
  return tail ? logit_block<false, true>(nb, eta, y, trials, res) : logit_block<false, false>(nb, eta, y, trials, res);
}

template <bool Binomial>
inline void logit_rows_of(std::size_t nb, const double* __restrict eta, const double* __restrict y,
                          const double* __restrict trials, double* __restrict out) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) {
    const double h = eta[i];
    const double a = h < 0.0 ? -h : h;
    const double e = vmath::exp_nonpos(-a);
    double l, inv;
    vmath::log1p_and_reciprocal(e, l, inv);
    (void)inv;
    const double positive = h > 0.0 ? h : 0.0;
    const double ni = Binomial ? trials[i] : 1.0;
    out[i] = (y[i] * h - ni * positive) - ni * l;
  }
}

inline void logit_rows(std::size_t nb, const double* eta, const double* y, const double* trials, double* out) {
  if (trials != nullptr) {
    logit_rows_of<true>(nb, eta, y, trials, out);
  } else {
    logit_rows_of<false>(nb, eta, y, trials, out);
  }
}

// ---- bernoulli / binomial, probit link (binomial-probit.ts, normal-cdf.ts) ------------------------------------------
// log Φ(z) and the inverse Mills ratio φ(z)/Φ(z) by the algorithms of src/numeric/normal-cdf.ts: for |z| < 3 the
// positive erf series (A&S 7.1.6), for |z| >= 3 Mills' ratio from Laplace's continued fraction (A&S 26.2.14) at
// depth 120. The two long recurrences run over the whole block at once, one step at a time (the rows' chains are
// independent, so the divisions pipeline instead of waiting on each other), and only when some row of the block
// needs them; the few logs and exponentials per row follow in a scalar pass.

constexpr double kHalfLog2Pi = 0.91893853320467274178;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kProbitTail = 3.0;
constexpr int kMillsDepth = 120;
// Terms of the erf series: normal-cdf.ts stops when a term falls below 1e-17 of the sum, which happens by term 60
// for x = |z|/√2 < 3/√2 (terms fall by 2x²/(2n + 1) < 9/(2n + 1)); a fixed count adds only terms below that.
constexpr int kErfTerms = 64;

// out_log[i] = log Φ(z_i), out_mills[i] = φ(z_i)/Φ(z_i).
inline void log_cdf_and_mills(std::size_t nb, const double* __restrict z, double* __restrict out_log,
                              double* __restrict out_mills) {
  double cf[kRowBlock], sum[kRowBlock], term[kRowBlock], x[kRowBlock];
  bool any_tail = false, any_middle = false;
  for (std::size_t i = 0; i < nb; i++) {
    const double a = z[i] < 0.0 ? -z[i] : z[i];
    if (a >= kProbitTail) any_tail = true; else any_middle = true;
  }
  if (any_tail) {
    // f = x + k / f from k = 120 down to 1 (normal-cdf.ts millsRatio returns 1 / f); rows below the tail take x = 3
#pragma omp simd
    for (std::size_t i = 0; i < nb; i++) {
      const double a = z[i] < 0.0 ? -z[i] : z[i];
      x[i] = a < kProbitTail ? kProbitTail : a;
      cf[i] = x[i];
    }
    for (int k = kMillsDepth; k >= 1; k--) {
      const double kd = static_cast<double>(k);
#pragma omp simd
      for (std::size_t i = 0; i < nb; i++) cf[i] = x[i] + kd / cf[i];
    }
  }
  if (any_middle) {
    // erf(x) = (2/√π) e^{−x²} Σ_n 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), x = |z|/√2 (rows in the tail take x = 0)
#pragma omp simd
    for (std::size_t i = 0; i < nb; i++) {
      const double a = z[i] < 0.0 ? -z[i] : z[i];
      x[i] = a < kProbitTail ? a / kSqrt2 : 0.0;
      term[i] = x[i];
      sum[i] = x[i];
      x[i] = 2.0 * (x[i] * x[i]);
    }
    for (int n = 1; n < kErfTerms; n++) {
      const double odd = 2.0 * n + 1.0;
#pragma omp simd
      for (std::size_t i = 0; i < nb; i++) {
        term[i] *= x[i] / odd;
        sum[i] += term[i];
      }
    }
  }
  for (std::size_t i = 0; i < nb; i++) {
    const double zi = z[i];
    const double log_pdf = -0.5 * zi * zi - kHalfLog2Pi;
    if (zi <= -kProbitTail) {
      const double r = 1.0 / cf[i];
      out_log[i] = log_pdf + std::log(r);
      out_mills[i] = 1.0 / r;
      continue;
    }
    double lc;
    if (zi >= kProbitTail) {
      lc = std::log1p(-std::exp(log_pdf) * (1.0 / cf[i]));
    } else {
      const double e = kTwoOverSqrtPi * std::exp(-0.5 * x[i]) * sum[i];
      lc = std::log(zi >= 0 ? 0.5 + 0.5 * e : 0.5 - 0.5 * e);
    }
    out_log[i] = lc;
    out_mills[i] = std::exp(log_pdf - lc);
  }
}

// loglik = Σ y·log Φ(η) + (n − y)·log Φ(−η);  res = y·m(η) − (n − y)·m(−η)  (res null: out[i] = the row's loglik).
// Bernoulli rows need one side only (z = ±η by the outcome); binomial rows both.
inline double probit_of(std::size_t nb, const double* __restrict eta, const double* __restrict y,
                        const double* __restrict trials, double* __restrict res, double* __restrict out) {
  double z[kRowBlock], lc[kRowBlock], mills[kRowBlock];
  double total = 0.0;
  if (trials == nullptr) {
    for (std::size_t i = 0; i < nb; i++) z[i] = y[i] > 0.0 ? eta[i] : -eta[i];
    log_cdf_and_mills(nb, z, lc, mills);
    for (std::size_t i = 0; i < nb; i++) {
      if (res) res[i] = y[i] > 0.0 ? mills[i] : -mills[i];
      if (out) out[i] = lc[i];
      total += lc[i];
    }
    return total;
  }
  double ll[kRowBlock];
  for (std::size_t i = 0; i < nb; i++) z[i] = eta[i];
  log_cdf_and_mills(nb, z, lc, mills);
  for (std::size_t i = 0; i < nb; i++) {
    const bool up = y[i] > 0.0;
    ll[i] = up ? y[i] * lc[i] : 0.0;
    if (res) res[i] = up ? y[i] * mills[i] : 0.0;
    z[i] = -eta[i];
  }
  log_cdf_and_mills(nb, z, lc, mills);
  for (std::size_t i = 0; i < nb; i++) {
    const double failures = trials[i] - y[i];
    if (failures > 0.0) {
      ll[i] += failures * lc[i];
      if (res) res[i] -= failures * mills[i];
    }
    if (out) out[i] = ll[i];
    total += ll[i];
  }
  return total;
}

inline double probit(std::size_t nb, const double* eta, const double* y, const double* trials, double* res) {
  return probit_of(nb, eta, y, trials, res, nullptr);
}

inline void probit_rows(std::size_t nb, const double* eta, const double* y, const double* trials, double* out) {
  probit_of(nb, eta, y, trials, nullptr, out);
}

// ---- gaussian (identity) and lognormal (gaussian.ts): v is y, or log y for lognormal ------------------------------
//   loglik = −½ log 2π − log σ − (v − η)²/(2σ²),  ∂/∂η = (v − η)/σ²,  ∂/∂σ = (v − η)²/σ³ − 1/σ

inline double normal(std::size_t nb, const double* __restrict eta, const double* __restrict v,
                     double* __restrict res, const AuxChain& c, double& g_aux) {
  const double w = c.inv_aux2;
  double ss = 0.0;
#pragma omp simd reduction(+ : ss)
  for (std::size_t i = 0; i < nb; i++) {
    const double d = v[i] - eta[i];
    ss += d * d;
    res[i] = d * w;
  }
  const double rows = static_cast<double>(nb);
  g_aux += ss * w * c.inv_aux - rows * c.inv_aux;
  return rows * c.per_row - 0.5 * ss * w;
}

inline void normal_rows(std::size_t nb, const double* __restrict eta, const double* __restrict v,
                        double* __restrict out, const AuxChain& c) {
  const double w = c.inv_aux2, base = c.per_row;
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) {
    const double d = v[i] - eta[i];
    out[i] = base - 0.5 * d * d * w;
  }
}

// ---- poisson, log link (poisson.ts): loglik = y·η − e^η (− log y!),  ∂/∂η = y − e^η -------------------------------

inline double poisson(std::size_t nb, const double* __restrict eta, const double* __restrict y,
                      double* __restrict res) {
  double total = 0.0;
#pragma omp simd reduction(+ : total)
  for (std::size_t i = 0; i < nb; i++) {
    const double h = eta[i];
    const double mu = vmath::exp_any(h);
    total += (y[i] > 0.0 ? y[i] * h : 0.0) - mu;
    res[i] = y[i] - mu;
  }
  return total;
}

inline void poisson_rows(std::size_t nb, const double* __restrict eta, const double* __restrict y,
                         double* __restrict out) {
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) {
    const double h = eta[i];
    out[i] = (y[i] > 0.0 ? y[i] * h : 0.0) - vmath::exp_any(h);
  }
}

// ---- negbinomial NB2, log link (negbinomial.ts), t = η − log φ ------------------------------------------------------
//   loglik = [lgamma(y + φ) − lgamma(φ)] − φ·softplus(t) − y·softplus(−t)   (− log y!)
//   ∂/∂η = y·σ(−t) − φ·σ(t),   ∂/∂φ = [ψ(y + φ) − ψ(φ)] − softplus(t) + σ(t) − y·σ(−t)/φ
// The bracketed differences from the chain's tables for y ≤ kSmallCount (exact finite sums); rows with larger counts
// (`large`: the model has some) are corrected in a scalar pass with lgamma and digamma.

template <bool Rows>
inline double negbinomial_of(std::size_t nb, const double* __restrict eta, const double* __restrict y,
                             double* __restrict res, const AuxChain& c, double& g_aux, bool large,
                             double* __restrict out) {
  const double phi = c.aux, log_phi = c.log_aux, inv_phi = c.inv_aux;
  const double* __restrict rising = c.rising;
  const double* __restrict digamma_rising = c.digamma_rising;
  double total = 0.0, gsum = 0.0;
#pragma omp simd reduction(+ : total, gsum)
  for (std::size_t i = 0; i < nb; i++) {
    const double t = eta[i] - log_phi;
    const double a = t < 0.0 ? -t : t;
    const double e = vmath::exp_nonpos(-a);
    double l, inv;
    vmath::log1p_and_reciprocal(e, l, inv);
    const bool positive = t >= 0.0;
    const double softplus_t = (positive ? t : 0.0) + l;
    const double softplus_neg = (positive ? 0.0 : -t) + l;
    const double sigma_t = positive ? inv : e * inv;
    const double sigma_neg = positive ? e * inv : inv;
    const double yi = y[i];
    const std::int32_t k = yi <= static_cast<double>(kSmallCount) ? static_cast<std::int32_t>(yi) : 0;
    const double ll = rising[k] - phi * softplus_t - (yi > 0.0 ? yi * softplus_neg : 0.0);
    if constexpr (Rows) {
      out[i] = ll;
    } else {
      total += ll;
      res[i] = yi * sigma_neg - phi * sigma_t;
      gsum += digamma_rising[k] - softplus_t + sigma_t - yi * sigma_neg * inv_phi;
    }
  }
  if (large) {
    for (std::size_t i = 0; i < nb; i++) {
      const double yi = y[i];
      if (!(yi > static_cast<double>(kSmallCount))) continue;
      const double rise = lgamma_series(yi + phi) - c.lgamma_aux;
      if constexpr (Rows) {
        out[i] += rise;
      } else {
        total += rise;
        gsum += digamma_series(yi + phi) - c.digamma_aux;
      }
    }
  }
  g_aux += gsum;
  return total;
}

inline double negbinomial(std::size_t nb, const double* eta, const double* y, double* res, const AuxChain& c,
                          double& g_aux, bool large) {
  return negbinomial_of<false>(nb, eta, y, res, c, g_aux, large, nullptr);
}

inline void negbinomial_rows(std::size_t nb, const double* eta, const double* y, double* out, const AuxChain& c,
                             bool large) {
  double unused = 0.0;
  negbinomial_of<true>(nb, eta, y, nullptr, c, unused, large, out);
}

// ---- gamma, log link, shape α (gamma.ts), w = y·e^{−η} = exp(log y − η) --------------------------------------------
//   loglik = [α log α − lgamma(α)] + α·(log y − η − w)   (− log y),   ∂/∂η = α(w − 1)
//   ∂/∂α  = [log α + 1 − ψ(α)] + (log y − η − w)

inline double gamma_log(std::size_t nb, const double* __restrict eta, const double* __restrict log_y,
                    double* __restrict res, const AuxChain& c, double& g_aux) {
  const double alpha = c.aux;
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (std::size_t i = 0; i < nb; i++) {
    const double lr = log_y[i] - eta[i];
    const double w = vmath::exp_any(lr);
    s += lr - w;
    res[i] = alpha * (w - 1.0);
  }
  const double rows = static_cast<double>(nb);
  g_aux += rows * c.per_row_daux + s;
  return rows * c.per_row + alpha * s;
}

inline void gamma_log_rows(std::size_t nb, const double* __restrict eta, const double* __restrict log_y,
                       double* __restrict out, const AuxChain& c) {
  const double alpha = c.aux, base = c.per_row;
#pragma omp simd
  for (std::size_t i = 0; i < nb; i++) {
    const double lr = log_y[i] - eta[i];
    out[i] = base + alpha * (lr - vmath::exp_any(lr));
  }
}

}  // namespace
}  // namespace families
}  // namespace nutmeg
