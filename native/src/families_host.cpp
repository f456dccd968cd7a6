#include "families_host.hpp"

#include <cmath>
#include <stdexcept>

namespace nutmeg {

namespace {
constexpr double kHalfLog2Pi = 0.91893853320467274178;
constexpr int kFactorialTable = 256;

struct FactorialTable {
  double v[kFactorialTable];
  FactorialTable() {
    v[0] = 0.0;
    v[1] = 0.0;
    for (int m = 2; m < kFactorialTable; m++) v[m] = v[m - 1] + std::log(static_cast<double>(m));
  }
};
}  // namespace

Likelihood likelihood_of(Family family, Link link) {
  switch (family) {
    case Family::Bernoulli:
    case Family::Binomial:
      if (link == Link::Logit) return Likelihood::BinomialLogit;
      if (link == Link::Probit) return Likelihood::BinomialProbit;
      break;
    case Family::Gaussian:
    case Family::Lognormal:
      if (link == Link::Identity) return Likelihood::Normal;
      break;
    case Family::Poisson:
      if (link == Link::Log) return Likelihood::Poisson;
      break;
    case Family::NegBinomial:
      if (link == Link::Log) return Likelihood::NegBinomial;
      break;
    case Family::Gamma:
      if (link == Link::Log) return Likelihood::Gamma;
      break;
  }
  throw std::invalid_argument("the family does not take that link");
}

std::uint32_t aux_count(Likelihood likelihood) {
  switch (likelihood) {
    case Likelihood::Normal:
    case Likelihood::NegBinomial:
    case Likelihood::Gamma: return 1;
    default: return 0;
  }
}

double log_factorial(double m) {
  static const FactorialTable table;
  if (m < kFactorialTable) return table.v[static_cast<int>(m)];
  const double r = 1.0 / m;
  const double r2 = r * r;
  return (m + 0.5) * std::log(m) - m + kHalfLog2Pi + r * (1.0 / 12 - r2 * (1.0 / 360 - r2 / 1260));
}

double lgamma_series(double x) {
  bool shifted = false;
  double product = 1.0;
  while (x < 15) {
    product *= x;
    x += 1;
    shifted = true;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  const double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680 - inv2 / 1188))));
  const double stirling = (x - 0.5) * std::log(x) - x + kHalfLog2Pi + series;
  return shifted ? stirling - std::log(product) : stirling;
}

double digamma_series(double x) {
  if (!(x > 0)) return std::nan("");
  double shift = 0.0;
  while (x < 15) {
    shift += 1.0 / x;
    x += 1;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  const double series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
  return std::log(x) - 0.5 * inv - series - shift;
}

double row_constant(Family family, double y) {
  switch (family) {
    case Family::Poisson:
    case Family::NegBinomial: return -log_factorial(y);
    case Family::Gamma:
    case Family::Lognormal: return -std::log(y);
    default: return 0.0;
  }
}

void prepare_aux_chain(Likelihood likelihood, double u, std::uint32_t max_count, double* tables, AuxChain& out) {
  out = AuxChain{};
  if (aux_count(likelihood) == 0) return;
  const double a = std::exp(u);
  out.aux = a;
  out.log_aux = std::log(a);
  out.inv_aux = 1.0 / a;
  out.inv_aux2 = 1.0 / (a * a);
  switch (likelihood) {
    case Likelihood::Normal:
      out.per_row = -kHalfLog2Pi - out.log_aux;
      break;
    case Likelihood::Gamma:
      out.per_row = a * out.log_aux - lgamma_series(a);
      out.per_row_daux = out.log_aux + 1.0 - digamma_series(a);
      break;
    case Likelihood::NegBinomial: {
      out.lgamma_aux = lgamma_series(a);
      out.digamma_aux = digamma_series(a);
      // the same running sums, in the same order, as negbinomial.ts logRising / digammaRising
      double* rising = tables;
      double* digamma_rising = tables + (kSmallCount + 1);
      const std::uint32_t top = max_count < kSmallCount ? max_count : kSmallCount;
      rising[0] = 0.0;
      digamma_rising[0] = 0.0;
      for (std::uint32_t k = 0; k < top; k++) {
        rising[k + 1] = rising[k] + std::log(a + k);
        digamma_rising[k + 1] = digamma_rising[k] + 1.0 / (a + k);
      }
      for (std::uint32_t k = top + 1; k <= kSmallCount; k++) rising[k] = digamma_rising[k] = 0.0;
      out.rising = rising;
      out.digamma_rising = digamma_rising;
      break;
    }
    default: break;
  }
}

}  // namespace nutmeg
