// The response families as the kernels see them: which row function a model uses, and the row-independent
// quantities of one chain's auxiliary parameter. Shared by the host side (model.cpp, engine.cpp, families_host.cpp)
// and the kernels (families.hpp); plain data only, no library templates (see model.hpp).
#pragma once

#include <cstdint>

namespace nutmeg {

// brms's names (src/model/spec.ts Family); the link is separate (bernoulli and binomial take logit or probit).
enum class Family : std::uint8_t { Bernoulli, Binomial, Gaussian, Poisson, NegBinomial, Gamma, Lognormal };
enum class Link : std::uint8_t { Logit, Probit, Identity, Log };

// The row function a (family, link) pair needs: lognormal is the normal one on log y, bernoulli the binomial one
// with one trial per row.
enum class Likelihood : std::uint8_t { BinomialLogit, BinomialProbit, Normal, Poisson, NegBinomial, Gamma };

// negbinomial counts up to this use the per-chain tables of log Γ(y + φ) − log Γ(φ) and ψ(y + φ) − ψ(φ) as exact
// finite sums (as src/model/families/negbinomial.ts, SMALL_COUNT); larger counts the lgamma / digamma differences.
constexpr std::uint32_t kSmallCount = 64;

// One chain's (or draw's) auxiliary parameter and what every row of it shares, computed once per call
// (prepare_aux_chain in families_host.hpp), never per row.
struct AuxChain {
  double aux = 0.0;      // sigma or shape, exp of its unconstrained coordinate
  double log_aux = 0.0;  // log sigma / log shape
  double inv_aux = 0.0;  // 1 / aux
  double inv_aux2 = 0.0; // 1 / aux²
  // normal: −½ log 2π − log σ;  gamma: α log α − lgamma(α)  — the log-likelihood's row-independent part per row
  double per_row = 0.0;
  // gamma: log α + 1 − ψ(α) — ∂ loglik / ∂α's row-independent part per row
  double per_row_daux = 0.0;
  double lgamma_aux = 0.0;   // negbinomial: lgamma(φ), for counts above kSmallCount
  double digamma_aux = 0.0;  // negbinomial: ψ(φ)
  // negbinomial: rising[k] = Σ_{j<k} log(φ + j), digamma_rising[k] = Σ_{j<k} 1/(φ + j), k = 0…kSmallCount
  const double* rising = nullptr;
  const double* digamma_rising = nullptr;
};

}  // namespace nutmeg
