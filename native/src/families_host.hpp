// The host side of the response families (not per instruction set): which row function a (family, link) pair
// uses, the per-row constants computed once when a model is prepared, and the per-chain quantities of the auxiliary
// parameter computed once per call. The row functions themselves are in families.hpp (compiled into each kernel set).
#pragma once

#include <cstdint>

#include "family.hpp"

namespace nutmeg {

// Throws std::invalid_argument for a link the family does not take.
Likelihood likelihood_of(Family family, Link link);

// Auxiliary parameters of the family (sigma or shape: 1; bernoulli, binomial, poisson: 0).
std::uint32_t aux_count(Likelihood likelihood);

// The family's log-likelihood terms that depend on the row's data only (log C(n, y) aside, which comes from the
// caller): −log y! (poisson, negbinomial), −log y (gamma, lognormal: the Jacobian of y ↦ log y, and gamma's
// (α − 1)·log y = α·log y − log y), 0 otherwise.
double row_constant(Family family, double y);

// The per-chain quantities of AuxChain for aux = exp(u); `tables` holds 2 × (kSmallCount + 1) doubles (the
// negbinomial tables, filled up to max_count ≤ kSmallCount).
void prepare_aux_chain(Likelihood likelihood, double u, std::uint32_t max_count, double* tables, AuxChain& out);

// The special functions of the TypeScript density (same algorithms, so that the backends agree to rounding):
//   log_factorial   src/model/log-choose.ts logFactorial (table below 256, Stirling series above)
//   lgamma_series   src/model/prior.ts lgamma (recurrence to x ≥ 15, Stirling series to x^-9)
//   digamma_series  src/numeric/digamma.ts (recurrence to x ≥ 15, A&S 6.3.18)
double log_factorial(double m);
double lgamma_series(double x);
double digamma_series(double x);

}  // namespace nutmeg
